package ui

import (
	"slices"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// The guests pane: the selected inviter's alert rows, one per invite event.

func guestColumns() []table.Column {
	return []table.Column{
		// Narrow minimums so an 80-column terminal still shows the addresses;
		// the object id (a GUID) gives way first and is whole in the detail.
		{Title: "Verdict", Width: 8},
		{Title: "Time", Width: 19},
		{Title: "Guest UPN", Width: 14, Flex: 3},
		{Title: "Invited email", Width: 14, Flex: 3},
		{Title: "Guest domain", Width: 10, Flex: 1},
		{Title: "Target object id", Width: 10, Flex: 1},
		{Title: "Source IP", Width: 15},
		{Title: "Result", Width: 7},
	}
}

// guestRows is the pane's Source over alert rows.
type guestRows []hunt.Alert

func (r guestRows) Len() int { return len(r) }

func (r guestRows) Row(i int) []string {
	a := r[i]
	addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	return []string{
		a.TimeGenerated.UTC().Format(rowTime), a.TargetUserPrincipalName, addr, hunt.GuestDomain(addr),
		a.TargetAadUserId, a.InitiatingIPAddress, a.Result,
	}
}

// guestTable is the pane's Source: the rows with their verdict cells.
type guestTable struct {
	rows guestRows
	tv   triageView
}

func (g guestTable) Len() int { return len(g.rows) }

func (g guestTable) Row(i int) []string {
	return append([]string{g.tv.cell(eventSubject(g.rows[i]))}, g.rows.Row(i)...)
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
