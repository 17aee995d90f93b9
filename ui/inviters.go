package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// The inviters pane: one row per flagged inviter. The list is small (one row
// per new inviter), so filtering and sorting happen in memory on the result
// the engine already returned, never with another query.

// rowTime is how the guests pane shows instants, summaryTime the inviters
// pane (to minutes, leaving room for the UPN); the detail view has the full
// tick.
const (
	rowTime     = "2006-01-02 15:04:05"
	summaryTime = "2006-01-02 15:04"
)

func inviterColumns() []table.Column {
	return []table.Column{
		{Title: "Inviter", Width: 24, Flex: 1},
		{Title: "Verdict", Width: 8},
		{Title: "Invites", Width: 7},
		{Title: "Guests", Width: 6},
		{Title: "Source IPs", Width: 15},
		{Title: "First invite", Width: 16},
		{Title: "Last invite", Width: 16},
		{Title: "Latest earlier", Width: 16},
	}
}

// Column indexes of the inviters pane.
const (
	colInviter = iota
	colVerdict
	colInvites
	colGuests
	colSourceIPs
	colFirstInvite
	colLastInvite
	colLatestEarlier
)

// compareInviters orders two inviters by column col (the order s cycles
// through; -1 keeps the engine's order: first invite, then UPN). Verdicts
// sort in picker order (untriaged first).
func compareInviters(col int, a, b hunt.InviterSummary, tv triageView) int {
	switch col {
	case colInviter:
		return cmp.Compare(a.UPN, b.UPN)
	case colVerdict:
		return cmp.Compare(verdictRank(tv.verdict(inviterSubject(a.UPN))), verdictRank(tv.verdict(inviterSubject(b.UPN))))
	case colInvites:
		return cmp.Compare(a.Invites, b.Invites)
	case colGuests:
		return cmp.Compare(a.DistinctGuests, b.DistinctGuests)
	case colSourceIPs:
		return cmp.Compare(strings.Join(a.SourceIPs, ","), strings.Join(b.SourceIPs, ","))
	case colFirstInvite:
		return a.FirstInvite.Compare(b.FirstInvite)
	case colLastInvite:
		return a.LastInvite.Compare(b.LastInvite)
	case colLatestEarlier:
		// "never" sorts before any instant: the newest inviters first.
		return cmp.Or(cmp.Compare(b2i(a.HasEarlierInvite), b2i(b.HasEarlierInvite)),
			a.LatestEarlierInvite.Compare(b.LatestEarlierInvite))
	}
	return 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inviterRows is the pane's Source: indexes into the engine's summaries,
// filtered and sorted, formatted only when the table draws a row.
type inviterRows struct {
	all   []hunt.InviterSummary
	index []int
	tv    triageView
}

func (r inviterRows) Len() int { return len(r.index) }

func (r inviterRows) Row(i int) []string {
	s := r.all[r.index[i]]
	earlier := "never"
	if s.HasEarlierInvite {
		earlier = s.LatestEarlierInvite.UTC().Format(summaryTime)
	}
	return []string{
		s.UPN, r.tv.cell(inviterSubject(s.UPN)), fmt.Sprint(s.Invites), fmt.Sprint(s.DistinctGuests), ipsCell(s.SourceIPs),
		s.FirstInvite.UTC().Format(summaryTime), s.LastInvite.UTC().Format(summaryTime), earlier,
	}
}

// at returns the summary shown on row i.
func (r inviterRows) at(i int) (hunt.InviterSummary, bool) {
	if i < 0 || i >= len(r.index) {
		return hunt.InviterSummary{}, false
	}
	return r.all[r.index[i]], true
}

// find returns the row showing upn, or -1.
func (r inviterRows) find(upn string) int {
	for i, j := range r.index {
		if r.all[j].UPN == upn {
			return i
		}
	}
	return -1
}

func ipsCell(ips []string) string {
	switch len(ips) {
	case 0:
		return ""
	case 1:
		return ips[0]
	}
	return fmt.Sprintf("%s +%d", ips[0], len(ips)-1)
}

// newInviterRows filters by a case-insensitive substring of the UPN (the
// filter is matched against the raw UPN, so typing part of a name finds it
// even when the name carries hidden characters), keeps only the inviters
// with tv.only's verdict when set, and sorts stably.
func newInviterRows(all []hunt.InviterSummary, filter string, sortCol int, desc bool, tv triageView) inviterRows {
	f := strings.ToLower(filter)
	idx := make([]int, 0, len(all))
	for i, s := range all {
		if tv.only != "" && tv.verdict(inviterSubject(s.UPN)) != tv.only {
			continue
		}
		if f == "" || strings.Contains(strings.ToLower(s.UPN), f) {
			idx = append(idx, i)
		}
	}
	if sortCol >= 0 {
		slices.SortStableFunc(idx, func(a, b int) int {
			c := compareInviters(sortCol, all[a], all[b], tv)
			if desc {
				c = -c
			}
			return c
		})
	}
	return inviterRows{all: all, index: idx, tv: tv}
}
