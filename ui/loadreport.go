package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// LoadProblemCount is how many things went wrong in a load, for a warning in
// the header: rejected records plus files that broke off or could not be
// read (an incomplete file is counted once).
func LoadProblemCount(r store.LoadReport) int {
	n := 0
	for _, f := range r.Files {
		n += int(f.Rejected)
		if f.Error != "" || f.Incomplete {
			n++
		}
	}
	return n
}

// LoadReportLines lists what a load did, every line at most width cells:
// per file its counts, then what kept records out (rejections with file:line
// and reason, records that are not audit events by kind, duplicates,
// conflicts) and files that broke off or failed; the totals last. Paths and
// reasons come from the files and are drawn through safe, markers styled.
func LoadReportLines(r store.LoadReport, st Styles, width int) []string {
	if width <= 0 {
		return nil
	}
	w := reportWriter{st: st, width: width}
	for _, note := range r.Repaired {
		w.text(st.Warning, "repaired  ", note)
	}
	for _, f := range r.Files {
		w.file(f)
	}
	if len(r.Files) > 1 {
		t := r.Totals()
		w.facts(st.Value, "total  ", append(countParts(t), "in "+formatClock(r.Elapsed)))
	}
	return w.lines
}

// reportWriter gathers the report's lines, each cut to width.
type reportWriter struct {
	st    Styles
	width int
	lines []string
}

// plain adds a line of the program's own text.
func (w *reportWriter) plain(style lipgloss.Style, s string) {
	w.lines = append(w.lines, style.Render(ansi.Truncate(s, w.width, safe.Ellipsis)))
}

// facts adds the program's own figures after prefix, as many to a line as
// fit, the next lines indented under the first figure.
func (w *reportWriter) facts(style lipgloss.Style, prefix string, parts []string) {
	line := prefix
	for i, p := range parts {
		switch {
		case i == 0:
			line += p
		case ansi.StringWidth(line)+3+ansi.StringWidth(p) <= w.width:
			line += " · " + p
		default:
			w.plain(style, line)
			line = strings.Repeat(" ", len(prefix)) + p
		}
	}
	w.plain(style, line)
}

// text adds a label (the program's) and data from the file (sanitized,
// its markers styled), wrapped within the width.
func (w *reportWriter) text(label lipgloss.Style, prefix, data string) {
	room := w.width - ansi.StringWidth(prefix)
	if room < 4 {
		w.plain(label, prefix)
		return
	}
	// Wrapped, never cut: a reason is read whole (markers stay styled).
	indent := strings.Repeat(" ", ansi.StringWidth(prefix))
	for i, l := range strings.Split(ansi.Wrap(styled(data, lipgloss.NewStyle(), w.st.Marker), room, " "), "\n") {
		if i == 0 {
			w.lines = append(w.lines, label.Render(prefix)+l)
		} else {
			w.lines = append(w.lines, indent+l)
		}
	}
}

// problem adds "  kind  file:line: why" for a record of f, on two lines
// when one cannot hold it. The line (or record) number is never cut: a long
// path gives way instead.
func (w *reportWriter) problem(label lipgloss.Style, kind string, f store.FileReport, p store.Problem, why string) {
	prefix := "  " + kind + "  "
	at := fmt.Sprintf(": record %d", p.Record)
	if p.Line > 0 {
		at = fmt.Sprintf(":%d", p.Line)
	}
	room := w.width - ansi.StringWidth(prefix)
	if safe.Width(f.Path)+len(at)+2+safe.Width(why) <= room {
		w.text(label, prefix, f.Location(p)+": "+why)
		return
	}
	if pathRoom := room - len(at); pathRoom >= 4 {
		w.lines = append(w.lines, label.Render(prefix)+safe.StyledLine(f.Path, pathRoom, nil, rf(w.st.Marker))+at)
	} else {
		w.text(label, prefix, f.Location(p))
	}
	w.text(w.st.Dim, strings.Repeat(" ", len(prefix)+2), why)
}

func (w *reportWriter) file(f store.FileReport) {
	st := w.st
	w.lines = append(w.lines, safe.StyledLine(f.Path, w.width, rf(st.Title), rf(st.Marker)))
	var facts []string
	if f.Format != "" {
		facts = append(facts, string(f.Format)+via(f.Via))
	}
	facts = append(facts, countParts(f)...)
	if f.Elapsed > 0 {
		facts = append(facts, formatClock(f.Elapsed))
	}
	w.facts(st.Dim, "  ", facts)
	if !f.From.IsZero() {
		w.plain(st.Dim, "  "+f.From.UTC().Format(time.RFC3339)+" .. "+f.To.UTC().Format(time.RFC3339))
	}
	switch {
	case f.Incomplete:
		// The program's words first: a long reason must not cut them off.
		w.text(st.Warning, fmt.Sprintf("  INCOMPLETE  the %s records before it broke off are loaded: ", thousands(int(f.Records))), f.Error)
	case f.Error != "":
		w.text(st.Error, "  error  ", f.Error)
	}
	if len(f.Skipped) > 0 && !strings.HasPrefix(f.Error, "no audit events") {
		w.text(st.Dim, "  skipped  ", f.Skipped.String()+" (not audit events)")
	}
	if f.Repeats > 0 {
		w.plain(st.Dim, fmt.Sprintf("  duplicates  %s records repeat an earlier record of this file", thousands(int(f.Repeats))))
	}
	for _, p := range f.Rejections {
		w.problem(st.Warning, "rejected", f, p, p.Reason)
	}
	if extra := f.Rejected - int64(len(f.Rejections)); extra > 0 {
		w.plain(st.Warning, fmt.Sprintf("  rejected  %s more", thousands(int(extra))))
	}
	for _, p := range f.ConflictIn {
		w.problem(st.Dim, "conflict", f, p, p.Reason)
	}
	if extra := f.Conflicts - int64(len(f.ConflictIn)); extra > 0 && len(f.ConflictIn) > 0 {
		w.plain(st.Dim, fmt.Sprintf("  conflict  %s more", thousands(int(extra))))
	}
}

// countParts are a file's (or the totals') counts in words.
func countParts(f store.FileReport) []string {
	return []string{thousands(int(f.Records)) + " records", thousands(int(f.Loaded)) + " loaded",
		thousands(int(f.Duplicates)) + " duplicates", thousands(int(f.Conflicts)) + " conflicts",
		thousands(int(f.Rejected)) + " rejected"}
}

func via(v string) string {
	if v == "" {
		return ""
	}
	return " (" + v + ")"
}
