package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// Drawing the timeline: a column per day (one to three cells, as the width
// allows; it scrolls to keep the cursor in view when the days do not fit),
// invites above alerts, both as eighth-block bars like the sensitivity
// strip. A day that alerted has alert bars (a day that did not shows ·, a
// day without a covered run ░) and its invites are drawn in the alert
// style, so it stands out in colour and without.

const timelineGutter = 9 // "Invites  "

func (p timelinePage) View(env pageEnv) string {
	lines := p.lines(env.st, env.width, env.height)
	for len(lines) < env.height {
		lines = append(lines, "")
	}
	lines = lines[:max(env.height, 1)]
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, env.width, "…")
	}
	return strings.Join(lines, "\n")
}

// lines lays the page out for width x height (View cuts and pads).
func (p timelinePage) lines(st Styles, width, height int) []string {
	out := []string{p.titleLine(st), p.stateLine(st, width), ""}
	r := p.rep
	if r == nil || len(r.Days) == 0 {
		if r != nil {
			out[1] = st.Dim.Render("the replay has no days: no invite events in the data")
		}
		return out
	}
	ih, ah := chartHeights(height - 6)
	cols := dayColumns(len(r.Days), p.cursor, width-timelineGutter)
	out = append(out, timelineChart(r.Days, cols, ih, "Invites", st, func(d hunt.ReplayDay) (int, bool) { return d.Invites, true }, r)...)
	out = append(out, timelineChart(r.Days, cols, ah, "Alerts", st, func(d hunt.ReplayDay) (int, bool) {
		_, ok := runOn(r, d.Day)
		return d.Alerts, ok
	}, r)...)
	out = append(out, timelineAxis(r.Days, cols, st), timelineCursor(r.Days, cols, p.cursor, st), "")
	return append(out, dayLines(r, p.cursor, st, max(height-len(out), 1))...)
}

func (p timelinePage) titleLine(st Styles) string {
	rp := p.want.Params
	return st.Title.Render("Timeline") + st.Dim.Render(fmt.Sprintf(" the rule day by day · baseline %s · window %s",
		hunt.FormatTimespan(rp.Baseline), hunt.FormatTimespan(rp.Window)))
}

// stateLine says what is shown: waiting, stale, failed, or the summary.
func (p timelinePage) stateLine(st Styles, width int) string {
	r := p.rep
	switch {
	case p.err != "":
		return st.Error.Render("replay failed: ") + styled(p.err, st.Error, st.Marker)
	case r == nil:
		return st.Dim.Render("replaying…")
	case p.stale():
		old := p.repFor.Params
		return st.Warning.Render(fmt.Sprintf("stale: showing baseline %s, window %s; recomputing…",
			hunt.FormatTimespan(old.Baseline), hunt.FormatTimespan(old.Window)))
	}
	alerted := 0
	for _, run := range r.Runs {
		if len(run.Rows) > 0 {
			alerted++
		}
	}
	at := ""
	if len(r.Runs) > 0 {
		at = " at " + r.Runs[0].AsOf.UTC().Format("15:04") + " UTC"
	}
	s := fmt.Sprintf("%s daily%s, %d alerted · replayed in %s", plural(len(r.Runs), "run"), at, alerted, r.Elapsed.Round(time.Millisecond))
	if cols := dayColumns(len(r.Days), p.cursor, width-timelineGutter); cols.n < len(r.Days) {
		s += fmt.Sprintf(" · days %d–%d of %d", cols.lo+1, cols.lo+cols.n, len(r.Days))
	}
	if p.waiting() {
		s += " · recomputing…"
	}
	return st.Dim.Render(s)
}

// chartHeights splits the rows left for bars between invites and alerts,
// keeping eight for the selected day.
func chartHeights(rows int) (invites, alerts int) {
	chart := max(rows-8, 2)
	invites = min(max(chart*2/3, 1), 8)
	return invites, min(max(chart-invites, 1), 4)
}

// columns is which days are drawn and how wide each is.
type columns struct {
	lo, n, w int // first day shown, how many, cells per day
}

// dayColumns fits n days in avail cells: up to three cells a day when they
// fit, else one, scrolled to keep the cursor in the middle.
func dayColumns(n, cursor, avail int) columns {
	avail = max(avail, 1)
	w := max(1, min(avail/max(n, 1), 3))
	vis := min(n, avail/w)
	lo := 0
	if n > vis {
		lo = max(0, min(cursor-vis/2, n-vis))
	}
	return columns{lo: lo, n: vis, w: w}
}

// cell draws one day's glyph, padded to the column: the glyph fills all
// but a gap cell when a day has more than one.
func (c columns) cell(g string) string {
	if c.w == 1 {
		return g
	}
	return strings.Repeat(g, c.w-1) + " "
}

