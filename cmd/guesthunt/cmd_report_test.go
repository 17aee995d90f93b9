package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
)

func TestKQLCommand(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("..", "..", "hunt", "testdata", "kql", "default.kql"))
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "kql")
	if r.code != exitOK || r.stdout != string(golden) {
		t.Fatalf("exit %d, stdout differs from the rule's query:\n%s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	rule := filepath.Join("..", "..", "..", "shared", "rule", "GuestUsersInvitedtoTenantbyNewInviters.md")
	if doc, err := os.ReadFile(rule); err == nil {
		// Every line of the output, re-indented by the YAML block's two
		// spaces, is a line of the rule file's query block, in order.
		block := "query: |\n  " + strings.ReplaceAll(strings.TrimSuffix(r.stdout, "\n"), "\n", "\n  ") + "\n"
		if !strings.Contains(string(doc), block) {
			t.Error("kql output is not the rule file's query block")
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}

	r = runCLI(t, "", "kql", "--baseline", "17d", "--window", "36h")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"between(ago(17d)..ago(36h))\n", "| where TimeGenerated > ago(36h)\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("kql --baseline 17d --window 36h lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "ago(14d)") || strings.Contains(r.stdout, "ago(1d)") {
		t.Error("a default timespan survived")
	}
	if r := runCLI(t, "", "kql", "--window", "1.5d"); !strings.Contains(r.stdout, "ago(36h)") {
		t.Errorf("1.5d is not written as 36h: %s", r.stdout)
	}
	for _, args := range [][]string{{"kql", "--baseline", "fortnight"}, {"kql", "--window", "0s"}, {"kql", "extra"}} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, r.code, exitUsage)
		}
	}
}

func TestReportMarkdownDemo(t *testing.T) {
	r := runCLI(t, "", "report", "--format", "md")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	md := r.stdout
	for _, want := range []string{"# Guest invitation report", "0/5 triaged", "```sh\nguesthunt hunt --as-of ",
		" --baseline 14d --window 1d\n", "```kusto\n// guesthunt: evaluated as of ", "\nlet as_of = datetime(", "\nlet inviting_users", "built-in demo tenant"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, c := range demo.Cases() {
		if c.Flagged() && !strings.Contains(md, "## ") || c.Flagged() && !strings.Contains(md, c.InviterUPN) {
			t.Errorf("flagged inviter %s is not in the report", c.InviterUPN)
		}
	}
	for _, raw := range []string{"\x1b", "\u202e", "\u200b"} {
		if strings.Contains(md, raw) {
			t.Errorf("the report carries %q raw", raw)
		}
	}
	if !strings.Contains(md, "‹RLO›") || !strings.Contains(md, "‹ZWSP›") {
		t.Error("the hostile guest's characters are not shown escaped")
	}
	if !strings.Contains(r.stderr, "DEMO") {
		t.Error("the demo is not labelled")
	}
}

func TestReportWithVerdicts(t *testing.T) {
	jonas := "jonas.berg@" + demo.Domain
	loader := func(context.Context, *dataset) (map[store.Subject]store.Triage, error) {
		return map[store.Subject]store.Triage{
			{Kind: store.SubjectInviter, Key: jonas}: {Verdict: store.VerdictMalicious, Note: "user denies | <b>it</b>", Analyst: "ana"},
		}, nil
	}
	var out, errb bytes.Buffer
	cmd := newReportCommandWith(streams{in: strings.NewReader(""), out: &out, err: &errb}, loader)
	cmd.SetArgs([]string{"--format", "md"})
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	md := out.String()
	for _, want := range []string{"1/5 triaged", "- Verdict: **malicious**", `- Note: user denies \| \<b\>it\</b\>`, "- Recorded by: ana"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}

	failing := func(context.Context, *dataset) (map[store.Subject]store.Triage, error) {
		return nil, errors.New("triage table unreadable")
	}
	cmd = newReportCommandWith(streams{in: strings.NewReader(""), out: &out, err: &errb}, failing)
	cmd.SetArgs(nil)
	if err := cmd.ExecuteContext(context.Background()); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("a failing triage read gave %v", err)
	}
}

func TestReportFormats(t *testing.T) {
	want := 0
	for _, c := range demo.Cases() {
		want += c.FlaggedRows
	}
	r := runCLI(t, "", "report", "--format", "bookmarks")
	var marks []struct {
		Name       string
		Properties map[string]any
	}
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &marks) != nil || len(marks) != want {
		t.Fatalf("bookmarks: exit %d, %d marks, want %d: %s", r.code, len(marks), want, r.stderr)
	}
	for _, k := range []string{"displayName", "query", "queryResult", "queryStartTime", "queryEndTime", "eventTime",
		"labels", "notes", "entityMappings", "tactics", "techniques"} {
		if _, ok := marks[0].Properties[k]; !ok {
			t.Errorf("bookmark lacks %s", k)
		}
	}
	r = runCLI(t, "", "report", "--format", "json", "--baseline", "17d")
	var rep struct {
		Parameters struct{ Baseline string }
		Command    string
	}
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &rep) != nil || rep.Parameters.Baseline != "17d" ||
		!strings.Contains(rep.Command, "--baseline 17d") {
		t.Errorf("json: exit %d %+v %s", r.code, rep, r.stderr)
	}
	r = runCLI(t, "", "report", "--format", "csv")
	if r.code != exitOK || strings.Count(r.stdout, "\n") < want+1 || !strings.HasPrefix(r.stdout, "InviterVerdict,") {
		t.Errorf("csv: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "", "report", "--format", "xml"); r.code != exitUsage {
		t.Errorf("--format xml: exit %d", r.code)
	}
}

// Verdicts recorded in a case file survive closing it, and the report made
// from the same case file (a new process would do the same) carries them.
func TestReportReadsVerdictsFromCaseFile(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", export); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	caseFile := filepath.Join(dir, "case.duckdb")
	if r := runCLI(t, "", "load", export, "--db", caseFile); r.code != exitOK {
		t.Fatalf("load: %s", r.stderr)
	}
	st, err := store.Open(caseFile)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SetTriage(context.Background(), store.Triage{
		Subject: store.Subject{Kind: store.SubjectInviter, Key: "jonas.berg@northwindtraders.example"},
		Verdict: store.VerdictMalicious, Note: "burst from 203.0.113.66", Analyst: "tester"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "report", "--db", caseFile, "--format", "md")
	if r.code != exitOK {
		t.Fatalf("report: %s", r.stderr)
	}
	for _, want := range []string{"1/5 triaged", "malicious", "burst from 203.0.113.66", "tester"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
