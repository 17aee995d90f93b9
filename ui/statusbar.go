package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// StatusInfo is what the status bar reports about the active pane.
type StatusInfo struct {
	Row, Rows  int    // 1-based cursor row and row count
	Filter     string // as typed; sanitized here
	SortColumn string // "" = unsorted
	SortDesc   bool
	QueryTime  time.Duration // last query's run time
	Querying   bool
	Unit       string // what Row counts: "row" (default) or "line"
	NoPosition bool   // the page has no rows (help)
}

// StatusBar draws one line of exactly width cells: position, filter, sort and
// query time on the left; as many key hints as fit on the right.
func StatusBar(info StatusInfo, all []Hint, st Styles, width int) string {
	if width <= 0 {
		return ""
	}
	unit := info.Unit
	if unit == "" {
		unit = "row"
	}
	parts := []string{fmt.Sprintf("%s %s/%s", unit, thousands(info.Row), thousands(info.Rows))}
	if info.Rows == 0 {
		parts[0] = "no " + unit + "s"
	}
	if info.NoPosition {
		parts = parts[:0]
	}
	if info.Filter != "" {
		parts = append(parts, "filter: "+safe.Line(info.Filter, 24))
	}
	if info.SortColumn != "" {
		dir := "▲"
		if info.SortDesc {
			dir = "▼"
		}
		parts = append(parts, "sort: "+safe.Line(info.SortColumn, 20)+" "+dir)
	}
	switch {
	case info.Querying:
		parts = append(parts, "querying…")
	case info.QueryTime > 0:
		parts = append(parts, "query "+Elapsed(info.QueryTime))
	}
	left := " " + strings.Join(parts, "  ")
	if ansi.StringWidth(left) >= width {
		return st.StatusBar.Render(ansi.Truncate(left, width, "…"))
	}

	// Hints are added while they fit; a partial hint would be misleading.
	room := width - ansi.StringWidth(left) - 2
	var hints []string
	used := 0
	for _, h := range all {
		w := ansi.StringWidth(h.Key) + 1 + ansi.StringWidth(h.Desc)
		if used > 0 {
			w += 2
		}
		if used+w > room {
			break
		}
		used += w
		hints = append(hints, st.HintKey.Inherit(st.StatusBar).Render(h.Key)+
			st.StatusBar.Render(" ")+st.HintDesc.Inherit(st.StatusBar).Render(h.Desc))
	}
	gap := width - ansi.StringWidth(left) - used - 1
	return st.StatusBar.Render(left+strings.Repeat(" ", max(gap, 0))) +
		strings.Join(hints, st.StatusBar.Render("  ")) + st.StatusBar.Render(" ")
}

// thousands writes n with thin separators so large counts read at a glance.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Elapsed formats a query time for humans ("42ms", "1.3s").
func Elapsed(d time.Duration) string {
	return hunt.FormatSpan(d)
}
