package hunt

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

func TestKQLPinnedDefault(t *testing.T) {
	got := KQLPinned(DefaultParams(), asOfT())
	for _, want := range []string{
		"let as_of = datetime(2026-10-15T12:00:00.0000000Z);\n",
		"  | where TimeGenerated between((as_of - 14d)..(as_of - 1d))\n",
		"  | where TimeGenerated > as_of - 1d and TimeGenerated <= as_of\n",
		"InitiatingUserPrincipalName !in (inviting_users)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pinned KQL lacks %q:\n%s", want, got)
		}
	}
	for _, line := range strings.Split(got, "\n") {
		if !strings.HasPrefix(line, "//") && (strings.Contains(line, "ago(") || strings.Contains(line, "now(")) {
			t.Errorf("pinned KQL still counts from now(): %q", line)
		}
	}
	// Besides the two comment/let lines, only the two time filters change.
	rule, pinned := strings.Split(KQLFor(DefaultParams()), "\n"), strings.Split(got, "\n")[2:]
	if len(rule) != len(pinned) {
		t.Fatalf("%d lines, want %d", len(pinned), len(rule))
	}
	for i := range rule {
		if !strings.Contains(rule[i], "ago(") && rule[i] != pinned[i] {
			t.Errorf("line %d changed: %q", i+1, pinned[i])
		}
	}
}

// TestKQLPinnedInstants reads the instants back out of the pinned text, the
// way Kusto evaluates it, and compares them with the ones guesthunt runs at.
func TestKQLPinnedInstants(t *testing.T) {
	letRE := regexp.MustCompile(`let as_of = datetime\(([^)]*)\);`)
	betweenRE := regexp.MustCompile(`TimeGenerated between\(\(as_of - ([^)]*)\)\.\.\(as_of - ([^)]*)\)\)`)
	windowRE := regexp.MustCompile(`TimeGenerated > as_of - (\S+) and TimeGenerated <= as_of\n`)
	odd := time.Date(2026, 10, 15, 12, 0, 0, 1234567*100, time.UTC)
	cases := []struct {
		asOf             time.Time
		baseline, window time.Duration
	}{
		{asOfT(), 14 * day, day},
		{odd, 17 * day, 36 * time.Hour},
		{odd, 14*day - tick, 1500 * time.Millisecond},
		{asOfT(), day, day},
		{odd, 90 * time.Minute, 2 * day},
	}
	for _, c := range cases {
		p := DefaultParams()
		p.AsOf = AsOf{Mode: AsOfFixed, At: c.asOf}
		p.Baseline, p.Window = c.baseline, c.window
		s, err := (&Engine{}).resolve(p, &inviteCache{})
		if err != nil {
			t.Fatal(err)
		}
		q := KQLPinned(p, s.asOf)
		let, between, window := letRE.FindStringSubmatch(q), betweenRE.FindStringSubmatch(q), windowRE.FindStringSubmatch(q)
		if let == nil || between == nil || window == nil {
			t.Fatalf("%v/%v: pinned filters not found:\n%s", c.baseline, c.window, q)
		}
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`).MatchString(let[1]) {
			t.Errorf("as_of literal %q is not seven-digit UTC", let[1])
		}
		at, err := formats.ParseTimestamp(let[1])
		if err != nil {
			t.Fatal(err)
		}
		minus := func(lit string) time.Time {
			d, err := ParseTimespan(lit)
			if err != nil {
				t.Fatalf("%q: %v", lit, err)
			}
			return at.Add(-d)
		}
		checks := []struct {
			what      string
			got, want time.Time
		}{
			{"as-of", at, s.asOf},
			{"baseline from (inclusive)", minus(between[1]), s.baselineFrom},
			{"baseline to (inclusive)", minus(between[2]), s.windowFrom},
			{"window from (exclusive)", minus(window[1]), s.windowFrom},
		}
		for _, ch := range checks {
			if !ch.got.Equal(ch.want) {
				t.Errorf("%v/%v at %v: %s %v, guesthunt uses %v", c.baseline, c.window, c.asOf, ch.what, ch.got, ch.want)
			}
		}
	}
}

func TestKQLTextAndFoldCase(t *testing.T) {
	p := DefaultParams()
	if KQLText(p, time.Time{}) != KQLFor(p) {
		t.Error("KQLText without an as-of is not the rule's ago() form")
	}
	p.FoldCase = true
	got := KQLText(p, asOfT())
	if got != KQLPinned(p, asOfT()) {
		t.Error("KQLText with an as-of is not the pinned query")
	}
	if !strings.HasPrefix(got, "// guesthunt --fold-case: ") || !strings.Contains(got, " !in~ (inviting_users)") ||
		strings.Contains(got, " !in (") || !strings.Contains(got, "let as_of = datetime(") {
		t.Errorf("fold-case pinned query:\n%s", got)
	}
}
