package ui

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
)

// Unit tests: typed messages straight into Update, no engine, no program.

var t0 = time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)

func summary(upn string, invites int, at time.Time) hunt.InviterSummary {
	return hunt.InviterSummary{UPN: upn, Invites: invites, DistinctGuests: invites, FirstInvite: at, LastInvite: at}
}

func alert(inviter, guest string, at time.Time) hunt.Alert {
	return hunt.Alert{
		Record:                  data.Record{TimeGenerated: at, OperationName: "Invite external user", Result: "success"},
		TargetUserPrincipalName: guest, InitiatingUserPrincipalName: inviter, InitiatingIPAddress: "203.0.113.66",
	}
}

// fakeResult flags the given inviters, one invite each.
func fakeResult(p hunt.Params, upns ...string) *hunt.Result {
	r := &hunt.Result{Params: p, AsOf: t0, Coverage: hunt.Coverage{BaselineCovered: true}}
	for i, u := range upns {
		at := t0.Add(-time.Duration(len(upns)-i) * time.Hour)
		r.Inviters = append(r.Inviters, summary(u, 1, at))
		r.Rows = append(r.Rows, alert(u, "g"+u, at))
	}
	return r
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func send(t *testing.T, m Model, msgs ...tea.Msg) (Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, msg := range msgs {
		var tm tea.Model
		tm, cmd = m.Update(msg)
		m = tm.(Model)
	}
	return m, cmd
}

func typeKeys(t *testing.T, m Model, s string) Model {
	for _, r := range s {
		m, _ = send(t, m, press(string(r)))
	}
	return m
}

// started is a workbench at 120x36 that has received its first result.
func started(t *testing.T, upns ...string) Model {
	m := New(Deps{Params: hunt.DefaultParams()})
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 36},
		runMsg{seq: 1, params: hunt.DefaultParams(), res: fakeResult(hunt.DefaultParams(), upns...)})
	return m
}

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

func screen(m Model) string { return ansi.Strip(m.View().Content) }

func TestFilterInputSwallowsGlobalKeys(t *testing.T) {
	m := started(t, "alice@x.com", "quinn@x.com", "bob@x.com")
	m, _ = send(t, m, press("/"))
	if !m.filtering {
		t.Fatal("/ did not open the filter")
	}
	m, cmd := send(t, m, press("q"))
	if isQuit(cmd) {
		t.Fatal("q typed into the filter quit the workbench")
	}
	m = typeKeys(t, m, "u+")
	if m.filter.Value() != "qu+" || m.params.Baseline != 14*day {
		t.Fatalf("filter %q baseline %v: keys leaked out of the filter", m.filter.Value(), m.params.Baseline)
	}
	m, _ = send(t, m, press("backspace"))
	if m.rows.Len() != 1 || m.selected != "quinn@x.com" {
		t.Fatalf("filter qu: %d rows, selected %q", m.rows.Len(), m.selected)
	}
	if !strings.Contains(screen(m), "/qu") {
		t.Fatalf("filter box not drawn:\n%s", screen(m))
	}
	m, _ = send(t, m, press("enter"))
	if m.filtering || m.filter.Value() != "qu" {
		t.Fatal("enter should keep the filter and leave the box")
	}
	m, _ = send(t, m, press("esc"))
	if m.filter.Value() != "" || m.rows.Len() != 3 {
		t.Fatal("esc did not clear the filter")
	}
	if _, cmd = send(t, m, press("q")); !isQuit(cmd) {
		t.Fatal("q outside the filter did not quit")
	}
}

func TestPromptSwallowsKeysAndValidates(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, press("b"), tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	m = typeKeys(t, m, "q0d")
	m, _ = send(t, m, press("enter"))
	if m.params.Baseline != 14*day || !m.msgErr {
		t.Fatalf("baseline 0d accepted (%v) or no error shown (%q)", m.params.Baseline, m.message)
	}
	m, _ = send(t, m, press("b"), tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl})
	m = typeKeys(t, m, "36h")
	m, _ = send(t, m, press("enter"))
	if m.params.Baseline != 36*time.Hour || !m.runBusy {
		t.Fatalf("baseline %v busy %v", m.params.Baseline, m.runBusy)
	}
}

