package live

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
)

// fakeGraph is Microsoft Graph's auditLogs/directoryAudits over TLS, for
// tests: synthetic records in the documented shape, filtered by the
// $filter it parses, paged by $top with absolute nextLinks back to itself.
// It can answer empty pages, 429 with a fractional Retry-After, 400 on a
// $top too big, 403, 401, 503, and DirectoryPageTokenNotFoundException
// (for a page token used again after it was answered, and on demand).
type fakeGraph struct {
	t     *testing.T
	srv   *httptest.Server
	clock *fakeClock // request times are read from it (nil: not recorded)

	mu       sync.Mutex
	records  []fakeAudit
	tokens   map[string]*fakeCursor
	nextTok  int
	requests []fakeRequest
	served   map[string]int // record Id -> times sent in a page

	// Knobs, set before the first request.
	secondPrecision bool // compare activityDateTime truncated to the second, as a server might
	emptyPages      bool // every page chain starts and ends with an empty page
	maxTop          int  // a larger $top gets 400 (0: any)
	forbid          bool // every request gets 403
	// inject, when set, may answer request n (1-based) itself.
	inject func(n int, r *http.Request) *fakeAnswer
	// breakBody, when it says so for request n, sends the headers and part
	// of a body, then drops the connection.
	breakBody func(n int) bool
}

type fakeAudit struct {
	ID, Activity string
	At           time.Time
	Raw          []byte // the record's JSON as served
}

type fakeCursor struct {
	filter   string
	top      int
	ids      []int // indexes into records, the matching ones in serving order
	offset   int
	answered bool // a page was served for this token: using it again is an error
	tail     bool // the trailing empty page
}

type fakeRequest struct {
	URL    string // path and query as received
	Filter string // decoded $filter ("" on nextLink pages)
	Top    int
	Token  string
	At     time.Time // the fake clock at the request
	Auth   string    // the Authorization header
	Status int
}

type fakeAnswer struct {
	Status int
	Header http.Header
	Body   string
}

