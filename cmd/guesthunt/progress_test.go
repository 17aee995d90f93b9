package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/textsafe"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

func TestProgressLine(t *testing.T) {
	p := store.LoadProgress{File: "exports/a.ndjson", FileIndex: 2, Files: 5, Phase: store.PhaseReading,
		Bytes: 45_300_000, TotalBytes: 306_000_000, Records: 45_000, FileElapsed: time.Second, Elapsed: 4 * time.Second}
	got := progressLine(p, 200)
	want := "loading file 2/5 exports/a.ndjson  45.3 MB / 306 MB · 45,000 records · 45.3 MB/s · ETA 6s · reading · 4s elapsed"
	if got != want {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
	spool := progressLine(store.LoadProgress{File: "-", Phase: store.PhaseSpooling, Bytes: 2048, Elapsed: time.Second}, 200)
	if spool != "loading standard input  2.0 kB · reading standard input · 1s elapsed" {
		t.Fatalf("spooling: %q", spool)
	}
	if progressLine(p, 0) != "" {
		t.Fatal("a line for no width")
	}
}

// Hostile file names are drawn through textsafe and never make the line
// longer than the terminal.
func TestProgressLineHostileNames(t *testing.T) {
	for _, width := range []int{20, 79, 119} {
		for _, s := range textsafetest.Samples {
			p := store.LoadProgress{File: s.S + strings.Repeat("n", 100), FileIndex: 1, Files: 1, Phase: store.PhaseReading,
				Bytes: 10, TotalBytes: 100}
			line := progressLine(p, width)
			if w := ansi.StringWidth(line); w > width {
				t.Fatalf("%s: %d cells at width %d: %q", s.Name, w, width, line)
			}
			for _, r := range line {
				if textsafe.Hostile(r) {
					t.Fatalf("%s: raw %U in %q", s.Name, r, line)
				}
			}
		}
	}
}

// The line is redrawn in place and erased at the end, leaving nothing.
func TestLineProgressRedrawsAndErases(t *testing.T) {
	var b bytes.Buffer
	l := &lineProgress{w: &b, width: func() int { return 80 }}
	p := store.LoadProgress{File: "a", FileIndex: 1, Files: 1, Phase: store.PhaseReading, TotalBytes: 10}
	l.update(p)
	p.Bytes = 5
	l.update(p)
	p.Done = true
	l.update(p)
	l.erase() // again: nothing more
	out := b.String()
	if strings.Count(out, "\r") != 3 || !strings.HasSuffix(out, "\r\x1b[K") || strings.Contains(out, "\n") {
		t.Fatalf("output %q", out)
	}
	for _, line := range strings.Split(out, "\r") {
		if ansi.StringWidth(line) > 79 {
			t.Fatalf("a line of %d cells on an 80-column terminal", ansi.StringWidth(line))
		}
	}
}

// Progress goes to a terminal only: a buffer, a file or a pipe get none.
func TestStderrProgressOnlyOnATerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, errw := range []any{&bytes.Buffer{}, f, w} {
		io := streams{err: errw.(interface{ Write([]byte) (int, error) })}
		progress, erase := stderrProgress(io)
		if progress != nil {
			t.Fatalf("progress on %T", errw)
		}
		erase()
	}
	if info, _ := f.Stat(); info.Size() != 0 {
		t.Fatal("something was written to a file")
	}
}

// Loading a raw export through the CLI with stderr not a terminal prints the
// report as before, without progress.
func TestHuntPrintsNoProgressWhenPiped(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", path); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	r := runCLI(t, "", "hunt", path)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, "loading") || strings.Contains(r.stderr, "tip:") {
		t.Fatalf("progress or tip on a pipe:\n%s", r.stderr)
	}
}

func TestReopenTip(t *testing.T) {
	small := store.LoadReport{Files: []store.FileReport{{Loaded: 5000}}, Elapsed: time.Second}
	if reopenTip(small) != "" || reopenStatus(small) != "" {
		t.Fatal("a tip after a small quick load")
	}
	for _, rep := range []store.LoadReport{
		{Files: []store.FileReport{{Loaded: 60_000}, {Loaded: 60_000}}, Elapsed: time.Second},
		{Files: []store.FileReport{{Loaded: 10}}, Elapsed: 6 * time.Second},
	} {
		if status := reopenStatus(rep); strings.Contains(status, "\n") || !strings.Contains(status, "--db case.duckdb") {
			t.Fatalf("status tip %q", status)
		}
		tip := reopenTip(rep)
		for _, want := range []string{"tip:", "guesthunt load PATH... --db case.duckdb", "guesthunt --db case.duckdb"} {
			if !strings.Contains(tip, want) {
				t.Fatalf("tip %q lacks %q", tip, want)
			}
		}
	}
	if got := reopenTip(store.LoadReport{Files: []store.FileReport{{Loaded: 1_234_567}}, Elapsed: time.Second}); !strings.Contains(got, "1,234,567 events") {
		t.Fatalf("tip %q", got)
	}
}
