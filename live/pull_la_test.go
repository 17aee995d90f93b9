package live

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// pullRig is a fake workspace, an in-memory case file and a fake clock.
type pullRig struct {
	f     *fakeLA
	j     *memJournal
	clock *laClock
	dir   string
	c     *LAClient
	mu    sync.Mutex
	notes []string
}

func newPullRig(t *testing.T) *pullRig {
	f := newFakeLA(t)
	return &pullRig{f: f, j: newMemJournal(), clock: newLAClock(), dir: filepath.Join(t.TempDir(), "case.pulls"), c: f.client()}
}

func (r *pullRig) pull(ctx context.Context, s Scope, opt PullOptions) (Summary, error) {
	opt.Now, opt.Sleep, opt.SpoolDir = r.clock.Now, r.clock.Sleep, r.dir
	if opt.Progress == nil {
		opt.Progress = func(p Progress) {
			r.mu.Lock()
			r.notes = append(r.notes, p.Note)
			r.mu.Unlock()
		}
	}
	p := store.Pull{Source: "la", Target: fakeWorkspace, Cloud: "public", Scope: string(s), From: fakeFrom, To: fakeTo}
	return PullLA(ctx, r.j, r.c, p, opt)
}

// exactlyOnce checks the case file holds every event of the scope once,
// and nothing else.
func (r *pullRig) exactlyOnce(t *testing.T, s Scope) {
	t.Helper()
	want := r.f.inside(fakeFrom, fakeTo, s)
	r.j.mu.Lock()
	defer r.j.mu.Unlock()
	for id, n := range r.j.ids {
		if n != 1 || !want[id] {
			t.Errorf("event %s loaded %d times (wanted: %v)", id, n, want[id])
		}
	}
	for id := range want {
		if r.j.ids[id] == 0 {
			t.Errorf("event %s was not loaded", id)
		}
	}
}

// chunkRequests are the chunk queries the fake saw, from request n on.
func (r *pullRig) chunkRequests(from int) []laRequest {
	var out []laRequest
	for _, q := range r.f.log() {
		if q.Kind == "chunk" && q.N >= from {
			out = append(out, q)
		}
	}
	return out
}

func TestPullLAExactlyOnce(t *testing.T) {
	for _, c := range []struct {
		scope     Scope
		chunkRows int64
	}{
		{ScopeInvites, 5},    // hours over budget: minute histograms, small chunks, no split
		{ScopeInvites, 1000}, // one big chunk: the fake cuts it (PartialError), the pull bisects
		{ScopeTrail, 1000},
		{ScopeAll, 25},
	} {
		t.Run(fmt.Sprintf("%s-%d", c.scope, c.chunkRows), func(t *testing.T) {
			r := newPullRig(t)
			sum, err := r.pull(context.Background(), c.scope, PullOptions{ChunkRows: c.chunkRows})
			if err != nil {
				t.Fatal(err)
			}
			r.exactlyOnce(t, c.scope)
			if !sum.Pull.Complete || sum.Incomplete || sum.Loaded != sum.Chunks || int(sum.Rows) != len(r.f.inside(fakeFrom, fakeTo, c.scope)) {
				t.Errorf("summary %+v", sum)
			}
			if !r.j.pulls[0].Complete {
				t.Error("the journal's pull is not finished")
			}
			seen := map[string]bool{}
			for _, q := range r.chunkRequests(0) {
				if seen[q.KQL] {
					t.Errorf("chunk query sent twice: %s", q.KQL)
				}
				seen[q.KQL] = true
			}
			// Some chunk edges have an event exactly on them and one a tick
			// before: each landed once, in its own chunk.
			at := map[time.Time]bool{}
			for _, e := range r.f.events {
				if inScope(e.op, c.scope) {
					at[e.at] = true
				}
			}
			edges := 0
			for _, ch := range r.j.chunks[sum.Pull.ID] {
				if at[ch.From] && at[ch.From.Add(-100)] {
					edges++
				}
			}
			if c.scope == ScopeInvites && c.chunkRows == 5 && edges == 0 {
				t.Error("no chunk edge fell between two events a tick apart: the boundary case went untested")
			}
			t.Logf("%d chunks, %d edges between events a tick apart, %d splits", len(r.j.chunks[sum.Pull.ID]), edges, sum.Splits)
			minutes := false
			for _, q := range r.f.log() {
				minutes = minutes || q.BinMinutes
			}
			if c.chunkRows == 5 && (!minutes || sum.Splits != 0) {
				t.Errorf("minute histograms %v, splits %d", minutes, sum.Splits)
			}
			if c.chunkRows == 1000 && sum.Splits == 0 {
				t.Error("no chunk was split although the fake cut answers at 40 rows")
			}
			// No spool file holds a partial answer.
			files, _ := filepath.Glob(filepath.Join(r.dir, "*.json.gz"))
			for _, ch := range r.j.chunks[sum.Pull.ID] {
				if ch.State != store.ChunkLoaded || !VerifySpool(ch.RawPath, ch.Sha256) {
					t.Errorf("chunk %d: %s, spool verifies %v", ch.Seq, ch.State, VerifySpool(ch.RawPath, ch.Sha256))
				}
			}
			if len(files) < len(r.j.chunks[sum.Pull.ID]) {
				t.Errorf("%d spool files for %d chunks", len(files), len(r.j.chunks[sum.Pull.ID]))
			}
		})
	}
}

