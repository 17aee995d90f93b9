package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/hunt"
)

// trailPage is one guest's trail (issue 13): what the guest did and was
// given after the invite, a step a line, then its signals in plain words.
// The trails are the root's (asked for with every rule result); the page
// keeps the one for its guest, and while a newer request is out it draws
// the older trail marked stale.
type trailPage struct {
	key     trailKey
	want    hunt.Params // the rule the page follows
	trail   *hunt.Trail // nil before an answer holding this guest
	forP    hunt.Params // what trail was answered for
	seq     int         // the request awaited; 0: none
	err     string
	missing bool // the latest answer has no trail for this guest
	cursor  int  // index into trail.Steps
	// alerts are the inviter's alert rows by event Id: a step that is one of
	// them opens the event detail (which needs the record's place in the
	// loaded file, which only the alert rows carry).
	alerts map[string]hunt.Alert
}

// trailPivotMsg is enter on a step: open its event.
type trailPivotMsg struct {
	key   trailKey
	step  hunt.TrailStep
	alert hunt.Alert
	isRow bool // alert is the step's event (an alert row of the result)
}

// newTrailPage shows what the root has for k: the kept trail at once, and
// the request in flight.
func newTrailPage(k trailKey, want hunt.Params, ts trailState, res *hunt.Result) trailPage {
	p := trailPage{key: k, want: want, alerts: map[string]hunt.Alert{}}
	if res != nil {
		for _, a := range res.Rows {
			if a.InitiatingUserPrincipalName == k.inviter && a.Id != "" {
				p.alerts[a.Id] = a
			}
		}
	}
	if t, ok := ts.by[k]; ok {
		p.trail, p.forP = &t, ts.forP
	}
	switch {
	case ts.busy:
		p.seq = ts.seq
	case ts.err != "":
		p.err = ts.err
	case p.trail == nil:
		p.missing = true
	}
	return p
}

func (p trailPage) Kind() pageKind { return pageTrail }

// clipboard: y copies the guest's UPN, what the analyst searches for next
// (a step's event Id is copied from its own page).
func (p trailPage) clipboard() *clipText { return clipOf("the guest UPN", p.key.guest) }

func (p trailPage) waiting() bool { return p.seq > 0 }

// stale: the trail shown was followed for other parameters than the page's.
func (p trailPage) stale() bool { return p.trail != nil && p.forP != p.want }

func (p trailPage) Resize(pageEnv) Page { return p }

func (p trailPage) Update(env pageEnv, msg tea.Msg) (Page, tea.Cmd) {
	switch msg := msg.(type) {
	case trailsAskedMsg:
		p.want, p.seq, p.err = msg.p, msg.seq, ""
	case trailsMsg:
		if msg.seq != p.seq {
			return p, nil // an older request's
		}
		p.seq = 0
		if msg.err != nil {
			p.err = msg.err.Error()
			return p, nil
		}
		p.missing = true
		for _, t := range msg.trails {
			if (trailKey{t.Inviter, t.Guest}) == p.key {
				p.trail, p.forP, p.missing = &t, msg.tp.Params, false
				p.cursor = min(p.cursor, max(len(t.Steps)-1, 0))
				break
			}
		}
	case tea.KeyPressMsg:
		return p.onKey(env, msg)
	}
	return p, nil
}

func (p trailPage) onKey(env pageEnv, msg tea.KeyPressMsg) (Page, tea.Cmd) {
	if p.trail == nil || len(p.trail.Steps) == 0 {
		return p, nil
	}
	k := env.keys
	if c, moved := moveCursor(msg, k.Up, k.Down, k, p.cursor, len(p.trail.Steps)-1); moved {
		p.cursor = c
		return p, nil
	}
	switch {
	case key.Matches(msg, trailOpen()):
		st := p.trail.Steps[p.cursor]
		a, isRow := p.alerts[st.EventID]
		if st.EventID == "" {
			isRow = false
		}
		out := trailPivotMsg{key: p.key, step: st, alert: a, isRow: isRow}
		return p, func() tea.Msg { return out }
	}
	return p, nil
}

// trailOpen is enter on a step: its event.
func trailOpen() key.Binding {
	return bind("enter", "the step's event (detail, or its fields)", "enter")
}

func (p trailPage) Sections(k KeyMap) []HelpSection {
	return []HelpSection{{Title: "Guest trail", Entries: []HelpEntry{
		{Binding: bind("↑/k", "previous step", "up", "k")}, {Binding: bind("↓/j", "next step", "down", "j"), Hint: "step"},
		{Binding: bind("g/home", "first step", "g", "home")}, {Binding: bind("G/end", "last step", "G", "end")},
		{Binding: trailOpen(), Hint: "event"},
		{Binding: bind("R", "follow the guests again", "R"), Hint: "retry"},
		{Binding: k.Copy, Hint: "copy"},
		{Binding: k.Close, Hint: "back"}, {Binding: k.Help, Hint: "help"}, {Binding: k.ForceQuit},
	}}}
}

func (p trailPage) Status() StatusInfo {
	n := 0
	if p.trail != nil {
		n = len(p.trail.Steps)
	}
	return StatusInfo{Row: p.cursor + 1, Rows: n, Querying: p.waiting(), Unit: "step"}
}
