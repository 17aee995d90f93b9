package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// Signals in the panes: a short label per signal (the trail page spells out
// each one's Detail), the strongest of an inviter's guests in the inviters
// pane's Signal column, every one of a guest's in the guests pane.

// strongest is the signal with the highest weight (the first on a tie: the
// engine lists them strongest first).
func strongest(sigs []hunt.Signal) (hunt.Signal, bool) {
	if len(sigs) == 0 {
		return hunt.Signal{}, false
	}
	best := sigs[0]
	for _, s := range sigs[1:] {
		if s.Weight > best.Weight {
			best = s
		}
	}
	return best, true
}

// byStrength is sigs strongest first (stable: the engine's order on ties).
func byStrength(sigs []hunt.Signal) []hunt.Signal {
	out := slices.Clone(sigs)
	slices.SortStableFunc(out, func(a, b hunt.Signal) int { return b.Weight - a.Weight })
	return out
}

// signalLabel is a signal in a few words for a table cell. A role or group
// grant says how soon after the invite it came, which is what makes it
// alarming.
func signalLabel(t hunt.Trail, s hunt.Signal) string {
	switch s.Kind {
	case hunt.SignalNeverRedeemed:
		return "never redeemed"
	case hunt.SignalRedeemIPDiffers:
		return "redeem IP differs"
	case hunt.SignalPrivilegedRole:
		return withGap("admin role", t, hunt.StepRole)
	case hunt.SignalAdminGroup:
		return withGap("admin group", t, hunt.StepGroup)
	case hunt.SignalLookalikeDomain:
		return "lookalike"
	case hunt.SignalFreeMail:
		return "free mail"
	case hunt.SignalNewDomain:
		return "new domain"
	}
	// A kind this build does not know: its name (from the engine, still
	// drawn through ui/safe by the table).
	return string(s.Kind)
}

// withGap adds the gap to the trail's first step of kind k.
func withGap(label string, t hunt.Trail, k hunt.StepKind) string {
	for _, st := range t.Steps {
		if st.Kind == k {
			return label + " " + shortSpan(st.SinceInvite)
		}
	}
	return label
}

// shortSpan is a gap in its largest unit, rounded ("40m", "3h", "2d"): a
// cell says how soon, the trail page says exactly.
func shortSpan(d time.Duration) string {
	units := []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}}
	for _, u := range units {
		if d >= u.size {
			return fmt.Sprintf("%d%s", (d+u.size/2)/u.size, u.name)
		}
	}
	return fmt.Sprintf("%ds", (d+time.Second/2)/time.Second)
}

// signalCell is an inviter's strongest signal among its guests.
type signalCell struct {
	label  string
	weight int
}

// inviterSignals is each inviter's strongest signal over its guests' trails.
func inviterSignals(by map[trailKey]hunt.Trail) map[string]signalCell {
	out := map[string]signalCell{}
	for k, t := range by {
		s, ok := strongest(t.Signals)
		if !ok {
			// No signal from the invite alone, and the rest was never
			// pulled: say so rather than leave the cell blank.
			if _, seen := out[k.inviter]; !seen && t.NotPulled != "" {
				out[k.inviter] = signalCell{label: t.NotPulled}
			}
			continue
		}
		if c, seen := out[k.inviter]; !seen || s.Weight > c.weight || s.Weight == c.weight && signalLabel(t, s) < c.label {
			out[k.inviter] = signalCell{label: signalLabel(t, s), weight: s.Weight}
		}
	}
	return out
}

// guestSignalCells is each inviter's guests with their signals' labels,
// strongest first.
func guestSignalCells(by map[trailKey]hunt.Trail) map[string]map[string]string {
	out := map[string]map[string]string{}
	for k, t := range by {
		if len(t.Signals) == 0 && t.NotPulled == "" {
			continue
		}
		var labels []string
		for _, s := range byStrength(t.Signals) {
			labels = append(labels, signalLabel(t, s))
		}
		if t.NotPulled != "" { // the signals the later steps would give are unknown
			labels = append(labels, t.NotPulled)
		}
		if out[k.inviter] == nil {
			out[k.inviter] = map[string]string{}
		}
		out[k.inviter][k.guest] = strings.Join(labels, ", ")
	}
	return out
}

// setSignalColumns gives the signal columns their priority: until trails
// are in (or without a trail engine) they are blank on every row, so they
// give way to every other column, even on an empty pane.
func (m *Model) setSignalColumns() {
	known := m.trails.by != nil
	m.inviters.SetColumns(signalPriority(inviterColumns(), colSignal, known))
	m.guests.SetColumns(signalPriority(guestColumns(), gcolSignals, known))
}

func signalPriority(cols []table.Column, col int, known bool) []table.Column {
	if !known {
		cols[col].Priority = len(cols) + 1
	}
	return cols
}

// resignal shows the kept trails' signals in both panes. The inviter rows
// keep their order unless the Signal column orders them.
func (m *Model) resignal() {
	m.setSignalColumns()
	if m.sortCol == colSignal {
		m.refilter()
	} else {
		m.rows = m.rows.withSignals(m.trails.inviterSig, m.sortCol, m.sortDesc)
		m.inviters.SetSource(m.rows)
	}
	if g, ok := m.guests.Source().(guestTable); ok {
		g.sig = m.trails.guestSig[m.selected]
		m.guests.SetSource(g)
	}
}
