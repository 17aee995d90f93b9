package ui

import (
	"slices"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

func pivotUPNs(s []hunt.InviterSummary) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.UPN)
	}
	return out
}

func TestPivotFromCells(t *testing.T) {
	res := evidenceResult()
	adele := res.Inviters[0]
	for col, want := range map[int]Pivot{
		colSourceIPs:    {PivotSourceIP, sharedIP}, // the item drawn first
		colGuestDomains: {PivotGuestDomain, lookalike},
	} {
		if got, ok := inviterPivot(adele, col); !ok || got != want {
			t.Errorf("inviter col %d: %v %v, want %v", col, got, ok, want)
		}
	}
	if _, ok := inviterPivot(adele, colInvites); ok {
		t.Error("a count gave a pivot")
	}
	a := res.Rows[0]
	for col, want := range map[int]Pivot{
		gcolGuestUPN: {PivotGuest, "it-support@" + lookalike},
		gcolEmail:    {PivotGuest, "it-support@" + lookalike},
		gcolDomain:   {PivotGuestDomain, lookalike},
		gcolSourceIP: {PivotSourceIP, ipv6},
	} {
		if got, ok := guestPivot(a, col); !ok || got != want {
			t.Errorf("guest col %d: %v %v, want %v", col, got, ok, want)
		}
	}
	if _, ok := guestPivot(a, gcolTime); ok {
		t.Error("a time gave a pivot")
	}
	a.InitiatingIPAddress = ""
	if _, ok := guestPivot(a, gcolSourceIP); ok {
		t.Error("an empty IP gave a pivot")
	}
}

func TestPivotData(t *testing.T) {
	res := evidenceResult()
	bob := "bob@northwindtraders.example"
	cases := []struct {
		p        Pivot
		inviters []string
		alerts   int
		guests   []string
	}{
		{Pivot{PivotSourceIP, sharedIP}, []string{longUPN, bob}, 2, []string{"hr@" + lookalike, "payroll@" + lookalike}},
		// Another spelling of the same IPv6 address.
		{Pivot{PivotSourceIP, "2001:DB8:85A3:0::8A2E:370:7334"}, []string{longUPN}, 1, []string{"it-support@" + lookalike}},
		{Pivot{PivotGuestDomain, "NorthwindTraders-Secure-Login.example.com"}, []string{longUPN, bob}, 3,
			[]string{"hr@" + lookalike, "it-support@" + lookalike, "payroll@" + lookalike}},
		{Pivot{PivotGuest, "lena@proton.me"}, []string{"carol@northwindtraders.example"}, 1, []string{"lena@proton.me"}},
		{Pivot{PivotSourceIP, "192.0.2.1"}, nil, 0, nil},
	}
	for _, c := range cases {
		got := pivotData(res, c.p)
		if !slices.Equal(pivotUPNs(got.Inviters), c.inviters) || len(got.Alerts) != c.alerts || !slices.Equal(got.Guests, c.guests) {
			t.Errorf("%v: inviters %v, %d alerts, guests %v; want %v, %d, %v",
				c.p, pivotUPNs(got.Inviters), len(got.Alerts), got.Guests, c.inviters, c.alerts, c.guests)
		}
		if !slices.IsSortedFunc(got.Alerts, func(a, b hunt.Alert) int { return a.TimeGenerated.Compare(b.TimeGenerated) }) {
			t.Errorf("%v: alerts not oldest first", c.p)
		}
	}
	if got := pivotData(nil, cases[0].p); got.Inviters != nil || got.Alerts != nil {
		t.Error("no result gave rows")
	}
}

func TestPivotUnderTheCursors(t *testing.T) {
	p := hunt.DefaultParams()
	res := evidenceResult()
	res.Params = p
	m, _ := send(t, New(Deps{Params: p}), tea.WindowSizeMsg{Width: 120, Height: 36}, runMsg{seq: 1, params: p, res: res})
	if _, ok := m.pivotFor(paneInviters); ok {
		t.Fatal("the inviter UPN gave a pivot")
	}
	m.inviters.SetSelectedColumn(colSourceIPs)
	if got, ok := m.pivotFor(paneInviters); !ok || got != (Pivot{PivotSourceIP, sharedIP}) {
		t.Fatalf("inviters pane: %v %v", got, ok)
	}
	m.guests.SetSelectedColumn(gcolDomain)
	if got, ok := m.pivotFor(paneGuests); !ok || got != (Pivot{PivotGuestDomain, lookalike}) {
		t.Fatalf("guests pane: %v %v", got, ok)
	}
}
