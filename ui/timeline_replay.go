package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// The root's side of the timeline (issue 12): it asks for replays, keeps the
// last one and what it was asked for, and tells open pages when a new one is
// on its way. A replay is expensive (one run a day), so it is asked for only
// once the timeline was opened, and again only when the rule's parameters
// leave the schedule the last one covers.

// ReplayFunc replays the rule day by day (hunt.Engine.Replay).
type ReplayFunc func(ctx context.Context, rp hunt.ReplayParams) (*hunt.Replay, error)

// replayMsg is a replay's answer to request seq, asked for rp.
type replayMsg struct {
	seq int
	rp  hunt.ReplayParams
	rep *hunt.Replay
	err error
}

// replayAskedMsg tells pages that request seq for rp is now the latest.
type replayAskedMsg struct {
	seq int
	rp  hunt.ReplayParams
}

// timelinePickMsg is enter on a day of the timeline: open the main page at
// that run's as-of.
type timelinePickMsg struct{ asOf time.Time }

// replayState is the last replay and the request in flight.
type replayState struct {
	last    *hunt.Replay
	lastFor hunt.ReplayParams // what last answered
	askFor  hunt.ReplayParams // the latest request
	seq     int               // its sequence number; 0 before the first
	busy    bool
	cancel  context.CancelFunc
}

func replayCmd(ctx context.Context, f ReplayFunc, seq int, rp hunt.ReplayParams) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return replayMsg{seq: seq, rp: rp, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		rep, err := f(ctx, rp)
		return replayMsg{seq: seq, rp: rp, rep: rep, err: err}
	}
}

// replayParams is what the timeline asks for at p: daily runs. When p's
// as-of is one of the last replay's runs (enter on a day, [ and ]), the
// schedule keeps the last replay's anchor, so the days and their runs stay
// put and the replay is not recomputed for a move along it.
func (m Model) replayParams(p hunt.Params) hunt.ReplayParams {
	rp := hunt.ReplayParams{Params: p, Every: day}
	if r := m.replay.last; r != nil && onSchedule(r, p.AsOf) {
		rp.Params.AsOf = m.replay.lastFor.Params.AsOf
	}
	return rp
}

// onSchedule reports whether as-of a is a run of r.
func onSchedule(r *hunt.Replay, a hunt.AsOf) bool {
	if a.Mode != hunt.AsOfFixed {
		return false
	}
	for _, run := range r.Runs {
		if run.AsOf.Equal(a.At) {
			return true
		}
	}
	return false
}

// askReplay requests the replay for rp unless the last one or the one in
// flight is for rp already.
func (m Model) askReplay(rp hunt.ReplayParams) (Model, tea.Cmd) {
	if m.deps.Replay == nil || m.replay.last != nil && m.replay.lastFor == rp || m.replay.busy && m.replay.askFor == rp {
		return m, nil
	}
	m.replay.seq, m.replay.askFor, m.replay.busy = m.req.next(), rp, true
	ctx := swap(m.deps.Context, &m.replay.cancel)
	cmd := replayCmd(ctx, m.deps.Replay, m.replay.seq, rp)
	m, tell := m.deliver(replayAskedMsg{seq: m.replay.seq, rp: rp})
	return m, tea.Batch(cmd, tell)
}

// followReplay keeps the replay in step with the parameters once the
// timeline has been opened: in the background, for the page when it is
// open and for the next T and the First fired column when not.
func (m Model) followReplay() (Model, tea.Cmd) {
	if m.replay.seq == 0 {
		return m, nil
	}
	return m.askReplay(m.replayParams(m.params))
}

// openTimeline opens the timeline for the current parameters, with the
// last replay at once when it is still right, and asks for it otherwise.
func (m Model) openTimeline() (tea.Model, tea.Cmd) {
	if m.deps.Replay == nil {
		m.say("the timeline is not available in this build (no replay engine)", true)
		return m, nil
	}
	rp := m.replayParams(m.params)
	m, cmd := m.askReplay(rp)
	p := newTimelinePage(rp, m.replay, m.resolvedAsOf())
	return m.openPage(p), cmd
}

// onReplay keeps the latest answer and hands it to the pages.
func (m Model) onReplay(msg replayMsg) (tea.Model, tea.Cmd) {
	if msg.seq == m.replay.seq {
		m.replay.busy = false
		if msg.err != nil {
			m.say("replay failed: "+msg.err.Error()+" (T again retries)", true)
		} else if msg.rep != nil {
			m.replay.last, m.replay.lastFor = msg.rep, msg.rp
			m.refire()
		}
	}
	return m.deliver(msg)
}

// onTimelinePick closes the timeline and re-runs the rule at the day's
// run, as any other parameter change.
func (m Model) onTimelinePick(msg timelinePickMsg) (tea.Model, tea.Cmd) {
	if m.onPage(pageTimeline) {
		m = m.closePage()
	}
	p := m.params
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: msg.asOf}
	return m.changeParams(p, nil)
}

// firstFired is when each inviter first fired, from the last replay, when
// that replay ran the rule the main page runs (its as-of aside); nil
// otherwise, so the column never shows another rule's answer.
func (m Model) firstFired() map[string]time.Time {
	r := m.replay.last
	if r == nil {
		return nil
	}
	a, b := m.replay.lastFor.Params, m.params
	if a.Baseline != b.Baseline || a.Window != b.Window || a.FoldCase != b.FoldCase {
		return nil
	}
	return r.FirstFired
}

// refire shows the First fired column for the current replay and rule. The
// rows stay as they are (cursor, guests pane) unless that column orders them.
func (m *Model) refire() {
	if m.sortCol == colFirstFired {
		m.refilter()
		return
	}
	m.rows = m.rows.withFired(m.firstFired(), m.sortCol, m.sortDesc)
	m.inviters.SetSource(m.rows)
}
