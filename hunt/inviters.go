package hunt

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// InviterSummary is what the workbench shows about one flagged inviter.
type InviterSummary struct {
	UPN            string
	Invites        int // qualifying invites in the detection window
	DistinctGuests int
	SourceIPs      []string // distinct InitiatingIPAddress values, sorted; "" left out
	FirstInvite    time.Time
	LastInvite     time.Time
	// LatestEarlierInvite is the inviter's latest successful invite at or
	// before the window start, anywhere in the data (so possibly before the
	// baseline start); zero when there is none (HasEarlierInvite false).
	// The same case rule as the run applies.
	LatestEarlierInvite time.Time
	HasEarlierInvite    bool
	// EarlierNotQueried: the latest earlier invite is unknown, not absent.
	// A run in the workspace (RemoteRule) sees only the window's rows and
	// asks for history only when told to; "never" would then be false.
	EarlierNotQueried bool
	Guests            []string // invited addresses, sorted, distinct
	GuestDomains      []string // their domains, lower-cased, sorted, distinct
}

// Inviters runs the rule and returns one summary per flagged inviter.
func (e *Engine) Inviters(ctx context.Context, p Params) ([]InviterSummary, error) {
	res, err := e.Run(ctx, p) // Run takes the gate: Inviters must not
	if err != nil {
		return nil, err
	}
	return res.Inviters, nil
}

// summarizeInviters groups alert rows by the exact inviter UPN (the rule's
// output column), in order of each inviter's first invite, then UPN.
func summarizeInviters(rows []Alert) []InviterSummary {
	index := map[string]int{}
	var out []InviterSummary
	for _, a := range rows {
		i, seen := index[a.InitiatingUserPrincipalName]
		if !seen {
			i = len(out)
			index[a.InitiatingUserPrincipalName] = i
			out = append(out, InviterSummary{
				UPN:                 a.InitiatingUserPrincipalName,
				FirstInvite:         a.TimeGenerated,
				LatestEarlierInvite: a.latestEarlier,
				HasEarlierInvite:    !a.latestEarlier.IsZero(),
			})
		}
		s := &out[i]
		s.Invites++
		if a.TimeGenerated.Before(s.FirstInvite) {
			s.FirstInvite = a.TimeGenerated
		}
		if a.TimeGenerated.After(s.LastInvite) {
			s.LastInvite = a.TimeGenerated
		}
		if a.InitiatingIPAddress != "" {
			s.SourceIPs = append(s.SourceIPs, a.InitiatingIPAddress)
		}
		if guest := GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName); guest != "" {
			s.Guests = append(s.Guests, guest)
			if d := GuestDomain(guest); d != "" {
				s.GuestDomains = append(s.GuestDomains, d)
			}
		}
	}
	for i := range out {
		s := &out[i]
		s.SourceIPs = sortedDistinct(s.SourceIPs)
		s.Guests = sortedDistinct(s.Guests)
		s.GuestDomains = sortedDistinct(s.GuestDomains)
		s.DistinctGuests = len(s.Guests)
	}
	slices.SortStableFunc(out, func(a, b InviterSummary) int {
		if c := a.FirstInvite.Compare(b.FirstInvite); c != 0 {
			return c
		}
		return cmp.Compare(a.UPN, b.UPN)
	})
	return out
}

func sortedDistinct(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
