package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// Drawing the trail: a compact vertical timeline, a step a line (time, the
// gap since the invite, a glyph and the kind, then operation, actor, IP
// and detail from the log, each fitted through ui/safe); when those do not
// fit beside each other (80 columns) a step takes two lines. Below, the
// signals with their plain-word explanations. The steps scroll to keep the
// cursor in view; the title and state lines stay.

const trailHead = 3 // title, state, blank (and the not-pulled notice, when there is one)

// notPulledNotice is the page header's word on a trail over a span pulled
// with scope invites: its steps there were never fetched.
func notPulledNotice(t hunt.Trail) string {
	return fmt.Sprintf("%s: %s to %s was pulled with scope invites, so redemptions, grants and deletions there are unknown; guesthunt pull --db FILE --scope trail",
		t.NotPulled, tableTime(t.NotPulledFrom), tableTime(t.NotPulledTo))
}

func (p trailPage) View(env pageEnv) string {
	head, body, at := p.lines(env.st, env.width)
	room := max(env.height-len(head), 0)
	off := 0
	if at+2 > room { // the cursor's step (up to two lines) in view
		off = min(at+2-room, max(len(body)-room, 0))
	}
	lines := append(head, body[min(off, len(body)):]...)
	for len(lines) < env.height {
		lines = append(lines, "")
	}
	lines = lines[:max(env.height, 1)]
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, env.width, "…") // a guard: every part is fitted already
	}
	return strings.Join(lines, "\n")
}

// lines lays the page out: the fixed head, the body, and the body line the
// cursor's step starts on.
func (p trailPage) lines(st Styles, width int) (head, body []string, at int) {
	head = []string{p.titleLine(st, width), p.stateLine(st, width)}
	t := p.trail
	if t != nil && t.NotPulled != "" {
		head = append(head, wrapWords([]string{st.Warning.Render(notPulledNotice(*t))}, max(width, 8))...)
	}
	head = append(head, "")
	if t == nil {
		return head, nil, 0
	}
	body = append(body, st.HelpSection.Render("Steps")+st.Dim.Render(" (UTC; + is the time since the invite)"))
	steps, at := stepLines(t.Steps, p.cursor, st, width)
	body = append(body, steps...)
	if t.NotPulled != "" {
		body = append(body, st.Warning.Render("  later steps: "+t.NotPulled))
	}
	body = append(body, "", st.HelpSection.Render("Signals")+st.Dim.Render(" (strongest first)"))
	sigs := byStrength(t.Signals)
	switch {
	case len(sigs) == 0 && t.NotPulled != "":
		body = append(body, st.Dim.Render("  none from the invite alone: the later steps were not pulled"))
	case len(sigs) == 0:
		body = append(body, st.Dim.Render("  none: nothing in this trail stands out"))
	}
	for _, s := range sigs {
		line := st.Warning.Render(safe.Text(signalLabel(*t, s))) + st.Dim.Render(": ") + styled(s.Detail, st.Value, st.Marker)
		for i, l := range wrapWords([]string{line}, max(width-4, 8)) {
			indent := "  " // continuation lines under the explanation
			if i > 0 {
				indent = "    "
			}
			body = append(body, indent+l)
		}
	}
	return head, body, at + 1
}

func (p trailPage) titleLine(st Styles, width int) string {
	w := max((width-len("Trail  invited by "))/2, 8)
	return st.Title.Render("Trail") + " " + safe.StyledLine(p.key.guest, w, rf(st.Value), rf(st.Marker)) +
		st.Dim.Render(" invited by ") + safe.StyledLine(p.key.inviter, w, rf(st.Value), rf(st.Marker))
}

// stateLine says what is shown: waiting, failed, stale, missing, or the
// trail's summary.
func (p trailPage) stateLine(st Styles, width int) string {
	t := p.trail
	switch {
	case p.err != "":
		return st.Error.Render("trails failed: ") + styled(p.err, st.Error, st.Marker) + st.Dim.Render(" (R retries)")
	case t == nil && p.waiting():
		return st.Dim.Render("following the guest…")
	case t == nil:
		return st.Dim.Render("no trail for this guest at these parameters (is its inviter still flagged?)")
	case p.missing:
		return st.Warning.Render("not in the latest trails: showing the trail for the earlier parameters")
	case p.stale():
		return st.Warning.Render("stale: the trail for the earlier parameters; following again…")
	}
	s := fmt.Sprintf(" · invited %s UTC · %s · %s", tableTime(t.InvitedAt), plural(len(t.Steps), "step"), plural(len(t.Signals), "signal"))
	if p.waiting() {
		s += " · following again…"
	}
	return st.Label.Render("e-mail ") + safe.StyledLine(t.Email, max(width-7-len(s), 12), rf(st.Value), rf(st.Marker)) + st.Dim.Render(s)
}

// stepGlyph marks a step's kind so the rail reads without colour.
func stepGlyph(k hunt.StepKind) string {
	switch k {
	case hunt.StepInvite:
		return "○"
	case hunt.StepRedeem:
		return "●"
	case hunt.StepGroup:
		return "◆"
	case hunt.StepRole:
		return "▲"
	case hunt.StepApp:
		return "■"
	case hunt.StepUserType:
		return "▼"
	case hunt.StepDelete:
		return "×"
	}
	return "·"
}

