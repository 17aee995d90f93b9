package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

var gT0 = time.Date(2026, 10, 17, 0, 0, 0, 0, time.UTC)

const invite = "Invite external user"

// graphFixture fills f with invites and other activities over three days
// from gT0, with events on and around every chunk boundary. It returns the
// Ids a pull of [gT0, gT0+72h) in scope invites must load, with their times.
func graphFixture(f *fakeGraph) map[string]time.Time {
	want := map[string]time.Time{}
	addInvite := func(id string, at time.Time, in bool) {
		f.add(id, invite, at)
		if in {
			want[id] = at
		}
	}
	day := 24 * time.Hour
	addInvite("before-from", gT0.Add(-data.Tick), false)
	addInvite("at-from", gT0, true)
	addInvite("d1-frac", gT0.Add(5*time.Hour+123456700*time.Nanosecond), true)
	for d := 0; d < 3; d++ {
		for k := 0; k < 7; k++ {
			addInvite(fmt.Sprintf("d%d-%d", d, k), gT0.Add(time.Duration(d)*day+time.Duration(k*3+1)*time.Hour+time.Duration(k)*time.Millisecond), true)
		}
		f.add(fmt.Sprintf("add-user-%d", d), "Add user", gT0.Add(time.Duration(d)*day+2*time.Hour))
	}
	for _, b := range []time.Duration{day, 2 * day} {
		tag := fmt.Sprintf("b%d", int(b/day))
		addInvite(tag+"-minus-tick", gT0.Add(b-data.Tick), true)
		addInvite(tag+"-minus-half", gT0.Add(b-500*time.Millisecond), true)
		addInvite(tag+"-exact", gT0.Add(b), true)
		addInvite(tag+"-plus-half", gT0.Add(b+500*time.Millisecond), true)
		addInvite(tag+"-plus-tick", gT0.Add(b+data.Tick), true)
	}
	addInvite("to-minus-tick", gT0.Add(3*day-data.Tick), true)
	addInvite("at-to", gT0.Add(3*day), false)
	return want
}

func graphPull(from, to time.Time, scope Scope) store.Pull {
	return store.Pull{Source: SourceGraph, Scope: string(scope), From: from, To: to}
}

// checkOnce asserts the journal loaded exactly the wanted Ids, each once,
// at the wanted times.
func checkOnce(t *testing.T, j *memJournal, want map[string]time.Time) {
	t.Helper()
	j.mu.Lock()
	defer j.mu.Unlock()
	for id, n := range j.ids {
		if _, ok := want[id]; !ok {
			t.Errorf("event %s loaded %d times, want none", id, n)
		} else if n != 1 {
			t.Errorf("event %s loaded %d times, want once", id, n)
		}
	}
	for id, at := range want {
		if j.ids[id] == 0 {
			t.Errorf("event %s (%s) never loaded", id, at.Format(time.RFC3339Nano))
		} else if !j.times[id].Equal(at) {
			t.Errorf("event %s: TimeGenerated %s, want %s", id, j.times[id].Format(time.RFC3339Nano), at.Format(time.RFC3339Nano))
		}
	}
}

