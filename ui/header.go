package ui

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// HeaderInfo is what the header shows: the data, the parameters, coverage.
type HeaderInfo struct {
	Data     DataSetInfo
	Params   ParamsInfo
	Coverage CoverageInfo
	Triage   *TriageInfo // nil: no triage line (the workbench always has one)
	// Exercise is the exercise label (scenario and clock); "" outside one.
	Exercise string
	// Remote is the workspace the alerts were computed in ("" for loaded
	// data); RemoteBusy says a query is in flight there.
	Remote     string
	RemoteBusy bool
	// Warnings are further cautions (the engine's: an empty window, an
	// as-of after the data; the load's problems), text from outside.
	Warnings []string
}

// maxWarningLines bounds the wrapped warnings, so they never push the
// panes or the key hints off a small screen.
const maxWarningLines = 3

// TriageInfo is the header's triage line: progress over the flagged
// inviters and where verdicts are kept.
type TriageInfo struct {
	Available bool // a store is open
	Loaded    bool // its verdicts have been read at least once
	Err       string
	Triaged   int // flagged inviters with a verdict other than untriaged
	Flagged   int
	Saving    int // saves in flight
	Location  string
	Durable   bool
}

// kustoTime keeps all seven fractional digits Kusto has, and no trailing zeros.
const kustoTime = "2006-01-02T15:04:05.9999999Z07:00"

// Header draws two lines, a third with Triage, and one more when the
// baseline is not covered, each cut
// to width. File names, the coverage note and the verdicts' location come
// from outside and are sanitized.
func Header(h HeaderInfo, st Styles, width int) string {
	if width <= 0 {
		return ""
	}
	d := h.Data
	line1 := st.Title.Render("guesthunt")
	if d.Demo {
		line1 += " " + st.Demo.Render(" DEMO ")
	}
	if h.Exercise != "" {
		line1 += " " + st.Demo.Render(safe.Text(h.Exercise))
	}
	if h.Remote != "" {
		line1 += remoteLabel(h, st)
	} else {
		line1 += localLabel(d, st)
	}

	p := h.Params
	asOf := p.AsOf.UTC().Format(kustoTime)
	switch {
	case d.Loading && p.AsOf.IsZero():
		asOf = safe.Text(p.AsOfNote) + ", once loaded"
	case h.Remote != "" && p.AsOf.IsZero():
		asOf = "now, once the workspace answers" // nothing ran yet (or it failed)
	case p.AsOfNote != "":
		asOf += " (" + safe.Text(p.AsOfNote) + ")"
	}
	// Most important first: a narrow terminal cuts from the right.
	line2 := st.Label.Render("baseline ") + st.Value.Render(safe.Text(p.Baseline)) +
		st.Label.Render("  window ") + st.Value.Render(safe.Text(p.Window)) + "  "
	if p.FoldCase {
		// Sentinel compares case-sensitively: a folded run must say so.
		line2 += st.Warning.Render("FOLD-CASE (not Sentinel-exact)")
	} else {
		line2 += st.Label.Render("case-sensitive")
	}
	line2 += st.Label.Render("  as of ") + st.Value.Render(asOf)

	lines := []string{line1, line2}
	switch {
	case d.Loading:
		lines = append(lines, st.Label.Render("verdicts ")+st.Dim.Render("read once the data is in"))
	case h.Triage != nil:
		lines = append(lines, triageLine(*h.Triage, st))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, width, "…")
	}
	return strings.Join(append(lines, warningLines(h.allWarnings(), st, width)...), "\n")
}

func filesLabel(files []string) string {
	switch len(files) {
	case 0:
		return "no data loaded"
	case 1:
		return safe.Text(filepath.Base(files[0]))
	}
	return fmt.Sprintf("%d files", len(files))
}

func triageLine(t TriageInfo, st Styles) string {
	if !t.Available {
		return st.Label.Render("verdicts ") + st.Warning.Render("unavailable: no case store (t, n and the verdict filter do nothing)")
	}
	line := st.Label.Render("verdicts ")
	switch {
	case !t.Loaded && t.Err == "":
		line += st.Dim.Render("loading…")
	default:
		line += st.Value.Render(fmt.Sprintf("%d/%d triaged", t.Triaged, t.Flagged))
	}
	if t.Saving > 0 {
		line += st.Dim.Render(fmt.Sprintf("  %d saving…", t.Saving))
	}
	if t.Err != "" {
		line += "  " + st.Error.Render("⚠ not read: ") + safe.StyledLine(t.Err, 60, rf(st.Error), rf(st.Marker))
	}
	loc := t.Location
	if loc == "" {
		loc = "(location not given)"
	}
	line += st.Label.Render("  stored in ")
	if t.Durable {
		line += safe.StyledLine(loc, 200, rf(st.Value), rf(st.Marker))
	} else {
		line += st.Warning.Render("⚠ ") + safe.StyledLine(loc, 200, rf(st.Warning), rf(st.Marker))
	}
	return line
}

// warningLines wraps each warning within width (a warning is read whole,
// not cut at the edge), at most maxWarningLines in all; the last line says
// how much did not fit.
func warningLines(warnings []string, st Styles, width int) []string {
	var out []string
	for _, w := range warnings {
		wrapped := strings.Split(ansi.Wrap("⚠ "+safe.Text(w), max(width, 1), " "), "\n")
		for i, l := range wrapped {
			if i > 0 {
				l = "  " + l
			}
			out = append(out, ansi.Truncate(l, width, "…"))
		}
	}
	if len(out) > maxWarningLines {
		rest := len(out) - maxWarningLines + 1
		out = append(out[:maxWarningLines-1], ansi.Truncate(fmt.Sprintf("  … %s more: L shows every warning", plural(rest, "line")), width, "…"))
	}
	for i, l := range out {
		out[i] = st.Warning.Render(l)
	}
	return out
}

// headerLines is the header's height without warnings: data, parameters,
// verdicts.
const headerLines = 3

// allWarnings are the header's warnings in order: coverage first.
func (h HeaderInfo) allWarnings() []string {
	var warnings []string
	if !h.Coverage.BaselineCovered {
		note := "baseline not covered by the data: inviters older than the export look new"
		if h.Coverage.Note != "" {
			note = h.Coverage.Note
		}
		warnings = append(warnings, note)
	}
	return append(warnings, h.Warnings...)
}

// localLabel is the loaded data: files, events, time span.
func localLabel(d DataSetInfo, st Styles) string {
	line := "  " + st.Value.Render(filesLabel(d.Files)) + st.Dim.Render(" · ")
	if d.Loading {
		line += st.Dim.Render("loading…")
	} else {
		line += st.Value.Render(thousands(d.Events) + " events")
	}
	if !d.From.IsZero() {
		line += st.Dim.Render(" · ") + st.Value.Render(d.From.UTC().Format(kustoTime)+" → "+d.To.UTC().Format(kustoTime))
	}
	return line
}

// remoteLabel is the workspace the alerts come from, and whether a query
// is running there (the panes show the previous answer meanwhile).
func remoteLabel(h HeaderInfo, st Styles) string {
	ws := safe.Line(h.Remote, 60)
	line := " " + st.Demo.Render(" REMOTE ") + "  " + st.Value.Render("workspace "+ws) + st.Dim.Render(" · ")
	if h.RemoteBusy {
		return line + st.Warning.Render("remote query running in workspace "+ws+"…")
	}
	return line + st.Dim.Render("alerts computed in the workspace (Log Analytics)")
}
