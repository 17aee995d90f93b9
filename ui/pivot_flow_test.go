package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data/demo"
)

// / on an IP finds the inviters who used it; p on a source IP cell lists
// every inviter and invite sharing it; / in the guests pane filters the
// invites; o shows a row whole.
func TestFilterAndPivotOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	f := startFlow(t, st, eng, 120, 36)
	f.until("first result", func(m Model) bool { return m.res != nil })

	f.keys("/")
	f.tm.Type("198.51.100.24")
	f.keys("enter")
	m := f.until("IP filter", func(m Model) bool { return !m.filtering && m.filter.Value() == "198.51.100.24" })
	shared := shownUPNs(m)
	if len(shared) != 4 || slices.Contains(shared, "jonas.berg@"+demo.Domain) {
		t.Fatalf("/ 198.51.100.24 shows %v", shared)
	}
	f.keys("esc") // clear
	f.until("cleared", func(m Model) bool { return m.rows.Len() == 5 })

	// Move the cell cursor to the Source IPs column (the sixth) and pivot.
	f.keys("l", "l", "l", "l", "l")
	f.until("Source IPs column", func(m Model) bool { return m.inviters.SelectedColumn() == colSourceIPs })
	f.keys("p")
	m = f.until("pivot", func(m Model) bool { return m.onPage(pagePivot) })
	v := ansi.Strip(strings.Join(m.pager().lines(), "\n"))
	if !strings.Contains(v, "Pivot: source IP ") || !strings.Contains(v, "flagged inviter") {
		t.Fatalf("pivot page:\n%s", v)
	}
	f.keys("q")
	f.until("main", func(m Model) bool { return m.onPage(pageMain) })

	// The guests pane's own filter.
	f.keys("/")
	f.tm.Type("jonas")
	f.keys("enter", "tab", "/")
	f.tm.Type("outlook")
	f.keys("enter")
	m = f.until("guest filter", func(m Model) bool { return !m.filtering && m.guestFilter.Value() == "outlook" })
	if m.guests.Len() != 2 {
		t.Fatalf("guests matching outlook: %d, want 2", m.guests.Len())
	}
	f.keys("o")
	m = f.until("row page", func(m Model) bool { return m.onPage(pageRow) })
	if v := ansi.Strip(strings.Join(m.pager().lines(), "\n")); !strings.Contains(v, "outlook.com") {
		t.Fatalf("row page:\n%s", v)
	}
	f.keys("esc", "esc") // close the page, clear the guest filter
	m = f.until("guest filter cleared", func(m Model) bool { return m.onPage(pageMain) && m.guestFilter.Value() == "" })
	if m.guests.Len() != 6 {
		t.Fatalf("after clearing: %d guests", m.guests.Len())
	}
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
