package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

// Environment of the child process TestPullSurvivesKill starts.
const (
	pullHelperDB    = "GUESTHUNT_PULL_HELPER_DB"
	pullHelperStage = "GUESTHUNT_PULL_HELPER_STAGE" // pullLoadHook stage to stop at; "" for none
	pullHelperChunk = "GUESTHUNT_PULL_HELPER_CHUNK" // at the load of the n-th chunk (1-based, in time order)
)

// TestPullHelperProcess is not a test: it is the child that
// TestPullSurvivesKill kills while it loads a pull's fetched chunks.
func TestPullHelperProcess(t *testing.T) {
	db := os.Getenv(pullHelperDB)
	if db == "" {
		t.Skip("helper process for TestPullSurvivesKill")
	}
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	stage := os.Getenv(pullHelperStage)
	stopAt, _ := strconv.Atoi(os.Getenv(pullHelperChunk))
	var loading int
	s, err := Open(db)
	if err != nil {
		fail(err)
	}
	s.pullLoadHook = func(got string) {
		if got == stage && loading == stopAt {
			fmt.Println(got)
			time.Sleep(2 * time.Minute) // the parent kills us here
			os.Exit(4)
		}
	}
	fmt.Println("open")
	ctx := context.Background()
	chunks, err := s.PullChunks(ctx, 1)
	if err != nil {
		fail(err)
	}
	for i, c := range chunks {
		loading = i + 1
		if _, err := s.LoadChunk(ctx, 1, c.Seq); err != nil {
			fail(err)
		}
	}
	fmt.Println("loaded")
	os.Exit(0) // without closing: the test may kill us any moment anyway
}

// A pull's chunk loads killed (SIGKILL) inside the final transaction, right
// after it, or at any moment, then resumed by loading the chunks not loaded,
// give every event exactly once: the chunk killed before its commit is still
// fetched and none of its rows are visible; after its commit it is loaded
// and refused a second time.
func TestPullSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	type kill struct {
		stage string // "" for a kill after delay
		chunk int
		delay time.Duration
	}
	kills := []kill{{stage: "commit", chunk: 1}, {stage: "commit", chunk: 3}, {stage: "committed", chunk: 2}, {stage: "committed", chunk: 4}}
	for i := range 8 {
		kills = append(kills, kill{delay: time.Duration(i*60) * time.Millisecond})
	}
	for i, k := range kills {
		name := fmt.Sprintf("%s-chunk%d", k.stage, k.chunk)
		if k.stage == "" {
			name = fmt.Sprintf("after-%v", k.delay)
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, fmt.Sprintf("case%d.duckdb", i))
			s, err := Open(db)
			if err != nil {
				t.Fatal(err)
			}
			_, _, recs := demoPull(t, s, dir, "la", formats.FormatLAAPI, 4)
			s.Close()

			cmd, out := startHelper(t, "TestPullHelperProcess", pullHelperDB+"="+db, pullHelperStage+"="+k.stage, pullHelperChunk+"="+strconv.Itoa(k.chunk))
			defer cmd.Process.Kill()
			r := bufio.NewReader(out)
			if line, _ := r.ReadString('\n'); line != "open\n" {
				t.Fatalf("child: %q", line)
			}
			if k.stage != "" {
				if line, _ := r.ReadString('\n'); line != k.stage+"\n" {
					t.Fatalf("child: %q, want %q", line, k.stage)
				}
			} else {
				time.Sleep(k.delay)
			}
			cmd.Process.Kill() // SIGKILL: no deferred code, no Close, no checkpoint
			cmd.Wait()

			ctx := context.Background()
			s = openTestStore(t, db)
			chunks := mustChunks(t, s, 1)
			var loadedRecs int64
			for j, c := range chunks {
				if k.stage != "" {
					wantLoaded := j+1 < k.chunk || (j+1 == k.chunk && k.stage == "committed")
					if (c.State == ChunkLoaded) != wantLoaded || (!wantLoaded && c.State != ChunkFetched) {
						t.Errorf("after the kill, chunk %d is %s", c.Seq, c.State)
					}
				}
				if c.State == ChunkLoaded {
					loadedRecs += c.Rows
				}
			}
			var halfDone int64
			if err := s.DB().QueryRow(`SELECT count(*) FROM _Sources WHERE NOT Done`).Scan(&halfDone); err != nil {
				t.Fatal(err)
			}
			if k.stage == "commit" && halfDone != 1 {
				t.Errorf("killed inside the chunk's last transaction: %d sources half done, want its own", halfDone)
			}
			if halfDone > 0 {
				t.Logf("the kill interrupted a chunk's load: %d source(s) half done", halfDone)
			}
			// No half source: AuditLogs holds exactly the loaded chunks' events.
			if events, ids := auditCounts(t, s); events != loadedRecs || ids != events {
				t.Errorf("after the kill: %d events (%d Ids), want the loaded chunks' %d", events, ids, loadedRecs)
			}

			for _, c := range chunks {
				if c.State != ChunkLoaded {
					if _, err := s.LoadChunk(ctx, 1, c.Seq); err != nil {
						t.Fatalf("resume: %v", err)
					}
				}
			}
			for _, c := range mustChunks(t, s, 1) {
				if c.State != ChunkLoaded {
					t.Errorf("after the resume, chunk %d is %s", c.Seq, c.State)
				}
				if _, err := s.LoadChunk(ctx, 1, c.Seq); err == nil {
					t.Errorf("chunk %d loaded twice", c.Seq)
				}
			}
			if err := s.FinishPull(ctx, 1); err != nil {
				t.Fatal(err)
			}
			if events, ids := auditCounts(t, s); events != int64(len(recs)) || ids != events {
				t.Errorf("after the resume: %d events (%d Ids), want %d", events, ids, len(recs))
			}
			var unfinished, visibleFailed int64
			if err := s.DB().QueryRow(`SELECT count(*) FILTER (WHERE NOT Done), count(*) FILTER (WHERE Error IS NOT NULL AND Loaded > 0)
				FROM _Sources`).Scan(&unfinished, &visibleFailed); err != nil {
				t.Fatal(err)
			}
			if unfinished != 0 || visibleFailed != 0 {
				t.Errorf("%d unfinished sources, %d failed ones with events", unfinished, visibleFailed)
			}
			if sum, err := s.Summary(ctx); err != nil || sum.Events != int64(len(recs)) {
				t.Errorf("summary %+v %v", sum, err)
			}
		})
	}
}
