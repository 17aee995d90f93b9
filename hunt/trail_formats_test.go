package hunt_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// trailKey is what every format carries of a trail, at precision.
func trailKey(tr hunt.Trail, precision time.Duration) []string {
	out := []string{fmt.Sprintf("%s|%s|%s|%s", tr.Inviter, tr.Guest, tr.Email, tr.InvitedAt.Truncate(precision).Format(time.RFC3339Nano))}
	for _, s := range tr.Steps {
		out = append(out, fmt.Sprintf("  %s|%s|%s|%s|%s|%s", s.Time.Truncate(precision).Format(time.RFC3339Nano),
			s.Kind, s.Operation, s.Actor, s.IP, s.Detail))
	}
	for _, s := range tr.Signals {
		out = append(out, "  ! "+string(s.Kind))
	}
	return out
}

// The demo written in every export format gives the same trails, with the
// planted ones: the redeemed guest made Global Administrator within the
// hour, the lookalike domains, and no step from the member namesake.
func TestTrailsEveryFormat(t *testing.T) {
	recs := demo.Tenant(1)
	dir := t.TempDir()
	ctx := context.Background()
	tp := hunt.TrailParams{Params: hunt.DefaultParams(), Stale: 3 * time.Hour}
	var want []hunt.Trail // the first format's, compared at each format's precision
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
		if _, err := st.Load(ctx, []string{path}, store.LoadOptions{Strict: true}); err != nil {
			t.Fatal(err)
		}
		trails, err := hunt.NewEngine(st).Trails(ctx, tp)
		if err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = trails
			checkPlantedTrails(t, trails)
			continue
		}
		precision := 100 * time.Nanosecond
		if f == formats.FormatLAPortalCSV {
			precision = time.Millisecond
		}
		if len(trails) != len(want) {
			t.Fatalf("%s: %d trails, want %d", f, len(trails), len(want))
		}
		for i := range trails {
			if got, w := trailKey(trails[i], precision), trailKey(want[i], precision); !slices.Equal(got, w) {
				t.Errorf("%s: trail %d differs\ngot  %q\nwant %q", f, i, got, w)
			}
		}
	}
}

func checkPlantedTrails(t *testing.T, trails []hunt.Trail) {
	t.Helper()
	found := map[string]bool{}
	for _, tr := range trails {
		var sig []hunt.SignalKind
		for _, s := range tr.Signals {
			sig = append(sig, s.Kind)
		}
		switch tr.Email {
		case "jonas.berg.nw@gmail.com":
			found["admin"] = true
			var ks []hunt.StepKind
			for _, s := range tr.Steps {
				ks = append(ks, s.Kind)
				if s.Detail == "IT Admins" {
					t.Errorf("the member namesake's group joined the guest's trail: %+v", s)
				}
			}
			if !slices.Equal(ks, []hunt.StepKind{hunt.StepInvite, hunt.StepRedeem, hunt.StepRedeem, hunt.StepRole}) ||
				tr.Steps[3].Detail != "Global Administrator" || tr.Steps[3].SinceInvite > time.Hour {
				t.Errorf("admin trail %+v", tr.Steps)
			}
			if len(sig) == 0 || sig[0] != hunt.SignalPrivilegedRole || !slices.Contains(sig, hunt.SignalFreeMail) {
				t.Errorf("admin trail signals %v", sig)
			}
		case "it-support@northwlndtraders.example", "accounts-payable@northwind-traders.example":
			found[tr.Email] = true
			if !slices.Contains(sig, hunt.SignalLookalikeDomain) || !slices.Contains(sig, hunt.SignalNeverRedeemed) {
				t.Errorf("%s signals %v", tr.Email, sig)
			}
		}
	}
	if len(found) != 3 {
		t.Errorf("planted trails found: %v", found)
	}
}
