package scenario

import (
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// compromised: among three new inviters, one is an admin account signed in
// from abroad at night that invites a lookalike-domain guest and then gives
// it a directory role.
func compromised(opt Options) (Tenant, error) {
	p, err := standard("compromised", opt)
	if err != nil {
		return Tenant{}, err
	}
	b, office := p.b, p.b.OfficeIPs()
	const attackerIP = "203.0.113.141"

	kwame := demo.NewPerson("Kwame", "Mensah")
	signedIn := p.on(0, 2, 5)
	in := b.Invite(demo.Invite{At: signedIn.Add(8 * time.Minute), By: kwame, IP: attackerIP, UserAgent: linuxFirefox,
		GuestEmail: "accounts@northwlndtraders.example", GuestName: "Northwind Accounts", Redeem: true})
	grant := b.GrantRole(signedIn.Add(36*time.Minute), kwame, attackerIP, in.GuestID, guestUPN(in.GuestEmail), "Application Administrator")

	hannah := demo.NewPerson("Hannah", "Weiss")
	b.Invite(demo.Invite{At: p.on(0, 10, 5), By: hannah, IP: office[0], Sponsor: true, Redeem: true,
		GuestEmail: "r.gruber@helixpoint-consulting.example", GuestName: "Rafael Gruber"})

	omar := demo.NewPerson("Omar", "Farouk")
	b.Invite(demo.Invite{At: p.on(1, 19, 32), By: omar, IP: "100.77.18.203", UserAgent: mobileSafari,
		GuestEmail: "omar.farouk.home@gmail.com", GuestName: "Omar Farouk"})
	priya := p.known()

	p.add(kwame.UPN, true, triage.VerdictMalicious,
		"An IT admin who never invited signs in from abroad at 02:05 UTC, invites a guest at northwlndtraders.example (an l for the i: a lookalike of the tenant's own domain) from that new address in a Linux browser, and half an hour later makes the guest an Application Administrator. Compromised account: revoke sessions, remove the role and the guest.",
		grant)
	p.add(hannah.UPN, true, triage.VerdictBenign,
		"A project manager's first invite: a consultant at a known partner firm, from the office, in office hours, with herself as sponsor.")
	p.add(omar.UPN, true, triage.VerdictSuspicious,
		"He invited his own private mail address from his phone in the evening: no attack, but a personal account with access to tenant data breaks policy. Ask him and have the guest removed.")
	p.add(priya.UPN, false, triage.VerdictBenign, "A known inviter: in the baseline, so not flagged.")

	// A namesake for the trail (issue 13): the tenant's own shared mailbox
	// user is also called "Northwind Accounts"; its group change must never
	// join the lookalike guest's trail (matching is by id, UPN and e-mail).
	shared := demo.NewPerson("Northwind", "Accounts")
	b.AddToGroup(p.on(0, 9, 40), demo.NewPerson("Elena", "Petrova"), office[1], shared.ID, shared.DisplayName(), shared.UPN, "Finance")
	return p.single(b.Records(), signIn{At: signedIn, Name: kwame.DisplayName(), Location: "RO"}), nil
}
