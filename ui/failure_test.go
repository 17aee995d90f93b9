package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// A query that fails (here: the database is gone, as after a disk or I/O
// failure) shows its reason on screen, stops the "querying…" indicator, and
// leaves the analyst able to retry or quit.
func TestFailedQueryShowsItsReason(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	eng := hunt.NewEngine(st)
	st.Close() // every query now fails with "sql: database is closed"

	f := startFlow(t, st, eng, 120, 36)
	m := f.until("the failure", func(m Model) bool { return !m.runBusy && !m.sensBusy && m.msgErr })
	screen := ansi.Strip(m.View().Content)
	for _, want := range []string{"the rule could not run", "database is closed", "R retries", "q quits"} {
		if !strings.Contains(screen, want) {
			t.Errorf("screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "querying…") {
		t.Errorf("the screen still says querying:\n%s", screen)
	}

	before := m.req.run
	f.keys("R")
	m = f.until("the retry", func(m Model) bool { return m.req.run > before && !m.runBusy && !m.sensBusy })
	if screen := ansi.Strip(m.View().Content); !strings.Contains(screen, "database is closed") {
		t.Errorf("the retry's failure is not shown:\n%s", screen)
	}

	f.keys("q")
	f.tm.WaitFinished(t, teatest.WithFinalTimeout(10*time.Second))
}

// A query that panics is reported like one that fails.
func TestPanickingQueryIsReported(t *testing.T) {
	cmd := runCmd(t.Context(), nil, 7, hunt.DefaultParams()) // a nil engine panics
	msg, ok := cmd().(runMsg)
	if !ok || msg.seq != 7 || msg.err == nil || !strings.Contains(msg.err.Error(), "internal error") {
		t.Fatalf("got %#v", msg)
	}
}