func TestPullGraphEveryRecordOnce(t *testing.T) {
	for _, tc := range []struct {
		name            string
		secondPrecision bool
		emptyPages      bool
	}{
		{"tick precision", false, false},
		{"second precision, empty pages", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := newFakeClock(gT0.Add(73 * time.Hour))
			f := newFakeGraph(t, clk)
			f.secondPrecision, f.emptyPages = tc.secondPrecision, tc.emptyPages
			want := graphFixture(f)
			c := f.client(t, GraphClientOptions{PageSize: 3})
			j := newMemJournal()
			var notes []string
			opt := PullOptions{SpoolDir: t.TempDir(), Progress: func(p Progress) { notes = append(notes, p.Note) }}
			sum, err := PullGraph(context.Background(), j, c, graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites), opt)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Incomplete || !sum.Pull.Complete || sum.Chunks != 3 || sum.Loaded != 3 {
				t.Fatalf("summary %+v, want 3 of 3 chunks loaded and complete", sum)
			}
			if sum.Rows != int64(len(want)) || sum.Events != int64(len(want)) {
				t.Errorf("rows %d, events %d; want %d each", sum.Rows, sum.Events, len(want))
			}
			checkOnce(t, j, want)
			if !j.pulls[0].Complete {
				t.Error("FinishPull was not called")
			}
			// Boundary events were fetched twice (overlapping windows) but
			// spooled once: the later chunk keeps the shared second.
			f.mu.Lock()
			twice := []string{"b1-exact", "b2-exact"}
			if tc.secondPrecision {
				twice = append(twice, "b1-plus-half", "b1-plus-tick", "b2-plus-half")
			}
			for _, id := range twice {
				if f.served[id] != 2 {
					t.Errorf("%s served %d times, want 2 (both overlapping windows)", id, f.served[id])
				}
			}
			f.mu.Unlock()
			for _, r := range f.reqs() {
				if r.Auth != "Bearer fake_token" {
					t.Fatalf("request %s: Authorization %q", r.URL, r.Auth)
				}
			}
			for _, ch := range j.chunks[1] {
				raw, err := os.ReadFile(ch.RawPath)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(raw, []byte("fake_token")) || bytes.Contains(raw, []byte("Bearer")) {
					t.Errorf("spool %s holds the token", ch.RawPath)
				}
			}
			if len(notes) == 0 || notes[len(notes)-1] != "pull complete" {
				t.Errorf("progress notes %q, want them to end with pull complete", notes)
			}
		})
	}
}

func TestPullGraphFilterText(t *testing.T) {
	a, b := gT0, gT0.Add(24*time.Hour)
	got, err := GraphFilter(a, b, ScopeInvites)
	if err != nil {
		t.Fatal(err)
	}
	const wantInvites = "activityDateTime ge 2026-10-17T00:00:00Z and activityDateTime le 2026-10-18T00:00:00Z and activityDisplayName eq 'Invite external user'"
	if got != wantInvites {
		t.Errorf("invites filter\n got %s\nwant %s", got, wantInvites)
	}
	const wantAll = "activityDateTime ge 2026-10-17T00:00:00Z and activityDateTime le 2026-10-18T00:00:00Z"
	for _, s := range []Scope{ScopeAll, ScopeTrail} {
		if got, _ := GraphFilter(a, b, s); got != wantAll {
			t.Errorf("%s filter\n got %s\nwant %s", s, got, wantAll)
		}
	}
	if _, err := GraphFilter(a.Add(time.Millisecond), b, ScopeAll); err == nil {
		t.Error("a window not on whole seconds was accepted")
	}
	if _, err := GraphFilter(a, b, "everything"); err == nil {
		t.Error("an unknown scope was accepted")
	}

	// On the wire: a pull of a sub-second span asks for the whole seconds
	// around it, with %20 for spaces and $top=500.
	clk := newFakeClock(gT0.Add(48 * time.Hour))
	f := newFakeGraph(t, clk)
	j := newMemJournal()
	from, to := gT0.Add(250*time.Millisecond), gT0.Add(24*time.Hour+data.Tick)
	if _, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(from, to, ScopeInvites), PullOptions{SpoolDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	reqs := f.reqs()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 (two chunks, one page each): %+v", len(reqs), reqs)
	}
	if reqs[0].Filter != wantInvites {
		t.Errorf("first $filter on the wire\n got %s\nwant %s", reqs[0].Filter, wantInvites)
	}
	const wantSecond = "activityDateTime ge 2026-10-18T00:00:00Z and activityDateTime le 2026-10-18T00:00:01Z and activityDisplayName eq 'Invite external user'"
	if reqs[1].Filter != wantSecond {
		t.Errorf("second $filter on the wire\n got %s\nwant %s", reqs[1].Filter, wantSecond)
	}
	const wantURL = "/v1.0/auditLogs/directoryAudits?$filter=activityDateTime%20ge%202026-10-17T00%3A00%3A00Z%20and%20activityDateTime%20le%202026-10-18T00%3A00%3A00Z%20and%20activityDisplayName%20eq%20%27Invite%20external%20user%27&$top=500"
	if reqs[0].URL != wantURL {
		t.Errorf("first request\n got %s\nwant %s", reqs[0].URL, wantURL)
	}
	if j.pulls[0].QueryText != "activityDateTime ge {from} and activityDateTime le {to} and activityDisplayName eq 'Invite external user'" {
		t.Errorf("QueryText %q", j.pulls[0].QueryText)
	}
}

