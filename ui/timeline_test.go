package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
)

// A replay built by hand: n days from 2026-09-01, a run a day from day
// `from`, alerts on the days listed, the hostile inviter on the last.
func handReplay(n, from int, alerted map[int]int) *hunt.Replay {
	start := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	hostile := "evil\u202etxt.exe\u200b@contoso.example"
	var days []hunt.ReplayDay
	var runs []hunt.ReplayRun
	inv := map[int]int{}
	for a, c := range alerted {
		inv[a] = c
	}
	for i := range n {
		d := start.Add(time.Duration(i) * day)
		days = append(days, hunt.ReplayDay{Day: d, Invites: 3 + i%5 + 2*inv[i], Alerts: alerted[i]})
		if i < from {
			continue
		}
		run := hunt.ReplayRun{AsOf: d.Add(17*time.Hour + 42*time.Minute), Covered: true}
		if c := alerted[i]; c > 0 {
			upn := fmt.Sprintf("inviter%d@contoso.example", i)
			if i == n-1 {
				upn = hostile
			}
			run.Inviters = []hunt.InviterSummary{{UPN: upn, Invites: c, DistinctGuests: c}}
			run.Rows = make([]hunt.Alert, c)
			run.New = []string{upn}
		}
		runs = append(runs, run)
	}
	return &hunt.Replay{Runs: runs, Days: days, FirstFired: map[string]time.Time{hostile: runs[len(runs)-1].AsOf}, Elapsed: time.Second}
}

func shownPage(r *hunt.Replay) timelinePage {
	return newTimelinePage(hunt.ReplayParams{Params: hunt.DefaultParams(), Every: day},
		replayState{last: r, lastFor: hunt.ReplayParams{Params: hunt.DefaultParams(), Every: day}}, time.Time{})
}

// Every line fits the width at the three sizes, the body is exactly its
// height, and a hostile UPN is drawn with markers, never raw.
func TestTimelineFitsAndIsSafe(t *testing.T) {
	for _, n := range []int{39, 400} {
		r := handReplay(n, 14, map[int]int{20: 2, 30: 6, n - 1: 1})
		p := shownPage(r)
		for _, size := range [][2]int{{80, 19}, {120, 31}, {200, 45}, {30, 8}} {
			for _, noColor := range []bool{false, true} {
				env := pageEnv{st: NewStyles(true, noColor), keys: NewKeyMap(), width: size[0], height: size[1]}
				out := p.View(env)
				lines := strings.Split(out, "\n")
				if len(lines) != size[1] {
					t.Fatalf("%d days at %v: %d lines", n, size, len(lines))
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > size[0] {
						t.Fatalf("%d days at %v: line %d is %d wide: %q", n, size, i, w, ansi.Strip(l))
					}
				}
				for _, bad := range []rune{'\u202e', '\u200b'} {
					if strings.ContainsRune(out, bad) {
						t.Fatalf("%U reached the screen", bad)
					}
				}
				if size[0] >= 80 && !strings.Contains(ansi.Strip(out), "evil‹RLO›txt.exe‹ZWSP›@contoso.example") {
					t.Fatalf("%d days at %v: hostile UPN not drawn with markers:\n%s", n, size, ansi.Strip(out))
				}
			}
		}
	}
}

// Without colour a day that alerted still stands out: it has alert bars,
// a day that did not has ·, a day without a covered run ░.
func TestTimelineAlertedDaysByGlyph(t *testing.T) {
	r := handReplay(39, 14, map[int]int{20: 2, 30: 6})
	env := pageEnv{st: NewStyles(true, true), keys: NewKeyMap(), width: 120, height: 31}
	lines := strings.Split(ansi.Strip(shownPage(r).View(env)), "\n")
	var bottom string // the alerts chart's bottom row: the one above the axis
	for i, l := range lines {
		if strings.HasPrefix(l, "UTC") {
			bottom = lines[i-1]
		}
	}
	cols := dayColumns(39, 38, 120-timelineGutter)
	cell := func(i int) string { return string([]rune(bottom)[timelineGutter+i*cols.w]) }
	if cell(0) != glyphUncovered || cell(15) != glyphZero || cell(20) == glyphZero || cell(30) != bar(barLevels-1) {
		t.Fatalf("alerts row %q: day 0 %q, 15 %q, 20 %q, 30 %q", bottom, cell(0), cell(15), cell(20), cell(30))
	}
}

