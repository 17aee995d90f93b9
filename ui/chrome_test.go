package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
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
