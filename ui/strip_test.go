package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// samplePoints: 90 baselines; the data covers 30 days, so 31d… are uncovered.
func samplePoints() []SensitivityPoint {
	pts := make([]SensitivityPoint, 90)
	for i := range pts {
		d := i + 1
		pts[i] = SensitivityPoint{Days: d, Flagged: max(1, 20-d), Covered: d <= 30}
	}
	pts[13].Flagged = 5 // 14d
	return pts
}

func stripLines(t *testing.T, pts []SensitivityPoint, cur, width int) []string {
	t.Helper()
	out := Strip(pts, cur, width, NewStyles(true, false))
	lines := strings.Split(out, "\n")
	if len(lines) != 2 {
		t.Fatalf("strip has %d lines", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Fatalf("width %d: line %d is %d wide: %q", width, i, w, ansi.Strip(l))
		}
		lines[i] = ansi.Strip(l)
	}
	return lines
}

func TestStripMarksCurrentAndUncovered(t *testing.T) {
	for _, width := range []int{40, 60, 80, 90, 132} {
		for _, cur := range []int{1, 14, 45, 90} {
			l := stripLines(t, samplePoints(), cur, width)
			bars, labels := []rune(l[0]), []rune(l[1])
			caret := strings.Index(string(labels), "▲")
			if caret < 0 {
				t.Fatalf("width %d cur %d: no caret: %q", width, cur, l[1])
			}
			col := len([]rune(string(labels)[:caret]))
			if len(bars) != min(width, 90) {
				t.Fatalf("width %d: %d bars", width, len(bars))
			}
			if !strings.Contains(l[1], fmt.Sprintf("%dd: ", cur)) || !strings.Contains(l[1], "flagged") {
				t.Fatalf("width %d cur %d: no count: %q", width, cur, l[1])
			}
			if cur > 30 && !strings.Contains(l[1], "not covered") {
				t.Fatalf("uncovered current not said: %q", l[1])
			}
			if (cur > 30) != (bars[col] == '░') {
				t.Fatalf("width %d cur %d: bar under caret %q, want ░", width, cur, string(bars[col]))
			}
		}
	}
}

func TestStripSample(t *testing.T) {
	l := stripLines(t, samplePoints(), 14, 100)
	if !strings.HasPrefix(l[1], "1d") || !strings.Contains(l[1], "▲14d: 5 flagged") || !strings.Contains(l[1], "90d") {
		t.Fatalf("labels %q", l[1])
	}
	if i := strings.Index(l[1], "▲"); i != 13 {
		t.Fatalf("caret at %d, want under day 14 (column 13)", i)
	}
	if []rune(l[0])[13] == '░' || []rune(l[0])[30] != '░' || []rune(l[0])[29] == '░' {
		t.Fatalf("coverage shading wrong: %q", l[0])
	}
}

func TestStripEdgeCases(t *testing.T) {
	if got := ansi.Strip(Strip(nil, 14, 40, NewStyles(false, true))); !strings.Contains(got, "not computed") {
		t.Fatalf("empty strip %q", got)
	}
	l := stripLines(t, samplePoints(), 120, 80)
	if !strings.Contains(l[1], "outside 1d…90d") {
		t.Fatalf("out-of-range baseline not said: %q", l[1])
	}
}
