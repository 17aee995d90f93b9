package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/hunt"
)

// K gives what guesthunt kql --as-of prints for the parameters on screen:
// pinned to the rows' as-of, and !in~ when folding case.
func TestKQLPinnedAndFoldCase(t *testing.T) {
	m := startedWith(t, Deps{KQL: hunt.KQLText}, "a@x.com")
	m, _ = send(t, m, press("f"))
	p := m.params
	m, _ = send(t, m, runMsg{seq: m.req.run, params: p, res: fakeResult(p, "a@x.com")})
	m, cmd := send(t, m, press("K"))
	if !m.onPage(pageKQL) || cmd == nil {
		t.Fatal("K did not open the KQL page")
	}
	got := fmt.Sprint(cmd())
	want := hunt.KQLText(p, m.res.AsOf)
	if got != want {
		t.Fatalf("K copied\n%s\nwant (guesthunt kql --as-of %s --fold-case)\n%s", got, m.res.AsOf.Format(kustoTime), want)
	}
	for _, w := range []string{"datetime(2026-10-31T12:00:00.0000000Z)", "!in~"} {
		if !strings.Contains(got, w) {
			t.Fatalf("KQL misses %q:\n%s", w, got)
		}
	}
}
