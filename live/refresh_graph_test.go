package live

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// firstPages are the requests from n on that start a window (not nextLink
// pages).
func firstPages(f *fakeGraph, n int) []fakeRequest {
	var out []fakeRequest
	for _, r := range f.reqs()[n:] {
		if r.Token == "" {
			out = append(out, r)
		}
	}
	return out
}

// Refresh of a complete Graph pull whose last chunk is provisional: the
// provisional span is pulled again, in full, as pull 2; late records in it
// land, nothing before it is asked, and a late record before it (in a
// settled chunk) is not. Refreshing again asks nothing: pull 2 settled the
// span. A pull with nothing provisional asks nothing either.
func TestPullGraphRefresh(t *testing.T) {
	clk := newFakeClock(gT0.Add(72*time.Hour + 10*time.Minute))
	f := newFakeGraph(t, clk)
	want := graphFixture(f)
	c := f.client(t, GraphClientOptions{PageSize: 4})
	j := newMemJournal()
	dir := t.TempDir()
	p := graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites)
	sum, err := PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir})
	if err != nil || !sum.Pull.Complete {
		t.Fatal(err)
	}
	var prov []store.PullChunk
	for _, ch := range j.chunks[1] {
		if ch.Provisional {
			prov = append(prov, ch)
		}
	}
	span := gT0.Add(48 * time.Hour)
	if len(prov) != 1 || !prov[0].From.Equal(span) {
		t.Fatalf("provisional chunks %+v, want the last one", prov)
	}

	f.add("late-1", invite, gT0.Add(72*time.Hour-time.Minute))
	f.add("late-2", invite, gT0.Add(72*time.Hour-data.Tick))
	f.add("late-at-span", invite, span)
	f.add("late-settled", invite, gT0.Add(47*time.Hour)) // in a settled chunk: not asked again
	clk.Sleep(context.Background(), time.Hour)
	before, start := len(f.reqs()), clk.Now()
	var notes []string
	sum, err = PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir, Refresh: true, Progress: func(p Progress) { notes = append(notes, p.Note) }})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	rp := sum.Pull
	if rp.ID != 2 || !rp.Complete || rp.Source != SourceGraph || rp.Scope != "invites" || rp.Target != j.pulls[0].Target ||
		!rp.From.Equal(span) || !rp.To.Equal(p.To) || rp.CreatedAt.Before(start) || rp.CreatedAt.After(clk.Now()) || len(j.pulls) != 2 {
		t.Fatalf("refresh pull %+v (%d pulls)", rp, len(j.pulls))
	}
	if sum.Incomplete || sum.Chunks != 1 || sum.Loaded != 1 {
		t.Errorf("refresh summary %+v", sum)
	}
	for _, ch := range j.chunks[2] {
		if ch.Provisional {
			t.Errorf("refresh chunk %d is provisional although it ended more than the settle margin before the refresh", ch.Seq)
		}
	}
	asked := firstPages(f, before)
	if len(asked) != 1 || !strings.HasPrefix(asked[0].Filter, "activityDateTime ge 2026-10-19T00:00:00Z and activityDateTime le 2026-10-20T00:00:00Z") {
		t.Errorf("refresh asked %+v, want the provisional day only", asked)
	}
	j.mu.Lock()
	for _, id := range []string{"late-1", "late-2", "late-at-span"} {
		if j.ids[id] != 1 {
			t.Errorf("late record %s loaded %d times, want once", id, j.ids[id])
		}
	}
	if j.ids["late-settled"] != 0 {
		t.Error("a late record in a settled chunk was loaded: the refresh asked before the provisional span")
	}
	// The memJournal does not dedup: what the span held is loaded twice
	// (the store collapses it by Id), what came before once.
	for id, at := range want {
		if n := j.ids[id]; at.Before(span) && n != 1 || !at.Before(span) && n != 2 {
			t.Errorf("event %s (%s) loaded %d times", id, at.Format(time.RFC3339Nano), n)
		}
	}
	j.mu.Unlock()
	if len(notes) == 0 || !strings.Contains(strings.Join(notes, "\n"), "refresh pull 2 of pull 1") {
		t.Errorf("progress notes %q", notes)
	}

	// Again: pull 1's refresh is pull 2, which has nothing provisional.
	before = len(f.reqs())
	sum, err = PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir, Refresh: true})
	if err != nil || len(f.reqs()) != before || len(j.pulls) != 2 || sum.Pull.ID != 2 {
		t.Fatalf("second refresh: %v, %d requests, %d pulls, %+v", err, len(f.reqs())-before, len(j.pulls), sum.Pull)
	}
	if len(sum.Notes) != 1 || !strings.Contains(sum.Notes[0], "nothing to refresh") {
		t.Errorf("second refresh notes %q", sum.Notes)
	}

	// A pull made long after its end: nothing provisional, nothing asked.
	j2 := newMemJournal()
	p2 := graphPull(gT0, gT0.Add(24*time.Hour), ScopeAll)
	if _, err := PullGraph(context.Background(), j2, c, p2, PullOptions{SpoolDir: dir}); err != nil {
		t.Fatal(err)
	}
	before = len(f.reqs())
	sum, err = PullGraph(context.Background(), j2, c, p2, PullOptions{SpoolDir: dir, Refresh: true})
	if err != nil || len(f.reqs()) != before || len(j2.pulls) != 1 || !sum.Pull.Complete || sum.Loaded != 1 {
		t.Fatalf("refresh of a settled pull: %v, %d requests, %d pulls, %+v", err, len(f.reqs())-before, len(j2.pulls), sum)
	}
	if len(sum.Notes) != 1 || !strings.Contains(sum.Notes[0], "pull 1 has no provisional chunk") {
		t.Errorf("notes %q", sum.Notes)
	}
}

