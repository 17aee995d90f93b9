package ui

import (
	"encoding/json"
	"slices"
	"strings"

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
	addr := invitedAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	return []string{
		a.TimeGenerated.UTC().Format(rowTime), a.TargetUserPrincipalName, addr, domainOf(addr),
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

// invitedAddress is the address the invitation went to: AdditionalDetails'
// invitedUserEmailAddress when logged, else decoded from a guest UPN
// (alice_gmail.com#EXT#@tenant -> alice@gmail.com), else the UPN itself.
// It mirrors hunt's unexported guestAddress, which the inviter summaries use.
func invitedAddress(additionalDetails json.RawMessage, targetUPN string) string {
	var details []struct {
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	if json.Unmarshal(additionalDetails, &details) == nil {
		for _, d := range details {
			if d.Key != "invitedUserEmailAddress" {
				continue
			}
			var s string
			if json.Unmarshal(d.Value, &s) == nil && s != "" {
				return s
			}
			if t := strings.TrimSpace(string(d.Value)); t != "" && t != "null" && t != `""` {
				return t
			}
		}
	}
	if i := strings.Index(strings.ToUpper(targetUPN), "#EXT#"); i >= 0 {
		// Entra replaced the address's "@" with "_": the last "_" is it.
		enc := targetUPN[:i]
		if j := strings.LastIndexByte(enc, '_'); j >= 0 {
			return enc[:j] + "@" + enc[j+1:]
		}
	}
	return targetUPN
}

// domainOf is the guest's home domain, lower-cased; "" without an "@".
func domainOf(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(addr[i+1:])
}
