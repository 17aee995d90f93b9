package scenario

import (
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// textbook: one obvious new inviter among a month of everyday work.
func textbook(opt Options) (Tenant, error) {
	p, err := standard("textbook", opt)
	if err != nil {
		return Tenant{}, err
	}
	priya := p.known()
	dmitri := demo.NewPerson("Dmitri", "Volkov")
	p.burst(p.on(0, 1, 52), dmitri, "203.0.113.187", linuxFirefox, 90*time.Second, [][2]string{
		{"northwind.payments@outlook.com", "Northwind Payments"},
		{"d.volkov.archive@proton.me", "Dmitri Volkov"},
		{"invoices.nw@gmail.com", "Invoices"},
	})
	p.add(dmitri.UPN, true, triage.VerdictMalicious,
		"Never invited anyone before; three free-mail guests within minutes, at 01:52 UTC, from an address the tenant has not used, in a Linux browser. Disable the account, revoke sessions, remove the guests.")
	p.add(priya.UPN, false, triage.VerdictBenign,
		"The partner manager invites every few days, so today's invite is not new and the rule stays quiet.")
	return p.single(p.b.Records()), nil
}
