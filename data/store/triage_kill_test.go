package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Environment of the child process TestTriageSurvivesKill starts.
const (
	helperEnvPath = "GUESTHUNT_TRIAGE_HELPER_PATH" // the file to write the verdict to
	helperEnvMode = "GUESTHUNT_TRIAGE_HELPER_MODE" // "db": a case file; "attach": in memory + attached file
)

// TestTriageHelperProcess is not a test: it is the child that
// TestTriageSurvivesKill kills. It saves one verdict, says so, and waits to
// be killed, never closing the database.
func TestTriageHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnvPath)
	if path == "" {
		t.Skip("helper process for TestTriageSurvivesKill")
	}
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	ctx := context.Background()
	var s *Store
	var err error
	if os.Getenv(helperEnvMode) == "attach" {
		if s, err = Open(""); err == nil {
			err = s.AttachTriage(ctx, path)
		}
	} else {
		s, err = Open(path)
	}
	if err != nil {
		fail(err)
	}
	if _, err := s.SetTriage(ctx, Triage{Subject: alice, Verdict: VerdictMalicious, Note: "kill -9 me", Analyst: "child"}); err != nil {
		fail(err)
	}
	fmt.Println("saved")
	time.Sleep(2 * time.Minute)
	os.Exit(4) // the parent should have killed us long before
}

func TestTriageSurvivesKill(t *testing.T) {
	for _, mode := range []string{"db", "attach"} {
		t.Run(mode, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "case.duckdb")
			cmd, out := startHelper(t, "TestTriageHelperProcess", helperEnvPath+"="+path, helperEnvMode+"="+mode)
			defer cmd.Process.Kill()
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			timeout := time.After(60 * time.Second)
		wait:
			for {
				select {
				case line, ok := <-lines:
					if !ok {
						t.Fatal("child exited without saving")
					}
					if line == "saved" {
						break wait
					}
					if strings.HasPrefix(line, "error:") {
						t.Fatal(line)
					}
				case <-timeout:
					t.Fatal("child did not save within 60 s")
				}
			}
			if err := cmd.Process.Kill(); err != nil { // SIGKILL: no deferred code, no Close, no checkpoint
				t.Fatal(err)
			}
			cmd.Wait()
			if fi, err := os.Stat(path + ".wal"); err == nil {
				t.Logf("write-ahead log left by the killed child: %d bytes", fi.Size())
			}

			if mode == "db" {
				// A reader after the crash sees the verdict (DuckDB replays the
				// log in memory) and leaves file and log as they were.
				state := func() string {
					b, _ := os.ReadFile(path)
					w, _ := os.ReadFile(path + ".wal")
					return fmt.Sprintf("%x/%x", sha256.Sum256(b), sha256.Sum256(w))
				}
				before := state()
				ro, err := OpenReadOnly(path)
				if err != nil {
					t.Fatalf("read-only open after the crash: %v", err)
				}
				got, err := ro.Triages(context.Background())
				ro.Close()
				if err != nil || got[alice].Note != "kill -9 me" {
					t.Errorf("read-only open after the crash: %v %+v", err, got)
				}
				if state() != before {
					t.Error("read-only open changed the case file or its log")
				}
			}

			var s *Store
			if mode == "attach" {
				s = openTestStore(t, "")
				if err := s.AttachTriage(context.Background(), path); err != nil {
					t.Fatal(err)
				}
			} else {
				s = openTestStore(t, path)
			}
			got := mustTriages(t, s)[alice]
			if got.Verdict != VerdictMalicious || got.Note != "kill -9 me" || got.Analyst != "child" || got.Seq != 1 {
				t.Errorf("after kill -9: %+v", got)
			}
		})
	}
}
