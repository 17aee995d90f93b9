package hunt

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// The pulled fixture: one pull of scope invites from 2026-09-25 12:00 to
// 2026-10-16 12:00 in four chunks, created 2026-10-15 18:00 with a 30m
// settle time, so the last chunk is provisional and rows after 17:30 may
// still arrive. Gina's invite (by eve, new) lies in the third chunk.
var pullCuts = []time.Time{
	time.Date(2026, 9, 25, 12, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 15, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 10, 16, 12, 0, 0, 0, time.UTC),
}

func pulledRecords() []data.Record {
	recs := []data.Record{
		invite("old@contoso.com", time.Date(2026, 9, 28, 9, 0, 0, 0, time.UTC)),
		invite("old@contoso.com", time.Date(2026, 10, 10, 9, 0, 0, 0, time.UTC)),
		ginaInvite(ago(20 * time.Hour)),
		invite("old@contoso.com", time.Date(2026, 10, 15, 14, 0, 0, 0, time.UTC)),
	}
	for i := range recs {
		recs[i].Id = "pulled_" + strconv.Itoa(i)
	}
	return recs
}

// pulledEngine records the fixture's pull with scope and loads the chunks
// named (0-based) from spooled Log Analytics API bodies, as pull does.
func pulledEngine(t *testing.T, scope string, load ...int) *Engine {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	pullInto(t, st, scope, load...)
	return NewEngine(st)
}