func TestPlanGraph(t *testing.T) {
	from := gT0.Add(-90*24*time.Hour + 1234567*data.Tick)
	to := gT0.Add(1*time.Hour + 3*data.Tick)
	p := graphPull(from, to, ScopeAll)
	chunks, err := PlanGraph(p, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 91 {
		t.Fatalf("%d chunks, want 91", len(chunks))
	}
	if err := tiles(p, chunks); err != nil {
		t.Fatal(err)
	}
	for i, ch := range chunks {
		if ch.Seq != int64(i+1) || ch.State != store.ChunkPlanned {
			t.Errorf("chunk %d: seq %d state %s", i, ch.Seq, ch.State)
		}
		if ch.To.Sub(ch.From) > DefaultGraphChunk {
			t.Errorf("chunk %d spans %s", i, ch.To.Sub(ch.From))
		}
		if i > 0 && !ch.From.Equal(floorSecond(ch.From)) {
			t.Errorf("inner boundary %s is not a whole second", ch.From.Format(time.RFC3339Nano))
		}
	}
	again, _ := PlanGraph(p, 0)
	if fmt.Sprint(again) != fmt.Sprint(chunks) {
		t.Error("the plan is not deterministic")
	}
	for _, bad := range []store.Pull{graphPull(gT0, gT0, ScopeAll), graphPull(gT0, gT0.Add(-time.Second), ScopeAll), graphPull(time.Time{}, gT0, ScopeAll)} {
		if _, err := PlanGraph(bad, 0); err == nil {
			t.Errorf("plan of %s .. %s accepted", bad.From, bad.To)
		}
	}
	if _, err := PlanGraph(p, 1500*time.Millisecond); err == nil {
		t.Error("a span that is not whole seconds was accepted")
	}
}

// The spool is graph-ndjson: each line one record exactly as served; the
// readers detect it and read its TimeGenerated and Id.
func TestPullGraphSpoolIsGraphNDJSON(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	f.add("one", invite, gT0.Add(3*time.Hour+1234567*data.Tick))
	f.add("two", invite, gT0.Add(4*time.Hour))
	j := newMemJournal()
	dir := t.TempDir()
	if _, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: dir}); err != nil {
		t.Fatal(err)
	}
	ch := j.chunks[1][0]
	if ch.RawPath != filepath.Join(dir, "1-1.ndjson.gz") {
		t.Errorf("spool %s", ch.RawPath)
	}
	if fi, err := os.Stat(ch.RawPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("spool mode %v (%v), want 0600", fi.Mode(), err)
	}
	fh, err := os.Open(ch.RawPath)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	r, compressed, err := formats.Decompress(fh)
	if err != nil || !compressed {
		t.Fatalf("decompress: %v (compressed %v)", err, compressed)
	}
	text, _ := io.ReadAll(r)
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	served := map[string]string{}
	for _, rec := range f.records {
		served[rec.ID] = string(rec.Raw)
	}
	if len(lines) != 2 || lines[0] != served["two"] || lines[1] != served["one"] {
		t.Errorf("spool lines are not the served records, newest first:\n%s", text)
	}
	br := bufio.NewReader(bytes.NewReader(text))
	format, err := formats.DetectFormat(br)
	if err != nil || format != formats.FormatGraphNDJSON {
		t.Fatalf("detected %q (%v), want graph-ndjson", format, err)
	}
	rr, _ := formats.NewRecordReader(format, br, nil)
	got := map[string]time.Time{}
	for {
		_, rec, err := rr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[rec.Id] = rec.TimeGenerated
	}
	if !got["one"].Equal(gT0.Add(3*time.Hour+1234567*data.Tick)) || !got["two"].Equal(gT0.Add(4*time.Hour)) {
		t.Errorf("read back %v", got)
	}
}

