package safe

import (
	"strconv"
	"strings"
	"unicode"
)

// names gives short, familiar names for the invisible characters an analyst is
// most likely to meet; every other hostile rune is shown by code point.
var names = map[rune]string{
	0x00AD: "SHY",
	0x034F: "CGJ",
	0x061C: "ALM",
	0x115F: "HCF", 0x1160: "HJF", 0x3164: "HF", 0xFFA0: "HWHF",
	0x180E: "MVS",
	0x200B: "ZWSP", 0x200C: "ZWNJ", 0x200D: "ZWJ",
	0x200E: "LRM", 0x200F: "RLM",
	0x2028: "LSEP", 0x2029: "PSEP",
	0x202A: "LRE", 0x202B: "RLE", 0x202C: "PDF", 0x202D: "LRO", 0x202E: "RLO",
	0x2060: "WJ", 0x2061: "FA", 0x2062: "IT", 0x2063: "IS", 0x2064: "IP",
	0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI",
	0xFEFF: "BOM",
	0x00A0: "NBSP",
}

// marker returns the visible stand-in for r, or "" when r is drawn as is.
func marker(r rune) string {
	switch {
	case r < 0x20:
		// Control Pictures block: ␀ ␁ … ␛ … ␟, one cell each, so TAB, CR
		// and LF cannot move the cursor or make cells jump.
		return string(rune(0x2400 + r))
	case r == 0x7F:
		return "␡"
	case r >= 0x80 && r <= 0x9F:
		// C1 controls (CSI U+009B, OSC U+009D, …) have no pictures.
		return codePoint(r)
	}
	if !hidden(r) {
		return ""
	}
	if n, ok := names[r]; ok {
		return "‹" + n + "›"
	}
	return codePoint(r)
}

// hidden reports runes that draw nothing, draw as blank, or reorder text:
// format characters (Cf: bidi controls, zero-width, soft hyphen, tag
// characters used to smuggle text), line/paragraph separators, every space
// other than U+0020 (lookalike blanks in UPNs), Hangul and Braille fillers,
// the combining grapheme joiner, variation selectors (they change how a
// terminal measures the preceding glyph, so columns would drift), private-use
// and unassigned code points (font-dependent glyphs and widths).
func hidden(r rune) bool {
	switch {
	case r == 0x034F, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, r == 0x2800,
		r == 0x17B4, r == 0x17B5:
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	case r >= 0x2060 && r <= 0x206F: // includes unassigned U+2065
		return true
	case r >= 0xFFF0 && r <= 0xFFFB: // specials before U+FFFC/U+FFFD, which are visible
		return true
	}
	if unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Zs, unicode.Co) {
		return true
	}
	// Unassigned code points: no terminal agrees on their width.
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

func codePoint(r rune) string {
	h := strings.ToUpper(strconv.FormatInt(int64(r), 16))
	for len(h) < 4 {
		h = "0" + h
	}
	return "‹U+" + h + "›"
}
