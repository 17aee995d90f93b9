package scenario

import (
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
)

// Addresses and agents the planted activity uses. 203.0.113.0/24 and
// 100.64.0.0/10 are documentation and carrier-grade NAT ranges, so no real
// network is named.
const (
	linuxFirefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	graphPS      = "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.6"
	mobileSafari = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	blockedByCTA = "Invitations to the domain are blocked by your organization's cross-tenant access settings."
)

// guestUPN is the UPN Entra gives an invited guest in this tenant.
func guestUPN(email string) string {
	return strings.ReplaceAll(email, "@", "_") + "#EXT#@" + demo.TenantDomain
}

// burst invites guests one after another from the same place, step apart,
// and returns the invites' Ids.
func (p *plan) burst(at time.Time, by demo.Person, ip, agent string, step time.Duration, guests [][2]string) []demo.Invited {
	var out []demo.Invited
	for _, g := range guests {
		out = append(out, p.b.Invite(demo.Invite{At: at, By: by, IP: ip, UserAgent: agent, GuestEmail: g[0], GuestName: g[1]}))
		at = at.Add(step + time.Duration(p.b.Rand().Int64N(int64(step/2))))
	}
	return out
}

// known gives the partner manager an invite three days ago and one in the
// window, so she is in the baseline for every seed: a known inviter.
func (p *plan) known() demo.Person {
	priya := p.b.Regulars()[0]
	office := p.b.OfficeIPs()[0]
	p.b.Invite(demo.Invite{At: p.ago(3*day + 2*time.Hour), By: priya, IP: office, Sponsor: true, Redeem: true})
	p.b.Invite(demo.Invite{At: p.ago(6 * time.Hour), By: priya, IP: office, Sponsor: true})
	return priya
}

// title capitalises an ASCII name.
func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