// A chunk without records is spooled as an empty Graph page, which loads
// as nothing rather than failing as an empty file would.
func TestPullGraphEmptyChunk(t *testing.T) {
	clk := newFakeClock(gT0.Add(49 * time.Hour))
	f := newFakeGraph(t, clk)
	f.emptyPages = true
	f.add("late", invite, gT0.Add(30*time.Hour))
	j := newMemJournal()
	sum, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(gT0, gT0.Add(48*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Loaded != 2 || sum.Events != 1 {
		t.Errorf("summary %+v", sum)
	}
	checkOnce(t, j, map[string]time.Time{"late": gT0.Add(30 * time.Hour)})
}

func TestGraphRetryAfterFractional(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	want := f.addHourlyInvites(5)
	f.inject = func(n int, r *http.Request) *fakeAnswer {
		if n == 2 { // the first nextLink
			return &fakeAnswer{Status: 429, Header: http.Header{"Retry-After": {"2.128"}}, Body: graphErrorJSON("TooManyRequests", "Too many requests")}
		}
		return nil
	}
	j := newMemJournal()
	var throttled []time.Time
	opt := PullOptions{SpoolDir: t.TempDir(), Progress: func(p Progress) {
		if !p.ThrottledUntil.IsZero() {
			throttled = append(throttled, p.ThrottledUntil)
		}
	}}
	sum, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{PageSize: 2}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), opt)
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, j, want)
	if sum.Throttled != 1 {
		t.Errorf("Throttled %d, want 1", sum.Throttled)
	}
	// The pacer before the second request, the Retry-After, then (the
	// retry coming 2.128 s after the 429) the pacer again only after it.
	if sl := fmt.Sprint(clk.slept()); sl != "[2.1s 2.128s 2.1s]" {
		t.Errorf("sleeps %s, want [2.1s 2.128s 2.1s]", sl)
	}
	if len(throttled) != 1 || !throttled[0].Equal(gT0.Add(25*time.Hour+DefaultGraphInterval+2128*time.Millisecond)) {
		t.Errorf("progress ThrottledUntil %v", throttled)
	}
	// The retry used the nextLink of the last successful response (the
	// fake answers DirectoryPageTokenNotFoundException to any other reuse).
	reqs := f.reqs()
	if reqs[1].Status != 429 || reqs[2].URL != reqs[1].URL || reqs[2].Status != 200 {
		t.Errorf("requests %+v", reqs)
	}
}

func TestGraphPacer(t *testing.T) {
	clk := newFakeClock(gT0.Add(97 * time.Hour))
	f := newFakeGraph(t, clk)
	for i := 0; i < 12; i++ {
		f.add(fmt.Sprintf("e%d", i), invite, gT0.Add(time.Duration(i)*8*time.Hour))
	}
	j := newMemJournal()
	if _, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{PageSize: 2}), graphPull(gT0, gT0.Add(96*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	reqs := f.reqs()
	if len(reqs) < 8 {
		t.Fatalf("only %d requests", len(reqs))
	}
	for i := 1; i < len(reqs); i++ {
		if gap := reqs[i].At.Sub(reqs[i-1].At); gap < DefaultGraphInterval {
			t.Errorf("requests %d and %d %s apart, want at least %s", i-1, i, gap, DefaultGraphInterval)
		}
	}
	if sl := clk.slept(); len(sl) != len(reqs)-1 {
		t.Errorf("%d sleeps for %d requests: %v", len(sl), len(reqs), sl)
	}
}

// Real time: two requests through one client are at least Interval apart
// and never overlap.
func TestGraphPacerRealClock(t *testing.T) {
	f := newFakeGraph(t, nil)
	c := f.client(t, GraphClientOptions{Interval: 30 * time.Millisecond})
	clk := c.clock(nil, nil)
	u, _ := c.firstPageURL(gT0, gT0.Add(time.Hour), ScopeAll, 10)
	start := time.Now()
	done := make(chan error, 3)
	for i := 0; i < 3; i++ {
		go func() { _, err := c.getPage(context.Background(), clk, u); done <- err }()
	}
	for i := 0; i < 3; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 60*time.Millisecond {
		t.Errorf("three requests took %s, want at least two intervals", el)
	}
}

func TestGraphPageTokenLostRestartsChunk(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	want := f.addHourlyInvites(7)
	f.inject = func(n int, r *http.Request) *fakeAnswer {
		if n == 3 { // the second nextLink, once
			return &fakeAnswer{Status: 400, Body: graphErrorJSON("Directory_ExpiredPageToken", "DirectoryPageTokenNotFoundException")}
		}
		return nil
	}
	j := newMemJournal()
	var restarted bool
	opt := PullOptions{SpoolDir: t.TempDir(), Progress: func(p Progress) {
		restarted = restarted || strings.Contains(p.Note, "from its first page")
	}}
	if _, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{PageSize: 2}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), opt); err != nil {
		t.Fatal(err)
	}
	checkOnce(t, j, want)
	firsts := 0
	for _, r := range f.reqs() {
		if r.Token == "" {
			firsts++
		}
	}
	if firsts != 2 || !restarted {
		t.Errorf("%d first-page requests (restarted %v), want the chunk fetched again from its first page", firsts, restarted)
	}
	if j.chunks[1][0].Rows != 7 {
		t.Errorf("chunk rows %d, want 7 (the partial first pass discarded)", j.chunks[1][0].Rows)
	}
}

