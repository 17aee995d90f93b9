package scenario

import (
	"bytes"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/formats"
)

// small keeps the tests quick: a light month of noise.
func small(seed int64) Options { return Options{Seed: seed, Events: 400} }

// opts gives the demo, whose volume is fixed, no scale.
func opts(name string, o Options) Options {
	if name == "demo" {
		o.Events, o.Days = 0, 0
	}
	return o
}

func TestListInOrderOfDifficulty(t *testing.T) {
	levels := []string{"easy", "medium", "hard", "expert"}
	seen := map[string]bool{}
	last := 0
	for _, s := range List() {
		lv := slices.Index(levels, s.Level)
		if lv < last {
			t.Errorf("%s: level %q out of order", s.Name, s.Level)
		}
		last = max(last, lv)
		if seen[s.Name] || s.Name == "" || strings.ContainsAny(s.Name, " \t\n") {
			t.Errorf("bad or repeated name %q", s.Name)
		}
		seen[s.Name] = true
		if s.Description == "" || strings.Contains(s.Description, "\n") {
			t.Errorf("%s: description %q", s.Name, s.Description)
		}
	}
	if len(seen) < 7 || !seen["demo"] {
		t.Errorf("scenarios %v: want at least seven, demo among them", Names())
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	for _, name := range Names() {
		a, err := Generate(name, opts(name, small(1)))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Generate(name, opts(name, small(1)))
		if !reflect.DeepEqual(a, b) || !bytes.Equal(a.Key.JSON(), b.Key.JSON()) {
			t.Errorf("%s: same seed, different tenant", name)
		}
		c, _ := Generate(name, opts(name, small(2)))
		if reflect.DeepEqual(a.Files, c.Files) {
			t.Errorf("%s: seeds 1 and 2 gave the same records", name)
		}
		if c.Key.Seed != 2 || a.Key.Scenario != name {
			t.Errorf("%s: key names %q seed %d", name, c.Key.Scenario, c.Key.Seed)
		}
	}
}

func TestGenerateRejectsBadOptions(t *testing.T) {
	for _, c := range []struct {
		name string
		opt  Options
	}{
		{"nope", Options{}}, {"textbook", Options{Days: 3}}, {"textbook", Options{Days: -1}},
		{"short-retention", Options{Days: 14}}, {"demo", Options{Days: 30}}, {"demo", Options{Events: 10}},
		{"textbook", Options{Format: "xml"}}, {"overlap", Options{Events: maxEvents + 1}},
	} {
		if _, err := Generate(c.name, c.opt); err == nil {
			t.Errorf("%s %+v: no error", c.name, c.opt)
		}
	}
}

// The key's flagged set is what the rule, restated in Go over the union of
// the files (one copy per Id, audit events only), flags at the key's instant.
func TestKeyMatchesTheRule(t *testing.T) {
	for _, name := range Names() {
		for _, seed := range []int64{1, 5} {
			tn, err := Generate(name, opts(name, small(seed)))
			if err != nil {
				t.Fatal(err)
			}
			got := ruleFlags(t, tn)
			want := tn.Key.Flagged()
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s seed %d: rule flags %q, key %q", name, seed, got, want)
			}
			if len(want) == 0 {
				t.Errorf("%s: nothing flagged", name)
			}
			for _, c := range tn.Key.Cases {
				if c.Kind != "inviter" || c.Explanation == "" || c.Verdict == "" || c.Verdict == "untriaged" {
					t.Errorf("%s: case %+v incomplete", name, c)
				}
				if c.Flagged && len(c.EventIDs) == 0 {
					t.Errorf("%s: flagged case %s names no events", name, c.Subject)
				}
			}
		}
	}
}

// Nothing in the written logs gives the answer away.
func TestKeyDoesNotLeakIntoTheLogs(t *testing.T) {
	for _, name := range Names() {
		for _, f := range formats.Formats {
			if f == formats.FormatParquet {
				continue // written through DuckDB; the same records as every other format
			}
			o := opts(name, small(3))
			o.Format = f
			tn, err := Generate(name, o)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			for _, file := range tn.Files {
				if err := formats.WriteRecords(&buf, file.Format, file.Records); err != nil {
					t.Fatal(err)
				}
				buf.WriteString(file.Name)
			}
			text := strings.ToLower(buf.String())
			if f == formats.FormatGraphPS {
				text = strings.ToLower(decodeUTF16(buf.Bytes()))
			}
			banned := append(Names(), "decoy", "planted", "scenario", "benign", "suspicious", "malicious", "false-positive", "untriaged")
			for _, c := range tn.Key.Cases {
				banned = append(banned, c.Explanation)
			}
			for _, word := range banned {
				if strings.Contains(text, strings.ToLower(word)) && !(word == "demo" && name == "demo") {
					t.Errorf("%s as %s: the logs mention %q", name, f, word)
				}
			}
		}
	}
}

// The key holds at every length a scenario accepts, including the edges.
func TestKeyMatchesTheRuleAtOtherLengths(t *testing.T) {
	for _, c := range []struct {
		name string
		days int
	}{
		{"short-retention", 2}, {"short-retention", 10}, {"decoys", 18}, {"overlap", 16},
		{"textbook", 16}, {"compromised", 60}, {"mass-invite", 45},
	} {
		tn, err := Generate(c.name, Options{Seed: 4, Days: c.days, Events: 200})
		if err != nil {
			t.Fatal(err)
		}
		want := tn.Key.Flagged()
		slices.Sort(want)
		if got := ruleFlags(t, tn); !slices.Equal(got, want) {
			t.Errorf("%s --days %d: rule flags %q, key %q", c.name, c.days, got, want)
		}
	}
}
