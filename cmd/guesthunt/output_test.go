package main

import (
	"slices"
	"testing"
)

// On a narrow terminal the alert table loses the columns that say least
// first, narrows wide ones without clipping the time, and only then drops
// from the right; it never takes more cells than the terminal has.
func TestFitColumns(t *testing.T) {
	cols := []string{"TimeGenerated", "OperationName", "Result", "TargetUserPrincipalName", "TargetAadUserId",
		"InitiatingUserPrincipalName", "InitiatingAadUserId", "InitiatingIPAddress"}
	natural := []int{28, 20, 7, 48, 36, 40, 36, 15}
	for _, width := range []int{40, 80, 120, 200, 260} {
		caps := slices.Clone(natural)
		keep := fitColumns(cols, caps, width)
		used, n := 0, 0
		for i, k := range keep {
			if k {
				used += caps[i]
				n++
			}
		}
		used += 2 * (n - 1)
		if used > width && n > 1 {
			t.Errorf("width %d: table takes %d cells", width, used)
		}
		if !keep[0] || caps[0] != 28 {
			t.Errorf("width %d: the time is dropped or clipped (%v, %d)", width, keep[0], caps[0])
		}
		if width >= 80 && !keep[5] {
			t.Errorf("width %d: the inviter is dropped before the ids", width)
		}
		if width >= 260 && slices.Contains(keep, false) {
			t.Errorf("width %d: a column is dropped although all fit", width)
		}
	}
}
