// Package textsafe is guesthunt's one policy for untrusted text: which
// characters from the audit log are hostile, and how each output (the
// terminal, Markdown, CSV, JSON, the clipboard) renders them.
//
// Audit-log fields are attacker-controlled: a guest's display name, a UPN or a
// raw record can carry escape sequences, cursor motion, bidi overrides,
// invisible or lookalike characters. The classes are defined once here
// (ClassOf); every sink renders every hostile rune, never interprets it and
// never silently drops it (hidden characters are evidence):
//
//	sink                          hostile rune            other
//	terminal, workbench, table,   visible marker          as is
//	stderr (Text)                 (‹RLO› ‹ZWSP› ␛ ‹NBSP›)
//	Markdown (Markdown)           marker                  Markdown syntax backslash-escaped
//	CSV (CSV)                     \uXXXX, \UXXXXXXXX;     "\" as "\\", formula cells get a
//	                              invalid byte \xHH       leading "'" (UnCSV undoes it all)
//	JSON (JSONEscape)             \uXXXX (lossless)       as encoding/json
//	clipboard (Clipboard)         marker, line breaks ⏎   one line
//
// Raw values stay untouched in storage and in JSON exports (which decode back
// to them). The package has no UI dependencies, so hunt and cmd use it too.
package textsafe

import "unicode"

// Class is what kind of hostile character a rune is; Plain runes are drawn
// and written as they are.
type Class uint8

const (
	Plain Class = iota
	// Control: C0 controls (NUL..US, including TAB, LF, CR and ESC), DEL and
	// the C1 controls U+0080..U+009F (CSI U+009B, OSC U+009D, NEL U+0085).
	Control
	// Bidi: the bidi controls and isolates that reorder text: U+061C,
	// U+200E, U+200F, U+202A..U+202E, U+2066..U+2069.
	Bidi
	// Format: every other format character (Unicode category Cf): zero-width
	// space and joiners U+200B..U+200D, word joiner and invisible operators
	// U+2060..U+2064, BOM U+FEFF, soft hyphen U+00AD, the tag characters
	// U+E0000..U+E007F used to smuggle text, interlinear annotations.
	Format
	// Space: every space but U+0020 (lookalike blanks in UPNs): U+00A0,
	// U+1680, U+2000..U+200A, U+202F, U+205F, U+3000.
	Space
	// Separator: the line and paragraph separators U+2028, U+2029.
	Separator
	// Invisible: characters that draw as blank or change how the previous
	// glyph is measured: Hangul and Braille fillers, the combining grapheme
	// joiner, Khmer inherent vowels, variation selectors, private-use and
	// unassigned code points (no terminal agrees on their glyph or width).
	Invisible
)

var classNames = [...]string{"plain", "control", "bidi", "format", "space", "separator", "invisible"}

func (c Class) String() string {
	if int(c) < len(classNames) {
		return classNames[c]
	}
	return "class?"
}

// ClassOf classifies r. It is the one definition of a hostile rune.
func ClassOf(r rune) Class {
	switch {
	case r >= 0x20 && r < 0x7f:
		return Plain
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return Control
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return Bidi
	case r == 0x2028, r == 0x2029:
		return Separator
	case r >= 0xe0000 && r <= 0xe007f, r >= 0x2060 && r <= 0x206f, r >= 0xfff0 && r <= 0xfffb:
		// Tags, the invisible operators (with unassigned U+2065), and the
		// specials before U+FFFC/U+FFFD, which are visible.
		return Format
	case r == 0x034f, r == 0x115f, r == 0x1160, r == 0x3164, r == 0xffa0, r == 0x2800, r == 0x17b4, r == 0x17b5,
		r >= 0xfe00 && r <= 0xfe0f, r >= 0xe0100 && r <= 0xe01ef:
		return Invisible
	case r < 0x80:
		return Plain
	}
	switch {
	case unicode.Is(unicode.Zs, r):
		return Space
	case unicode.Is(unicode.Cf, r):
		return Format
	case unicode.In(r, unicode.Zl, unicode.Zp):
		return Separator
	case unicode.Is(unicode.Co, r):
		return Invisible
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
		return Invisible // unassigned, surrogate halves, noncharacters
	}
	return Plain
}

// Hostile reports whether r is in any hostile class.
func Hostile(r rune) bool { return ClassOf(r) != Plain }