// stepStyle: grants stand out, a deletion recedes.
func stepStyle(k hunt.StepKind, st Styles) lipgloss.Style {
	switch k {
	case hunt.StepGroup, hunt.StepRole, hunt.StepApp, hunt.StepUserType:
		return st.Warning
	case hunt.StepDelete:
		return st.Dim
	}
	return st.Value
}

// stepFields are a step's variable fields, from the log.
func stepFields(s hunt.TrailStep) [4]string { return [4]string{s.Operation, s.Actor, s.IP, s.Detail} }

// fieldCaps are the natural widths' caps of the variable fields
// (operation, actor, IP, detail) on one line.
func fieldCaps() [4]int { return [4]int{36, 40, 39, 60} }

// stepLines draws the steps and says on which line the cursor's starts.
func stepLines(steps []hunt.TrailStep, cursor int, st Styles, width int) (out []string, at int) {
	gapW, kindW := 0, 0
	caps := fieldCaps()
	var nat [4]int
	for _, s := range steps {
		gapW = max(gapW, len(gapText(s)))
		kindW = max(kindW, safe.Width(string(s.Kind)))
		for i, f := range stepFields(s) {
			nat[i] = max(nat[i], min(safe.Width(f), caps[i]))
		}
	}
	fixed := 2 + 19 + 2 + gapW + 2 + 2 + kindW + 2
	w, one := fitFields(nat, width-fixed)
	for i, s := range steps {
		if i == cursor {
			at = len(out)
		}
		mark := "  "
		if i == cursor {
			mark = st.TimelineCursor.Render("▸") + " "
		}
		ks := stepStyle(s.Kind, st)
		left := mark + st.Dim.Render(tableTime(s.Time)+"  ") + st.Label.Render(fmt.Sprintf("%-*s", gapW, gapText(s))) + "  " +
			ks.Render(stepGlyph(s.Kind)+" ") + safe.StyledLine(string(s.Kind), kindW, rf(ks), rf(st.Marker)) +
			strings.Repeat(" ", kindW-safe.Width(string(s.Kind))+2)
		f := stepFields(s)
		if one {
			var b strings.Builder
			for j := range f {
				if w[j] == 0 {
					continue
				}
				cell := safe.StyledLine(f[j], w[j], rf(fieldStyle(j, st)), rf(st.Marker))
				b.WriteString(cell)
				if j < len(f)-1 {
					b.WriteString(strings.Repeat(" ", w[j]-min(safe.Width(f[j]), w[j])+2))
				}
			}
			out = append(out, left+strings.TrimRight(b.String(), " "))
			continue
		}
		// Two lines: the operation beside the kind, the rest below it.
		out = append(out, left+safe.StyledLine(f[0], max(width-fixed, 1), rf(fieldStyle(0, st)), rf(st.Marker)))
		out = append(out, strings.Repeat(" ", 6)+restLine(f, width-6, st))
	}
	return out, at
}

// fitFields gives the variable fields their widths in avail cells (with two
// between them), narrowing in stages: operation and actor to 16 cells, the
// detail (the group, the role: the point of the step) to 24, operation and
// actor to 10, the detail to 6; the widest of a stage's fields first. The
// IP is never narrowed (a cut IP reads as another one): false when even
// the last floors do not fit, and the step takes two lines.
func fitFields(nat [4]int, avail int) (w [4]int, one bool) {
	w = nat
	n := 0
	for _, x := range nat {
		if x > 0 {
			n++
		}
	}
	avail -= 2 * max(n-1, 0)
	stages := []struct {
		fields []int
		floor  int
	}{{[]int{0, 1}, 16}, {[]int{3}, 24}, {[]int{0, 1}, 10}, {[]int{3}, 6}}
	for _, sg := range stages {
		for w[0]+w[1]+w[2]+w[3] > avail {
			j := -1
			for _, i := range sg.fields {
				if w[i] > sg.floor && (j < 0 || w[i] > w[j]) {
					j = i
				}
			}
			if j < 0 {
				break
			}
			w[j]--
		}
	}
	return w, w[0]+w[1]+w[2]+w[3] <= avail
}

// restLine is the second line of a step: the detail first (the point of
// the step), then the IP whole when it fits, the actor in what is left.
func restLine(f [4]string, width int, st Styles) string {
	detail, actor, ip := f[3], f[1], f[2]
	var parts []string
	left := width
	if detail != "" {
		parts = append(parts, safe.StyledLine(detail, left, rf(fieldStyle(3, st)), rf(st.Marker)))
		left -= min(safe.Width(detail), left) + 2
	}
	ipW := safe.Width(ip)
	if ip == "" || ipW+2+6 > left {
		ip, ipW = "", 0 // an IP is whole or not shown
	}
	if room := left - ipW - 2*b2i(ip != ""); actor != "" && room > 2 {
		parts = append(parts, safe.StyledLine(actor, room, rf(fieldStyle(1, st)), rf(st.Marker)))
	}
	if ip != "" {
		parts = append(parts, safe.StyledLine(ip, ipW, rf(fieldStyle(2, st)), rf(st.Marker)))
	}
	return strings.Join(parts, "  ")
}

func fieldStyle(j int, st Styles) lipgloss.Style {
	if j == 0 {
		return st.Value
	}
	return lipgloss.NewStyle()
}

func gapText(s hunt.TrailStep) string {
	if s.Kind == hunt.StepInvite && s.SinceInvite == 0 {
		return "" // the invite is the reference
	}
	return "+" + hunt.FormatSpan(s.SinceInvite)
}
