package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// The rule's KQL for the parameters on screen, to paste into Sentinel. It is
// copied (OSC 52) when the view opens and again with y.

// kqlView is what the KQL page shows.
type kqlView struct {
	params hunt.Params
	asOf   time.Time
	text   string
}

// openKQL builds the KQL for the shown baseline and window and copies it.
func (m Model) openKQL() (tea.Model, tea.Cmd) {
	if m.deps.KQL == nil {
		m.say("KQL unavailable in this session", true)
		return m, nil
	}
	p := m.shownParams()
	k := kqlView{params: p, asOf: m.resolvedAsOf(), text: m.deps.KQL(p, m.resolvedAsOf())}
	if m.res != nil {
		k.asOf = m.res.AsOf // the as-of of the rows on screen
	}
	m = m.openPage(pagerPage{
		kind:   pageKQL,
		render: func(st Styles, width int) []string { return kqlLines(k, st, width) },
		clip:   &clipText{what: "the rule's KQL", text: k.text},
	})
	m.say(fmt.Sprintf("copied the rule's KQL (%d bytes) to the clipboard (OSC 52)", len(k.text)), false)
	return m, tea.SetClipboard(k.text)
}

// kqlLines lays the KQL out: a title, caveats, then the query hard-wrapped
// at the width (nothing is hidden past the right edge).
func kqlLines(k kqlView, st Styles, width int) []string {
	lines := []string{
		st.Title.Render("Rule KQL") + st.Label.Render("  baseline ") + st.Value.Render(hunt.FormatTimespan(k.params.Baseline)) +
			st.Label.Render("  window ") + st.Value.Render(hunt.FormatTimespan(k.params.Window)) +
			st.Dim.Render("  (copied; y copies again, esc back)"),
	}
	if k.params.FoldCase {
		lines = append(lines, st.Warning.Render("⚠ fold-case: this KQL compares with !in~, not the rule's case-sensitive !in"))
	}
	if !k.asOf.IsZero() {
		lines = append(lines, st.Dim.Render("as-of pinned to "+k.asOf.UTC().Format(kustoTime)+": Sentinel evaluates the same windows as the rows on screen (guesthunt kql --as-of prints the same text)"))
	}
	lines = append(lines, "")
	for _, l := range strings.Split(strings.TrimRight(k.text, "\n"), "\n") {
		lines = append(lines, styled(l, st.Value, st.Marker))
	}
	return wrapAll(lines, width)
}
