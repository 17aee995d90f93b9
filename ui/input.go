package ui

import (
	"strings"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// lineInput is a one-line editor for the filter box and the parameter
// prompts. It is deliberately small: typing, backspace, ctrl+u and paste.
// What is typed may be pasted from a log, so it is drawn through ui/safe.
type lineInput struct {
	prompt string
	value  []rune
}

// inputResult says what a key did to the input.
type inputResult int

const (
	inputEdited inputResult = iota // value changed (or the key was swallowed)
	inputCommit                    // enter
	inputCancel                    // esc
)

func (in *lineInput) update(msg tea.Msg) inputResult {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		in.value = append(in.value, []rune(strings.ReplaceAll(msg.Content, "\n", ""))...)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "enter":
			return inputCommit
		case "esc":
			return inputCancel
		case "backspace", "ctrl+h":
			if len(in.value) > 0 {
				in.value = in.value[:len(in.value)-1]
			}
		case "ctrl+u":
			in.value = nil
		default:
			if msg.Text != "" {
				in.value = append(in.value, []rune(msg.Text)...)
			}
		}
	}
	return inputEdited
}

func (in lineInput) Value() string { return string(in.value) }

// view draws the prompt, the value (markers styled) and a block cursor.
func (in lineInput) view(st Styles, width int) string {
	p := st.Label.Render(in.prompt)
	room := width - safe.Width(in.prompt) - 1
	v := in.Value()
	// Keep the end of a long value in view: that is where typing happens.
	for safe.Width(v) > room && v != "" {
		_, size := utf8.DecodeRuneInString(v)
		v = v[size:]
	}
	return p + safe.StyledLine(v, max(room, 0), rf(st.Value), rf(st.Marker)) + st.Value.Reverse(true).Render(" ")
}
