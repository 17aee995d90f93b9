package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/hunt/hunttest"
)

// fakeWorkspace is an in-memory Log Analytics workspace holding the demo
// tenant: it answers the rule's query with the alerts the local engine
// finds at the same parameters, and the history query with each inviter's
// latest earlier invite, as Kusto would. err, when set, fails every query.
type fakeWorkspace struct {
	eng *hunt.Engine

	mu        sync.Mutex
	err       error
	rules     []string      // the rule queries received, in order
	history   int           // history queries received
	block     chan struct{} // when set, rule queries wait for it (or their ctx)
	cancelled int           // rule queries whose ctx ended while they waited
}

func (f *fakeWorkspace) Query(ctx context.Context, query string, envelope [2]time.Time) (hunt.RemoteTable, error) {
	f.mu.Lock()
	err, block := f.err, f.block
	hist := strings.Contains(query, "summarize LatestEarlier")
	if hist {
		f.history++
	} else {
		f.rules = append(f.rules, query)
	}
	f.mu.Unlock()
	if err != nil {
		return hunt.RemoteTable{}, err
	}
	if block != nil && !hist {
		select {
		case <-block:
		case <-ctx.Done():
			f.mu.Lock()
			f.cancelled++
			f.mu.Unlock()
			return hunt.RemoteTable{}, ctx.Err()
		}
	}
	p, ok := paramsOfQuery(query)
	if !ok {
		return hunt.RemoteTable{}, nil
	}
	res, err := f.eng.Run(ctx, p)
	if err != nil {
		return hunt.RemoteTable{}, err
	}
	if hist {
		tbl := hunt.RemoteTable{Columns: []string{"InviterKey", "LatestEarlier"}}
		for _, inv := range res.Inviters {
			if inv.HasEarlierInvite {
				tbl.Rows = append(tbl.Rows, []any{inv.UPN, data.FormatTime(inv.LatestEarlierInvite)})
			}
		}
		return tbl, nil
	}
	return hunttest.RemoteTable(res.Rows)
}

func (f *fakeWorkspace) cancels() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cancelled
}

func (f *fakeWorkspace) ruleQueries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rules)
}

// paramsOfQuery recovers the parameters a query was built for, by
// building the same text for the candidates a test can ask: baselines of
// 1..30 days, a one-day window, the demo's end as of.
func paramsOfQuery(q string) (hunt.Params, bool) {
	for d := 1; d <= 30; d++ {
		p := hunt.DefaultParams()
		p.Baseline = time.Duration(d) * 24 * time.Hour
		p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: demo.End()}
		if q == hunt.KQLPinned(p, demo.End()) || q == hunt.HistoryKQL(p, demo.End()) {
			return p, true
		}
	}
	return hunt.Params{}, false
}

// remoteParams are the demo's defaults pinned to its end: what the fake
// workspace knows how to answer.
func remoteParams() hunt.Params {
	p := hunt.DefaultParams()
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: demo.End()}
	return p
}

// remoteNow is the client clock of the remote tests: an hour after the
// demo ends, so no "too recent" warning depends on the real clock.
func remoteNow() time.Time { return demo.End().Add(time.Hour) }

func newRemote(t *testing.T) (*fakeWorkspace, *hunt.Remote) {
	t.Helper()
	_, eng := demoStore(t)
	ws := &fakeWorkspace{eng: eng}
	return ws, hunt.NewRemote(ws, "ws-demo", remoteNow)
}
