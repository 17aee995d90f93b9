package ui

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/guesthunt/guesthunt/hunt"
)

// A pivot follows the value under the column cursor across the whole result:
// every flagged inviter and invite event that shares it. Values are raw
// (draw them through ui/safe).

// PivotField names what a pivot follows.
type PivotField string

const (
	PivotSourceIP    PivotField = "source IP"
	PivotGuestDomain PivotField = "guest domain"
	PivotGuest       PivotField = "guest"
)

// Pivot is one value to follow.
type Pivot struct {
	Field PivotField
	Value string
}

// PivotData is what a pivot finds in one result.
type PivotData struct {
	Pivot    Pivot
	Inviters []hunt.InviterSummary // flagged inviters sharing the value, in the result's order
	Alerts   []hunt.Alert          // invite events carrying it, oldest first
	Guests   []string              // the guests those events invited, sorted, distinct
}

// inviterPivot is the pivot for the cell at column col of an inviter row. A
// list cell pivots on the item it draws first, the one the user sees.
func inviterPivot(s hunt.InviterSummary, col int) (Pivot, bool) {
	switch col {
	case colSourceIPs:
		if len(s.SourceIPs) > 0 {
			return Pivot{PivotSourceIP, s.SourceIPs[0]}, true
		}
	case colGuestDomains:
		if len(s.GuestDomains) > 0 {
			return Pivot{PivotGuestDomain, s.GuestDomains[0]}, true
		}
	}
	return Pivot{}, false
}

// guestPivot is the pivot for the cell at column col of a guest row.
func guestPivot(a hunt.Alert, col int) (Pivot, bool) {
	addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	p := Pivot{}
	switch col {
	case gcolGuestUPN, gcolEmail:
		p = Pivot{PivotGuest, addr}
	case gcolDomain:
		p = Pivot{PivotGuestDomain, hunt.GuestDomain(addr)}
	case gcolSourceIP:
		p = Pivot{PivotSourceIP, a.InitiatingIPAddress}
	}
	return p, p.Value != ""
}

// pivotFor is the pivot for the focused pane's cell under the cursors.
func (m Model) pivotFor(p pane) (Pivot, bool) {
	if p == paneInviters {
		s, ok := m.rows.at(m.inviters.Cursor())
		if !ok {
			return Pivot{}, false
		}
		return inviterPivot(s, m.inviters.SelectedColumn())
	}
	rows := m.guestAlerts()
	if c := m.guests.Cursor(); c < len(rows) {
		return guestPivot(rows[c], m.guests.SelectedColumn())
	}
	return Pivot{}, false
}

// pivotData gathers what shares p's value in res: inviters whose IPs,
// guest domains or guests include it, and the alert rows carrying it.
func pivotData(res *hunt.Result, p Pivot) PivotData {
	out := PivotData{Pivot: p}
	if res == nil || p.Value == "" {
		return out
	}
	for _, a := range res.Rows {
		addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
		if p.matchAlert(a, addr) {
			out.Alerts = append(out.Alerts, a)
			out.Guests = append(out.Guests, addr)
		}
	}
	slices.SortStableFunc(out.Alerts, func(a, b hunt.Alert) int { return a.TimeGenerated.Compare(b.TimeGenerated) })
	slices.Sort(out.Guests)
	out.Guests = slices.Compact(out.Guests)
	for _, s := range res.Inviters {
		if p.matchInviter(s) {
			out.Inviters = append(out.Inviters, s)
		}
	}
	return out
}

func (p Pivot) matchAlert(a hunt.Alert, addr string) bool {
	switch p.Field {
	case PivotSourceIP:
		return sameIP(a.InitiatingIPAddress, p.Value)
	case PivotGuestDomain:
		return strings.EqualFold(hunt.GuestDomain(addr), p.Value)
	case PivotGuest:
		return strings.EqualFold(addr, p.Value)
	}
	return false
}

func (p Pivot) matchInviter(s hunt.InviterSummary) bool {
	var items []string
	same := strings.EqualFold
	switch p.Field {
	case PivotSourceIP:
		items, same = s.SourceIPs, sameIP
	case PivotGuestDomain:
		items = s.GuestDomains
	case PivotGuest:
		items = s.Guests
	}
	return slices.ContainsFunc(items, func(v string) bool { return same(v, p.Value) })
}

// sameIP compares addresses, not spellings (2001:DB8::1 is 2001:db8:0::1);
// anything that does not parse is compared as text.
func sameIP(a, b string) bool {
	x, errA := netip.ParseAddr(a)
	y, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return x.Unmap() == y.Unmap()
}
