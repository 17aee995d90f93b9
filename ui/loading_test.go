package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/textsafe"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

// checkScreen asserts what every drawn line must be: no wider than the
// screen, no more lines than it has, and no hostile rune left raw (the
// markers stand in for them; escape sequences are our own styles).
func checkScreen(t *testing.T, out string, width, height int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) > height {
		t.Fatalf("%d lines for a height of %d", len(lines), height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Fatalf("line %d is %d cells wide, screen %d: %q", i, w, width, ansi.Strip(l))
		}
		for _, r := range ansi.Strip(l) {
			if textsafe.Hostile(r) {
				t.Fatalf("line %d carries the raw rune %U: %q", i, r, ansi.Strip(l))
			}
		}
	}
}

func TestFormatProgressFigures(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1500: "1.5 kB", 306_338_761: "306 MB", 1_290_000_000: "1.3 GB"} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	for d, want := range map[time.Duration]string{300 * time.Millisecond: "<1s", 12 * time.Second: "12s",
		185 * time.Second: "3m05s", 62 * time.Minute: "1h02m"} {
		if got := FormatETA(d); got != want {
			t.Errorf("FormatETA(%v) = %q, want %q", d, got, want)
		}
	}
	p := store.LoadProgress{File: "a", FileIndex: 2, Files: 5, Phase: store.PhaseReading, Bytes: 45_300_000,
		TotalBytes: 306_000_000, Records: 45_000, FileElapsed: time.Second, Elapsed: 4 * time.Second}
	got := joinFacts(ProgressFacts(p))
	want := "45.3 MB / 306 MB · 45,000 records · 45.3 MB/s · ETA 6s · reading · 4s elapsed"
	if got != want {
		t.Fatalf("facts %q, want %q", got, want)
	}
	if FileCounter(p) != "file 2/5" {
		t.Fatalf("counter %q", FileCounter(p))
	}
	p.Estimated = true
	if facts := ProgressFacts(p); !strings.HasPrefix(facts[0], "~") {
		t.Fatalf("an estimate is not marked as one: %q", facts[0])
	}
}

func TestLoadingViewHostileNamesAndWidths(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		st := NewStyles(true, noColor)
		for _, width := range []int{80, 120} {
			for _, s := range textsafetest.Samples {
				var v LoadingView
				v.Update(store.LoadProgress{File: "old-" + s.S + ".ndjson", FileIndex: 1, Files: 2, Phase: store.PhaseSettling,
					Bytes: 10, TotalBytes: 10, Records: 200_000, AllBytes: 30})
				v.Update(store.LoadProgress{File: s.S + strings.Repeat("x", 150), FileIndex: 2, Files: 2, Phase: store.PhaseReading,
					Bytes: 5, TotalBytes: 20, DoneBytes: 10, AllBytes: 30, Records: 7, FileElapsed: time.Second})
				out := v.View(st, width, 36)
				checkScreen(t, out, width, 36)
				plain := ansi.Strip(out)
				for _, want := range []string{"file 2/2", "5 B / 20 B", "7 records", "read  old-", "200,000 records", "all files"} {
					if !strings.Contains(plain, want) {
						t.Fatalf("%s at %d: %q missing from\n%s", s.Name, width, want, plain)
					}
				}
			}
		}
	}
}

func TestLoadingViewPlainBar(t *testing.T) {
	var v LoadingView
	v.Update(store.LoadProgress{File: "a.ndjson", FileIndex: 1, Files: 1, Phase: store.PhaseReading, Bytes: 50, TotalBytes: 100})
	out := v.View(NewStyles(true, true), 80, 20)
	if strings.Contains(out, "38;") || strings.Contains(out, "48;") {
		t.Fatalf("colour without colour: %q", out)
	}
	if !strings.Contains(out, "█") || !strings.Contains(out, "░") || !strings.Contains(out, "50%") {
		t.Fatalf("bar not told apart by glyphs: %q", ansi.Strip(out))
	}
}

func TestLoadingViewEdges(t *testing.T) {
	var v LoadingView
	st := NewStyles(true, false)
	if out := v.View(st, 80, 20); !strings.Contains(ansi.Strip(out), "starting") {
		t.Fatalf("before any update: %q", out)
	}
	v.Update(store.LoadProgress{File: "-", Phase: store.PhaseSpooling, Bytes: 4096})
	if out := ansi.Strip(v.View(st, 80, 20)); !strings.Contains(out, "standard input") || !strings.Contains(out, "4.1 kB") {
		t.Fatalf("spooling: %q", out)
	}
	for _, wh := range [][2]int{{0, 0}, {1, 1}, {5, 3}, {12, 2}, {20, 40}} {
		checkScreen(t, v.View(st, wh[0], wh[1]), max(wh[0], 0), max(wh[1], 1))
	}
}

// A pull's progress (pull --open) reads as one: "Pulling", chunks counted,
// rows and bytes fetched, the pull's own ETA, and what the service says
// drawn through the sanitizer.
func TestLoadingViewPull(t *testing.T) {
	var v LoadingView
	v.Update(store.LoadProgress{Phase: store.PhasePulling, Unit: "chunk", FileIndex: 3, Files: 12,
		File: "workspace ws\x1b[31m: chunk 3: 20312 rows", Bytes: 3 << 20, Records: 61_000,
		GivenETA: 90 * time.Second, Elapsed: 4 * time.Second, FileElapsed: 4 * time.Second})
	out := v.View(NewStyles(true, true), 100, 20)
	checkScreen(t, out, 100, 20)
	plain := ansi.Strip(out)
	for _, want := range []string{"Pulling", "chunk 3/12", "61,000 records", "3.1 MB", "ETA 1m30s", "pulling"} {
		if !strings.Contains(plain, want) {
			t.Errorf("%q missing from\n%s", want, plain)
		}
	}
	if strings.Contains(out, "\x1b[31m") {
		t.Error("the service's text reached the terminal raw")
	}
}
