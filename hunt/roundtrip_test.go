package hunt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// alertKey is what every format carries of an alert row; times at the
// precision of the coarsest format the comparison involves.
func alertKey(a hunt.Alert, precision time.Duration) string {
	return fmt.Sprintf("%s|%s|%s|%s|%s|%s|%s|%s|%s", a.TimeGenerated.Truncate(precision).Format(time.RFC3339Nano),
		a.OperationName, a.InitiatingUserPrincipalName, a.InitiatingAadUserId, a.InitiatingIPAddress,
		a.TargetUserPrincipalName, a.TargetAadUserId, a.InitiatingAccountName, a.TargetAccountUPNSuffix)
}

// The demo tenant written in every export format loads to the same events and
// gives the same hunt result, at each format's own time precision.
func TestRoundTripEveryFormatSameHunt(t *testing.T) {
	recs := demo.Tenant(1)
	dir := t.TempDir()
	ctx := context.Background()
	variants := []hunt.Params{hunt.DefaultParams()}
	longer := hunt.DefaultParams()
	longer.Baseline = 17 * 24 * time.Hour
	folded := hunt.DefaultParams()
	folded.FoldCase = true
	variants = append(variants, longer, folded)

	// Each format is written and loaded once, then hunted with every variant.
	results := map[formats.Format][]*hunt.Result{}
	for _, f := range formats.Formats {
		path := filepath.Join(dir, "tenant-"+string(f))
		if err := store.WriteFile(path, f, recs); err != nil {
			t.Fatal(err)
		}
		st, err := store.Open("")
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		rep, err := st.Load(ctx, []string{path}, store.LoadOptions{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Files[0].Records != int64(len(recs)) {
			t.Errorf("%s: %d records, want %d", f, rep.Files[0].Records, len(recs))
		}
		engine := hunt.NewEngine(st)
		for _, p := range variants {
			res, err := engine.Run(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			results[f] = append(results[f], res)
		}
	}
	for i, p := range variants {
		want := results[formats.FormatLANDJSON][i]
		if len(want.Rows) == 0 {
			t.Fatalf("%v: the demo tenant flags nobody", p)
		}
		for _, f := range formats.Formats {
			precision := data.Tick
			if f == formats.FormatLAPortalCSV {
				precision = time.Millisecond
			}
			got := results[f][i]
			wantKeys, gotKeys := keys(want.Rows, precision), keys(got.Rows, precision)
			if !slices.Equal(wantKeys, gotKeys) {
				t.Errorf("%s %v: alert rows differ\nwant %q\ngot  %q", f, p, wantKeys, gotKeys)
			}
			if !got.AsOf.Equal(want.AsOf.Truncate(precision)) {
				t.Errorf("%s: as-of %v, want %v", f, got.AsOf, want.AsOf)
			}
		}
	}
	// The variants really differ, or the comparison above proves little.
	def, long, fold := results[formats.FormatLANDJSON][0], results[formats.FormatLANDJSON][1], results[formats.FormatLANDJSON][2]
	if len(long.Rows) >= len(def.Rows) || len(fold.Rows) >= len(def.Rows) {
		t.Errorf("17d baseline (%d rows) and fold-case (%d rows) should flag fewer than the default (%d rows)",
			len(long.Rows), len(fold.Rows), len(def.Rows))
	}
}

func keys(rows []hunt.Alert, precision time.Duration) []string {
	out := make([]string, len(rows))
	for i, a := range rows {
		out[i] = alertKey(a, precision)
	}
	slices.Sort(out)
	return out
}