func TestGraph503Backoff(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	f.add("e", invite, gT0.Add(time.Hour))
	f.inject = func(n int, r *http.Request) *fakeAnswer {
		if n <= 2 {
			return &fakeAnswer{Status: 503, Body: graphErrorJSON("ServiceUnavailable", "try later")}
		}
		return nil
	}
	j := newMemJournal()
	if _, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	checkOnce(t, j, map[string]time.Time{"e": gT0.Add(time.Hour)})
	if sl := fmt.Sprint(clk.slept()); sl != "[2.1s 4.2s]" {
		t.Errorf("sleeps %s, want exponential backoff from the pacer's interval [2.1s 4.2s]", sl)
	}
}

// A body that breaks off is tried again on the same URL.
func TestGraphBrokenBodyRetried(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	want := f.addHourlyInvites(4)
	f.breakBody = func(n int) bool { return n == 2 }
	j := newMemJournal()
	if _, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{PageSize: 2}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	checkOnce(t, j, want)
	reqs := f.reqs()
	if len(reqs) != 3 || reqs[1].Status != -1 || reqs[2].URL != reqs[1].URL {
		t.Errorf("requests %+v, want the broken page asked again", reqs)
	}
}

// A chunk whose paging keeps failing is not loaded; the pull says where
// it stopped and how to resume, and the attempt is noted.
func TestGraphGivesUpIncomplete(t *testing.T) {
	clk := newFakeClock(gT0.Add(49 * time.Hour))
	f := newFakeGraph(t, clk)
	for i := 0; i < 6; i++ {
		f.add(fmt.Sprintf("e%d", i), invite, gT0.Add(time.Duration(i)*8*time.Hour))
	}
	// Chunk 2's second page always fails.
	f.inject = func(n int, r *http.Request) *fakeAnswer {
		if r.URL.Query().Get("$skiptoken") != "" && strings.Contains(r.URL.Query().Get("$filter"), "ge 2026-10-18") {
			return &fakeAnswer{Status: 503}
		}
		return nil
	}
	j := newMemJournal()
	dir := t.TempDir()
	sum, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{PageSize: 1, MaxAttempts: 3}), graphPull(gT0, gT0.Add(48*time.Hour), ScopeInvites), PullOptions{SpoolDir: dir})
	if err == nil || !strings.HasSuffix(err.Error(), "re-run the same command to resume") {
		t.Fatalf("error %v, want one ending with the resume hint", err)
	}
	if !sum.Incomplete || !strings.Contains(sum.IncompleteAt, "chunk 2 of 2") || sum.Loaded != 1 {
		t.Errorf("summary %+v", sum)
	}
	ch := j.chunks[1][1]
	if ch.State != store.ChunkPlanned || ch.Attempts != 1 || !strings.Contains(ch.LastError, "503") {
		t.Errorf("chunk 2 %+v, want planned with one noted attempt", ch)
	}
	if _, err := os.Stat(filepath.Join(dir, "1-2.ndjson.gz")); !os.IsNotExist(err) {
		t.Errorf("a partial spool was left: %v", err)
	}
	checkOnce(t, j, map[string]time.Time{"e0": gT0, "e1": gT0.Add(8 * time.Hour), "e2": gT0.Add(16 * time.Hour)})
}

