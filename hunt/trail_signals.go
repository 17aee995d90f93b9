package hunt

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// Signal weights, strongest first: what was given to the guest beats what
// the guest's address looks like, which beats what did not happen.
const (
	weightPrivilegedRole  = 60 // a directory admin role soon after the invite
	weightAdminGroup      = 50 // an admin-named group soon after the invite
	weightLookalikeDomain = 40 // the domain imitates the tenant's or a well-known one
	weightFreeMail        = 30 // anyone can get such an address
	weightNeverRedeemed   = 20 // an invite nobody accepted (spray, or a typo)
	weightNewDomain       = 15 // no one at this domain was invited before
	weightRedeemIPDiffers = 10 // weak: a real partner redeems from its own network
)

// grantSoon is how soon after the invite a role or admin group counts as
// "within hours"; later grants are still trail steps.
const grantSoon = 24 * time.Hour

// trailFacts is what signals are judged against, the same for every trail.
type trailFacts struct {
	tenant    []string         // the tenant's own domains
	firstSeen map[string]int64 // guest domain -> earliest invite to it (ns)
	dataTo    time.Time        // the end of the loaded data
	stale     time.Duration
	lookalike map[string]string // guest domain -> the domain it imitates, ""
}

// signalsOf explains why the trail deserves a look, strongest first.
func signalsOf(t Trail, inviterIP, domain string, f trailFacts) []Signal {
	var out []Signal
	add := func(k SignalKind, w int, format string, args ...any) {
		out = append(out, Signal{Kind: k, Weight: w, Detail: fmt.Sprintf(format, args...)})
	}
	redeemed := false
	role, group := false, false
	for _, s := range t.Steps {
		switch s.Kind {
		case StepRedeem:
			if !redeemed && s.IP != "" && differentNetwork(s.IP, inviterIP) {
				add(SignalRedeemIPDiffers, weightRedeemIPDiffers,
					"redeemed from %s, not the inviter's network (%s)", s.IP, inviterIP)
			}
			redeemed = true
		case StepRole:
			if !role && s.SinceInvite <= grantSoon && isAdminName(s.Detail) {
				role = true
				add(SignalPrivilegedRole, weightPrivilegedRole,
					"given the admin role %q %s after the invite", s.Detail, FormatSpan(s.SinceInvite))
			}
		case StepGroup:
			if !group && s.SinceInvite <= grantSoon && isAdminName(s.Detail) {
				group = true
				add(SignalAdminGroup, weightAdminGroup,
					"added to the admin group %q %s after the invite", s.Detail, FormatSpan(s.SinceInvite))
			}
		}
	}
	// Without the redemptions' operations pulled, "never redeemed" would be
	// a guess from silence.
	if waited := f.dataTo.Sub(t.InvitedAt); !redeemed && waited >= f.stale && t.NotPulled == "" {
		add(SignalNeverRedeemed, weightNeverRedeemed,
			"never redeemed in the %s the data covers after the invite (stale after %s)",
			FormatSpan(waited), FormatTimespan(f.stale))
	}
	if domain != "" {
		if ref := f.lookalike[domain]; ref != "" {
			add(SignalLookalikeDomain, weightLookalikeDomain, "the domain %s looks like %s", domain, ref)
		}
		if IsFreeMail(domain) {
			add(SignalFreeMail, weightFreeMail, "%s is a free mail provider: anyone can get an address there", domain)
		}
		first, seen := f.firstSeen[domain]
		if (!seen || first >= t.InvitedAt.UnixNano()) && !slices.Contains(f.tenant, domain) {
			add(SignalNewDomain, weightNewDomain, "no one at %s was invited before", domain)
		}
	}
	slices.SortStableFunc(out, func(x, y Signal) int { return cmp.Compare(y.Weight, x.Weight) })
	return out
}

// isAdminName tells admin-like role and group names: Global Administrator,
// "Domain Admins", Privileged Role Administrator, Company Administrator.
func isAdminName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "admin") || strings.Contains(n, "privileged") ||
		n == "directory writers" || strings.HasPrefix(n, "partner tier")
}

// differentNetwork compares two addresses by network (IPv4 /24, IPv6 /48),
// so a neighbour in the same office is no difference; unparsable text
// compares as text. An empty inviter address says nothing.
func differentNetwork(a, b string) bool {
	if b == "" {
		return false
	}
	pa, errA := netip.ParseAddr(a)
	pb, errB := netip.ParseAddr(b)
	if errA != nil || errB != nil {
		return !strings.EqualFold(a, b)
	}
	pa, pb = pa.Unmap(), pb.Unmap()
	if pa.Is4() != pb.Is4() {
		return true
	}
	bits := 48
	if pa.Is4() {
		bits = 24
	}
	na, _ := pa.Prefix(bits)
	nb, _ := pb.Prefix(bits)
	return na != nb
}

// domainFirstSeen returns each guest domain's earliest invite in the data.
func (e *Engine) domainFirstSeen(ctx context.Context, c *inviteCache, guests []trailGuest) (map[string]int64, error) {
	var doms []string
	for _, g := range guests {
		if g.domain != "" && !slices.Contains(doms, g.domain) {
			doms = append(doms, g.domain)
		}
	}
	out := map[string]int64{}
	if len(doms) == 0 {
		return out, nil
	}
	param, err := json.Marshal(doms)
	if err != nil {
		return nil, fmt.Errorf("trail: %w", err)
	}
	rows, err := e.store.DB().QueryContext(ctx, domainFirstSeenSQL(c.table), string(param))
	if err != nil {
		return nil, fmt.Errorf("trail: domains: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d string
		var ns int64
		if err := rows.Scan(&d, &ns); err != nil {
			return nil, fmt.Errorf("trail: domains: %w", err)
		}
		out[d] = ns
	}
	return out, rows.Err()
}
