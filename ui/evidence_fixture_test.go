package ui

import (
	"encoding/json"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// Realistic evidence for the layout, filter, pivot and row-page tests: a
// lookalike domain, long UPNs, IPv6.
const (
	lookalike = "northwindtraders-secure-login.example.com"
	longUPN   = "adele.vance-contractor@northwindtraders.example"
	ipv6      = "2001:db8:85a3::8a2e:370:7334"
	sharedIP  = "203.0.113.9"
)

var tEarlier = time.Date(2026, 10, 16, 7, 42, 11, 0, time.UTC)

// evidenceKeys is the table keymap with the column keys the root keymap
// will map (h/← and l/→).
func evidenceKeys() table.KeyMap {
	k := NewKeyMap().Table()
	k.Left = key.NewBinding(key.WithKeys("left", "h"))
	k.Right = key.NewBinding(key.WithKeys("right", "l"))
	return k
}

// guestAlert is one invite of guest (an address) by inviter from ip.
func guestAlert(inviter, guest, ip string, at time.Time) hunt.Alert {
	upn := guestUPN(guest)
	details, _ := json.Marshal([]map[string]string{{"key": "invitedUserEmailAddress", "value": guest}})
	return hunt.Alert{
		Record: data.Record{
			TimeGenerated: at, OperationName: "Invite external user", Result: "success",
			AdditionalDetails: details,
		},
		TargetUserPrincipalName: upn, TargetAadUserId: "6d9a1391-79c4-4f0e-9b7a-2f1d3c4b5a69",
		InitiatingUserPrincipalName: inviter, InitiatingIPAddress: ip,
	}
}

// guestUPN is how Entra spells a guest's UPN: the address's @ as _, #EXT#.
func guestUPN(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[:i] + "_" + addr[i+1:] + "#EXT#@northwindtraders.onmicrosoft.com"
		}
	}
	return addr
}

// evidenceResult: the long-UPN inviter shares sharedIP with bob and invited
// two guests at the lookalike domain; bob invited one there too; carol is
// on her own IPv4.
func evidenceResult() *hunt.Result {
	rows := []hunt.Alert{
		guestAlert(longUPN, "it-support@"+lookalike, ipv6, t0),
		guestAlert(longUPN, "payroll@"+lookalike, sharedIP, t0.Add(time.Minute)),
		guestAlert("bob@northwindtraders.example", "hr@"+lookalike, sharedIP, t0.Add(2*time.Minute)),
		guestAlert("carol@northwindtraders.example", "lena@proton.me", "198.51.100.24", t0.Add(3*time.Minute)),
	}
	res := &hunt.Result{AsOf: t0, Rows: rows}
	res.Inviters = []hunt.InviterSummary{
		{
			UPN: longUPN, Invites: 2, DistinctGuests: 2, SourceIPs: []string{sharedIP, ipv6},
			FirstInvite: t0, LastInvite: t0.Add(time.Minute), LatestEarlierInvite: tEarlier, HasEarlierInvite: true,
			Guests: []string{"it-support@" + lookalike, "payroll@" + lookalike}, GuestDomains: []string{lookalike},
		},
		{
			UPN: "bob@northwindtraders.example", Invites: 1, DistinctGuests: 1, SourceIPs: []string{sharedIP},
			FirstInvite: t0.Add(2 * time.Minute), LastInvite: t0.Add(2 * time.Minute),
			Guests: []string{"hr@" + lookalike}, GuestDomains: []string{lookalike},
		},
		{
			UPN: "carol@northwindtraders.example", Invites: 1, DistinctGuests: 1, SourceIPs: []string{"198.51.100.24"},
			FirstInvite: t0.Add(3 * time.Minute), LastInvite: t0.Add(3 * time.Minute),
			Guests: []string{"lena@proton.me"}, GuestDomains: []string{"proton.me"},
		},
	}
	return res
}
