package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// filteredUPNs filters both ways, column by column and through the
// per-result index the workbench uses, and insists they agree.
func filteredUPNs(all []hunt.InviterSummary, filter string, tv triageView) []string {
	upns := func(r inviterRows) []string {
		var out []string
		for i := range r.Len() {
			s, _ := r.at(i)
			out = append(out, s.UPN)
		}
		return out
	}
	out := upns(newInviterRows(all, filter, -1, false, tv))
	if indexed := upns(newInviterRowsIndexed(all, inviterHaystacks(all), filter, -1, false, tv)); !slices.Equal(indexed, out) {
		panic("indexed filter " + filter + " disagrees: " + strings.Join(indexed, ",") + " vs " + strings.Join(out, ","))
	}
	return out
}

func TestInviterFilterMatchesEveryColumn(t *testing.T) {
	res := evidenceResult()
	bob, carol := "bob@northwindtraders.example", "carol@northwindtraders.example"
	tv := triageView{saved: map[store.Subject]store.Triage{
		inviterSubject(carol): {Verdict: store.VerdictMalicious, Note: "phish"},
	}}
	cases := []struct {
		filter string
		want   []string
	}{
		{"", []string{longUPN, bob, carol}},
		{"ADELE", []string{longUPN}},             // case-insensitive
		{sharedIP, []string{longUPN, bob}},       // an IP, even when not first in the list
		{"2001:DB8:85a3", []string{longUPN}},     // the second IP of the list
		{"secure-login", []string{longUPN, bob}}, // a guest domain
		{"proton.me", []string{carol}},           //
		{"malicious", []string{carol}},           // the verdict, as the picker names it
		{"mal ✎", []string{carol}},               // as the cell draws it
		{tableTime(tEarlier), []string{longUPN}}, // latest earlier invite
		{"never", []string{bob, carol}},          //
		{"2026-10-31 12:01", []string{longUPN}},  // last invite
		{"nothing-like-this", nil},               //
	}
	for _, c := range cases {
		if got := filteredUPNs(res.Inviters, c.filter, tv); !slices.Equal(got, c.want) {
			t.Errorf("filter %q: %v, want %v", c.filter, got, c.want)
		}
	}
}

func TestFilterMatchesRawAndDrawnText(t *testing.T) {
	all := []hunt.InviterSummary{{UPN: "ad\u200bmin@contoso.com"}, {UPN: "admin@contoso.com"}}
	for filter, want := range map[string][]string{
		"ad\u200bm": {"ad\u200bmin@contoso.com"}, // typed or pasted raw
		"‹zwsp›":    {"ad\u200bmin@contoso.com"}, // typed as drawn
		"admin@":    {"admin@contoso.com"},       // the hidden rune is evidence: no match
	} {
		if got := filteredUPNs(all, filter, triageView{}); !slices.Equal(got, want) {
			t.Errorf("filter %q: %q, want %q", filter, got, want)
		}
	}
}

func TestGuestFilter(t *testing.T) {
	rows := guestRows(evidenceResult().Rows)
	for filter, want := range map[string]int{
		"":               4,
		"secure-login":   3, // guest domain
		"PAYROLL@":       1, // invited e-mail, any case
		"#ext#":          4, // guest UPN
		ipv6:             1, // source IP
		"198.51.100":     1,
		"6d9a1391":       4, // object id
		"success":        4, // result
		"12:03:00":       1, // time
		"no such guest!": 0,
	} {
		if got := newGuestRows(rows, filter, triageView{}).Len(); got != want {
			t.Errorf("guest filter %q: %d rows, want %d", filter, got, want)
		}
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		s, sub string
		want   bool
	}{
		{"Alice@Contoso.com", "contoso", true}, {"abc", "abcd", false}, {"abc", "", true},
		{"ZOË@x", "zoë", true}, {"山田", "田", true}, {"x", "y", false},
	} {
		if got := containsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.s, c.sub, got)
		}
	}
}
