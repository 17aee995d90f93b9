package textsafe

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// mdSyntax is what can start Markdown or HTML syntax inside a line or a
// table cell: code, emphasis, links and images, HTML tags and entities,
// headings, cell breaks, strikethrough. Line-start syntax (lists, "1.",
// "---") cannot arise: a report never starts a line with data.
const mdSyntax = "\\`*_[]<>#!|~&"

// Markdown renders s for Markdown running text and table cells: hostile runes
// and invalid bytes become their markers (as on a terminal), and every
// character Markdown or HTML could read as syntax is backslash-escaped.
func Markdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	Walk(s, func(text, _ string, marker bool) {
		if marker {
			b.WriteString(text)
			return
		}
		for _, r := range text {
			if strings.ContainsRune(mdSyntax, r) {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		}
	})
	return b.String()
}

// MarkdownCode renders s for a fenced code block: line feeds stay (the
// block is ours, such as the KQL), every other hostile rune becomes its
// marker, so an ESC from the data cannot colour the terminal of whoever cats
// the report. Choose the fence with a run of backticks longer than any in s.
func MarkdownCode(s string) string {
	return Lines(s)
}

// CSV renders one CSV cell so that a spreadsheet never runs it and a
// terminal never acts on it, losslessly (UnCSV gives s back):
//
//   - a backslash is written "\\";
//   - a hostile rune is written \uXXXX (\UXXXXXXXX beyond U+FFFF), an invalid
//     UTF-8 byte \xHH, hex digits in upper case;
//   - then a cell that starts with "=", "+", "-", "@", tab, CR, LF or "'"
//     gets a leading "'" (OWASP CSV injection guidance; the apostrophe case
//     makes the rule reversible: remove one leading "'").
func CSV(s string) string {
	out := s
	if !PlainASCII(s) || strings.IndexByte(s, '\\') >= 0 {
		var b strings.Builder
		b.Grow(len(s) + 8)
		for i := 0; i < len(s); {
			c := s[i]
			if c == '\\' {
				b.WriteString(`\\`)
				i++
				continue
			}
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				b.WriteString(`\x`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			case Hostile(r):
				writeEscape(&b, r)
			default:
				b.WriteString(s[i : i+size])
			}
			i += size
		}
		out = b.String()
	}
	if out != "" && strings.IndexByte("=+-@\t\r\n'", out[0]) >= 0 {
		out = "'" + out
	}
	return out
}

func writeEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		fmt.Fprintf(b, `\U%08X`, r)
		return
	}
	fmt.Fprintf(b, `\u%04X`, r)
}

// UnCSV undoes CSV: it removes one leading "'" and decodes \\, \xHH, \uXXXX
// and \UXXXXXXXX. Scripts that read guesthunt's CSV apply the same rule.
func UnCSV(cell string) (string, error) {
	cell = strings.TrimPrefix(cell, "'")
	if strings.IndexByte(cell, '\\') < 0 {
		return cell, nil
	}
	var b strings.Builder
	for i := 0; i < len(cell); i++ {
		if cell[i] != '\\' {
			b.WriteByte(cell[i])
			continue
		}
		if i+1 >= len(cell) {
			return "", errors.New("textsafe: lone backslash at the end of a cell")
		}
		digits := 0
		switch cell[i+1] {
		case '\\':
			b.WriteByte('\\')
			i++
			continue
		case 'x':
			digits = 2
		case 'u':
			digits = 4
		case 'U':
			digits = 8
		default:
			return "", fmt.Errorf("textsafe: unknown escape \\%c", cell[i+1])
		}
		if i+2+digits > len(cell) {
			return "", errors.New("textsafe: short escape")
		}
		v, err := strconv.ParseUint(cell[i+2:i+2+digits], 16, 32)
		if err != nil {
			return "", fmt.Errorf("textsafe: bad escape %q", cell[i:i+2+digits])
		}
		if digits == 2 {
			b.WriteByte(byte(v))
		} else {
			b.WriteRune(rune(v))
		}
		i += 1 + digits
	}
	return b.String(), nil
}

// JSONEscape reports whether a JSON writer must write r as a \u escape
// rather than raw: every hostile rune (encoding/json itself escapes only C0).
// Decoding gives the raw value back.
func JSONEscape(r rune) bool { return Hostile(r) }

// WriteJSONRune writes r as a JSON \u escape, as a surrogate pair beyond
// U+FFFF.
func WriteJSONRune(b interface{ WriteString(string) (int, error) }, r rune) {
	const hex = "0123456789abcdef"
	one := func(u rune) {
		b.WriteString(string([]byte{'\\', 'u', hex[u>>12&0xf], hex[u>>8&0xf], hex[u>>4&0xf], hex[u&0xf]}))
	}
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		one(hi)
		one(lo)
		return
	}
	one(r)
}

// EscapeJSON rewrites valid JSON text so that no hostile rune is left raw:
// each one inside a string becomes a \u escape (outside strings JSON holds
// only ASCII punctuation and whitespace, which it keeps). Invalid UTF-8
// becomes U+FFFD, as encoding/json decodes it.
func EscapeJSON(js string) string {
	var b strings.Builder
	b.Grow(len(js))
	for _, r := range js {
		if r >= 0x7f && Hostile(r) {
			WriteJSONRune(&b, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ClipboardRecord renders an original record for the clipboard: a JSON
// record is compacted to one line with its hostile runes \u-escaped (still
// valid JSON that decodes to the same values); anything else (a CSV row)
// goes through Clipboard.
func ClipboardRecord(raw []byte) string {
	var buf bytes.Buffer
	if json.Valid(raw) && json.Compact(&buf, raw) == nil {
		return EscapeJSON(buf.String())
	}
	return Clipboard(string(raw))
}
