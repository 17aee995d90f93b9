package ui

import (
	"context"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/triage"
)

// The live feed: changes other sessions of this process commit (guesthunt
// serve shares one triage.Store) appear without waiting for a re-run. It is
// optional: a store without Subscribe, or a process that only re-reads
// after each run, still sees other processes' verdicts on the next re-read.
//
// Wiring (ui/app.go): add m.triageFeed() to Init's batch, and in Update
//
//	case triageFeedMsg:
//		return m.onTriageFeed(msg)

// TriageFeed is a TriageStore that can deliver committed changes
// (triage.Store can).
type TriageFeed interface {
	Subscribe(ctx context.Context) (<-chan triage.Change, func())
}

// triageFeedMsg is the feed's channel once subscribed, then each change it
// delivers; closed says the feed ended (context done, or this session fell
// too far behind and must re-read).
type triageFeedMsg struct {
	ch     <-chan triage.Change
	change triage.Change
	closed bool
	first  bool // the subscription itself, no change yet
}

// triageFeed subscribes in the background; nil when the store has no feed.
// The subscription ends with the session's context.
func (m Model) triageFeed() tea.Cmd {
	feed, ok := m.deps.Triage.(TriageFeed)
	if !ok {
		return nil
	}
	ctx := m.deps.Context
	if ctx == nil {
		ctx = context.Background()
	}
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(error) tea.Msg { return nil })
		ch, _ := feed.Subscribe(ctx) // cancelled by ctx's end
		return triageFeedMsg{ch: ch, first: true}
	}
}

func listenTriageCmd(ch <-chan triage.Change) tea.Cmd {
	return func() tea.Msg {
		c, ok := <-ch
		return triageFeedMsg{ch: ch, change: c, closed: !ok}
	}
}

// onTriageFeed applies a change (the newer state wins, by Seq) and listens
// for the next. A closed feed is re-read in full and subscribed again,
// unless the session is ending.
func (m Model) onTriageFeed(msg triageFeedMsg) (Model, tea.Cmd) {
	switch {
	case msg.first:
		return m, listenTriageCmd(msg.ch)
	case msg.closed:
		if m.deps.Context != nil && m.deps.Context.Err() != nil {
			return m, nil
		}
		reread := m.fetchTriages() // before m is returned: it numbers the read
		return m, tea.Batch(reread, m.triageFeed())
	}
	s := msg.change.State.Subject
	m.tri.saved = newest(m.tri.saved, map[triage.Subject]triage.Triage{s: msg.change.State})
	m.refreshTriage()
	return m, listenTriageCmd(msg.ch)
}
