package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

var pullT0 = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return pullT0.Add(d) }

// plan cuts [from, to) at the given instants.
func plan(from, to time.Time, cuts ...time.Time) []PullChunk {
	edges := append(append([]time.Time{from}, cuts...), to)
	out := make([]PullChunk, len(edges)-1)
	for i := range out {
		out[i] = PullChunk{From: edges[i], To: edges[i+1], PlannedRows: 10, PlannedBytes: 1000}
	}
	return out
}

func testPull(source string, from, to time.Time) Pull {
	return Pull{Source: source, Target: "11111111-2222-3333-4444-555555555555", Cloud: "public", Scope: "all",
		From: from, To: to, QueryText: "AuditLogs | where ...", CreatedAt: to.Add(24 * time.Hour), Settle: 30 * time.Minute}
}

func mustCreatePull(t *testing.T, s *Store, p Pull, chunks []PullChunk) Pull {
	t.Helper()
	got, err := s.CreatePull(context.Background(), p, chunks)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func mustChunks(t *testing.T, s *Store, id int64) []PullChunk {
	t.Helper()
	cs, err := s.PullChunks(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// spool writes recs gzipped in format f, as a pull spools a response, and
// returns the file and its SHA-256.
func spool(t *testing.T, dir, name string, f formats.Format, recs []data.Record) (string, string) {
	t.Helper()
	var body bytes.Buffer
	if err := formats.WriteRecords(&body, f, recs); err != nil {
		t.Fatal(err)
	}
	return spoolBytes(t, dir, name, body.Bytes())
}

// spoolBytes writes body gzipped as a spooled response.
func spoolBytes(t *testing.T, dir, name string, body []byte) (string, string) {
	t.Helper()
	path := filepath.Join(dir, name)
	file, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(file)
	if _, err := zw.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := file.Close(); err != nil {
		t.Fatal(err)
	}
	return path, fileSum(t, path)
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func recsIn(recs []data.Record, from, to time.Time) []data.Record {
	var out []data.Record
	for _, r := range recs {
		if !r.TimeGenerated.Before(from) && r.TimeGenerated.Before(to) {
			out = append(out, r)
		}
	}
	return out
}

func TestCreatePullTiling(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	from, to := at(0), at(3*time.Hour)
	h := time.Hour
	tk := 100 * time.Nanosecond
	refused := []struct {
		name   string
		source string
		chunks []PullChunk
		want   string
	}{
		{"no chunks", "la", nil, "no chunks"},
		{"gap", "la", []PullChunk{{From: at(0), To: at(h)}, {From: at(h + tk), To: at(3 * h)}}, "gap"},
		{"overlap by a tick", "la", []PullChunk{{From: at(0), To: at(h + tk)}, {From: at(h), To: at(3 * h)}}, "overlaps"},
		{"late start", "la", plan(at(tk), to, at(h)), "does not start at the pull's start"},
		{"early end", "la", plan(from, at(3*h-tk), at(h)), "does not end at the pull's end"},
		{"empty chunk", "la", plan(from, to, at(h), at(h)), "empty or backwards"},
		{"off the tick", "la", plan(from, to, at(h+50)), "not on a 100 ns tick"},
		{"a chunk inside another", "graph", []PullChunk{{From: at(0), To: at(3 * h)}, {From: at(h), To: at(2 * h)}, {From: at(2 * h), To: at(3 * h)}}, "overlaps"},
		{"graph overlap off a whole second", "graph", []PullChunk{{From: at(0), To: at(h + time.Second)}, {From: at(h + tk), To: at(3 * h)}}, "overlaps"},
		{"graph overlap past a second", "graph", []PullChunk{{From: at(0), To: at(h + time.Second + tk)}, {From: at(h), To: at(3 * h)}}, "overlaps"},
		{"mixed numbers", "la", []PullChunk{{Seq: 1, From: at(0), To: at(h)}, {From: at(h), To: at(3 * h)}}, "some chunks have numbers"},
		{"unknown source", "splunk", plan(from, to), `pull source "splunk" is unknown`},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.CreatePull(ctx, testPull(c.source, from, to), c.chunks)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error saying %q", err, c.want)
			}
		})
	}
	if ps, err := s.Pulls(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("refused plans left pulls behind: %v %v", ps, err)
	}

	// Graph shares whole-second edges, written as an end at, one tick past or
	// one second past the next chunk's start.
	graph := mustCreatePull(t, s, testPull("graph", from, to), []PullChunk{
		{From: at(0), To: at(h + tk)}, {From: at(h), To: at(2*h + time.Second)}, {From: at(2 * h), To: at(3 * h)}})
	if graph.ID != 1 || graph.Complete {
		t.Errorf("graph pull: %+v", graph)
	}

	// Given out of order: numbered in time order, planned.
	created := at(3*h + 10*time.Minute) // the last chunk ends within the settle time
	p := testPull("la", from, to)
	p.CreatedAt = created
	cs := plan(from, to, at(h), at(2*h))
	cs[0], cs[2] = cs[2], cs[0]
	got := mustCreatePull(t, s, p, cs)
	if got.ID != 2 || !got.CreatedAt.Equal(created) || !got.From.Equal(from) || !got.To.Equal(to) {
		t.Fatalf("pull: %+v", got)
	}
	chunks := mustChunks(t, s, got.ID)
	if len(chunks) != 3 {
		t.Fatalf("chunks: %+v", chunks)
	}
	for i, c := range chunks {
		wantProv := i == 2 // ends at 03:00, after 03:10-30m
		if c.Seq != int64(i+1) || c.State != ChunkPlanned || c.PullID != 2 || !c.From.Equal(at(time.Duration(i)*h)) ||
			c.PlannedRows != 10 || c.Provisional != wantProv {
			t.Errorf("chunk %d: %+v", i, c)
		}
	}
}

func TestFindPullToResume(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	from, to := at(0), at(2*time.Hour)
	p := testPull("la", from, to)
	if _, ok, err := s.FindPull(ctx, p); ok || err != nil {
		t.Fatalf("empty journal: %v %v", ok, err)
	}
	first := mustCreatePull(t, s, p, plan(from, to, at(time.Hour)))
	other := p
	other.Scope = "invites"
	mustCreatePull(t, s, other, plan(from, to))
	latest := mustCreatePull(t, s, p, plan(from, to))
	got, ok, err := s.FindPull(ctx, p)
	if err != nil || !ok || got.ID != latest.ID || got.ID == first.ID || got.Scope != "all" {
		t.Fatalf("FindPull: %+v %v %v", got, ok, err)
	}
	p.To = to.Add(100 * time.Nanosecond)
	if _, ok, err := s.FindPull(ctx, p); ok || err != nil {
		t.Fatalf("another interval: %v %v", ok, err)
	}
	ps, err := s.Pulls(ctx)
	if err != nil || len(ps) != 3 || ps[0].ID != 1 || ps[2].ID != 3 {
		t.Fatalf("Pulls: %+v %v", ps, err)
	}
}

func TestSplitChunk(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	h := time.Hour
	p := mustCreatePull(t, s, testPull("la", at(0), at(3*h)), plan(at(0), at(3*h), at(h), at(2*h)))

	if _, err := s.SplitChunk(ctx, p.ID, 2, plan(at(h), at(2*h-time.Second), at(90*time.Minute))); err == nil ||
		!strings.Contains(err.Error(), "does not end") {
		t.Fatalf("split that leaves a gap: %v", err)
	}
	if _, err := s.SplitChunk(ctx, p.ID, 9, plan(at(h), at(2*h))); err == nil || !strings.Contains(err.Error(), "chunk 9 of pull 1: no such chunk") {
		t.Fatalf("split of a missing chunk: %v", err)
	}
	if _, err := s.SplitChunk(ctx, 7, 1, plan(at(h), at(2*h))); err == nil || !strings.Contains(err.Error(), "pull 7: no such pull") {
		t.Fatalf("split in a missing pull: %v", err)
	}
	if err := s.NoteAttempt(ctx, p.ID, 2, "504 Gateway Timeout"); err != nil {
		t.Fatal(err)
	}
	parts, err := s.SplitChunk(ctx, p.ID, 2, plan(at(h), at(2*h), at(80*time.Minute), at(100*time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 || parts[0].Seq != 4 || parts[2].Seq != 6 || !parts[1].From.Equal(at(80*time.Minute)) {
		t.Fatalf("parts: %+v", parts)
	}
	var seqs []int64
	for _, c := range mustChunks(t, s, p.ID) {
		seqs = append(seqs, c.Seq)
		if c.Attempts != 0 || c.State != ChunkPlanned {
			t.Errorf("chunk after the split: %+v", c)
		}
	}
	if want := []int64{1, 4, 5, 6, 3}; !equalInts(seqs, want) {
		t.Fatalf("plan in time order: %v, want %v", seqs, want)
	}
	// Split again: numbers keep growing.
	parts, err = s.SplitChunk(ctx, p.ID, 5, plan(at(80*time.Minute), at(100*time.Minute), at(90*time.Minute)))
	if err != nil || parts[0].Seq != 7 || parts[1].Seq != 8 {
		t.Fatalf("second split: %+v %v", parts, err)
	}
}

func equalInts(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestJournalAttemptsAndFetched(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	p := mustCreatePull(t, s, testPull("la", at(0), at(time.Hour)), plan(at(0), at(time.Hour)))
	if err := s.NoteAttempt(ctx, p.ID, 1, "429 Too Many Requests"); err != nil {
		t.Fatal(err)
	}
	if err := s.NoteAttempt(ctx, p.ID, 1, strings.Repeat("x", 10000)); err != nil {
		t.Fatal(err)
	}
	c := mustChunks(t, s, p.ID)[0]
	if c.Attempts != 2 || len(c.LastError) > maxErrorText+4 || c.State != ChunkPlanned {
		t.Fatalf("after two attempts: attempts %d, error of %d bytes, %s", c.Attempts, len(c.LastError), c.State)
	}
	if err := s.MarkFetched(ctx, p.ID, 1, "x.json.gz", "not hex", 1, 1); err == nil || !strings.Contains(err.Error(), "not a SHA-256") {
		t.Fatalf("bad sha: %v", err)
	}
	sum := strings.Repeat("AB", 32)
	if err := s.MarkFetched(ctx, p.ID, 1, "x.json.gz", sum, 5, 500); err != nil {
		t.Fatal(err)
	}
	c = mustChunks(t, s, p.ID)[0]
	if c.State != ChunkFetched || !filepath.IsAbs(c.RawPath) || c.Sha256 != strings.ToLower(sum) || c.Rows != 5 || c.Bytes != 500 || c.LastError != "" {
		t.Fatalf("fetched: %+v", c)
	}
	if err := s.MarkFetched(ctx, p.ID, 2, "x", sum, 0, 0); err == nil || !strings.Contains(err.Error(), "chunk 2 of pull 1: no such chunk") {
		t.Fatalf("missing chunk: %v", err)
	}
	if err := s.FinishPull(ctx, p.ID); err == nil || !strings.Contains(err.Error(), "pull 1 is not complete: chunks 1 (fetched)") {
		t.Fatalf("FinishPull with a chunk not loaded: %v", err)
	}
	if err := s.FinishPull(ctx, 5); err == nil || !strings.Contains(err.Error(), "pull 5: no such pull") {
		t.Fatalf("FinishPull of a missing pull: %v", err)
	}
	if _, err := s.LoadChunk(ctx, p.ID, 1); !errors.Is(err, ErrRefetch) || !strings.Contains(err.Error(), "cannot be opened") {
		t.Fatalf("LoadChunk of a missing spool file: %v", err)
	}
	if c = mustChunks(t, s, p.ID)[0]; c.State != ChunkPlanned || c.Attempts != 3 {
		t.Fatalf("after a missing spool file: %+v", c)
	}
	if _, err := s.LoadChunk(ctx, p.ID, 1); err == nil || !strings.Contains(err.Error(), "has not been fetched") {
		t.Fatalf("LoadChunk of a planned chunk: %v", err)
	}
}

// Edges are kept to the tick, before 1970 too (TIMESTAMP_NS through
// make_timestamp_ns), and the last chunk may end one tick past an as-of.
func TestPullTimesExactToTheTick(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	tk := 100 * time.Nanosecond
	for _, base := range []time.Time{pullT0, time.Date(1969, 12, 31, 23, 59, 59, 999999900, time.UTC)} {
		from := base.Add(-90 * time.Minute).Add(1234567 * tk)
		cut := base.Add(-time.Second).Add(tk)
		to := base.Add(tk)
		p := mustCreatePull(t, s, testPull("la", from, to), plan(from, to, cut))
		got, ok, err := s.FindPull(ctx, testPull("la", from, to))
		if err != nil || !ok || got.ID != p.ID || !got.From.Equal(from) || !got.To.Equal(to) || !got.CreatedAt.Equal(p.CreatedAt) {
			t.Fatalf("FindPull: %+v %v %v, want %+v", got, ok, err, p)
		}
		cs := mustChunks(t, s, p.ID)
		if len(cs) != 2 || !cs[0].From.Equal(from) || !cs[0].To.Equal(cut) || !cs[1].From.Equal(cut) || !cs[1].To.Equal(to) {
			t.Fatalf("chunks: %+v", cs)
		}
	}
}
