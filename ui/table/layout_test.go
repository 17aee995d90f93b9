package table

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// redundantRows marks every cell of the listed columns redundant.
type redundantRows struct {
	Rows
	cols map[int]bool
}

func (r redundantRows) RedundantCell(_, col int) bool { return r.cols[col] }

// listRows draws a list cell as its first item but gives every item as value.
type listRows struct{ Rows }

func (listRows) CellValue(_, col int) string { return fmt.Sprintf("all of %d", col) }

func planFor(cols []Column, src Source, w int) plan {
	m := New(cols, testKeys(), Styles{})
	m.SetSize(w, 5)
	m.SetSource(src)
	return m.plan(m.visibleRows())
}

func TestFitKeepsPriorityAndWholeValues(t *testing.T) {
	cols := []Column{
		{Title: "Low", Width: 3, Priority: 3, Whole: true},
		{Title: "Key", Width: 4, Priority: 0},
		{Title: "Domain", Width: 6, Priority: 1, Whole: true},
		{Title: "IP", Width: 2, Priority: 2, Whole: true},
	}
	nat := []int{3, 17, 41, 11} // "low", a UPN, a lookalike domain, an IPv4
	none := make([]bool, 4)
	cases := []struct {
		width int
		want  string // widths; 0 = hidden
	}{
		{75, "[3 17 41 11]"}, // everything whole
		{74, "[0 17 41 11]"}, // the lowest priority goes first
		{50, "[3 17 0 11]"},  // a domain that cannot be whole is hidden, not cut
		{20, "[0 17 0 0]"},   // the key column whole while it fits
		{10, "[3 6 0 0]"},    // then cut: its Width first, grown with what is left
	}
	for _, c := range cases {
		if got := fmt.Sprint(fit(cols, nat, none, none, 1, c.width)); got != c.want {
			t.Errorf("width %d: %s, want %s", c.width, got, c.want)
		}
	}
	// The cursor column comes before every other, cut if it must be.
	if got := fmt.Sprint(fit(cols, nat, none, none, 2, 30)); got != "[0 0 30 0]" {
		t.Errorf("cursor on the domain at 30: %s", got)
	}
}

func TestRedundantColumnsGoFirst(t *testing.T) {
	cols := []Column{
		{Title: "Key", Width: 10, Priority: 0},
		{Title: "Copy", Width: 10, Priority: 1, Whole: true},
		{Title: "Other", Width: 10, Priority: 2, Whole: true},
	}
	src := redundantRows{Rows{{"k", "c", "o"}}, map[int]bool{1: true}}
	if got := fmt.Sprint(planFor(cols, src, 30).widths); got != "[10 0 10]" {
		t.Fatalf("redundant column kept over a lower priority one: %s", got)
	}
	if got := fmt.Sprint(planFor(cols, src, 40).widths); got != "[10 10 10]" {
		t.Fatalf("redundant column hidden with room to spare: %s", got)
	}
	if got := fmt.Sprint(planFor(cols, src.Rows, 30).widths); got != "[10 10 0]" {
		t.Fatalf("without redundancy: %s", got)
	}
}

func TestMaxCapsAndCappedColumnsStartNarrow(t *testing.T) {
	cols := []Column{
		{Title: "UPN", Width: 8, Max: 20, Priority: 0},
		{Title: "Domain", Width: 6, Priority: 1, Whole: true},
	}
	row := Rows{{strings.Repeat("x", 100), "example.com"}}
	if got := fmt.Sprint(planFor(cols, row, 200).widths); got != "[20 11]" {
		t.Fatalf("cap: %s", got)
	}
	// 20 for the UPN would leave no room for the domain; the UPN is cut
	// anyway, so the domain comes whole first.
	if got := fmt.Sprint(planFor(cols, row, 25).widths); got != "[13 11]" {
		t.Fatalf("capped: %s", got)
	}
}

func TestColumnCursorAndIndicators(t *testing.T) {
	cols := []Column{
		{Title: "Aaaa", Width: 10, Priority: 1, Whole: true},
		{Title: "Key", Width: 10, Priority: 0, Whole: true},
		{Title: "Cccc", Width: 10, Priority: 2, Whole: true},
		{Title: "Dddd", Width: 10, Priority: 3, Whole: true},
	}
	m := New(cols, testKeys(), Styles{})
	m.SetSize(30, 3)
	m.SetSource(Rows{{"a", "k", "c", "d"}})
	if m.SelectedColumn() != 1 {
		t.Fatalf("cursor starts at %d, want the key column", m.SelectedColumn())
	}
	head := lines(m)[0]
	if !strings.HasPrefix(head, "Aaaa") || !strings.HasSuffix(head, "2 ▶") {
		t.Fatalf("header %q", head)
	}
	for _, k := range []string{"l", "right"} {
		m, _ = m.Update(press(k))
	}
	if m.SelectedColumn() != 3 {
		t.Fatalf("cursor at %d after two rights", m.SelectedColumn())
	}
	head = lines(m)[0]
	if !strings.HasPrefix(head, "◀ 2") || !strings.Contains(head, "Dddd") {
		t.Fatalf("scrolled header %q", head)
	}
	for _, k := range []string{"l", "h", "left", "left", "left", "left"} {
		m, _ = m.Update(press(k))
	}
	if m.SelectedColumn() != 0 {
		t.Fatalf("cursor at %d, want clamped to 0", m.SelectedColumn())
	}
	for _, l := range lines(m) {
		if ansi.StringWidth(l) != 30 {
			t.Fatalf("line %q is not 30 wide", l)
		}
	}
}

func TestCellValue(t *testing.T) {
	m := newTable(Rows{{"a\x1b", "1"}}, 40, 3)
	if m.CellValue(0, 0) != "a\x1b" || m.CellValue(0, 5) != "" || m.CellValue(3, 0) != "" {
		t.Fatal("CellValue is not the raw cell")
	}
	m.SetSource(listRows{Rows{{"a", "b"}}})
	if m.CellValue(0, 1) != "all of 1" {
		t.Fatal("CellValue ignored the source's Valuer")
	}
}

func TestClickPicksTheCell(t *testing.T) {
	m := newTable(Rows{{"alice", "1"}, {"bob", "2"}}, 40, 5)
	m.SetOrigin(0, 0)
	m, _ = m.Update(tea.MouseClickMsg{X: 38, Y: 2, Button: tea.MouseLeft})
	if m.Cursor() != 1 || m.SelectedColumn() != 1 {
		t.Fatalf("click: row %d column %d", m.Cursor(), m.SelectedColumn())
	}
}
