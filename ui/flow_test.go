package ui

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// Flow tests: the real program loop, the real engine, the demo tenant.

// demoStore loads the demo tenant the way `guesthunt` does: written as a Log
// Analytics export, so the detail view can read records back from the file.
func demoStore(t *testing.T) (*store.Store, *hunt.Engine) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	path := filepath.Join(t.TempDir(), "demo-tenant-seed1.ndjson")
	if err := store.WriteFile(path, formats.FormatLANDJSON, demo.Tenant(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(context.Background(), []string{path}, store.LoadOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	return st, hunt.NewEngine(st)
}

// probe wraps the workbench and publishes the model after every Update, so
// a test can wait for the background answers instead of sleeping.
type probe struct {
	Model
	latest chan Model
}

func (p probe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := p.Model.Update(msg)
	p.Model = m.(Model)
	select { // keep only the newest
	case <-p.latest:
	default:
	}
	p.latest <- p.Model
	return p, cmd
}

type flow struct {
	t  *testing.T
	tm *teatest.TestModel
	ch chan Model
	m  Model
}

func startFlow(t *testing.T, st *store.Store, eng *hunt.Engine, width, height int) *flow {
	m := New(Deps{Engine: eng, Store: st, Data: DataSetInfo{Files: []string{"demo tenant"}, Events: 1, Demo: true},
		Params: hunt.DefaultParams(), IsDark: true, KQL: hunt.KQLText})
	ch := make(chan Model, 1)
	tm := teatest.NewTestModel(t, probe{Model: m, latest: ch}, teatest.WithInitialTermSize(width, height))
	return &flow{t: t, tm: tm, ch: ch}
}

// until waits for the model to satisfy cond.
func (f *flow) until(what string, cond func(Model) bool) Model {
	f.t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		if f.m.width > 0 && cond(f.m) {
			return f.m
		}
		select {
		case f.m = <-f.ch:
		case <-deadline:
			f.t.Fatalf("timed out waiting for %s; screen:\n%s", what, ansi.Strip(f.m.View().Content))
		}
	}
}

func (f *flow) keys(ks ...string) {
	for _, k := range ks {
		f.tm.Send(press(k))
	}
}

func upns(s []hunt.InviterSummary) []string {
	var out []string
	for _, x := range s {
		out = append(out, x.UPN)
	}
	slices.Sort(out)
	return out
}

func shownUPNs(m Model) []string {
	var out []string
	for i := 0; i < m.rows.Len(); i++ {
		s, _ := m.rows.at(i)
		out = append(out, s.UPN)
	}
	slices.Sort(out)
	return out
}

func TestWorkbenchFlowOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	ctx := context.Background()
	want14, err := eng.Inviters(ctx, hunt.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	// The planted cases say who is flagged at the defaults.
	var planted []string
	for _, c := range demo.Cases() {
		if c.Flagged() && !slices.Contains(planted, c.InviterUPN) {
			planted = append(planted, c.InviterUPN)
		}
	}
	slices.Sort(planted)
	if !slices.Equal(upns(want14), planted) {
		t.Fatalf("engine flags %v, cases say %v", upns(want14), planted)
	}

	f := startFlow(t, st, eng, 120, 36)
	m := f.until("first result and strip", func(m Model) bool { return m.res != nil && m.sens != nil })
	if got := shownUPNs(m); !slices.Equal(got, planted) {
		t.Fatalf("workbench shows %v, want %v", got, planted)
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "DEMO") || !strings.Contains(v, "14d: 5 flagged") {
		t.Fatalf("header/strip:\n%s", v)
	}

	// Move down: the guests pane follows.
	first := m.selected
	f.keys("j")
	m = f.until("selection moved", func(m Model) bool { return m.selected != first })
	if m.guests.Len() != len(m.byUPN[m.selected]) || m.guests.Len() == 0 {
		t.Fatalf("guests pane has %d rows for %s", m.guests.Len(), m.selected)
	}

	// Baseline 14d -> 17d: the engine says who stays flagged.
	p17 := hunt.DefaultParams()
	p17.Baseline = 17 * day
	want17, err := eng.Inviters(ctx, p17)
	if err != nil {
		t.Fatal(err)
	}
	f.keys("+", "+", "+")
	m = f.until("17d result", func(m Model) bool { return m.res.Params.Baseline == 17*day && !m.runBusy })
	if got := shownUPNs(m); !slices.Equal(got, upns(want17)) {
		t.Fatalf("17d shows %v, engine says %v", got, upns(want17))
	}
	if slices.Contains(upns(want17), "lee.novak@"+demo.Domain) {
		t.Fatal("case c should clear at 17d")
	}
	// The delta is against the result shown before: 14d, unless the machine
	// answered 15d or 16d before the next key press arrived.
	if strings.HasPrefix(m.message, "baseline 14d → 17d") && !strings.Contains(m.message, "-1 inviters") ||
		!strings.Contains(m.message, "→ 17d") {
		t.Fatalf("status %q", m.message)
	}
	f.keys("-", "-", "-")
	m = f.until("back at 14d", func(m Model) bool { return m.res.Params.Baseline == 14*day && !m.runBusy })
	if got := shownUPNs(m); !slices.Equal(got, planted) {
		t.Fatalf("back at 14d shows %v", got)
	}

	// Filter as you type, then sort.
	f.keys("/")
	f.tm.Type("jonas")
	m = f.until("filtered", func(m Model) bool { return m.filter.Value() == "jonas" })
	if m.rows.Len() != 1 || m.selected != "jonas.berg@"+demo.Domain {
		t.Fatalf("filter jonas: %d rows, selected %s", m.rows.Len(), m.selected)
	}
	f.keys("esc", "s")
	m = f.until("sorted", func(m Model) bool { return m.sortCol == 0 && m.rows.Len() == 5 })
	got := []string{}
	for i := 0; i < m.rows.Len(); i++ {
		got = append(got, m.rows.Row(i)[0])
	}
	if !slices.IsSorted(got) {
		t.Fatalf("not sorted by inviter: %v", got)
	}

	// Detail of jonas's first guest: the original record from the file.
	f.keys("/")
	f.tm.Type("jonas")
	f.keys("enter", "enter", "enter")
	m = f.until("detail", func(m Model) bool { return m.onPage(pageDetail) && !m.pager().loading() })
	v := ansi.Strip(m.View().Content)
	for _, w := range []string{"Event detail", "demo-tenant-seed1.ndjson:", "FullName  jonas.berg@", "Address   203.0.113.66", `"OperationName": "Invite external user"`} {
		if !strings.Contains(v, w) {
			t.Errorf("detail misses %q:\n%s", w, v)
		}
	}
	f.keys("j", "j")
	m = f.until("scrolled", func(m Model) bool { return m.pager().scroll.offset == 2 })

	// Why-flagged for jonas.
	f.keys("esc", "w")
	m = f.until("why", func(m Model) bool { return m.onPage(pageWhy) && !m.pager().loading() })
	v = ansi.Strip(m.View().Content)
	for _, w := range []string{"Why flagged: jonas.berg@", "FLAGGED", "flagged at every baseline length"} {
		if !strings.Contains(v, w) {
			t.Errorf("why misses %q:\n%s", w, v)
		}
	}

	// Help, then quit.
	f.keys("esc", "?")
	m = f.until("help", func(m Model) bool { return m.onPage(pageHelp) })
	if !strings.Contains(ansi.Strip(m.View().Content), "guesthunt keys") {
		t.Fatal("help not drawn")
	}
	f.keys("esc", "q")
	final := f.tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(probe).Model
	if !final.onPage(pageMain) || final.selected != "jonas.berg@"+demo.Domain {
		t.Fatalf("final mode %d selected %q", final.topKind(), final.selected)
	}
}

func TestHostileGuestOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	// Wide enough for the whole hostile address in its cell.
	f := startFlow(t, st, eng, 160, 36)
	f.until("first result", func(m Model) bool { return m.res != nil })
	f.keys("/")
	f.tm.Type("jonas")
	f.keys("enter", "tab", "G")
	m := f.until("last guest of jonas", func(m Model) bool {
		return m.focus == paneGuests && m.guests.Cursor() == m.guests.Len()-1 && m.guests.Len() == 6
	})
	check := func(where, out string) {
		t.Helper()
		// Every ESC on screen must start one of our own SGR sequences.
		if rest := sgr.ReplaceAllString(out, ""); strings.ContainsRune(rest, '\x1b') {
			t.Fatalf("%s: an ESC from the data reached the screen", where)
		}
		for _, r := range []rune{'\u200b', '\u202e', '\u009b', '\a', '\r'} {
			if strings.ContainsRune(out, r) {
				t.Fatalf("%s: %U reached the screen", where, r)
			}
		}
		plain := ansi.Strip(out)
		for _, w := range []string{"‹ZWSP›", "‹RLO›"} {
			if !strings.Contains(plain, w) {
				t.Fatalf("%s: marker %s missing:\n%s", where, w, plain)
			}
		}
	}
	check("guests pane", m.View().Content)

	f.keys("enter")
	m = f.until("detail", func(m Model) bool { return m.onPage(pageDetail) && !m.pager().loading() })
	out := m.View().Content
	check("detail", out)
	// The whole record, not only what fits on screen: the display name's
	// colour escape is shown as the text the file holds, never obeyed.
	all := strings.Join(m.pager().scroll.lines, "\n")
	check("detail record", all)
	if !strings.Contains(ansi.Strip(all), `\u001b[31mIT Helpdesk\u001b[0m ‹RLO›txt.exe‹ZWSP›`) {
		t.Fatalf("escaped display name not shown:\n%s", ansi.Strip(all))
	}
	// q closes the detail page; q on the main page quits.
	f.keys("q")
	f.until("back on main", func(m Model) bool { return m.onPage(pageMain) })
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

func TestFoldCaseOnDemo(t *testing.T) {
	st, eng := demoStore(t)
	p := hunt.DefaultParams()
	p.FoldCase = true
	want, err := eng.Inviters(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	rosa := "rosa.delgado@" + demo.Domain
	f := startFlow(t, st, eng, 120, 36)
	f.until("first result", func(m Model) bool { return m.res != nil })
	// Case e: rosa is new to the case-sensitive rule; why-flagged names the
	// other spelling.
	f.keys("/")
	f.tm.Type("rosa")
	f.keys("enter", "w")
	m := f.until("why rosa", func(m Model) bool { return m.onPage(pageWhy) && !m.pager().loading() })
	if v := ansi.Strip(strings.Join(m.pager().scroll.lines, "\n")); !strings.Contains(v, "Rosa.Delgado@"+demo.Domain) || !strings.Contains(v, "fold-case (f)") {
		t.Fatalf("why rosa:\n%s", v)
	}
	f.keys("esc", "esc", "f")
	m = f.until("fold-case result", func(m Model) bool { return m.res.Params.FoldCase && !m.runBusy && !m.sensBusy })
	if got := shownUPNs(m); !slices.Equal(got, upns(want)) || slices.Contains(got, rosa) {
		t.Fatalf("fold-case shows %v, engine says %v", got, upns(want))
	}
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "FOLD-CASE") {
		t.Fatalf("fold-case not stated on screen:\n%s", v)
	}
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
