package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// b then 21d: the prefilled value is selected, so typing replaces it
// (the first round appended: 14d21d).
func TestPromptTypingReplacesPrefilledValue(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, press("b"))
	if got := m.prompt.Value(); got != "14d" {
		t.Fatalf("prefilled %q", got)
	}
	m = typeKeys(t, m, "21d")
	m, _ = send(t, m, press("enter"))
	if m.params.Baseline != 21*day {
		t.Fatalf("baseline %v after typing 21d over 14d", m.params.Baseline)
	}
}

func TestPromptCursorEditing(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, press("b"))
	// An arrow keeps the value and moves the cursor: left twice puts it
	// before the 4.
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyLeft})
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyLeft})
	m = typeKeys(t, m, "0")
	if got := m.prompt.Value(); got != "104d" {
		t.Fatalf("after left, left, 0: %q", got)
	}
	m, _ = send(t, m, tea.KeyPressMsg{Code: 'a', Mod: tea.ModCtrl})
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyDelete})
	if got := m.prompt.Value(); got != "04d" {
		t.Fatalf("after ctrl+a, delete: %q", got)
	}
	v := ansi.Strip(m.View().Content)
	if !strings.Contains(v, "baseline (e.g. 14d, 36h): 04d") {
		t.Fatalf("prompt not drawn:\n%s", v)
	}
}

func TestPromptHistory(t *testing.T) {
	m := started(t, "a@x.com")
	for _, v := range []string{"21d", "30d"} {
		m, _ = send(t, m, press("b"))
		m = typeKeys(t, m, v)
		m, _ = send(t, m, press("enter"))
	}
	m, _ = send(t, m, press("b"))
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyUp})
	if got := m.prompt.Value(); got != "30d" {
		t.Fatalf("up: %q, want the last value typed", got)
	}
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyUp})
	if got := m.prompt.Value(); got != "21d" {
		t.Fatalf("up, up: %q", got)
	}
	m, _ = send(t, m, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: tea.KeyDown})
	if got := m.prompt.Value(); got != "30d" {
		t.Fatalf("back down to the edit: %q, want the prefilled value", got)
	}
	// The window prompt has its own history.
	m, _ = send(t, m, press("esc"), press("W"), tea.KeyPressMsg{Code: tea.KeyUp})
	if got := m.prompt.Value(); got != "1d" {
		t.Fatalf("window history leaked: %q", got)
	}
}

// A value pasted from a log is drawn with markers, never raw.
func TestPromptDrawsHostileTextAsMarkers(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, press("/"), tea.PasteMsg{Content: "evil\u202eexe\x1b[31m"})
	v := m.View().Content
	if strings.ContainsRune(v, '\u202e') || strings.Contains(v, "\x1b[31m") {
		t.Fatal("hostile characters reached the screen")
	}
	if !strings.Contains(ansi.Strip(v), "‹RLO›") {
		t.Fatalf("no marker:\n%s", ansi.Strip(v))
	}
}

// q with a verdict still saving warns; the second q quits.
func TestQuitWarnsAboutUnsavedVerdicts(t *testing.T) {
	st := newFakeStore()
	m := startedWith(t, triageDeps(st), "a@x.com")
	m, _ = send(t, m, press("t"), press("m")) // the save's cmd is not run: in flight
	if m.unsavedVerdicts() != 1 {
		t.Fatalf("%d unsaved", m.unsavedVerdicts())
	}
	m, cmd := send(t, m, press("q"))
	if isQuit(cmd) || !strings.Contains(m.message, "not saved: 1 save in flight") {
		t.Fatalf("first q: quit=%v message %q", isQuit(cmd), m.message)
	}
	if _, cmd = send(t, m, press("q")); !isQuit(cmd) {
		t.Fatal("second q did not quit")
	}
	// Anything in between disarms it.
	m, _ = send(t, m, press("j"))
	if _, cmd = send(t, m, press("q")); isQuit(cmd) {
		t.Fatal("q after another key quit without warning again")
	}
}
