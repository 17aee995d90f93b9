package ui

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// What "/" matches: a case-insensitive substring of any column's value in
// the focused pane, every item of a list column included. Each value is
// tried raw (what the log holds) and as drawn (its markers), so a user can
// type what the screen shows.

// needle is a filter, lower-cased once per filter rather than once per row.
type needle struct {
	s string
	// timeLike: it could match a time, a count or "never", which are only
	// formatted when it could (formatting every row's times on every key
	// press is the cost at 100,000 rows).
	timeLike bool
}

func newNeedle(filter string) needle {
	s := strings.ToLower(filter)
	return needle{s: s, timeLike: strings.Trim(s, "0123456789-: ") == "" || strings.Contains("never", s)}
}

// matchInviter reports whether any column of the inviter's row holds n.
func matchInviter(s hunt.InviterSummary, tv triageView, n needle) bool {
	if n.s == "" {
		return true
	}
	v := tv.verdict(inviterSubject(s.UPN))
	if n.in(s.UPN) || n.in(tv.cell(inviterSubject(s.UPN))) || n.in(verdictLong(v)) ||
		n.anyIn(s.SourceIPs) || n.anyIn(s.GuestDomains) {
		return true
	}
	return n.timeLike && matchInviterTimes(s, n)
}

// matchInviterTimes matches the counts and times, formatted only for a
// needle that could match them.
func matchInviterTimes(s hunt.InviterSummary, n needle) bool {
	return n.in(strconv.Itoa(s.Invites)) || n.in(strconv.Itoa(s.DistinctGuests)) ||
		n.inTime(s.FirstInvite) || n.inTime(s.LastInvite) || n.in(earlierCell(s))
}

// matchGuest reports whether any column of the guest row holds n.
func matchGuest(a hunt.Alert, tv triageView, n needle) bool {
	if n.s == "" {
		return true
	}
	addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	v := tv.verdict(eventSubject(a))
	return n.in(a.TargetUserPrincipalName) || n.in(addr) || n.in(hunt.GuestDomain(addr)) ||
		n.in(a.TargetAadUserId) || n.in(a.InitiatingIPAddress) || n.in(a.Result) ||
		n.in(tv.cell(eventSubject(a))) || n.in(verdictLong(v)) ||
		n.timeLike && n.inTime(a.TimeGenerated)
}

func (n needle) anyIn(items []string) bool {
	for _, s := range items {
		if n.in(s) {
			return true
		}
	}
	return false
}

func (n needle) inTime(t time.Time) bool {
	var buf [32]byte
	return n.in(string(t.UTC().AppendFormat(buf[:0], rowTime)))
}

// in matches s raw, then as drawn when drawing changes it.
func (n needle) in(s string) bool {
	if containsFold(s, n.s) {
		return true
	}
	return drawnDiffers(s) && containsFold(safe.Text(s), n.s)
}

// drawnDiffers reports whether the screen draws s other than as it is (a
// hostile rune or an invalid byte becomes a marker); only then is the drawn
// form built, which allocates (a "·" verdict cell on every row did).
func drawnDiffers(s string) bool {
	if textsafe.PlainASCII(s) {
		return false
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || textsafe.Hostile(r) {
			return true
		}
		i += size
	}
	return false
}

// containsFold is strings.Contains(strings.ToLower(s), lower) without
// allocating for ASCII, the usual case (UPNs, IPs, domains).
func containsFold(s, lower string) bool {
	if !isASCII(s) || !isASCII(lower) {
		return strings.Contains(strings.ToLower(s), lower)
	}
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		if equalFoldASCII(s[i:i+n], lower) {
			return true
		}
	}
	return false
}

func equalFoldASCII(s, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
