package ui

import (
	"strings"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// A key press in the filter box must redraw within a frame at 100,000
// inviters. Matching each column anew cost 30 ms there; instead the text
// columns of every inviter (raw and, where it differs, as drawn) are
// lower-cased and joined once per result, and a key press is one
// strings.Contains a row plus the verdict cell, whose few spellings are
// matched once each.

// inviterHaystacks are the searchable texts of all, in its order.
func inviterHaystacks(all []hunt.InviterSummary) []string {
	out := make([]string, len(all))
	var b strings.Builder
	add := func(s string) {
		b.WriteString(s)
		b.WriteByte(0) // no needle spans two values
		if drawnDiffers(s) {
			b.WriteString(safe.Text(s))
			b.WriteByte(0)
		}
	}
	for i, s := range all {
		b.Reset()
		add(s.UPN)
		for _, ip := range s.SourceIPs {
			add(ip)
		}
		for _, d := range s.GuestDomains {
			add(d)
		}
		out[i] = strings.ToLower(b.String())
	}
	return out
}

// matchInviterIndexed is matchInviter with the inviter's haystack; cells
// memoises the verdict cells' answers for this needle.
func matchInviterIndexed(s hunt.InviterSummary, hay string, tv triageView, n needle, cells map[string]bool) bool {
	if n.s == "" || strings.Contains(hay, n.s) {
		return true
	}
	sub := inviterSubject(s.UPN)
	for _, c := range [...]string{tv.cell(sub), verdictLong(tv.verdict(sub))} {
		ok, seen := cells[c]
		if !seen {
			ok = n.in(c)
			cells[c] = ok
		}
		if ok {
			return true
		}
	}
	return n.timeLike && matchInviterTimes(s, n)
}
