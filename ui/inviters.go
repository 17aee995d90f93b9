package ui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// The inviters pane: one row per flagged inviter. The list is small (one row
// per new inviter), so filtering and sorting happen in memory on the result
// the engine already returned, never with another query.

// inviterColumns: when not all fit, the inviter and the rule's key evidence
// (the latest earlier invite) stay, then where the invites came from and
// whom they went to; a cut IP or domain reads as another one, so those are
// whole or hidden.
func inviterColumns() []table.Column {
	return []table.Column{
		{Title: "Inviter", Width: 16, Max: 48, Flex: 1, Priority: 0},
		{Title: "Verdict", Width: 7, Priority: 5, Whole: true},
		{Title: "Invites", Width: 7, Priority: 6, Whole: true},
		{Title: "Guests", Width: 6, Priority: 7, Whole: true},
		// The strongest signal among the inviter's guests (their trails):
		// evidence, but a summary the guests pane spells out, so after the
		// rule's own evidence.
		{Title: "Signal", Width: 9, Max: 24, Priority: 4},
		{Title: "Source IPs", Width: 10, Max: 48, Priority: 2, Whole: true},
		{Title: "Guest domains", Width: 13, Max: 64, Priority: 3, Whole: true},
		{Title: utcTitle("First invite"), Width: 19, Priority: 8, Whole: true},
		{Title: utcTitle("Last invite"), Width: 19, Priority: 9, Whole: true},
		{Title: utcTitle("Latest earlier"), Width: 19, Priority: 1, Whole: true},
		// From the timeline's replay (blank until T ran one): context, not
		// evidence, so the first to go.
		{Title: utcTitle("First fired"), Width: 19, Priority: 10, Whole: true},
	}
}

// Column indexes of the inviters pane.
const (
	colInviter = iota
	colVerdict
	colInvites
	colGuests
	colSignal
	colSourceIPs
	colGuestDomains
	colFirstInvite
	colLastInvite
	colLatestEarlier
	colFirstFired
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
		return slices.Compare(a.SourceIPs, b.SourceIPs)
	case colGuestDomains:
		return slices.Compare(a.GuestDomains, b.GuestDomains)
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
	fired map[string]time.Time  // when each inviter first fired (the replay's); nil: unknown
	sig   map[string]signalCell // each inviter's strongest guest signal (the trails'); nil: unknown
}

func (r inviterRows) Len() int { return len(r.index) }

func (r inviterRows) Row(i int) []string {
	s := r.all[r.index[i]]
	return []string{
		s.UPN, r.tv.cell(inviterSubject(s.UPN)), strconv.Itoa(s.Invites), strconv.Itoa(s.DistinctGuests),
		r.sig[s.UPN].label, listCell(s.SourceIPs), listCell(s.GuestDomains),
		tableTime(s.FirstInvite), tableTime(s.LastInvite), earlierCell(s), tableTime(r.fired[s.UPN]),
	}
}

// RedundantCell: a blank First fired (no replay yet, or not fired in it)
// or Signal (no trails yet, or no signal) gives way before any evidence
// column.
func (r inviterRows) RedundantCell(i, col int) bool {
	upn := r.all[r.index[i]].UPN
	switch col {
	case colFirstFired:
		return r.fired[upn].IsZero()
	case colSignal:
		return r.sig[upn].label == ""
	}
	return false
}

// withSignals adds the inviters' strongest guest signals, sorting by them
// when that is the sort column: strongest first, as the one to look at
// first (S reverses); inviters without a signal last.
func (r inviterRows) withSignals(sig map[string]signalCell, sortCol int, desc bool) inviterRows {
	r.sig = sig
	if sortCol == colSignal {
		r.index = slices.Clone(r.index)
		slices.SortStableFunc(r.index, func(a, b int) int {
			sa, oka := sig[r.all[a].UPN]
			sb, okb := sig[r.all[b].UPN]
			c := cmp.Or(cmp.Compare(b2i(okb), b2i(oka)), cmp.Compare(sb.weight, sa.weight), cmp.Compare(sa.label, sb.label))
			if desc {
				c = -c
			}
			return c
		})
	}
	return r
}

// withFired adds the replay's first-fired instants, sorting by them when
// that is the sort column (compareInviters cannot: they are not in the
// summary).
func (r inviterRows) withFired(fired map[string]time.Time, sortCol int, desc bool) inviterRows {
	r.fired = fired
	if sortCol == colFirstFired {
		r.index = slices.Clone(r.index)
		slices.SortStableFunc(r.index, func(a, b int) int {
			c := fired[r.all[a].UPN].Compare(fired[r.all[b].UPN])
			if desc {
				c = -c
			}
			return c
		})
	}
	return r
}

// CellValue gives every item of the list columns, not only the first.
func (r inviterRows) CellValue(i, col int) string {
	s := r.all[r.index[i]]
	switch col {
	case colSourceIPs:
		return strings.Join(s.SourceIPs, ", ")
	case colGuestDomains:
		return strings.Join(s.GuestDomains, ", ")
	}
	if cells := r.Row(i); col >= 0 && col < len(cells) {
		return cells[col]
	}
	return ""
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

func earlierCell(s hunt.InviterSummary) string {
	if s.EarlierNotQueried { // a remote run: unknown, not "never"
		return "not queried"
	}
	if !s.HasEarlierInvite {
		return "never"
	}
	return tableTime(s.LatestEarlierInvite)
}

// listCell shows the first item whole and how many more there are; the row
// page lists them all.
func listCell(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return fmt.Sprintf("%s +%d", items[0], len(items)-1)
}

// newInviterRows keeps the inviters matching filter in any column
// (matchInviter) and, when tv.only is set, with that verdict, then sorts
// stably by sortCol (-1 keeps the engine's order).
func newInviterRows(all []hunt.InviterSummary, filter string, sortCol int, desc bool, tv triageView) inviterRows {
	return newInviterRowsIndexed(all, nil, filter, sortCol, desc, tv)
}

// newInviterRowsIndexed is newInviterRows with inviterHaystacks(all), built
// once per result, for filtering at the speed of typing.
func newInviterRowsIndexed(all []hunt.InviterSummary, hay []string, filter string, sortCol int, desc bool, tv triageView) inviterRows {
	needle := newNeedle(filter)
	idx := make([]int, 0, len(all))
	cells := map[string]bool{}
	for i, s := range all {
		if tv.only != "" && tv.verdict(inviterSubject(s.UPN)) != tv.only {
			continue
		}
		var ok bool
		if hay != nil {
			ok = matchInviterIndexed(s, hay[i], tv, needle, cells)
		} else {
			ok = matchInviter(s, tv, needle)
		}
		if ok {
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
