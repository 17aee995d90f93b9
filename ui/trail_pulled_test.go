package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
)

// A trail over a span pulled with scope invites: the page's header says
// which span was not pulled and how to fetch it, the steps end with "not
// pulled", and no signal is read as "none"; the panes' Signal cells say
// "not pulled (scope invites)" rather than stay blank.
func TestTrailPageNotPulled(t *testing.T) {
	p0 := hunt.DefaultParams()
	res := trailResult(p0)
	tr := handTrails(res)[0]
	tr.Steps, tr.Signals = tr.Steps[:1], nil // the invite alone, as an invites pull gives it
	tr.NotPulled = hunt.NotPulledInvites
	tr.NotPulledFrom = tr.InvitedAt
	tr.NotPulledTo = time.Date(2026, 10, 31, 20, 0, 0, 0, time.UTC)
	k := trailKey{tr.Inviter, tr.Guest}
	ts := trailState{by: map[trailKey]hunt.Trail{k: tr}, forP: p0}
	for _, w := range []int{80, 200} {
		env := pageEnv{st: NewStyles(true, false), keys: NewKeyMap(), width: w, height: 30}
		v := newTrailPage(k, p0, ts, res).View(env)
		for i, l := range strings.Split(v, "\n") {
			if ansi.StringWidth(l) > w {
				t.Fatalf("%d: line %d is %d cells wide", w, i, ansi.StringWidth(l))
			}
		}
		plain := strings.Join(strings.Fields(ansi.Strip(v)), " ") // the notice wraps at 80
		want := "not pulled (scope invites): " + hunt.TableTime(tr.InvitedAt) + " to 2026-10-31 20:00:00 was pulled with scope invites, " +
			"so redemptions, grants and deletions there are unknown; guesthunt pull --db FILE --scope trail"
		for _, s := range []string{want, "later steps: not pulled (scope invites)", "none from the invite alone: the later steps were not pulled"} {
			if !strings.Contains(plain, s) {
				t.Errorf("%d: missing %q:\n%s", w, s, ansi.Strip(v))
			}
		}
		if strings.Contains(plain, "nothing in this trail stands out") {
			t.Errorf("%d: an unpulled trail reads as clean:\n%s", w, ansi.Strip(v))
		}
		head := strings.Split(ansi.Strip(v), "\n")
		if !strings.HasPrefix(head[2], "not pulled (scope invites)") {
			t.Errorf("%d: the notice is not in the header: %q", w, head[2])
		}
	}
	if got := guestSignalCells(ts.by)[tr.Inviter][tr.Guest]; got != "not pulled (scope invites)" {
		t.Errorf("guest cell %q", got)
	}
	if got := inviterSignals(ts.by)[tr.Inviter].label; got != "not pulled (scope invites)" {
		t.Errorf("inviter cell %q", got)
	}
	// With a signal from the invite itself, the cell keeps it first.
	tr.Signals = []hunt.Signal{{Kind: hunt.SignalFreeMail, Weight: 30}}
	ts.by[k] = tr
	if got := guestSignalCells(ts.by)[tr.Inviter][tr.Guest]; got != "free mail, not pulled (scope invites)" {
		t.Errorf("guest cell %q", got)
	}
	if got := inviterSignals(ts.by)[tr.Inviter].label; got != "free mail" {
		t.Errorf("inviter cell %q", got)
	}
}

// Why-flagged over a baseline pulled with scope invites: the other
// operations' count is "not pulled", never a bare 0.
func TestWhyOtherOperationsNotPulled(t *testing.T) {
	asOf := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	ex := &hunt.Explanation{Params: hunt.DefaultParams(), AsOf: asOf, Flagged: true,
		Coverage: hunt.Coverage{BaselineCovered: true, DataFrom: asOf.Add(-40 * 24 * time.Hour)}}
	why := func() string {
		return ansi.Strip(strings.Join(whyLines(whyMsg{upn: "alice@contoso.com", ex: ex}, NewStyles(true, true), 200), "\n"))
	}
	if text := why(); !strings.Contains(text, "  0 other operations initiated by this UPN (the rule ignores them)") || strings.Contains(text, "not pulled") {
		t.Errorf("a plain file's count:\n%s", text)
	}
	ex.OtherOperationsNotPulled = hunt.NotPulledInvites
	text := why()
	if !strings.Contains(text, "  other operations initiated by this UPN: not pulled (scope invites)\n") || strings.Contains(text, "0 other operations") {
		t.Errorf("not pulled:\n%s", text)
	}
	ex.BaselineOtherOperations = 3
	if text := why(); !strings.Contains(text, "  other operations initiated by this UPN: not pulled (scope invites) (3 counted where files or wider pulls hold them)\n") {
		t.Errorf("partly pulled:\n%s", why())
	}
}
