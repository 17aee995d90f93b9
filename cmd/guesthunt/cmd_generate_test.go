package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// scenarioOptions keeps the exercise tests small: a light month of noise
// (the demo's volume is fixed).
func scenarioOptions(name string, f formats.Format, seed int64) scenario.Options {
	o := scenario.Options{Seed: seed, Format: f, Events: 150}
	if name == "demo" {
		o.Events = 0
	}
	return o
}

// keyParams are the rule's parameters the key names, as of its fixed instant.
func keyParams(t *testing.T, k scenario.Key) hunt.Params {
	t.Helper()
	asOf, err := hunt.ParseAsOf(k.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	p := hunt.DefaultParams()
	p.AsOf = asOf
	if p.Baseline, err = hunt.ParseTimespan(k.Baseline); err != nil {
		t.Fatal(err)
	}
	if p.Window, err = hunt.ParseTimespan(k.Window); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every scenario, in every format, generates, loads and hunts to exactly
// its key; a second seed for two formats, and the shortest and longest
// exports the coverage lessons allow. The files of each tenant are
// loaded together from their directory, as "guesthunt hunt DIR" would.
func TestGenerateEveryScenarioEveryFormatHuntsToItsKey(t *testing.T) {
	type job struct {
		name string
		f    formats.Format
		seed int64
		days int
	}
	var jobs []job
	for _, name := range scenario.Names() {
		for _, f := range formats.Formats {
			jobs = append(jobs, job{name, f, 1, 0})
		}
		for _, f := range []formats.Format{formats.FormatLANDJSON, formats.FormatEntraCSV} {
			jobs = append(jobs, job{name, f, 2, 0})
		}
	}
	// The edges of the lengths the coverage and overlap lessons allow.
	jobs = append(jobs, job{"short-retention", formats.FormatLAPortalCSV, 3, 2}, job{"short-retention", formats.FormatGraph, 3, 10},
		job{"overlap", formats.FormatEntraCSV, 3, 16})
	for _, j := range jobs {
		t.Run(fmt.Sprintf("%s/%s/%d/%d", j.name, j.f, j.seed, j.days), func(t *testing.T) {
			t.Parallel()
			opt := scenarioOptions(j.name, j.f, j.seed)
			opt.Days = j.days
			tn, err := scenario.Generate(j.name, opt)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			for _, file := range tn.Files {
				if err := store.WriteFile(filepath.Join(dir, file.Name), file.Format, file.Records); err != nil {
					t.Fatal(err)
				}
			}
			st, err := store.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			rep, err := st.Load(ctx, []string{dir}, store.LoadOptions{Strict: true})
			if err != nil {
				t.Fatal(err)
			}
			tot := rep.Totals()
			if tot.Rejected != 0 || tot.Conflicts != 0 || len(rep.Files) != len(tn.Files) {
				t.Errorf("load: %d files, %d rejected, %d conflicts", len(rep.Files), tot.Rejected, tot.Conflicts)
			}
			if j.name == "overlap" && tot.Duplicates == 0 {
				t.Error("overlapping exports loaded without a duplicate")
			}
			got, err := hunt.NewEngine(st).Inviters(ctx, keyParams(t, tn.Key))
			if err != nil {
				t.Fatal(err)
			}
			var upns []string
			for _, s := range got {
				upns = append(upns, s.UPN)
			}
			slices.Sort(upns)
			want := tn.Key.Flagged()
			slices.Sort(want)
			if !slices.Equal(upns, want) {
				t.Errorf("hunt flags %q, key says %q", upns, want)
			}
		})
	}
}

// The command writes the logs into --out and the key beside it, and the
// hunt of the directory at the key's instant flags exactly the key's set.
func TestGenerateCommandEndToEnd(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "ex")
	r := runCLI(t, "", "generate", "--scenario", "overlap", "--format", "la-portal-csv", "--events", "200", "--seed", "3", "--out", out)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	raw, err := os.ReadFile(out + ".key.json")
	if err != nil {
		t.Fatal(err)
	}
	var k scenario.Key
	if err := json.Unmarshal(raw, &k); err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{`"scenario"`, `"seed"`, `"asOf"`, `"baseline"`, `"window"`, `"cases"`, `"subject"`,
		`"kind"`, `"flagged"`, `"verdict"`, `"explanation"`, `"eventIds"`} {
		if !strings.Contains(string(raw), field) {
			t.Errorf("key lacks %s", field)
		}
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 2 {
		t.Errorf("%d files in --out, want the two exports", len(entries))
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), "key") {
			t.Errorf("--out holds %s", e.Name())
		}
	}
	r = runCLI(t, "", "hunt", out, "--as-of", k.AsOf, "--baseline", k.Baseline, "--window", k.Window, "--format", "json")
	if r.code != exitOK {
		t.Fatalf("hunt: exit %d: %s", r.code, r.stderr)
	}
	var rows []struct{ InitiatingUserPrincipalName string }
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, row := range rows {
		got = append(got, row.InitiatingUserPrincipalName)
	}
	slices.Sort(got)
	if got = slices.Compact(got); !slices.Equal(got, k.Flagged()) {
		t.Errorf("hunt flags %q, key %q", got, k.Flagged())
	}

	// The same options give the same bytes; --key may name a new directory.
	again, againKey := filepath.Join(base, "again"), filepath.Join(base, "answers", "again.json")
	if r := runCLI(t, "", "generate", "--scenario", "overlap", "--format", "la-portal-csv", "--events", "200", "--seed", "3", "--out", again, "--key", againKey); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	if raw2, _ := os.ReadFile(againKey); string(raw2) != string(raw) {
		t.Error("the same seed wrote a different key")
	}
	for _, e := range entries {
		a, _ := os.ReadFile(filepath.Join(out, e.Name()))
		b, _ := os.ReadFile(filepath.Join(again, e.Name()))
		if string(a) != string(b) {
			t.Errorf("%s differs between two runs", e.Name())
		}
	}
}