func TestGraphTopHalved(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	f.maxTop = 200
	f.add("e", invite, gT0.Add(time.Hour))
	j := newMemJournal()
	c := f.client(t, GraphClientOptions{})
	if _, err := PullGraph(context.Background(), j, c, graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	var tops []int
	for _, r := range f.reqs() {
		tops = append(tops, r.Top)
	}
	if fmt.Sprint(tops) != "[500 250 125]" || c.PageSize() != 125 {
		t.Errorf("$top asked %v (now %d), want 500, 250, 125", tops, c.PageSize())
	}
	checkOnce(t, j, map[string]time.Time{"e": gT0.Add(time.Hour)})
}

func TestGraph403(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	f.forbid = true
	j := newMemJournal()
	sum, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()})
	if err == nil {
		t.Fatal("a 403 pulled")
	}
	msg := err.Error()
	for _, want := range []string{
		"HTTP 403",
		"Authorization_RequestDenied",
		"needs AuditLog.Read.All and Directory.Read.All (delegated callers also need the Entra role Reports Reader, Security Reader or Security Administrator)",
		"re-run the same command to resume",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "fake_token") {
		t.Error("the error shows the token")
	}
	var perm interface{ Permanent() bool }
	if !errors.As(err, &perm) || !perm.Permanent() {
		t.Error("a 403 is not marked permanent")
	}
	if !sum.Incomplete || sum.Loaded != 0 || len(f.reqs()) != 1 {
		t.Errorf("summary %+v after %d requests; want one request, nothing loaded", sum, len(f.reqs()))
	}
}

func TestGraph401ClaimsChallenge(t *testing.T) {
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	const challenge = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTcyNjI1ODEyMiJ9fX0="`
	f.inject = func(n int, r *http.Request) *fakeAnswer {
		return &fakeAnswer{Status: 401, Header: http.Header{"Www-Authenticate": {challenge}}, Body: graphErrorJSON("InvalidAuthenticationToken", "Continuous access evaluation resulted in challenge")}
	}
	j := newMemJournal()
	_, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), challenge) {
		t.Fatalf("error %v, want the challenge verbatim", err)
	}
	var ge *GraphError
	if !errors.As(err, &ge) || ge.StatusCode != 401 || ge.Challenge != challenge {
		t.Errorf("GraphError %+v", ge)
	}
}

