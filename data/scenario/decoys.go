package scenario

import (
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// decoys: every flag has an innocent explanation, and some invites that
// look new are never flagged at all.
func decoys(opt Options) (Tenant, error) {
	days, err := spanDays("decoys", opt, 30, 18, 400)
	if err != nil {
		return Tenant{}, err
	}
	p := newPlan("decoys", opt, days, days)
	b, office := p.b, p.b.OfficeIPs()

	// A partnerships hire, provisioned nine days ago, invites her first contacts.
	sofia := demo.NewPerson("Sofia", "Marchetti")
	b.Hire(p.on(9, 7, 5), sofia, "Partnerships", "Partner Portal Users")
	b.Invite(demo.Invite{At: p.on(0, 10, 14), By: sofia, IP: office[0], GuestEmail: "j.keller@keelson-legal.example", GuestName: "Jana Keller", Sponsor: true, Redeem: true})
	b.Invite(demo.Invite{At: p.on(0, 10, 21), By: sofia, IP: office[0], GuestEmail: "m.lund@keelson-legal.example", GuestName: "Mats Lund", Sponsor: true})

	// A regular inviter back from sixteen days off.
	elif := demo.NewPerson("Elif", "Kaya")
	for _, d := range []int{27, 16} {
		if at := p.on(d, 13, 40); at.After(p.start) {
			b.Invite(demo.Invite{At: at, By: elif, IP: office[1], Sponsor: true, Redeem: true})
		}
	}
	b.Invite(demo.Invite{At: p.on(0, 14, 2), By: elif, IP: office[1], Sponsor: true})

	// The same person, logged with capitals in the baseline.
	ines := demo.NewPerson("Ines", "Duarte")
	inesCaps := ines
	inesCaps.UPN = "Ines.Duarte@" + demo.Domain
	for _, d := range []int{11, 4} {
		b.Invite(demo.Invite{At: p.on(d, 9, 30), By: inesCaps, IP: office[2], Redeem: true})
	}
	b.Invite(demo.Invite{At: p.on(0, 13, 30), By: ines, IP: office[2]})

	// Failed invites by someone who never invited.
	ben := demo.NewPerson("Ben", "Okoro")
	for i, g := range [][2]string{{"procurement@tessaro-group.example", "Procurement"}, {"l.baptiste@tessaro-group.example", "Luc Baptiste"}} {
		b.Invite(demo.Invite{At: p.on(0, 11, 45+2*i), By: ben, IP: office[0], GuestEmail: g[0], GuestName: g[1], Failure: blockedByCTA})
	}

	// The onboarding app's batch.
	for i := range 2 {
		b.Invite(demo.Invite{At: p.on(0, 8, 30+i), ByApp: true, UserAgent: "Microsoft-Graph-Client/5.0", Redeem: true})
	}
	priya := p.known()

	p.add(sofia.UPN, true, triage.VerdictBenign,
		"A new hire in Partnerships (provisioned by HR nine days earlier, added to Partner Portal Users) invites two contacts at a partner law firm, from the office, in office hours, as their sponsor: a first-time inviter doing her job.")
	p.add(elif.UPN, true, triage.VerdictBenign,
		"She last invited 16 days before the as-of instant, just outside the 14-day baseline: flagged by the baseline's edge, not by new behaviour (a 17d baseline does not flag her).")
	p.add(ines.UPN, true, triage.VerdictFalsePositive,
		"The baseline logged her as Ines.Duarte@...; Kusto's !in is case-sensitive, so the same person looks new. Fold-case comparison does not flag her.")
	p.add(ben.UPN, false, triage.VerdictBenign,
		"Both invites failed (blocked by cross-tenant access settings): the rule counts only successful invites, so nothing is flagged, and no guest exists.")
	p.add(p.b.OnboardingApp(), false, triage.VerdictBenign,
		"App-initiated invites have no user principal name: the rule never reports them.")
	p.add(priya.UPN, false, triage.VerdictBenign, "A known inviter: in the baseline, so not flagged.")
	return p.single(b.Records()), nil
}
