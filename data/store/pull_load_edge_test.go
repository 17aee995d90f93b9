package store

import (
	"context"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
)

// A chunk with no events is loaded like any other: it is covered.
func TestLoadEmptyChunks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, c := range []struct {
		source string
		body   string
	}{
		{"la", `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"Id","type":"string"}],"rows":[]}]}`},
		{"graph", ``},
		{"graph", `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits","value":[]}`},
	} {
		s := openTestStore(t, "")
		p := mustCreatePull(t, s, testPull(c.source, at(0), at(time.Hour)), plan(at(0), at(time.Hour)))
		path, sum := spoolBytes(t, dir, c.source+".json.gz", []byte(c.body))
		if err := s.MarkFetched(ctx, p.ID, 1, path, sum, 0, 0); err != nil {
			t.Fatal(err)
		}
		fr, err := s.LoadChunk(ctx, p.ID, 1)
		if err != nil {
			t.Fatalf("%s %q: %v", c.source, c.body, err)
		}
		if fr.SourceID == 0 || fr.Loaded != 0 {
			t.Errorf("%s %q: %+v", c.source, c.body, fr)
		}
		if sum, err := s.Summary(ctx); err != nil || !sum.From.Equal(at(0)) || !sum.To.Equal(at(time.Hour-100)) {
			t.Errorf("%s %q: summary %+v %v", c.source, c.body, sum, err)
		}
	}
}

// Fetchers record attempts and spooled responses while chunks load: the
// journal's writes and the loads' own do not get in each other's way.
func TestJournalWritesDuringLoads(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, "")
	p, chunks, _ := demoPull(t, s, dir, "la", formats.FormatLAAPI, 6)
	errs := make(chan error, 2)
	go func() {
		for _, c := range chunks[:3] {
			if _, err := s.LoadChunk(ctx, p.ID, c.Seq); err != nil {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	go func() {
		for i := range 30 {
			c := chunks[3+i%3]
			if err := s.NoteAttempt(ctx, p.ID, c.Seq, "429"); err != nil {
				errs <- err
				return
			}
			if err := s.MarkFetched(ctx, p.ID, c.Seq, c.RawPath, c.Sha256, c.Rows, c.Bytes); err != nil {
				errs <- err
				return
			}
		}
		errs <- nil
	}()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range mustChunks(t, s, p.ID)[3:] {
		if c.Attempts != 10 || c.State != ChunkFetched {
			t.Errorf("chunk %d: %+v", c.Seq, c)
		}
		if _, err := s.LoadChunk(ctx, p.ID, c.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FinishPull(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
}

// Graph's inclusive windows [A, B], [B, C] both return the events at B:
// loaded once each all the same (dedup by Id).
func TestLoadGraphSharedEdges(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, "")
	recs := demo.Tenant(1)
	from := recs[0].TimeGenerated.Truncate(time.Second)
	to := recs[len(recs)-1].TimeGenerated.Truncate(time.Second).Add(time.Second)
	// Cut at whole seconds holding events, so both sides return them.
	var cuts []time.Time
	for _, i := range []int{len(recs) / 3, 2 * len(recs) / 3} {
		cuts = append(cuts, recs[i].TimeGenerated.Truncate(time.Second))
	}
	chunks := plan(from, to, cuts...)
	for i := range chunks[:len(chunks)-1] {
		chunks[i].To = chunks[i].To.Add(100 * time.Nanosecond) // [A, B] written half-open
	}
	p := mustCreatePull(t, s, testPull("graph", from, to), chunks)
	var spooled int
	for _, c := range mustChunks(t, s, p.ID) {
		part := recsIn(recs, c.From, c.To.Add(time.Second-100*time.Nanosecond)) // the whole second B
		spooled += len(part)
		path, sum := spool(t, dir, "g"+itoa(c.Seq)+".ndjson.gz", formats.FormatGraphNDJSON, part)
		if err := s.MarkFetched(ctx, p.ID, c.Seq, path, sum, int64(len(part)), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadChunk(ctx, p.ID, c.Seq); err != nil {
			t.Fatal(err)
		}
	}
	events, ids := auditCounts(t, s)
	if spooled <= len(recs) || events != int64(len(recs)) || ids != events {
		t.Fatalf("%d records spooled, %d events (%d Ids), want %d", spooled, events, ids, len(recs))
	}
	cov, err := s.Coverage(ctx)
	if err != nil || len(cov) != 1 || !cov[0].From.Equal(from) || !cov[0].To.Equal(to) || cov[0].Chunks != 3 {
		t.Fatalf("coverage %+v %v", cov, err)
	}
}
