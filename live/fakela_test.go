package live

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"

	"github.com/guesthunt/guesthunt/data"
)

// fakeLA is a Log Analytics query API on a loopback TLS server. It holds
// synthetic AuditLogs events and answers the pull's queries (preflight,
// histogram, chunk) by reading their exact bounds and scope from the KQL,
// half-open, as Kusto would. Its limits are small so splitting happens
// with a few hundred events; override can answer anything instead.
type fakeLA struct {
	t      testing.TB
	srv    *httptest.Server
	events []fakeEvent // by time

	maxRows  int // a chunk answer over either limit is a PartialError with rows cut
	maxBytes int

	mu       sync.Mutex
	requests []laRequest
	inFlight int
	maxIn    int
	// override, when set, may answer a request itself (returning true).
	override func(w http.ResponseWriter, r *laRequest) bool
}

type fakeEvent struct {
	id       string
	at       time.Time
	op       string
	ingested time.Time // zero: long before any pull
	cells    []any     // the row as served; nil: made up from the fields above (row)
}

// laRequest is what the server saw of one request.
type laRequest struct {
	N          int // 1-based, in arrival order
	Path       string
	KQL        string
	Timespan   string
	Prefer     string
	BearerOK   bool // Authorization was "Bearer fake_token"
	Kind       string
	From, To   time.Time // the KQL's bounds
	Scope      Scope
	Ingested   bool // the query filters on ingestion_time() > Since
	Since      time.Time
	BinMinutes bool
}

const fakeWorkspace = "0b5d2f0c-1111-4a2b-8c3d-123456789abc"

// fakeSpan is the fake workspace's pull interval: one day.
var fakeFrom, fakeTo = day(17), day(18)

func newFakeLA(t testing.TB) *fakeLA {
	return newFakeLAWith(t, fakeEvents())
}

func newFakeLAWith(t testing.TB, events []fakeEvent) *fakeLA {
	f := &fakeLA{t: t, maxRows: 40, maxBytes: 64 << 10}
	f.events = events
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes cut by a stopping pull are no news
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

// fakeEvents: a few hundred events over the day, invites and others, with
// events exactly at every hour's edge and one tick before it (the planner
// cuts at hours), at From, at To minus a tick, and just outside [From, To).
func fakeEvents() []fakeEvent {
	var ev []fakeEvent
	add := func(at time.Time, op string) {
		ev = append(ev, fakeEvent{id: fmt.Sprintf("ev-%04d", len(ev)), at: at, op: op})
	}
	ops := []string{"Invite external user", "Invite external user", "invite EXTERNAL user", "Update user", "Add member to group", "Delete user", "Update application"}
	for i := 0; i < 260; i++ {
		at := fakeFrom.Add(time.Duration(i) * 5 * time.Minute).Add(time.Duration(i*7919) * data.Tick)
		add(at, ops[i%len(ops)])
	}
	for h := 1; h < 24; h++ {
		b := fakeFrom.Add(time.Duration(h) * time.Hour)
		add(b, "Invite external user")
		add(b.Add(-data.Tick), "Invite external user")
	}
	add(fakeFrom, "Invite external user")
	add(fakeTo.Add(-data.Tick), "Invite external user")
	add(fakeTo, "Invite external user")                   // outside
	add(fakeFrom.Add(-data.Tick), "Invite external user") // outside
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].at.Before(ev[j].at) })
	return ev
}

// inside lists the Ids a pull of [from, to) in scope s must load.
func (f *fakeLA) inside(from, to time.Time, s Scope) map[string]bool {
	ids := map[string]bool{}
	for _, e := range f.events {
		if !e.at.Before(from) && e.at.Before(to) && inScope(e.op, s) {
			ids[e.id] = true
		}
	}
	return ids
}

var trailAddRE = regexp.MustCompile(trailAddPattern)

func inScope(op string, s Scope) bool {
	switch s {
	case ScopeAll:
		return true
	case ScopeTrail:
		for _, o := range trailOperations {
			if strings.EqualFold(o, op) {
				return true
			}
		}
		return trailAddRE.MatchString(op)
	}
	return strings.EqualFold(op, "Invite external user")
}

// client builds an LAClient that trusts the server, with SDK retries off
// so the pull's loop sees every answer.
func (f *fakeLA) client() *LAClient {
	f.t.Helper()
	c, err := NewLAClient(&fake.TokenCredential{}, Cloud{Name: "public", LogsAudience: "https://api.loganalytics.io", LogsEndpoint: f.srv.URL + "/v1"},
		LAClientOptions{Transport: f.srv.Client(), MaxRetries: -1})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fakeLA) log() []laRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]laRequest(nil), f.requests...)
}

var sinceRE = regexp.MustCompile(`ingestion_time\(\) > datetime\(([^)]+)\)(?: \+ (\d+)tick)?`)

var boundsRE = regexp.MustCompile(`TimeGenerated >= datetime\(([^)]+)\)(?: \+ (\d+)tick)? and TimeGenerated < datetime\(([^)]+)\)(?: \+ (\d+)tick)?`)

