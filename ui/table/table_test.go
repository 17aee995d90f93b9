package table

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func testKeys() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k")),
		Down:     key.NewBinding(key.WithKeys("down", "j")),
		PageUp:   key.NewBinding(key.WithKeys("pgup")),
		PageDown: key.NewBinding(key.WithKeys("pgdown")),
		Home:     key.NewBinding(key.WithKeys("home", "g")),
		End:      key.NewBinding(key.WithKeys("end", "G")),
		Left:     key.NewBinding(key.WithKeys("left", "h")),
		Right:    key.NewBinding(key.WithKeys("right", "l")),
	}
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	case "home":
		return tea.KeyPressMsg{Code: tea.KeyHome}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// counting is a lazy source that records which rows were asked for.
type counting struct {
	n     int
	asked map[int]bool
}

func (c *counting) Len() int { return c.n }
func (c *counting) Row(i int) []string {
	c.asked[i] = true
	return []string{fmt.Sprintf("user%06d@contoso.com", i), fmt.Sprint(i % 7)}
}

var cols = []Column{{Title: "Inviter", Width: 10, Flex: 1}, {Title: "Invites", Width: 7}}

func newTable(src Source, w, h int) Model {
	m := New(cols, testKeys(), Styles{})
	m.SetSize(w, h)
	m.SetSource(src)
	return m
}

func lines(m Model) []string { return strings.Split(ansi.Strip(m.View()), "\n") }

func TestDrawsOnlyVisibleRows(t *testing.T) {
	src := &counting{n: 100000, asked: map[int]bool{}}
	m := newTable(src, 40, 11)
	m.View()
	if len(src.asked) != 10 {
		t.Fatalf("asked for %d rows, want the 10 visible", len(src.asked))
	}
	m, _ = m.Update(press("end"))
	src.asked = map[int]bool{}
	got := lines(m)
	if len(src.asked) != 10 || !src.asked[99999] || !src.asked[99990] {
		t.Fatalf("after end asked for %v", src.asked)
	}
	if !strings.Contains(got[10], "user099999") {
		t.Fatalf("last line = %q", got[10])
	}
}

func TestEveryLineFillsTheBox(t *testing.T) {
	for _, src := range []Source{Rows(nil), Rows{{"a"}}, Rows{{"a", "b", "extra", "cells"}}, &counting{n: 50, asked: map[int]bool{}}} {
		m := newTable(src, 33, 7)
		got := lines(m)
		if len(got) != 7 {
			t.Fatalf("%d lines, want 7", len(got))
		}
		for i, l := range got {
			if w := ansi.StringWidth(l); w != 33 {
				t.Fatalf("line %d is %d wide: %q", i, w, l)
			}
		}
	}
}

func TestNavigation(t *testing.T) {
	m := newTable(&counting{n: 100, asked: map[int]bool{}}, 40, 11) // 10 body rows
	steps := []struct {
		key            string
		cursor, offset int
	}{
		{"j", 1, 0}, {"down", 2, 0}, {"k", 1, 0}, {"pgdown", 11, 10}, {"pgdown", 21, 20},
		{"pgup", 11, 10}, {"G", 99, 90}, {"up", 98, 90}, {"g", 0, 0}, {"up", 0, 0},
	}
	for _, s := range steps {
		m, _ = m.Update(press(s.key))
		if m.Cursor() != s.cursor || m.Offset() != s.offset {
			t.Fatalf("after %s: cursor %d offset %d, want %d %d", s.key, m.Cursor(), m.Offset(), s.cursor, s.offset)
		}
	}
	m.Blur()
	m, _ = m.Update(press("j"))
	if m.Cursor() != 0 {
		t.Fatal("blurred table moved")
	}
}

func TestCursorClampedOnNewSource(t *testing.T) {
	m := newTable(&counting{n: 100, asked: map[int]bool{}}, 40, 11)
	m, _ = m.Update(press("G"))
	m.SetSource(Rows{{"a"}, {"b"}})
	if m.Cursor() != 1 || m.Offset() != 0 {
		t.Fatalf("cursor %d offset %d", m.Cursor(), m.Offset())
	}
	m.SetSource(nil)
	if m.Cursor() != 0 || !strings.Contains(lines(m)[1], "no rows") {
		t.Fatalf("empty table: %q", lines(m))
	}
}

