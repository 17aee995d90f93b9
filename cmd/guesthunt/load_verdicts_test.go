package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
)

// TestLoadCarriesRawVerdicts: load --db on the exports a raw session
// triaged brings those verdicts into the case file; a verdict the case file
// already holds stays.
func TestLoadCarriesRawVerdicts(t *testing.T) {
	t.Setenv(triage.StateDirEnv, t.TempDir())
	export := demoExport(t)
	ds, _, _ := rawSession(t, export)
	vs := newVerdictStore(ds)
	ctx := context.Background()
	v, err := vs.SetVerdict(ctx, jonas, triage.VerdictMalicious, 0, "ana")
	if err == nil {
		_, err = vs.SetNote(ctx, jonas, "burst from 203.0.113.66", v.Seq, "ana")
	}
	other := triage.Subject{Kind: triage.SubjectInviter, Key: "rosa.delgado@northwindtraders.example"}
	if err == nil {
		_, err = vs.SetVerdict(ctx, other, triage.VerdictBenign, 0, "ana")
	}
	ds.store.Close()
	if err != nil {
		t.Fatal(err)
	}

	caseFile := filepath.Join(t.TempDir(), "case.duckdb")
	st, err := store.Open(caseFile)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := triage.New(st).SetVerdict(ctx, other, triage.VerdictSuspicious, 0, "cy")
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "export.ndjson")
	if err := os.Symlink(export, link); err != nil {
		link = export
	}
	r := runCLI(t, "", "load", link, "--db", caseFile)
	if r.code != exitOK || !strings.Contains(r.stderr, "verdicts: 1 carried over") || !strings.Contains(r.stderr, "1 subjects kept") {
		t.Fatalf("load: %d\n%s", r.code, r.stderr)
	}
	ro, err := store.OpenReadOnly(caseFile)
	if err != nil {
		t.Fatal(err)
	}
	all, err := ro.Triages(ctx)
	ro.Close()
	if err != nil {
		t.Fatal(err)
	}
	if g := all[jonas]; g.Verdict != triage.VerdictMalicious || g.Note != "burst from 203.0.113.66" || g.Analyst != "ana" {
		t.Errorf("carried over %+v", g)
	}
	if all[other] != mine {
		t.Errorf("the case file's verdict was replaced: %+v, want %+v", all[other], mine)
	}
	if r := runCLI(t, "", "report", "--db", caseFile); !strings.Contains(r.stdout, "burst from 203.0.113.66") {
		t.Errorf("report lacks the carried-over note:\n%s", r.stderr)
	}
}
