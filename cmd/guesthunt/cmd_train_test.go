package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// The generated exercise holds the logs only; the key is in memory.
func TestExerciseDataHoldsNoKey(t *testing.T) {
	var errb bytes.Buffer
	key, paths, cleanup, err := exerciseData(streams{err: &errb}, "", []string{"compromised"}, scenario.Options{Seed: 2, Events: 300})
	if err != nil {
		t.Fatal(err)
	}
	dir := paths[0]
	entries, _ := os.ReadDir(dir)
	if len(entries) == 0 {
		t.Fatal("no logs written")
	}
	for _, e := range entries {
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		for _, c := range key.Cases {
			if len(c.Explanation) > 20 && bytes.Contains(raw, []byte(c.Explanation[:20])) {
				t.Fatalf("%s holds the key's lesson", e.Name())
			}
		}
		if strings.Contains(e.Name(), "key") {
			t.Fatalf("%s in the exercise's logs", e.Name())
		}
	}
	cleanup()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("temporary logs left behind: %v", err)
	}
	p, err := exerciseParams(key)
	if err != nil || p.AsOf.Mode != hunt.AsOfFixed {
		t.Fatalf("params %+v %v", p, err)
	}
	if _, _, _, err := exerciseData(streams{err: &errb}, "", []string{"no-such"}, scenario.Options{Seed: 1}); err == nil {
		t.Fatal("an unknown scenario was accepted")
	}
}

// The session log train writes replays (score --log) to the verdicts given.
func TestSessionLogReplaysToTheVerdicts(t *testing.T) {
	key := scenario.Key{Scenario: "t", Seed: 1, Cases: []scenario.Case{
		{Subject: "a@x", Flagged: true, Verdict: triage.VerdictMalicious},
		{Subject: "b@x", Flagged: true, Verdict: triage.VerdictBenign},
	}}
	path := filepath.Join(t.TempDir(), "s.jsonl")
	l, err := openActionLog(path, key)
	if err != nil {
		t.Fatal(err)
	}
	a, b := triage.Subject{Kind: triage.SubjectInviter, Key: "a@x"}, triage.Subject{Kind: triage.SubjectInviter, Key: "b@x"}
	note := "burst at night"
	for _, act := range []ui.Action{
		{At: time.Now(), Kind: ui.ActionKey, Key: "t"},
		{Kind: ui.ActionVerdict, Subject: &a, Verdict: triage.VerdictSuspicious},
		{Kind: ui.ActionVerdict, Subject: &b, Verdict: triage.VerdictBenign},
		{Kind: ui.ActionNote, Subject: &a, Note: &note},
		{Kind: ui.ActionVerdict, Subject: &a, Verdict: triage.VerdictMalicious}, // changed their mind
	} {
		l.write(act)
	}
	l.close()
	given, err := replayLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if given["a@x"] != triage.VerdictMalicious || given["b@x"] != triage.VerdictBenign || len(given) != 2 {
		t.Fatalf("replayed %v", given)
	}
	if s := scenario.Grade(key, given); s.Score != 100 {
		t.Fatalf("score %+v", s)
	}
	if _, err := openActionLog(path, key); err == nil {
		t.Fatal("an existing session log was overwritten")
	}
}