func TestBaselinePlusThenMinusReturns(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, press("+"))
	if m.params.Baseline != 15*day {
		t.Fatalf("after +: %v", m.params.Baseline)
	}
	m, _ = send(t, m, press("-"))
	if m.params.Baseline != 14*day {
		t.Fatalf("after + -: %v", m.params.Baseline)
	}
	m, _ = send(t, m, press(">"), press(">"), press("<"))
	if m.params.Baseline != 21*day {
		t.Fatalf("after > > <: %v", m.params.Baseline)
	}
	m, _ = send(t, m, press("<"), press("<"), press("<"))
	if m.params.Baseline != 7*day || !m.msgErr {
		t.Fatalf("baseline went non-positive or silently: %v %q", m.params.Baseline, m.message)
	}
	m, _ = send(t, m, press("f"))
	if !m.params.FoldCase {
		t.Fatal("f did not turn fold-case on")
	}
}

func TestAsOfKeys(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, press("["), press("["))
	if m.params.AsOf.Mode != hunt.AsOfFixed || !m.params.AsOf.At.Equal(t0.Add(-2*day)) {
		t.Fatalf("[ [ gave %v", m.params.AsOf)
	}
	m, _ = send(t, m, press("]"))
	if !m.params.AsOf.At.Equal(t0.Add(-day)) {
		t.Fatalf("] gave %v", m.params.AsOf)
	}
	m, _ = send(t, m, press("r"))
	if m.params.AsOf.Mode != hunt.AsOfLatest {
		t.Fatalf("r gave %v", m.params.AsOf)
	}
}

func TestStaleResultsAreDropped(t *testing.T) {
	m := started(t, "a@x.com", "b@x.com")
	m, _ = send(t, m, press("+"))
	slow := m.req.run
	m, _ = send(t, m, press("+"))
	p16 := m.params
	// The answer for 15d arrives after 16d was asked for: it must not show.
	m, _ = send(t, m, runMsg{seq: slow, params: hunt.Params{Baseline: 15 * day}, res: fakeResult(hunt.Params{Baseline: 15 * day}, "z@x.com")})
	if m.rows.Len() != 2 || !m.runBusy {
		t.Fatalf("stale result shown: %d rows", m.rows.Len())
	}
	m, _ = send(t, m, runMsg{seq: m.req.run, params: p16, res: fakeResult(p16, "a@x.com")})
	if m.rows.Len() != 1 || m.runBusy {
		t.Fatalf("current result not shown: %d rows", m.rows.Len())
	}
	if !strings.Contains(m.message, "+0 / -1 inviters") || !strings.Contains(m.message, "baseline 14d → 16d") {
		t.Fatalf("status says %q", m.message)
	}
	// Stale answers of the other kinds too.
	m, _ = send(t, m, sensMsg{seq: 1, points: []hunt.SensitivityPoint{{BaselineDays: 1}}})
	if m.sens != nil {
		t.Fatal("stale sensitivity accepted")
	}
}

func TestSelectionKeptAcrossRerun(t *testing.T) {
	m := started(t, "a@x.com", "b@x.com", "c@x.com")
	m, _ = send(t, m, press("j"))
	if m.selected != "b@x.com" {
		t.Fatalf("selected %q", m.selected)
	}
	m, _ = send(t, m, press("+"))
	m, _ = send(t, m, runMsg{seq: m.req.run, params: m.params, res: fakeResult(m.params, "a2@x.com", "c@x.com", "b@x.com")})
	if m.selected != "b@x.com" || m.inviters.Cursor() != 2 {
		t.Fatalf("selection lost: %q at %d", m.selected, m.inviters.Cursor())
	}
	if !strings.Contains(m.message, "+1 / -1 inviters") {
		t.Fatalf("status %q", m.message)
	}
	m, _ = send(t, m, press("+"))
	m, _ = send(t, m, runMsg{seq: m.req.run, params: m.params, res: fakeResult(m.params, "c@x.com")})
	if m.selected != "c@x.com" || !strings.Contains(m.message, "no longer flagged") {
		t.Fatalf("selected %q, message %q", m.selected, m.message)
	}
}

func TestSortKeys(t *testing.T) {
	m := started(t, "carol@x.com", "alice@x.com", "bob@x.com")
	m, _ = send(t, m, press("s"))
	got := []string{m.rows.Row(0)[0], m.rows.Row(1)[0], m.rows.Row(2)[0]}
	if strings.Join(got, " ") != "alice@x.com bob@x.com carol@x.com" {
		t.Fatalf("sorted by inviter: %v", got)
	}
	m, _ = send(t, m, press("S"))
	if m.rows.Row(0)[0] != "carol@x.com" || !strings.Contains(screen(m), "sort: Inviter ▼") {
		t.Fatalf("reversed: %v\n%s", m.rows.Row(0), screen(m))
	}
}

