package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// Enter on a trail step. The event detail reads the original record by its
// place in the loaded files (an alert row's SourceID and SourceRecord); a
// trail step carries only the event's Id. So the invite, which is one of
// the rule's alert rows, opens the event detail, and any other step opens
// a page of the fields the trail has, saying why that is all.

func (m Model) openTrailStep(msg trailPivotMsg) (tea.Model, tea.Cmd) {
	if !m.onPage(pageTrail) {
		return m, nil // the page closed before the answer
	}
	if msg.isRow {
		m.req.detail = m.req.next()
		m = m.openPage(newDetailPage(m.req.detail, msg.alert))
		ctx := swap(m.deps.Context, &m.req.cancelDetail)
		return m, detailCmd(ctx, m.deps.Store, m.req.detail, msg.alert)
	}
	s, k := msg.step, msg.key
	var clip *clipText
	if s.EventID != "" {
		clip = clipOf("the event Id", s.EventID)
	}
	return m.openPage(pagerPage{
		kind:   pageTrailStep,
		render: func(st Styles, width int) []string { return trailStepLines(k, s, st, width) },
		clip:   clip,
	}), nil
}

// trailStepLines are a step's fields as the trail has them.
func trailStepLines(k trailKey, s hunt.TrailStep, st Styles, width int) []string {
	field := func(name, v string) string {
		if v == "" {
			return st.Label.Render(fmt.Sprintf("  %-12s", name)) + st.Dim.Render("(not logged)")
		}
		return st.Label.Render(fmt.Sprintf("  %-12s", name)) + styled(v, st.Value, st.Marker)
	}
	lines := []string{
		st.Title.Render("Trail step") + " " + styled(string(s.Kind), st.Value, st.Marker) + st.Dim.Render(" of ") +
			styled(k.guest, st.Value, st.Marker) + st.Dim.Render(" invited by ") + styled(k.inviter, st.Value, st.Marker),
		st.Dim.Render("This event is not one of the rule's alert rows, and a trail step carries only its Id, not " +
			"its place in the loaded files, so the original record cannot be shown here: these are its fields as the " +
			"trail has them (y copies the Id; guesthunt sql finds the record by it)."),
		"",
		field("Time (UTC)", tableTime(s.Time)),
		field("Since invite", hunt.FormatSpan(s.SinceInvite)),
		field("Kind", string(s.Kind)),
		field("Operation", s.Operation),
		field("Actor", s.Actor),
		field("IP", s.IP),
		field("Detail", s.Detail),
		field("Event Id", s.EventID),
	}
	return wrapWords(lines, width)
}
