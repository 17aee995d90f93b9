package scenario

import (
	"errors"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// demoTenant is `guesthunt demo`'s tenant, record for record, with its
// planted cases as the key. Its length and volume are fixed.
func demoTenant(opt Options) (Tenant, error) {
	if opt.Days != 0 || opt.Events != 0 {
		return Tenant{}, errors.New("demo: the demo tenant has a fixed length and volume (no --days or --events)")
	}
	recs := demo.Tenant(opt.Seed)
	var cases []Case
	index := map[string]int{}
	for _, c := range demo.Cases() {
		subject := c.InviterUPN
		if subject == "" {
			subject = c.InviterApp
		}
		v, why := demoVerdict(c.Name)
		lesson := c.Title + ": " + c.Demonstrates + ". " + why
		if i, ok := index[subject]; ok { // case g is the same account as case a
			cases[i].Explanation += " Also: " + lesson
			continue
		}
		index[subject] = len(cases)
		cases = append(cases, Case{Subject: subject, Kind: string(triage.SubjectInviter), Flagged: c.Flagged(),
			Verdict: v, Explanation: lesson})
	}
	return Tenant{Files: []File{{Name: exportName(opt.Format, recs), Format: opt.Format, Records: recs}},
		Key: newKey("demo", opt.Seed, demo.End(), cases, recs)}, nil
}

// demoVerdict is the right verdict for each of demo.Cases, and why.
func demoVerdict(name string) (triage.Verdict, string) {
	switch name {
	case "a", "g":
		return triage.VerdictMalicious, "A burst to free-mail and lookalike domains from one unfamiliar address: a compromised account."
	case "b":
		return triage.VerdictBenign, "Not flagged: a known inviter."
	case "c":
		return triage.VerdictBenign, "A regular inviter back from a pause; the flag is the baseline's edge, not new behaviour."
	case "d":
		return triage.VerdictBenign, "Failed attempts do not count as history, but the same partner work now succeeded."
	case "e":
		return triage.VerdictFalsePositive, "The same person; only the letter case of the UPN differs."
	case "f", "i":
		return triage.VerdictBenign, "Never flagged by this rule."
	case "h":
		return triage.VerdictSuspicious, "A new inviter whose record lacks its target: confirm the guest before closing."
	}
	return triage.VerdictUntriaged, ""
}
