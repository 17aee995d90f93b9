package live

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// Environment of the child process TestPullKilledThenResumed starts.
const (
	killHelperDB    = "GUESTHUNT_LIVE_KILL_DB"
	killHelperStage = "GUESTHUNT_LIVE_KILL_STAGE" // midbody, spooled, committed
	killHelperChunk = "GUESTHUNT_LIVE_KILL_CHUNK" // the n-th chunk request, spool or load (1-based)
)

// killPull is the invites pull of the fake workspace's day both processes
// run: the child until it dies, the parent to resume it.
func killPull() store.Pull {
	return store.Pull{Source: "la", Target: fakeWorkspace, Cloud: "public", Scope: string(ScopeInvites), From: fakeFrom, To: fakeTo}
}

// dieNow is kill -9 of this very process at a chosen point: nothing after
// it runs, no deferred call, no flush, no close.
func dieNow(stage string) {
	fmt.Println("dying:", stage)
	os.Stdout.Sync()
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	time.Sleep(time.Minute)
}

// killJournal is the case file, with the process killed right after the
// n-th spool file is renamed into place (before the plan records it) or
// right after the n-th chunk's load transaction commits.
type killJournal struct {
	*store.Store
	stage   string
	n       int
	fetched int
	loaded  int
}

func (j *killJournal) MarkFetched(ctx context.Context, pullID, seq int64, rawPath, sha string, rows, bytes int64) error {
	j.fetched++
	if j.stage == "spooled" && j.fetched == j.n {
		dieNow("spooled " + rawPath)
	}
	return j.Store.MarkFetched(ctx, pullID, seq, rawPath, sha, rows, bytes)
}

func (j *killJournal) LoadChunk(ctx context.Context, pullID, seq int64) (store.FileReport, error) {
	fr, err := j.Store.LoadChunk(ctx, pullID, seq)
	j.loaded++
	if err == nil && j.stage == "committed" && j.loaded == j.n {
		dieNow("committed")
	}
	return fr, err
}

// TestPullKillHelper is not a test: it is the child TestPullKilledThenResumed
// kills. It serves the fake workspace itself and pulls from it into the
// case file, one chunk at a time, and dies (SIGKILL) at the stage asked.
func TestPullKillHelper(t *testing.T) {
	db := os.Getenv(killHelperDB)
	if db == "" {
		t.Skip("helper process for TestPullKilledThenResumed")
	}
	stage := os.Getenv(killHelperStage)
	n, _ := strconv.Atoi(os.Getenv(killHelperChunk))
	f := newFakeLA(t)
	var chunks int
	f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if stage != "midbody" || q.Kind != "chunk" {
			return false
		}
		if chunks++; chunks < n {
			return false
		}
		// Half a response on the wire, then the process is gone.
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"tables":[{"name":"PrimaryResult","columns":[{"name":"TenantId","type":"string"}],"rows":[["x"],`))
		w.(http.Flusher).Flush()
		dieNow("midbody")
		return true
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	clock := newLAClock()
	j := &killJournal{Store: st, stage: stage, n: n}
	_, err = PullLA(context.Background(), j, f.client(), killPull(),
		PullOptions{SpoolDir: db + ".pulls", Concurrency: 1, ChunkRows: 20, Now: time.Now, Sleep: clock.Sleep})
	fmt.Println("finished without dying:", err)
	os.Exit(5)
}

// kill -9 at four points of a pull, then the same pull again: every event
// the workspace holds in the span is in AuditLogs exactly once, no chunk
// loaded before the kill is asked for again, and the pull is complete.
// The four points: mid-body (the response half received), right after a
// spool file is renamed into place (the plan does not know it yet), inside
// a chunk's load transaction (data/store's TestPullSurvivesKill kills there,
// at the store's hook), and right after a chunk's load commits.
func TestPullKilledThenResumed(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	for _, tc := range []struct {
		stage string
		n     int
	}{{"midbody", 1}, {"midbody", 3}, {"spooled", 1}, {"spooled", 4}, {"committed", 1}, {"committed", 3}} {
		t.Run(fmt.Sprintf("%s-%d", tc.stage, tc.n), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "case.duckdb")
			cmd := exec.Command(os.Args[0], "-test.run=^TestPullKillHelper$", "-test.v")
			cmd.Env = append(os.Environ(), killHelperDB+"="+db, killHelperStage+"="+tc.stage, killHelperChunk+"="+strconv.Itoa(tc.n))
			out, err := cmd.Output()
			died := false
			if ee, ok := err.(*exec.ExitError); ok {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
					died = true
				}
			}
			if !died || !strings.Contains(string(out), "dying: "+tc.stage) {
				t.Fatalf("the child did not die at %s: %v\n%s", tc.stage, err, out)
			}

			st, err := store.Open(db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			loadedBefore := map[[2]time.Time]bool{}
			if prev, ok, err := st.FindPull(ctx, killPull()); err != nil {
				t.Fatal(err)
			} else if ok {
				chunks, err := st.PullChunks(ctx, prev.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range chunks {
					if c.State == store.ChunkLoaded {
						loadedBefore[[2]time.Time{c.From, c.To}] = true
					}
				}
			}
			if tc.stage == "committed" && len(loadedBefore) != tc.n {
				t.Errorf("%d chunks loaded before the kill, want %d", len(loadedBefore), tc.n)
			}

			f := newFakeLA(t)
			clock := newLAClock()
			sum, err := PullLA(ctx, st, f.client(), killPull(),
				PullOptions{SpoolDir: db + ".pulls", ChunkRows: 20, Now: time.Now, Sleep: clock.Sleep})
			if err != nil || sum.Incomplete {
				t.Fatalf("resume: %v %+v", err, sum)
			}
			for _, q := range f.log() {
				if q.Kind == "chunk" && loadedBefore[[2]time.Time{q.From, q.To}] {
					t.Errorf("chunk [%s, %s) was loaded before the kill and asked for again", q.From, q.To)
				}
			}
			want := f.inside(fakeFrom, fakeTo, ScopeInvites)
			rows, err := st.DB().QueryContext(ctx, `SELECT Id, count(*) FROM AuditLogs GROUP BY Id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			got := 0
			for rows.Next() {
				var id string
				var n int
				if err := rows.Scan(&id, &n); err != nil {
					t.Fatal(err)
				}
				got++
				if n != 1 || !want[id] {
					t.Errorf("event %s: %d times in AuditLogs (expected in the pull: %v)", id, n, want[id])
				}
			}
			if got != len(want) {
				t.Errorf("%d events in AuditLogs, %d in the workspace's span", got, len(want))
			}
			pulls, err := st.Pulls(ctx)
			if err != nil || len(pulls) != 1 || !pulls[0].Complete {
				t.Errorf("pull status after the resume: %+v %v", pulls, err)
			}
			if left, _ := filepath.Glob(filepath.Join(db+".pulls", ".*.tmp")); len(left) > 0 {
				t.Logf("temporary spool files left by the kill (harmless, never loaded): %v", left)
			}
		})
	}
}