// The cursor moves over days and scrolls; the selected day's run is listed
// with its inviters, new ones marked.
func TestTimelineCursor(t *testing.T) {
	r := handReplay(400, 14, map[int]int{20: 2, 399: 1})
	p := Page(shownPage(r))
	env := pageEnv{st: NewStyles(true, true), keys: NewKeyMap(), width: 80, height: 19}
	if c := p.(timelinePage).cursor; c != 399 {
		t.Fatalf("cursor starts at %d, want the last day", c)
	}
	p, _ = p.Update(env, press("home"))
	if v := ansi.Strip(p.View(env)); !strings.Contains(v, "Tue 2026-09-01") || !strings.Contains(v, "no run this day") {
		t.Fatalf("first day:\n%s", v)
	}
	for range 20 {
		p, _ = p.Update(env, press("l"))
	}
	v := ansi.Strip(p.View(env))
	if !strings.Contains(v, "NEW  inviter20@contoso.example") || !strings.Contains(v, "1 inviter flagged (1 new, 0 gone)") {
		t.Fatalf("day 20:\n%s", v)
	}
	_, cmd := p.Update(env, press("enter"))
	if msg, ok := cmd().(timelinePickMsg); !ok || !msg.asOf.Equal(r.Runs[6].AsOf) {
		t.Fatalf("enter gave %#v, want the run of day 20", cmd())
	}
	p, _ = p.Update(env, press("end"))
	if v := ansi.Strip(p.View(env)); !strings.Contains(v, "of 400") {
		t.Fatalf("400 days at 80 columns: no scroll note:\n%s", v)
	}
}

// While a new replay is computed the page keeps the old one, says it is
// stale, refuses enter, and drops answers to older requests.
func TestTimelineStale(t *testing.T) {
	r := handReplay(39, 14, map[int]int{30: 2})
	env := pageEnv{st: NewStyles(true, true), keys: NewKeyMap(), width: 120, height: 31}
	p := Page(shownPage(r))
	p15 := hunt.DefaultParams()
	p15.Baseline = 15 * day
	want := hunt.ReplayParams{Params: p15, Every: day}
	p, _ = p.Update(env, replayAskedMsg{seq: 7, rp: want})
	if v := ansi.Strip(p.View(env)); !strings.Contains(v, "stale: showing baseline 14d") || !strings.Contains(v, "baseline 15d") {
		t.Fatalf("stale page:\n%s", v)
	}
	if _, cmd := p.Update(env, press("enter")); cmd == nil {
		t.Fatal("enter on a stale timeline did nothing")
	} else if _, ok := cmd().(statusMsg); !ok {
		t.Fatal("enter on a stale timeline picked a day")
	}
	p, _ = p.Update(env, replayMsg{seq: 6, rp: want, rep: handReplay(10, 0, nil)})
	if len(p.(timelinePage).rep.Days) != 39 {
		t.Fatal("an older request's answer was taken")
	}
	p, _ = p.Update(env, replayMsg{seq: 7, rp: want, rep: handReplay(39, 15, map[int]int{30: 3})})
	if v := ansi.Strip(p.View(env)); strings.Contains(v, "stale") || p.(timelinePage).waiting() {
		t.Fatalf("after the answer:\n%s", v)
	}
}

// Waiting for the first replay: the page says so.
func TestTimelineWaiting(t *testing.T) {
	rp := hunt.ReplayParams{Params: hunt.DefaultParams(), Every: day}
	p := newTimelinePage(rp, replayState{askFor: rp, seq: 3, busy: true}, time.Time{})
	env := pageEnv{st: NewStyles(true, false), keys: NewKeyMap(), width: 80, height: 19}
	if v := ansi.Strip(p.View(env)); !strings.Contains(v, "replaying…") || !p.Status().Querying {
		t.Fatalf("waiting page:\n%s", v)
	}
}
