package ui

import (
	"context"
	"testing"

	"github.com/guesthunt/guesthunt/hunt"

	tea "charm.land/bubbletea/v2"
)

// The root's part: T asks once; + on the timeline changes the main page's
// baseline and asks again while the page keeps the old replay (stale); b
// opens the baseline prompt over the page; [ is the page's (nothing); an
// answer to an older request is dropped.
func TestTimelineRouting(t *testing.T) {
	never := func(context.Context, hunt.ReplayParams) (*hunt.Replay, error) { return nil, nil }
	var m tea.Model = New(Deps{Params: hunt.DefaultParams(), Replay: never})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 36})
	key := func(k string) Model {
		t.Helper()
		m, _ = m.Update(press(k))
		return m.(Model)
	}
	answer := func(seq int, rp hunt.ReplayParams) Model {
		m, _ = m.Update(replayMsg{seq: seq, rp: rp, rep: handReplay(39, 14, map[int]int{30: 2})})
		return m.(Model)
	}
	mm := key("T")
	if !mm.onPage(pageTimeline) || !mm.replay.busy {
		t.Fatalf("T: page %d, busy %v", mm.topKind(), mm.replay.busy)
	}
	first, firstFor := mm.replay.seq, mm.replay.askFor
	mm = answer(first, firstFor)
	if mm.replay.last == nil || mm.pages.top().(timelinePage).waiting() {
		t.Fatal("the answer did not reach the root and the page")
	}
	mm = key("+")
	p := mm.pages.top().(timelinePage)
	if mm.params.Baseline != 15*day || !mm.replay.busy || mm.replay.seq == first || !p.stale() || !p.waiting() {
		t.Fatalf("+ on the timeline: baseline %s, busy %v, stale %v", mm.params.Baseline, mm.replay.busy, p.stale())
	}
	mm = key("[")
	if mm.params != mm.replay.askFor.Params || !mm.onPage(pageTimeline) {
		t.Fatal("[ reached the main page from the timeline")
	}
	mm = answer(first, firstFor) // late and superseded
	if mm.replay.lastFor != firstFor || !mm.replay.busy || !mm.pages.top().(timelinePage).stale() {
		t.Fatal("a superseded answer was taken")
	}
	mm = answer(mm.replay.seq, mm.replay.askFor)
	if mm.replay.busy || mm.pages.top().(timelinePage).stale() || mm.firstFired() == nil {
		t.Fatal("the latest answer was not taken")
	}
	mm = key("b")
	if mm.asking != promptBaseline || !mm.onPage(pageTimeline) {
		t.Fatalf("b on the timeline: asking %d, page %d", mm.asking, mm.topKind())
	}
	key("esc")
	if mm = key("esc"); !mm.onPage(pageMain) {
		t.Fatal("esc did not close the timeline")
	}
	// Closed, a change still replays in the background, for the next T.
	if mm = key("-"); !mm.replay.busy || mm.replay.askFor.Params.Baseline != 14*day {
		t.Fatalf("- after closing: busy %v for %s", mm.replay.busy, mm.replay.askFor.Params.Baseline)
	}
	if mm.firstFired() != nil {
		t.Fatal("First fired from a 15d replay shown for the 14d rule")
	}
}