// Tokens never travel in clear: azcore's bearer policy refuses http://
// before anything is sent.
func TestGraphHTTPRefused(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	c, err := NewGraphClient(&fake.TokenCredential{}, Cloud{Name: "public", GraphRoot: srv.URL}, GraphClientOptions{Transport: srv.Client(), Now: clk.Now, Sleep: clk.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	j := newMemJournal()
	sum, err := PullGraph(context.Background(), j, c, graphPull(gT0, gT0.Add(24*time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "authorized requests are not permitted for non-TLS protected (https) endpoints") {
		t.Fatalf("error %v, want azcore's https refusal", err)
	}
	if hits != 0 || !sum.Incomplete || len(clk.slept()) != 0 {
		t.Errorf("%d requests reached the server, %d sleeps; want none (no retry)", hits, len(clk.slept()))
	}
}

func TestGraphChinaRefused(t *testing.T) {
	china, err := CloudByName("china")
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewGraphClient(&fake.TokenCredential{}, china, GraphClientOptions{})
	if err == nil || !strings.Contains(err.Error(), "directoryAudits is not available in Azure China (21Vianet)") {
		t.Fatalf("error %v", err)
	}
	public, _ := CloudByName("public")
	c, err := NewGraphClient(&fake.TokenCredential{}, public, GraphClientOptions{})
	if err != nil || c.Root() != "https://graph.microsoft.com" || c.PageSize() != DefaultGraphPageSize {
		t.Fatalf("public client: %v", err)
	}
}

// Resume: loaded chunks are not asked again, a fetched chunk whose spool
// verifies is loaded without a request, the rest are fetched.
func TestGraphResume(t *testing.T) {
	clk := newFakeClock(gT0.Add(73 * time.Hour))
	f := newFakeGraph(t, clk)
	want := graphFixture(f)
	j := newMemJournal()
	j.fail = func(step string, seq int64) error {
		if step == "load" && seq == 2 {
			return errors.New("disk full")
		}
		return nil
	}
	c := f.client(t, GraphClientOptions{PageSize: 4})
	dir := t.TempDir()
	p := graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites)
	sum, err := PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir})
	if err == nil || !strings.Contains(err.Error(), "disk full") || !strings.HasSuffix(err.Error(), resumeHint) {
		t.Fatalf("first run: %v", err)
	}
	if sum.Loaded != 1 || j.chunks[1][1].State != store.ChunkFetched {
		t.Fatalf("first run: %+v, chunk 2 %s", sum, j.chunks[1][1].State)
	}
	firstRun := len(f.reqs())

	j.fail = nil
	sum, err = PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Loaded != 3 || !sum.Pull.Complete || len(j.pulls) != 1 {
		t.Errorf("second run %+v, %d pulls", sum, len(j.pulls))
	}
	for _, r := range f.reqs()[firstRun:] {
		if r.Token == "" && !strings.HasPrefix(r.Filter, "activityDateTime ge 2026-10-19T00:00:00Z") {
			t.Errorf("second run asked again for %s", r.Filter)
		}
	}
	checkOnce(t, j, want)
	if fmt.Sprint(j.loads) != "[1 2 3]" {
		t.Errorf("loads %v", j.loads)
	}
	// A complete pull run again asks nothing.
	before := len(f.reqs())
	if sum, err := PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: dir}); err != nil || !sum.Pull.Complete || sum.Loaded != 3 || len(f.reqs()) != before {
		t.Errorf("third run: %v, %+v, %d new requests", err, sum, len(f.reqs())-before)
	}

	// A fetched chunk whose spool no longer verifies is fetched again.
	j2 := newMemJournal()
	j2.fail = func(step string, seq int64) error {
		if step == "load" && seq == 1 {
			return errors.New("crash")
		}
		return nil
	}
	dir2 := t.TempDir()
	p2 := graphPull(gT0, gT0.Add(24*time.Hour), ScopeAll)
	if _, err := PullGraph(context.Background(), j2, c, p2, PullOptions{SpoolDir: dir2}); err == nil {
		t.Fatal("load failure not reported")
	}
	if err := os.WriteFile(j2.chunks[1][0].RawPath, []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	before = len(f.reqs())
	j2.fail = nil
	if _, err := PullGraph(context.Background(), j2, c, p2, PullOptions{SpoolDir: dir2}); err != nil {
		t.Fatal(err)
	}
	if len(f.reqs()) == before {
		t.Error("a spool that does not verify was loaded without fetching again")
	}
}

func TestGraphCancel(t *testing.T) {
	clk := newFakeClock(gT0.Add(73 * time.Hour))
	f := newFakeGraph(t, clk)
	graphFixture(f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	j := newMemJournal()
	opt := PullOptions{SpoolDir: t.TempDir(), Progress: func(p Progress) {
		if strings.HasPrefix(p.Note, "chunk 1 of 3 loaded") {
			cancel()
		}
	}}
	sum, err := PullGraph(ctx, j, f.client(t, GraphClientOptions{PageSize: 4}), graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites), opt)
	if !errors.Is(err, context.Canceled) || !strings.HasSuffix(err.Error(), resumeHint) {
		t.Fatalf("error %v", err)
	}
	if !sum.Incomplete || sum.Loaded != 1 || j.pulls[0].Complete {
		t.Errorf("summary %+v", sum)
	}

	// Cancelled in the middle of a chunk's paging: nothing of it is loaded.
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	j2 := newMemJournal()
	opt.Progress = func(p Progress) {
		if strings.Contains(p.Note, "page 2") {
			cancel2()
		}
	}
	sum, err = PullGraph(ctx2, j2, f.client(t, GraphClientOptions{PageSize: 2}), graphPull(gT0, gT0.Add(72*time.Hour), ScopeInvites), opt)
	if !errors.Is(err, context.Canceled) || sum.Loaded != 0 || len(j2.loads) != 0 {
		t.Errorf("cancel mid-chunk: %v, %+v", err, sum)
	}
}