// timelineChart draws rows lines of bars, the largest value at full height.
// value gives a day's count and whether it is known (false: no covered run).
func timelineChart(days []hunt.ReplayDay, cols columns, rows int, title string, st Styles,
	value func(hunt.ReplayDay) (int, bool), r *hunt.Replay) []string {
	peak := 0
	for _, d := range days {
		if v, ok := value(d); ok {
			peak = max(peak, v)
		}
	}
	out := make([]string, rows)
	for row := range rows {
		label := ""
		switch row {
		case 0:
			label = title
		case 1:
			label = fmt.Sprintf("max %d", peak)
		}
		if rows == 1 {
			label = fmt.Sprintf("%s %d", title[:min(len(title), 3)], peak)
		}
		var b strings.Builder
		b.WriteString(st.Label.Render(fmt.Sprintf("%-*s", timelineGutter, label)))
		fromBottom := rows - 1 - row
		for i := cols.lo; i < cols.lo+cols.n; i++ {
			d := days[i]
			v, known := value(d)
			alerted := d.Alerts > 0
			style := st.TimelineBar
			if alerted {
				style = st.TimelineAlert
			}
			var g string
			switch {
			case !known:
				g, style = " ", st.StripUncovered
				if fromBottom == 0 {
					g = glyphUncovered
				}
			case v == 0:
				g = " "
				if fromBottom == 0 {
					g, style = glyphZero, st.Dim
				}
			default:
				// Eighths of the chart's height; any count shows at least one.
				eighths := max(1, (v*rows*barLevels+peak-1)/peak)
				fill := eighths - fromBottom*barLevels
				switch {
				case fill >= barLevels:
					g = bar(barLevels - 1)
				case fill > 0:
					g = bar(fill - 1)
				default:
					g = " "
				}
			}
			b.WriteString(style.Render(cols.cell(g)))
		}
		out[row] = b.String()
	}
	return out
}

// timelineAxis labels Mondays (MM-DD) where a label fits after the last.
func timelineAxis(days []hunt.ReplayDay, cols columns, st Styles) string {
	cells := []rune(strings.Repeat(" ", cols.n*cols.w))
	next := 0
	for i := 0; i < cols.n; i++ {
		d := days[cols.lo+i].Day.UTC()
		at := i * cols.w
		if d.Weekday() != time.Monday || at < next {
			continue
		}
		label := []rune("╵" + d.Format("01-02"))
		if at+len(label) > len(cells) {
			break
		}
		copy(cells[at:], label)
		next = at + len(label) + 1
	}
	return st.Label.Render(fmt.Sprintf("%-*s", timelineGutter, "UTC")) + st.Dim.Render(strings.TrimRight(string(cells), " "))
}

// timelineCursor puts ▲ under the selected day, its date beside it.
func timelineCursor(days []hunt.ReplayDay, cols columns, cursor int, st Styles) string {
	at := timelineGutter + (cursor-cols.lo)*cols.w
	label := " " + days[cursor].Day.UTC().Format("Mon 01-02")
	if at+1+len(label) > timelineGutter+cols.n*cols.w && at-len(label) >= 0 {
		return strings.Repeat(" ", at-len(label)) + st.Value.Render(label[1:]+" ") + st.TimelineCursor.Render("▲")
	}
	return strings.Repeat(" ", at) + st.TimelineCursor.Render("▲") + st.Value.Render(label)
}

// dayLines describe the selected day and its run: the inviters it flagged,
// new ones marked NEW, and those flagged the run before but no longer (GONE),
// at most rows lines.
func dayLines(r *hunt.Replay, cursor int, st Styles, rows int) []string {
	d := r.Days[cursor]
	out := []string{st.Value.Render(d.Day.UTC().Format("Mon 2006-01-02")) +
		st.Dim.Render(fmt.Sprintf(": %s, %s", plural(d.Invites, "invite"), plural(d.Alerts, "alert row")))}
	run, ok := runOn(r, d.Day)
	if !ok {
		return append(out, st.Dim.Render("no run this day: its baseline reaches before the data"))
	}
	cov := st.Dim.Render("baseline covered")
	if !run.Covered {
		cov = st.Warning.Render("baseline NOT covered: inviters with older history look new")
	}
	out = append(out, st.Dim.Render(fmt.Sprintf("run as of %s UTC: %s flagged (%d new, %d gone) · ",
		tableTime(run.AsOf), plural(len(run.Inviters), "inviter"), len(run.New), len(run.Gone)))+cov)
	isNew := make(map[string]bool, len(run.New))
	for _, u := range run.New {
		isNew[u] = true
	}
	upnW := 0 // UPNs padded to one column, within reason
	for _, s := range run.Inviters {
		upnW = max(upnW, min(safe.Width(s.UPN), 48))
	}
	var items []string
	for _, s := range run.Inviters {
		mark := "     "
		if isNew[s.UPN] {
			mark = st.TimelineAlert.Render("NEW") + "  "
		}
		extra := fmt.Sprintf("  %s, %s", plural(s.Invites, "invite"), plural(s.DistinctGuests, "guest"))
		if t, ok := r.FirstFired[s.UPN]; ok {
			extra += " · first fired " + tableTime(t)
		}
		pad := strings.Repeat(" ", max(upnW-safe.Width(s.UPN), 0))
		items = append(items, "  "+mark+styled(s.UPN, st.Value, st.Marker)+pad+st.Dim.Render(extra))
	}
	for _, u := range run.Gone {
		items = append(items, "  "+st.Dim.Render("GONE ")+styled(u, st.Dim, st.Marker)+st.Dim.Render("  flagged the run before, not here"))
	}
	room := rows - len(out)
	if len(items) > room && room > 0 {
		items = append(items[:room-1], st.Dim.Render(fmt.Sprintf("  … %d more (enter: the main page lists them)", len(items)-room+1)))
	}
	return append(out, items...)
}
