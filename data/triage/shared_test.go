package triage

import (
	"context"
	"errors"
	"testing"
)

var alice = Subject{Kind: SubjectInviter, Key: "alice@example.com"}

// TestLostUpdateIsAConflict is the lost-update regression: an analyst opens
// the note with revision N, another saves a newer note (N+1); the first save
// must not overwrite it but get a conflict naming the newer state.
func TestLostUpdateIsAConflict(t *testing.T) {
	ctx := context.Background()
	s := New(NewMemory())
	first, err := s.SetVerdict(ctx, alice, VerdictSuspicious, 0, "ana")
	if err != nil {
		t.Fatal(err)
	}
	seen := first.Seq // what both analysts' prompts opened with
	newer, err := s.SetNote(ctx, alice, "bo's newer note", seen, "bo")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SetNote(ctx, alice, "ana's stale note", seen, "ana")
	var c *ConflictError
	if !errors.As(err, &c) {
		t.Fatalf("stale save: %v, want *ConflictError", err)
	}
	if c.Current != newer || c.Current.Analyst != "bo" || c.Current.Note != "bo's newer note" {
		t.Errorf("conflict carries %+v, want %+v", c.Current, newer)
	}
	// A stale verdict save is refused the same way, and the note survives.
	if _, err := s.SetVerdict(ctx, alice, VerdictBenign, seen, "ana"); !errors.As(err, &c) {
		t.Fatalf("stale verdict save: %v", err)
	}
	all, _ := s.All(ctx)
	if got := all[alice]; got != newer {
		t.Fatalf("state %+v, want %+v", got, newer)
	}
	// Saving at the current revision changes only its own field.
	got, err := s.SetVerdict(ctx, alice, VerdictMalicious, newer.Seq, "ana")
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != VerdictMalicious || got.Note != "bo's newer note" || got.Seq != newer.Seq+1 || got.Analyst != "ana" {
		t.Errorf("verdict save gave %+v", got)
	}
	hist, _ := s.History(ctx, alice)
	if len(hist) != 3 {
		t.Errorf("history %d entries, want 3 (refused saves are not changes)", len(hist))
	}
}

func TestFirstSaveExpectsRevisionZero(t *testing.T) {
	ctx := context.Background()
	s := New(NewMemory())
	if _, err := s.SetVerdict(ctx, alice, VerdictBenign, 0, "ana"); err != nil {
		t.Fatal(err)
	}
	var c *ConflictError
	if _, err := s.SetVerdict(ctx, alice, VerdictMalicious, 0, "bo"); !errors.As(err, &c) || c.Current.Verdict != VerdictBenign {
		t.Fatalf("second first-save: %v", err)
	}
}

func TestInvalidEditsAreRefused(t *testing.T) {
	ctx := context.Background()
	s := New(NewMemory())
	for name, call := range map[string]func() error{
		"verdict": func() error { _, err := s.SetVerdict(ctx, alice, "pwned", 0, "ana"); return err },
		"kind": func() error {
			_, err := s.SetVerdict(ctx, Subject{Kind: "x", Key: "k"}, VerdictBenign, 0, "ana")
			return err
		},
		"key": func() error {
			_, err := s.SetVerdict(ctx, Subject{Kind: SubjectEvent}, VerdictBenign, 0, "ana")
			return err
		},
		"utf8": func() error { _, err := s.SetNote(ctx, alice, "\xff", 0, "ana"); return err },
		"size": func() error { _, err := s.SetNote(ctx, alice, string(make([]byte, MaxNote+1)), 0, "ana"); return err },
	} {
		if call() == nil {
			t.Errorf("%s: saved", name)
		}
	}
	if all, _ := s.All(ctx); len(all) != 0 {
		t.Errorf("refused edits stored: %v", all)
	}
}

func TestSubscribeDeliversCommittedChangesInOrder(t *testing.T) {
	ctx := context.Background()
	s := New(NewMemory())
	ch, cancel := s.Subscribe(ctx)
	other, cancelOther := s.Subscribe(ctx)
	defer cancelOther()
	a, _ := s.SetVerdict(ctx, alice, VerdictSuspicious, 0, "ana")
	b, _ := s.SetNote(ctx, alice, "n", a.Seq, "bo")
	s.SetNote(ctx, alice, "refused", a.Seq, "cy") // a conflict is no change
	for _, want := range []Change{{FieldVerdict, a}, {FieldNote, b}} {
		if got := <-ch; got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		if got := <-other; got != want {
			t.Fatalf("other got %+v, want %+v", got, want)
		}
	}
	select {
	case c := <-ch:
		t.Fatalf("extra change %+v", c)
	default:
	}
	cancel()
	cancel() // twice is harmless
	if _, ok := <-ch; ok {
		t.Fatal("channel open after cancel")
	}
}

func TestSubscribeEndsWithContextAndWhenLagging(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	s := New(NewMemory())
	ch, cancel := s.Subscribe(ctx)
	defer cancel()
	stop()
	for range ch { // closed by the context's end; drains nothing
	}
	lag, cancelLag := s.Subscribe(context.Background())
	defer cancelLag()
	rev := int64(0)
	for i := range subscriberBuffer + 1 {
		t2, err := s.SetNote(context.Background(), alice, string(rune('a'+i%26)), rev, "ana")
		if err != nil {
			t.Fatal(err) // a lagging subscriber never blocks a save
		}
		rev = t2.Seq
	}
	n := 0
	for range lag {
		n++
	}
	if n != subscriberBuffer {
		t.Errorf("lagging subscriber got %d changes then close, want %d", n, subscriberBuffer)
	}
}
