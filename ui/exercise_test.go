package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// An exercise on the demo tenant: the key is never on screen before X, X
// grades the verdicts and shows the score page, and the session log
// replays to the verdicts the store held.
func TestExerciseFlow(t *testing.T) {
	st, eng := demoStore(t)
	ten, err := scenario.Generate("demo", scenario.Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	key := ten.Key
	var mu sync.Mutex
	var log []Action
	x := &Exercise{Name: "demo", Started: time.Now(),
		Grade: func(v map[triage.Subject]triage.Triage) scenario.Score {
			return scenario.Grade(key, scenario.InviterVerdicts(v))
		},
		Log: func(a Action) { mu.Lock(); log = append(log, a); mu.Unlock() },
	}
	tri := triage.New(triage.NewMemory())
	m := New(Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(), IsDark: true, KQL: hunt.KQLText,
		Data: DataSetInfo{Files: []string{"exercise"}, Events: 2731}, Triage: tri, TriageLocation: "exercise", Exercise: x})
	ch := make(chan Model, 1)
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(120, 36))
	f := &flow{t: t, tm: tm, ch: ch}
	m = f.until("first result", func(m Model) bool { return m.res != nil && m.tri.loaded })

	secrets := func(where, screen string) {
		t.Helper()
		for _, c := range key.Cases {
			if len(c.Explanation) > 20 && strings.Contains(screen, c.Explanation[:20]) {
				t.Fatalf("%s shows the key's lesson for %s before submission", where, c.Subject)
			}
		}
	}
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "EXERCISE demo") {
		t.Fatalf("no exercise label:\n%s", v)
	}
	secrets("main", v)
	for _, k := range []string{"w", "?", "L", "K"} {
		f.keys(k)
		m = f.until(k, func(m Model) bool { return !m.onPage(pageMain) && (!m.onPage(pageWhy) || !m.pager().loading()) })
		secrets(k, ansi.Strip(m.View().Content))
		f.keys("esc")
		f.until("back", func(m Model) bool { return m.onPage(pageMain) })
	}

	jonas := "jonas.berg@" + demo.Domain
	f.keys("/")
	f.tm.Type("jonas")
	f.keys("enter", "t", "m")
	f.until("recorded", func(m Model) bool { return strings.HasPrefix(m.message, "recorded for the exercise") })
	f.keys("X")
	f.until("untriaged warning", func(m Model) bool { return strings.Contains(m.message, "X again submits") })
	f.keys("X")
	m = f.until("score", func(m Model) bool { return m.onPage(pageScore) })
	page := ansi.Strip(strings.Join(m.pager().lines(), "\n"))
	if !strings.Contains(page, "Exercise demo:") || !strings.Contains(page, "correct") || !strings.Contains(page, jonas) {
		t.Fatalf("score page:\n%s", page)
	}
	if m.ex.score == nil || m.ex.score.TruePositives != 1 {
		t.Fatalf("score %+v", m.ex.score)
	}
	f.keys("q", "q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))

	mu.Lock()
	defer mu.Unlock()
	replayed := ReplayVerdicts(log)
	all, _ := tri.All(t.Context())
	if len(replayed) != len(all) {
		t.Fatalf("replayed %d subjects, the store holds %d", len(replayed), len(all))
	}
	for s, want := range all {
		if got := replayed[s]; got.Verdict != want.Verdict || got.Note != want.Note {
			t.Fatalf("%v replayed %+v, store %+v", s, got, want)
		}
	}
	var keys, submits int
	for _, a := range log {
		switch a.Kind {
		case ActionKey:
			keys++
		case ActionSubmit:
			submits++
		}
	}
	if keys < 10 || submits != 1 {
		t.Fatalf("log: %d keys, %d submits", keys, submits)
	}
}
