package scenario

import (
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// shortRetention: the export covers fewer days than the baseline, so
// inviters whose history lies before it look new. The generator builds the
// month, then keeps only the export's days, as Entra's free tier would.
func shortRetention(opt Options) (Tenant, error) {
	days, err := spanDays("short-retention", opt, 7, 2, 10)
	if err != nil {
		return Tenant{}, err
	}
	p := newPlan("short-retention", opt, 30, days)
	b, office := p.b, p.b.OfficeIPs()
	exportStart := p.end.Add(-time.Duration(days) * day)

	// Two occasional inviters: their last earlier invites fall inside the
	// 14-day baseline but before the export starts.
	carla, gustav := demo.NewPerson("Carla", "Mendes"), demo.NewPerson("Gustav", "Holm")
	b.Invite(demo.Invite{At: p.on(24, 10, 12), By: carla, IP: office[0], Sponsor: true, Redeem: true})
	carlaLast := b.Invite(demo.Invite{At: exportStart.Add(-27 * time.Hour), By: carla, IP: office[0], Sponsor: true, Redeem: true})
	b.Invite(demo.Invite{At: p.on(0, 9, 40), By: carla, IP: office[0], Sponsor: true})
	gustavLast := b.Invite(demo.Invite{At: exportStart.Add(-53 * time.Hour), By: gustav, IP: office[1], Redeem: true})
	b.Invite(demo.Invite{At: p.on(0, 15, 2), By: gustav, IP: office[1]})

	quentin := demo.NewPerson("Quentin", "Moreau")
	b.Invite(demo.Invite{At: p.on(0, 3, 31), By: quentin, IP: "203.0.113.77", UserAgent: linuxFirefox,
		GuestEmail: "payroll-update@outlook.com", GuestName: "Payroll Update"})

	all := b.Records()
	recs := between(all, exportStart, p.end)
	coverage := fmt.Sprintf("The export starts %s, %d days before the as-of instant, so the 14-day baseline is not covered (the coverage warning says so).", stamp(recs[0].TimeGenerated), days)
	p.add(carla.UPN, true, triage.VerdictFalsePositive,
		coverage+" In the full log she last invited "+stamp(timeOf(all, carlaLast.ID))+", inside the baseline: the flag is the export's coverage, not her behaviour. Get a longer export (30 days) or Log Analytics before judging.")
	p.add(gustav.UPN, true, triage.VerdictFalsePositive,
		coverage+" In the full log he last invited "+stamp(timeOf(all, gustavLast.ID))+", inside the baseline but before the export: a coverage artefact.")
	p.add(quentin.UPN, true, triage.VerdictMalicious,
		"Coverage explains the others, not this one: a free-mail 'Payroll Update' guest at 03:31 UTC from an unknown address, by an account with no invite in any log. Treat as compromised.")
	return p.single(recs), nil
}

// timeOf is the time of the record with Id id (zero when absent).
func timeOf(recs []data.Record, id string) time.Time {
	for _, r := range recs {
		if r.Id == id {
			return r.TimeGenerated
		}
	}
	return time.Time{}
}
