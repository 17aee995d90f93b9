package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The pull journal: each method is one transaction, and they are serialised
// (pullMu) so that two never race for the same row. LoadChunk (pull_load.go)
// writes its chunk in the load's own transaction instead.

const pullColumns = `PullId, Source, Target, Cloud, Scope, epoch_ns(FromTime), epoch_ns(ToTime), QueryText,
	epoch_ns(CreatedAt), SettleNs, Complete`

const chunkColumns = `PullId, Seq, epoch_ns(FromTime), epoch_ns(ToTime), State, PlannedRows, PlannedBytes, Rows, Bytes,
	coalesce(SourceId, 0), Attempts, LastError, RawPath, Sha256, Provisional`

// maxErrorText bounds what NoteAttempt keeps of an error: a service's error
// body can be long, and the journal only needs to say what went wrong.
const maxErrorText = 4096

func fromNs(n int64) time.Time { return time.Unix(0, n).UTC() }

func scanPull(row interface{ Scan(...any) error }) (Pull, error) {
	var p Pull
	var from, to, created, settle int64
	err := row.Scan(&p.ID, &p.Source, &p.Target, &p.Cloud, &p.Scope, &from, &to, &p.QueryText, &created, &settle, &p.Complete)
	p.From, p.To, p.CreatedAt, p.Settle = fromNs(from), fromNs(to), fromNs(created), time.Duration(settle)
	return p, err
}

func scanChunk(row interface{ Scan(...any) error }) (PullChunk, error) {
	var c PullChunk
	var from, to int64
	var state string
	err := row.Scan(&c.PullID, &c.Seq, &from, &to, &state, &c.PlannedRows, &c.PlannedBytes, &c.Rows, &c.Bytes,
		&c.SourceID, &c.Attempts, &c.LastError, &c.RawPath, &c.Sha256, &c.Provisional)
	c.From, c.To, c.State = fromNs(from), fromNs(to), ChunkState(state)
	return c, err
}

// chunkName names a chunk in messages.
func chunkName(pullID, seq int64) string { return fmt.Sprintf("chunk %d of pull %d", seq, pullID) }

// pullTx runs fn in one journal transaction.
func (s *Store) pullTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if err := s.journal(ctx); err != nil {
		return err
	}
	s.pullMu.Lock()
	defer s.pullMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.keepWALPrivate()
	return nil
}

func getPull(ctx context.Context, q querier, id int64) (Pull, error) {
	p, err := scanPull(q.QueryRowContext(ctx, `SELECT `+pullColumns+` FROM _Pulls WHERE PullId = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("pull %d: no such pull in the case file", id)
	}
	return p, err
}

func getChunk(ctx context.Context, q querier, pullID, seq int64) (PullChunk, error) {
	c, err := scanChunk(q.QueryRowContext(ctx, `SELECT `+chunkColumns+` FROM _PullChunks WHERE PullId = ? AND Seq = ?`, pullID, seq))
	if errors.Is(err, sql.ErrNoRows) {
		if _, perr := getPull(ctx, q, pullID); perr != nil {
			return c, perr
		}
		return c, fmt.Errorf("%s: no such chunk (it may have been split)", chunkName(pullID, seq))
	}
	return c, err
}

func listChunks(ctx context.Context, q querier, pullID int64) ([]PullChunk, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+chunkColumns+` FROM _PullChunks WHERE PullId = ? ORDER BY FromTime, ToTime, Seq`, pullID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PullChunk
	for rows.Next() {
		c, err := scanChunk(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// insertChunks writes a plan's chunks, planned, provisional when they end
// after the pull's CreatedAt-Settle (late rows may still arrive).
func insertChunks(ctx context.Context, tx *sql.Tx, p Pull, chunks []PullChunk) error {
	settled := p.CreatedAt.Add(-p.Settle)
	for i := range chunks {
		c := &chunks[i]
		c.PullID, c.State, c.Provisional = p.ID, ChunkPlanned, c.To.After(settled)
		c.Rows, c.Bytes, c.SourceID, c.Attempts, c.LastError, c.RawPath, c.Sha256 = 0, 0, 0, 0, "", "", ""
		if c.PlannedRows < 0 || c.PlannedBytes < 0 {
			return fmt.Errorf("%s: planned rows or bytes are negative", chunkName(p.ID, c.Seq))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO _PullChunks (PullId, Seq, FromTime, ToTime, State, PlannedRows, PlannedBytes,
			Rows, Bytes, SourceId, Attempts, LastError, RawPath, Sha256, Provisional)
			VALUES (?, ?, make_timestamp_ns(?), make_timestamp_ns(?), ?, ?, ?, 0, 0, NULL, 0, '', '', '', ?)`,
			p.ID, c.Seq, c.From.UnixNano(), c.To.UnixNano(), string(c.State), c.PlannedRows, c.PlannedBytes, c.Provisional); err != nil {
			return fmt.Errorf("%s: %w", chunkName(p.ID, c.Seq), err)
		}
	}
	return nil
}

