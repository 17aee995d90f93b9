package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
)

// generate, load into a case file, record verdicts there, score: a
// perfect answer scores 100, none scores 0, and the JSON has the fields the
// issue names.
func TestScoreCaseFile(t *testing.T) {
	base := t.TempDir()
	out, db := filepath.Join(base, "ex"), filepath.Join(base, "case.duckdb")
	if r := runCLI(t, "", "generate", "--scenario", "decoys", "--events", "300", "--out", out); r.code != exitOK {
		t.Fatalf("generate: %s", r.stderr)
	}
	if r := runCLI(t, "", "load", out, "--db", db); r.code != exitOK {
		t.Fatalf("load: %s", r.stderr)
	}
	key, err := readKey(out + ".key.json")
	if err != nil {
		t.Fatal(err)
	}
	score := func() scenario.Score {
		t.Helper()
		r := runCLI(t, "", "score", "--key", out+".key.json", "--db", db, "--format", "json")
		if r.code != exitOK {
			t.Fatalf("score: %d %s", r.code, r.stderr)
		}
		for _, f := range []string{`"truePositives"`, `"falsePositives"`, `"missed"`, `"wrongVerdicts"`, `"score"`, `"cases"`} {
			if !strings.Contains(r.stdout, f) {
				t.Fatalf("score JSON lacks %s:\n%s", f, r.stdout)
			}
		}
		var s scenario.Score
		if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := score(); s.Score != 0 || s.Points != 0 {
		t.Fatalf("no verdicts: %+v", s)
	}
	st, err := store.OpenForVerdicts(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range key.Cases {
		if c.Flagged {
			if _, err := st.SetTriage(context.Background(), triage.Triage{Subject: triage.Subject{Kind: triage.SubjectInviter, Key: c.Subject}, Verdict: c.Verdict, Analyst: "trainee"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	st.Close()
	if s := score(); s.Score != 100 || s.Missed != 0 || s.WrongVerdicts != 0 {
		t.Fatalf("perfect answer: %+v", s)
	}
	r := runCLI(t, "", "score", "--key", out+".key.json", "--db", db)
	if r.code != exitOK || !strings.Contains(r.stdout, "score 100/100") {
		t.Fatalf("table: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestScoreRefusesANonKey(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.json")
	os.WriteFile(p, []byte(`{"files": []}`), 0o600)
	r := runCLI(t, "", "score", "--key", p)
	if r.code == exitOK || !strings.Contains(r.stderr, "is not an answer key") {
		t.Fatalf("%d %s", r.code, r.stderr)
	}
}
