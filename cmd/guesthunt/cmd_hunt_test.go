package main

import (
	"strings"
	"testing"
)

// TestHuntWarnings checks the false all-clear of issue 9: an as-of a month
// after the data says so on stderr, and stdout keeps its JSON shape.
func TestHuntWarnings(t *testing.T) {
	r := runCLI(t, "", "hunt", "--as-of", "2026-12-01T00:00:00Z", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "[]\n" {
		t.Errorf("stdout %q, want the empty JSON array", r.stdout)
	}
	for _, want := range []string{
		"warning: as-of is 30d 6h 18m after the last event (",
		"warning: the detection window (2026-11-30T00:00:00Z .. 2026-12-01T00:00:00Z] holds no audit events at all",
		"no inviter is flagged, but the window holds no events: this is no all-clear",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}

	r = runCLI(t, "", "hunt", "--baseline", "1d", "--format", "csv")
	if r.code != exitOK || !strings.Contains(r.stderr, "warning: window 1d equals baseline 1d") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "warning") {
		t.Error("a warning went to stdout")
	}

	r = runCLI(t, "", "hunt", "--format", "json")
	if strings.Contains(r.stderr, "warning:") {
		t.Errorf("the demo at its latest event warns:\n%s", r.stderr)
	}
}
