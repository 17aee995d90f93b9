package live

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
)

func TestLARetryAfter(t *testing.T) {
	now := time.Date(2026, 10, 20, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"1": time.Second, "2.128": 2128 * time.Millisecond, "120": 2 * time.Minute, " 7 ": 7 * time.Second,
		"Tue, 20 Oct 2026 12:00:30 GMT": 30 * time.Second, "Tue, 20 Oct 2026 11:00:00 GMT": 0,
		"": 0, "-1": 0, "0": 0, "soon": 0, "NaN": 0, "1e300": 0,
	} {
		if got := parseLARetryAfter(v, now); got != want {
			t.Errorf("Retry-After %q = %s, want %s", v, got, want)
		}
	}
	h := http.Header{}
	h.Set("retry-after-ms", "1500")
	h.Set("Retry-After", "9")
	if got := laRetryAfter(h, now); got != 1500*time.Millisecond {
		t.Errorf("retry-after-ms is preferred: got %s", got)
	}
}

func TestCheckTarget(t *testing.T) {
	arm := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/sentinel-ws"
	for target, wantResource := range map[string]bool{fakeWorkspace: false, arm: true, arm + "/": true} {
		if res, err := CheckTarget(target); err != nil || res != wantResource {
			t.Errorf("CheckTarget(%q) = %v, %v", target, res, err)
		}
	}
	for _, bad := range []string{"", "sentinel-ws", "/subscriptions/x/workspaces/", arm + "/../../x", arm + "?x=1", "0b5d2f0c-1111-4a2b-8c3d"} {
		if _, err := CheckTarget(bad); err == nil {
			t.Errorf("CheckTarget(%q) accepted", bad)
		}
	}
}

// queryOnce runs one chunk query against the fake with override answering.
func queryOnce(t *testing.T, answer func(w http.ResponseWriter, q *laRequest) bool) (LAResponse, error, *fakeLA) {
	t.Helper()
	f := newFakeLA(t)
	f.override = answer
	kql, _ := ChunkKQL(ScopeInvites, Interval{fakeFrom, fakeTo})
	res, err := f.client().Query(context.Background(), fakeWorkspace, kql, Interval{fakeFrom, fakeTo}, 0)
	return res, err, f
}

func TestQueryErrors(t *testing.T) {
	claims := `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNzI2MDc3NTk1In19fQ=="`
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter)
		kind   ErrKind
		want   []string
	}{
		{"429", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "2.128")
			writeError(w, 429, "ThrottledError", "Too many requests")
		}, KindThrottled, []string{"429", "2.128s"}},
		{"504", func(w http.ResponseWriter) { writeError(w, 504, "GatewayTimeout", "Gateway timeout") }, KindTimeout, []string{"504"}},
		{"204", func(w http.ResponseWriter) { w.WriteHeader(204) }, KindNoContent, []string{"no data"}},
		{"empty 200", func(w http.ResponseWriter) { w.WriteHeader(200) }, KindEmpty, []string{"no table"}},
		{"400", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			w.Write([]byte(`{"error":{"message":"The request had some invalid properties","code":"BadArgumentError","correlationId":"x",` +
				`"innererror":{"code":"SemanticError","message":"A semantic error occurred.","innererror":{"code":"SEM0100",` +
				`"message":"'where' operator: Failed to resolve table or column expression named 'AuditLogs'"}}}}`))
		}, KindBadQuery, []string{"400", "Failed to resolve table or column expression named 'AuditLogs'", "SemanticError"}},
		{"403", func(w http.ResponseWriter) {
			writeError(w, 403, "InsufficientAccessError", "The provided credentials have insufficient access to perform the requested operation")
		}, KindPermission, []string{"403", RoleHint, "insufficient access"}},
		{"401 claims", func(w http.ResponseWriter) {
			w.Header().Set("WWW-Authenticate", claims)
			writeError(w, 401, "InvalidTokenError", "The provided authentication is not valid for this resource")
		}, KindPermission, []string{"401", RoleHint, claims}},
		{"mid-body", func(w http.ResponseWriter) { hangUp(w) }, KindTransport, []string{"connection failed"}},
		{"500", func(w http.ResponseWriter) { writeError(w, 500, "InternalServerError", "boom") }, KindTransport, []string{"500"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err, _ := queryOnce(t, func(w http.ResponseWriter, q *laRequest) bool { c.answer(w); return true })
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Kind != c.kind {
				t.Fatalf("got %v (%T), want kind %s", err, err, c.kind)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			wantPermanent := c.kind == KindPermission || c.kind == KindBadQuery || c.kind == KindNoContent
			if qe.Permanent() != wantPermanent {
				t.Errorf("Permanent() = %v", qe.Permanent())
			}
			if strings.Contains(err.Error(), "fake_token") {
				t.Errorf("the token leaked into %q", err)
			}
		})
	}
}

