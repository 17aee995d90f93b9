package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/serve"
	"github.com/guesthunt/guesthunt/ui"
)

// A classroom on the demo case: each trainee's session is a scored
// exercise at the key's parameters, X's score lands on the board, the
// trainer lists it over ssh, and a trainee may not.
func TestClassroomScoresEachTrainee(t *testing.T) {
	served := openServedCase(t, servedCase(t))
	ten, err := scenario.Generate("demo", scenario.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(t.TempDir(), "demo.key.json")
	os.WriteFile(keyPath, ten.Key.JSON(), 0o600)
	state := t.TempDir()
	if served.class, err = openClassroom(keyPath, state); err != nil {
		t.Fatal(err)
	}
	trainer := sessionDeps(served, serveSession{User: "trainer", KeyFingerprint: "SHA256:x"})
	if trainer.Exercise != nil {
		t.Fatal("a key login got an exercise")
	}
	for _, who := range []string{"ana", "bo"} {
		d := sessionDeps(served, serveSession{User: who, RemoteAddr: "10.0.0.7:5000", Exercise: true})
		if d.Exercise == nil || d.Params != served.class.params {
			t.Fatalf("%s: exercise %v params %+v", who, d.Exercise != nil, d.Params)
		}
		given := map[triage.Subject]triage.Triage{}
		if who == "ana" { // ana gets every flagged case right
			for _, c := range ten.Key.Cases {
				if c.Flagged {
					given[triage.Subject{Kind: triage.SubjectInviter, Key: c.Subject}] = triage.Triage{Verdict: c.Verdict}
				}
			}
		}
		d.Exercise.Log(uiActionForTest())
		d.Exercise.Grade(given)
	}
	r := runServed(served, "scores", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("scores: %d %s", r.code, r.stderr)
	}
	var board []classScore
	if err := json.Unmarshal([]byte(r.stdout), &board); err != nil {
		t.Fatal(err)
	}
	if len(board) != 2 || board[0].User != "ana" || board[0].Score.Score != 100 || board[1].User != "bo" || board[1].Score.Score != 0 {
		t.Fatalf("board %+v", board)
	}
	if r := runServed(served, "scores"); !strings.Contains(r.stdout, "exercise demo (seed 1): 2 submitted") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	lines, _ := os.ReadFile(filepath.Join(state, "serve", "exercises", "scores.jsonl"))
	if bytes.Count(lines, []byte("\n")) != 2 {
		t.Fatalf("scores.jsonl:\n%s", lines)
	}
	logs, _ := filepath.Glob(filepath.Join(state, "serve", "exercises", "demo-*.jsonl"))
	if len(logs) != 2 {
		t.Fatalf("session logs %v", logs)
	}
	var out, errb bytes.Buffer
	exec := servedExec(served)
	if code := exec(context.Background(), serve.Session{User: "ana", Exercise: true}, []string{"scores"}, &out, &errb); code == exitOK || !strings.Contains(errb.String(), "trainer") {
		t.Fatalf("a trainee listed the scores: %d %s", code, errb.String())
	}
}

func uiActionForTest() ui.Action { return ui.Action{Kind: ui.ActionKey, Key: "j", Page: "Main"} }
