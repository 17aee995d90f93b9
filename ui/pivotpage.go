package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// openPivot follows the value under the cell cursor (a source IP, a guest
// domain, a guest) across the whole result: every flagged inviter and every
// invite carrying it, on a page of its own.
func (m Model) openPivot() (tea.Model, tea.Cmd) {
	if m.res == nil {
		return m, nil
	}
	p, ok := m.pivotFor(m.focus)
	if !ok {
		m.say("nothing to pivot on in this column: move to a source IP, guest domain or guest column (←/→)", true)
		return m, nil
	}
	d := pivotData(m.res, p)
	return m.openPage(pagerPage{
		kind:   pagePivot,
		render: func(st Styles, width int) []string { return pivotLines(d, st, width) },
		clip:   clipOf("the "+string(p.Field), p.Value),
	}), nil
}

// pivotLines lays a pivot out: what is followed, the inviters sharing it,
// then every invite carrying it, oldest first.
func pivotLines(d PivotData, st Styles, width int) []string {
	lines := []string{
		st.Title.Render("Pivot: "+string(d.Pivot.Field)+" ") + styled(d.Pivot.Value, st.Value, st.Marker),
		st.Dim.Render(fmt.Sprintf("%s and %s of this result carry it (%s)", plural(len(d.Inviters), "flagged inviter"), plural(len(d.Alerts), "invite"), plural(len(d.Guests), "guest"))),
		"", st.HelpSection.Render("Inviters"),
	}
	for _, s := range d.Inviters {
		lines = append(lines, "  "+styled(s.UPN, st.Value, st.Marker)+st.Dim.Render(fmt.Sprintf("  %s, first %s UTC", plural(s.Invites, "invite"), tableTime(s.FirstInvite))))
	}
	lines = append(lines, "", st.HelpSection.Render("Invites (UTC)"))
	for _, a := range d.Alerts {
		lines = append(lines, "  "+st.Dim.Render(tableTime(a.TimeGenerated)+"  ")+styled(a.InitiatingUserPrincipalName, st.Value, st.Marker)+
			st.Dim.Render(" → ")+styled(a.TargetUserPrincipalName, st.Value, st.Marker)+st.Dim.Render("  from ")+styled(a.InitiatingIPAddress, st.Value, st.Marker))
	}
	return wrapAll(lines, width)
}

// openRowPage shows the selected row of the focused pane whole: every
// column's full value, wrapped, never cut.
func (m Model) openRowPage() (tea.Model, tea.Cmd) {
	tv := m.triageView()
	var render func(Styles, int) []string
	if m.focus == paneInviters {
		s, ok := m.rows.at(m.inviters.Cursor())
		if !ok {
			return m, nil
		}
		render = func(_ Styles, width int) []string { return inviterPageLines(s, tv, width) }
	} else {
		rows := m.guestAlerts()
		c := m.guests.Cursor()
		if c >= len(rows) {
			return m, nil
		}
		a := rows[c]
		render = func(_ Styles, width int) []string { return guestPageLines(a, tv, width) }
	}
	return m.openPage(pagerPage{kind: pageRow, render: render}), nil
}
