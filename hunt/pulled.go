package hunt

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// A pulled case (guesthunt pull) covers what its chunks' plan says, not
// what its events span: a chunk left unloaded is a hole the events cannot
// show, a chunk younger than the pull's settle time may still lack late
// rows, and a pull of scope invites holds no other operation at all. These
// facts come from the journal, so a plain loaded file has none of them.

const (
	// WarnPullIncomplete: the baseline or window overlaps chunks of a pull
	// that were never loaded.
	WarnPullIncomplete WarningKind = iota + 50
	// WarnPullProvisional: the as-of lies past a pull's settled edge, so
	// rows logged late may still be missing.
	WarnPullProvisional
)

// pulledKindName names the pull warnings for WarningKind.String.
func pulledKindName(k WarningKind) string {
	switch k {
	case WarnPullIncomplete:
		return "pull-incomplete"
	case WarnPullProvisional:
		return "pull-provisional"
	}
	return ""
}

// ScopeInvites is the pull scope that fetches "Invite external user" only.
const ScopeInvites = "invites"

// NotPulledInvites is what a view shows instead of 0 or nothing where it
// needs operations other than invites and only an invites pull was there.
const NotPulledInvites = "not pulled (scope invites)"

// interval is a half-open [from, to).
type interval struct{ from, to time.Time }

// pulledFacts is the case's pull journal as the views need it: each pull's
// stretches, and the spans the loaded files hold (every operation).
type pulledFacts struct {
	stretches []store.PullCoverage
	files     []interval
}

// pulledOf reads the journal; a case without pulls gives none, and costs
// no more queries.
func (e *Engine) pulledOf(ctx context.Context) (pulledFacts, error) {
	var f pulledFacts
	cov, err := e.store.Coverage(ctx)
	if err != nil || len(cov) == 0 {
		if err != nil {
			err = fmt.Errorf("pull coverage: %w", err)
		}
		return f, err
	}
	f.stretches = cov
	spans, err := e.store.FileSpans(ctx)
	if err != nil {
		return f, fmt.Errorf("loaded files' spans: %w", err)
	}
	for _, s := range spans {
		f.files = append(f.files, interval{s.From, s.To.Add(data.Tick)}) // MaxTime is an event: included
	}
	return f, nil
}

// warnings lists, for a run at s, the gaps its baseline or window overlaps
// and the unsettled tail its as-of reaches into.
func (f pulledFacts) warnings(s span) []Warning {
	var out []Warning
	add := func(k WarningKind, text string) {
		if !slices.Contains(out, Warning{Kind: k, Text: text}) {
			out = append(out, Warning{Kind: k, Text: text})
		}
	}
	runTo := s.asOf.Add(data.Tick) // the window includes the as-of
	for _, st := range f.stretches {
		if st.Loaded || !overlaps(interval{st.From, st.To}, interval{s.baselineFrom, runTo}) {
			continue
		}
		if f.coveredElsewhere(st) {
			continue // another pull (or a file) holds the events
		}
		add(WarnPullIncomplete, fmt.Sprintf("pull %d is incomplete: %s to %s not loaded; run guesthunt pull --db FILE to finish it",
			st.PullID, TableTime(st.From), TableTime(st.To)))
	}
	for _, st := range f.stretches {
		if st.Loaded && st.Provisional && s.asOf.After(st.SettledBefore) && st.To.After(s.windowFrom) {
			add(WarnPullProvisional, fmt.Sprintf("rows after %s may still be arriving; guesthunt pull --db FILE --refresh",
				TableTime(st.SettledBefore)))
		}
	}
	return out
}

// coveredElsewhere tells whether a gap is wholly loaded by another pull or
// a file: then no event is missing for the rule.
func (f pulledFacts) coveredElsewhere(gap store.PullCoverage) bool {
	var have []interval
	for _, st := range f.stretches {
		if st.Loaded && st.PullID != gap.PullID {
			have = append(have, interval{st.From, st.To})
		}
	}
	have = append(have, f.files...)
	return len(subtract(interval{gap.From, gap.To}, have)) == 0
}

