package scenario

import (
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// massInvite: a new inviter sprays invites; a known inviter's burst and an
// app's batch are volume without novelty.
func massInvite(opt Options) (Tenant, error) {
	p, err := standard("mass-invite", opt)
	if err != nil {
		return Tenant{}, err
	}
	rng := p.b.Rand()
	nadia := demo.NewPerson("Nadia", "Kowalski")
	first, last := []string{"alex", "sam", "chris", "jo", "kim", "lee", "max", "robin", "taylor", "jordan"},
		[]string{"baker", "cole", "dunn", "ford", "grant", "hale", "irwin", "knox", "lane", "marsh"}
	mail := []string{"gmail.com", "outlook.com", "proton.me", "yahoo.com", "mail.com", "gmx.net"}
	var spray [][2]string
	for i := range 40 {
		f, l := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		spray = append(spray, [2]string{fmt.Sprintf("%s.%s%02d@%s", f, l, i, mail[rng.IntN(len(mail))]), title(f) + " " + title(l)})
	}
	p.burst(p.on(1, 22, 41), nadia, "203.0.113.9", graphPS, 50*time.Second, spray)

	priya := p.known()
	office := p.b.OfficeIPs()[1]
	var workshop [][2]string
	for i := range 15 {
		f, l := first[i%len(first)], last[(i*3)%len(last)]
		workshop = append(workshop, [2]string{f + "." + l + "@brightharbor-logistics.example", title(f) + " " + title(l)})
	}
	p.burst(p.on(0, 9, 10), priya, office, p.b.OfficeAgent(), 40*time.Second, workshop)

	for i := range 6 {
		p.b.Invite(demo.Invite{At: p.on(0, 11, 2*i), ByApp: true, UserAgent: "Microsoft-Graph-Client/5.0"})
	}
	p.add(nadia.UPN, true, triage.VerdictMalicious,
		"Forty invites in about forty minutes, late in the evening, to free-mail addresses, by an account that never invited, from a PowerShell client on an unknown address: an invitation spray. One inviter, forty rows: triage the inviter once.")
	p.add(priya.UPN, false, triage.VerdictBenign,
		"Fifteen workshop attendees from a partner domain, in office hours, from the office, by the partner manager who invites every week: volume alone is not what this rule flags.")
	p.add(p.b.OnboardingApp(), false, triage.VerdictBenign,
		"The onboarding app invites through Graph with no user: the rule only sees user-initiated invites.")
	return p.single(p.b.Records()), nil
}
