package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/hunt/hunttest"
)

// fakeWorkspace answers the rule's query with a fixed table, as Kusto
// would, and records what it was asked.
type fakeWorkspace struct {
	table     hunt.RemoteTable
	history   hunt.RemoteTable // the answer to the history query
	queries   []string
	workspace string
}

func (f *fakeWorkspace) Query(ctx context.Context, query string, envelope [2]time.Time) (hunt.RemoteTable, error) {
	f.queries = append(f.queries, query)
	if strings.Contains(query, "summarize LatestEarlier") {
		return f.history, nil
	}
	return f.table, nil
}

func (f *fakeWorkspace) open(ctx context.Context, workspace string) (hunt.Kusto, error) {
	f.workspace = workspace
	return f, nil
}

// demoAlerts are the demo tenant's alerts at its defaults, run locally.
func demoAlerts(t *testing.T) *hunt.Result {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.LoadRecords(context.Background(), "demo", demo.Tenant(1)); err != nil {
		t.Fatal(err)
	}
	p := hunt.DefaultParams()
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: demo.End()}
	res, err := hunt.NewEngine(st).Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// remoteTableOf writes alerts as the LA API would (hunttest.RemoteTable).
func remoteTableOf(t *testing.T, alerts []hunt.Alert) hunt.RemoteTable {
	tbl, err := hunttest.RemoteTable(alerts)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// runHuntWith runs "guesthunt hunt ARGS" with openKusto wired.
func runHuntWith(t *testing.T, openKusto kustoOpener, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	io := streams{in: strings.NewReader(""), out: &out, err: &errb}
	cmd := newHuntCommandKusto(io, openKusto)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	code := exitStatus(io, cmd.ExecuteContext(context.Background()))
	return result{code, out.String(), errb.String()}
}

func TestHuntWorkspaceJSON(t *testing.T) {
	local := demoAlerts(t)
	ws := &fakeWorkspace{table: remoteTableOf(t, local.Rows)}
	asOf := data.FormatTime(demo.End())
	r := runHuntWith(t, ws.open, "--workspace", "ws-1", "--as-of", asOf, "--format", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var want bytes.Buffer
	if err := hunt.WriteJSON(&want, local.AlertTable()); err != nil {
		t.Fatal(err)
	}
	if r.stdout != want.String() {
		t.Errorf("remote JSON differs from the local hunt's:\n%s\nwant\n%s", r.stdout, want.String())
	}
	if ws.workspace != "ws-1" || len(ws.queries) != 1 || ws.queries[0] != hunt.KQLPinned(local.Params, demo.End()) {
		t.Errorf("workspace %q, queries %d", ws.workspace, len(ws.queries))
	}
	for _, want := range []string{"remote: ran in workspace ws-1", "guesthunt kql --as-of " + asOf,
		"warning: ran in the workspace: why-flagged", "needs the events: pull them with guesthunt pull",
		"warning: the latest earlier invite of each inviter was not queried"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestHuntWorkspaceUsage(t *testing.T) {
	ws := &fakeWorkspace{}
	for _, c := range []struct {
		open kustoOpener
		args []string
		code int
		want string
	}{
		{nil, []string{"--workspace", "ws"}, exitUsage, "--workspace needs the live source, not wired"},
		{ws.open, []string{"--verify"}, exitUsage, "need --workspace"},
		{ws.open, []string{"--workspace", "ws", "--verify"}, exitUsage, "--verify needs the case file"},
		{ws.open, []string{"--workspace", "ws", "x.ndjson"}, exitUsage, "give no export paths"},
		{ws.open, []string{"--workspace", "ws", "--format", "xml"}, exitUsage, "--format"},
		{func(context.Context, string) (hunt.Kusto, error) { return nil, errors.New("no credential") },
			[]string{"--workspace", "ws"}, exitError, "workspace ws: no credential"},
	} {
		r := runHuntWith(t, c.open, c.args...)
		if r.code != c.code || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, r.code, r.stderr, c.code, c.want)
		}
	}
}

// --verify compares the case file's run with the workspace's at the same
// as-of: equal (with an explained duplicate) exits 0, a row missing exits 1.
func TestHuntWorkspaceVerify(t *testing.T) {
	dir := t.TempDir()
	export := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", export); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	caseFile := filepath.Join(dir, "case.duckdb")
	if r := runCLI(t, "", "load", export, "--db", caseFile); r.code != exitOK {
		t.Fatalf("load: %s", r.stderr)
	}
	local := demoAlerts(t)
	if len(local.Rows) < 2 {
		t.Fatal("the demo flags too little to compare")
	}
	asOf := data.FormatTime(demo.End())
	args := []string{"--workspace", "ws", "--as-of", asOf, "--verify", "--db", caseFile}

	twice := append(append([]hunt.Alert(nil), local.Rows...), local.Rows[0])
	r := runHuntWith(t, (&fakeWorkspace{table: remoteTableOf(t, twice)}).open, args...)
	if r.code != exitOK || !strings.Contains(r.stdout, "guesthunt and the workspace agree") ||
		!strings.Contains(r.stdout, "Explained: the workspace returned event") {
		t.Errorf("stored twice: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	r = runHuntWith(t, (&fakeWorkspace{table: remoteTableOf(t, local.Rows[1:])}).open, args...)
	if r.code != exitError || !strings.Contains(r.stdout, "DISAGREE") ||
		!strings.Contains(r.stdout, "Only guesthunt flags event") || !strings.Contains(r.stderr, "disagree") {
		t.Errorf("row missing: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// --with-history sends the history query and names each inviter's latest
// earlier invite on stderr (the rows do not carry it).
func TestHuntWorkspaceWithHistory(t *testing.T) {
	local := demoAlerts(t)
	hist := hunt.RemoteTable{Columns: []string{"InviterKey", "LatestEarlier"}}
	for _, inv := range local.Inviters {
		if inv.HasEarlierInvite {
			hist.Rows = append(hist.Rows, []any{inv.UPN, data.FormatTime(inv.LatestEarlierInvite)})
		}
	}
	if len(hist.Rows) == 0 {
		t.Fatal("no demo inviter has an earlier invite: too weak")
	}
	ws := &fakeWorkspace{table: remoteTableOf(t, local.Rows), history: hist}
	r := runHuntWith(t, ws.open, "--workspace", "ws", "--as-of", data.FormatTime(demo.End()), "--with-history", "--format", "csv")
	if r.code != exitOK || len(ws.queries) != 2 {
		t.Fatalf("exit %d, %d queries: %s", r.code, len(ws.queries), r.stderr)
	}
	for _, inv := range local.Inviters {
		want := "inviter " + inv.UPN + ": latest earlier invite never"
		if inv.HasEarlierInvite {
			want = "inviter " + inv.UPN + ": latest earlier invite " + data.FormatTime(inv.LatestEarlierInvite)
		}
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "was not queried") {
		t.Errorf("history fetched but warned as not queried:\n%s", r.stderr)
	}
}
