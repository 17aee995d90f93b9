package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// The event detail: the alert's entity mappings, where the record came from,
// and the original record as the export holds it, pretty-printed.

// styled sanitizes s and styles its plain runs with st and its markers with
// mark, so a marker never passes for data.
func styled(s string, st, mark lipgloss.Style) string {
	var b strings.Builder
	for _, sg := range safe.Segments(s) {
		if sg.Marker {
			b.WriteString(mark.Render(sg.Text))
		} else {
			b.WriteString(st.Render(sg.Text))
		}
	}
	return b.String()
}

// entity draws one entity mapping, a field a line, values from the data.
func entity(st Styles, kind string, fields [][2]string) []string {
	var out []string
	for i, f := range fields {
		head := fmt.Sprintf("  %-18s", "")
		if i == 0 {
			head = fmt.Sprintf("  %-18s", kind)
		}
		v := st.Dim.Render("(empty)")
		if f[1] != "" {
			v = styled(f[1], st.Value, st.Marker)
		}
		out = append(out, st.Label.Render(head+fmt.Sprintf("%-10s", f[0]))+v)
	}
	return out
}

// detailLines lays the detail out for width; it is rebuilt on resize and
// theme change, from the message that brought the record.
func detailLines(d detailMsg, st Styles, width int) []string {
	a := d.alert
	lines := []string{
		st.Title.Render("Event detail") + "  " + styled(a.TimeGenerated.UTC().Format(kustoTime), st.Value, st.Marker) +
			"  " + styled(a.OperationName, st.Value, st.Marker) + "  " + styled(a.Result, st.Value, st.Marker),
	}
	src := "(unknown file)"
	if d.source.Path != "" {
		src = filepath.Base(d.source.Path)
	}
	loc := fmt.Sprintf("%s:%d", src, d.raw.Line)
	if d.raw.Line == 0 {
		loc = src
	}
	lines = append(lines,
		st.Label.Render("Source ")+styled(loc, st.Value, st.Marker)+
			st.Dim.Render(fmt.Sprintf("  (record %d of %s)", a.SourceRecord, safe.Text(string(d.source.Format)))),
		"",
		st.HelpSection.Render("Entities (as the rule maps them)"),
	)
	lines = append(lines, entity(st, "Account (inviter)", [][2]string{
		{"FullName", a.InitiatingUserPrincipalName}, {"Name", a.InitiatingAccountName},
		{"UPNSuffix", a.InitiatingAccountUPNSuffix}, {"AadUserId", a.InitiatingAadUserId},
	})...)
	lines = append(lines, entity(st, "Account (guest)", [][2]string{
		{"FullName", a.TargetUserPrincipalName}, {"Name", a.TargetAccountName},
		{"UPNSuffix", a.TargetAccountUPNSuffix}, {"AadUserId", a.TargetAadUserId},
	})...)
	lines = append(lines, entity(st, "IP", [][2]string{{"Address", a.InitiatingIPAddress}})...)
	lines = append(lines,
		"",
		st.HelpSection.Render("Original record"),
	)
	if d.err != nil {
		lines = append(lines, st.Error.Render("cannot show the record: ")+styled(d.err.Error(), st.Value, st.Marker))
		return wrapAll(lines, width)
	}
	for _, l := range prettyRecord(d.raw.Raw) {
		lines = append(lines, highlightJSONLine(l, st))
	}
	// Log Analytics exports hold dynamic columns as JSON text inside a
	// string; decoded below for reading, while the record above stays as
	// the file has it.
	for _, dc := range dynamicColumns(d.raw.Raw) {
		lines = append(lines, "", st.HelpSection.Render("Decoded "+dc.name))
		for _, l := range dc.lines {
			lines = append(lines, highlightJSONLine(l, st))
		}
	}
	return wrapAll(lines, width)
}

type dynamicColumn struct {
	name  string
	lines []string
}

// dynamicColumns finds top-level string values of a JSON record that hold a
// JSON object or array themselves, in record order, indented.
func dynamicColumns(raw []byte) []dynamicColumn {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out []dynamicColumn
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return out
		}
		var text string
		if json.Unmarshal(v, &text) != nil {
			continue
		}
		t := strings.TrimSpace(text)
		if t == "" || (t[0] != '{' && t[0] != '[') || t == "[]" || t == "{}" {
			continue
		}
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(t), "", "  ") == nil {
			out = append(out, dynamicColumn{name: name, lines: strings.Split(buf.String(), "\n")})
		}
	}
	return out
}

// prettyRecord indents a JSON record; any other text (a CSV row) is shown
// as it is, line by line.
func prettyRecord(raw []byte) []string {
	var buf bytes.Buffer
	if json.Indent(&buf, bytes.TrimSpace(raw), "", "  ") == nil {
		return strings.Split(buf.String(), "\n")
	}
	return strings.Split(string(raw), "\n")
}

// highlightJSONLine colours keys and string values of one line of indented
// JSON. Everything passes through ui/safe: the record is attacker text.
func highlightJSONLine(line string, st Styles) string {
	var b strings.Builder
	plain := lipgloss.NewStyle()
	for i := 0; i < len(line); {
		if line[i] != '"' {
			j := strings.IndexByte(line[i:], '"')
			if j < 0 {
				j = len(line) - i
			}
			b.WriteString(styled(line[i:i+j], plain, st.Marker))
			i += j
			continue
		}
		end := stringEnd(line, i)
		tok := line[i:end]
		rest := strings.TrimLeft(line[end:], " ")
		s := st.JSONString
		if strings.HasPrefix(rest, ":") {
			s = st.JSONKey
		}
		b.WriteString(styled(tok, s, st.Marker))
		i = end
	}
	return b.String()
}

// stringEnd returns the index just past the JSON string starting at i.
func stringEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(s)
}

// wrapAll wraps styled lines at width, keeping styles across the break.
// Record text is cut at the width exactly (no space is lost: the record is
// evidence); prose is wrapped at word boundaries by wrapWords.
func wrapAll(lines []string, width int) []string {
	return wrapWith(lines, width, func(l string) string { return ansi.Hardwrap(l, width, true) })
}

func wrapWords(lines []string, width int) []string {
	return wrapWith(lines, width, func(l string) string { return ansi.Wrap(l, width, "") })
}

func wrapWith(lines []string, width int, wrap func(string) string) []string {
	if width <= 0 {
		return lines
	}
	var out []string
	for _, l := range lines {
		if ansi.StringWidth(l) <= width {
			out = append(out, l)
			continue
		}
		out = append(out, strings.Split(wrap(l), "\n")...)
	}
	return out
}

// rf adapts a style to the func(string) string that ui/safe takes.
func rf(st lipgloss.Style) func(string) string {
	return func(s string) string { return st.Render(s) }
}

// newDetailPage awaits the original record behind a (request seq).
func newDetailPage(seq int, a hunt.Alert) pagerPage {
	return pagerPage{kind: pageDetail, seq: seq, accept: func(msg tea.Msg, seq int) (func(Styles, int) []string, *clipText, bool) {
		d, ok := msg.(detailMsg)
		if !ok || d.seq != seq {
			return nil, nil, false
		}
		var clip *clipText
		if d.raw.Raw != nil {
			clip = &clipText{what: "the record (one line)", text: textsafe.ClipboardRecord(d.raw.Raw)}
		}
		return func(st Styles, width int) []string { return detailLines(d, st, width) }, clip, true
	}}
}
