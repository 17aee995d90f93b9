package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

func TestPlainError(t *testing.T) {
	for in, want := range map[error]string{
		fmt.Errorf("load: %w", context.Canceled): "interrupted",
		errors.New(`open case file /x/case.duckdb: database/sql/driver: could not connect to database: IO Error: Could not set lock on file "/x/case.duckdb": Conflicting lock is held in /usr/bin/guesthunt (PID 4242) by user root. See also https://duckdb.org/docs/stable/connect/concurrency`): "the case file /x/case.duckdb is open in another guesthunt (process 4242)",
		errors.New("write /tmp/x: no space left on device"): "the disk is full",
	} {
		if got := plainError(in); !strings.Contains(got, want) || strings.Contains(got, "database/sql/driver") {
			t.Errorf("%v: %q, want %q", in, got, want)
		}
	}
}

// A case file another process holds open is named as such, with its PID.
func TestCaseFileHeldByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "case.duckdb")
	demo := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", demo); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	if r := runCLI(t, "", "load", demo, "--db", db); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	// Another process (this test binary, running TestHoldCaseFile) holds
	// the file for writing.
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
	r := runCLI(t, "", "load", demo, "--db", db)
	if r.code == exitOK || !strings.Contains(r.stderr, "is open in another guesthunt (process") || strings.Contains(r.stderr, "database/sql") {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}

// TestHoldCaseFile is not a test: it is the process that holds the case
// file in TestCaseFileHeldByAnotherProcess.
func TestHoldCaseFile(t *testing.T) {
	db := os.Getenv("GUESTHUNT_HOLD_DB")
	if db == "" {
		t.Skip("helper process")
	}
	st, err := store.Open(db)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	defer st.Close()
	fmt.Print("held\n")
	time.Sleep(time.Minute)
}
