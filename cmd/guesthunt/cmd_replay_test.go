package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
)

type replayJSONRun struct {
	AsOf         string          `json:"asOf"`
	Covered      bool            `json:"covered"`
	Rows         json.RawMessage `json:"rows"`
	NewInviters  []string        `json:"newInviters"`
	GoneInviters []string        `json:"goneInviters"`
}

// TestReplayJSONEqualsHunt: every run with rows, and an empty one, prints
// the very bytes "hunt --as-of <run> --format json" prints.
func TestReplayJSONEqualsHunt(t *testing.T) {
	r := runCLI(t, "", "replay", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var runs []replayJSONRun
	if err := json.Unmarshal([]byte(r.stdout), &runs); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if len(runs) < 10 || len(runs[0].AsOf) != len("2026-10-08T17:42:10.1234567Z") {
		t.Fatalf("%d runs, first %+v", len(runs), runs[0])
	}
	checked, empty := 0, false
	for _, run := range runs {
		if !run.Covered || run.NewInviters == nil || run.GoneInviters == nil {
			t.Errorf("run %s: %+v", run.AsOf, run)
		}
		if string(run.Rows) == "[]" {
			if empty {
				continue
			}
			empty = true
		}
		h := runCLI(t, "", "hunt", "--as-of", run.AsOf, "--format", "json")
		if h.code != exitOK {
			t.Fatalf("hunt --as-of %s: exit %d: %s", run.AsOf, h.code, h.stderr)
		}
		if !bytes.Equal(run.Rows, []byte(strings.TrimSuffix(h.stdout, "\n"))) {
			t.Errorf("run %s: replay rows\n%s\nhunt\n%s", run.AsOf, run.Rows, h.stdout)
		}
		checked++
	}
	if checked < 4 {
		t.Errorf("only %d runs compared", checked)
	}
	last := runs[len(runs)-1]
	if len(last.NewInviters) == 0 || !strings.Contains(r.stderr, "DEMO:") {
		t.Errorf("last run %+v; stderr %s", last, r.stderr)
	}
}

func TestReplayCSVAndTable(t *testing.T) {
	r := runCLI(t, "", "replay", "--format", "csv", "--every", "12h", "--fold-case")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(recs) < 20 || strings.Join(recs[0], ",") != "asOf,covered,rows,inviters,newInviters,goneInviters" {
		t.Fatalf("%v: %q", err, r.stdout)
	}
	if !strings.Contains(r.stderr, "every 12h") || !strings.Contains(r.stderr, "fold-case ON") {
		t.Errorf("stderr: %s", r.stderr)
	}

	r = runCLI(t, "", "replay", "--uncovered", "--to", "2026-10-20T00:00:00Z")
	if r.code != exitOK || !strings.Contains(r.stdout, "  NO  ") || !strings.Contains(r.stdout, " runs)\n") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "replay", "--baseline", "400d")
	if r.code != exitOK || !strings.Contains(r.stderr, "--uncovered") || !strings.Contains(r.stdout, "(0 runs)") {
		t.Errorf("baseline longer than the data: exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestReplayUsage(t *testing.T) {
	for _, args := range [][]string{
		{"replay", "--format", "ndjson"},
		{"replay", "--every", "soon"},
		{"replay", "--from", "yesterday"},
		{"replay", "--to", "now"},
	} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, stderr %s", args, r.code, r.stderr)
		}
	}
	for _, args := range [][]string{
		{"replay", "--every", "10s"},
		{"replay", "--every", "1m", "--uncovered", "--from", "2020-01-01T00:00:00Z"},
	} {
		if r := runCLI(t, "", args...); r.code == exitOK || !strings.Contains(r.stderr, "every") {
			t.Errorf("%v: exit %d, stderr %s", args, r.code, r.stderr)
		}
	}
}
