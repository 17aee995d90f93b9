package hunt

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// defaultStale is how long an unredeemed invite may wait before it counts
// as never redeemed, when TrailParams.Stale is 0.
const defaultStale = 7 * 24 * time.Hour

// Trails runs the rule with tp.Params and follows every alert row's guest
// through the loaded data after its invite: redemption, group, role and app
// grants, user-type change, deletion. Guests are matched by identifier only
// (object id, #EXT# UPN, invited e-mail), never by display name. One Trail
// per alert row, in the rule's row order.
func (e *Engine) Trails(ctx context.Context, tp TrailParams) ([]Trail, error) {
	if tp.Stale < 0 {
		return nil, fmt.Errorf("stale %s: want a positive duration", FormatTimespan(tp.Stale))
	}
	release, gateErr := e.gate.enter(ctx)
	if gateErr != nil {
		return nil, gateErr
	}
	defer release()
	var out []Trail
	err := e.withCache(ctx, func(c *inviteCache) error {
		t, err := e.trailsOn(ctx, c, tp)
		out = t
		return err
	})
	return out, err
}

// trailsOn is Trails inside the gate, on one cache.
func (e *Engine) trailsOn(ctx context.Context, c *inviteCache, tp TrailParams) ([]Trail, error) {
	s, err := e.resolve(tp.Params, c)
	if err != nil {
		return nil, err
	}
	alerts, err := e.queryAlerts(ctx, c, s, tp.Params.FoldCase)
	if err != nil {
		return nil, err
	}
	if len(alerts) == 0 {
		return []Trail{}, nil
	}
	guests := make([]trailGuest, len(alerts))
	for i, a := range alerts {
		guests[i] = guestOf(a)
	}
	matches, err := e.trailMatches(ctx, guests)
	if err != nil {
		return nil, err
	}
	recs, err := e.records(ctx, c.generation, uniqueKeys(matches))
	if err != nil {
		return nil, fmt.Errorf("trail: read events: %w", err)
	}
	firstSeen, err := e.domainFirstSeen(ctx, c, guests)
	if err != nil {
		return nil, err
	}
	pulled, err := e.pulledOf(ctx)
	if err != nil {
		return nil, err
	}
	stale := tp.Stale
	if stale == 0 {
		stale = defaultStale
	}
	facts := trailFacts{tenant: tenantDomains(alerts), firstSeen: firstSeen, dataTo: c.dataTo, stale: stale,
		lookalike: map[string]string{}}
	for _, g := range guests { // once per domain: a burst shares a few
		if _, done := facts.lookalike[g.domain]; !done && g.domain != "" {
			facts.lookalike[g.domain] = Lookalike(g.domain, facts.tenant)
		}
	}
	out := make([]Trail, len(alerts))
	for i, a := range alerts {
		steps := []TrailStep{inviteStep(a, guests[i].email)}
		for _, k := range matches[i] {
			if r, ok := recs[k]; ok {
				if st, ok := stepOf(r, a.TimeGenerated); ok {
					steps = append(steps, st)
				}
			}
		}
		sortSteps(steps[1:]) // the invite stays first, even beside a step in its very tick
		out[i] = Trail{Inviter: a.InitiatingUserPrincipalName, Guest: a.TargetUserPrincipalName,
			Email: guests[i].email, InvitedAt: a.TimeGenerated, Steps: steps}
		// The trail reads every event after the invite, to the data's end.
		if x, ok := pulled.notPulled(interval{a.TimeGenerated, pulled.end(c.dataTo, a.TimeGenerated)}); ok {
			out[i].NotPulled, out[i].NotPulledFrom, out[i].NotPulledTo = NotPulledInvites, x.from, x.to
		}
		out[i].Signals = signalsOf(out[i], a.InitiatingIPAddress, guests[i].domain, facts)
	}
	return out, nil
}

// trailGuest is what identifies one alert row's guest.
type trailGuest struct {
	keys   []string // lower-cased object id, #EXT# UPN and e-mail, "" left out
	email  string
	domain string
	since  int64 // the invite's TimeGenerated, epoch ns
}

func guestOf(a Alert) trailGuest {
	email := GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
	g := trailGuest{email: email, domain: GuestDomain(email), since: a.TimeGenerated.UnixNano()}
	for _, k := range []string{a.TargetAadUserId, a.TargetUserPrincipalName, email} {
		// UPNs, addresses and object ids compare case-insensitively in Entra.
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" && !slices.Contains(g.keys, k) {
			g.keys = append(g.keys, k)
		}
	}
	return g
}

// trailMatches returns, per guest index, the keys of the events after its
// invite that name one of its identifiers, in one query for all guests.
func (e *Engine) trailMatches(ctx context.Context, guests []trailGuest) (map[int][]store.RecordKey, error) {
	// The guests travel as three parameters, one list each (guest index,
	// identifier, invite time), zipped by unnest in the SQL: no guest text is
	// spliced into it, and splitting text is far cheaper than parsing JSON.
	var gs, ks, ss []string
	minSince := guests[0].since
	for i, g := range guests {
		minSince = min(minSince, g.since)
		for _, k := range g.keys {
			if strings.ContainsRune(k, keySep) {
				continue // cannot travel in the list; no real identifier holds it
			}
			gs, ks, ss = append(gs, strconv.Itoa(i)), append(ks, k), append(ss, strconv.FormatInt(g.since, 10))
		}
	}
	out := map[int][]store.RecordKey{}
	if len(ks) == 0 {
		return out, nil
	}
	sep := string(keySep)
	q, err := e.store.DB().QueryContext(ctx, trailSQL(), strings.Join(gs, sep), strings.Join(ks, sep),
		strings.Join(ss, sep), minSince)
	if err != nil {
		return nil, fmt.Errorf("trail: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var g int
		var k store.RecordKey
		if err := q.Scan(&g, &k.SourceID, &k.Record); err != nil {
			return nil, fmt.Errorf("trail: %w", err)
		}
		out[g] = append(out[g], k)
	}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("trail: %w", err)
	}
	return out, nil
}

func uniqueKeys(m map[int][]store.RecordKey) []store.RecordKey {
	seen := map[store.RecordKey]bool{}
	var out []store.RecordKey
	for _, ks := range m {
		for _, k := range ks {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// sortSteps orders by time, then event Id, so equal-time steps never swap.
func sortSteps(steps []TrailStep) {
	slices.SortStableFunc(steps, func(x, y TrailStep) int {
		if c := x.Time.Compare(y.Time); c != 0 {
			return c
		}
		return strings.Compare(x.EventID, y.EventID)
	})
}
