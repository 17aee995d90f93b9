package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

// pageText joins a page with the blanks taken out, so a value wrapped over
// lines reads as one string again.
func pageText(t *testing.T, lines []string, width int) string {
	t.Helper()
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Fatalf("line %d is %d cells, width %d: %q", i, w, width, l)
		}
		if strings.ContainsAny(l, "\x1b\r\n\u202e") {
			t.Fatalf("line %d carries a control: %q", i, l)
		}
	}
	return strings.ReplaceAll(strings.Join(lines, ""), " ", "")
}

func TestRowPagesShowEveryValueWhole(t *testing.T) {
	res := evidenceResult()
	adele := res.Inviters[0]
	tv := triageView{saved: map[store.Subject]store.Triage{inviterSubject(adele.UPN): {Verdict: store.VerdictSuspicious, Note: "same IP as bob"}}}
	g := res.Rows[0]
	for _, w := range []int{12, 30, 80, 200} {
		inv := pageText(t, inviterPageLines(adele, tv, w), w)
		want := append([]string{adele.UPN, tableTime(tEarlier), "suspicious", "sameIPasbob", tableTime(adele.LastInvite)},
			append(adele.SourceIPs, adele.Guests...)...)
		for _, v := range want {
			if !strings.Contains(inv, strings.ReplaceAll(v, " ", "")) {
				t.Errorf("%d: inviter page lacks %q", w, v)
			}
		}
		gp := pageText(t, guestPageLines(g, tv, w), w)
		for _, v := range []string{g.TargetUserPrincipalName, "it-support@" + lookalike, lookalike, ipv6, g.TargetAadUserId, longUPN, "success"} {
			if !strings.Contains(gp, v) {
				t.Errorf("%d: guest page lacks %q", w, v)
			}
		}
	}
	lines := inviterPageLines(adele, triageView{}, 80)
	if !strings.HasPrefix(lines[0], "Inviter ") || strings.Contains(strings.Join(lines, "\n"), "Note") {
		t.Errorf("page starts %q; a note without text shows", lines[0])
	}
}

func TestRowPagesKeepHostileTextVisibleAndWhole(t *testing.T) {
	for _, s := range textsafetest.Samples {
		sum := hunt.InviterSummary{UPN: s.S, SourceIPs: []string{s.S}, GuestDomains: []string{s.S}}
		for _, w := range []int{10, 20, 80} {
			got := pageText(t, inviterPageLines(sum, triageView{}, w), w)
			// Every marker and character survives, unsplit, in order.
			if want := strings.ReplaceAll(safe.Text(s.S), " ", ""); !strings.Contains(got, want) {
				t.Errorf("%s at %d: %q lacks %q", s.Name, w, got, want)
			}
		}
	}
}

func TestWrapCells(t *testing.T) {
	for _, c := range []struct {
		in    string
		width int
		want  []string
	}{
		{"", 5, []string{""}},
		{"abcdefg", 3, []string{"abc", "def", "g"}},
		{"ab\u202ecd", 4, []string{"ab", "‹RLO›", "cd"}}, // a marker wider than the room is not split
		{"山田太郎", 5, []string{"山田", "太郎"}},
	} {
		if got := wrapCells(c.in, c.width); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapCells(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
}

func TestRowPageOfTheSelectedRow(t *testing.T) {
	p := hunt.DefaultParams()
	res := evidenceResult()
	res.Params = p
	m, _ := send(t, New(Deps{Params: p}), tea.WindowSizeMsg{Width: 120, Height: 36}, runMsg{seq: 1, params: p, res: res})
	inv, ok := m.rowPage(paneInviters, 80)
	if !ok || !strings.Contains(strings.Join(inv, "\n"), longUPN) {
		t.Fatalf("inviter page %v: %q", ok, inv)
	}
	g, ok := m.rowPage(paneGuests, 80)
	if !ok || !strings.Contains(strings.Join(g, "\n"), lookalike) {
		t.Fatalf("guest page %v: %q", ok, g)
	}
	empty, _ := send(t, New(Deps{Params: p}), tea.WindowSizeMsg{Width: 120, Height: 36})
	if _, ok := empty.rowPage(paneGuests, 80); ok {
		t.Fatal("a page without rows")
	}
}
