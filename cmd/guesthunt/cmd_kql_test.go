package main

import (
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
)

// TestKQLCommandIsKQLText checks that guesthunt kql prints what the
// workbench's K shows (hunt.KQLText) for the same parameters.
func TestKQLCommandIsKQLText(t *testing.T) {
	at := time.Date(2026, 10, 31, 12, 0, 0, 123456700, time.UTC)
	cases := []struct {
		args     []string
		baseline time.Duration
		window   time.Duration
		fold     bool
		asOf     time.Time
	}{
		{nil, 14 * 24 * time.Hour, 24 * time.Hour, false, time.Time{}},
		{[]string{"--as-of", "now"}, 14 * 24 * time.Hour, 24 * time.Hour, false, time.Time{}},
		{[]string{"--as-of", "2026-10-31T12:00:00.1234567Z"}, 14 * 24 * time.Hour, 24 * time.Hour, false, at},
		{[]string{"--as-of", "2026-10-31T12:00:00.12345678Z", "--fold-case"}, 14 * 24 * time.Hour, 24 * time.Hour, true, at},
		{[]string{"--as-of", "2026-10-31T14:00:00.1234567+02:00", "--baseline", "17d", "--window", "36h", "--fold-case"},
			17 * 24 * time.Hour, 36 * time.Hour, true, at},
		{[]string{"--fold-case", "--window", "90m"}, 14 * 24 * time.Hour, 90 * time.Minute, true, time.Time{}},
	}
	for _, c := range cases {
		r := runCLI(t, "", append([]string{"kql"}, c.args...)...)
		if r.code != exitOK {
			t.Fatalf("%v: exit %d: %s", c.args, r.code, r.stderr)
		}
		p := hunt.DefaultParams()
		p.Baseline, p.Window, p.FoldCase = c.baseline, c.window, c.fold
		if want := hunt.KQLText(p, c.asOf); r.stdout != want {
			t.Errorf("kql %v:\n%s\nwant hunt.KQLText:\n%s", c.args, r.stdout, want)
		}
	}
}

func TestKQLAsOfLatestRefused(t *testing.T) {
	r := runCLI(t, "", "kql", "--as-of", "latest")
	if r.code != exitUsage || r.stdout != "" || !strings.Contains(r.stderr, "cannot know the latest event") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, "", "kql", "--as-of", "yesterday"); r.code != exitUsage {
		t.Errorf("a bad --as-of: exit %d", r.code)
	}
}
