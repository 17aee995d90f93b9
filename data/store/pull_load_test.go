package store

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
)

// demoPull plans a pull of the whole demo tenant in n chunks (whole-second
// edges) and spools each chunk's records in format f. It returns the pull,
// its plan and the records it covers.
func demoPull(t *testing.T, s *Store, dir, source string, f formats.Format, n int) (Pull, []PullChunk, []data.Record) {
	t.Helper()
	ctx := context.Background()
	recs := demo.Tenant(1)
	from := recs[0].TimeGenerated.Truncate(time.Second)
	to := recs[len(recs)-1].TimeGenerated.Add(100 * time.Nanosecond) // the last event, included
	step := (to.Sub(from) / time.Duration(n)).Truncate(time.Second)
	var cuts []time.Time
	for i := 1; i < n; i++ {
		cuts = append(cuts, from.Add(time.Duration(i)*step))
	}
	p := testPull(source, from, to)
	p = mustCreatePull(t, s, p, plan(from, to, cuts...))
	chunks := mustChunks(t, s, p.ID)
	for _, c := range chunks {
		part := recsIn(recs, c.From, c.To)
		path, sum := spool(t, dir, p.Source+"-"+itoa(c.Seq)+".json.gz", f, part)
		if err := s.MarkFetched(ctx, p.ID, c.Seq, path, sum, int64(len(part)), 0); err != nil {
			t.Fatal(err)
		}
	}
	return p, mustChunks(t, s, p.ID), recs
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func auditCounts(t *testing.T, s *Store) (events, ids int64) {
	t.Helper()
	if err := s.DB().QueryRow(`SELECT count(*), count(DISTINCT Id) FROM AuditLogs`).Scan(&events, &ids); err != nil {
		t.Fatal(err)
	}
	return events, ids
}

func TestLoadChunkExactlyOnce(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, "")
	p, chunks, recs := demoPull(t, s, dir, "la", formats.FormatLAAPI, 4)
	var sum int64
	for _, c := range chunks {
		fr, err := s.LoadChunk(ctx, p.ID, c.Seq)
		if err != nil {
			t.Fatal(err)
		}
		if fr.Format != formats.FormatLAAPI || fr.SourceID == 0 || fr.Loaded != c.Rows || fr.Error != "" || fr.Incomplete {
			t.Fatalf("chunk %d: %+v", c.Seq, fr)
		}
		if !strings.HasPrefix(fr.Path, "la://11111111-2222-3333-4444-555555555555/pull/1/chunk/"+itoa(c.Seq)+" [") {
			t.Errorf("source name %q", fr.Path)
		}
		var diskPath string
		if err := s.DB().QueryRow(`SELECT DiskPath FROM _Sources WHERE SourceId = ?`, fr.SourceID).Scan(&diskPath); err != nil || diskPath != c.RawPath {
			t.Errorf("DiskPath %q (%v), want the spool file %q", diskPath, err, c.RawPath)
		}
		sum += fr.Loaded
	}
	if events, ids := auditCounts(t, s); events != int64(len(recs)) || ids != events || sum != events {
		t.Fatalf("%d events (%d Ids, %d reported), want %d", events, ids, sum, len(recs))
	}
	for _, c := range mustChunks(t, s, p.ID) {
		if c.State != ChunkLoaded || c.SourceID == 0 {
			t.Errorf("chunk %d: %+v", c.Seq, c)
		}
	}
	// Never twice, whatever else is asked of the chunk.
	if _, err := s.LoadChunk(ctx, p.ID, 2); !errors.Is(err, ErrChunkLoaded) || !strings.Contains(err.Error(), "chunk 2 of pull 1 is loaded already") {
		t.Fatalf("second load: %v", err)
	}
	if err := s.MarkFetched(ctx, p.ID, 2, chunks[1].RawPath, chunks[1].Sha256, 1, 1); err == nil || !strings.Contains(err.Error(), "loaded already") {
		t.Fatalf("MarkFetched of a loaded chunk: %v", err)
	}
	if _, err := s.SplitChunk(ctx, p.ID, 2, plan(chunks[1].From, chunks[1].To)); err == nil || !strings.Contains(err.Error(), "never split") {
		t.Fatalf("split of a loaded chunk: %v", err)
	}
	if events, _ := auditCounts(t, s); events != int64(len(recs)) {
		t.Fatalf("%d events after the refusals", events)
	}
	if err := s.FinishPull(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	if ps, _ := s.Pulls(ctx); len(ps) != 1 || !ps[0].Complete {
		t.Fatalf("pulls: %+v", ps)
	}
	if bad, err := s.IncompleteFiles(ctx); err != nil || len(bad) != 0 {
		t.Fatalf("incomplete files: %v %v", bad, err)
	}
}

func TestLoadChunkGraph(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	p, chunks, recs := demoPull(t, s, t.TempDir(), "graph", formats.FormatGraphNDJSON, 3)
	for _, c := range chunks {
		if _, err := s.LoadChunk(ctx, p.ID, c.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if events, ids := auditCounts(t, s); events != int64(len(recs)) || ids != events {
		t.Fatalf("%d events (%d Ids), want %d", events, ids, len(recs))
	}
	var path string
	if err := s.DB().QueryRow(`SELECT Path FROM _Sources ORDER BY SourceId LIMIT 1`).Scan(&path); err != nil ||
		!strings.HasPrefix(path, "graph://11111111-2222-3333-4444-555555555555/pull/1/chunk/1 [") {
		t.Fatalf("source name %q %v", path, err)
	}
}

// A response that is not the one fetched, of the wrong source, or
// incomplete is not loaded: the chunk is planned again, and nothing of it is
// visible.
func TestLoadChunkRefusesBadResponses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openTestStore(t, "")
	p, chunks, recs := demoPull(t, s, dir, "la", formats.FormatLAAPI, 4)
	c1, c2, c3 := chunks[0], chunks[1], chunks[2]

	// Changed after it was fetched.
	if err := os.WriteFile(c1.RawPath, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadChunk(ctx, p.ID, c1.Seq); !errors.Is(err, ErrRefetch) || !strings.Contains(err.Error(), "changed since it was fetched") {
		t.Fatalf("changed spool: %v", err)
	}
	// Graph's shape in a Log Analytics pull.
	path, sum := spool(t, dir, "graph.json.gz", formats.FormatGraphNDJSON, recsIn(recs, c2.From, c2.To))
	if err := s.MarkFetched(ctx, p.ID, c2.Seq, path, sum, 1, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadChunk(ctx, p.ID, c2.Seq); !errors.Is(err, ErrRefetch) || !strings.Contains(err.Error(), "is not a la response (it reads as graph-ndjson)") {
		t.Fatalf("wrong format: %v", err)
	}
	// A PartialError: the rows before it are not loaded either.
	var body strings.Builder
	if err := formats.WriteRecords(&body, formats.FormatLAAPI, recsIn(recs, c3.From, c3.To)); err != nil {
		t.Fatal(err)
	}
	partial := strings.TrimSuffix(strings.TrimSpace(body.String()), "}") +
		`,"error":{"code":"PartialError","message":"There were some errors when processing your query.",` +
		`"details":[{"code":"EngineError","message":"Query result set has exceeded the internal data size limit",` +
		`"innererror":{"code":"E_QUERY_RESULT_SET_TOO_LARGE","message":"too large"}}]}}`
	path, sum = spoolBytes(t, dir, "partial.json.gz", []byte(partial))
	if err := s.MarkFetched(ctx, p.ID, c3.Seq, path, sum, 1, 1); err != nil {
		t.Fatal(err)
	}
	_, err := s.LoadChunk(ctx, p.ID, c3.Seq)
	if !errors.Is(err, ErrRefetch) || !strings.Contains(err.Error(), "PartialError") || !strings.Contains(err.Error(), "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Fatalf("partial response: %v", err)
	}
	if events, _ := auditCounts(t, s); events != 0 {
		t.Fatalf("%d events visible from refused responses", events)
	}
	if sum, err := s.Summary(ctx); err != nil || sum.Events != 0 || !sum.From.IsZero() {
		t.Fatalf("summary after refusals: %+v %v", sum, err)
	}
	for _, c := range mustChunks(t, s, p.ID)[:3] {
		if c.State != ChunkPlanned || c.Attempts != 1 || c.LastError == "" || c.SourceID != 0 {
			t.Errorf("refused chunk: %+v", c)
		}
	}
	// Fetched again, properly: it loads.
	path, sum = spool(t, dir, "again.json.gz", formats.FormatLAAPI, recsIn(recs, c3.From, c3.To))
	if err := s.MarkFetched(ctx, p.ID, c3.Seq, path, sum, 1, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoadChunk(ctx, p.ID, c3.Seq); err != nil {
		t.Fatal(err)
	}
	if events, ids := auditCounts(t, s); events != int64(len(recsIn(recs, c3.From, c3.To))) || ids != events {
		t.Fatalf("%d events (%d Ids) after the re-fetch", events, ids)
	}
}

// A saved Log Analytics response carrying a PartialError loads the rows it
// has, as an incomplete file that says the service's code and message.
func TestLoadPartialResponseIsIncomplete(t *testing.T) {
	ctx := context.Background()
	recs := demo.Tenant(1)[:20]
	var body strings.Builder
	if err := formats.WriteRecords(&body, formats.FormatLAAPI, recs); err != nil {
		t.Fatal(err)
	}
	partial := strings.TrimSuffix(strings.TrimSpace(body.String()), "}") +
		`,"error":{"code":"PartialError","message":"There were some errors when processing your query.",` +
		`"details":[{"code":"EngineError","message":"x","innererror":{"code":"E_QUERY_RESULT_SET_TOO_LARGE","message":"too large"}}]}}`
	path, _ := spoolBytes(t, t.TempDir(), "saved.json.gz", []byte(partial))
	s := openTestStore(t, "")
	rep := loadPaths(t, s, path)
	fr := rep.Files[0]
	if !fr.Incomplete || fr.Loaded != int64(len(recs)) || !strings.Contains(fr.Error, "PartialError") ||
		!strings.Contains(fr.Error, "There were some errors") || !strings.Contains(fr.Error, "E_QUERY_RESULT_SET_TOO_LARGE") {
		t.Fatalf("report: %+v", fr)
	}
	bad, err := s.IncompleteFiles(ctx)
	if err != nil || len(bad) != 1 || !strings.Contains(bad[0], "PartialError") {
		t.Fatalf("incomplete files: %v %v", bad, err)
	}
}
