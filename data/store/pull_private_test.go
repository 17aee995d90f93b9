//go:build unix

package store

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/guesthunt/guesthunt/data/demo"
)

func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// A case file the store creates, and its write-ahead log whenever DuckDB
// makes it anew, are the owner's alone; a file someone made readable to
// others keeps its permissions.
func TestCaseFilesArePrivate(t *testing.T) {
	old := syscall.Umask(0o022) // what DuckDB's 0666 becomes 0644 under
	defer syscall.Umask(old)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "case.duckdb")
	wal := path + ".wal"
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := perm(t, path); got != 0o600 {
		t.Fatalf("new case file: %v", got)
	}
	recs := demo.Tenant(1)[:50]
	if _, err := s.LoadRecords(ctx, "demo", recs); err != nil {
		t.Fatal(err)
	}
	if got := perm(t, wal); got != 0o600 {
		t.Fatalf("write-ahead log after a load: %v", got)
	}
	// A checkpoint deletes the log; the next commit makes it anew.
	if _, err := s.DB().Exec(`CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(wal); !os.IsNotExist(err) {
		t.Logf("the log outlived the checkpoint (%v): the test checks its mode all the same", err)
	}
	if _, err := s.CreatePull(ctx, testPull("la", at(0), at(1e9)), plan(at(0), at(1e9))); err != nil {
		t.Fatal(err)
	}
	if got := perm(t, wal); got != 0o600 {
		t.Fatalf("write-ahead log after a journal write: %v", got)
	}
	s.Close()

	// Reopened: still private, and so is the next log.
	s = openTestStore(t, path)
	if _, err := s.LoadRecords(ctx, "demo again", demo.Tenant(2)[:50]); err != nil {
		t.Fatal(err)
	}
	if got, gotWAL := perm(t, path), perm(t, wal); got != 0o600 || gotWAL != 0o600 {
		t.Fatalf("reopened: file %v, log %v", got, gotWAL)
	}
	s.Close()

	// Shared on purpose: left alone.
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	s = openTestStore(t, path)
	if _, err := s.LoadRecords(ctx, "demo 3", demo.Tenant(3)[:50]); err != nil {
		t.Fatal(err)
	}
	if got := perm(t, path); got != 0o640 {
		t.Fatalf("a shared case file became %v", got)
	}
}
