package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
)

func TestStatusBarFillsWidth(t *testing.T) {
	info := StatusInfo{Row: 3, Rows: 100000, Filter: "evil\x1b]0;x\x07", SortColumn: "Invites", SortDesc: true, QueryTime: 42 * time.Millisecond}
	for _, w := range []int{20, 60, 80, 160} {
		out := StatusBar(info, NewKeyMap().Hints(), NewStyles(true, false), w)
		if got := ansi.StringWidth(out); got != w {
			t.Fatalf("width %d: bar is %d wide: %q", w, got, ansi.Strip(out))
		}
		if strings.Contains(ansi.Strip(out), "\x1b") || strings.Contains(out, "\x07") {
			t.Fatalf("filter text reached the terminal raw: %q", out)
		}
	}
	plain := ansi.Strip(StatusBar(info, NewKeyMap().Hints(), NewStyles(true, true), 160))
	for _, want := range []string{"row 3/100,000", "filter: evil␛]0;x␇", "sort: Invites ▼", "query 42ms", "? help"} {
		if !strings.Contains(plain, want) {
			t.Errorf("status bar misses %q: %q", want, plain)
		}
	}
	if got := ansi.Strip(StatusBar(StatusInfo{Querying: true}, NewKeyMap().Hints(), NewStyles(false, false), 80)); !strings.Contains(got, "no rows") || !strings.Contains(got, "querying…") {
		t.Fatalf("empty/querying bar %q", got)
	}
}

func TestHeader(t *testing.T) {
	h := HeaderInfo{
		Data: DataSetInfo{Files: []string{"/cases/x/audit\u202Egol.json"}, Events: 12345, Demo: true,
			From: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2024, 5, 8, 0, 0, 0, 0, time.UTC)},
		Params:   ParamsInfo{AsOf: time.Date(2024, 5, 8, 0, 0, 0, 100, time.UTC), AsOfNote: "end of data", Baseline: "14d", Window: "1d", FoldCase: true},
		Coverage: CoverageInfo{BaselineCovered: false, Note: "data starts 2024-05-01, baseline needs 2024-04-24"},
	}
	out := Header(h, NewStyles(true, false), 200)
	plain := ansi.Strip(out)
	for _, want := range []string{"DEMO", "audit‹RLO›gol.json", "12,345 events", "2024-05-08T00:00:00.0000001Z (end of data)",
		"baseline 14d", "window 1d", "FOLD-CASE", "⚠ data starts 2024-05-01"} {
		if !strings.Contains(plain, want) {
			t.Errorf("header misses %q:\n%s", want, plain)
		}
	}
	if strings.Contains(out, "\u202E") {
		t.Fatal("bidi control reached the header")
	}
	h.Coverage.BaselineCovered, h.Params.FoldCase = true, false
	plain = ansi.Strip(Header(h, NewStyles(true, false), 80))
	lines := strings.Split(plain, "\n")
	if len(lines) != 2 || !strings.Contains(plain, "baseline 14d  window 1d  case-sensitive") {
		t.Fatalf("covered header:\n%s", plain)
	}
	for _, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Fatalf("header line too wide: %q", l)
		}
	}
}

func TestTooSmall(t *testing.T) {
	if !TooSmall(79, 40) || !TooSmall(120, 19) || TooSmall(80, 20) {
		t.Fatal("TooSmall thresholds wrong")
	}
	out := ansi.Strip(TooSmallView(60, 10, NewStyles(true, true)))
	if !strings.Contains(out, "terminal too small (need 80x20, have 60x10)") {
		t.Fatalf("too-small view %q", out)
	}
	if strings.Count(out, "\n") >= 10 {
		t.Fatal("too-small view taller than the terminal")
	}
}

// 80x24 with a long coverage warning: the warning wraps and is read whole,
// and the status bar with its key hints stays on the last line.
func TestLongWarningKeepsHintsAt80x24(t *testing.T) {
	m := New(Deps{Params: hunt.DefaultParams()})
	res := fakeResult(hunt.DefaultParams(), "a@x.com", "b@x.com")
	res.Coverage = hunt.Coverage{BaselineCovered: false, Note: "the data starts 2026-10-29T00:00:00Z, 12d into the 14d baseline that begins 2026-10-17T00:00:00Z: inviters whose earlier invites fall before the data look new; load older exports"}
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 80, Height: 24}, runMsg{seq: 1, params: res.Params, res: res})
	lines := strings.Split(screen(m), "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines, want 24:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("line %d is %d cells wide", i, w)
		}
	}
	if last := lines[23]; !strings.Contains(last, "? help") {
		t.Fatalf("hints pushed off: last line %q", last)
	}
	all := strings.Join(lines, " ")
	if !strings.Contains(strings.Join(strings.Fields(all), " "), "load older exports") {
		t.Fatalf("warning cut:\n%s", strings.Join(lines, "\n"))
	}
	if !strings.Contains(all, "a@x.com") {
		t.Fatalf("the inviters pane was pushed off:\n%s", strings.Join(lines, "\n"))
	}
}

// No silent all-clear: the engine's warnings are in the header and its
// verdict on an empty result is in the empty pane.
func TestEngineWarningsShown(t *testing.T) {
	m := New(Deps{Params: hunt.DefaultParams()})
	res := fakeResult(hunt.DefaultParams())
	res.Warnings = []hunt.Warning{{Kind: hunt.WarnAsOfAfterData, Text: "as-of is 31d 2h after the last event (2026-09-30 10:00:00 UTC)"}}
	res.AllClear = "no inviter is flagged, but the window holds no events: this is no all-clear"
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 36}, runMsg{seq: 1, params: res.Params, res: res})
	v := screen(m)
	for _, want := range []string{"⚠ as-of is 31d 2h after the last event", "this is no all-clear"} {
		if !strings.Contains(v, want) {
			t.Fatalf("missing %q:\n%s", want, v)
		}
	}
}
