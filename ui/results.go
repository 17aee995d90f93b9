package ui

import (
	"fmt"
	"strings"

	"github.com/guesthunt/guesthunt/hunt"
)

// Answers from the engine. Each is accepted only when it answers the latest
// request of its kind; anything older is for parameters no longer asked for.

func (m Model) onRun(msg runMsg) Model {
	if msg.seq != m.req.run {
		return m // stale
	}
	m.runBusy = false
	if msg.err != nil {
		if m.res == nil {
			m.say("rule failed: "+msg.err.Error()+" (R retries, q quits)", true)
			m.inviters.SetEmptyText("the rule could not run: " + msg.err.Error() + " (R retries, q quits)")
		} else {
			m.say("rule failed: "+msg.err.Error()+"; the rows shown are for the earlier parameters (R retries)", true)
		}
		return m
	}
	var before []hunt.InviterSummary
	var prev hunt.Params
	first := m.res == nil
	if !first {
		before, prev = m.res.Inviters, m.res.Params
	}
	m.res = msg.res
	m.hay = inviterHaystacks(msg.res.Inviters)
	m.byUPN = make(map[string]guestRows, len(msg.res.Inviters))
	for _, a := range msg.res.Rows {
		m.byUPN[a.InitiatingUserPrincipalName] = append(m.byUPN[a.InitiatingUserPrincipalName], a)
	}
	was := m.selected
	m.refilter()
	switch {
	case first:
		m.say(fmt.Sprintf("%s flagged (%s)", plural(len(msg.res.Inviters), "inviter"), plural(len(msg.res.Rows), "alert row")), false)
	default:
		added, removed := inviterDelta(before, msg.res.Inviters)
		text := fmt.Sprintf("+%d / -%d inviters", added, removed)
		if d := describeParams(prev, msg.res.Params); d != "" {
			text = d + ": " + text
		}
		if was != "" && m.selected != was {
			text += "; the selected inviter is no longer flagged"
		}
		m.say(text, false)
	}
	if !first && prev != msg.res.Params && m.pages.anyOf(pageWhy) {
		m.say(m.message+" (the why-flagged page is for the earlier parameters: press w again)", false)
	}
	return m
}

func (m Model) onSens(msg sensMsg) Model {
	if msg.seq != m.req.sens {
		return m
	}
	m.sensBusy = false
	m.sensNote = ""
	if hunt.NeedsEvents(msg.err) {
		// Expected on a workspace: the strip's place says it, not an error.
		m.sens, m.sensNote = nil, msg.err.Error()
		return m
	}
	if msg.err != nil {
		m.sens = nil
		// A failed run's message stays: it matters more, and the cause is
		// most likely the same.
		if !m.msgErr || !strings.HasPrefix(m.message, "rule failed") {
			m.say("sensitivity failed: "+msg.err.Error()+" (R retries)", true)
		}
		return m
	}
	m.sens = msg.points
	return m
}

// refilter rebuilds the inviter rows from the result, filter and sort, and
// puts the cursor back on the selected inviter when it is still listed.
func (m *Model) refilter() {
	var all []hunt.InviterSummary
	if m.res != nil {
		all = m.res.Inviters
	}
	m.rows = newInviterRowsIndexed(all, m.hay, m.filter.Value(), m.sortCol, m.sortDesc, m.triageView()).
		withFired(m.firstFired(), m.sortCol, m.sortDesc).
		withSignals(m.trails.inviterSig, m.sortCol, m.sortDesc)
	m.inviters.SetSource(m.rows)
	if m.res != nil {
		switch {
		case m.filter.Value() != "" || m.tri.filter > 0:
			m.inviters.SetEmptyText("no flagged inviter matches the filter")
		case m.res.AllClear != "":
			// Says whether an empty result is an all-clear or a window
			// the data does not reach.
			m.inviters.SetEmptyText(m.res.AllClear)
		default:
			m.inviters.SetEmptyText("no inviter is flagged at these parameters")
		}
	}
	if i := m.rows.find(m.selected); i >= 0 {
		m.inviters.SetCursor(i)
	}
	m.syncSelection(true)
}

// syncSelection follows the inviter cursor: the guests pane shows the
// selected inviter's rows. force rebuilds them even for the same inviter
// (a new result).
func (m *Model) syncSelection(force bool) {
	s, ok := m.rows.at(m.inviters.Cursor())
	upn := ""
	if ok {
		upn = s.UPN
	}
	if upn == m.selected && !force {
		return
	}
	m.selected = upn
	m.guests.SetSource(newGuestRows(sortedByTime(m.byUPN[upn]), m.guestFilter.Value(), m.triageView()).
		withSignals(m.trails.guestSig[upn]))
	m.guests.SetCursor(0)
	if !ok {
		m.guests.SetEmptyText("no inviter selected")
	}
}

// refilterGuests applies the guests pane's filter to the selected inviter's
// invites, keeping the cursor on the same event when it is still listed.
func (m *Model) refilterGuests() {
	var was hunt.Alert
	rows := m.guestAlerts()
	if c := m.guests.Cursor(); c < len(rows) {
		was = rows[c]
	}
	m.guests.SetSource(newGuestRows(sortedByTime(m.byUPN[m.selected]), m.guestFilter.Value(), m.triageView()).
		withSignals(m.trails.guestSig[m.selected]))
	m.guests.SetCursor(0)
	for i, a := range m.guestAlerts() {
		if a.Id == was.Id && a.TimeGenerated.Equal(was.TimeGenerated) && a.TargetUserPrincipalName == was.TargetUserPrincipalName {
			m.guests.SetCursor(i)
			break
		}
	}
	if m.guestFilter.Value() != "" && m.guests.Len() == 0 {
		m.guests.SetEmptyText("no invite of this inviter matches the filter")
	}
}
