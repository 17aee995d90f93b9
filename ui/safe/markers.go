package safe

import (
	"strconv"
	"strings"
	"unicode"
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
	if n := name(r); n != "" {
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
