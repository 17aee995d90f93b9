package ui

import (
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// The row page: every column of the selected row in full, one labelled
// value (or list item) after another, sanitized and wrapped, never cut, for
// a scrolling pager. The table may hide or cut a value; this page does not.

// pageField is one labelled value; a list gives one item per entry.
type pageField struct {
	label  string
	values []string
}

func one(label, v string) pageField { return pageField{label, []string{v}} }

// note is the analyst's note, a field only when there is one.
func note(tv triageView, sub store.Subject) pageField {
	if n := tv.saved[sub].Note; n != "" {
		return one("Note", n)
	}
	return pageField{}
}

// inviterPageLines is the row page of an inviter row.
func inviterPageLines(s hunt.InviterSummary, tv triageView, width int) []string {
	sub := inviterSubject(s.UPN)
	return rowPageLines([]pageField{
		one("Inviter", s.UPN),
		one("Verdict", verdictLong(tv.verdict(sub))),
		note(tv, sub),
		one("Invites", strconv.Itoa(s.Invites)),
		one("Guests", strconv.Itoa(s.DistinctGuests)),
		{"Source IPs", s.SourceIPs},
		{"Guest domains", s.GuestDomains},
		{"Guests invited", s.Guests},
		one(utcTitle("First invite"), tableTime(s.FirstInvite)),
		one(utcTitle("Last invite"), tableTime(s.LastInvite)),
		one(utcTitle("Latest earlier"), earlierCell(s)),
	}, width)
}

// guestPageLines is the row page of a guest row (one invite event).
func guestPageLines(a hunt.Alert, tv triageView, width int) []string {
	sub := eventSubject(a)
	addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	return rowPageLines([]pageField{
		one("Verdict", verdictLong(tv.verdict(sub))),
		note(tv, sub),
		one(utcTitle("Time"), tableTime(a.TimeGenerated)),
		one("Guest UPN", a.TargetUserPrincipalName),
		one("Invited email", addr),
		one("Guest domain", hunt.GuestDomain(addr)),
		one("Target object id", a.TargetAadUserId),
		one("Source IP", a.InitiatingIPAddress),
		one("Result", a.Result),
		one("Inviter", a.InitiatingUserPrincipalName),
	}, width)
}

// rowPageLines lays fields out as "label  value", wrapping values under
// themselves; below minValue cells beside the label, values go on lines of
// their own under it. No line is wider than width (for width >= 10, the
// widest marker).
func rowPageLines(fields []pageField, width int) []string {
	const minValue = 24
	labelW := 0
	for _, f := range fields {
		labelW = max(labelW, ansi.StringWidth(f.label))
	}
	indent := labelW + 2
	beside := width-indent >= minValue
	if !beside {
		indent = min(2, max(width-10, 0))
	}
	var out []string
	for _, f := range fields {
		if f.label == "" {
			continue
		}
		values := f.values
		if len(values) == 0 {
			values = []string{""}
		}
		head := f.label
		if !beside {
			out = append(out, safe.Line(head, width))
			head = ""
		}
		for _, v := range values {
			for _, part := range wrapCells(v, max(width-indent, 1)) {
				out = append(out, padTo(head, indent)+part)
				head = ""
			}
		}
	}
	return out
}

// padTo pads our own label text (no data) to w cells.
func padTo(s string, w int) string { return s + strings.Repeat(" ", max(w-ansi.StringWidth(s), 0)) }

// wrapCells sanitizes s and breaks it into lines of at most width cells.
// A marker is never split (half a marker would read as data).
func wrapCells(s string, width int) []string {
	var lines []string
	var cur strings.Builder
	used := 0
	emit := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		used = 0
	}
	put := func(text string, w int) {
		if used > 0 && used+w > width {
			emit()
		}
		cur.WriteString(text)
		used += w
	}
	for _, sg := range safe.Segments(s) {
		if sg.Marker {
			put(sg.Text, ansi.StringWidth(sg.Text))
			continue
		}
		for _, r := range sg.Text {
			put(string(r), ansi.StringWidth(string(r)))
		}
	}
	if used > 0 || len(lines) == 0 {
		emit()
	}
	return lines
}

// rowPage is the row page of the selected row of pane p at width, false
// when that pane has no row selected.
func (m Model) rowPage(p pane, width int) ([]string, bool) {
	if p == paneInviters {
		s, ok := m.rows.at(m.inviters.Cursor())
		if !ok {
			return nil, false
		}
		return inviterPageLines(s, m.triageView(), width), true
	}
	rows := m.guestAlerts()
	if c := m.guests.Cursor(); c < len(rows) {
		return guestPageLines(rows[c], m.triageView(), width), true
	}
	return nil, false
}
