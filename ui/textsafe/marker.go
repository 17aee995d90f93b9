package textsafe

import (
	"strings"
	"unicode/utf8"
)

// name gives short, familiar names for the invisible characters an analyst is
// most likely to meet; every other hostile rune is shown by code point.
func name(r rune) string {
	switch r {
	case 0x00A0:
		return "NBSP"
	case 0x00AD:
		return "SHY"
	case 0x034F:
		return "CGJ"
	case 0x061C:
		return "ALM"
	case 0x115F:
		return "HCF"
	case 0x1160:
		return "HJF"
	case 0x3164:
		return "HF"
	case 0xFFA0:
		return "HWHF"
	case 0x180E:
		return "MVS"
	case 0x200B:
		return "ZWSP"
	case 0x200C:
		return "ZWNJ"
	case 0x200D:
		return "ZWJ"
	case 0x200E:
		return "LRM"
	case 0x200F:
		return "RLM"
	case 0x2028:
		return "LSEP"
	case 0x2029:
		return "PSEP"
	case 0x202A:
		return "LRE"
	case 0x202B:
		return "RLE"
	case 0x202C:
		return "PDF"
	case 0x202D:
		return "LRO"
	case 0x202E:
		return "RLO"
	case 0x2060:
		return "WJ"
	case 0x2061:
		return "FA"
	case 0x2062:
		return "IT"
	case 0x2063:
		return "IS"
	case 0x2064:
		return "IP"
	case 0x2066:
		return "LRI"
	case 0x2067:
		return "RLI"
	case 0x2068:
		return "FSI"
	case 0x2069:
		return "PDI"
	case 0xFEFF:
		return "BOM"
	}
	return ""
}

// Marker is the visible stand-in for r on a terminal, or "" when r is Plain.
// C0 controls use the Control Pictures block (␛ ␍ ␊ ␉ …, one cell each, so
// they cannot move the cursor), DEL is ␡, the best-known invisible characters
// have names (‹RLO› ‹ZWSP› ‹NBSP› ‹BOM›), everything else its code point
// (‹U+009B›, ‹U+E0041›).
func Marker(r rune) string {
	switch {
	case r >= 0x20 && r < 0x7f:
		return ""
	case r < 0x20:
		return string(rune(0x2400 + r))
	case r == 0x7F:
		return "␡"
	}
	if ClassOf(r) == Plain {
		return ""
	}
	if n := name(r); n != "" {
		return "‹" + n + "›"
	}
	return codePoint(r)
}

const hexDigits = "0123456789ABCDEF"

func codePoint(r rune) string {
	var b [8]byte
	i := len(b)
	for v := uint32(r); v > 0 || i > len(b)-4; v >>= 4 {
		i--
		b[i] = hexDigits[v&0xf]
	}
	return "‹U+" + string(b[i:]) + "›"
}

// InvalidByte is the marker for a byte that is not valid UTF-8.
func InvalidByte(c byte) string {
	return "‹0x" + string([]byte{hexDigits[c>>4], hexDigits[c&0xf]}) + "›"
}

// Walk calls emit for each maximal run of plain text and for each hostile
// rune or invalid byte (marker true, text its Marker). Concatenating raw
// gives back s exactly.
func Walk(s string, emit func(text, raw string, marker bool)) {
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
		if r == utf8.RuneError && size == 1 {
			m = InvalidByte(c)
		} else {
			m = Marker(r)
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

// PlainASCII reports whether s is printable ASCII only, which every sink
// passes through as is (but for its own syntax).
func PlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Text renders s for a terminal (the workbench, table output, messages on
// standard error): every hostile rune and invalid byte becomes its marker.
// The result is always one line, and Text is idempotent.
func Text(s string) string {
	if PlainASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	Walk(s, func(text, _ string, _ bool) { b.WriteString(text) })
	return b.String()
}

// Lines is Text for multi-line text of our own making that embeds data (a
// list of reasons): line feeds stay, everything else is marked.
func Lines(s string) string {
	parts := strings.Split(s, "\n")
	for i, p := range parts {
		parts[i] = Text(p)
	}
	return strings.Join(parts, "\n")
}

// Clipboard renders s for the clipboard (OSC 52): one line an analyst can
// paste into a shell, a browser or a ticket without anything acting on it.
// Line breaks (CRLF, CR, LF, NEL, U+2028, U+2029) become "⏎"; every other
// hostile rune becomes its marker, as on screen.
func Clipboard(s string) string {
	if PlainASCII(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	Walk(s, func(text, raw string, marker bool) {
		if marker {
			switch raw {
			case "\n", "\r", "\u0085", "\u2028", "\u2029":
				text = "⏎"
			}
		}
		b.WriteString(text)
	})
	return b.String()
}
