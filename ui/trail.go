package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// The root's side of the guest trails (issue 13): whenever a rule result
// arrives the trails of its flagged inviters' guests are asked for in the
// background (they feed the Signal columns, so they are wanted before the
// page is opened), kept keyed by (inviter, guest), and handed to the pages.

// TrailsFunc follows the flagged inviters' guests (hunt.Engine.Trails).
type TrailsFunc func(ctx context.Context, tp hunt.TrailParams) ([]hunt.Trail, error)

// trailsMsg is the trails' answer to request seq, asked for tp.
type trailsMsg struct {
	seq    int
	tp     hunt.TrailParams
	trails []hunt.Trail
	err    error
}

// trailsAskedMsg tells pages that request seq for p is now the latest.
type trailsAskedMsg struct {
	seq int
	p   hunt.Params
}

// trailKey names one guest of one inviter: the same guest may be invited by
// two inviters, and each invite has its own trail.
type trailKey struct{ inviter, guest string }

// trailState is the last trails and the request in flight.
type trailState struct {
	by map[trailKey]hunt.Trail // replaced, never changed in place
	// The cells, built once an answer: the panes redraw them on every key
	// (a cursor move, a filter keystroke) and must not walk every trail.
	inviterSig map[string]signalCell        // inviter -> strongest guest signal
	guestSig   map[string]map[string]string // inviter -> guest -> its signals
	forP       hunt.Params                  // what by answers
	askFor     hunt.Params                  // the latest request
	seq        int                          // its sequence number; 0 before the first
	busy       bool
	err        string // the latest request's failure; "" when it did not fail
	cancel     context.CancelFunc
}

func trailsCmd(ctx context.Context, f TrailsFunc, seq int, tp hunt.TrailParams) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return trailsMsg{seq: seq, tp: tp, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		trails, err := f(ctx, tp)
		return trailsMsg{seq: seq, tp: tp, trails: trails, err: err}
	}
}

// askTrails requests the trails for p, superseding any request in flight.
func (m Model) askTrails(p hunt.Params) (Model, tea.Cmd) {
	if m.deps.Trails == nil {
		return m, nil
	}
	m.trails.seq, m.trails.askFor, m.trails.busy, m.trails.err = m.req.next(), p, true, ""
	ctx := swap(m.deps.Context, &m.trails.cancel)
	cmd := trailsCmd(ctx, m.deps.Trails, m.trails.seq, hunt.TrailParams{Params: p})
	m, tell := m.deliver(trailsAskedMsg{seq: m.trails.seq, p: p})
	return m, tea.Batch(cmd, tell)
}

// onTrails keeps the latest answer, fills the Signal columns and hands it to
// the pages; an older request's answer only reaches the pages, which drop it.
func (m Model) onTrails(msg trailsMsg) (tea.Model, tea.Cmd) {
	if msg.seq == m.trails.seq {
		m.trails.busy = false
		if msg.err != nil {
			m.trails.err = msg.err.Error()
			m.say("trails failed: "+msg.err.Error()+" (R retries)", true)
		} else {
			by := make(map[trailKey]hunt.Trail, len(msg.trails))
			for _, t := range msg.trails {
				by[trailKey{t.Inviter, t.Guest}] = t
			}
			m.trails.by, m.trails.forP = by, msg.tp.Params
			m.trails.inviterSig, m.trails.guestSig = inviterSignals(by), guestSignalCells(by)
			m.resignal()
		}
	}
	return m.deliver(msg)
}

// retryTrails is R on the trail page: the trails again, for the same rule.
func (m Model) retryTrails() (tea.Model, tea.Cmd) {
	if m.deps.Trails == nil {
		return m, nil
	}
	m.say("following the guests again…", false)
	return m.askTrails(m.params)
}

// trailFor is the kept trail of guest invited by inviter.
func (m Model) trailFor(inviter, guest string) (hunt.Trail, bool) {
	t, ok := m.trails.by[trailKey{inviter, guest}]
	return t, ok
}

// openTrail is F: the selected guest's trail; on the inviters pane, the
// trail of the inviter's guest with the strongest signal (the one its
// Signal cell names; the first invited when none has a signal).
func (m Model) openTrail() (tea.Model, tea.Cmd) {
	if m.deps.Trails == nil {
		m.say("guest trails are not available in this build (no trail engine)", true)
		return m, nil
	}
	inviter, guest := m.selected, ""
	if m.focus == paneGuests {
		if rows := m.guestAlerts(); m.guests.Cursor() < len(rows) {
			guest = rows[m.guests.Cursor()].TargetUserPrincipalName
		}
	} else {
		guest = m.strongestGuest(inviter)
	}
	if inviter == "" || guest == "" {
		m.say("no guest selected", true)
		return m, nil
	}
	p := newTrailPage(trailKey{inviter, guest}, m.params, m.trails, m.res)
	return m.openPage(p), nil
}

// strongestGuest is the guest of inviter whose signal is the strongest, or
// the first invited.
func (m Model) strongestGuest(inviter string) string {
	rows := sortedByTime(m.byUPN[inviter])
	best, bestW := "", -1
	for _, a := range rows {
		w := -1 // a guest without signals loses to any with one
		if t, ok := m.trailFor(inviter, a.TargetUserPrincipalName); ok {
			if s, ok := strongest(t.Signals); ok {
				w = s.Weight
			}
		}
		if best == "" || w > bestW {
			best, bestW = a.TargetUserPrincipalName, w
		}
	}
	return best
}
