package live

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// The same for Microsoft Graph: the demo tenant's records served as
// directoryAudit records (the graph writer's bytes) by the fake Graph,
// pulled in scope invites over one-day chunks with small pages, against the
// same records exported by hand as Graph NDJSON and loaded. Same alert rows
// and inviter summaries.
func TestGraphPulledCaseHuntsLikeHandExport(t *testing.T) {
	if testing.Short() {
		t.Skip("loads two case files")
	}
	recs := demo.Tenant(1)
	var buf bytes.Buffer
	if err := formats.WriteRecords(&buf, formats.FormatGraphNDJSON, recs); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock(demo.End().Add(48 * time.Hour))
	f := newFakeGraph(t, clock)
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var head struct {
			ID       string `json:"id"`
			Activity string `json:"activityDisplayName"`
			At       string `json:"activityDateTime"`
		}
		if err := json.Unmarshal(line, &head); err != nil {
			t.Fatal(err)
		}
		at, err := formats.ParseTimestamp(head.At)
		if err != nil {
			t.Fatal(err)
		}
		f.records = append(f.records, fakeAudit{ID: head.ID, Activity: head.Activity, At: at, Raw: append([]byte(nil), line...)})
	}
	sort.SliceStable(f.records, func(a, b int) bool { return f.records[a].At.Before(f.records[b].At) })

	dir := t.TempDir()
	ctx := context.Background()
	pulled, err := store.Open(filepath.Join(dir, "pulled.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer pulled.Close()
	from := demo.Start().Truncate(time.Second).Add(-time.Hour)
	to := demo.End().Truncate(time.Second).Add(time.Second)
	sum, err := PullGraph(ctx, pulled, f.client(t, GraphClientOptions{PageSize: 7}), store.Pull{Source: "graph", Cloud: "public",
		Scope: string(ScopeInvites), From: from, To: to},
		PullOptions{SpoolDir: filepath.Join(dir, "pulled.duckdb.pulls"), Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Incomplete || sum.Loaded != sum.Chunks || sum.Chunks < 2 {
		t.Fatalf("pull: %+v", sum)
	}

	hand := handCase(t, filepath.Join(dir, "directoryAudits.ndjson"), formats.FormatGraphNDJSON, recs)
	defer hand.Close()
	sameHunts(t, pulled, hand)
}
