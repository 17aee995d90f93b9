package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestServingSidecarRoundTrip(t *testing.T) {
	db := filepath.Join(t.TempDir(), "case.duckdb")
	want := servingRecord{Address: "127.0.0.1:2222", PID: 4242, Started: time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)}
	remove, err := writeServing(db, want)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db + ".serving")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("sidecar %v %v, want mode 0600", fi, err)
	}
	got, err := readServing(db)
	if err != nil || got.Address != want.Address || got.PID != want.PID || !got.Started.Equal(want.Started) {
		t.Fatalf("read %+v %v, want %+v", got, err, want)
	}
	if err := remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(db + ".serving"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("sidecar left behind: %v", err)
	}
	if err := remove(); err != nil {
		t.Errorf("removing twice: %v", err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(db), "*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A symlink planted at the sidecar's name is replaced, never written through.
func TestServingSidecarReplacesSymlink(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "case.duckdb")
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, db+".serving"); err != nil {
		t.Skip("no symlinks here:", err)
	}
	remove, err := writeServing(db, servingRecord{Address: "127.0.0.1:2222", PID: 1, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the symlink's target was written: %q", b)
	}
}

func TestReadServingRefusesJunk(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"missing fields": `{"address":""}`,
		"not json":       "serving at 127.0.0.1",
		"bad pid":        `{"address":"x:1","pid":-3}`,
		"oversized":      `{"address":"` + strings.Repeat("a", maxServingBytes) + `","pid":1}`,
	} {
		db := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if err := os.WriteFile(db+".serving", []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if rec, err := readServing(db); err == nil {
			t.Errorf("%s: read %+v", name, rec)
		}
	}
	if _, err := readServing(filepath.Join(dir, "none")); err == nil {
		t.Error("a missing sidecar was read")
	}
}

// duckLockError is DuckDB's refusal as the driver words it.
func duckLockError(path string, pid int) error {
	return fmt.Errorf(`open case file %s: database/sql/driver: could not connect to database: IO Error: Could not set lock on file "%s": Conflicting lock is held in /usr/bin/guesthunt (PID %d) by user root. See also https://duckdb.org/docs/stable/connect/concurrency`, path, path, pid)
}

func TestExplainLock(t *testing.T) {
	db := filepath.Join(t.TempDir(), "case.duckdb")
	plain := plainError(duckLockError(db, 4242))
	if got := plainError(explainLock(duckLockError(db, 4242))); got != plain {
		t.Errorf("no sidecar: %q, want %q", got, plain)
	}
	remove, err := writeServing(db, servingRecord{Address: "10.0.0.5:2222", PID: 4242, Started: time.Date(2026, 11, 29, 23, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	got := plainError(explainLock(duckLockError(db, 4242)))
	for _, want := range []string{"is held by guesthunt serve at 10.0.0.5:2222", "process 4242", "2026-11-29T23:00:00Z", `"ssh -p 2222 10.0.0.5 hunt"`, "stop that server"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	// A sidecar left by a server that is gone names another process: not believed.
	if got := plainError(explainLock(duckLockError(db, 777))); strings.Contains(got, "guesthunt serve") {
		t.Errorf("stale sidecar believed: %q", got)
	}
	if err := explainLock(errors.New("disk full")); err.Error() != "disk full" {
		t.Errorf("other errors changed: %v", err)
	}
	if explainLock(nil) != nil {
		t.Error("nil is not nil")
	}
}

func TestSSHHint(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:2222":  "ssh -p 2222 127.0.0.1 hunt",
		"0.0.0.0:2222":    "ssh -p 2222 SERVER hunt",
		"[::]:2200":       "ssh -p 2200 SERVER hunt",
		":2222":           "ssh -p 2222 SERVER hunt",
		"[::1]:2222":      "ssh -p 2222 ::1 hunt",
		"host.example:22": "ssh host.example hunt",
		"garbage":         "ssh SERVER hunt",
	} {
		if got := sshHint(addr, "hunt"); got != want {
			t.Errorf("%q: %q, want %q", addr, got, want)
		}
	}
}

// A case file a server holds (here another process holding the lock, with
// the sidecar a server writes) is named with the server's address by the
// commands that open it locally.
func TestCaseFileHeldByServer(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "case.duckdb")
	demo := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", demo); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	if r := runCLI(t, "", "load", demo, "--db", db); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldCaseFile$")
	cmd.Env = append(os.Environ(), "GUESTHUNT_HOLD_DB="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 5)
	if _, err := out.Read(buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("holder: %q %v", buf, err)
	}
	remove, err := writeServing(db, servingRecord{Address: "127.0.0.1:2222", PID: cmd.Process.Pid, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	for _, args := range [][]string{{"hunt", "--db", db}, {"load", demo, "--db", db}} {
		r := runCLI(t, "", args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "is held by guesthunt serve at 127.0.0.1:2222") ||
			!strings.Contains(r.stderr, "ssh -p 2222 127.0.0.1 hunt") || strings.Contains(r.stderr, "database/sql") {
			t.Errorf("%v: exit %d: %s", args[0], r.code, r.stderr)
		}
		t.Logf("%s says: %s", args[0], r.stderr)
	}
}
