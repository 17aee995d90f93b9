package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/formats"
)

func openTestStore(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func loadPaths(t *testing.T, s *Store, paths ...string) LoadReport {
	t.Helper()
	rep, err := s.Load(context.Background(), paths, LoadOptions{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return rep
}

func TestLoadSentinelSample(t *testing.T) {
	s := openTestStore(t, "")
	rep := loadPaths(t, s, "testdata/load/sentinel-sample.ndjson")
	f := rep.Files[0]
	if f.Format != formats.FormatLANDJSON || f.Via != "duckdb" || f.Records != 4 || f.Loaded != 3 || f.Duplicates != 1 || f.Rejected != 0 {
		t.Fatalf("report: %+v", f)
	}
	var op string
	var rec int64
	if err := s.DB().QueryRow(`SELECT OperationName, _SourceRecord FROM AuditLogs WHERE Id LIKE 'Directory_10065ffb%'`).Scan(&op, &rec); err != nil {
		t.Fatal(err)
	}
	if op != "Update application – Certificates and secrets management " || rec != 1 {
		t.Errorf("got %q record %d", op, rec)
	}
	raw, err := s.RawRecord(context.Background(), f.SourceID, 4)
	if err != nil {
		t.Fatal(err)
	}
	if raw.Line != 4 || !strings.Contains(string(raw.Raw), "Add delegated permission grant") {
		t.Errorf("raw record 4: line %d %.80s", raw.Line, raw.Raw)
	}
}

func TestLoadFallsBackToGoReaderOnBadLines(t *testing.T) {
	dir := t.TempDir()
	src, _ := os.ReadFile("testdata/load/sentinel-sample.ndjson")
	lines := strings.Split(strings.TrimSpace(string(src)), "\n")
	bad := lines[0] + "\n\n{not json\n" + lines[2] + "\n" + `{"TimeGenerated":"yesterday","Id":"x"}` + "\n" + lines[3] + "\n"
	path := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(path, []byte(bad), 0o600)
	s := openTestStore(t, "")
	rep := loadPaths(t, s, path)
	f := rep.Files[0]
	if f.Via != "go" || f.Records != 5 || f.Loaded != 3 || f.Rejected != 2 {
		t.Fatalf("report: %+v", f)
	}
	if f.Rejections[0].Line != 3 || f.Rejections[1].Line != 5 {
		t.Errorf("rejection lines: %+v", f.Rejections)
	}
	var n int64
	s.DB().QueryRow(`SELECT max(_SourceRecord) FROM AuditLogs`).Scan(&n)
	if n != 5 {
		t.Errorf("last record number %d, want 5", n)
	}
}