func TestTruncationAndSortIndicator(t *testing.T) {
	m := newTable(Rows{{"averyveryverylongname@contoso.com", "3"}}, 20, 3)
	m.SetSort(0, true)
	got := lines(m)
	if got[0] != "Inviter ▼    Invites" {
		t.Fatalf("header %q", got[0])
	}
	if got[1] != "averyveryve… 3      " {
		t.Fatalf("row %q", got[1])
	}
	m.SetColumns([]Column{{Title: "Latest earlier invite", Width: 12}, {Title: "Invites", Width: 7}})
	if got := lines(m)[0]; got != "Latest ea… ▼ Invites" {
		t.Fatalf("cut header %q", got)
	}
}

func TestHostileCellsAreInert(t *testing.T) {
	m := newTable(Rows{{"\x1b]0;pwned\x07evil\rgood", "\u202E1"}}, 60, 3)
	v := m.View()
	if strings.ContainsAny(v, "\x1b\r\x07\u202E") {
		t.Fatalf("control reached the screen: %q", v)
	}
	if !strings.Contains(v, "␛]0;pwned␇evil␍good") || !strings.Contains(v, "‹RLO›1") {
		t.Fatalf("markers missing: %q", v)
	}
}

func TestSelectedRowKeepsStyleAcrossMarkers(t *testing.T) {
	st := Styles{Selected: lipgloss.NewStyle().Reverse(true), Marker: lipgloss.NewStyle().Bold(true)}
	m := New(cols, testKeys(), st)
	m.SetSize(40, 3)
	m.SetSource(Rows{{"a\x1bb", "1"}})
	want := lipgloss.NewStyle().Bold(true).Reverse(true).Render("␛")
	if !strings.Contains(m.View(), want) {
		t.Fatalf("marker in selected row lost the selection style: %q", m.View())
	}
}

func TestFlexLayoutAndClipping(t *testing.T) {
	m := New([]Column{{Title: "A", Width: 4, Flex: 1}, {Title: "B", Width: 4}, {Title: "C", Width: 4, Flex: 3}}, testKeys(), Styles{})
	m.SetSize(22, 2) // 20 usable, 12 fixed, 8 spare: 2 to A, 6 to C
	if got := fmt.Sprint(m.plan(nil).widths); got != "[6 4 10]" {
		t.Fatalf("widths %s", got)
	}
	m.SetSize(7, 2) // too narrow for indicators: the cursor column takes it all
	if got := fmt.Sprint(m.plan(nil).widths); got != "[7 0 0]" {
		t.Fatalf("clipped widths %s", got)
	}
}

func TestMouse(t *testing.T) {
	m := newTable(&counting{n: 100, asked: map[int]bool{}}, 40, 11)
	m.SetOrigin(0, 2)
	m, _ = m.Update(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	if m.Cursor() != 3 {
		t.Fatalf("wheel: cursor %d", m.Cursor())
	}
	m, _ = m.Update(tea.MouseClickMsg{X: 5, Y: 2 + 1 + 6, Button: tea.MouseLeft})
	if m.Cursor() != 6 {
		t.Fatalf("click: cursor %d", m.Cursor())
	}
	m, _ = m.Update(tea.MouseClickMsg{X: 5, Y: 0, Button: tea.MouseLeft}) // above the table
	if m.Cursor() != 6 {
		t.Fatalf("click outside moved cursor to %d", m.Cursor())
	}
	_, cmd := m.Update(tea.MouseClickMsg{X: 35, Y: 2, Button: tea.MouseLeft})
	if cmd == nil {
		t.Fatal("header click gave no command")
	}
	if msg := cmd(); msg != (HeaderClickMsg{Col: 1}) {
		t.Fatalf("header click gave %#v", msg)
	}
}
