package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// timelinePage is the rule day by day (issue 12): per day the invites and
// the alerts as bars, a cursor on a day, that day's run below. It shows
// the replay for the parameters it was asked for; when those change (the
// parameter keys pass through to the main page) the root asks again and
// the page keeps drawing the older replay, marked stale, until the new one
// is in.
type timelinePage struct {
	want   hunt.ReplayParams // what the page should show
	rep    *hunt.Replay      // what it shows; nil before the first answer
	repFor hunt.ReplayParams // what rep was asked for
	seq    int               // the request awaited; 0: none
	err    string
	cursor int       // index into rep.Days
	at     time.Time // the day to put the cursor on when the replay comes
}

// newTimelinePage shows what the root has: the last replay at once, and
// the request in flight when it is for want.
func newTimelinePage(want hunt.ReplayParams, rs replayState, asOf time.Time) timelinePage {
	p := timelinePage{want: want, at: asOf}
	if rs.busy && rs.askFor == want {
		p.seq = rs.seq
	}
	if rs.last != nil {
		p = p.show(rs.last, rs.lastFor)
	}
	return p
}

// show takes a replay, keeping the cursor on the same day when it is there.
func (p timelinePage) show(r *hunt.Replay, rp hunt.ReplayParams) timelinePage {
	if p.rep != nil && p.cursor < len(p.rep.Days) {
		p.at = p.rep.Days[p.cursor].Day
	}
	p.rep, p.repFor = r, rp
	p.cursor = max(len(r.Days)-1, 0)
	if !p.at.IsZero() {
		d := p.at.UTC().Truncate(day)
		for i, x := range r.Days {
			if x.Day.Equal(d) {
				p.cursor = i
			}
		}
	}
	return p
}

func (p timelinePage) Kind() pageKind { return pageTimeline }

func (p timelinePage) waiting() bool { return p.seq > 0 }

// stale: the replay shown was asked for other parameters than the page's.
func (p timelinePage) stale() bool { return p.rep != nil && p.repFor != p.want }

func (p timelinePage) Resize(pageEnv) Page { return p }

func (p timelinePage) Update(env pageEnv, msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case replayAskedMsg:
		p.want, p.seq, p.err = msg.rp, msg.seq, ""
	case replayMsg:
		if msg.seq != p.seq {
			return p, nil // an older request's
		}
		p.seq = 0
		if msg.err != nil {
			p.err = msg.err.Error()
			return p, nil
		}
		if msg.rep != nil {
			p = p.show(msg.rep, msg.rp)
		}
	case tea.KeyPressMsg:
		return p.onKey(env, msg)
	}
	return p, nil
}

func (p timelinePage) onKey(env pageEnv, msg tea.KeyPressMsg) (Page, tea.Cmd) {
	if p.rep == nil || len(p.rep.Days) == 0 {
		return p, nil
	}
	k := env.keys
	if c, moved := moveCursor(msg, k.Left, k.Right, k, p.cursor, len(p.rep.Days)-1); moved {
		p.cursor = c
		return p, nil
	}
	switch {
	case key.Matches(msg, timelineOpen()):
		run, ok := runOn(p.rep, p.rep.Days[p.cursor].Day)
		if !ok {
			return p, sayCmd("no run on this day: its baseline reaches before the data", true)
		}
		if p.stale() {
			return p, sayCmd("the timeline is still for the earlier parameters: wait for the replay", true)
		}
		return p, func() tea.Msg { return timelinePickMsg{asOf: run.AsOf} }
	}
	return p, nil
}

// timelineOpen is enter on the timeline: its meaning differs from the main
// page's enter (event detail), so it has its own help.
func timelineOpen() key.Binding {
	return bind("enter", "open the main page at this day's run", "enter")
}

// timelineParamKeys are the main page's parameter keys that work on the
// timeline too: the root hands them to the main page and the timeline
// follows in the background.
func timelineParamKeys(k KeyMap) []key.Binding {
	return []key.Binding{k.BaselineUp, k.BaselineDown, k.BaselineWeekUp, k.BaselineWeekDown, k.Baseline, k.Window, k.FoldCase}
}

func (p timelinePage) Sections(k KeyMap) []HelpSection {
	params := []HelpEntry{}
	for _, b := range timelineParamKeys(k) {
		params = append(params, HelpEntry{Binding: b})
	}
	params[0].Hint, params[1].Hint = "baseline+1d", "baseline-1d"
	return []HelpSection{
		{Title: "Timeline", Entries: []HelpEntry{
			{Binding: bind("←/h", "previous day", "left", "h")}, {Binding: bind("→/l", "next day", "right", "l"), Hint: "day"},
			{Binding: bind("g/home", "first day", "g", "home")}, {Binding: bind("G/end", "last day", "G", "end")},
			{Binding: timelineOpen(), Hint: "open at this run"},
			{Binding: k.Close, Hint: "back"}, {Binding: k.Help, Hint: "help"}, {Binding: k.ForceQuit},
		}},
		// The parameter keys change the main page's rule; the timeline is
		// replayed for it in the background and says so until it is in.
		{Title: "Parameters (main page; the timeline follows)", Entries: params},
	}
}

func (p timelinePage) Status() StatusInfo {
	n := 0
	if p.rep != nil {
		n = len(p.rep.Days)
	}
	return StatusInfo{Row: p.cursor + 1, Rows: n, Querying: p.waiting(), Unit: "day"}
}

// runOn is the run whose as-of falls on day d (the last, if several).
func runOn(r *hunt.Replay, d time.Time) (hunt.ReplayRun, bool) {
	var out hunt.ReplayRun
	ok := false
	for _, run := range r.Runs {
		if run.AsOf.UTC().Truncate(day).Equal(d) {
			out, ok = run, true
		}
	}
	return out, ok
}
