package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// servedCase loads the demo tenant into a case file and returns its path.
func servedCase(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	export := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", export); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	db := filepath.Join(dir, "case.duckdb")
	if r := runCLI(t, "", "load", export, "--db", db); r.code != exitOK {
		t.Fatalf("load: %s", r.stderr)
	}
	return db
}

// openServedCase opens db as guesthunt serve does; closed with the test.
func openServedCase(t *testing.T, db string) *servedData {
	t.Helper()
	served, err := openServed(context.Background(), streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard},
		dataFlags{db: db, seed: 1}, nil, hunt.DefaultParams(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { served.Close() })
	return served
}

func runServed(served *servedData, args ...string) result {
	var out, errb bytes.Buffer
	code := runServedCommand(context.Background(), served, args, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// Over ssh, hunt, kql and replay print what the local commands print.
func TestServedCommandsMatchLocal(t *testing.T) {
	db := servedCase(t)
	cases := [][]string{
		{"hunt", "--format", "json"},
		{"hunt", "--format", "csv", "--baseline", "10d", "--fold-case"},
		{"hunt"},
		{"kql", "--baseline", "17d", "--as-of", "2026-10-31T12:00:00Z"},
		{"replay", "--format", "json", "--every", "12h"},
	}
	local := make([]result, len(cases))
	for i, args := range cases { // before the server holds the file
		if args[0] == "kql" {
			local[i] = runCLI(t, "", args...)
		} else {
			local[i] = runCLI(t, "", append(args, "--db", db)...)
		}
	}
	served := openServedCase(t, db)
	for i, args := range cases {
		r := runServed(served, args...)
		if r.code != exitOK || r.stdout != local[i].stdout {
			t.Errorf("%v: exit %d, stdout differs from the local command's:\n%s\nlocal:\n%s\nstderr: %s", args, r.code, r.stdout, local[i].stdout, r.stderr)
		}
		if args[0] == "hunt" && !strings.Contains(r.stderr, "alert rows from") {
			t.Errorf("%v: stderr lacks the run's summary: %s", args, r.stderr)
		}
	}
}

func TestServedRefusals(t *testing.T) {
	served := openServedCase(t, servedCase(t))
	cases := []struct {
		args []string
		want string
	}{
		{nil, "no command given"},
		{[]string{"sql", "SELECT 1"}, "sql is not served"},
		{[]string{"load", "x.ndjson"}, "load is not served"},
		{[]string{"demo"}, "demo is not served"},
		{[]string{"serve"}, "serve is not served"},
		{[]string{"help"}, "help is not served"},
		{[]string{"--db", "other.duckdb"}, "is not a command guesthunt serves"},
		{[]string{"rm\x1b[2J\u202e", "-rf"}, "is not a command guesthunt serves"},
		{[]string{"hunt", "exports/"}, "give no paths"},
		{[]string{"hunt", "--db", "/etc/other.duckdb"}, "--db: hunt over ssh runs on the data the server holds"},
		{[]string{"report", "--strict"}, "--strict: report over ssh"},
		{[]string{"report", "--memory-limit", "1GB"}, "--memory-limit: report over ssh"},
		{[]string{"hunt", "--tz", "+02:00"}, "--tz: hunt over ssh"},
		{[]string{"hunt", "--format", "xml"}, "--format"},
		{[]string{"report", "--format", "table"}, "--format"},
		{[]string{"hunt", "--baseline", "fortnight"}, "--baseline"},
		{[]string{"kql", "--as-of", "latest"}, "kql reads no data"},
		{[]string{"hunt", "--nonsense"}, "unknown flag"},
	}
	for _, c := range cases {
		r := runServed(served, c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
		if strings.Count(r.stderr, "\n") != 1 || strings.ContainsAny(r.stderr, "\x1b\u202e") {
			t.Errorf("%q: not one safe line: %q", c.args, r.stderr)
		}
	}
	help := runServed(served, "hunt", "--help")
	if help.code != exitOK || !strings.Contains(help.stdout, "--format") || strings.Contains(help.stdout, "--db") {
		t.Errorf("hunt --help over ssh: exit %d\n%s", help.code, help.stdout)
	}
}

// Sessions share one engine and one verdict store: hunts and reports run
// at once from several goroutines while verdicts are saved (run with -race).
func TestServedConcurrent(t *testing.T) {
	served := openServedCase(t, servedCase(t))
	want := runServed(served, "hunt", "--format", "json")
	if want.code != exitOK {
		t.Fatal(want.stderr)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				if r := runServed(served, "hunt", "--format", "json"); r.code != exitOK || r.stdout != want.stdout {
					errs <- "hunt: " + r.stderr
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			if r := runServed(served, "report", "--format", "json"); r.code != exitOK {
				errs <- "report: " + r.stderr
				return
			}
		}
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		deps := sessionDeps(served, serveSession{User: "ana", KeyFingerprint: "SHA256:abc"})
		rev := int64(0)
		for _, v := range []triage.Verdict{triage.VerdictMalicious, triage.VerdictBenign, triage.VerdictMalicious} {
			got, err := deps.Triage.SetVerdict(context.Background(), jonas, v, rev, deps.Analyst)
			if err != nil {
				errs <- "save: " + err.Error()
				return
			}
			rev = got.Seq
		}
	}()
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// A verdict saved in one session is in every other session and in the
// reports ssh prints, attributed to the SSH user and key; exercise
// sessions keep verdicts of their own that no one else sees.
func TestServedVerdictsAndExercise(t *testing.T) {
	served := openServedCase(t, servedCase(t))
	ana := sessionDeps(served, serveSession{User: "ana", KeyFingerprint: "SHA256:abc", RemoteAddr: "10.0.0.9:5555"})
	ben := sessionDeps(served, serveSession{User: "ben", KeyFingerprint: "SHA256:def"})
	if ana.Analyst != "ana (SHA256:abc)" || !ana.TriageDurable || ana.TriageLocation != db(served) {
		t.Errorf("ana's session: analyst %q, location %q durable %v", ana.Analyst, ana.TriageLocation, ana.TriageDurable)
	}
	if ana.Engine != ben.Engine || ana.Engine != served.engine || ana.Store != ben.Store || ana.KQL == nil || ana.Export == nil {
		t.Error("sessions do not share the engine and store, or lack K and e")
	}
	if _, err := ana.Triage.SetVerdict(context.Background(), jonas, triage.VerdictMalicious, 0, ana.Analyst); err != nil {
		t.Fatal(err)
	}
	if all, err := ben.Triage.All(context.Background()); err != nil || all[jonas].Analyst != "ana (SHA256:abc)" {
		t.Errorf("ben sees %+v (%v)", all[jonas], err)
	}
	if r := runServed(served, "report", "--format", "json"); r.code != exitOK || !strings.Contains(r.stdout, "ana (SHA256:abc)") {
		t.Errorf("report over ssh lacks ana's verdict: exit %d %s", r.code, r.stderr)
	}

	ex1 := sessionDeps(served, serveSession{User: "student", Exercise: true})
	ex2 := sessionDeps(served, serveSession{User: "student", Exercise: true})
	if ex1.TriageLocation != exerciseLocation || ex1.TriageDurable || ex1.Analyst != "student (exercise)" {
		t.Errorf("exercise session: %q durable %v analyst %q", ex1.TriageLocation, ex1.TriageDurable, ex1.Analyst)
	}
	if all, _ := ex1.Triage.All(context.Background()); len(all) != 0 {
		t.Errorf("an exercise session sees the case's verdicts: %v", all)
	}
	if _, err := ex1.Triage.SetVerdict(context.Background(), jonas, triage.VerdictBenign, 0, ex1.Analyst); err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]interface {
		All(context.Context) (map[triage.Subject]triage.Triage, error)
	}{"the other exercise session": ex2.Triage, "the case": ana.Triage} {
		if all, _ := st.All(context.Background()); all[jonas].Verdict == triage.VerdictBenign {
			t.Errorf("%s sees an exercise verdict", name)
		}
	}
	if r := runServed(served.exercise(), "report", "--format", "json"); r.code != exitOK || strings.Contains(r.stdout, "ana (SHA256:abc)") {
		t.Errorf("an exercise report shows the case's verdicts: exit %d %s", r.code, r.stderr)
	}
}

func db(served *servedData) string { return served.ds.store.TriagePath() }