// A 504 is split, never sent again as it was.
func TestPullLA504Bisected(t *testing.T) {
	r := newPullRig(t)
	var mu sync.Mutex
	timedOut := map[string]bool{}
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if q.Kind != "chunk" || q.To.Sub(q.From) <= 3*time.Hour {
			return false
		}
		mu.Lock()
		timedOut[q.KQL] = true
		mu.Unlock()
		writeError(w, http.StatusGatewayTimeout, "GatewayTimeout", "The query ran past its time limit")
		return true
	}
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 35})
	if err != nil {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeInvites)
	if len(timedOut) == 0 || sum.Splits < len(timedOut) {
		t.Fatalf("%d timeouts, %d splits", len(timedOut), sum.Splits)
	}
	count := map[string]int{}
	for _, q := range r.chunkRequests(0) {
		count[q.KQL]++
	}
	for kql := range timedOut {
		if count[kql] != 1 {
			t.Errorf("a query that timed out was sent %d times:\n%s", count[kql], kql)
		}
	}
}

// Throttling: every pause follows Retry-After (whole, fractional, long),
// or 30 s doubling when the service names none.
func TestPullLAThrottled(t *testing.T) {
	r := newPullRig(t)
	afters := []string{"1", "2.128", "120", "", ""}
	var mu sync.Mutex
	n := 0
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if q.Kind != "chunk" {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if n >= len(afters) {
			return false
		}
		if afters[n] != "" {
			w.Header().Set("Retry-After", afters[n])
		}
		n++
		writeError(w, http.StatusTooManyRequests, "ThrottledError", "Your request was throttled")
		return true
	}
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 40, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeInvites)
	if sum.Throttled != len(afters) {
		t.Errorf("throttled %d times, want %d", sum.Throttled, len(afters))
	}
	var pauses []time.Duration
	for _, d := range r.clock.slept() {
		if d != queryInterval && d > 0 {
			pauses = append(pauses, d)
		}
	}
	want := []time.Duration{time.Second, 2128 * time.Millisecond, 2 * time.Minute, 30 * time.Second, time.Minute} // none given: 30 s, doubling
	if fmt.Sprint(pauses) != fmt.Sprint(want) {
		t.Errorf("pauses %v, want %v", pauses, want)
	}
}

