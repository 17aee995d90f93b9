package live

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// recordEvents serves records as the workspace would: each one's row is
// the la-api writer's (the 30 columns in AuditLogs order, reordered by
// name to the fake's columns), the same bytes a hand "API" export holds.
func recordEvents(t testing.TB, recs []data.Record) []fakeEvent {
	t.Helper()
	var buf bytes.Buffer
	if err := formats.WriteRecords(&buf, formats.FormatLAAPI, recs); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Tables []struct {
			Columns []struct{ Name string } `json:"columns"`
			Rows    [][]json.RawMessage     `json:"rows"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(buf.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	at := map[string]int{}
	for i, c := range body.Tables[0].Columns {
		at[c.Name] = i
	}
	ev := make([]fakeEvent, len(recs))
	for i, r := range recs {
		cells := make([]any, len(data.AuditLogsColumns))
		for k, c := range data.AuditLogsColumns {
			cells[k] = body.Tables[0].Rows[i][at[c.Name]]
		}
		ev[i] = fakeEvent{id: r.Id, at: r.TimeGenerated, op: r.OperationName, cells: cells}
	}
	sort.SliceStable(ev, func(a, b int) bool { return ev[a].at.Before(ev[b].at) })
	return ev
}

// A pulled case answers hunt exactly as a hand export of the same span
// does: the demo tenant served by a fake workspace (small limits, so the
// pull splits chunks) and pulled in scope invites, against the same
// records exported by hand (LA NDJSON, every operation) and loaded. Same
// alert rows, column for column, and the same inviter summaries, for
// several parameter sets.
func TestPulledCaseHuntsLikeHandExport(t *testing.T) {
	if testing.Short() {
		t.Skip("loads two case files")
	}
	recs := demo.Tenant(1)
	f := newFakeLAWith(t, recordEvents(t, recs))
	f.maxRows, f.maxBytes = 400, 1<<20
	dir := t.TempDir()
	ctx := context.Background()

	pulled, err := store.Open(filepath.Join(dir, "pulled.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer pulled.Close()
	from := demo.Start().Truncate(time.Second).Add(-time.Hour)
	to := demo.End().Truncate(time.Second).Add(time.Second)
	clock := newLAClock()
	sum, err := PullLA(ctx, pulled, f.client(), store.Pull{Source: "la", Target: fakeWorkspace, Cloud: "public",
		Scope: string(ScopeInvites), From: from, To: to},
		PullOptions{SpoolDir: filepath.Join(dir, "pulled.duckdb.pulls"), ChunkRows: 10, Now: time.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Incomplete || sum.Loaded != sum.Chunks || sum.Chunks < 2 {
		t.Fatalf("pull: %+v", sum)
	}

	hand := handCase(t, filepath.Join(dir, "AuditLogs.ndjson"), formats.FormatLANDJSON, recs)
	defer hand.Close()
	sameHunts(t, pulled, hand)
}

// handCase is the hand export of recs in format f, loaded into a case file
// of its own.
func handCase(t *testing.T, export string, f formats.Format, recs []data.Record) *store.Store {
	t.Helper()
	if err := formats.WriteFile(export, f, recs); err != nil {
		t.Fatal(err)
	}
	hand, err := store.Open(export + ".duckdb")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hand.Load(context.Background(), []string{export}, store.LoadOptions{}); err != nil {
		hand.Close()
		t.Fatal(err)
	}
	return hand
}

// sameHunts runs the rule on both case files at fixed as-ofs with several
// parameter sets and requires the same alert rows, column for column
// (provenance aside), and the same inviter summaries.
func sameHunts(t *testing.T, pulled, hand *store.Store) {
	t.Helper()
	ctx := context.Background()
	pe, he := hunt.NewEngine(pulled), hunt.NewEngine(hand)
	asOf := hunt.AsOf{Mode: hunt.AsOfFixed, At: demo.End()}
	for n, p := range []hunt.Params{
		{AsOf: asOf, Baseline: 14 * 24 * time.Hour, Window: 24 * time.Hour},
		{AsOf: asOf, Baseline: 21 * 24 * time.Hour, Window: 24 * time.Hour, FoldCase: true},
		{AsOf: asOf, Baseline: 7 * 24 * time.Hour, Window: 36 * time.Hour},
		{AsOf: hunt.AsOf{Mode: hunt.AsOfFixed, At: demo.End().Add(-72 * time.Hour)}, Baseline: 14 * 24 * time.Hour, Window: 24 * time.Hour},
	} {
		pr, err := pe.Run(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		hr, err := he.Run(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 && len(hr.Rows) == 0 {
			t.Fatalf("%+v: the hand export flags nothing; the comparison would prove nothing", p)
		}
		if len(pr.Rows) != len(hr.Rows) {
			t.Fatalf("%+v: pulled %d alerts, hand export %d", p, len(pr.Rows), len(hr.Rows))
		}
		for i := range hr.Rows {
			a, b := pr.Rows[i], hr.Rows[i]
			a.SourceID, a.SourceRecord, b.SourceID, b.SourceRecord = 0, 0, 0, 0
			av, bv := a.Values(), b.Values()
			for k, name := range hunt.AlertColumns() {
				if !sameCell(av[k], bv[k]) {
					t.Errorf("%+v: alert %d (%s) column %s: pulled %v, hand export %v", p, i, b.Id, name, av[k], bv[k])
				}
			}
		}
		if len(pr.Inviters) != len(hr.Inviters) {
			t.Fatalf("%+v: %d inviters pulled, %d by hand", p, len(pr.Inviters), len(hr.Inviters))
		}
		for i := range hr.Inviters {
			a, b := pr.Inviters[i], hr.Inviters[i]
			if a.UPN != b.UPN || a.Invites != b.Invites || a.HasEarlierInvite != b.HasEarlierInvite || !a.LatestEarlierInvite.Equal(b.LatestEarlierInvite) {
				t.Errorf("%+v: inviter %d: pulled %+v, hand export %+v", p, i, a, b)
			}
		}
	}
}

func sameCell(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}
