package hunt

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// yamlQueryBlock extracts the literal block scalar after "query: |" as YAML
// reads it: de-indented by the first line's indentation, up to the first
// non-blank line indented less, keeping one trailing newline (clip).
func yamlQueryBlock(t *testing.T, doc string) string {
	t.Helper()
	lines := strings.Split(strings.ReplaceAll(doc, "\r\n", "\n"), "\n")
	start := -1
	for i, l := range lines {
		if strings.TrimRight(l, " ") == "query: |" {
			start = i + 1
			break
		}
	}
	if start < 0 {
		t.Fatal("no `query: |` block in the rule file")
	}
	indent := -1
	var out []string
	for _, l := range lines[start:] {
		if strings.TrimSpace(l) == "" {
			out = append(out, "")
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 {
			indent = n
		}
		if n < indent || n == 0 {
			break
		}
		out = append(out, l[indent:])
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		t.Fatal("empty query block")
	}
	return strings.Join(out, "\n") + "\n"
}

func TestKQLDefaultIsTheRuleFile(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "rule", "GuestUsersInvitedtoTenantbyNewInviters.md")
	doc, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("rule file %s not checked out beside the repository; TestKQLDefaultIsTheGolden still checks the embedded copy", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	want := yamlQueryBlock(t, string(doc))
	if got := KQL(14*day, day); got != want {
		t.Errorf("KQL(14d, 1d) differs from the rule file's query:\n--- got\n%s--- want\n%s", got, want)
	}
	golden, err := os.ReadFile(filepath.Join("testdata", "kql", "default.kql"))
	if err != nil {
		t.Fatal(err)
	}
	if string(golden) != want {
		t.Error("testdata/kql/default.kql is stale: copy the rule file's query block into it")
	}
}

func TestKQLDefaultIsTheGolden(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "kql", "default.kql"))
	if err != nil {
		t.Fatal(err)
	}
	if got := KQL(14*day, day); got != string(golden) {
		t.Errorf("KQL(14d, 1d) differs from the golden:\n--- got\n%s--- want\n%s", got, golden)
	}
	p := DefaultParams()
	if got := KQLFor(p); got != string(golden) {
		t.Error("KQLFor(DefaultParams()) is not the rule's query")
	}
}

func TestKQLWindows(t *testing.T) {
	golden := KQL(14*day, day)
	cases := []struct {
		baseline, window time.Duration
		from, to, since  string
	}{
		{17 * day, day, "ago(17d)", "ago(1d)", "ago(1d)"},
		{14 * day, 36 * time.Hour, "ago(14d)", "ago(36h)", "ago(36h)"},
		{36 * time.Hour, 90 * time.Minute, "ago(36h)", "ago(90m)", "ago(90m)"},
		{day, 12 * time.Hour, "ago(1d)", "ago(12h)", "ago(12h)"}, // "1d" as a baseline is not rewritten again
		{14 * day, 1500 * time.Millisecond, "ago(14d)", "ago(1.5s)", "ago(1.5s)"},
	}
	for _, c := range cases {
		got := KQL(c.baseline, c.window)
		between := "between(" + c.from + ".." + c.to + ")"
		if !strings.Contains(got, "| where TimeGenerated "+between+"\n") {
			t.Errorf("%v/%v: no %s in\n%s", c.baseline, c.window, between, got)
		}
		if !strings.Contains(got, "| where TimeGenerated > "+c.since+"\n") {
			t.Errorf("%v/%v: detection is not > %s", c.baseline, c.window, c.since)
		}
		if strings.Count(got, "ago(") != 3 {
			t.Errorf("%v/%v: %d ago() calls, want 3", c.baseline, c.window, strings.Count(got, "ago("))
		}
		// Only the timespans change: same lines, same indentation.
		gl, wl := strings.Split(got, "\n"), strings.Split(golden, "\n")
		if len(gl) != len(wl) {
			t.Fatalf("%v/%v: %d lines, want %d", c.baseline, c.window, len(gl), len(wl))
		}
		for i := range gl {
			if !strings.Contains(wl[i], "ago(") && gl[i] != wl[i] {
				t.Errorf("line %d changed: %q", i+1, gl[i])
			}
		}
		// Every literal written must parse back to the same duration.
		for _, lit := range []string{c.from, c.to} {
			span := strings.TrimSuffix(strings.TrimPrefix(lit, "ago("), ")")
			if _, err := ParseTimespan(span); err != nil {
				t.Errorf("%s is not a timespan guesthunt reads: %v", span, err)
			}
		}
	}
}

func TestKQLForFoldCase(t *testing.T) {
	p := DefaultParams()
	p.FoldCase = true
	got := KQLFor(p)
	if !strings.Contains(got, "InitiatingUserPrincipalName !in~ (inviting_users)") || strings.Contains(got, " !in (") {
		t.Errorf("fold-case query does not use !in~:\n%s", got)
	}
	if !strings.HasPrefix(got, "// ") {
		t.Error("the fold-case query does not say it differs from the rule")
	}
}