func TestPanesHelpAndTooSmall(t *testing.T) {
	m := started(t, "a@x.com", "b@x.com")
	v := screen(m)
	for _, want := range []string{"New inviters", "2 shown of 2 flagged", "Guests invited by a@x.com", "ga@x.com", "never"} {
		if !strings.Contains(v, want) {
			t.Errorf("screen misses %q:\n%s", want, v)
		}
	}
	if lines := strings.Split(v, "\n"); len(lines) != 36 {
		t.Errorf("%d lines, want 36", len(lines))
	}
	m, _ = send(t, m, press("tab"))
	if m.focus != paneGuests {
		t.Fatal("tab did not move focus")
	}
	m, _ = send(t, m, press("?"))
	if !strings.Contains(screen(m), "guesthunt keys") {
		t.Fatal("? did not open help")
	}
	m, _ = send(t, m, press("esc"))
	if !m.onPage(pageMain) {
		t.Fatal("esc did not close help")
	}
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 60, Height: 10})
	if !strings.Contains(screen(m), "terminal too small") {
		t.Fatal("no too-small view")
	}
}

func TestCopyUsesOSC52(t *testing.T) {
	m := started(t, "a\u202E@x.com")
	_, cmd := send(t, m, press("y"))
	if cmd == nil {
		t.Fatal("y gave no command")
	}
	// The clipboard gets one safe line: hidden characters as the markers the
	// screen shows (the raw value stays in the JSON exports).
	if got := fmt.Sprint(cmd()); got != "a‹RLO›@x.com" {
		t.Fatalf("clipboard message %q", got)
	}
}

func TestNoColorFromEnvironmentAndBackground(t *testing.T) {
	m := started(t, "a@x.com")
	m, _ = send(t, m, tea.EnvMsg{"NO_COLOR=1"})
	if !m.noColor() {
		t.Fatal("NO_COLOR=1 ignored")
	}
	m, _ = send(t, m, tea.EnvMsg{"NO_COLOR=0"})
	if m.noColor() {
		t.Fatal("NO_COLOR=0 counted as set")
	}
	m, _ = send(t, m, tea.BackgroundColorMsg{Color: color.Black})
	dark := m.styles.Title.Render("x")
	m, _ = send(t, m, tea.BackgroundColorMsg{Color: color.White})
	if m.isDark || m.styles.Title.Render("x") == dark {
		t.Fatal("a light background did not restyle")
	}
}

func TestHostileInviterIsInert(t *testing.T) {
	evil := "\x1b]0;pwned\x07ev\u200bil\rgood\u202E@x.com"
	m := started(t, evil)
	m, _ = send(t, m, press("tab"))
	out := m.View().Content
	plain := ansi.Strip(out)
	for _, bad := range []string{"\x07", "\r", "\u202E", "\u200b", "]0;pwned\x07"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%q reached the screen", bad)
		}
	}
	if strings.Contains(plain, "\x1b") {
		t.Fatal("an ESC survived outside styling")
	}
	for _, want := range []string{"␛]0;pwned␇", "‹ZWSP›", "␍good‹RLO›"} {
		if !strings.Contains(plain, want) {
			t.Fatalf("marker %q missing:\n%s", want, plain)
		}
	}
}

func TestMouseWheelAndClick(t *testing.T) {
	m := started(t, "a@x.com", "b@x.com", "c@x.com", "d@x.com", "e@x.com")
	invY := m.headerHeight() + stripHeight + 1 // the inviters table's header row
	m, _ = send(t, m, tea.MouseWheelMsg{X: 3, Y: invY + 2, Button: tea.MouseWheelDown})
	if m.inviters.Cursor() != 3 || m.selected != "d@x.com" {
		t.Fatalf("wheel: cursor %d selected %q", m.inviters.Cursor(), m.selected)
	}
	m, _ = send(t, m, tea.MouseClickMsg{X: 3, Y: invY + 2, Button: tea.MouseLeft})
	if m.selected != "b@x.com" || m.focus != paneInviters {
		t.Fatalf("click: selected %q", m.selected)
	}
	gy, _ := m.guestsOrigin()
	m, _ = send(t, m, tea.MouseClickMsg{X: 3, Y: gy + 1, Button: tea.MouseLeft})
	if m.focus != paneGuests || m.selected != "b@x.com" {
		t.Fatalf("click on guests: focus %d selected %q", m.focus, m.selected)
	}
	_, cmd := send(t, m, tea.MouseClickMsg{X: 1, Y: invY, Button: tea.MouseLeft})
	if cmd == nil {
		t.Fatal("a click on the inviter title did not ask to sort")
	}
	m, _ = send(t, m, cmd())
	if m.sortCol != 0 {
		t.Fatalf("header click sorted by %d", m.sortCol)
	}
}