func parseBound(lit, ticks string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, lit)
	if err != nil {
		return t, err
	}
	if ticks != "" {
		n, err := strconv.ParseInt(ticks, 10, 64)
		if err != nil {
			return t, err
		}
		t = t.Add(time.Duration(n) * data.Tick)
	}
	return t.UTC(), nil
}

// parse reads a request as the service would need to.
func (f *fakeLA) parse(r *http.Request) (*laRequest, error) {
	var body struct {
		Query    string `json:"query"`
		Timespan string `json:"timespan"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return nil, nil // the client gave up mid-request (a pull stopping): nothing to check
	}
	q := &laRequest{Path: r.URL.Path, KQL: body.Query, Timespan: body.Timespan, Prefer: r.Header.Get("Prefer"),
		BearerOK: r.Header.Get("Authorization") == "Bearer fake_token"}
	m := boundsRE.FindStringSubmatch(body.Query)
	if m == nil {
		return q, fmt.Errorf("no bounds in %q", body.Query)
	}
	var err error
	if q.From, err = parseBound(m[1], m[2]); err != nil {
		return q, err
	}
	if q.To, err = parseBound(m[3], m[4]); err != nil {
		return q, err
	}
	switch {
	case strings.Contains(body.Query, "OperationName in~"):
		q.Scope = ScopeTrail
	case strings.Contains(body.Query, `OperationName =~ "Invite external user"`):
		q.Scope = ScopeInvites
	default:
		q.Scope = ScopeAll
	}
	if m := sinceRE.FindStringSubmatch(body.Query); m != nil {
		if q.Since, err = parseBound(m[1], m[2]); err != nil {
			return q, err
		}
		q.Ingested = true
	}
	switch {
	case strings.Contains(body.Query, "summarize n=count(), lo="):
		q.Kind = "preflight"
	case strings.Contains(body.Query, "bin(TimeGenerated, 1h)"):
		q.Kind = "histogram"
	case strings.Contains(body.Query, "bin(TimeGenerated, 1m)"):
		q.Kind, q.BinMinutes = "histogram", true
	case strings.Contains(body.Query, "| project "):
		q.Kind = "chunk"
	default:
		return q, fmt.Errorf("unknown query %q", body.Query)
	}
	// The timespan must hold the exact bounds: it is intersected with them.
	parts := strings.Split(body.Timespan, "/")
	if len(parts) != 2 {
		return q, fmt.Errorf("timespan %q", body.Timespan)
	}
	a, err1 := time.Parse(time.RFC3339, parts[0])
	b, err2 := time.Parse(time.RFC3339, parts[1])
	if err1 != nil || err2 != nil || a.After(q.From) || b.Before(q.To) {
		return q, fmt.Errorf("timespan %q does not hold [%s, %s)", body.Timespan, q.From, q.To)
	}
	return q, nil
}

func (f *fakeLA) serve(w http.ResponseWriter, r *http.Request) {
	q, err := f.parse(r)
	if q == nil && err == nil {
		return
	}
	f.mu.Lock()
	if q != nil {
		q.N = len(f.requests) + 1
		f.requests = append(f.requests, *q)
	}
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	override := f.override
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if err != nil {
		f.t.Errorf("fake LA: %v", err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !q.BearerOK {
		writeError(w, http.StatusUnauthorized, "AuthorizationRequiredError", "Valid authentication was not provided")
		return
	}
	if override != nil && override(w, q) {
		return
	}
	switch q.Kind {
	case "preflight":
		f.answerPreflight(w, q)
	case "histogram":
		f.answerHistogram(w, q)
	default:
		f.answerChunk(w, q)
	}
}

func (f *fakeLA) matching(q *laRequest) []fakeEvent {
	var out []fakeEvent
	f.each(q, func(_ int, e *fakeEvent) { out = append(out, *e) })
	return out
}

// each calls fn on the events q asks for, in time order, without copying
// them (the benchmark's aggregate queries span millions of events, and the
// server's memory is counted with the pull's).
func (f *fakeLA) each(q *laRequest, fn func(i int, e *fakeEvent)) {
	n := 0
	for k := range f.events {
		e := &f.events[k]
		if !e.at.Before(q.From) && e.at.Before(q.To) && inScope(e.op, q.Scope) && (!q.Ingested || e.ingested.After(q.Since)) {
			fn(n, e)
			n++
		}
	}
}

type fakeColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type fakeTable struct {
	Name    string       `json:"name"`
	Columns []fakeColumn `json:"columns"`
	Rows    [][]any      `json:"rows"`
}

func writeTables(w http.ResponseWriter, cols []fakeColumn, rows [][]any, partial any) {
	if rows == nil {
		rows = [][]any{}
	}
	body := map[string]any{"tables": []fakeTable{{Name: "PrimaryResult", Columns: cols, Rows: rows}}}
	if partial != nil {
		body["error"] = partial
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error":{"message":%q,"code":%q,"correlationId":"5b4b1c4e-0000-4000-8000-000000000000"}}`, msg, code)
}

func kustoTime(t time.Time) string { return t.UTC().Format(data.TimeLayout) }

