package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// verdictPicker chooses a verdict for one subject. It takes every key while
// open (like the prompts), and draws in place of the guests pane.
type verdictPicker struct {
	open    bool
	cursor  int
	subject store.Subject
	label   string // what the verdict is about, raw: drawn through ui/safe
	note    string // the subject's note, kept with the new verdict
	current store.Verdict
}

// pickerLetters are the one-key choices, in store.Verdicts order.
var pickerLetters = map[string]store.Verdict{
	"u": store.VerdictUntriaged, "b": store.VerdictBenign, "s": store.VerdictSuspicious,
	"m": store.VerdictMalicious, "f": store.VerdictFalsePositive,
}

func letterOf(v store.Verdict) string {
	for l, x := range pickerLetters {
		if x == v {
			return l
		}
	}
	return ""
}

func newPicker(s store.Subject, label string, cur store.Triage) verdictPicker {
	return verdictPicker{open: true, cursor: verdictRank(cur.Verdict), subject: s, label: label, note: cur.Note, current: cur.Verdict}
}

// update returns the verdict picked, if any; it closes the picker on a pick
// or on esc.
func (p *verdictPicker) update(msg tea.KeyPressMsg) (store.Verdict, bool) {
	k := msg.String()
	switch k {
	case "esc", "q":
		p.open = false
	case "j", "down":
		p.cursor = min(p.cursor+1, len(store.Verdicts)-1)
	case "k", "up":
		p.cursor = max(p.cursor-1, 0)
	case "g", "home":
		p.cursor = 0
	case "G", "end":
		p.cursor = len(store.Verdicts) - 1
	case "enter", "space":
		p.open = false
		return store.Verdicts[p.cursor], true
	default:
		if v, ok := pickerLetters[k]; ok {
			p.open = false
			return v, true
		}
		if len(k) == 1 && k[0] >= '1' && int(k[0]-'1') < len(store.Verdicts) {
			p.open = false
			return store.Verdicts[k[0]-'1'], true
		}
	}
	return "", false
}

// view draws exactly height lines of at most width cells.
func (p verdictPicker) view(st Styles, width, height int) string {
	lines := []string{
		st.PaneTitle.Render("▶ Verdict for ") + safe.StyledLine(p.label, max(width-16, 1), rf(st.Value), rf(st.Marker)),
	}
	for i, v := range store.Verdicts {
		mark := "  "
		if i == p.cursor {
			mark = "▶ "
		}
		text := fmt.Sprintf("%s%d %s  %-26s", mark, i+1, letterOf(v), verdictLong(v))
		if v == p.current {
			text += " (current)"
		}
		if i == p.cursor {
			lines = append(lines, st.Table.Selected.Render(text))
		} else {
			lines = append(lines, st.Value.Render(text))
		}
	}
	lines = append(lines, st.Dim.Render("j/k move · enter pick · 1-5 or first letter · esc cancel"))
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
	v, picked := m.picker.update(msg)
	if !picked {
		return m, nil
	}
	if v == m.picker.current {
		m.say(fmt.Sprintf("%s is already %s", subjectLabel(m.picker.subject), verdictLong(v)), false)
		return m, nil
	}
	return m.startSave(m.picker.subject, v, m.picker.note)
}
