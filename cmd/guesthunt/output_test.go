package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
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

// The table shows instants one way (hunt.TableTime) and says the zone once,
// in the header; machine formats keep all seven digits.
func TestTableTimes(t *testing.T) {
	at := time.Date(2026, 10, 29, 14, 2, 5, 999999900, time.UTC)
	tbl := hunt.Table{Columns: []string{"TimeGenerated", "Id"}, Rows: [][]any{{at, "a"}, {at.In(time.FixedZone("x", 7200)), "b"}, {nil}}}
	var out bytes.Buffer
	if err := writeTable(streams{out: &out}, "table", tbl, 0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !strings.HasPrefix(lines[0], "TimeGenerated (UTC)  Id") {
		t.Errorf("header %q", lines[0])
	}
	for _, l := range lines[1:3] {
		if !strings.HasPrefix(l, "2026-10-29 14:02:05  ") {
			t.Errorf("row %q", l)
		}
	}
	out.Reset()
	if err := writeTable(streams{out: &out}, "csv", tbl, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "2026-10-29T14:02:05.9999999Z") {
		t.Errorf("csv lost the ticks: %s", out.String())
	}
}