func (f *fakeLA) answerPreflight(w http.ResponseWriter, q *laRequest) {
	all := *q
	all.Scope = ScopeAll
	var n int
	var lo, hi time.Time
	f.each(&all, func(i int, e *fakeEvent) {
		if i == 0 {
			lo = e.at
		}
		hi, n = e.at, n+1
	})
	row := []any{n, nil, nil}
	if n > 0 {
		row = []any{strconv.Itoa(n), kustoTime(lo), kustoTime(hi)} // a number as a string, as the REST spec's example
	}
	writeTables(w, []fakeColumn{{"n", "long"}, {"lo", "datetime"}, {"hi", "datetime"}}, [][]any{row}, nil)
}

func (f *fakeLA) answerHistogram(w http.ResponseWriter, q *laRequest) {
	width := time.Hour
	if q.BinMinutes {
		width = time.Minute
	}
	type bin struct{ n, sz int }
	bins := map[time.Time]*bin{}
	f.each(q, func(i int, e *fakeEvent) {
		at := e.at.Truncate(width)
		if bins[at] == nil {
			bins[at] = &bin{}
		}
		bins[at].n++
		b, _ := json.Marshal(f.row(*e, i))
		bins[at].sz += len(b)
	})
	var keys []time.Time
	for k := range bins {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Before(keys[j]) })
	var rows [][]any
	for _, k := range keys {
		rows = append(rows, []any{kustoTime(k), bins[k].n, bins[k].sz})
	}
	writeTables(w, []fakeColumn{{"TimeGenerated", "datetime"}, {"n", "long"}, {"sz", "long"}}, rows, nil)
}

func (f *fakeLA) answerChunk(w http.ResponseWriter, q *laRequest) {
	ev := f.matching(q)
	var rows [][]any
	size := 0
	var partial any
	for i, e := range ev {
		row := f.row(e, i)
		b, _ := json.Marshal(row)
		if len(rows) == f.maxRows || size+len(b) > f.maxBytes {
			// The documented shape: the limit is named only in the inner
			// error's message, under a numeric code.
			partial = map[string]any{"code": "PartialError", "message": "There were some errors when processing your query.",
				"details": []map[string]any{{"code": "EngineError", "message": "Something went wrong processing your query on the server.",
					"innererror": map[string]any{"code": "-2133196797", "severity": 2, "severityName": "Error",
						"message": "The results of this query exceed the set limit of 65536 bytes, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003)."}}}}
			break
		}
		rows = append(rows, row)
		size += len(b)
	}
	cols := make([]fakeColumn, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		typ := "string"
		switch c.Type {
		case data.TypeTime:
			typ = "datetime"
		case data.TypeLong:
			typ = "long"
		case data.TypeDynamic:
			typ = "dynamic"
		}
		cols[i] = fakeColumn{c.Name, typ}
	}
	writeTables(w, cols, rows, partial)
}

// row is one event in the 30 canonical columns. Encodings vary as the
// service's do: dynamic as JSON text or as an object, long as a number or
// a string.
func (f *fakeLA) row(e fakeEvent, i int) []any {
	if e.cells != nil {
		return e.cells
	}
	ib := `{"user":{"userPrincipalName":"inviter` + strconv.Itoa(i%5) + `@contoso.com","ipAddress":"192.0.2.1","id":"u` + strconv.Itoa(i%5) + `"}}`
	tr := `[{"id":"g-` + e.id + `","userPrincipalName":"guest_` + e.id + `_example.com#EXT#@contoso.onmicrosoft.com","type":"User","modifiedProperties":[]}]`
	ad := `[{"key":"invitedUserEmailAddress","value":"guest@example.com"}]`
	dyn := func(s string) any {
		if i%2 == 0 {
			return s
		}
		return json.RawMessage(s)
	}
	var dur any = 0
	if i%3 == 0 {
		dur = "0"
	}
	return []any{"7a1b2c3d-0000-4000-8000-00000000000a", "Azure AD", kustoTime(e.at), "/tenants/7a1b2c3d/providers/Microsoft.aadiam",
		e.op, "1.0", "UserManagement", "0", "None", "", dur, "c-" + e.id, "Microsoft.aadiam", "Microsoft.aadiam",
		"Microsoft.aadiam", "", "4", "FR", dyn(ad), e.id, dyn(ib), "Invited Users", "success", "", dyn(tr),
		"7a1b2c3d-0000-4000-8000-00000000000a", e.op, kustoTime(e.at), "Add", "AuditLogs"}
}

// hangUp answers with a body that breaks off midway (a hijacked connection
// closed after half the promised bytes).
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	body := `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"}],"rows":[["2026-10-17T00:00:00.0000000Z"],`
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body)*3, body)
	buf.Flush()
}

// laClock is the pull's Now and Sleep: sleeping advances it at once and
// is recorded.
type laClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newLAClock() *laClock {
	return &laClock{now: time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC)}
}

func (c *laClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *laClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	c.mu.Unlock()
	return ctx.Err()
}

func (c *laClock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}