// notPulled is the part of [from, to) that only invites pulls looked at:
// no file and no pull of scope trail or all covers it, but an invites pull
// loaded it. Gaps of every pull are the gap warnings' business, not this.
func (f pulledFacts) notPulled(want interval) (interval, bool) {
	var full, invites []interval
	full = append(full, f.files...)
	for _, st := range f.stretches {
		if !st.Loaded {
			continue
		}
		if st.Scope == ScopeInvites {
			invites = append(invites, interval{st.From, st.To})
		} else {
			full = append(full, interval{st.From, st.To})
		}
	}
	var hit interval
	found := false
	for _, rest := range subtract(want, full) {
		for _, iv := range invites {
			x, ok := intersect(rest, iv)
			if !ok {
				continue
			}
			if !found || x.from.Before(hit.from) {
				hit.from = x.from
			}
			if !found || x.to.After(hit.to) {
				hit.to = x.to
			}
			found = true
		}
	}
	return hit, found
}

func overlaps(a, b interval) bool { return a.from.Before(b.to) && b.from.Before(a.to) }

func intersect(a, b interval) (interval, bool) {
	x := interval{a.from, a.to}
	if b.from.After(x.from) {
		x.from = b.from
	}
	if b.to.Before(x.to) {
		x.to = b.to
	}
	return x, x.from.Before(x.to)
}

// subtract is what of want none of have covers, in time order.
func subtract(want interval, have []interval) []interval {
	rest := []interval{want}
	for _, h := range have {
		var next []interval
		for _, r := range rest {
			if !overlaps(r, h) {
				next = append(next, r)
				continue
			}
			if r.from.Before(h.from) {
				next = append(next, interval{r.from, h.from})
			}
			if h.to.Before(r.to) {
				next = append(next, interval{h.to, r.to})
			}
		}
		rest = next
	}
	slices.SortFunc(rest, func(a, b interval) int { return a.from.Compare(b.from) })
	return rest
}

// end is where a trail's reading stops: just past the data's last event, or
// the end of the last loaded chunk when the settle time cut dataTo short,
// and never before the invite's own tick.
func (f pulledFacts) end(dataTo, invited time.Time) time.Time {
	end := dataTo
	if invited.After(end) {
		end = invited
	}
	end = end.Add(data.Tick)
	for _, st := range f.stretches {
		if st.Loaded && st.To.After(end) {
			end = st.To
		}
	}
	return end
}

// TrailsNotice says, for trails of which some were pulled with scope
// invites only, which part of the data lacks the trail's operations and
// how to fetch them; "" when every trail is whole.
func TrailsNotice(trails []Trail) string {
	n := 0
	var from, to time.Time
	for _, t := range trails {
		if t.NotPulled == "" {
			continue
		}
		if n == 0 || t.NotPulledFrom.Before(from) {
			from = t.NotPulledFrom
		}
		if n == 0 || t.NotPulledTo.After(to) {
			to = t.NotPulledTo
		}
		n++
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d guest trails reach into %s to %s, which was pulled with scope invites: redemptions, group, role and app grants and deletions there were not pulled, so those trails say %q and are not judged never-redeemed; guesthunt pull --db FILE --scope trail fetches them",
		n, len(trails), TableTime(from), TableTime(to), NotPulledInvites)
}

// windowLoaded tells whether loaded pull chunks (of any scope: every scope
// holds the invites) cover the whole window (windowFrom, asOf].
func (f pulledFacts) windowLoaded(s span) bool {
	var loaded []interval
	for _, st := range f.stretches {
		if st.Loaded {
			loaded = append(loaded, interval{st.From, st.To})
		}
	}
	if len(loaded) == 0 {
		return false
	}
	// (windowFrom, asOf] in ticks is [windowFrom+tick, asOf+tick).
	return len(subtract(interval{s.windowFrom.Add(data.Tick), s.asOf.Add(data.Tick)}, loaded)) == 0
}
