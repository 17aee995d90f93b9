package safe

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis ends every string cut to fit.
const Ellipsis = "…"

// Fit sanitizes s and cuts it to at most width cells. Markers are never split:
// a half marker would read as data. When anything is cut, the last segment is
// a plain Ellipsis with an empty Raw. used is the width of the result.
func Fit(s string, width int) (segs []Segment, used int) {
	if width <= 0 {
		return nil, 0
	}
	segs = Segments(s)
	widths := make([]int, len(segs))
	total := 0
	for i, sg := range segs {
		widths[i] = cellWidth(sg.Text)
		total += widths[i]
	}
	if total <= width {
		return segs, total
	}
	budget := width - 1 // room for the ellipsis
	out := segs[:0:0]
	for i, sg := range segs {
		if used+widths[i] <= budget {
			out = append(out, sg)
			used += widths[i]
			continue
		}
		if !sg.Marker && budget > used {
			cut := ansi.Truncate(sg.Text, budget-used, "")
			if cut != "" {
				// Raw is the text kept: the rest is reported as cut by the ellipsis.
				out = append(out, Segment{Text: cut, Raw: cut})
				used += cellWidth(cut)
			}
		}
		break
	}
	out = append(out, Segment{Text: Ellipsis})
	return out, used + 1
}

// Line sanitizes s and cuts it to width cells with an ellipsis.
func Line(s string, width int) string {
	return StyledLine(s, width, nil, nil)
}

// StyledLine is Line with a style applied to plain runs and another to
// markers (and the ellipsis), so markers stand out from data that merely
// looks like a marker. A nil func leaves its runs unstyled.
func StyledLine(s string, width int, plain, mark func(string) string) string {
	segs, _ := Fit(s, width)
	return Join(segs, plain, mark)
}

// Join renders segments, styling plain runs and markers separately.
func Join(segs []Segment, plain, mark func(string) string) string {
	var b strings.Builder
	for _, sg := range segs {
		f := plain
		if sg.Marker || sg.Raw == "" && sg.Text == Ellipsis {
			f = mark
		}
		if f == nil {
			b.WriteString(sg.Text)
		} else {
			b.WriteString(f(sg.Text))
		}
	}
	return b.String()
}

// Width is the display width of Text(s).
func Width(s string) int {
	return cellWidth(Text(s))
}

func cellWidth(t string) int {
	if isPlainASCII(t) {
		return len(t)
	}
	return ansi.StringWidth(t)
}