// Concurrency stays within its limit and drops after a 429.
func TestPullLAConcurrency(t *testing.T) {
	r := newPullRig(t)
	var mu sync.Mutex
	throttled := false
	var after []int // queries in flight at the server as each chunk query after the 429 arrives
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if q.Kind != "chunk" {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if !throttled {
			throttled = true
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusTooManyRequests, "ThrottledError", "throttled")
			return true
		}
		r.f.mu.Lock()
		after = append(after, r.f.inFlight)
		r.f.mu.Unlock()
		return false
	}
	if _, err := r.pull(context.Background(), ScopeAll, PullOptions{ChunkRows: 12, Concurrency: 3}); err != nil {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeAll)
	if r.f.maxIn > 3 {
		t.Errorf("%d queries at once, limit 3", r.f.maxIn)
	}
	if len(after) < cleanToRaise {
		t.Fatalf("only %d chunk queries after the 429", len(after))
	}
	for i, n := range after[:cleanToRaise-1] {
		if n > 2 {
			t.Errorf("query %d after the 429 found %d in flight: concurrency did not drop to 2", i+1, n)
		}
	}
}

func TestPullLAStops(t *testing.T) {
	for _, c := range []struct {
		name   string
		answer func(w http.ResponseWriter)
		want   string
	}{
		{"403", func(w http.ResponseWriter) {
			writeError(w, 403, "InsufficientAccessError", "The provided credentials have insufficient access to perform the requested operation")
		}, RoleHint},
		{"401", func(w http.ResponseWriter) {
			writeError(w, 401, "InvalidTokenError", "The provided authentication is not valid")
		}, RoleHint},
		{"400", func(w http.ResponseWriter) {
			writeError(w, 400, "BadArgumentError", "'where' operator: Failed to resolve table or column expression named 'AuditLogs'")
		}, "Failed to resolve table"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := newPullRig(t)
			r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
				if q.Kind != "chunk" {
					return false
				}
				c.answer(w)
				return true
			}
			sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 20})
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasSuffix(err.Error(), resumeHint) {
				t.Fatalf("error %v", err)
			}
			if !sum.Incomplete || sum.IncompleteAt == "" || sum.Loaded != 0 {
				t.Errorf("summary %+v", sum)
			}
			if n := len(r.chunkRequests(0)); n > 3 {
				t.Errorf("%d chunk queries sent after a refusal", n)
			}
		})
	}
}

func TestPullLANoData(t *testing.T) {
	r := newPullRig(t)
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool { w.WriteHeader(http.StatusNoContent); return true }
	_, err := r.pull(context.Background(), ScopeInvites, PullOptions{})
	if err == nil || !strings.Contains(err.Error(), "has no data") {
		t.Fatalf("error %v", err)
	}
	if len(r.j.pulls) != 0 {
		t.Error("a pull was recorded for a workspace without data")
	}
}

// A connection that breaks mid-body is retried with backoff.
func TestPullLAMidBody(t *testing.T) {
	r := newPullRig(t)
	var mu sync.Mutex
	broken := 0
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		mu.Lock()
		defer mu.Unlock()
		if q.Kind != "chunk" || broken >= 2 {
			return false
		}
		broken++
		hangUp(w)
		return true
	}
	if _, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 40, Concurrency: 1}); err != nil {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeInvites)
	slept := fmt.Sprint(r.clock.slept())
	if !strings.Contains(slept, "1s 2s") {
		t.Errorf("no backoff of 1 s then 2 s in %s", slept)
	}
	attempts := 0
	for _, ch := range r.j.chunks[1] {
		attempts += ch.Attempts
	}
	if attempts != 2 {
		t.Errorf("%d failed attempts noted, want 2", attempts)
	}
}

