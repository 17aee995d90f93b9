package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// demoWorkspace is a fake workspace answering the demo's alerts and their
// inviters' latest earlier invites.
func demoWorkspace(t *testing.T) (*fakeWorkspace, *hunt.Result) {
	local := demoAlerts(t)
	hist := hunt.RemoteTable{Columns: []string{"InviterKey", "LatestEarlier"}}
	for _, inv := range local.Inviters {
		if inv.HasEarlierInvite {
			hist.Rows = append(hist.Rows, []any{inv.UPN, data.FormatTime(inv.LatestEarlierInvite)})
		}
	}
	return &fakeWorkspace{table: remoteTableOf(t, local.Rows), history: hist}, local
}

// Piped, bare guesthunt --workspace prints what hunt --workspace prints
// (--db, where verdicts would go, changes nothing there).
func TestRootWorkspacePiped(t *testing.T) {
	ws, _ := demoWorkspace(t)
	asOf := data.FormatTime(demo.End())
	var out, errb bytes.Buffer
	io := streams{in: strings.NewReader(""), out: &out, err: &errb}
	root := newRootCommandWith(io, liveDeps{kusto: ws.open})
	root.SetArgs([]string{"--workspace", "ws-1", "--as-of", asOf, "--db", filepath.Join(t.TempDir(), "case.duckdb")})
	if code := exitStatus(io, root.ExecuteContext(context.Background())); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	want := runHuntWith(t, (&fakeWorkspace{table: ws.table}).open, "--workspace", "ws-1", "--as-of", asOf)
	if out.String() != want.stdout || out.Len() == 0 {
		t.Errorf("bare --workspace printed\n%s\nhunt --workspace prints\n%s", out.String(), want.stdout)
	}
	if ws.workspace != "ws-1" || !strings.Contains(errb.String(), "remote: ran in workspace ws-1") {
		t.Errorf("workspace %q; stderr:\n%s", ws.workspace, errb.String())
	}
}

// The workbench opened on a workspace without --db keeps verdicts in a
// state file keyed by the workspace: a verdict recorded on a remote alert
// is there when the same workspace is opened again, and not for another.
func TestRemoteWorkbenchVerdictsKeyedByWorkspace(t *testing.T) {
	t.Setenv(triage.StateDirEnv, t.TempDir())
	ws, local := demoWorkspace(t)
	p := hunt.DefaultParams()
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: demo.End()}
	now := func() time.Time { return demo.End().Add(time.Hour) }
	open := func(workspace string) (ui.Deps, func()) {
		rf := remoteFlags{workspace: workspace, openKusto: ws.open, now: now}
		deps, closeDeps, err := remoteWorkbenchDeps(context.Background(), dataFlags{}, rf, nil, p)
		if err != nil {
			t.Fatal(err)
		}
		return deps, closeDeps
	}
	deps, closeDeps := open("ws-1")
	want, _ := workspaceVerdictFile("ws-1")
	if !deps.TriageDurable || deps.TriageLocation != want {
		t.Fatalf("verdicts at %q (durable %v), want %s", deps.TriageLocation, deps.TriageDurable, want)
	}
	tm := teatest.NewTestModel(t, ui.New(deps), teatest.WithInitialTermSize(120, 36))
	waitScreen(t, tm, "inviters flagged")
	tm.Type("tm")
	// Wait for the save itself: the renderer redraws only the cells that
	// change, so no message need reach the output as one string.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		all, err := deps.Triage.All(context.Background())
		if err == nil && len(all) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the verdict was not saved: %v %v", all, err)
		}
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
	closeDeps()

	for _, c := range []struct {
		workspace string
		verdicts  int
	}{{"WS-1", 1}, {"ws-2", 0}} { // GUIDs and ARM ids are case-insensitive
		deps, closeDeps := open(c.workspace)
		all, err := deps.Triage.All(context.Background())
		closeDeps()
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != c.verdicts {
			t.Fatalf("%s: %d verdicts, want %d", c.workspace, len(all), c.verdicts)
		}
		for s, v := range all {
			if s.Kind != store.SubjectInviter || v.Verdict != store.VerdictMalicious || !flagged(local, s.Key) {
				t.Errorf("%s: %+v → %+v", c.workspace, s, v)
			}
		}
	}
}

// With --db the verdicts are in the case file.
func TestRemoteWorkbenchVerdictsInCaseFile(t *testing.T) {
	t.Setenv(triage.StateDirEnv, t.TempDir())
	ws, local := demoWorkspace(t)
	db := filepath.Join(t.TempDir(), "case.duckdb")
	rf := remoteFlags{workspace: "ws-1", openKusto: ws.open}
	subj := store.Subject{Kind: store.SubjectInviter, Key: local.Inviters[0].UPN}
	for i := range 2 {
		deps, closeDeps, err := remoteWorkbenchDeps(context.Background(), dataFlags{db: db}, rf, nil, hunt.DefaultParams())
		if err != nil {
			t.Fatal(err)
		}
		if !deps.TriageDurable || !strings.Contains(deps.TriageLocation, "case.duckdb") {
			t.Errorf("verdicts at %q (durable %v)", deps.TriageLocation, deps.TriageDurable)
		}
		if i == 0 {
			if _, err := deps.Triage.SetVerdict(context.Background(), subj, store.VerdictBenign, 0, "ana"); err != nil {
				t.Fatal(err)
			}
		} else if all, err := deps.Triage.All(context.Background()); err != nil || all[subj].Verdict != store.VerdictBenign {
			t.Errorf("reopened: %v %+v", err, all)
		}
		closeDeps()
	}
}

func flagged(res *hunt.Result, upn string) bool {
	for _, inv := range res.Inviters {
		if inv.UPN == upn {
			return true
		}
	}
	return false
}

// waitScreen waits until the program has drawn want.
func waitScreen(t *testing.T, tm *teatest.TestModel, want string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(want)) },
		teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}
