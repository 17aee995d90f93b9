package main

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/live"
)

// scopeCase writes a case file holding the demo tenant's invites as one
// pull of scope invites in three chunks: [End-30d, End-20d) loaded,
// [End-20d, End-19d) never loaded, [End-19d, End+2h) loaded but created an
// hour after End with a 30m settle time, so it is provisional. It returns
// the file and the chunk edges.
func scopeCase(t *testing.T) (string, []time.Time) {
	t.Helper()
	ctx := context.Background()
	end := demo.End().Truncate(time.Hour)
	edges := []time.Time{end.Add(-30 * 24 * time.Hour), end.Add(-20 * 24 * time.Hour), end.Add(-19 * 24 * time.Hour), end.Add(3 * time.Hour)}
	dir := t.TempDir()
	db := filepath.Join(dir, "case.duckdb")
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var plan []store.PullChunk
	for i := 1; i < len(edges); i++ {
		plan = append(plan, store.PullChunk{From: edges[i-1], To: edges[i], PlannedRows: 1, PlannedBytes: 100})
	}
	p, err := st.CreatePull(ctx, store.Pull{Source: store.PullSourceLA, Target: workspaceID, Cloud: "public", Scope: "invites",
		From: edges[0], To: edges[len(edges)-1], QueryText: "AuditLogs | where OperationName =~ \"Invite external user\"",
		CreatedAt: end.Add(2 * time.Hour), Settle: 30 * time.Minute}, plan)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := st.PullChunks(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 2} {
		c := chunks[i]
		var part []data.Record
		for _, r := range demo.Tenant(1) {
			if strings.EqualFold(r.OperationName, "Invite external user") && !r.TimeGenerated.Before(c.From) && r.TimeGenerated.Before(c.To) {
				part = append(part, r)
			}
		}
		path, sum, _, err := live.WriteSpool(dir, "chunk"+strconv.Itoa(i)+".json.gz", func(w io.Writer) error {
			return formats.WriteRecords(w, formats.FormatLAAPI, part)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.MarkFetched(ctx, p.ID, c.Seq, path, sum, int64(len(part)), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LoadChunk(ctx, p.ID, c.Seq); err != nil {
			t.Fatal(err)
		}
	}
	return db, edges
}

func TestPullStatusPrintsCoverage(t *testing.T) {
	db, e := scopeCase(t)
	r := runCLI(t, "", "pull", "status", "--db", db)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	tt := hunt.TableTime
	settled := tt(demo.End().Truncate(time.Hour).Add(90 * time.Minute))
	want := "  coverage:\n" +
		"    loaded       " + tt(e[0]) + "  " + tt(e[1]) + "  1 chunk\n" +
		"    gap          " + tt(e[1]) + "  " + tt(e[2]) + "  1 chunk: not loaded; run guesthunt pull --db " + db + " to finish it\n" +
		"    provisional  " + tt(e[2]) + "  " + tt(e[3]) + "  1 chunk: rows after " + settled + " may still be arriving; guesthunt pull --db " + db + " --refresh\n" +
		"  scope invites: other operations (the guest trail's redemptions, grants, deletions) not pulled\n"
	if !strings.Contains(r.stdout, want) {
		t.Errorf("status lacks\n%s\ngot\n%s", want, r.stdout)
	}
	if strings.Contains(r.stdout, "Microsoft Graph rows") {
		t.Errorf("Graph caveat on a workspace pull:\n%s", r.stdout)
	}
}

func TestHuntOnAPulledCaseWarns(t *testing.T) {
	db, e := scopeCase(t)
	tt := hunt.TableTime
	gap := "warning: pull 1 is incomplete: " + tt(e[1]) + " to " + tt(e[2]) + " not loaded; run guesthunt pull --db FILE to finish it\n"
	tail := "warning: rows after " + tt(demo.End().Truncate(time.Hour).Add(90*time.Minute)) + " may still be arriving; guesthunt pull --db FILE --refresh\n"
	end := demo.End().Format(time.RFC3339Nano)
	late := demo.End().Truncate(time.Hour).Add(2 * time.Hour).Format(time.RFC3339Nano)
	for _, c := range []struct {
		args      []string
		gap, tail bool
	}{
		{[]string{"--as-of", end}, false, false}, // the 14d baseline starts after the gap; End is settled
		{[]string{"--as-of", end, "--baseline", "25d"}, true, false},
		{[]string{"--as-of", late}, false, true},
	} {
		r := runCLI(t, "", append([]string{"hunt", "--db", db}, c.args...)...)
		if r.code != exitOK {
			t.Fatalf("%v: exit %d: %s", c.args, r.code, r.stderr)
		}
		if strings.Contains(r.stderr, gap) != c.gap || strings.Contains(r.stderr, tail) != c.tail {
			t.Errorf("%v: want gap %v, tail %v:\n%s", c.args, c.gap, c.tail, r.stderr)
		}
	}
}

func TestTrailOnAnInvitesPullSaysNotPulled(t *testing.T) {
	db, _ := scopeCase(t)
	r := runCLI(t, "", "trail", "--db", db, "--as-of", demo.End().Format(time.RFC3339Nano))
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "\nnote: ") || !strings.Contains(r.stderr, "which was pulled with scope invites") {
		t.Errorf("no scope notice on stderr:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "  later steps: not pulled (scope invites), ") || strings.Contains(r.stdout, "never-redeemed") {
		t.Errorf("trail table:\n%s", r.stdout)
	}
	// The demo as a plain file: every trail whole, no notice.
	plain := runCLI(t, "", "trail", "--as-of", demo.End().Format(time.RFC3339Nano))
	if strings.Contains(plain.stderr, "note: ") || strings.Contains(plain.stdout, "not pulled") {
		t.Errorf("plain demo trail mentions pulls:\n%s\n%s", plain.stderr, plain.stdout)
	}
}
