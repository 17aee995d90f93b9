package ui

import (
	"slices"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// The guests pane: the selected inviter's alert rows, one per invite event.

// guestColumns: the guest and its domain (whole: the lookalike is the
// evidence) stay longest, then the source IP and the time. The invited
// e-mail and Result give way first when they add nothing (RedundantCell);
// the object id (a GUID, useless cut) is last of the rest.
func guestColumns() []table.Column {
	return []table.Column{
		{Title: "Verdict", Width: 7, Priority: 4, Whole: true},
		{Title: utcTitle("Time"), Width: 19, Priority: 3, Whole: true},
		{Title: "Guest UPN", Width: 16, Max: 48, Flex: 3, Priority: 0},
		{Title: "Invited email", Width: 16, Max: 48, Flex: 1, Priority: 5},
		{Title: "Guest domain", Width: 12, Max: 64, Priority: 1, Whole: true},
		// The guest's trail signals, strongest first (F spells them out).
		{Title: "Signals", Width: 9, Max: 40, Priority: 3},
		{Title: "Target object id", Width: 16, Max: 40, Priority: 6, Whole: true},
		{Title: "Source IP", Width: 9, Max: 45, Priority: 2, Whole: true},
		{Title: "Result", Width: 6, Priority: 7, Whole: true},
	}
}

// Column indexes of the guests pane.
const (
	gcolVerdict = iota
	gcolTime
	gcolGuestUPN
	gcolEmail
	gcolDomain
	gcolSignals
	gcolObjectID
	gcolSourceIP
	gcolResult
)

// guestRows is the alert rows of one inviter.
type guestRows []hunt.Alert

// guestTable is the pane's Source: the rows with their verdict cells.
type guestTable struct {
	rows guestRows
	tv   triageView
	sig  map[string]string // guest UPN -> its signals' labels; nil: no trails
}

// withSignals shows the guests' signals (guestSignalCells).
func (g guestTable) withSignals(sig map[string]string) guestTable {
	g.sig = sig
	return g
}

func (g guestTable) Len() int { return len(g.rows) }

func (g guestTable) Row(i int) []string {
	a := g.rows[i]
	addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	return []string{
		g.tv.cell(eventSubject(a)), tableTime(a.TimeGenerated), a.TargetUserPrincipalName, addr,
		hunt.GuestDomain(addr), g.sig[a.TargetUserPrincipalName], a.TargetAadUserId, a.InitiatingIPAddress, a.Result,
	}
}

// RedundantCell: the invited e-mail is redundant when it is the address the
// guest UPN already spells, Result when it says success (every alert row is
// an invite that succeeded, so only another value is news).
func (g guestTable) RedundantCell(i, col int) bool {
	a := g.rows[i]
	switch col {
	case gcolEmail:
		return hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName) == hunt.GuestAddress(nil, a.TargetUserPrincipalName)
	case gcolResult:
		return a.Result == "success"
	case gcolSignals:
		return g.sig[a.TargetUserPrincipalName] == ""
	}
	return false
}

// newGuestRows is the pane's Source for one inviter's rows (already in the
// order to show), keeping those matching filter in any column (matchGuest).
func newGuestRows(rows guestRows, filter string, tv triageView) guestTable {
	n := newNeedle(filter)
	if n.s == "" {
		return guestTable{rows: rows, tv: tv}
	}
	kept := make(guestRows, 0, len(rows))
	for _, a := range rows {
		if matchGuest(a, tv, n) {
			kept = append(kept, a)
		}
	}
	return guestTable{rows: kept, tv: tv}
}

// guestAlerts is the alert rows the guests pane shows, in its order.
func (m Model) guestAlerts() guestRows {
	if g, ok := m.guests.Source().(guestTable); ok {
		return g.rows
	}
	return nil
}

// sortedByTime returns a copy of one inviter's rows, oldest first.
func sortedByTime(rows guestRows) guestRows {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b hunt.Alert) int { return a.TimeGenerated.Compare(b.TimeGenerated) })
	return out
}
