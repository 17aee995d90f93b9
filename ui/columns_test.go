package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

func paneTable(cols []table.Column, src table.Source, w int) table.Model {
	m := table.New(cols, evidenceKeys(), table.Styles{})
	m.SetSize(w, 8)
	m.SetSource(src)
	return m
}

func plainLines(t *testing.T, m table.Model, w int) []string {
	t.Helper()
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, l)
		}
	}
	return lines
}

func TestInvitersKeepTheEvidenceAt80_120_200(t *testing.T) {
	res := evidenceResult()
	for _, w := range []int{80, 120, 200} {
		m := paneTable(inviterColumns(), newInviterRows(res.Inviters, "", -1, false, triageView{}), w)
		lines := plainLines(t, m, w)
		head, row := lines[0], lines[1]
		for _, want := range []string{"Inviter", "Latest earlier (UTC)"} {
			if !strings.Contains(head, want) {
				t.Errorf("%d: header lacks %q: %q", w, want, head)
			}
		}
		if !strings.Contains(row, longUPN) || !strings.Contains(row, tableTime(tEarlier)) {
			t.Errorf("%d: the inviter or the latest earlier invite is cut: %q", w, row)
		}
		// The domain list is drawn whole or not at all.
		if strings.Contains(head, "Guest domains") != strings.Contains(row, lookalike+" ") {
			t.Errorf("%d: guest domains drawn cut: %q / %q", w, head, row)
		}
		if w >= 120 && !strings.Contains(head, "Source IPs") {
			t.Errorf("%d: no source IPs: %q", w, head)
		}
		if w == 200 && !strings.Contains(head, "First invite (UTC)") {
			t.Errorf("200: the times give way with room to spare: %q", head)
		}
		if w == 80 && !strings.HasSuffix(strings.TrimRight(head, " "), "▶") {
			t.Errorf("80: hidden columns are not announced: %q", head)
		}
	}
}

func TestGuestsKeepTheDomainWholeAndDropRedundantFirst(t *testing.T) {
	rows := guestRows{guestAlert(longUPN, "it-support@"+lookalike, ipv6, t0), guestAlert(longUPN, "payroll@"+lookalike, ipv6, t0)}
	for _, w := range []int{80, 120, 200} {
		lines := plainLines(t, paneTable(guestColumns(), newGuestRows(rows, "", triageView{}), w), w)
		head, row := lines[0], lines[1]
		if !strings.Contains(row, " "+lookalike+" ") {
			t.Errorf("%d: the domain is cut: %q", w, row)
		}
		if w >= 120 && !strings.Contains(row, ipv6) {
			t.Errorf("%d: the IPv6 source is cut: %q", w, row)
		}
		// Redundant (e-mail = the UPN's address, Result success) go before
		// the object id, which has a lower priority.
		if strings.Contains(head, "Invited email") {
			t.Errorf("%d: a redundant e-mail column is drawn: %q", w, head)
		}
		if w == 200 && !strings.Contains(head, "Target object id") {
			t.Errorf("200: the object id gave way to redundant columns: %q", head)
		}
	}
	// An e-mail that is not the UPN's address is news: it stays.
	odd := guestAlert(longUPN, "it-support@"+lookalike, ipv6, t0)
	odd.TargetUserPrincipalName = guestUPN("someone.else@" + lookalike)
	head := plainLines(t, paneTable(guestColumns(), newGuestRows(guestRows{odd}, "", triageView{}), 200), 200)[0]
	if !strings.Contains(head, "Invited email") {
		t.Errorf("a differing e-mail was dropped: %q", head)
	}
}

func TestColumnCursorReachesEveryColumn(t *testing.T) {
	res := evidenceResult()
	for _, tc := range []struct {
		cols []table.Column
		src  table.Source
	}{
		{inviterColumns(), newInviterRows(res.Inviters, "", -1, false, triageView{})},
		{guestColumns(), newGuestRows(guestRows(res.Rows), "", triageView{})},
	} {
		m := paneTable(tc.cols, tc.src, 80)
		seen := map[string]bool{}
		look := func() {
			head := plainLines(t, m, 80)[0]
			for _, c := range tc.cols {
				if strings.Contains(head, c.Title) {
					seen[c.Title] = true
				}
			}
			if cur := tc.cols[m.SelectedColumn()].Title; !strings.Contains(head, cur) {
				t.Fatalf("the cursor column %q is not drawn: %q", cur, head)
			}
		}
		for range tc.cols {
			look()
			m, _ = m.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
		}
		for range tc.cols {
			look()
			m, _ = m.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
		}
		if len(seen) != len(tc.cols) || m.SelectedColumn() != 0 {
			t.Fatalf("reached %d of %d columns (cursor at %d): %v", len(seen), len(tc.cols), m.SelectedColumn(), seen)
		}
	}
}

func TestHostileValuesNeverBreakTheWidth(t *testing.T) {
	var inv []hunt.InviterSummary
	var rows guestRows
	for _, s := range textsafetest.Samples {
		inv = append(inv, hunt.InviterSummary{
			UPN: s.S + "@x.com", SourceIPs: []string{s.S}, GuestDomains: []string{s.S, "b"},
			FirstInvite: t0, LastInvite: t0,
		})
		a := guestAlert(s.S, s.S+"@"+s.S, s.S, t0)
		a.Result, a.TargetAadUserId = s.S, s.S
		rows = append(rows, a)
	}
	for _, w := range []int{30, 80, 120, 200} {
		for _, m := range []table.Model{
			paneTable(inviterColumns(), newInviterRows(inv, "", -1, false, triageView{}), w),
			paneTable(guestColumns(), newGuestRows(rows, "", triageView{}), w),
		} {
			m.SetSize(w, len(textsafetest.Samples)+1)
			for range 10 {
				v := m.View()
				if strings.ContainsAny(v, "\x1b\r\u202e") {
					t.Fatalf("%d: a control reached the screen", w)
				}
				plainLines(t, m, w)
				m, _ = m.Update(tea.KeyPressMsg{Code: 'l', Text: "l"})
			}
		}
	}
}
