package table

import (
	"fmt"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
)

// inviters formats rows only when asked, like an adapter over query results.
type inviters struct{ n int }

func (s inviters) Len() int { return s.n }
func (s inviters) Row(i int) []string {
	t := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	return []string{
		fmt.Sprintf("inviter%06d@contoso.onmicrosoft.com", i),
		fmt.Sprint(1 + i%9), fmt.Sprint(1 + i%5),
		fmt.Sprintf("203.0.113.%d", i%250),
		t.Format("2006-01-02 15:04:05"), t.Add(time.Hour).Format("2006-01-02 15:04:05"),
		"never",
	}
}

// BenchmarkTableKeyAndRender: one key press (Update) plus View over 100,000
// rows at 160x40 with colours; the budget is 16 ms.
func BenchmarkTableKeyAndRender(b *testing.B) {
	cols := []Column{
		{Title: "Inviter", Width: 16, Max: 48, Flex: 1}, {Title: "Invites", Width: 7, Priority: 5, Whole: true},
		{Title: "Guests", Width: 6, Priority: 6, Whole: true}, {Title: "Source IPs", Width: 10, Priority: 2, Whole: true},
		{Title: "First", Width: 19, Priority: 3, Whole: true}, {Title: "Last", Width: 19, Priority: 4, Whole: true},
		{Title: "Earlier", Width: 19, Priority: 1, Whole: true},
	}
	st := Styles{
		Header:   lipgloss.NewStyle().Bold(true),
		Selected: lipgloss.NewStyle().Reverse(true),
		Marker:   lipgloss.NewStyle().Foreground(lipgloss.Color("#ff00ff")),
		Cell:     lipgloss.NewStyle().Foreground(lipgloss.Color("#c0c0c0")),
	}
	m := New(cols, testKeys(), st)
	m.SetSize(160, 40)
	m.SetSource(inviters{n: 100000})
	m.SetSort(1, true)
	down := press("j")
	b.ReportAllocs()
	for b.Loop() {
		m, _ = m.Update(down)
		_ = m.View()
	}
}
