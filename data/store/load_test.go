package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

func open(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func load(t *testing.T, s *store.Store, opt store.LoadOptions, paths ...string) store.LoadReport {
	t.Helper()
	rep, err := s.Load(context.Background(), paths, opt)
	if err != nil {
		t.Fatalf("load %v: %v", paths, err)
	}
	return rep
}

func count(t *testing.T, s *store.Store, query string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := s.DB().QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func writeDemo(t *testing.T, dir string, f formats.Format, recs []data.Record) string {
	t.Helper()
	path := filepath.Join(dir, "demo-"+string(f))
	if err := store.WriteFile(path, f, recs); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every format is recognised from content alone (the file names here say
// nothing) and loads every record of the demo tenant.
func TestLoadEveryFormatFromContent(t *testing.T) {
	recs := demo.Tenant(1)
	dir := t.TempDir()
	for _, f := range formats.Formats {
		t.Run(string(f), func(t *testing.T) {
			path := writeDemo(t, dir, f, recs)
			s := open(t, "")
			rep := load(t, s, store.LoadOptions{Strict: true}, path)
			got := rep.Files[0]
			if got.Format != f || got.Error != "" || got.Rejected != 0 {
				t.Fatalf("report %+v", got)
			}
			if got.Records != int64(len(recs)) || got.Loaded+got.Duplicates != got.Records {
				t.Errorf("records %d loaded %d duplicates %d, want %d records", got.Records, got.Loaded, got.Duplicates, len(recs))
			}
			if f != formats.FormatEntraCSV && got.Duplicates != 0 { // Entra CSV has no Id: identical rows collapse
				t.Errorf("%d duplicates in a clean export", got.Duplicates)
			}
			if !got.From.Equal(recs[0].TimeGenerated.Truncate(1e6)) && !got.From.Equal(recs[0].TimeGenerated) {
				t.Errorf("from %v, want %v", got.From, recs[0].TimeGenerated)
			}
		})
	}
}

// The same events arriving in two exports of different formats are stored
// once; the second load reports them as duplicates.
func TestDuplicatesAcrossFormats(t *testing.T) {
	recs := demo.Tenant(1)
	dir := t.TempDir()
	la := writeDemo(t, dir, formats.FormatLANDJSON, recs)
	graph := writeDemo(t, dir, formats.FormatGraph, recs[len(recs)/2:])
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, la, graph)
	if rep.Files[1].Duplicates != int64(len(recs)-len(recs)/2) || rep.Files[1].Loaded != 0 {
		t.Fatalf("second file: %+v", rep.Files[1])
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != int64(len(recs)) {
		t.Errorf("%d events, want %d", n, len(recs))
	}
}

// Two different records sharing an Id are both kept and reported.
func TestConflictingIdsAreKept(t *testing.T) {
	recs := demo.Tenant(1)[:10]
	changed := append([]data.Record(nil), recs[:2]...)
	changed[0].OperationName = "Delete user"
	dir := t.TempDir()
	a := writeDemo(t, dir, formats.FormatLANDJSON, recs)
	b := filepath.Join(dir, "b.json")
	if err := store.WriteFile(b, formats.FormatLAJSON, changed); err != nil {
		t.Fatal(err)
	}
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, a, b)
	second := rep.Files[1]
	if second.Loaded != 1 || second.Duplicates != 1 || second.Conflicts != 1 || len(second.ConflictIn) != 1 {
		t.Fatalf("second file: %+v", second)
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs WHERE Id = ?`, recs[0].Id); n != 2 {
		t.Errorf("%d rows with the conflicting Id, want 2", n)
	}
}

// A case file keeps the data: reopening needs no re-parse, loading more
// appends with the same deduplication, and record numbers survive.
func TestCaseFileReopenAndAppend(t *testing.T) {
	recs := demo.Tenant(1)
	dir := t.TempDir()
	first := writeDemo(t, dir, formats.FormatLANDJSON, recs[:1000])
	second := writeDemo(t, dir, formats.FormatDiag, recs[500:])
	casePath := filepath.Join(dir, "case.duckdb")
	s := open(t, casePath)
	load(t, s, store.LoadOptions{}, first)
	s.Close()
	os.Remove(first) // the case file must not need the export again
	s = open(t, casePath)
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 1000 {
		t.Fatalf("reopened case holds %d events", n)
	}
	rep := load(t, s, store.LoadOptions{}, second)
	if got := rep.Files[0]; got.Duplicates != 500 || got.Loaded != int64(len(recs)-1000) {
		t.Fatalf("append: %+v", got)
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != int64(len(recs)) {
		t.Errorf("%d events after append, want %d", n, len(recs))
	}
	if n := count(t, s, `SELECT max(_SourceRecord) FROM AuditLogs WHERE _SourceId = 2`); n != int64(len(recs)-500) {
		t.Errorf("last record of the second file is %d", n)
	}
	raw, err := s.RawRecord(context.Background(), 2, 3)
	if err != nil || !strings.Contains(string(raw.Raw), recs[502].Id) || raw.Line != 3 {
		t.Errorf("raw record: line %d err %v: %.100s", raw.Line, err, raw.Raw)
	}
	if _, err := s.RawRecord(context.Background(), 1, 1); err == nil {
		t.Error("a removed export should say it is no longer available")
	}
}

// gzip is read transparently, directories are walked, and a file that is not
// an export gets one clear error while the rest still loads.
func TestDirectoryGzipAndForeignFiles(t *testing.T) {
	recs := demo.Tenant(2)
	dir := t.TempDir()
	sub := filepath.Join(dir, "nested", "deeper")
	os.MkdirAll(sub, 0o755)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := formats.WriteRecords(zw, formats.FormatGraphNDJSON, recs[:300]); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	os.WriteFile(filepath.Join(sub, "audit.bin"), buf.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("shopping list\n"), 0o644)
	writeDemo(t, dir, formats.FormatLANDJSON, recs[300:600])
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, dir)
	var gz, foreign *store.FileReport
	for i := range rep.Files {
		switch {
		case strings.HasSuffix(rep.Files[i].Path, "audit.bin"):
			gz = &rep.Files[i]
		case strings.HasSuffix(rep.Files[i].Path, "notes.txt"):
			foreign = &rep.Files[i]
		}
	}
	if gz == nil || !gz.Compressed || gz.Format != formats.FormatGraphNDJSON || gz.Loaded != 300 {
		t.Errorf("gzip file: %+v", gz)
	}
	if foreign == nil || !strings.Contains(foreign.Error, "not an Entra ID audit-log export") {
		t.Errorf("foreign file: %+v", foreign)
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 600 {
		t.Errorf("%d events, want 600", n)
	}
}

// A truncated gzip says so; what came before the cut still loads.
func TestTruncatedGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	formats.WriteRecords(zw, formats.FormatLANDJSON, demo.Tenant(1))
	zw.Close()
	cut := buf.Bytes()[:buf.Len()/2]
	path := filepath.Join(t.TempDir(), "cut.ndjson.gz")
	os.WriteFile(path, cut, 0o644)
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, path)
	got := rep.Files[0]
	if !strings.Contains(got.Error, "truncated gzip") || got.Loaded == 0 {
		t.Fatalf("report %+v", got)
	}
}

// --strict stops at the first rejected record and names it.
func TestStrict(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.ndjson")
	good, _ := os.ReadFile("testdata/load/sentinel-sample.ndjson")
	os.WriteFile(path, append(good, []byte("{\"TimeGenerated\":\"soon\"}\n")...), 0o644)
	s := open(t, "")
	_, err := s.Load(context.Background(), []string{path}, store.LoadOptions{Strict: true})
	if !errors.Is(err, store.ErrStrict) || !strings.Contains(err.Error(), "bad.ndjson:5") {
		t.Fatalf("err = %v", err)
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 0 {
		t.Errorf("strict load left %d events", n)
	}
	rep := load(t, s, store.LoadOptions{}, path)
	if rep.Files[0].Rejected != 1 || rep.Files[0].Loaded != 3 {
		t.Errorf("lenient load: %+v", rep.Files[0])
	}
}

func TestReadOnlyQuery(t *testing.T) {
	s := open(t, "")
	load(t, s, store.LoadOptions{}, "testdata/load/sentinel-sample.ndjson")
	res, err := s.ReadOnlyQuery(context.Background(), `SELECT OperationName, count(*) FROM AuditLogs GROUP BY ALL ORDER BY 1`)
	if err != nil || len(res.Rows) != 3 {
		t.Fatalf("select: %v %v", err, res.Rows)
	}
	for _, q := range []string{
		`DELETE FROM _Events`, `DROP VIEW AuditLogs`, `INSERT INTO _Excluded VALUES (1,1,1,1,'x','y')`,
		`SELECT 1; DELETE FROM _Events`, `COPY _Events TO '/tmp/x.csv'`, `ATTACH ':memory:' AS m`,
		`CREATE TABLE x AS SELECT 1`, `PRAGMA enable_profiling`, `UPDATE _Sources SET Path = 'x'`,
	} {
		if _, err := s.ReadOnlyQuery(context.Background(), q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 3 {
		t.Errorf("%d events after refused writes", n)
	}
}
