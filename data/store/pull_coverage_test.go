package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
)

func demoInvites() []data.Record {
	var out []data.Record
	for _, r := range demo.Tenant(1) {
		if strings.EqualFold(r.OperationName, "Invite external user") {
			out = append(out, r)
		}
	}
	return out
}

// invitesPull plans an invites pull reaching a day and a half past the first
// and last invite, in three chunks, and spools and loads the chunks named.
func invitesPull(t *testing.T, s *Store, created time.Time, settle time.Duration, load ...int) (Pull, []PullChunk, []data.Record) {
	t.Helper()
	ctx := context.Background()
	recs := demoInvites()
	from := recs[0].TimeGenerated.Add(-36 * time.Hour).Truncate(time.Second)
	to := recs[len(recs)-1].TimeGenerated.Add(36 * time.Hour).Truncate(time.Second)
	third := (to.Sub(from) / 3).Truncate(time.Second)
	p := testPull("la", from, to)
	p.Scope, p.CreatedAt, p.Settle = "invites", created, settle
	if created.IsZero() {
		p.CreatedAt = to.Add(24 * time.Hour)
	}
	p = mustCreatePull(t, s, p, plan(from, to, from.Add(third), from.Add(2*third)))
	chunks := mustChunks(t, s, p.ID)
	dir := t.TempDir()
	var loaded []data.Record
	for _, i := range load {
		c := chunks[i]
		part := recsIn(recs, c.From, c.To)
		path, sum := spool(t, dir, "c"+itoa(c.Seq)+".json.gz", formats.FormatLAAPI, part)
		if err := s.MarkFetched(ctx, p.ID, c.Seq, path, sum, int64(len(part)), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadChunk(ctx, p.ID, c.Seq); err != nil {
			t.Fatal(err)
		}
		loaded = append(loaded, part...)
	}
	return p, mustChunks(t, s, p.ID), loaded
}

func TestSummaryAndCoverageFromThePlan(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	p, chunks, loaded := invitesPull(t, s, time.Time{}, 30*time.Minute, 0, 2) // the middle chunk is a gap
	if len(loaded) == 0 {
		t.Fatal("fixture: no invites in the loaded chunks")
	}
	sum, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tk := 100 * time.Nanosecond
	if sum.Events != int64(len(loaded)) || !sum.From.Equal(p.From) || !sum.To.Equal(p.To.Add(-tk)) {
		t.Fatalf("summary %+v, want %d events over [%v, %v]: the plan, not first to last invite", sum, len(loaded), p.From, p.To.Add(-tk))
	}
	cov, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []PullCoverage{
		{From: chunks[0].From, To: chunks[0].To, Loaded: true},
		{From: chunks[1].From, To: chunks[1].To, Loaded: false},
		{From: chunks[2].From, To: chunks[2].To, Loaded: true},
	}
	if len(cov) != len(want) {
		t.Fatalf("coverage %+v", cov)
	}
	for i, w := range want {
		c := cov[i]
		if !c.From.Equal(w.From) || !c.To.Equal(w.To) || c.Loaded != w.Loaded || c.Scope != "invites" || c.Source != "la" ||
			c.PullID != p.ID || c.Chunks != 1 || c.Provisional {
			t.Errorf("stretch %d: %+v, want %+v", i, c, w)
		}
	}

	// A plain file reaching later widens To; one reaching earlier, From.
	early, late := p.From.Add(-time.Hour), p.To.Add(48*time.Hour)
	recs := demoInvites()[:2]
	recs[0].Id, recs[0].TimeGenerated = "plain-early", early
	recs[1].Id, recs[1].TimeGenerated = "plain-late", late
	if _, err := s.LoadRecords(ctx, "plain", recs); err != nil {
		t.Fatal(err)
	}
	if sum, err = s.Summary(ctx); err != nil || !sum.From.Equal(early) || !sum.To.Equal(late) || sum.Files != 3 {
		t.Fatalf("with a plain file: %+v %v", sum, err)
	}
}

// A pull made while its last chunk was still filling: "latest" stops at
// CreatedAt-Settle, and the last stretch is provisional.
func TestSummaryStopsAtTheSettleTime(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	recs := demoInvites()
	to := recs[len(recs)-1].TimeGenerated.Add(36 * time.Hour).Truncate(time.Second)
	created := to.Add(-time.Hour)
	p, _, _ := invitesPull(t, s, created, 30*time.Minute, 0, 1, 2)
	sum, err := s.Summary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := created.Add(-30 * time.Minute); !sum.From.Equal(p.From) || !sum.To.Equal(want) {
		t.Fatalf("summary [%v, %v], want [%v, %v]", sum.From, sum.To, p.From, want)
	}
	cov, err := s.Coverage(ctx)
	if err != nil || len(cov) != 1 || !cov[0].Loaded || cov[0].Chunks != 3 || !cov[0].Provisional ||
		!cov[0].SettledBefore.Equal(created.Add(-30*time.Minute)) {
		t.Fatalf("coverage %+v %v", cov, err)
	}
	if err := s.FinishPull(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
}

// Graph chunks sharing an edge make one stretch; a gap after a shared edge
// starts where the loaded stretch ends.
func TestCoverageGraphEdges(t *testing.T) {
	tk := 100 * time.Nanosecond
	h := time.Hour
	p := Pull{ID: 1, Source: "graph", Scope: "all", CreatedAt: at(10 * h)}
	chunks := []PullChunk{
		{From: at(0), To: at(h + tk), State: ChunkLoaded},
		{From: at(h), To: at(2*h + tk), State: ChunkLoaded},
		{From: at(2 * h), To: at(3 * h), State: ChunkFetched},
	}
	cov := coverageOf(p, chunks)
	if len(cov) != 2 || !cov[0].To.Equal(at(2*h+tk)) || cov[0].Chunks != 2 || !cov[1].From.Equal(at(2*h+tk)) || cov[1].Loaded {
		t.Fatalf("coverage %+v", cov)
	}
}
