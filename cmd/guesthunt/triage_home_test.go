package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
)

const jonasUPN = "jonas.berg@northwindtraders.example"

var jonas = triage.Subject{Kind: triage.SubjectInviter, Key: jonasUPN}

// rawSession opens paths as the workbench does without --db and decides the
// verdicts' home; the caller closes the store.
func rawSession(t *testing.T, paths ...string) (*dataset, string, bool) {
	t.Helper()
	ds, err := openDataset(context.Background(), streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard}, dataFlags{}, paths, true)
	if err != nil {
		t.Fatal(err)
	}
	loc, durable := triageHome(context.Background(), ds, dataFlags{}, paths)
	return ds, loc, durable
}

func demoExport(t *testing.T) string {
	t.Helper()
	export := filepath.Join(t.TempDir(), "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", export); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	return export
}

// TestRawVerdictsFollowContent: verdicts on raw exports are found again
// through a symlink and after the file moved, because they are keyed to its
// content.
func TestRawVerdictsFollowContent(t *testing.T) {
	t.Setenv(triage.StateDirEnv, t.TempDir())
	export := demoExport(t)
	ds, loc, durable := rawSession(t, export)
	if !durable || !strings.HasSuffix(loc, ".duckdb") {
		t.Fatalf("first session: %q durable %v", loc, durable)
	}
	saved, err := newVerdictStore(ds).SetVerdict(context.Background(), jonas, triage.VerdictMalicious, 0, "ana")
	ds.store.Close()
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "via-link.ndjson")
	if err := os.Symlink(export, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	moved := filepath.Join(t.TempDir(), "moved.ndjson")
	// In this order: the move breaks the symlink (a map's order made this flaky).
	for _, c := range []struct{ name, path string }{{"symlink", link}, {"moved", moved}} {
		name, path := c.name, c.path
		if name == "moved" {
			if err := os.Rename(export, moved); err != nil {
				t.Fatal(err)
			}
		}
		ds, l, durable := rawSession(t, path)
		all, err := newVerdictStore(ds).All(context.Background())
		ds.store.Close()
		if err != nil || l != loc || !durable || all[jonas] != saved {
			t.Errorf("%s: %q durable %v verdicts %v (%v), want %+v in %q", name, l, durable, all, err, saved, loc)
		}
	}
}

// holderEnv names the export TestVerdictFileHolder opens.
const holderEnv = "GUESTHUNT_TEST_HOLD_EXPORT"

// TestVerdictFileHolder is not a test: it is the first workbench that
// TestSecondWorkbenchIsNotDurable starts in another process (DuckDB's file
// lock is per process). It opens the export, says so, and waits to be killed.
func TestVerdictFileHolder(t *testing.T) {
	export := os.Getenv(holderEnv)
	if export == "" {
		t.Skip("helper process for TestSecondWorkbenchIsNotDurable")
	}
	_, loc, durable := rawSession(t, export)
	if !durable {
		fmt.Println("error:", loc)
		os.Exit(3)
	}
	fmt.Println("held")
	time.Sleep(2 * time.Minute)
	os.Exit(4)
}

// TestSecondWorkbenchIsNotDurable: a second workbench on the same exports
// cannot have the verdict file the first holds, and must say its verdicts
// are not saved (the workbench then calls none of them saved).
func TestSecondWorkbenchIsNotDurable(t *testing.T) {
	t.Setenv(triage.StateDirEnv, t.TempDir())
	export := demoExport(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestVerdictFileHolder$")
	cmd.Env = append(os.Environ(), holderEnv+"="+export)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "held" {
		t.Fatalf("first workbench: %q %v", line, err)
	}
	second, loc, durable := rawSession(t, export)
	defer second.store.Close()
	st := newVerdictStore(second)
	if durable || st.Durable() || !strings.HasPrefix(loc, "not saved: ") {
		t.Fatalf("second session: %q durable %v/%v", loc, durable, st.Durable())
	}
	t.Logf("second session says: %s", loc)
	// Saves still work, for this session only: the store says so.
	if _, err := st.SetVerdict(context.Background(), jonas, triage.VerdictMalicious, 0, "ana"); err != nil {
		t.Fatal(err)
	}
}

// cat export | guesthunt - finds the verdicts recorded for the same bytes,
// piped again or read from the file (keyed by content, not by "-").
func TestStdinVerdictsFollowContent(t *testing.T) {
	t.Setenv(triage.StateDirEnv, t.TempDir())
	export := demoExport(t)
	raw, err := os.ReadFile(export)
	if err != nil {
		t.Fatal(err)
	}
	piped := func() (*dataset, string, bool) {
		t.Helper()
		ds, err := openDataset(context.Background(), streams{in: bytes.NewReader(raw), out: io.Discard, err: io.Discard}, dataFlags{}, []string{"-"}, true)
		if err != nil {
			t.Fatal(err)
		}
		loc, durable := triageHome(context.Background(), ds, dataFlags{}, []string{"-"})
		return ds, loc, durable
	}
	ds, loc, durable := piped()
	if !durable || !strings.HasSuffix(loc, ".duckdb") {
		t.Fatalf("piped: %q durable %v", loc, durable)
	}
	if _, err := newVerdictStore(ds).SetVerdict(context.Background(), jonas, triage.VerdictMalicious, 0, "ana"); err != nil {
		t.Fatal(err)
	}
	ds.store.Close()
	for _, again := range []func() (*dataset, string, bool){piped, func() (*dataset, string, bool) { return rawSession(t, export) }} {
		ds, l, _ := again()
		all, err := ds.store.Triages(context.Background())
		ds.store.Close()
		if err != nil {
			t.Fatal(err)
		}
		if l != loc || all[jonas].Verdict != triage.VerdictMalicious {
			t.Fatalf("again: %q (want %q), verdict %q", l, loc, all[jonas].Verdict)
		}
	}
}
