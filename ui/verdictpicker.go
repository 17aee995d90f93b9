package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// verdictPicker chooses a verdict for one subject, or (pickFilter) which
// verdict the inviters pane shows. It takes every key while open (like the
// prompts), and draws in place of the guests pane.
type verdictPicker struct {
	open   bool
	kind   pickerKind
	cursor int
	// pickVerdict
	subject triage.Subject
	label   string // what the verdict is about, raw: drawn through ui/safe
	rev     int64  // the subject's revision when the picker opened: the save expects it
	current triage.Verdict
	// pickFilter: flagged inviters with each verdict (AllVerdicts order), all of them
	counts []int
	total  int
	filter int // the filter in force, as triageState.filter
}

type pickerKind int

const (
	pickVerdict pickerKind = iota
	pickFilter
)

// verdictLetter is the one-key choice for each verdict (u b s m f).
func verdictLetter(k string) (triage.Verdict, bool) {
	for _, v := range triage.AllVerdicts() {
		if letterOf(v) == k {
			return v, true
		}
	}
	return "", false
}

func letterOf(v triage.Verdict) string {
	switch v {
	case triage.VerdictUntriaged:
		return "u"
	case triage.VerdictBenign:
		return "b"
	case triage.VerdictSuspicious:
		return "s"
	case triage.VerdictMalicious:
		return "m"
	case triage.VerdictFalsePositive:
		return "f"
	}
	return ""
}

func newPicker(s triage.Subject, label string, cur triage.Triage) verdictPicker {
	return verdictPicker{open: true, cursor: verdictRank(cur.Verdict), subject: s, label: label, rev: cur.Seq, current: cur.Verdict}
}

// rows is how many choices the picker offers: the verdicts, and for the
// filter "all verdicts" first.
func (p verdictPicker) rows() int {
	if p.kind == pickFilter {
		return len(triage.AllVerdicts()) + 1
	}
	return len(triage.AllVerdicts())
}

// update returns the row picked, if any; it closes the picker on a pick or
// on esc. Digits and letters name verdicts the same way in both kinds (1-5,
// u b s m f); the filter's "all verdicts" is 0 or a.
func (p *verdictPicker) update(msg tea.KeyPressMsg) (int, bool) {
	k := msg.String()
	shift := 0 // row of the first verdict
	if p.kind == pickFilter {
		shift = 1
	}
	switch k {
	case "esc", "q":
		p.open = false
	case "j", "down":
		p.cursor = min(p.cursor+1, p.rows()-1)
	case "k", "up":
		p.cursor = max(p.cursor-1, 0)
	case "g", "home":
		p.cursor = 0
	case "G", "end":
		p.cursor = p.rows() - 1
	case "enter", "space":
		p.open = false
		return p.cursor, true
	default:
		if v, ok := verdictLetter(k); ok {
			p.open = false
			return verdictRank(v) + shift, true
		}
		if p.kind == pickFilter && (k == "a" || k == "0") {
			p.open = false
			return 0, true
		}
		if len(k) == 1 && k[0] >= '1' && int(k[0]-'1') < len(triage.AllVerdicts()) {
			p.open = false
			return int(k[0]-'1') + shift, true
		}
	}
	return 0, false
}

// view draws exactly height lines of at most width cells.
func (p verdictPicker) view(st Styles, width, height int) string {
	var lines []string
	if p.kind == pickFilter {
		lines = p.filterLines(st)
	} else {
		lines = p.verdictLines(st, width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(lines, "\n")
}

func (p verdictPicker) verdictLines(st Styles, width int) []string {
	lines := []string{
		st.PaneTitle.Render("▶ Verdict for ") + safe.StyledLine(p.label, max(width-16, 1), rf(st.Value), rf(st.Marker)),
	}
	for i, v := range triage.AllVerdicts() {
		text := fmt.Sprintf("%s%d %s  %-26s", p.mark(i), i+1, letterOf(v), verdictLong(v))
		if v == p.current {
			text += " (current)"
		}
		lines = append(lines, p.row(st, i, text))
	}
	return append(lines, st.Dim.Render("j/k move · enter pick · 1-5 or first letter · esc cancel"))
}

func (p verdictPicker) filterLines(st Styles) []string {
	lines := []string{st.PaneTitle.Render("▶ Show flagged inviters with verdict")}
	all := fmt.Sprintf("%s0 a  %-26s %5d", p.mark(0), "all verdicts", p.total)
	if p.filter == 0 {
		all += " (current)"
	}
	lines = append(lines, p.row(st, 0, all))
	for i, v := range triage.AllVerdicts() {
		n := 0
		if i < len(p.counts) {
			n = p.counts[i]
		}
		text := fmt.Sprintf("%s%d %s  %-26s %5d", p.mark(i+1), i+1, letterOf(v), verdictLong(v), n)
		if p.filter == i+1 {
			text += " (current)"
		}
		lines = append(lines, p.row(st, i+1, text))
	}
	return append(lines, st.Dim.Render("j/k move · enter pick · 0-5 or first letter (a: all) · esc cancel"))
}

func (p verdictPicker) mark(i int) string {
	if i == p.cursor {
		return "▶ "
	}
	return "  "
}

func (p verdictPicker) row(st Styles, i int, text string) string {
	if i == p.cursor {
		return st.Table.Selected.Render(text)
	}
	return st.Value.Render(text)
}

// openPicker opens the verdict picker for the selected inviter, or for the
// selected invite event when the guests pane has focus.
func (m Model) openPicker() (tea.Model, tea.Cmd) {
	s, label, ok := m.triageTarget()
	if !ok {
		m.say("nothing selected to give a verdict to", true)
		return m, nil
	}
	if why := m.triageBlocked(s); why != "" {
		m.say(why, true)
		return m, nil
	}
	m.picker = newPicker(s, label, m.current(s))
	return m, nil
}

func (m Model) onPickerKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	row, picked := m.picker.update(msg)
	if !picked {
		return m, nil
	}
	if m.picker.kind == pickFilter {
		return m.setVerdictFilter(row), nil
	}
	v := triage.AllVerdicts()[row]
	if v == m.picker.current {
		m.say(fmt.Sprintf("%s is already %s", subjectLabel(m.picker.subject), verdictLong(v)), false)
		return m, nil
	}
	// Only the verdict: the note is its own field, saved by n.
	return m.startSave(triage.Edit{Subject: m.picker.subject, Field: triage.FieldVerdict, Verdict: v, ExpectRev: m.picker.rev})
}