// FindPull returns the latest pull of the same Source, Target, Cloud and
// Scope over the same [From, To), to resume it.
func (s *Store) FindPull(ctx context.Context, p Pull) (Pull, bool, error) {
	var found Pull
	var ok bool
	err := s.pullTx(ctx, func(tx *sql.Tx) error {
		var err error
		found, err = scanPull(tx.QueryRowContext(ctx, `SELECT `+pullColumns+` FROM _Pulls
			WHERE Source = ? AND Target = ? AND Cloud = ? AND Scope = ?
				AND epoch_ns(FromTime) = ? AND epoch_ns(ToTime) = ?
			ORDER BY PullId DESC LIMIT 1`, p.Source, p.Target, p.Cloud, p.Scope, p.From.UnixNano(), p.To.UnixNano()))
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		ok = true
		return nil
	})
	if err != nil {
		return Pull{}, false, fmt.Errorf("find an earlier pull: %w", err)
	}
	return found, ok, nil
}

// CreatePull records a pull and its plan. The chunks must tile [p.From, p.To)
// exactly: no gap, no overlap (Graph chunks may share a whole-second edge).
// They are numbered 1, 2, ... in time order unless they all carry distinct
// Seq numbers; they start planned. A zero CreatedAt is now.
func (s *Store) CreatePull(ctx context.Context, p Pull, chunks []PullChunk) (Pull, error) {
	p.ID, p.Complete = 0, false
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	p.CreatedAt = p.CreatedAt.UTC().Truncate(tick)
	p.From, p.To = p.From.UTC(), p.To.UTC()
	if err := checkNewPull(p); err != nil {
		return Pull{}, err
	}
	plan := append([]PullChunk(nil), chunks...)
	sortChunks(plan)
	what := fmt.Sprintf("new %s pull of %s", p.Source, spanText(p.From, p.To))
	if err := checkTiling(what, p.Source, p.From, p.To, plan); err != nil {
		return Pull{}, err
	}
	if err := numberChunks(what, plan, 1); err != nil {
		return Pull{}, err
	}
	err := s.pullTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(PullId), 0) + 1 FROM _Pulls`).Scan(&p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO _Pulls (PullId, Source, Target, Cloud, Scope, FromTime, ToTime, QueryText,
			CreatedAt, SettleNs, Complete) VALUES (?, ?, ?, ?, ?, make_timestamp_ns(?), make_timestamp_ns(?), ?, make_timestamp_ns(?), ?, false)`,
			p.ID, p.Source, p.Target, p.Cloud, p.Scope, p.From.UnixNano(), p.To.UnixNano(), p.QueryText,
			p.CreatedAt.UnixNano(), int64(p.Settle)); err != nil {
			return err
		}
		return insertChunks(ctx, tx, p, plan)
	})
	if err != nil {
		return Pull{}, fmt.Errorf("record the pull: %w", err)
	}
	return p, nil
}

func checkNewPull(p Pull) error {
	switch {
	case p.Source != PullSourceLA && p.Source != PullSourceGraph:
		return fmt.Errorf("pull source %q is unknown: want %q (Log Analytics) or %q (Microsoft Graph)", p.Source, PullSourceLA, PullSourceGraph)
	case strings.TrimSpace(p.Target) == "":
		return errors.New("the pull has no target (a workspace, or Graph's API root)")
	case strings.TrimSpace(p.Scope) == "":
		return errors.New("the pull has no scope (invites, trail or all)")
	case p.Settle < 0:
		return fmt.Errorf("the pull's settle time %v is negative", p.Settle)
	}
	if err := checkTick("the pull's start", p.From); err != nil {
		return err
	}
	if err := checkTick("the pull's end", p.To); err != nil {
		return err
	}
	if err := checkTick("the pull's creation time", p.CreatedAt); err != nil {
		return err
	}
	if !p.From.Before(p.To) {
		return fmt.Errorf("the pull's interval %s is empty or backwards", spanText(p.From, p.To))
	}
	return nil
}

// PullChunks lists a pull's chunks in time order.
// It only reads, so it works on a read-only store too (pull status).
func (s *Store) PullChunks(ctx context.Context, pullID int64) ([]PullChunk, error) {
	ok, err := s.hasPullTables(ctx, false)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("pull %d: no such pull in the case file", pullID)
	}
	if _, err := getPull(ctx, s.db, pullID); err != nil {
		return nil, err
	}
	return listChunks(ctx, s.db, pullID)
}

