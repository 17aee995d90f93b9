package safe

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// dangerous is written independently of the implementation: the runes that
// must never reach the terminal.
func dangerous(r rune) bool {
	switch {
	case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F: // C0, DEL, C1
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F,
		r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069: // bidi
		return true
	case r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2064, r == 0xFEFF,
		r == 0x00AD, r == 0x180E, r == 0x115F, r == 0x1160, r == 0x3164: // invisible
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0000 && r <= 0xE007F: // selectors, tags
		return true
	}
	return false
}

func checkInvariants(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Text(%q) is not valid UTF-8: %q", in, out)
	}
	for i, r := range out {
		if dangerous(r) {
			t.Fatalf("Text(%q) = %q keeps U+%04X at byte %d", in, out, r, i)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Fatalf("Text(%q) keeps ESC", in)
	}
}

func TestHostileRecords(t *testing.T) {
	cases := []struct {
		name, in string
		want     string
	}{
		{"screen clear", "\x1b[2J", "␛[2J"},
		{"title change", "\x1b]0;pwned\x07", "␛]0;pwned␇"},
		{"OSC 52", "\x1b]52;c;ZXZpbA==\x07", "␛]52;c;ZXZpbA==␇"},
		{"OSC 8 link", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "␛]8;;http://evil␛\\click␛]8;;␛\\"},
		{"carriage return", "evil\rgood", "evil␍good"},
		{"backspace", "a\bb", "a␈b"},
		{"tab", "a\tb", "a␉b"},
		{"newline", "a\nb", "a␊b"},
		{"NUL and DEL", "a\x00b\x7f", "a␀b␡"},
		{"RLO", "invoice\u202Egpj.exe", "invoice‹RLO›gpj.exe"},
		{"C1 CSI", "\u009b2J", "‹U+009B›2J"},
		{"zero-width space", "ad\u200Bmin@contoso.com", "ad‹ZWSP›min@contoso.com"},
		{"BOM", "\uFEFFx", "‹BOM›x"},
		{"soft hyphen", "a\u00ADb", "a‹SHY›b"},
		{"Hangul filler", "\u3164", "‹HF›"},
		{"line separator", "a\u2028b", "a‹LSEP›b"},
		{"isolate", "\u2066x\u2069", "‹LRI›x‹PDI›"},
		{"nbsp lookalike", "alice\u00A0@x", "alice‹NBSP›@x"},
		{"tag smuggling", "hi\U000E0041", "hi‹U+E0041›"},
		{"variation selector", "\u2764\uFE0F", "\u2764‹U+FE0F›"},
		{"invalid bytes", "a\xffb\xc3", "a‹0xFF›b‹0xC3›"},
		{"plain", "alice@contoso.com", "alice@contoso.com"},
		{"accents and CJK kept", "Zoë 山田", "Zoë 山田"},
		{"emoji kept", "ok 👍", "ok 👍"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Text(c.in)
			if got != c.want {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
			}
			checkInvariants(t, c.in, got)
			if Text(got) != got {
				t.Errorf("Text is not idempotent on %q", got)
			}
		})
	}
}

func TestSegmentsKeepEveryByte(t *testing.T) {
	in := "x\x1b]0;t\x07\u202E\xff\u200Bend"
	var raw strings.Builder
	markers := 0
	for _, sg := range Segments(in) {
		raw.WriteString(sg.Raw)
		if sg.Marker {
			markers++
		}
	}
	if raw.String() != in {
		t.Fatalf("segments lose bytes: %q != %q", raw.String(), in)
	}
	if markers != 5 {
		t.Fatalf("got %d markers, want 5 (ESC, BEL, RLO, 0xFF, ZWSP)", markers)
	}
}

func TestLine(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"alice@contoso.com", 20, "alice@contoso.com"},
		{"alice@contoso.com", 17, "alice@contoso.com"},
		{"alice@contoso.com", 10, "alice@con…"},
		{"alice@contoso.com", 1, "…"},
		{"alice@contoso.com", 0, ""},
		// A marker that does not fit is dropped whole, never split.
		{"ab\u202Ecd", 5, "ab…"},
		{"ab\u202Ecd", 7, "ab…"},
		{"ab\u202Ecd\u202E", 8, "ab‹RLO›…"},
		{"ab\u202Ecd", 9, "ab‹RLO›cd"},
		{"山田太郎", 5, "山田…"},
		{"evil\rgood", 6, "evil␍…"},
	}
	for _, c := range cases {
		got := Line(c.in, c.width)
		if got != c.want {
			t.Errorf("Line(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
		if w := ansi.StringWidth(got); w > c.width {
			t.Errorf("Line(%q, %d) is %d cells wide", c.in, c.width, w)
		}
	}
}

func TestStyledLineMarksMarkers(t *testing.T) {
	plain := func(s string) string { return "(" + s + ")" }
	mark := func(s string) string { return "[" + s + "]" }
	got := StyledLine("a\x1bb", 10, plain, mark)
	if got != "(a)[␛](b)" {
		t.Fatalf("StyledLine = %q", got)
	}
	got = StyledLine("abcdef", 4, plain, mark)
	if got != "(abc)[…]" {
		t.Fatalf("StyledLine cut = %q", got)
	}
}

func FuzzText(f *testing.F) {
	for _, s := range []string{
		"\x1b[2J", "\x1b]0;pwned\x07", "\x1b]52;c;ZXZpbA==\x07",
		"\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", "evil\rgood", "a\bb",
		"\u202E", "\u009b2J", "\u200B", "\xff\xfe", "山田\u200D👍\uFE0F", "",
	} {
		f.Add(s, 12)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		out := Text(s)
		checkInvariants(t, s, out)
		if Text(out) != out {
			t.Fatalf("not idempotent: %q", s)
		}
		var raw strings.Builder
		for _, sg := range Segments(s) {
			raw.WriteString(sg.Raw)
		}
		if raw.String() != s {
			t.Fatalf("Segments dropped bytes of %q", s)
		}
		width = width % 200
		line := Line(s, width)
		checkInvariants(t, s, line)
		if w := ansi.StringWidth(line); w > max(width, 0) {
			t.Fatalf("Line(%q, %d) is %d cells", s, width, w)
		}
	})
}
