package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
)

// The trail page at 80, 120 and 200 columns: exactly the body's height,
// never wider than the screen, hostile actor and detail drawn as markers,
// every step and signal there when the height allows, the cursor's step in
// view when it does not.
func TestTrailPageWidths(t *testing.T) {
	p0 := hunt.DefaultParams()
	res := trailResult(p0)
	trails := handTrails(res)
	ts := trailState{by: map[trailKey]hunt.Trail{}, forP: p0}
	for _, tr := range trails {
		ts.by[trailKey{tr.Inviter, tr.Guest}] = tr
	}
	k := trailKey{trails[0].Inviter, trails[0].Guest}
	for _, w := range []int{80, 120, 200} {
		for _, h := range []int{30, 8} {
			t.Run(fmt.Sprintf("%dx%d", w, h), func(t *testing.T) {
				env := pageEnv{st: NewStyles(true, false), keys: NewKeyMap(), width: w, height: h}
				p := newTrailPage(k, p0, ts, res)
				if h == 8 {
					p.cursor = len(trails[0].Steps) - 1
				}
				v := p.View(env)
				lines := strings.Split(v, "\n")
				if len(lines) != h {
					t.Fatalf("%d lines, want %d", len(lines), h)
				}
				for i, l := range lines {
					if ansi.StringWidth(l) > w {
						t.Fatalf("line %d is %d cells wide (> %d): %q", i, ansi.StringWidth(l), w, ansi.Strip(l))
					}
				}
				plain := ansi.Strip(v)
				if strings.ContainsAny(plain, "\x1b\u202e") {
					t.Fatalf("a hostile character reached the screen:\n%q", plain)
				}
				if h == 8 {
					if !strings.Contains(plain, "▸") || !strings.Contains(plain, "user-type") {
						t.Fatalf("the cursor's step is not in view:\n%s", plain)
					}
					return
				}
				for _, want := range []string{"Trail", "invited by", "Global Administrator", "Tenant Admins", "‹RLO›", "␛",
					"admin role 40m", "admin group 38m", "lookalike", "redeem IP differs", "+40m", "+1d 2h", "imitates"} {
					if !strings.Contains(plain, want) {
						t.Fatalf("missing %q:\n%s", want, plain)
					}
				}
				// Strongest first.
				if strings.Index(plain, "admin role 40m:") > strings.Index(plain, "redeem IP differs:") {
					t.Fatalf("signals not strongest first:\n%s", plain)
				}
			})
		}
	}
}

// The page's states: waiting, failed, missing, stale.
func TestTrailPageStates(t *testing.T) {
	p0 := hunt.DefaultParams()
	res := trailResult(p0)
	tr := handTrails(res)[0]
	k := trailKey{tr.Inviter, tr.Guest}
	env := pageEnv{st: NewStyles(true, true), keys: NewKeyMap(), width: 100, height: 20}
	view := func(p trailPage) string { return ansi.Strip(p.View(env)) }

	p := newTrailPage(k, p0, trailState{seq: 7, busy: true}, res)
	if !p.waiting() || !strings.Contains(view(p), "following the guest…") {
		t.Fatalf("waiting:\n%s", view(p))
	}
	q, _ := p.Update(env, trailsMsg{seq: 6, trails: []hunt.Trail{tr}, tp: hunt.TrailParams{Params: p0}})
	if q.(trailPage).trail != nil {
		t.Fatal("an older request's answer was taken")
	}
	q, _ = p.Update(env, trailsMsg{seq: 7, err: fmt.Errorf("disk \x1b full")})
	if v := view(q.(trailPage)); !strings.Contains(v, "trails failed: disk ␛ full (R retries)") {
		t.Fatalf("failure:\n%s", v)
	}
	q, _ = q.Update(env, trailsAskedMsg{seq: 8, p: p0})
	q, _ = q.Update(env, trailsMsg{seq: 8, trails: []hunt.Trail{tr}, tp: hunt.TrailParams{Params: p0}})
	if pp := q.(trailPage); pp.trail == nil || pp.stale() || pp.err != "" {
		t.Fatalf("the answer was not taken: %+v", pp)
	}
	p1 := p0
	p1.Baseline += day
	q, _ = q.Update(env, trailsAskedMsg{seq: 9, p: p1})
	if v := view(q.(trailPage)); !strings.Contains(v, "stale") || !strings.Contains(v, "Global Administrator") {
		t.Fatalf("stale:\n%s", v)
	}
	q, _ = q.Update(env, trailsMsg{seq: 9, trails: nil, tp: hunt.TrailParams{Params: p1}})
	if v := view(q.(trailPage)); !strings.Contains(v, "not in the latest trails") {
		t.Fatalf("missing:\n%s", v)
	}
}

// The Signal column: each inviter's strongest guest signal; s on it sorts
// strongest first, S reverses; a guest's cell lists its signals.
func TestSignalColumns(t *testing.T) {
	res := trailResult(hunt.DefaultParams())
	by := map[trailKey]hunt.Trail{}
	for _, tr := range handTrails(res) {
		by[trailKey{tr.Inviter, tr.Guest}] = tr
	}
	sig := inviterSignals(by)
	if got := sig[longUPN].label; got != "admin role 40m" {
		t.Fatalf("strongest of %s: %q", longUPN, got)
	}
	order := func(desc bool) []string {
		r := newInviterRows(res.Inviters, "", colSignal, desc, triageView{}).withSignals(sig, colSignal, desc)
		var out []string
		for i := range r.Len() {
			out = append(out, r.Row(i)[colSignal])
		}
		return out
	}
	if got, want := order(false), []string{"admin role 40m", "lookalike", "free mail"}; !slices.Equal(got, want) {
		t.Fatalf("sorted by signal: %v, want %v", got, want)
	}
	if got, want := order(true), []string{"free mail", "lookalike", "admin role 40m"}; !slices.Equal(got, want) {
		t.Fatalf("reversed: %v, want %v", got, want)
	}
	cells := guestSignalCells(by)[longUPN]
	if got := cells[res.Rows[1].TargetUserPrincipalName]; got != "lookalike, never redeemed" {
		t.Fatalf("guest cell: %q", got)
	}
	// Without signals the cell is blank and gives way.
	r := newInviterRows(res.Inviters, "", -1, false, triageView{}).withSignals(nil, -1, false)
	if r.Row(0)[colSignal] != "" || !r.RedundantCell(0, colSignal) {
		t.Fatal("a blank Signal cell is not redundant")
	}
}

// A cell's gap is rounded to its largest unit; the page keeps it exact.
func TestShortSpan(t *testing.T) {
	for d, want := range map[time.Duration]string{
		39*time.Minute + 59*time.Second: "40m", 40 * time.Second: "40s", 26 * time.Hour: "1d", 90 * time.Minute: "2h",
	} {
		if got := shortSpan(d); got != want {
			t.Errorf("shortSpan(%s) = %q, want %q", d, got, want)
		}
	}
}