// An interrupted refresh resumes: run again (with the original pull and
// --refresh, or with the refresh's own record as "pull --db" does), it
// fetches only what the refresh had not loaded and records no new pull.
func TestPullGraphRefreshResumes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		record bool // resume with the refresh pull's own record
	}{{"original pull", false}, {"refresh record", true}} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock(gT0.Add(72*time.Hour + 10*time.Minute))
			f := newFakeGraph(t, clk)
			graphFixture(f)
			c := f.client(t, GraphClientOptions{PageSize: 4})
			j := newMemJournal()
			dir := t.TempDir()
			p := graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites)
			opt := PullOptions{SpoolDir: dir, Settle: 25 * time.Hour} // the last two days are provisional
			if _, err := PullGraph(context.Background(), j, c, p, opt); err != nil {
				t.Fatal(err)
			}
			f.add("late-d2", invite, gT0.Add(30*time.Hour))
			f.add("late-d3", invite, gT0.Add(60*time.Hour))
			clk.Sleep(context.Background(), time.Hour)
			j.fail = func(step string, seq int64) error {
				if step == "fetched" && seq == 2 {
					return errors.New("disk full")
				}
				return nil
			}
			opt.Refresh = true
			sum, err := PullGraph(context.Background(), j, c, p, opt)
			if err == nil || !strings.HasSuffix(err.Error(), resumeHint) || !sum.Incomplete || sum.Pull.ID != 2 || sum.Loaded != 1 {
				t.Fatalf("interrupted refresh: %v, %+v", err, sum)
			}
			if !j.pulls[1].From.Equal(gT0.Add(24*time.Hour)) || j.pulls[1].Complete {
				t.Fatalf("refresh pull %+v", j.pulls[1])
			}
			j.fail = nil
			before := len(f.reqs())
			again := p
			if tc.record {
				again = j.pulls[1]
			}
			sum, err = PullGraph(context.Background(), j, c, again, opt)
			if err != nil || !sum.Pull.Complete || sum.Pull.ID != 2 || len(j.pulls) != 2 || !j.pulls[1].Complete {
				t.Fatalf("resumed refresh: %v, %+v, %d pulls", err, sum.Pull, len(j.pulls))
			}
			asked := firstPages(f, before)
			if len(asked) != 1 || !strings.HasPrefix(asked[0].Filter, "activityDateTime ge 2026-10-19T00:00:00Z") {
				t.Errorf("resumed refresh asked %+v, want the unloaded day only", asked)
			}
			j.mu.Lock()
			defer j.mu.Unlock()
			if j.ids["late-d2"] != 1 || j.ids["late-d3"] != 1 {
				t.Errorf("late records loaded %d and %d times, want once each", j.ids["late-d2"], j.ids["late-d3"])
			}
		})
	}
}

