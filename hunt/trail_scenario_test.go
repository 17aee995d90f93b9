package hunt_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// The compromised training scenario plants a lookalike guest made
// Application Administrator within the hour, a never-redeemed private
// address, and a member namesake of the lookalike guest whose group change
// must stay out of every trail.
func TestTrailsCompromisedScenario(t *testing.T) {
	tn, err := scenario.Generate("compromised", scenario.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	for _, f := range tn.Files {
		var recs []data.Record
		for _, r := range f.Records {
			if r.Type == "AuditLogs" {
				recs = append(recs, r)
			}
		}
		if _, err := st.LoadRecords(ctx, f.Name, recs); err != nil {
			t.Fatal(err)
		}
	}
	asOf, err := time.Parse(data.TimeLayout, tn.Key.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	p := hunt.DefaultParams()
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: asOf}
	trails, err := hunt.NewEngine(st).Trails(ctx, hunt.TrailParams{Params: p, Stale: 12 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string][]hunt.SignalKind{}
	for _, tr := range trails {
		var sig []hunt.SignalKind
		for _, s := range tr.Signals {
			sig = append(sig, s.Kind)
		}
		seen[tr.Email] = sig
		for _, s := range tr.Steps {
			if s.Kind == hunt.StepGroup && s.Detail == "Finance" {
				t.Errorf("%s: the namesake's group change joined: %+v", tr.Email, s)
			}
		}
		if tr.Email == "accounts@northwlndtraders.example" {
			i := slices.IndexFunc(tr.Steps, func(s hunt.TrailStep) bool { return s.Kind == hunt.StepRole })
			if i < 0 || tr.Steps[i].Detail != "Application Administrator" || tr.Steps[i].SinceInvite > time.Hour {
				t.Errorf("lookalike guest's steps %+v", tr.Steps)
			}
		}
	}
	for email, want := range map[string][]hunt.SignalKind{
		"accounts@northwlndtraders.example": {hunt.SignalPrivilegedRole, hunt.SignalLookalikeDomain},
		"omar.farouk.home@gmail.com":        {hunt.SignalFreeMail, hunt.SignalNeverRedeemed},
	} {
		got, ok := seen[email]
		for _, k := range want {
			if !ok || !slices.Contains(got, k) {
				t.Errorf("%s: signals %v, want %s among them", email, got, k)
			}
		}
	}
}