// An interrupted pull resumes: loaded chunks are never asked again, a
// fetched chunk whose spool verifies is loaded from disk without a query.
func TestPullLAResume(t *testing.T) {
	r := newPullRig(t)
	loads := 0
	var failedSeq int64
	r.j.fail = func(step string, seq int64) error {
		if step == "load" {
			if loads++; loads == 3 {
				failedSeq = seq
				return errors.New("disk full")
			}
		}
		return nil
	}
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 10, Concurrency: 2})
	if err == nil || !strings.HasSuffix(err.Error(), resumeHint) || !sum.Incomplete || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("first run: %v, %+v", err, sum)
	}
	r.j.fail = nil
	loaded := map[string]bool{}
	for _, ch := range r.j.chunks[1] {
		if ch.State == store.ChunkLoaded {
			loaded[fmt.Sprint(ch.From, ch.To)] = true
		}
		if ch.Seq == failedSeq && ch.State != store.ChunkFetched {
			t.Fatalf("chunk %d is %s after its load failed", ch.Seq, ch.State)
		}
	}
	var failed store.PullChunk
	for _, ch := range r.j.chunks[1] {
		if ch.Seq == failedSeq {
			failed = ch
		}
	}
	before := len(r.f.log())
	sum, err = r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 10, Concurrency: 2})
	if err != nil || !sum.Pull.Complete || len(r.j.pulls) != 1 {
		t.Fatalf("resume: %v, %+v, %d pulls", err, sum, len(r.j.pulls))
	}
	r.exactlyOnce(t, ScopeInvites)
	for _, q := range r.f.log()[before:] {
		if q.Kind != "chunk" {
			t.Errorf("the resume asked a %s query", q.Kind)
		}
		if loaded[fmt.Sprint(q.From, q.To)] {
			t.Errorf("loaded chunk [%s, %s) fetched again", q.From, q.To)
		}
		if q.From.Equal(failed.From) && q.To.Equal(failed.To) {
			t.Errorf("the fetched chunk %d was asked again instead of loaded from its spool", failedSeq)
		}
	}
	// A third run finds the pull complete and asks nothing.
	before = len(r.f.log())
	if sum, err = r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 10}); err != nil || !sum.Pull.Complete {
		t.Fatalf("third run: %v", err)
	}
	if len(r.f.log()) != before {
		t.Error("a complete pull asked the workspace again")
	}
}

// A spool file that no longer verifies is fetched again.
func TestPullLAResumeBadSpool(t *testing.T) {
	r := newPullRig(t)
	r.j.fail = func(step string, seq int64) error {
		if step == "load" {
			return errors.New("stop here")
		}
		return nil
	}
	if _, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 1000}); err == nil {
		t.Fatal("first run did not stop")
	}
	r.j.fail = nil
	var fetchedOne store.PullChunk
	for _, ch := range r.j.chunks[1] {
		if ch.State == store.ChunkFetched {
			fetchedOne = ch
		}
	}
	if fetchedOne.RawPath == "" {
		t.Fatal("no chunk was fetched")
	}
	os.WriteFile(fetchedOne.RawPath, []byte("tampered"), 0o600)
	before := len(r.f.log())
	if _, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 1000}); err != nil {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeInvites)
	again := false
	for _, q := range r.f.log()[before:] {
		again = again || q.From.Equal(fetchedOne.From) && q.To.Equal(fetchedOne.To)
	}
	if !again {
		t.Error("a chunk whose spool no longer verifies was not fetched again")
	}
}

func TestPullLADryRun(t *testing.T) {
	r := newPullRig(t)
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{DryRun: true, ChunkRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Plan) == 0 || sum.Chunks != len(sum.Plan) || !sum.Plan[0].From.Equal(fakeFrom) || !sum.Plan[len(sum.Plan)-1].To.Equal(fakeTo) {
		t.Errorf("plan %+v", sum.Plan)
	}
	if len(r.j.pulls) != 0 || len(r.chunkRequests(0)) != 0 {
		t.Errorf("dry run recorded %d pulls and fetched %d chunks", len(r.j.pulls), len(r.chunkRequests(0)))
	}
	if _, err := os.Stat(r.dir); !os.IsNotExist(err) {
		t.Errorf("dry run made the spool directory: %v", err)
	}
}