// --refresh on a pull that is not complete completes it (and says so);
// nothing else is recorded.
func TestPullGraphRefreshIncompleteCompletes(t *testing.T) {
	clk := newFakeClock(gT0.Add(72*time.Hour + 10*time.Minute))
	f := newFakeGraph(t, clk)
	want := graphFixture(f)
	c := f.client(t, GraphClientOptions{PageSize: 4})
	j := newMemJournal()
	j.fail = func(step string, seq int64) error {
		if step == "fetched" && seq == 3 {
			return errors.New("disk full")
		}
		return nil
	}
	dir := t.TempDir()
	p := graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites)
	if _, err := PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir}); err == nil {
		t.Fatal("the failure was not reported")
	}
	j.fail = nil
	sum, err := PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir, Refresh: true})
	if err != nil || !sum.Pull.Complete || sum.Pull.ID != 1 || len(j.pulls) != 1 {
		t.Fatalf("%v, %+v, %d pulls", err, sum.Pull, len(j.pulls))
	}
	if len(sum.Notes) != 1 || !strings.Contains(sum.Notes[0], "pull 1 was not complete") {
		t.Errorf("notes %q", sum.Notes)
	}
	checkOnce(t, j, want)
}

// Refresh into a real case file: the late record lands once, the span
// asked again collapses by Id, and the summary counts only the new event.
func TestPullGraphRefreshCaseFile(t *testing.T) {
	clk := newFakeClock(gT0.Add(72*time.Hour + 10*time.Minute))
	f := newFakeGraph(t, clk)
	want := graphFixture(f)
	c := f.client(t, GraphClientOptions{})
	st, err := store.Open(filepath.Join(t.TempDir(), "case.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites)
	opt := PullOptions{SpoolDir: t.TempDir()}
	if _, err := PullGraph(context.Background(), st, c, p, opt); err != nil {
		t.Fatal(err)
	}
	f.add("late-1", invite, gT0.Add(71*time.Hour))
	clk.Sleep(context.Background(), time.Hour)
	opt.Refresh = true
	sum, err := PullGraph(context.Background(), st, c, p, opt)
	if err != nil || !sum.Pull.Complete || sum.Pull.ID != 2 || sum.Events != 1 {
		t.Fatalf("refresh: %v, %+v", err, sum)
	}
	var n, ids, late int
	if err := st.DB().QueryRow(`SELECT count(*), count(DISTINCT Id), count(*) FILTER (WHERE Id = 'late-1') FROM AuditLogs`).Scan(&n, &ids, &late); err != nil {
		t.Fatal(err)
	}
	if n != len(want)+1 || ids != n || late != 1 {
		t.Errorf("%d rows, %d ids, late-1 %d times; want %d rows, each once", n, ids, late, len(want)+1)
	}
	pulls, err := st.Pulls(context.Background())
	if err != nil || len(pulls) != 2 || !pulls[1].From.Equal(gT0.Add(48*time.Hour)) || !pulls[1].Complete {
		t.Errorf("pulls %v %+v", err, pulls)
	}
}
