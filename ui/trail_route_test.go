package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
)

// The root's part: a rule result asks for trails; their signals fill the
// panes; F opens the strongest guest's trail from the inviters pane and the
// selected guest's from the guests pane; esc closes; an answer to an older
// request is dropped; a failure is shown and R on the page asks again;
// enter opens the invite's event detail, or another step's fields.
func TestTrailRouting(t *testing.T) {
	never := func(context.Context, hunt.TrailParams) ([]hunt.Trail, error) { return nil, nil }
	p0 := hunt.DefaultParams()
	m := New(Deps{Params: p0, Trails: never})
	var cmd tea.Cmd
	key := func(ks ...string) {
		t.Helper()
		for _, k := range ks {
			m, cmd = send(t, m, press(k))
		}
	}
	answer := func(seq int, p hunt.Params, err error) {
		t.Helper()
		var trails []hunt.Trail
		if err == nil {
			trails = handTrails(trailResult(p))
		}
		m, cmd = send(t, m, trailsMsg{seq: seq, tp: hunt.TrailParams{Params: p}, trails: trails, err: err})
	}
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 36}, runMsg{seq: 1, params: p0, res: trailResult(p0)})
	if !m.trails.busy || m.trails.askFor != p0 {
		t.Fatalf("a result did not ask for trails: %+v", m.trails)
	}
	if m.rows.Row(0)[colSignal] != "" {
		t.Fatal("a Signal before any trail")
	}
	first := m.trails.seq
	answer(first, p0, nil)
	if got := m.rows.Row(0)[colSignal]; got != "admin role 40m" {
		t.Fatalf("Signal of the first inviter: %q", got)
	}
	if got := m.guests.Source().Row(1)[gcolSignals]; got != "lookalike, never redeemed" {
		t.Fatalf("Signals of the second guest: %q", got)
	}

	key("F")
	p, ok := m.pages.top().(trailPage)
	if !ok || p.key.guest != m.res.Rows[0].TargetUserPrincipalName || p.trail == nil {
		t.Fatalf("F on the inviters pane: page %d, %+v", m.topKind(), p.key)
	}
	if key("y"); !strings.Contains(m.message, "copied the guest UPN") {
		t.Fatalf("y on the trail page: %q", m.message)
	}
	key("esc")
	key("tab", "down", "F")
	if p, ok = m.pages.top().(trailPage); !ok || p.key.guest != m.res.Rows[1].TargetUserPrincipalName {
		t.Fatalf("F on the second guest: %+v", p.key)
	}
	key("esc", "esc")

	// A new rule: trails again; the earlier request's late answer is dropped.
	key("+")
	p1 := m.params
	m, _ = send(t, m, runMsg{seq: m.req.run, params: p1, res: trailResult(p1)})
	if m.trails.seq == first || m.trails.askFor != p1 {
		t.Fatal("a new result did not ask again")
	}
	second := m.trails.seq
	m, _ = send(t, m, trailsMsg{seq: first, tp: hunt.TrailParams{Params: p0}})
	if len(m.trails.by) == 0 || !m.trails.busy {
		t.Fatal("a superseded answer was taken")
	}
	key("F")
	if p = m.pages.top().(trailPage); !p.waiting() || !p.stale() {
		t.Fatalf("F while following: waiting %v, stale %v", p.waiting(), p.stale())
	}
	answer(second, p1, errors.New("disk full"))
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "trails failed: disk full (R retries)") {
		t.Fatalf("failure not shown:\n%s", v)
	}
	key("R")
	third := m.trails.seq
	if third == second || !m.trails.busy || !m.pages.top().(trailPage).waiting() {
		t.Fatal("R on the trail page did not ask again")
	}
	answer(third, p1, nil)
	if p = m.pages.top().(trailPage); p.waiting() || p.stale() || p.err != "" {
		t.Fatalf("after R: %+v", p)
	}

	// enter on the invite: its alert row's event detail.
	key("enter")
	m, cmd = send(t, m, cmd())
	if !m.onPage(pageDetail) {
		t.Fatalf("enter on the invite step: page %d", m.topKind())
	}
	key("esc", "down", "down", "down", "enter")
	m, _ = send(t, m, cmd())
	if !m.onPage(pageTrailStep) {
		t.Fatalf("enter on the role step: page %d", m.topKind())
	}
	if v := ansi.Strip(strings.Join(m.pages.top().(pagerPage).lines(), "\n")); !strings.Contains(v, "Directory_ROLE_0") ||
		!strings.Contains(v, "Global Administrator") || !strings.Contains(v, "not one of the rule's alert rows") {
		t.Fatalf("step page:\n%s", v)
	}
	key("esc", "esc")
	if !m.onPage(pageMain) {
		t.Fatal("esc did not close the trail page")
	}
}

// Without a trail engine F says so and opens nothing; no request is made.
func TestTrailUnavailable(t *testing.T) {
	p0 := hunt.DefaultParams()
	m, _ := send(t, New(Deps{Params: p0}), tea.WindowSizeMsg{Width: 80, Height: 24}, runMsg{seq: 1, params: p0, res: trailResult(p0)})
	m, _ = send(t, m, press("F"))
	if !m.onPage(pageMain) || m.trails.seq != 0 || !strings.Contains(m.message, "not available") {
		t.Fatalf("F without Trails: page %d, seq %d, message %q", m.topKind(), m.trails.seq, m.message)
	}
}
