package scenario

import (
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/triage"
)

// overlap: the month arrives as two exports in two formats, an older one
// and a recent 10-day one, overlapping by three days. Either alone gives the
// wrong answer; loaded together and de-duplicated they give the month's.
func overlap(opt Options) (Tenant, error) {
	days, err := spanDays("overlap", opt, 30, 16, 400)
	if err != nil {
		return Tenant{}, err
	}
	p := newPlan("overlap", opt, days, days)
	b, office := p.b, p.b.OfficeIPs()
	olderTo, recentFrom := p.end.Add(-7*day), p.end.Add(-10*day)

	laura := demo.NewPerson("Laura", "Fischer") // earlier invite only in the older export
	b.Invite(demo.Invite{At: p.on(12, 10, 30), By: laura, IP: office[0], Sponsor: true, Redeem: true})
	b.Invite(demo.Invite{At: p.on(0, 10, 30), By: laura, IP: office[0], Sponsor: true})

	stefan := demo.NewPerson("Stefan", "Novak") // earlier invite in both exports
	b.Invite(demo.Invite{At: p.on(8, 14, 15), By: stefan, IP: office[1], Redeem: true})
	b.Invite(demo.Invite{At: p.on(0, 12, 15), By: stefan, IP: office[1]})

	yusuf := demo.NewPerson("Yusuf", "Demir")
	p.burst(p.on(0, 4, 12), yusuf, "203.0.113.33", linuxFirefox, 70*time.Second, [][2]string{
		{"shared.docs.nw@gmail.com", "Shared Docs"}, {"y.demir.backup@proton.me", "Yusuf Demir"}})
	priya := p.known()

	all := b.Records()
	withSI := withSignIns(opt.Seed, all) // one set of sign-ins, so the overlap repeats them too
	part := func(f formats.Format, from, to time.Time) File {
		src := all
		if carriesTable(f) {
			src = withSI
		}
		recs := between(src, from, to)
		return File{Name: exportName(f, between(all, from, to)), Format: f, Records: recs}
	}
	second := formats.FormatGraphNDJSON
	if opt.Format == second {
		second = formats.FormatLANDJSON
	}
	files := []File{part(opt.Format, p.start, olderTo), part(second, recentFrom, p.end)}

	p.add(yusuf.UPN, true, triage.VerdictMalicious,
		"Never invited in either export; two free-mail guests at 04:12 UTC from an unknown address in a Linux browser.")
	p.add(laura.UPN, false, triage.VerdictBenign,
		"Her earlier invite, 12 days before the as-of instant, is only in the older export: the recent export alone flags her. Load both.")
	p.add(stefan.UPN, false, triage.VerdictBenign,
		"His earlier invite, 8 days before, is in both exports: loaded together it is one event, counted once, and he is a known inviter.")
	p.add(priya.UPN, false, triage.VerdictBenign, "A known inviter: in the baseline, so not flagged.")
	return Tenant{Files: files, Key: p.key(all)}, nil
}
