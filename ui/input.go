package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// lineInput is the one-line editor of the filter box and the prompts: a
// Bubbles textinput for the editing (cursor, words, ctrl+a/e/k/u/w), a
// prefilled value that is selected (typing replaces it, an arrow keeps it),
// and history (up/down) for prompts that have one. It is drawn through
// ui/safe, not textinput's View, because what is typed may be pasted from
// a log.
type lineInput struct {
	prompt   string
	ti       textinput.Model
	selected bool
	history  []string // earlier values, oldest first; nil: no history
	at       int      // index in history being shown; len(history) = the edit
	draft    string   // the edit, kept while browsing history
}

// inputResult says what a key did to the input.
type inputResult int

const (
	inputEdited inputResult = iota // value changed (or the key was swallowed)
	inputCommit                    // enter
	inputCancel                    // esc
)

// newLineInput starts an input with value prefilled and selected.
func newLineInput(prompt, value string, history []string) lineInput {
	ti := textinput.New()
	ti.Prompt = ""
	ti.KeyMap.AcceptSuggestion.SetEnabled(false)
	ti.KeyMap.NextSuggestion.SetEnabled(false)
	ti.KeyMap.PrevSuggestion.SetEnabled(false)
	// ctrl+v would read the clipboard of the machine guesthunt runs on,
	// which over SSH is the server's: pastes come from the terminal only.
	ti.KeyMap.Paste.SetEnabled(false)
	ti.Focus()
	ti.SetValue(value)
	ti.CursorEnd()
	return lineInput{prompt: prompt, ti: ti, selected: value != "", history: history, at: len(history)}
}

func (in *lineInput) update(msg tea.Msg) inputResult {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		if in.selected {
			in.ti.SetValue("")
			in.selected = false
		}
		msg.Content = strings.ReplaceAll(strings.ReplaceAll(msg.Content, "\r", ""), "\n", "")
		in.ti, _ = in.ti.Update(msg)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "enter":
			return inputCommit
		case "esc":
			return inputCancel
		case "up":
			in.browse(-1)
			return inputEdited
		case "down":
			in.browse(1)
			return inputEdited
		}
		if in.selected {
			in.selected = false
			switch {
			case msg.Text != "", msg.String() == "backspace", msg.String() == "delete", msg.String() == "ctrl+h":
				// Typing over a selection replaces it; deleting it clears it.
				in.ti.SetValue("")
				if msg.Text == "" {
					return inputEdited
				}
			}
		}
		in.ti, _ = in.ti.Update(msg)
	}
	return inputEdited
}

// browse moves through the history; past the newest entry is the edit.
func (in *lineInput) browse(d int) {
	if len(in.history) == 0 {
		return
	}
	if in.at == len(in.history) {
		in.draft = in.ti.Value()
	}
	in.at = max(0, min(in.at+d, len(in.history)))
	v := in.draft
	if in.at < len(in.history) {
		v = in.history[in.at]
	}
	in.ti.SetValue(v)
	in.ti.CursorEnd()
	in.selected = false
}

func (in lineInput) Value() string { return in.ti.Value() }

// clear empties the input.
func (in *lineInput) clear() {
	in.ti.SetValue("")
	in.selected = false
}

// view draws the prompt and the value (markers styled) with a block cursor;
// a selected value is drawn reversed. A long value scrolls to keep the
// cursor in view.
func (in lineInput) view(st Styles, width int) string {
	p := st.Label.Render(in.prompt)
	room := max(width-safe.Width(in.prompt)-1, 0)
	v := []rune(in.ti.Value())
	if in.selected {
		return p + safe.StyledLine(string(v), room, rf(st.Value.Reverse(true)), rf(st.Marker.Reverse(true)))
	}
	pos := min(in.ti.Position(), len(v))
	before, after := v[:pos], v[pos:]
	under := " "
	if len(after) > 0 {
		under, after = string(after[:1]), after[1:]
	}
	// Keep the cursor in view: drop from the left of what precedes it.
	for len(before) > 0 && safe.Width(string(before))+safe.Width(under) > room {
		before = before[1:]
	}
	left := room - safe.Width(string(before)) - safe.Width(under)
	out := p + safe.StyledLine(string(before), room, rf(st.Value), rf(st.Marker)) +
		safe.StyledLine(under, safe.Width(under), rf(st.Value.Reverse(true)), rf(st.Marker.Reverse(true)))
	if left > 0 && len(after) > 0 {
		out += safe.StyledLine(string(after), left, rf(st.Value), rf(st.Marker))
	}
	return out
}