func TestQueryPartial(t *testing.T) {
	f := newFakeLA(t)
	f.maxRows = 3
	kql, _ := ChunkKQL(ScopeAll, Interval{fakeFrom, fakeTo})
	res, err := f.client().Query(context.Background(), fakeWorkspace, kql, Interval{fakeFrom, fakeTo}, time.Minute)
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Kind != KindTooLarge || qe.Code != "PartialError" {
		t.Fatalf("got %v, want a too-large PartialError", err)
	}
	if len(res.Rows) != 3 || len(res.Columns) != 30 || !strings.Contains(string(res.Raw), `"PartialError"`) {
		t.Errorf("partial answer: %d rows, %d columns", len(res.Rows), len(res.Columns))
	}
	if r := f.log()[0]; r.Prefer != "wait=60" || !r.BearerOK || r.Path != "/v1/workspaces/"+fakeWorkspace+"/query" {
		t.Errorf("request: %+v", r)
	}
}

func TestQueryEnvelopeAndResource(t *testing.T) {
	f := newFakeLA(t)
	arm := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/ws"
	iv := Interval{fakeFrom.Add(1234567 * 100), fakeFrom.Add(time.Hour + 100)}
	kql, _ := ChunkKQL(ScopeInvites, iv)
	if _, err := f.client().Query(context.Background(), arm, kql, iv, 0); err != nil {
		t.Fatal(err)
	}
	r := f.log()[0]
	if r.Path != "/v1"+arm+"/query" {
		t.Errorf("resource query went to %s", r.Path)
	}
	if want := "2026-10-16T23:59:59Z/2026-10-17T01:00:02Z"; r.Timespan != want {
		t.Errorf("timespan %s, want %s", r.Timespan, want)
	}
	if r.Prefer != "wait=300" {
		t.Errorf("Prefer %q", r.Prefer)
	}
}

func TestKustoAdapter(t *testing.T) {
	body := `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"n","type":"long"},` +
		`{"name":"d","type":"dynamic"}],"rows":[["2026-10-17T00:00:00.1234567Z","5",{"a":1}],["2026-10-17T00:00:01Z",6,"{\"a\":2}"]]}]}`
	f := newFakeLA(t)
	f.override = func(w http.ResponseWriter, q *laRequest) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
		return true
	}
	kql, _ := PreflightKQL(Interval{fakeFrom, fakeTo})
	got, err := f.client().Kusto(fakeWorkspace).Query(context.Background(), kql, [2]time.Time{fakeFrom, fakeTo})
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Raw) != body || strings.Join(got.Columns, ",") != "TimeGenerated,n,d" || strings.Join(got.Types, ",") != "datetime,long,dynamic" {
		t.Errorf("table %+v", got)
	}
	// Numbers stay exact (json.Number) and a dynamic object keeps its text,
	// so push-down rows equal what the loaders store.
	if len(got.Rows) != 2 || got.Rows[0][1] != "5" || got.Rows[1][1] != json.Number("6") {
		t.Errorf("rows %#v", got.Rows)
	}
	if raw, ok := got.Rows[0][2].(json.RawMessage); !ok || string(raw) != `{"a":1}` {
		t.Errorf("dynamic object decoded as %T %v", got.Rows[0][2], got.Rows[0][2])
	}
	if got.Rows[1][2] != `{"a":2}` {
		t.Errorf("dynamic text decoded as %#v", got.Rows[1][2])
	}
	if r := f.log()[0]; r.Timespan != "2026-10-17T00:00:00Z/2026-10-18T00:00:00Z" || r.Prefer != "include-statistics=true,wait=600" {
		t.Errorf("push-down request: %+v", r)
	}
}

