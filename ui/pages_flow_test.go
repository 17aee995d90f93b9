package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

// Every page closes with esc and with q, back to the main page with its
// parameters, filter and selection intact; only q on the main page quits.
// The hint bar shows the page's own keys, never the main page's.
func TestPagesCloseWithEscAndQ(t *testing.T) {
	st, eng := demoStore(t)
	f := startFlow(t, st, eng, 120, 36)
	f.until("first result", func(m Model) bool { return m.res != nil })
	f.keys("+", "/")
	f.tm.Type("jonas")
	f.keys("enter")
	before := f.until("filtered at 15d", func(m Model) bool { return m.res.Params.Baseline == 15*day && m.rows.Len() == 1 })

	open := []struct {
		keys []string
		kind pageKind
	}{
		{[]string{"w"}, pageWhy},
		{[]string{"K"}, pageKQL},
		{[]string{"?"}, pageHelp},
		{[]string{"tab", "enter"}, pageDetail},
	}
	for _, o := range open {
		for _, closer := range []string{"esc", "q"} {
			f.keys(o.keys...)
			m := f.until(pageTitle(o.kind), func(m Model) bool { return m.onPage(o.kind) })
			bar := ansi.Strip(m.View().Content)
			bar = bar[strings.LastIndex(bar, "\n")+1:]
			if strings.Contains(bar, "baseline+1d") || strings.Contains(bar, "s sort") {
				t.Fatalf("%s page shows the main page's hints: %q", pageTitle(o.kind), bar)
			}
			f.keys(closer)
			m = f.until("main again", func(m Model) bool { return m.onPage(pageMain) })
			if m.params != before.params || m.filter.Value() != "jonas" || m.selected != before.selected {
				t.Fatalf("%s then %s lost state: params %v filter %q selected %q", pageTitle(o.kind), closer, m.params, m.filter.Value(), m.selected)
			}
			if o.kind == pageDetail {
				f.keys("esc") // guests pane back to the inviters pane
				f.until("inviters focused", func(m Model) bool { return m.focus == paneInviters })
			}
		}
	}
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// b, 21d, enter sets the baseline to 21d (the first round appended: 14d21d).
func TestTypedBaselineFlow(t *testing.T) {
	st, eng := demoStore(t)
	f := startFlow(t, st, eng, 120, 36)
	f.until("first result", func(m Model) bool { return m.res != nil })
	f.keys("b")
	f.tm.Type("21d")
	f.keys("enter")
	m := f.until("21d", func(m Model) bool { return m.res.Params.Baseline == 21*day && !m.runBusy })
	if v := ansi.Strip(m.View().Content); !strings.Contains(v, "baseline 21d") {
		t.Fatalf("header:\n%s", v)
	}
	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}
