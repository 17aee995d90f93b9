package store

import (
	"context"
	"database/sql"
	"time"
)

// Coverage of a pulled case comes from the plan, not from the events: an
// invites pull holds events from the first invite to the last, but it has
// looked at every instant of its loaded chunks. And the last instant is not
// trusted before it has settled: rows arrive minutes late, so "latest" for a
// pull is at most its CreatedAt-Settle.

// addPulledSpan widens sum's From/To (the loaded files' event span) by the
// loaded chunks' intervals, the last covered instant being each chunk's To
// less one tick, capped at its pull's CreatedAt-Settle.
func (s *Store) addPulledSpan(ctx context.Context, sum Summary) (Summary, error) {
	var lo, hi sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(epoch_ns(c.FromTime)),
			max(least(epoch_ns(c.ToTime) - 100, epoch_ns(p.CreatedAt) - p.SettleNs))
		FROM _PullChunks c JOIN _Pulls p ON p.PullId = c.PullId WHERE c.State = 'loaded'`).Scan(&lo, &hi); err != nil {
		return sum, err
	}
	if !lo.Valid {
		return sum, nil
	}
	from, to := fromNs(lo.Int64), fromNs(hi.Int64)
	if to.Before(from) {
		// Every loaded chunk is younger than its pull's settle time: nothing
		// in them has settled, but they were looked at.
		to = from
	}
	if sum.From.IsZero() || from.Before(sum.From) {
		sum.From = from
	}
	if sum.To.IsZero() || to.After(sum.To) {
		sum.To = to
	}
	return sum, nil
}

// PullCoverage is one stretch [From, To) of a pull's plan: loaded (its
// events are in AuditLogs) or a gap (chunks planned or fetched but not
// loaded), with what the pull asked for, so a view can say
// "other operations: not pulled (scope invites)".
type PullCoverage struct {
	PullID        int64
	Source        string // la, graph
	Target        string
	Scope         string // invites, trail, all: the operations covered
	From, To      time.Time
	Loaded        bool
	Chunks        int       // chunks in the stretch
	Provisional   bool      // loaded but some chunk ends after its pull's settle time: late rows may be missing
	SettledBefore time.Time // the pull's CreatedAt-Settle: "latest" is at most this
}

// Coverage lists, pull by pull (oldest first) and in time order, the
// stretches of each plan that are loaded and the gaps. It works on a
// read-only store, and gives nothing for a case file without pulls.
func (s *Store) Coverage(ctx context.Context) ([]PullCoverage, error) {
	pulls, err := s.Pulls(ctx)
	if err != nil || len(pulls) == 0 {
		return nil, err
	}
	var out []PullCoverage
	for _, p := range pulls {
		chunks, err := listChunks(ctx, s.db, p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, coverageOf(p, chunks)...)
	}
	return out, nil
}

// coverageOf merges a pull's chunks (in time order) into stretches.
func coverageOf(p Pull, chunks []PullChunk) []PullCoverage {
	var out []PullCoverage
	for _, c := range chunks {
		loaded := c.State == ChunkLoaded
		if n := len(out); n > 0 && out[n-1].Loaded == loaded && !c.From.After(out[n-1].To) {
			last := &out[n-1]
			last.To = maxTime(last.To, c.To)
			last.Chunks++
			last.Provisional = last.Provisional || (loaded && c.Provisional)
			continue
		}
		from := c.From
		if n := len(out); n > 0 && from.Before(out[n-1].To) {
			from = out[n-1].To // a Graph edge shared with the stretch before
		}
		out = append(out, PullCoverage{PullID: p.ID, Source: p.Source, Target: p.Target, Scope: p.Scope,
			From: from, To: c.To, Loaded: loaded, Chunks: 1, Provisional: loaded && c.Provisional,
			SettledBefore: p.CreatedAt.Add(-p.Settle)})
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
