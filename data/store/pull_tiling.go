package store

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// tick is Kusto's (and the pull's) time resolution.
const tick = 100 * time.Nanosecond

// Pull sources.
const (
	PullSourceLA    = "la"    // Log Analytics query API
	PullSourceGraph = "graph" // Microsoft Graph directoryAudits
)

// checkTick refuses an instant the journal cannot keep exactly: TIMESTAMP_NS
// through nanoseconds since 1970 holds 1678 to 2262, and pulls are planned on
// 100 ns ticks.
func checkTick(what string, t time.Time) error {
	if t.IsZero() {
		return fmt.Errorf("%s is not set", what)
	}
	n := t.UnixNano()
	if !time.Unix(0, n).Equal(t) {
		return fmt.Errorf("%s %s is outside the years 1678 to 2262", what, t.UTC().Format(time.RFC3339Nano))
	}
	if n%int64(tick) != 0 {
		return fmt.Errorf("%s %s is not on a 100 ns tick", what, t.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// spanText is [from, to) in words, for error messages and source names.
func spanText(from, to time.Time) string {
	return "[" + from.UTC().Format(time.RFC3339Nano) + ", " + to.UTC().Format(time.RFC3339Nano) + ")"
}

// graphEdgeSlack is how far a Graph chunk may run past the whole second the
// next one starts at: Graph's filter has no "lt", so consecutive chunks are
// asked for inclusive windows [A, B], [B, C] and share B (dedup by Id removes
// what both return). Written half-open, the earlier chunk may end at B, B+1
// tick or B+1 s.
const graphEdgeSlack = time.Second

// sortChunks orders chunks by From (then To), as the plan is read.
func sortChunks(chunks []PullChunk) {
	slices.SortStableFunc(chunks, func(a, b PullChunk) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return a.To.Compare(b.To)
	})
}

// checkTiling says whether chunks (sorted by From) tile [from, to) exactly:
// the first starts at from, the last ends at to, each begins where the one
// before ends, none is empty. For Graph, an edge may be shared (see
// graphEdgeSlack); nothing else may overlap or leave a gap. what names the
// interval in the error ("pull 3", "chunk 5 of pull 3").
func checkTiling(what, source string, from, to time.Time, chunks []PullChunk) error {
	if len(chunks) == 0 {
		return fmt.Errorf("%s: the plan has no chunks for %s", what, spanText(from, to))
	}
	for i, c := range chunks {
		if err := checkTick(fmt.Sprintf("chunk %d's start", i+1), c.From); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := checkTick(fmt.Sprintf("chunk %d's end", i+1), c.To); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if !c.From.Before(c.To) {
			return fmt.Errorf("%s: chunk %s is empty or backwards", what, spanText(c.From, c.To))
		}
	}
	if first := chunks[0]; !first.From.Equal(from) {
		return fmt.Errorf("%s: the first chunk %s does not start at the pull's start %s", what,
			spanText(first.From, first.To), from.UTC().Format(time.RFC3339Nano))
	}
	if last := chunks[len(chunks)-1]; !last.To.Equal(to) {
		return fmt.Errorf("%s: the last chunk %s does not end at the pull's end %s", what,
			spanText(last.From, last.To), to.UTC().Format(time.RFC3339Nano))
	}
	for i := 1; i < len(chunks); i++ {
		prev, c := chunks[i-1], chunks[i]
		switch {
		case prev.To.Equal(c.From):
		case prev.To.Before(c.From):
			return fmt.Errorf("%s: gap %s between chunk %s and chunk %s", what,
				spanText(prev.To, c.From), spanText(prev.From, prev.To), spanText(c.From, c.To))
		case source == PullSourceGraph && c.From.Equal(c.From.Truncate(time.Second)) &&
			!prev.To.After(c.From.Add(graphEdgeSlack)) && prev.To.Before(c.To):
			// A shared whole-second edge.
		default:
			return fmt.Errorf("%s: chunk %s overlaps chunk %s", what,
				spanText(prev.From, prev.To), spanText(c.From, c.To))
		}
	}
	return nil
}

// numberChunks gives the chunks Seq numbers first, first+1, ... in time order
// unless they all carry distinct ones already.
func numberChunks(what string, chunks []PullChunk, first int64) error {
	var given int
	seen := map[int64]bool{}
	for _, c := range chunks {
		if c.Seq != 0 {
			given++
			if c.Seq < 0 || seen[c.Seq] {
				return fmt.Errorf("%s: chunk number %d is negative or repeated", what, c.Seq)
			}
			seen[c.Seq] = true
		}
	}
	switch given {
	case 0:
		for i := range chunks {
			chunks[i].Seq = first + int64(i)
		}
		return nil
	case len(chunks):
		return nil
	}
	return errors.New(what + ": some chunks have numbers and others not; give all or none")
}