// SplitChunk replaces a chunk that is not loaded by parts that tile it
// exactly, numbered past every chunk of the pull in time order, and returns
// them (planned: whatever was fetched for the whole chunk is dropped).
func (s *Store) SplitChunk(ctx context.Context, pullID, seq int64, parts []PullChunk) ([]PullChunk, error) {
	plan := append([]PullChunk(nil), parts...)
	sortChunks(plan)
	err := s.pullTx(ctx, func(tx *sql.Tx) error {
		p, err := getPull(ctx, tx, pullID)
		if err != nil {
			return err
		}
		c, err := getChunk(ctx, tx, pullID, seq)
		if err != nil {
			return err
		}
		what := chunkName(pullID, seq) + " " + spanText(c.From, c.To)
		if c.State == ChunkLoaded {
			return fmt.Errorf("%s is loaded: a loaded chunk is never split", what)
		}
		if err := checkTiling("split "+what, p.Source, c.From, c.To, plan); err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT max(Seq) + 1 FROM _PullChunks WHERE PullId = ?`, pullID).Scan(&next); err != nil {
			return err
		}
		for i := range plan {
			plan[i].Seq = next + int64(i)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM _PullChunks WHERE PullId = ? AND Seq = ?`, pullID, seq); err != nil {
			return err
		}
		return insertChunks(ctx, tx, p, plan)
	})
	if err != nil {
		return nil, fmt.Errorf("split %s: %w", chunkName(pullID, seq), err)
	}
	return plan, nil
}

// NoteAttempt counts a failed fetch of a chunk and keeps its error text.
func (s *Store) NoteAttempt(ctx context.Context, pullID, seq int64, errText string) error {
	if len(errText) > maxErrorText {
		errText = strings.ToValidUTF8(errText[:maxErrorText], "") + "…"
	}
	return s.pullTx(ctx, func(tx *sql.Tx) error {
		if _, err := getChunk(ctx, tx, pullID, seq); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE _PullChunks SET Attempts = Attempts + 1, LastError = ? WHERE PullId = ? AND Seq = ?`,
			errText, pullID, seq)
		return err
	})
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// MarkFetched records a chunk's spooled raw response: its file (kept as an
// absolute path), the file's SHA-256 in hex, and the rows and bytes fetched.
// A loaded chunk is refused: its events are in already.
func (s *Store) MarkFetched(ctx context.Context, pullID, seq int64, rawPath, sha256 string, rows, bytes int64) error {
	name := chunkName(pullID, seq)
	sha256 = strings.ToLower(sha256)
	switch {
	case rawPath == "":
		return fmt.Errorf("%s: fetched, but no spool file is named", name)
	case !sha256Hex.MatchString(sha256):
		return fmt.Errorf("%s: %q is not a SHA-256 in hex", name, sha256)
	case rows < 0 || bytes < 0:
		return fmt.Errorf("%s: fetched rows or bytes are negative", name)
	}
	if abs, err := filepath.Abs(rawPath); err == nil {
		rawPath = abs // a resumed pull may run from another folder
	}
	return s.pullTx(ctx, func(tx *sql.Tx) error {
		c, err := getChunk(ctx, tx, pullID, seq)
		if err != nil {
			return err
		}
		if c.State == ChunkLoaded {
			return fmt.Errorf("%s is loaded already (source %d): its response is not needed again", name, c.SourceID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE _PullChunks SET State = ?, RawPath = ?, Sha256 = ?, Rows = ?, Bytes = ?, LastError = ''
			WHERE PullId = ? AND Seq = ?`, string(ChunkFetched), rawPath, sha256, rows, bytes, pullID, seq)
		return err
	})
}

// FinishPull marks a pull complete; every chunk must be loaded.
func (s *Store) FinishPull(ctx context.Context, pullID int64) error {
	return s.pullTx(ctx, func(tx *sql.Tx) error {
		if _, err := getPull(ctx, tx, pullID); err != nil {
			return err
		}
		chunks, err := listChunks(ctx, tx, pullID)
		if err != nil {
			return err
		}
		var open []string
		for _, c := range chunks {
			if c.State != ChunkLoaded {
				open = append(open, fmt.Sprintf("%d (%s)", c.Seq, c.State))
			}
		}
		if len(open) > 0 {
			if len(open) > 5 {
				open = append(open[:5], fmt.Sprintf("and %d more", len(open)-5))
			}
			return fmt.Errorf("pull %d is not complete: chunks %s are not loaded", pullID, strings.Join(open, ", "))
		}
		_, err = tx.ExecContext(ctx, `UPDATE _Pulls SET Complete = true WHERE PullId = ?`, pullID)
		return err
	})
}

// Pulls lists the case file's pulls, oldest first, for "pull status"; it
// works on a read-only store too (and gives none for a file without pulls).
func (s *Store) Pulls(ctx context.Context) ([]Pull, error) {
	ok, err := s.hasPullTables(ctx, false)
	if err != nil || !ok {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+pullColumns+` FROM _Pulls ORDER BY PullId`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pull
	for rows.Next() {
		p, err := scanPull(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
