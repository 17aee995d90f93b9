package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

func hostileReport(name string) store.LoadReport {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	return store.LoadReport{
		Repaired: []string{name + ": an earlier load was interrupted"},
		Files: []store.FileReport{
			{Path: "exports/" + name + ".ndjson", Format: "la-ndjson", Via: "go", Records: 1200, Loaded: 1100,
				Duplicates: 40, Repeats: 3, Conflicts: 2, Rejected: 7, From: from, To: from.Add(48 * time.Hour),
				Skipped:    store.SkipCounts{"SigninLogs": 53},
				Rejections: []store.Problem{{Record: 12, Line: 12, Reason: "TimeGenerated is not a time: " + name}, {Record: 40, Reason: "no TimeGenerated"}},
				ConflictIn: []store.Problem{{Record: 99, Line: 99, Reason: "InitiatedBy differs: " + name}}, Elapsed: 2 * time.Second},
			{Path: name + "-broken.json.gz", Format: "la-json", Records: 500, Loaded: 500, Incomplete: true,
				Error: "unexpected EOF after " + name},
			{Path: name, Error: "permission denied"},
		},
		Elapsed: 3 * time.Second,
	}
}

func TestLoadReportLinesHostile(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		st := NewStyles(true, noColor)
		for _, width := range []int{80, 120} {
			for _, s := range textsafetest.Samples {
				lines := LoadReportLines(hostileReport(s.S), st, width)
				out := strings.Join(lines, "\n")
				checkScreen(t, out, width, len(lines))
				plain := ansi.Strip(out)
				for _, want := range []string{"1,200 records", "1,100 loaded", "7 rejected", "2 conflicts", "40 duplicates",
					":12", "not a time", "record 40", "no TimeGenerated", "5 more", "53 SigninLogs records", "not audit events",
					"3 records repeat", "INCOMPLETE", "the 500 records before it broke off", "error", "permission denied", "conflict",
					"repaired", "total"} {
					if !strings.Contains(plain, want) {
						t.Fatalf("%s at %d: %q missing from\n%s", s.Name, width, want, plain)
					}
				}
			}
		}
	}
}

// A location is never cut to make room for its reason: the reason moves to
// a line of its own.
func TestLoadReportLinesKeepLocation(t *testing.T) {
	long := strings.Repeat("r", 100)
	rep := store.LoadReport{Files: []store.FileReport{{Path: "a.ndjson", Records: 1, Rejected: 1,
		Rejections: []store.Problem{{Record: 1, Line: 31337, Reason: long}}}}}
	out := ansi.Strip(strings.Join(LoadReportLines(rep, NewStyles(true, true), 80), "\n"))
	if !strings.Contains(out, "a.ndjson:31337\n") {
		t.Fatalf("location cut or joined with a long reason:\n%s", out)
	}
	if LoadReportLines(rep, NewStyles(true, true), 0) != nil {
		t.Fatal("lines for a zero width")
	}
}

func TestLoadProblemCount(t *testing.T) {
	// 7 rejected + the incomplete file + the unreadable one.
	if got := LoadProblemCount(hostileReport("x")); got != 9 {
		t.Fatalf("problems %d, want 9", got)
	}
	if got := LoadProblemCount(store.LoadReport{Files: []store.FileReport{{Path: "ok", Records: 3, Loaded: 3}}}); got != 0 {
		t.Fatalf("problems %d in a clean load", got)
	}
}
