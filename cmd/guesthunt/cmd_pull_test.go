package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/live"
	"github.com/guesthunt/guesthunt/ui"
)

// workspace is a small fake Log Analytics workspace for the command's own
// tests (live's tests cover the pull's loop against a fuller fake): it
// answers the preflight, the histogram and every chunk with the demo
// tenant's invites in the asked span, or with the status set in fail.
type workspace struct {
	t       *testing.T
	srv     *httptest.Server
	rows    []json.RawMessage // la-api rows of the invites, in time order
	times   []time.Time
	mu      sync.Mutex
	fail    int // answer chunk queries with this status (0: answer)
	queries []string
}

const workspaceID = "0b5d2f0c-1111-4a2b-8c3d-123456789abc"

func newWorkspace(t *testing.T) *workspace {
	w := &workspace{t: t}
	var invites []data.Record
	for _, r := range demo.Tenant(1) {
		if strings.EqualFold(r.OperationName, "Invite external user") {
			invites = append(invites, r)
		}
	}
	var buf bytes.Buffer
	if err := formats.WriteRecords(&buf, formats.FormatLAAPI, invites); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Tables []struct {
			Rows []json.RawMessage `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(buf.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	w.rows = body.Tables[0].Rows
	for _, r := range invites {
		w.times = append(w.times, r.TimeGenerated)
	}
	w.srv = httptest.NewTLSServer(http.HandlerFunc(w.serve))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *workspace) deps() liveDeps {
	return liveDeps{
		credential: func(live.AuthOptions) (azcore.TokenCredential, error) { return &fake.TokenCredential{}, nil },
		transport:  w.srv.Client(),
		cloud: func(string) (live.Cloud, error) {
			return live.Cloud{Name: "public", LogsAudience: "https://api.loganalytics.io", LogsEndpoint: w.srv.URL + "/v1"}, nil
		},
	}
}

func (w *workspace) serve(rw http.ResponseWriter, r *http.Request) {
	var q struct{ Query string }
	json.NewDecoder(r.Body).Decode(&q)
	w.mu.Lock()
	w.queries = append(w.queries, q.Query)
	fail := w.fail
	w.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer fake_token" {
		http.Error(rw, "no token", http.StatusUnauthorized)
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	switch {
	case strings.Contains(q.Query, "lo=min(TimeGenerated)"):
		fmt.Fprintf(rw, `{"tables":[{"name":"PrimaryResult","columns":[{"name":"n","type":"long"},{"name":"lo","type":"datetime"},{"name":"hi","type":"datetime"}],"rows":[[%d,%q,%q]]}]}`,
			len(w.rows), w.times[0].Format(data.TimeLayout), w.times[len(w.times)-1].Format(data.TimeLayout))
	case strings.Contains(q.Query, "bin(TimeGenerated"):
		// One bin: the whole demo fits one chunk.
		fmt.Fprintf(rw, `{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"n","type":"long"},{"name":"sz","type":"long"}],"rows":[[%q,%d,%d]]}]}`,
			w.times[0].Truncate(time.Hour).Format(data.TimeLayout), len(w.rows), 1000*len(w.rows))
	case fail == http.StatusForbidden:
		rw.WriteHeader(fail)
		fmt.Fprint(rw, `{"error":{"message":"The provided credentials have insufficient access to perform the requested operation","code":"InsufficientAccessError"}}`)
	case fail != 0:
		rw.WriteHeader(fail)
		fmt.Fprint(rw, `{"error":{"message":"Gateway timeout","code":"GatewayTimeout"}}`)
	default:
		var rows []json.RawMessage
		for i, row := range w.rows {
			if inChunk(q.Query, w.times[i]) {
				rows = append(rows, row)
			}
		}
		out, _ := json.Marshal(rows)
		if rows == nil {
			out = []byte("[]")
		}
		cols := make([]string, len(data.AuditLogsColumns))
		for i, c := range data.AuditLogsColumns {
			typ := map[string]string{data.TypeTime: "datetime", data.TypeLong: "long", data.TypeDynamic: "dynamic"}[c.Type]
			if typ == "" {
				typ = "string"
			}
			cols[i] = fmt.Sprintf(`{"name":%q,"type":%q}`, c.Name, typ)
		}
		fmt.Fprintf(rw, `{"tables":[{"name":"PrimaryResult","columns":[%s],"rows":%s}]}`, strings.Join(cols, ","), out)
	}
}

// inChunk reads the chunk's whole-second bounds from its KQL (the pull
// here has whole-second bounds only).
func inChunk(kql string, t time.Time) bool {
	var from, to string
	if _, err := fmt.Sscanf(kql[strings.Index(kql, "TimeGenerated >= "):], "TimeGenerated >= datetime(%20s) and TimeGenerated < datetime(%20s)", &from, &to); err != nil {
		return false
	}
	f, _ := time.Parse(time.RFC3339, from)
	e, _ := time.Parse(time.RFC3339, to)
	return !t.Before(f) && t.Before(e)
}

func runWith(t *testing.T, deps liveDeps, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	io := streams{in: strings.NewReader(""), out: &out, err: &errb}
	root := newRootCommandWith(io, deps)
	root.SetArgs(args)
	code := exitStatus(io, root.ExecuteContext(context.Background()))
	return result{code, out.String(), errb.String()}
}

func TestPullIntoCaseThenHunt(t *testing.T) {
	w := newWorkspace(t)
	db := filepath.Join(t.TempDir(), "case.duckdb")
	from := demo.Start().Truncate(time.Second).Format(time.RFC3339)
	to := demo.End().Truncate(time.Second).Add(time.Second).Format(time.RFC3339)
	args := []string{"pull", "--workspace", workspaceID, "--db", db, "--from", from, "--to", to}

	dry := runWith(t, w.deps(), append(args, "--dry-run")...)
	if dry.code != 0 || !strings.Contains(dry.stdout, "nothing was pulled") || !strings.Contains(dry.stdout, "1 chunks") {
		t.Fatalf("dry run: %+v", dry)
	}
	if _, err := os.Stat(db + ".pulls"); err == nil {
		t.Error("a dry run made the spool directory")
	}

	r := runWith(t, w.deps(), args...)
	if r.code != 0 || !strings.Contains(r.stdout, "complete") || !strings.Contains(r.stdout, fmt.Sprintf("%d new events", len(w.rows))) {
		t.Fatalf("pull: %+v", r)
	}
	info, err := os.Stat(db)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("case file mode: %v %v", info.Mode(), err)
	}
	spools, _ := filepath.Glob(filepath.Join(db+".pulls", "*.json.gz"))
	for _, s := range spools {
		if info, _ := os.Stat(s); info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v", s, info.Mode())
		}
		if body, _ := os.ReadFile(s); bytes.Contains(body, []byte("fake_token")) {
			t.Errorf("%s holds the token", s)
		}
	}

	w.mu.Lock()
	asked := len(w.queries)
	w.mu.Unlock()
	again := runWith(t, w.deps(), args...)
	w.mu.Lock()
	askedAgain := len(w.queries) - asked
	w.mu.Unlock()
	if again.code != 0 || askedAgain != 0 {
		t.Errorf("a complete pull run again: %+v, %d queries", again, askedAgain)
	}

	st := runWith(t, w.deps(), "pull", "status", "--db", db)
	if st.code != 0 || !strings.Contains(st.stdout, "complete") || !strings.Contains(st.stdout, "1 loaded") {
		t.Errorf("status: %+v", st)
	}

	h := runWith(t, w.deps(), "hunt", "--db", db, "--as-of", demo.End().Format(time.RFC3339Nano), "--format", "json")
	want := runWith(t, w.deps(), "hunt", "--as-of", demo.End().Format(time.RFC3339Nano), "--format", "json")
	if h.code != 0 || h.stdout != want.stdout {
		t.Errorf("hunt on the pulled case differs from the demo's:\n%s\n---\n%s\n%s", h.stdout, want.stdout, h.stderr)
	}
}

// A missing role is exit 2 and names the role to ask for; a chunk the
// service keeps timing out on is exit 1 with the resume hint.
func TestPullExitStatuses(t *testing.T) {
	w := newWorkspace(t)
	db := filepath.Join(t.TempDir(), "case.duckdb")
	from := demo.Start().Truncate(time.Second).Format(time.RFC3339)
	to := demo.Start().Truncate(time.Second).Add(time.Minute).Format(time.RFC3339)
	args := []string{"pull", "--workspace", workspaceID, "--db", db, "--from", from, "--to", to}

	w.fail = http.StatusForbidden
	r := runWith(t, w.deps(), args...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "Log Analytics Reader") {
		t.Errorf("403: %+v", r)
	}

	w.fail = http.StatusGatewayTimeout
	r = runWith(t, w.deps(), args...)
	if r.code != exitError || !strings.Contains(r.stderr, "re-run the same command to resume") {
		t.Errorf("504 everywhere: %+v", r)
	}

	w.fail = 0
	r = runWith(t, w.deps(), args...)
	if r.code != 0 {
		t.Errorf("resumed: %+v", r)
	}

	if r := runWith(t, w.deps(), "pull", "--workspace", workspaceID, "--graph", "--db", db); r.code != exitUsage {
		t.Errorf("--workspace and --graph: %+v", r)
	}
	if r := runWith(t, w.deps(), "pull", "--workspace", workspaceID); r.code != exitUsage || !strings.Contains(r.stderr, "--db") {
		t.Errorf("no --db: %+v", r)
	}
	if r := runWith(t, w.deps(), "pull", "--workspace", workspaceID, "--db", db, "--scope", "everything"); r.code != exitUsage {
		t.Errorf("bad scope: %+v", r)
	}
}

// The default sign-in for analysts is the Azure CLI's login. With a fake
// az first on PATH (printing a token as az account get-access-token
// does), --auth cli and --auth auto reach the workspace with that token,
// and the token is written nowhere.
func TestPullSignsInWithAzureCLI(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("the Azure CLI credential runs az through /bin/sh")
	}
	bin := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\necho '{\"accessToken\":\"fake_token\",\"expires_on\":%d,\"tokenType\":\"Bearer\"}'\n", time.Now().Add(time.Hour).Unix())
	if err := os.WriteFile(filepath.Join(bin, "az"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH"} {
		t.Setenv(v, "")
	}
	w := newWorkspace(t)
	deps := w.deps()
	deps.credential = live.Credential // the real one
	db := filepath.Join(t.TempDir(), "case.duckdb")
	from := demo.Start().Truncate(time.Second).Format(time.RFC3339)
	to := demo.End().Truncate(time.Second).Add(time.Second).Format(time.RFC3339)
	for _, auth := range []string{"cli", "auto"} {
		r := runWith(t, deps, "pull", "--workspace", workspaceID, "--db", db, "--from", from, "--to", to, "--auth", auth)
		if r.code != 0 {
			t.Fatalf("--auth %s: %+v", auth, r)
		}
	}
	body, _ := os.ReadFile(db)
	if bytes.Contains(body, []byte("fake_token")) {
		t.Error("the case file holds the token")
	}
}

func TestSignInHints(t *testing.T) {
	for _, v := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH"} {
		t.Setenv(v, "")
	}
	r := runWith(t, liveDeps{credential: live.Credential, cloud: live.CloudByName}, "pull", "--graph", "--db", filepath.Join(t.TempDir(), "c.duckdb"), "--auth", "env")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--auth env needs AZURE_TENANT_ID") {
		t.Errorf("--auth env without its variables: %+v", r)
	}
}

// pull --open: the loading page gets the pull's progress (chunk i/N, rows)
// and then the case the pull filled opens, with the pull's summary to say.
func TestPullOpenShowsProgressThenOpens(t *testing.T) {
	w := newWorkspace(t)
	db := filepath.Join(t.TempDir(), "case.duckdb")
	pf := pullFlags{workspace: workspaceID, scope: "invites", wait: time.Minute, since: "15d",
		from: demo.Start().Truncate(time.Second).Format(time.RFC3339), to: demo.End().Truncate(time.Second).Add(time.Second).Format(time.RFC3339)}
	var out, errb bytes.Buffer
	o := pullThenOpen(context.Background(), streams{in: strings.NewReader(""), out: &out, err: &errb}, w.deps(), pf, liveFlags{cloud: "public"}, db, false)
	var pulling []store.LoadProgress
	var ds *dataset
	for {
		msg := o.Next(func(d *dataset, err error) tea.Msg {
			if err != nil {
				t.Fatal(err)
			}
			ds = d
			return "opened"
		})()
		if lp, ok := msg.(store.LoadProgress); ok {
			if lp.Phase == store.PhasePulling {
				pulling = append(pulling, lp)
			}
			continue
		}
		break
	}
	if ds == nil {
		t.Fatal("the case did not open")
	}
	defer ds.store.Close()
	if len(pulling) == 0 || pulling[len(pulling)-1].Unit != "chunk" || pulling[len(pulling)-1].Records != int64(len(w.rows)) {
		t.Fatalf("pull progress on the loading page: %+v", pulling)
	}
	if got := ui.FileCounter(pulling[len(pulling)-1]); got != "chunk 1/1" {
		t.Errorf("counter %q", got)
	}
	if !strings.HasPrefix(o.note, "pull 1: workspace "+workspaceID) || !strings.Contains(o.note, "complete") {
		t.Errorf("note %q", o.note)
	}
	if n, err := ds.store.EventCount(context.Background()); err != nil || n != int64(len(w.rows)) {
		t.Errorf("opened case: %d events, %v", n, err)
	}
	if out.Len() > 0 || errb.Len() > 0 {
		t.Errorf("the pull wrote under the workbench's screen: %q %q", out.String(), errb.String())
	}
}