func TestPullLACanceled(t *testing.T) {
	r := newPullRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sum, err := r.pull(ctx, ScopeInvites, PullOptions{ChunkRows: 10, Progress: func(p Progress) {
		if p.Chunk >= 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || !strings.HasSuffix(err.Error(), resumeHint) || !sum.Incomplete {
		t.Fatalf("%v, %+v", err, sum)
	}
	if sum, err = r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 10}); err != nil || !sum.Pull.Complete {
		t.Fatalf("resume after cancel: %v", err)
	}
	r.exactlyOnce(t, ScopeInvites)
}

// Fewer rows than planned (rows left the workspace) is a note, not a failure.
func TestPullLARetentionNote(t *testing.T) {
	r := newPullRig(t)
	_, err := r.pull(context.Background(), ScopeInvites, PullOptions{DryRun: true, ChunkRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	// Drop the first hour's events after planning: the histogram counted them.
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if q.Kind == "chunk" && len(r.f.events) > 0 && !r.f.events[0].at.After(fakeFrom) {
			r.f.mu.Lock()
			r.f.events = r.f.events[10:]
			r.f.mu.Unlock()
		}
		return false
	}
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 1000})
	if err != nil || !sum.Pull.Complete {
		t.Fatal(err)
	}
	found := false
	for _, n := range r.notes {
		found = found || strings.Contains(n, "retention edge moved")
	}
	if !found {
		t.Errorf("no note about rows missing: %q", r.notes)
	}
}

// An interval without rows is a complete pull of nothing.
func TestPullLAEmptyInterval(t *testing.T) {
	r := newPullRig(t)
	p := store.Pull{Source: "la", Target: fakeWorkspace, Scope: "invites", From: day(10), To: day(11)}
	sum, err := PullLA(context.Background(), r.j, r.c, p, PullOptions{Now: r.clock.Now, Sleep: r.clock.Sleep, SpoolDir: r.dir})
	if err != nil || !sum.Pull.Complete || sum.Rows != 0 || sum.Chunks != 1 {
		t.Fatalf("%v, %+v", err, sum)
	}
}

// Refresh: a complete pull's provisional chunks are asked again for rows
// that arrived after it; each late row lands once, nothing else is asked.
func TestPullLARefresh(t *testing.T) {
	r := newPullRig(t)
	r.clock.now = fakeTo.Add(10 * time.Minute) // the pull runs 10 min after its end: the last chunks are provisional
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 5})
	if err != nil || !sum.Pull.Complete {
		t.Fatal(err)
	}
	created := sum.Pull.CreatedAt
	var prov []store.PullChunk
	for _, ch := range r.j.chunks[sum.Pull.ID] {
		if ch.Provisional {
			prov = append(prov, ch)
		}
	}
	if len(prov) == 0 || len(prov) == len(r.j.chunks[sum.Pull.ID]) {
		t.Fatalf("%d of %d chunks provisional", len(prov), len(r.j.chunks[sum.Pull.ID]))
	}
	// Late rows at the end of the day: two arrive after the pull, one was
	// ingested a minute before it yet not visible to it (what the 5 min
	// lookback is for).
	r.f.mu.Lock()
	r.f.events = append(r.f.events,
		fakeEvent{id: "late-1", at: fakeTo.Add(-time.Minute), op: "Invite external user", ingested: created.Add(time.Minute)},
		fakeEvent{id: "late-2", at: fakeTo.Add(-100), op: "Invite external user", ingested: created.Add(2 * time.Minute)},
		fakeEvent{id: "late-3", at: fakeTo.Add(-2 * time.Minute), op: "Invite external user", ingested: created.Add(-time.Minute)})
	r.f.mu.Unlock()
	r.clock.now = r.clock.now.Add(time.Hour)
	before := len(r.f.log())
	sum, err = r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 5, Refresh: true})
	if err != nil || !sum.Pull.Complete || sum.Pull.ID != 2 {
		t.Fatalf("refresh: %v, %+v", err, sum.Pull)
	}
	for _, id := range []string{"late-1", "late-2", "late-3"} {
		if r.j.ids[id] != 1 {
			t.Errorf("late event %s loaded %d times", id, r.j.ids[id])
		}
	}
	for id, n := range r.j.ids {
		if n != 1 {
			t.Errorf("event %s loaded %d times", id, n)
		}
	}
	asked := r.f.log()[before:]
	if len(asked) != len(prov) {
		t.Errorf("refresh sent %d queries for %d provisional chunks", len(asked), len(prov))
	}
	for _, q := range asked {
		if !q.Ingested || !q.Since.Equal(created.Add(-5*time.Minute)) || q.From.Before(prov[0].From) {
			t.Errorf("refresh query [%s, %s) since %s (ingestion filter %v)", q.From, q.To, q.Since, q.Ingested)
		}
	}
}

