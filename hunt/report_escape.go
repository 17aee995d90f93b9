package hunt

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escaping for reports. Every string in a report comes from the audit log,
// which an attacker writes (a guest's display name, a UPN): in Markdown it
// must neither break the document (tables, headings, HTML) nor hide what it
// is (bidi overrides reorder text, zero-width characters split look-alikes).
// hunt does not import ui, so this is a small escaper of its own rather than
// ui/safe; it shows hidden characters as \uXXXX.

// hiddenRune reports runes that change or hide how text reads: C0 and C1
// controls (ESC starts terminal sequences), DEL, bidi controls, zero-width
// and other invisible format characters, line and paragraph separators.
func hiddenRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x00ad, r == 0x034f, r == 0x061c, r == 0x115f, r == 0x1160, r == 0x17b4, r == 0x17b5, r == 0x180e:
		return true
	case r >= 0x200b && r <= 0x200f, r >= 0x2028 && r <= 0x202e, r >= 0x2060 && r <= 0x206f:
		return true
	case r == 0x3164, r == 0xfeff, r == 0xffa0, r >= 0xfff9 && r <= 0xfffb:
		return true
	case r >= 0xe0000 && r <= 0xe007f: // tag characters
		return true
	}
	return false
}

// visibleRune writes r as \uXXXX (or \U0XXXXX beyond the BMP).
func visibleRune(b *strings.Builder, r rune) {
	if r > 0xffff {
		fmt.Fprintf(b, `\U%08X`, r)
		return
	}
	fmt.Fprintf(b, `\u%04X`, r)
}

// mdText escapes s for Markdown running text and table cells: hidden runes
// become \uXXXX, every character that Markdown or HTML could read as syntax
// (emphasis, code, links, headings, tables, tags, entities) is
// backslash-escaped, and invalid UTF-8 becomes U+FFFD.
func mdText(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n <= 1 {
				b.WriteRune(utf8.RuneError)
				continue
			}
		}
		switch {
		case hiddenRune(r):
			visibleRune(&b, r)
		case strings.ContainsRune("\\`*_[]<>#!|~&", r):
			// What can start syntax inside a line or a table cell: code,
			// emphasis, links and images, HTML tags and entities, headings,
			// cell breaks, strikethrough. Line-start syntax (lists, "1.",
			// "---") cannot arise: the writer never starts a line with data.
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode prepares s for a fenced code block: hidden runes become \uXXXX (a
// newline or ESC from the data would otherwise end a line or colour the
// terminal of whoever cats the report); the fence is chosen by mdFence.
func mdCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r != '\n' && hiddenRune(r) {
			visibleRune(&b, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdFence is a backtick fence longer than any backtick run in s, so s cannot
// close the block early.
func mdFence(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}