func newFakeGraph(t *testing.T, clock *fakeClock) *fakeGraph {
	t.Helper()
	f := &fakeGraph{t: t, clock: clock, tokens: map[string]*fakeCursor{}, served: map[string]int{}}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// cloud is a Cloud whose Graph root is the fake server.
func (f *fakeGraph) cloud() Cloud {
	return Cloud{Name: "public", GraphRoot: f.srv.URL}
}

// client is a GraphClient for the fake server, with a fake credential and
// the fake clock.
func (f *fakeGraph) client(t *testing.T, opt GraphClientOptions) *GraphClient {
	t.Helper()
	opt.Transport = f.srv.Client()
	if f.clock != nil {
		opt.Now, opt.Sleep = f.clock.Now, f.clock.Sleep
	}
	c, err := NewGraphClient(&fake.TokenCredential{}, f.cloud(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// add adds a synthetic record shaped like the Graph docs' example.
// addHourlyInvites adds n invites e0, e1, ... an hour apart from gT0+1h and
// returns their times by Id, as checkOnce wants them.
func (f *fakeGraph) addHourlyInvites(n int) map[string]time.Time {
	want := map[string]time.Time{}
	for i := 0; i < n; i++ {
		at := gT0.Add(time.Duration(i+1) * time.Hour)
		f.add(fmt.Sprintf("e%d", i), invite, at)
		want[fmt.Sprintf("e%d", i)] = at
	}
	return want
}

func (f *fakeGraph) add(id, activity string, at time.Time) {
	raw := fmt.Sprintf(`{"id":%q,"category":"UserManagement","correlationId":"da159bfb-54fa-4092-8a38-6e1fa7870e30","result":"success","resultReason":"","activityDisplayName":%q,"activityDateTime":%q,"loggedByService":"Invited Users","operationType":"Add","initiatedBy":{"app":null,"user":{"id":"728309ae-1e4f-4a1c-a5c2-02d7d2b5b0d9","displayName":null,"userPrincipalName":"inviter@contoso.com","ipAddress":"203.0.113.7","userType":null,"homeTenantId":null,"homeTenantName":null}},"targetResources":[{"id":"ef7e527d-6c92-4234-8c6d-cf6fdfb57f95","displayName":null,"type":"User","userPrincipalName":"guest_fabrikam.com#EXT#@contoso.onmicrosoft.com","groupType":null,"modifiedProperties":[]}],"additionalDetails":[{"key":"invitedUserEmailAddress","value":"guest@fabrikam.com"}]}`,
		id, activity, at.UTC().Format("2006-01-02T15:04:05.0000000Z"))
	f.mu.Lock()
	defer f.mu.Unlock()
	f.records = append(f.records, fakeAudit{ID: id, Activity: activity, At: at, Raw: []byte(raw)})
}

var fakeFilter = regexp.MustCompile(`^activityDateTime ge (\S+) and activityDateTime le (\S+)( and activityDisplayName eq '([^']*)')?$`)

func (f *fakeGraph) answer(w http.ResponseWriter, req *fakeRequest, a fakeAnswer) {
	for k, vs := range a.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(a.Status)
	_, _ = w.Write([]byte(a.Body))
	f.mu.Lock()
	req.Status = a.Status
	f.requests = append(f.requests, *req)
	f.mu.Unlock()
}

func graphErrorJSON(code, msg string) string {
	return fmt.Sprintf(`{"error":{"code":%q,"message":%q,"innerError":{"date":"2026-10-17T00:00:00","request-id":"00000000-0000-0000-0000-000000000000"}}}`, code, msg)
}

func (f *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	req := &fakeRequest{URL: r.URL.RequestURI(), Filter: q.Get("$filter"), Token: q.Get("$skiptoken"), Auth: r.Header.Get("Authorization")}
	req.Top, _ = strconv.Atoi(q.Get("$top"))
	if f.clock != nil {
		req.At = f.clock.Now()
	}
	f.mu.Lock()
	n := len(f.requests) + 1
	f.mu.Unlock()
	if f.breakBody != nil && f.breakBody(n) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"value":[{"id":"cut`))
		f.mu.Lock()
		req.Status = -1
		f.requests = append(f.requests, *req)
		f.mu.Unlock()
		return // the server closes the connection: the body is short
	}
	if f.inject != nil {
		if a := f.inject(n, r); a != nil {
			f.answer(w, req, *a)
			return
		}
	}
	if r.URL.Path != "/v1.0/auditLogs/directoryAudits" || r.Method != http.MethodGet {
		f.answer(w, req, fakeAnswer{Status: 404, Body: graphErrorJSON("Request_ResourceNotFound", "no such resource "+r.URL.Path)})
		return
	}
	if !strings.HasPrefix(req.Auth, "Bearer ") {
		f.answer(w, req, fakeAnswer{Status: 401, Body: graphErrorJSON("InvalidAuthenticationToken", "Access token is empty.")})
		return
	}
	if f.forbid {
		f.answer(w, req, fakeAnswer{Status: 403, Body: graphErrorJSON("Authorization_RequestDenied", "Insufficient privileges to complete the operation.")})
		return
	}
	if f.maxTop > 0 && req.Top > f.maxTop {
		f.answer(w, req, fakeAnswer{Status: 400, Body: graphErrorJSON("Request_UnsupportedQuery", fmt.Sprintf("Invalid page size specified: '%d'. Must be between 1 and %d inclusive.", req.Top, f.maxTop))})
		return
	}
	f.mu.Lock()
	var cur *fakeCursor
	if req.Token != "" {
		cur = f.tokens[req.Token]
		if cur == nil || cur.answered {
			f.mu.Unlock()
			f.answer(w, req, fakeAnswer{Status: 400, Body: graphErrorJSON("Directory_ExpiredPageToken", "DirectoryPageTokenNotFoundException: the page token was not found or has expired")})
			return
		}
	} else {
		m := fakeFilter.FindStringSubmatch(req.Filter)
		if m == nil || req.Top <= 0 {
			f.mu.Unlock()
			f.answer(w, req, fakeAnswer{Status: 400, Body: graphErrorJSON("BadRequest", fmt.Sprintf("Invalid filter clause %q or $top %q", req.Filter, q.Get("$top")))})
			return
		}
		a, errA := time.Parse(time.RFC3339, m[1])
		b, errB := time.Parse(time.RFC3339, m[2])
		if errA != nil || errB != nil {
			f.mu.Unlock()
			f.answer(w, req, fakeAnswer{Status: 400, Body: graphErrorJSON("BadRequest", "Invalid filter clause: bad datetime")})
			return
		}
		cur = &fakeCursor{filter: req.Filter, top: req.Top}
		for i, rec := range f.records {
			at := rec.At
			if f.secondPrecision {
				at = at.Truncate(time.Second)
			}
			if at.Before(a) || at.After(b) || (m[3] != "" && rec.Activity != m[4]) {
				continue
			}
			cur.ids = append(cur.ids, i)
		}
		// Graph lists the newest first.
		sort.SliceStable(cur.ids, func(x, y int) bool { return f.records[cur.ids[x]].At.After(f.records[cur.ids[y]].At) })
	}
	var page []string
	if !(f.emptyPages && req.Token == "") && !cur.tail {
		for cur.offset < len(cur.ids) && len(page) < cur.top {
			page = append(page, string(f.records[cur.ids[cur.offset]].Raw))
			f.served[f.records[cur.ids[cur.offset]].ID]++
			cur.offset++
		}
	}
	more, nextTail := false, false
	switch {
	case cur.tail:
	case f.emptyPages && req.Token == "":
		more = true // the data follows the empty first page
	case cur.offset < len(cur.ids):
		more = true
	case f.emptyPages:
		more, nextTail = true, true
	}
	if req.Token != "" {
		cur.answered = true
	}
	next := ""
	if more {
		f.nextTok++
		tok := fmt.Sprintf("tok%d", f.nextTok)
		f.tokens[tok] = &fakeCursor{filter: cur.filter, top: cur.top, ids: cur.ids, offset: cur.offset, tail: nextTail}
		next = f.srv.URL + "/v1.0/auditLogs/directoryAudits?$filter=" + strings.ReplaceAll(url.QueryEscape(cur.filter), "+", "%20") +
			"&$top=" + strconv.Itoa(cur.top) + "&$skiptoken=" + tok
	}
	f.mu.Unlock()
	body := `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits","value":[` + strings.Join(page, ",") + `]`
	if next != "" {
		nb, _ := json.Marshal(next)
		body += `,"@odata.nextLink":` + string(nb)
	}
	body += "}"
	f.answer(w, req, fakeAnswer{Status: 200, Body: body})
}

// reqs returns a copy of the requests seen so far.
func (f *fakeGraph) reqs() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

// fakeClock is a clock whose Sleep only moves it forward and records how
// long it was asked to sleep, so throttling waits take no real time.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{t: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}