func TestGraphDryRunAndNotes(t *testing.T) {
	clk := newFakeClock(gT0)
	f := newFakeGraph(t, clk)
	j := newMemJournal()
	dir := filepath.Join(t.TempDir(), "spool")
	var notes []string
	from := gT0.Add(-40 * 24 * time.Hour)
	sum, err := PullGraph(context.Background(), j, f.client(t, GraphClientOptions{}), graphPull(from, gT0, ScopeTrail), PullOptions{
		DryRun: true, SpoolDir: dir, Progress: func(p Progress) { notes = append(notes, p.Note) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Chunks != 40 || len(sum.Plan) != 40 || len(f.reqs()) != 0 || len(j.pulls) != 0 {
		t.Errorf("dry run: %d chunks, %d requests, %d pulls recorded", sum.Chunks, len(f.reqs()), len(j.pulls))
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("the dry run made the spool directory")
	}
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, "coverage may be short") || !strings.Contains(all, "30 days") || !strings.Contains(all, "fetches every directory audit record") {
		t.Errorf("notes %q", notes)
	}
	if n := GraphNotes(graphPull(gT0.Add(-3*24*time.Hour), gT0, ScopeInvites), gT0); len(n) != 0 {
		t.Errorf("notes for a 3-day invites pull: %q", n)
	}
	if n := GraphRetentionNote(gT0.Add(-10*24*time.Hour), gT0); !strings.Contains(n, "Free") {
		t.Errorf("10-day note %q", n)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 10, 17, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2.128", 2128 * time.Millisecond, true},
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"Sat, 17 Oct 2026 12:00:05 GMT", 5 * time.Second, true},
		{"Sat, 17 Oct 2026 11:00:00 GMT", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"NaN", 0, false},
		{"soon", 0, false},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestGraphBackoffAndLongRetryAfter(t *testing.T) {
	c, err := NewGraphClient(&fake.TokenCredential{}, Cloud{Name: "public", GraphRoot: "https://graph.microsoft.com"}, GraphClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []time.Duration
	for a := 1; a <= 8; a++ {
		got = append(got, c.backoff(a))
	}
	if fmt.Sprint(got) != "[2.1s 4.2s 8.4s 16.8s 33.6s 1m0s 1m0s 1m0s]" {
		t.Errorf("backoff %v", got)
	}

	// A Retry-After beyond ten minutes stops the pull rather than sleeping.
	clk := newFakeClock(gT0.Add(25 * time.Hour))
	f := newFakeGraph(t, clk)
	f.inject = func(n int, r *http.Request) *fakeAnswer {
		return &fakeAnswer{Status: 429, Header: http.Header{"Retry-After": {"3600"}}}
	}
	_, err = PullGraph(context.Background(), newMemJournal(), f.client(t, GraphClientOptions{}), graphPull(gT0, gT0.Add(time.Hour), ScopeInvites), PullOptions{SpoolDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "asked to wait 1h0m0s") || len(clk.slept()) != 0 {
		t.Errorf("error %v after sleeps %v", err, clk.slept())
	}
}

func TestGraphNextLinkStaysOnRoot(t *testing.T) {
	c, err := NewGraphClient(&fake.TokenCredential{}, Cloud{Name: "public", GraphRoot: "https://graph.microsoft.com/"}, GraphClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.checkNextLink("https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$skiptoken=x"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"https://evil.example/v1.0/x", "/v1.0/relative", "::"} {
		if c.checkNextLink(bad) == nil {
			t.Errorf("nextLink %q accepted", bad)
		}
	}
}

func TestGraphPullRecordChecks(t *testing.T) {
	f := newFakeGraph(t, newFakeClock(gT0))
	c := f.client(t, GraphClientOptions{})
	j := newMemJournal()
	for _, p := range []store.Pull{
		{Source: "la", From: gT0, To: gT0.Add(time.Hour)},
		{Target: "https://graph.microsoft.com", From: gT0, To: gT0.Add(time.Hour)},
		{Scope: "signins", From: gT0, To: gT0.Add(time.Hour)},
		{From: gT0, To: gT0},
	} {
		if _, err := PullGraph(context.Background(), j, c, p, PullOptions{SpoolDir: t.TempDir()}); err == nil {
			t.Errorf("pull %+v accepted", p)
		}
	}
	if _, err := PullGraph(context.Background(), j, c, graphPull(gT0, gT0.Add(time.Hour), ScopeAll), PullOptions{}); err == nil {
		t.Error("a pull without a spool directory was accepted")
	}
}
