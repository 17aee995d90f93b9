// Package safe makes strings from audit-log data visible-safe for a terminal.
//
// Audit-log fields are attacker-controlled: a guest's display name, a UPN or a
// raw record can carry escape sequences, cursor motion, bidi overrides or
// invisible characters. Every such character is replaced by a visible marker
// (never interpreted, never silently dropped: hidden characters are evidence).
// Raw values stay untouched in storage and exports; this package is only for
// drawing.
package safe

import (
	"strings"
	"unicode/utf8"
)

// Segment is one run of sanitized output. Marker segments stand for exactly one
// hostile rune or invalid byte; plain segments are printable text as found.
type Segment struct {
	Text   string // what to draw
	Raw    string // the original bytes this segment stands for
	Marker bool
}

// Text returns s with every control, bidi, invisible and invalid character
// replaced by a visible marker. Newlines are markers too: the result is always
// one line. Text is idempotent: markers are themselves plain printable text.
func Text(s string) string {
	if isPlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	walk(s, func(text, _ string, _ bool) { b.WriteString(text) })
	return b.String()
}

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
func walk(s string, emit func(text, raw string, marker bool)) {
	start := 0 // start of the pending plain run
	flush := func(end int) {
		if end > start {
			emit(s[start:end], s[start:end], false)
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var m string
		switch {
		case r == utf8.RuneError && size == 1:
			m = invalidByte(c)
		default:
			m = marker(r)
		}
		if m == "" {
			i += size
			continue
		}
		flush(i)
		emit(m, s[i:i+size], true)
		i += size
		start = i
	}
	flush(len(s))
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

const hexDigits = "0123456789ABCDEF"

func invalidByte(c byte) string {
	return "‹0x" + string([]byte{hexDigits[c>>4], hexDigits[c&0xf]}) + "›"
}