// A PartialError that is not about size is asked once more, then split.
func TestPullLAPartialRetriedThenSplit(t *testing.T) {
	r := newPullRig(t)
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if q.Kind != "chunk" || q.To.Sub(q.From) < 12*time.Hour {
			return false
		}
		writeTables(w, []fakeColumn{{"TimeGenerated", "datetime"}}, [][]any{{kustoTime(q.From)}},
			map[string]any{"code": "PartialError", "message": "There were some errors when processing your query.",
				"details": []map[string]any{{"code": "E_RUNAWAY_QUERY", "message": "Query exceeded the memory limit of a node"}}})
		return true
	}
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeInvites)
	whole, _ := ChunkKQL(ScopeInvites, Interval{fakeFrom, fakeTo})
	n := 0
	for _, q := range r.chunkRequests(0) {
		if q.KQL == whole {
			n++
		}
	}
	if n != 2 || sum.Splits == 0 {
		t.Errorf("the whole day was asked %d times (want 2: once more, then split), %d splits", n, sum.Splits)
	}
}

// Spool files hold the service's answers and nothing of the credential.
func TestPullLASpoolHasNoToken(t *testing.T) {
	r := newPullRig(t)
	if _, err := r.pull(context.Background(), ScopeAll, PullOptions{ChunkRows: 100}); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(r.dir, "*"))
	if len(files) == 0 {
		t.Fatal("no spool files")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text, err := gunzip(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if strings.Contains(text, "fake_token") || strings.Contains(text, "Bearer") || !strings.HasPrefix(text, `{"tables"`) {
			t.Errorf("%s holds %.80q", f, text)
		}
		if fi, _ := os.Stat(f); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v", f, fi.Mode().Perm())
		}
	}
}

func gunzip(b []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	out, err := io.ReadAll(zr)
	return string(out), err
}

// Progress counts chunks done out of a plan that grows as chunks split,
// and estimates the time left.
func TestPullLAProgress(t *testing.T) {
	r := newPullRig(t)
	var ps []Progress
	sum, err := r.pull(context.Background(), ScopeAll, PullOptions{ChunkRows: 1000, Concurrency: 1, Progress: func(p Progress) { ps = append(ps, p) }})
	if err != nil {
		t.Fatal(err)
	}
	last := ps[len(ps)-1]
	if last.Chunk != sum.Chunks || last.Of != sum.Chunks || last.Rows != sum.Rows || last.Rows != int64(len(r.f.inside(fakeFrom, fakeTo, ScopeAll))) {
		t.Errorf("last progress %+v, summary %+v", last, sum)
	}
	first, eta, split := ps[0].Of, false, false
	for _, p := range ps {
		eta = eta || p.ETA > 0
		split = split || strings.Contains(p.Note, "split")
	}
	if first >= last.Of || !eta || !split {
		t.Errorf("plan %d -> %d chunks, an ETA %v, a split note %v", first, last.Of, eta, split)
	}
}

