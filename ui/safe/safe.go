// Package safe makes strings from audit-log data visible-safe for a terminal.
//
// Audit-log fields are attacker-controlled: a guest's display name, a UPN or a
// raw record can carry escape sequences, cursor motion, bidi overrides or
// invisible characters. Every such character is replaced by a visible marker
// (never interpreted, never silently dropped: hidden characters are evidence).
// Raw values stay untouched in storage and exports; this package is only for
// drawing. The policy (which runes are hostile, their markers) is package
// textsafe's, shared with every other output.
package safe

import "github.com/guesthunt/guesthunt/ui/textsafe"

// Segment is one run of sanitized output. Marker segments stand for exactly one
// hostile rune or invalid byte; plain segments are printable text as found.
type Segment struct {
	Text   string // what to draw
	Raw    string // the original bytes this segment stands for
	Marker bool
}

// Text returns s with every control, bidi, invisible and invalid character
// replaced by a visible marker (textsafe.Text). Newlines are markers too: the
// result is always one line. Text is idempotent: markers are themselves plain
// printable text.
func Text(s string) string { return textsafe.Text(s) }

// Segments splits s into plain and marker segments so a caller can style the
// markers. Concatenating the Raw fields gives back s exactly.
func Segments(s string) []Segment {
	if isPlainASCII(s) {
		if s == "" {
			return nil
		}
		return []Segment{{Text: s, Raw: s}}
	}
	var segs []Segment
	walk(s, func(text, raw string, marker bool) {
		segs = append(segs, Segment{Text: text, Raw: raw, Marker: marker})
	})
	return segs
}

// walk calls emit for each maximal plain run and for each marked rune or byte.
func walk(s string, emit func(text, raw string, marker bool)) { textsafe.Walk(s, emit) }

func isPlainASCII(s string) bool { return textsafe.PlainASCII(s) }