// A plain-http endpoint is refused before any request: bearer tokens go
// over TLS only.
func TestQueryRefusesPlainHTTP(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	c, err := NewLAClient(&fake.TokenCredential{}, Cloud{Name: "test", LogsAudience: "https://api.loganalytics.io", LogsEndpoint: srv.URL + "/v1"},
		LAClientOptions{MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Query(context.Background(), fakeWorkspace, "AuditLogs | take 1", Interval{fakeFrom, fakeTo}, 0)
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Kind != KindConfig || !strings.Contains(err.Error(), "non-TLS protected (https) endpoints") {
		t.Fatalf("got %v", err)
	}
	if hits.Load() != 0 {
		t.Errorf("the plain-http server saw %d requests", hits.Load())
	}
}

func TestQuerySignInFailure(t *testing.T) {
	f := newFakeLA(t)
	cred := &fake.TokenCredential{}
	cred.SetError(errors.New("AzureCLICredential: please run 'az login --claims-challenge abc'"))
	c, _ := NewLAClient(cred, Cloud{Name: "t", LogsAudience: "https://api.loganalytics.io", LogsEndpoint: f.srv.URL + "/v1"},
		LAClientOptions{Transport: f.srv.Client(), MaxRetries: -1})
	_, err := c.Query(context.Background(), fakeWorkspace, "AuditLogs", Interval{fakeFrom, fakeTo}, 0)
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Kind != KindAuth || !strings.Contains(err.Error(), "az login --claims-challenge abc") {
		t.Fatalf("got %v", err)
	}
	if len(f.log()) != 0 {
		t.Error("a request went out without a token")
	}
}

func TestPartialErrorKinds(t *testing.T) {
	for body, want := range map[string]ErrKind{
		`{"tables":[],"error":{"code":"PartialError","message":"m","details":[{"code":"E_QUERY_RESULT_SET_TOO_LARGE","message":"too many"}]}}`: KindTooLarge,
		`{"error":{"code":"PartialError","message":"m","details":[{"code":"EngineError","innererror":{"code":"-2133196797",` +
			`"message":"The results of this query exceed the set limit of 64000000 bytes, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003)."}}]}}`: KindTooLarge,
		`{"error":{"code":"PartialError","message":"m","details":[{"code":"E_RUNAWAY_QUERY","message":"Query exceeded the memory limit of a node"}]}}`: KindPartial,
	} {
		qe := partialError("ws", []byte(body))
		if qe == nil || qe.Kind != want {
			t.Errorf("%s: got %+v, want %s", body, qe, want)
		}
	}
	if partialError("ws", []byte(`{"tables":[]}`)) != nil {
		t.Error("a body without an error is partial")
	}
}

// The SDK retries 408/429/5xx for plain queries, but leaves a 429 to the
// pull's loop (which pauses every worker) and never retries a 504.
func TestSDKRetries(t *testing.T) {
	f := newFakeLA(t)
	status := 0
	f.override = func(w http.ResponseWriter, q *laRequest) bool {
		writeError(w, status, "E", "e")
		return true
	}
	lc, err := NewLAClient(&fake.TokenCredential{}, Cloud{Name: "t", LogsAudience: "https://api.loganalytics.io", LogsEndpoint: f.srv.URL + "/v1"},
		LAClientOptions{Transport: f.srv.Client(), MaxRetries: 2, RetryDelay: time.Millisecond, MaxRetryDelay: 2 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	iv := Interval{fakeFrom, fakeTo}
	kql, _ := ChunkKQL(ScopeInvites, iv)
	for _, c := range []struct {
		status int
		pull   bool
		tries  int
	}{{429, false, 3}, {429, true, 1}, {503, true, 3}, {504, false, 1}, {504, true, 1}} {
		status = c.status
		before := len(f.log())
		q := lc.Query
		if c.pull {
			q = lc.pullQuery
		}
		if _, err := q(context.Background(), fakeWorkspace, kql, iv, 0); err == nil {
			t.Fatalf("%d answered nil", c.status)
		}
		if n := len(f.log()) - before; n != c.tries {
			t.Errorf("status %d (pull loop %v): %d tries, want %d", c.status, c.pull, n, c.tries)
		}
	}
}
