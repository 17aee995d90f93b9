package live

import (
	"errors"
	"sort"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// Default chunk budget: at least 4x headroom on the service's 64 MB and 10x
// on its 500,000 rows, and about 100 MiB of client memory per chunk in
// flight (LIVE-SOURCE.md section 2).
const (
	DefaultChunkBytes = 16 << 20
	DefaultChunkRows  = 50_000
)

// Bin is one histogram bin: the rows and estimated bytes of a scope whose
// TimeGenerated falls in [Start, Start+Width).
type Bin struct {
	Start       time.Time
	Width       time.Duration
	Rows, Bytes int64
}

// Budget bounds one chunk's estimated size.
type Budget struct{ Rows, Bytes int64 }

func (b Budget) orDefault() Budget {
	if b.Rows <= 0 {
		b.Rows = DefaultChunkRows
	}
	if b.Bytes <= 0 {
		b.Bytes = DefaultChunkBytes
	}
	return b
}

func (b Budget) fits(rows, bytes int64) bool { return rows <= b.Rows && bytes <= b.Bytes }

// OverBudget lists the bins that alone exceed the budget: the hours to ask
// again at a finer bin.
func OverBudget(bins []Bin, b Budget) []Bin {
	b = b.orDefault()
	var over []Bin
	for _, x := range bins {
		if !b.fits(x.Rows, x.Bytes) {
			over = append(over, x)
		}
	}
	return over
}

// PlanChunks cuts iv into chunks that tile it exactly, greedily, each within
// the budget where the bins allow: cuts fall on bin starts (whole seconds;
// only iv's own ends may be finer), and a stretch without rows joins the
// chunk before it. over lists the indexes of chunks over budget, each one
// that no cut can shrink (a single bin over budget, at its finest). The
// result depends only on the arguments.
func PlanChunks(iv Interval, bins []Bin, b Budget) (chunks []store.PullChunk, over []int) {
	b = b.orDefault()
	from, to := data.ToTick(iv.From), data.ToTick(iv.To)
	if !from.Before(to) {
		return nil, nil
	}
	groups := cutGroups(from, to, bins)
	cur := store.PullChunk{From: from, State: store.ChunkPlanned}
	closeAt := func(at time.Time) {
		cur.To = at
		if !b.fits(cur.PlannedRows, cur.PlannedBytes) {
			over = append(over, len(chunks))
		}
		chunks = append(chunks, cur)
		cur = store.PullChunk{From: at, State: store.ChunkPlanned}
	}
	for _, g := range groups {
		if g.at.After(cur.From) && (cur.PlannedRows > 0 || cur.PlannedBytes > 0) &&
			!b.fits(cur.PlannedRows+g.rows, cur.PlannedBytes+g.bytes) {
			closeAt(g.at)
		}
		cur.PlannedRows += g.rows
		cur.PlannedBytes += g.bytes
	}
	closeAt(to)
	return chunks, over
}

// group is the rows of the bins that share one possible cut point.
type group struct {
	at          time.Time
	rows, bytes int64
}

// cutGroups clips the bins to [from, to) and sums them by cut point: a
// bin's start truncated to the second (a chunk boundary must be a whole
// second), or from for bins that began before it.
func cutGroups(from, to time.Time, bins []Bin) []group {
	byAt := map[int64]*group{}
	for _, x := range bins {
		end := x.Start.Add(x.Width)
		if x.Width <= 0 {
			end = x.Start.Add(data.Tick)
		}
		if !end.After(from) || !x.Start.Before(to) {
			continue
		}
		at := x.Start.UTC().Truncate(time.Second)
		if !at.After(from) {
			at = from
		}
		g := byAt[at.UnixNano()]
		if g == nil {
			g = &group{at: at}
			byAt[at.UnixNano()] = g
		}
		g.rows += max(x.Rows, 0)
		g.bytes += max(x.Bytes, 0)
	}
	out := make([]group, 0, len(byAt))
	for _, g := range byAt {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out
}

// ErrUnsplittable: a chunk one tick long cannot be split.
var ErrUnsplittable = errors.New("the chunk is one tick (100 ns) long and cannot be split further")

// Bisect splits a chunk in two near its middle: at a whole second when it
// is at least 2 s long, else at a tick. The estimates are shared in
// proportion, so the plan's totals stay the same.
func Bisect(c store.PullChunk) ([]store.PullChunk, error) {
	span := c.To.Sub(c.From)
	if span < 2*data.Tick {
		return nil, ErrUnsplittable
	}
	var mid time.Time
	if span >= 2*time.Second {
		mid = c.From.Add(span / 2).Truncate(time.Second) // > From, as span/2 >= 1 s
	} else {
		mid = c.From.Add(span / 2 / data.Tick * data.Tick)
	}
	share := float64(mid.Sub(c.From)) / float64(span)
	a := store.PullChunk{PullID: c.PullID, From: c.From, To: mid, State: store.ChunkPlanned, Provisional: c.Provisional,
		PlannedRows: int64(float64(c.PlannedRows) * share), PlannedBytes: int64(float64(c.PlannedBytes) * share)}
	z := store.PullChunk{PullID: c.PullID, From: mid, To: c.To, State: store.ChunkPlanned, Provisional: c.Provisional,
		PlannedRows: c.PlannedRows - a.PlannedRows, PlannedBytes: c.PlannedBytes - a.PlannedBytes}
	return []store.PullChunk{a, z}, nil
}
