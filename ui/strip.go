package ui

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/lipgloss/v2"
)

// barGlyphs are eighth blocks, lowest first, each three bytes of UTF-8; a
// const keeps the package free of mutable globals.
const (
	barGlyphs = "▁▂▃▄▅▆▇█"
	barLevels = 8
)

func bar(level int) string { return barGlyphs[level*3 : level*3+3] }

const (
	glyphZero      = "·" // covered, nothing flagged
	glyphUncovered = "░" // baseline reaches before the data: counts mean nothing there
)

// Strip renders the sensitivity strip in two lines: one bar per baseline length
// (scaled to the largest count), then a caret under the current baseline with
// its count. Days the data does not cover are shaded ░ (their counts only
// reflect missing history). When the days do not fit in width, the strip
// scrolls so the current baseline stays in view.
func Strip(points []SensitivityPoint, current, width int, st Styles) string {
	if width <= 0 {
		return ""
	}
	if len(points) == 0 {
		return fitLine("sensitivity: not computed", width, st.Dim) + "\n"
	}
	pts := slices.Clone(points)
	slices.SortFunc(pts, func(a, b SensitivityPoint) int { return a.Days - b.Days })

	ci := slices.IndexFunc(pts, func(p SensitivityPoint) bool { return p.Days == current })
	vis := min(len(pts), width)
	lo := 0
	if ci >= 0 && len(pts) > vis {
		lo = max(0, min(ci-vis/2, len(pts)-vis))
	}
	shown := pts[lo : lo+vis]

	peak := 0
	for _, p := range pts {
		if p.Covered {
			peak = max(peak, p.Flagged)
		}
	}
	var top strings.Builder
	firstUncovered := 0
	for i, p := range shown {
		g, s := glyphZero, st.StripBar
		switch {
		case !p.Covered:
			g, s = glyphUncovered, st.StripUncovered
			if firstUncovered == 0 {
				firstUncovered = p.Days
			}
		case p.Flagged > 0:
			g = bar(min((p.Flagged*barLevels-1)/max(peak, 1), barLevels-1))
		}
		if lo+i == ci {
			s = st.StripCurrent
		}
		top.WriteString(s.Render(g))
	}
	return top.String() + "\n" + stripLabels(pts, shown, ci-lo, firstUncovered, width, st)
}

// stripLabels lays out the second line: the caret and the current count
// first, then the ░ legend and the range ends wherever they do not collide.
func stripLabels(pts, shown []SensitivityPoint, at, firstUncovered, width int, st Styles) string {
	cells := make([]string, width)
	styles := make([]*lipgloss.Style, width)
	free := func(col, n int) bool {
		if col < 0 || col+n > width {
			return false
		}
		for c := max(col-1, 0); c < min(col+n+1, width); c++ { // keep a blank either side
			if cells[c] != "" {
				return false
			}
		}
		return true
	}
	put := func(col int, text string, s *lipgloss.Style) {
		for i, r := range []rune(text) {
			if c := col + i; c >= 0 && c < width {
				cells[c], styles[c] = string(r), s
			}
		}
	}
	if at >= 0 && at < len(shown) {
		p := shown[at]
		label := fmt.Sprintf("%dd: %d flagged", p.Days, p.Flagged)
		if !p.Covered {
			label += " (baseline not covered)"
		}
		if n := len([]rune(label)); at+1+n <= width || at-n < 0 {
			put(at+1, label, &st.Value)
		} else {
			put(at-n, label, &st.Value)
		}
		put(at, "▲", &st.StripCurrent)
	} else {
		put(0, fmt.Sprintf("current baseline outside %dd…%dd", pts[0].Days, pts[len(pts)-1].Days), &st.Warning)
	}
	if firstUncovered > 0 {
		legend := fmt.Sprintf("%s not covered ≥%dd", glyphUncovered, firstUncovered)
		n := len([]rune(legend))
		for col := 0; col+n <= width; col++ {
			if free(col, n) && (col > at || col+n < at) {
				put(col, legend, &st.Dim)
				break
			}
		}
	}
	left := fmt.Sprintf("%dd", shown[0].Days)
	right := fmt.Sprintf("%dd", shown[len(shown)-1].Days)
	if free(0, len(left)) {
		put(0, left, &st.Dim)
	}
	if col := len(shown) - len(right); free(col, len(right)) {
		put(col, right, &st.Dim)
	}
	var b strings.Builder
	for i := 0; i < width; {
		j := i
		var run strings.Builder
		for j < width && styles[j] == styles[i] {
			c := cells[j]
			if c == "" {
				c = " "
			}
			run.WriteString(c)
			j++
		}
		if styles[i] != nil {
			b.WriteString(styles[i].Render(run.String()))
		} else {
			b.WriteString(run.String())
		}
		i = j
	}
	return strings.TrimRight(b.String(), " ")
}

// fitLine cuts s to width and styles it.
func fitLine(s string, width int, st lipgloss.Style) string {
	return st.Render(clip(s, width, 1))
}
