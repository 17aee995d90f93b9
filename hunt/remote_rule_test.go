package hunt

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
)

// A remote run at "now" (and at "latest", which means now remotely) pins
// T to the client clock once, sends the envelope one whole second wider
// than [T − baseline, T] on each side, and warns about what it cannot show.
func TestRemoteRuleAsOfAndEnvelope(t *testing.T) {
	clock := time.Date(2026, 11, 2, 10, 0, 0, 123456789, time.UTC)
	T := time.Date(2026, 11, 2, 10, 0, 0, 123456700, time.UTC)
	for _, mode := range []AsOfMode{AsOfNow, AsOfLatest} {
		k := &fakeKusto{answer: answerRule(tableOf(t, nil, false), RemoteTable{})}
		p := DefaultParams()
		p.AsOf.Mode = mode
		run, err := RemoteRule(context.Background(), k, p, RemoteOptions{Now: func() time.Time { return clock }})
		if err != nil {
			t.Fatal(err)
		}
		if !run.Result.AsOf.Equal(T) || run.Query != KQLPinned(p, T) {
			t.Errorf("mode %v: as-of %v", mode, run.Result.AsOf)
		}
		want := [2]time.Time{time.Date(2026, 10, 19, 9, 59, 59, 0, time.UTC), time.Date(2026, 11, 2, 10, 0, 2, 0, time.UTC)}
		if k.envelopes[0] != want || run.Envelope != want {
			t.Errorf("envelope %v, want %v", k.envelopes[0], want)
		}
		kinds := map[string]bool{}
		for _, w := range run.Result.Warnings {
			kinds[w.Kind.String()] = true
		}
		if kinds["remote-as-of"] != (mode == AsOfLatest) || !kinds["remote-limits"] || !kinds["remote-recent"] {
			t.Errorf("mode %v: warnings %+v", mode, run.Result.Warnings)
		}
		if run.Result.AllClear == "" || run.Result.Params.AsOf.Mode != AsOfNow {
			t.Errorf("mode %v: %+v", mode, run.Result)
		}
	}
	// A whole-second as-of: the envelope is exactly one second either side.
	if got := RemoteEnvelope(time.Unix(100, 0), time.Unix(200, 0)); got != [2]time.Time{time.Unix(99, 0).UTC(), time.Unix(201, 0).UTC()} {
		t.Errorf("whole seconds: %v", got)
	}
}

func TestRemoteRuleErrors(t *testing.T) {
	p := fixedParams()
	boom := errors.New("429 too many requests")
	k := &fakeKusto{answer: func(string) (RemoteTable, error) { return RemoteTable{}, boom }}
	if _, err := RemoteRule(context.Background(), k, p, RemoteOptions{}); !errors.Is(err, boom) {
		t.Errorf("transport error: %v", err)
	}
	if _, err := RemoteRule(context.Background(), nil, p, RemoteOptions{}); err == nil {
		t.Error("nil Kusto accepted")
	}
	bad := fixtureTable(t, true)
	bad.Rows[0][1] = "soon"
	k = &fakeKusto{answer: answerRule(bad, RemoteTable{})}
	if _, err := RemoteRule(context.Background(), k, p, RemoteOptions{}); err == nil || !strings.Contains(err.Error(), "row 1, column TimeGenerated") {
		t.Errorf("bad cell: %v", err)
	}
	// The history answer is read as strictly as the rule's.
	k = &fakeKusto{answer: answerRule(fixtureTable(t, true), RemoteTable{Columns: []string{"InviterKey"}})}
	if _, err := RemoteRule(context.Background(), k, p, RemoteOptions{WithHistory: true}); err == nil || !strings.Contains(err.Error(), "LatestEarlier") {
		t.Errorf("bad history: %v", err)
	}
}

// The history query repeats the rule's filters and compares inviters as
// the run does.
func TestHistoryKQL(t *testing.T) {
	p := fixedParams()
	q := HistoryKQL(p, asOfT())
	for _, want := range []string{"let as_of = datetime(2026-10-15T12:00:00.0000000Z);", "let window_from = as_of - 1d;",
		`OperationName =~ "Invite external user"`, `Result =~ "success"`, "| where TimeGenerated <= as_of",
		"tostring(parse_json(tostring(InitiatedBy.user)).userPrincipalName)", "extend InviterKey = InitiatingUserPrincipalName;",
		"TimeGenerated <= window_from and InviterKey in (window_inviters)", "summarize LatestEarlier = max(TimeGenerated) by InviterKey"} {
		if !strings.Contains(q, want) {
			t.Errorf("missing %q in\n%s", want, q)
		}
	}
	p.FoldCase = true
	if q := HistoryKQL(p, asOfT()); !strings.Contains(q, "InviterKey = tolower(InitiatingUserPrincipalName)") {
		t.Errorf("fold-case: %s", q)
	}
}

// Reports of a remote run say "not queried", never "never".
func TestRemoteReportSaysNotQueried(t *testing.T) {
	e := newEngine(t, demo.Tenant(1)...)
	p := DefaultParams()
	p.AsOf = AsOf{Mode: AsOfFixed, At: demo.End()}
	local := mustRun(t, e, p)
	k := &fakeKusto{answer: answerRule(tableOf(t, local.Rows, false), RemoteTable{})}
	run, err := RemoteRule(context.Background(), k, p, RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, NewReport(run.Result, map[store.Subject]store.Triage{}, ReportMeta{})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Latest earlier invite: not queried") || strings.Contains(buf.String(), "Latest earlier invite: never") {
		t.Errorf("report:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteReportJSON(&buf, NewReport(run.Result, map[store.Subject]store.Triage{}, ReportMeta{})); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), `"latestEarlierNotQueried": true`); n != len(run.Result.Inviters) || n == 0 {
		t.Errorf("report JSON marks %d of %d inviters not queried", n, len(run.Result.Inviters))
	}
	buf.Reset()
	if err := WriteReportJSON(&buf, NewReport(local, map[store.Subject]store.Triage{}, ReportMeta{})); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "latestEarlierNotQueried") {
		t.Error("a local report carries latestEarlierNotQueried")
	}
}

// A row the workspace stored twice comes back twice, is kept, and is warned about.
func TestRemoteRuleWarnsStoredTwice(t *testing.T) {
	tbl := fixtureTable(t, true)
	tbl.Rows = append(tbl.Rows, tbl.Rows[2]) // rows 1 and 2 are one event already
	k := &fakeKusto{answer: answerRule(tbl, RemoteTable{})}
	run, err := RemoteRule(context.Background(), k, fixedParams(), RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range run.Result.Warnings {
		if w.Kind.String() == "remote-stored-twice" {
			found = strings.Contains(w.Text, "returned 2 row(s) more than once (event Id e1, e2)")
		}
	}
	if len(run.Result.Rows) != 4 || !found {
		t.Errorf("%d rows, warnings %+v", len(run.Result.Rows), run.Result.Warnings)
	}
}

// A cancelled run stops with the context's error, wrapped.
func TestRemoteRuleCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	k := &fakeKusto{answer: answerRule(fixtureTable(t, true), RemoteTable{})}
	if _, err := RemoteRule(ctx, k, fixedParams(), RemoteOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