func TestGenerateList(t *testing.T) {
	r := runCLI(t, "", "generate", "--list")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(scenario.List()) {
		t.Fatalf("%d lines:\n%s", len(lines), r.stdout)
	}
	for i, s := range scenario.List() {
		if f := strings.Fields(lines[i]); len(f) < 3 || f[0] != s.Name || f[1] != s.Level {
			t.Errorf("line %q, want %s %s ...", lines[i], s.Name, s.Level)
		}
	}
}

// The key never lands inside --out, however the path is spelt.
func TestGenerateRefusesKeyInsideOut(t *testing.T) {
	base := t.TempDir()
	out := filepath.Join(base, "ex")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(out, link); err != nil {
		t.Skip(err)
	}
	for _, key := range []string{
		filepath.Join(out, "key.json"),
		filepath.Join(out, "sub", "key.json"),
		filepath.Join(base, "ex", ".", "k.json"),
		filepath.Join(link, "k.json"),
		filepath.Join(base, "other", "..", "ex", "k.json"),
	} {
		r := runCLI(t, "", "generate", "--scenario", "textbook", "--events", "50", "--out", out, "--key", key)
		if r.code != exitUsage || !strings.Contains(r.stderr, "inside --out") {
			t.Errorf("--key %s: exit %d, %s", key, r.code, r.stderr)
		}
	}
	// Through the symlink the other way round: --out names the link.
	r := runCLI(t, "", "generate", "--scenario", "textbook", "--events", "50", "--out", link, "--key", filepath.Join(out, "k.json"))
	if r.code != exitUsage {
		t.Errorf("--out via symlink: exit %d, %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("a refused run wrote %d files", len(entries))
	}
	for _, args := range [][]string{
		{"generate", "--scenario", "textbook"},
		{"generate", "--out", filepath.Join(base, "x")},
		{"generate", "--scenario", "nope", "--out", filepath.Join(base, "y")},
		{"generate", "--scenario", "textbook", "--format", "xml", "--out", filepath.Join(base, "z")},
		{"generate", "--scenario", "textbook", "--days", "3", "--out", filepath.Join(base, "w")},
	} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, %s", args, r.code, r.stderr)
		}
	}
	// A directory that already holds files is refused: the exercise would mix with them.
	if err := os.WriteFile(filepath.Join(out, "other.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "", "generate", "--scenario", "textbook", "--events", "50", "--out", out); r.code != exitUsage || !strings.Contains(r.stderr, "not empty") {
		t.Errorf("non-empty --out: exit %d, %s", r.code, r.stderr)
	}
}
