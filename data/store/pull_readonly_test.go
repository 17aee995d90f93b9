package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/live"
)

// The case file is what a pull keeps its plan in.
var _ live.Journal = (*store.Store)(nil)

var (
	roFrom = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	roTo   = roFrom.Add(2 * time.Hour)
)

func roPull() store.Pull {
	return store.Pull{Source: "la", Target: "ws", Cloud: "public", Scope: "invites", From: roFrom, To: roTo,
		CreatedAt: roTo.Add(time.Hour), Settle: 30 * time.Minute}
}

func roPlan() []store.PullChunk {
	return []store.PullChunk{{From: roFrom, To: roFrom.Add(time.Hour)}, {From: roFrom.Add(time.Hour), To: roTo}}
}

// makePullCase makes a case file holding one pull, planned.
func makePullCase(t *testing.T) string {
	t.Helper()
	path := makeCase(t)
	s := open(t, path)
	if _, err := s.CreatePull(context.Background(), roPull(), roPlan()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

// Every journal method that writes refuses a read-only store in words;
// Pulls, PullChunks, Coverage and Summary read it (pull status).
func TestPullJournalReadOnly(t *testing.T) {
	path := makePullCase(t)
	before := stateOf(t, path)
	s := openRO(t, path)
	ctx := context.Background()
	refusals := map[string]error{}
	_, _, refusals["FindPull"] = s.FindPull(ctx, roPull())
	_, refusals["CreatePull"] = s.CreatePull(ctx, roPull(), roPlan())
	_, refusals["SplitChunk"] = s.SplitChunk(ctx, 1, 1, roPlan()[:1])
	refusals["NoteAttempt"] = s.NoteAttempt(ctx, 1, 1, "x")
	refusals["MarkFetched"] = s.MarkFetched(ctx, 1, 1, "x", "0000000000000000000000000000000000000000000000000000000000000000", 0, 0)
	_, refusals["LoadChunk"] = s.LoadChunk(ctx, 1, 1)
	refusals["FinishPull"] = s.FinishPull(ctx, 1)
	for name, err := range refusals {
		if !errors.Is(err, store.ErrPullReadOnly) {
			t.Errorf("%s on a read-only store: %v", name, err)
		}
	}
	pulls, err := s.Pulls(ctx)
	if err != nil || len(pulls) != 1 || pulls[0].Scope != "invites" || !pulls[0].To.Equal(roTo) {
		t.Fatalf("Pulls: %+v %v", pulls, err)
	}
	if chunks, err := s.PullChunks(ctx, 1); err != nil || len(chunks) != 2 {
		t.Fatalf("PullChunks: %+v %v", chunks, err)
	}
	cov, err := s.Coverage(ctx)
	if err != nil || len(cov) != 1 || cov[0].Loaded || cov[0].Chunks != 2 {
		t.Fatalf("Coverage: %+v %v", cov, err)
	}
	if _, err := s.Summary(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if stateOf(t, path) != before {
		t.Error("the read-only store changed the case file")
	}
}

// A case file made before pulls existed reads as one without pulls, and
// gains the journal on a load open.
func TestPullJournalInOlderFiles(t *testing.T) {
	path := makeCase(t)
	s := open(t, path)
	want, err := s.Summary(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	tamper(t, path, `DROP TABLE _PullChunks`, `DROP TABLE _Pulls`)
	ctx := context.Background()

	ro := openRO(t, path)
	got, err := ro.Summary(ctx)
	if err != nil || got != want {
		t.Fatalf("summary of an older file read-only: %+v %v, want %+v", got, err, want)
	}
	if pulls, err := ro.Pulls(ctx); err != nil || pulls != nil {
		t.Fatalf("Pulls: %v %v", pulls, err)
	}
	if cov, err := ro.Coverage(ctx); err != nil || cov != nil {
		t.Fatalf("Coverage: %v %v", cov, err)
	}
	ro.Close()

	// Opened for verdicts: a pull creates the journal when it is recorded.
	v, err := store.OpenForVerdicts(path)
	if err != nil {
		t.Fatal(err)
	}
	if pulls, err := v.Pulls(ctx); err != nil || pulls != nil {
		t.Fatalf("Pulls for verdicts: %v %v", pulls, err)
	}
	if _, err := v.CreatePull(ctx, roPull(), roPlan()); err != nil {
		t.Fatal(err)
	}
	v.Close()
	tamper(t, path, `DROP TABLE _PullChunks`, `DROP TABLE _Pulls`)

	// Opened for loading: the tables are back.
	s = open(t, path)
	if _, err := s.CreatePull(ctx, roPull(), roPlan()); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Summary(ctx); err != nil || got != want {
		t.Fatalf("summary with a pull planned: %+v %v, want %+v", got, err, want)
	}
}
