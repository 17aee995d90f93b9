package hunt

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
)

// Remote.Run is the rule plus the history query, so no inviter says "not
// queried"; everything that needs the events is a NeedsEventsError that
// names the pull.
func TestRemoteBackend(t *testing.T) {
	e := newEngine(t, demo.Tenant(1)...)
	p := DefaultParams()
	p.AsOf = AsOf{Mode: AsOfFixed, At: demo.End()}
	local := mustRun(t, e, p)
	hist := RemoteTable{Columns: []string{"InviterKey", "LatestEarlier"}}
	for _, inv := range local.Inviters {
		if inv.HasEarlierInvite {
			hist.Rows = append(hist.Rows, []any{inv.UPN, data.FormatTime(inv.LatestEarlierInvite)})
		}
	}
	k := &fakeKusto{answer: answerRule(tableOf(t, local.Rows, false), hist)}
	var b Backend = NewRemote(k, "ws-1", func() time.Time { return demo.End().Add(time.Hour) })
	res, err := b.Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(k.queries) != 2 || !strings.Contains(k.queries[1], "summarize LatestEarlier") {
		t.Fatalf("queries sent: %d", len(k.queries))
	}
	if len(res.Inviters) != len(local.Inviters) || len(res.Inviters) == 0 {
		t.Fatalf("%d inviters, local %d", len(res.Inviters), len(local.Inviters))
	}
	for i, inv := range res.Inviters {
		want := local.Inviters[i]
		if inv.EarlierNotQueried || inv.HasEarlierInvite != want.HasEarlierInvite || !inv.LatestEarlierInvite.Equal(want.LatestEarlierInvite) {
			t.Errorf("%s: %+v, local %+v", inv.UPN, inv, want)
		}
	}
	if ws, ok := RemoteWorkspace(b); !ok || ws != "ws-1" {
		t.Errorf("RemoteWorkspace = %q, %v", ws, ok)
	}
	if _, ok := RemoteWorkspace(e); ok {
		t.Error("the local engine is remote")
	}

	r := b.(*Remote)
	_, e1 := r.Sensitivity(context.Background(), p, 90)
	_, e2 := r.Explain(context.Background(), p, "x")
	_, e3 := r.Replay(context.Background(), ReplayParams{})
	_, e4 := r.Trails(context.Background(), TrailParams{})
	for _, err := range []error{e1, e2, e3, e4, r.Record(), fmt.Errorf("wrapped: %w", e1)} {
		if !NeedsEvents(err) || !strings.Contains(err.Error(), "is not available on a remote workspace: needs the events — "+
			"pull them with guesthunt pull --workspace ws-1 --db case.duckdb") {
			t.Errorf("%v", err)
		}
	}
	if NeedsEvents(errors.New("403")) || NeedsEvents(nil) {
		t.Error("any error needs the events")
	}
	if len(k.queries) != 2 {
		t.Errorf("a refusal sent a query (%d in all)", len(k.queries))
	}
}
