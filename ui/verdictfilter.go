package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/triage"
)

// The inviters pane's verdict filter: a picker listing "all verdicts" and
// each verdict with how many flagged inviters have it.

// openVerdictFilterPicker opens the filter picker on the filter in force.
func (m Model) openVerdictFilterPicker() (tea.Model, tea.Cmd) {
	if m.deps.Triage == nil {
		m.say("verdicts unavailable: no case store is open", true)
		return m, nil
	}
	counts := make([]int, len(triage.AllVerdicts()))
	total := 0
	if m.res != nil {
		tv := m.triageView()
		for _, s := range m.res.Inviters {
			counts[verdictRank(tv.verdict(inviterSubject(s.UPN)))]++
			total++
		}
	}
	m.picker = verdictPicker{open: true, kind: pickFilter, cursor: m.tri.filter, counts: counts, total: total, filter: m.tri.filter}
	return m, nil
}

// setVerdictFilter shows the inviters with one verdict (filter i =
// AllVerdicts()[i-1]), or all of them (0).
func (m Model) setVerdictFilter(filter int) Model {
	m.tri.filter = filter
	m.refreshTriage()
	if m.tri.filter == 0 {
		m.say("verdict filter off: every flagged inviter", false)
	} else {
		m.say(fmt.Sprintf("verdict filter: %s (%s)", verdictLong(m.triageView().only), plural(m.rows.Len(), "inviter")), false)
	}
	return m
}