// A histogram that runs out of time is asked for in halves.
func TestPullLAHistogramHalved(t *testing.T) {
	r := newPullRig(t)
	r.f.override = func(w http.ResponseWriter, q *laRequest) bool {
		if q.Kind == "histogram" && q.To.Sub(q.From) > 6*time.Hour {
			writeError(w, http.StatusGatewayTimeout, "GatewayTimeout", "The query ran past its time limit")
			return true
		}
		return false
	}
	sum, err := r.pull(context.Background(), ScopeInvites, PullOptions{ChunkRows: 20})
	if err != nil || !sum.Pull.Complete {
		t.Fatal(err)
	}
	r.exactlyOnce(t, ScopeInvites)
	pieces := 0
	for _, q := range r.f.log() {
		if q.Kind == "histogram" && q.To.Sub(q.From) <= 6*time.Hour {
			pieces++
		}
	}
	if pieces < 4 {
		t.Errorf("%d histogram pieces, want at least 4", pieces)
	}
}

// The same pull into a real case file (*store.Store): every event once in
// AuditLogs, through splits of answers the service cut; a second run asks
// nothing.
func TestPullLAIntoCaseFile(t *testing.T) {
	r := newPullRig(t)
	st, err := store.Open(filepath.Join(t.TempDir(), "case.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := store.Pull{Source: "la", Target: fakeWorkspace, Cloud: "public", Scope: "invites", From: fakeFrom, To: fakeTo}
	opt := PullOptions{ChunkRows: 1000, Now: r.clock.Now, Sleep: r.clock.Sleep, SpoolDir: r.dir}
	sum, err := PullLA(context.Background(), st, r.c, p, opt)
	if err != nil {
		t.Fatal(err)
	}
	want := len(r.f.inside(fakeFrom, fakeTo, ScopeInvites))
	var n, ids int
	if err := st.DB().QueryRow(`SELECT count(*), count(DISTINCT Id) FROM AuditLogs`).Scan(&n, &ids); err != nil {
		t.Fatal(err)
	}
	if n != want || ids != want || int(sum.Events) != want || !sum.Pull.Complete || sum.Splits == 0 {
		t.Errorf("%d rows, %d ids, summary %d events, complete %v, %d splits; want %d", n, ids, sum.Events, sum.Pull.Complete, sum.Splits, want)
	}
	before := len(r.f.log())
	if sum, err = PullLA(context.Background(), st, r.c, p, opt); err != nil || !sum.Pull.Complete {
		t.Fatalf("second run: %v", err)
	}
	if len(r.f.log()) != before {
		t.Error("a complete pull asked the workspace again")
	}
}

// Refresh into a real case file: the late row lands once, as a pull of
// the provisional span.
func TestPullLARefreshCaseFile(t *testing.T) {
	r := newPullRig(t)
	r.clock.now = fakeTo.Add(10 * time.Minute)
	st, err := store.Open(filepath.Join(t.TempDir(), "case.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := store.Pull{Source: "la", Target: fakeWorkspace, Cloud: "public", Scope: "invites", From: fakeFrom, To: fakeTo}
	opt := PullOptions{ChunkRows: 5, Now: r.clock.Now, Sleep: r.clock.Sleep, SpoolDir: r.dir}
	sum, err := PullLA(context.Background(), st, r.c, p, opt)
	if err != nil {
		t.Fatal(err)
	}
	r.f.mu.Lock()
	r.f.events = append(r.f.events, fakeEvent{id: "late-1", at: fakeTo.Add(-time.Minute), op: "Invite external user", ingested: sum.Pull.CreatedAt.Add(time.Minute)})
	r.f.mu.Unlock()
	r.clock.now = r.clock.now.Add(time.Hour)
	opt.Refresh = true
	if sum, err = PullLA(context.Background(), st, r.c, p, opt); err != nil || !sum.Pull.Complete || sum.Events != 1 {
		t.Fatalf("refresh: %v, %+v", err, sum)
	}
	var n, ids int
	st.DB().QueryRow(`SELECT count(*), count(DISTINCT Id) FROM AuditLogs`).Scan(&n, &ids)
	if want := len(r.f.inside(fakeFrom, fakeTo, ScopeInvites)); n != want || ids != want {
		t.Errorf("%d rows, %d ids, want %d", n, ids, want)
	}
}