func pullInto(t *testing.T, st *store.Store, scope string, load ...int) {
	t.Helper()
	ctx := context.Background()
	var plan []store.PullChunk
	for i := 1; i < len(pullCuts); i++ {
		plan = append(plan, store.PullChunk{From: pullCuts[i-1], To: pullCuts[i], PlannedRows: 1, PlannedBytes: 100})
	}
	p, err := st.CreatePull(ctx, store.Pull{Source: store.PullSourceLA, Target: "11111111-2222-3333-4444-555555555555",
		Cloud: "public", Scope: scope, From: pullCuts[0], To: pullCuts[len(pullCuts)-1], QueryText: "AuditLogs | where ...",
		CreatedAt: time.Date(2026, 10, 15, 18, 0, 0, 0, time.UTC), Settle: 30 * time.Minute}, plan)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := st.PullChunks(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, i := range load {
		c := chunks[i]
		var part []data.Record
		for _, r := range pulledRecords() {
			if !r.TimeGenerated.Before(c.From) && r.TimeGenerated.Before(c.To) {
				part = append(part, r)
			}
		}
		path := filepath.Join(dir, "chunk"+strconv.Itoa(i)+".json.gz")
		sum := spoolLA(t, path, part)
		if err := st.MarkFetched(ctx, p.ID, c.Seq, path, sum, int64(len(part)), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := st.LoadChunk(ctx, p.ID, c.Seq); err != nil {
			t.Fatal(err)
		}
	}
}

// spoolLA writes recs as a gzipped Log Analytics query API body and returns
// its SHA-256, as the pull's spool records it.
func spoolLA(t *testing.T, path string, recs []data.Record) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if err := formats.WriteRecords(zw, formats.FormatLAAPI, recs); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func pullWarnings(res *Result) []Warning {
	var out []Warning
	for _, w := range res.Warnings {
		if w.Kind == WarnPullIncomplete || w.Kind == WarnPullProvisional {
			out = append(out, w)
		}
	}
	return out
}

func TestPulledGapAndUnsettledTailWarn(t *testing.T) {
	ctx := context.Background()
	e := pulledEngine(t, ScopeInvites, 0, 2, 3) // chunk 2 (Oct 1) never loaded
	gap := Warning{WarnPullIncomplete, "pull 1 is incomplete: 2026-10-01 00:00:00 to 2026-10-02 00:00:00 not loaded; run guesthunt pull --db FILE to finish it"}
	tail := Warning{WarnPullProvisional, "rows after 2026-10-15 17:30:00 may still be arriving; guesthunt pull --db FILE --refresh"}

	res, err := e.Run(ctx, fixedParams()) // as of Oct 15 12:00: settled, baseline over the gap
	if err != nil {
		t.Fatal(err)
	}
	if got := pullWarnings(res); !slices.Equal(got, []Warning{gap}) {
		t.Errorf("as of 12:00: pull warnings %+v, want %+v", got, []Warning{gap})
	}
	if len(res.Rows) != 1 || res.AllClear != "" {
		t.Errorf("eve's invite should still be flagged: %d rows, all-clear %q", len(res.Rows), res.AllClear)
	}
	if gap.Kind.String() != "pull-incomplete" || tail.Kind.String() != "pull-provisional" {
		t.Errorf("kind names %q, %q", gap.Kind, tail.Kind)
	}

	late := fixedParams()
	late.AsOf.At = time.Date(2026, 10, 15, 20, 0, 0, 0, time.UTC) // past the settled edge
	res, err = e.Run(ctx, late)
	if err != nil {
		t.Fatal(err)
	}
	if got := pullWarnings(res); !slices.Equal(got, []Warning{gap, tail}) {
		t.Errorf("as of 20:00: pull warnings %+v, want %+v", got, []Warning{gap, tail})
	}

	// A window and baseline after the gap, before the settled edge: no warning.
	short := fixedParams()
	short.Baseline = 7 * day
	if res, err = e.Run(ctx, short); err != nil {
		t.Fatal(err)
	}
	if got := pullWarnings(res); len(got) != 0 {
		t.Errorf("baseline after the gap: %+v", got)
	}
}

// A file whose events span the gap holds them: no incomplete warning.
func TestPulledGapFilledByAFile(t *testing.T) {
	e := pulledEngine(t, ScopeInvites, 0, 2, 3)
	loadInto(t, e, "export", invite("x@contoso.com", pullCuts[1]), invite("x@contoso.com", pullCuts[2]))
	res, err := e.Run(context.Background(), fixedParams())
	if err != nil {
		t.Fatal(err)
	}
	if got := pullWarnings(res); len(got) != 0 {
		t.Errorf("gap filled by a file: %+v", got)
	}
}

func TestPulledInvitesTrailSaysNotPulled(t *testing.T) {
	ctx := context.Background()
	for _, scope := range []string{ScopeInvites, "trail", "all"} {
		e := pulledEngine(t, scope, 0, 1, 2, 3)
		trails, err := e.Trails(ctx, TrailParams{Params: fixedParams(), Stale: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if len(trails) != 1 {
			t.Fatalf("%s: %d trails, want Gina's", scope, len(trails))
		}
		tr := trails[0]
		if scope != ScopeInvites {
			// Nothing after the invite, and the operations were pulled: never redeemed.
			if tr.NotPulled != "" || TrailsNotice(trails) != "" || !hasSignal(tr, SignalNeverRedeemed) {
				t.Errorf("%s: not pulled %q, notice %q, signals %+v", scope, tr.NotPulled, TrailsNotice(trails), tr.Signals)
			}
			continue
		}
		if tr.NotPulled != "not pulled (scope invites)" {
			t.Errorf("NotPulled %q", tr.NotPulled)
		}
		if !tr.NotPulledFrom.Equal(ago(20*time.Hour)) || !tr.NotPulledTo.Equal(pullCuts[4]) {
			t.Errorf("not pulled %s to %s", tr.NotPulledFrom, tr.NotPulledTo)
		}
		if hasSignal(tr, SignalNeverRedeemed) {
			t.Errorf("never-redeemed judged from silence: %+v", tr.Signals)
		}
		want := `1 of 1 guest trails reach into 2026-10-14 16:00:00 to 2026-10-16 12:00:00, which was pulled with scope invites: ` +
			`redemptions, group, role and app grants and deletions there were not pulled, so those trails say "not pulled (scope invites)" ` +
			`and are not judged never-redeemed; guesthunt pull --db FILE --scope trail fetches them`
		if got := TrailsNotice(trails); got != want {
			t.Errorf("notice\n got %s\nwant %s", got, want)
		}
	}
}

// A plain loaded file says none of this: no pull warning, no notice.
func TestPlainFileHasNoPullFacts(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t, pulledRecords()...)
	res, err := e.Run(ctx, fixedParams())
	if err != nil {
		t.Fatal(err)
	}
	if got := pullWarnings(res); len(got) != 0 {
		t.Errorf("plain file: %+v", got)
	}
	trails, err := e.Trails(ctx, TrailParams{Params: fixedParams(), Stale: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(trails) != 1 || trails[0].NotPulled != "" || TrailsNotice(trails) != "" || !hasSignal(trails[0], SignalNeverRedeemed) {
		t.Errorf("plain file trails %+v", trails)
	}
}

// Why-flagged's count of the inviter's other operations is "not pulled"
// when the baseline was pulled with scope invites, and a count otherwise.
func TestExplainOtherOperationsNotPulled(t *testing.T) {
	ctx := context.Background()
	for scope, want := range map[string]string{ScopeInvites: NotPulledInvites, "all": ""} {
		x, err := pulledEngine(t, scope, 0, 1, 2, 3).Explain(ctx, fixedParams(), trailInviter)
		if err != nil {
			t.Fatal(err)
		}
		if x.OtherOperationsNotPulled != want || x.BaselineOtherOperations != 0 {
			t.Errorf("%s: %q, %d", scope, x.OtherOperationsNotPulled, x.BaselineOtherOperations)
		}
	}
	x, err := newEngine(t, pulledRecords()...).Explain(ctx, fixedParams(), trailInviter)
	if err != nil {
		t.Fatal(err)
	}
	if x.OtherOperationsNotPulled != "" {
		t.Errorf("plain file: %q", x.OtherOperationsNotPulled)
	}
}

// A quiet window inside loaded chunks of an invites pull was looked at: an
// all-clear, not "the data does not reach it". A window in the gap is not.
func TestPulledQuietWindowIsAnAllClear(t *testing.T) {
	ctx := context.Background()
	e := pulledEngine(t, ScopeInvites, 0, 1, 2, 3)
	quiet := fixedParams()
	quiet.AsOf.At = time.Date(2026, 10, 13, 12, 0, 0, 0, time.UTC)
	res, err := e.Run(ctx, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 0 || res.AllClear != "no inviter is flagged: the pulled chunks cover the whole window, and it holds no invite" {
		t.Errorf("quiet pulled window: warnings %+v, all-clear %q", res.Warnings, res.AllClear)
	}
	inGap := fixedParams()
	inGap.AsOf.At = time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	if res, err = pulledEngine(t, ScopeInvites, 0, 2, 3).Run(ctx, inGap); err != nil {
		t.Fatal(err)
	}
	kinds := []WarningKind{}
	for _, w := range res.Warnings {
		kinds = append(kinds, w.Kind)
	}
	if !slices.Contains(kinds, WarnWindowEmpty) || !slices.Contains(kinds, WarnPullIncomplete) ||
		res.AllClear != "no inviter is flagged, but the window holds no events: this is no all-clear" {
		t.Errorf("window in the gap: warnings %+v, all-clear %q", res.Warnings, res.AllClear)
	}
}
