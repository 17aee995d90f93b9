package store

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
)

// Environment of the child process TestLoadSurvivesKillAnywhere starts.
const (
	loadHelperDB   = "GUESTHUNT_LOAD_HELPER_DB"
	loadHelperFile = "GUESTHUNT_LOAD_HELPER_FILE"
)

// TestLoadHelperProcess is not a test: it is the child that
// TestLoadSurvivesKillAnywhere kills while it loads.
func TestLoadHelperProcess(t *testing.T) {
	db := os.Getenv(loadHelperDB)
	if db == "" {
		t.Skip("helper process for TestLoadSurvivesKillAnywhere")
	}
	s, err := Open(db)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("open")
	if _, err := s.Load(context.Background(), []string{os.Getenv(loadHelperFile)}, LoadOptions{}); err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("loaded")
	os.Exit(0) // without closing: the test may kill us any moment anyway
}

// A load killed (SIGKILL) at any moment, followed by the same load, gives
// exactly the file's events: the half-done load is set aside and said so,
// never counted as a file, never a source of duplicates.
func TestLoadSurvivesKillAnywhere(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	recs := demo.Tenant(1)
	dir := t.TempDir()
	file := filepath.Join(dir, "export.ndjson")
	if err := WriteFile(file, formats.FormatLANDJSON, recs); err != nil {
		t.Fatal(err)
	}
	var interrupted int
	// Delays after the child has opened the case file: the load itself
	// takes a few hundred milliseconds, so these land all over it.
	for i := range 16 {
		delay := time.Duration(i*15) * time.Millisecond
		db := filepath.Join(dir, fmt.Sprintf("case%d.duckdb", i))
		cmd, out := startHelper(t, "TestLoadHelperProcess", loadHelperDB+"="+db, loadHelperFile+"="+file)
		line, _ := bufio.NewReader(out).ReadString('\n')
		if line != "open\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child: %q", line)
		}
		time.Sleep(delay)
		cmd.Process.Kill()
		cmd.Wait()

		s, err := Open(db)
		if err != nil {
			t.Fatalf("kill after %v ms: reopen: %v", delay, err)
		}
		before, err := s.IncompleteFiles(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		rep, err := s.Load(context.Background(), []string{file}, LoadOptions{})
		if err != nil {
			t.Fatalf("kill after %v ms: reload: %v", delay, err)
		}
		if len(before) > 0 {
			interrupted++
			if len(rep.Repaired) == 0 {
				t.Errorf("kill after %v ms: an interrupted load was found but the report says nothing", delay)
			}
		}
		var events, distinct int64
		if err := s.DB().QueryRow(`SELECT count(*), count(DISTINCT Id) FROM AuditLogs`).Scan(&events, &distinct); err != nil {
			t.Fatal(err)
		}
		if events != int64(len(recs)) || distinct != int64(len(recs)) {
			t.Errorf("kill after %v ms, then the same load: %d events (%d Ids), want %d", delay, events, distinct, len(recs))
		}
		sum, err := s.Summary(context.Background())
		if err != nil || sum.Events != int64(len(recs)) {
			t.Errorf("kill after %v ms: summary %+v %v", delay, sum, err)
		}
		s.Close()
	}
	t.Logf("%d of the kills interrupted a load", interrupted)
}

// startHelper runs this test binary as a child that runs only the test
// named test, with env added to its environment, and returns it with its
// standard output; its standard error is the test's.
func startHelper(t *testing.T, test string, env ...string) (*exec.Cmd, io.ReadCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}
