package textsafe_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/guesthunt/guesthunt/ui/textsafe"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

// dangerous is written independently of the implementation, from the issue's
// list: the runes no sink may emit raw.
func dangerous(r rune) bool {
	switch {
	case r < 0x20, r == 0x7F, r >= 0x80 && r <= 0x9F: // C0 incl. ESC, DEL, C1
		return true
	case r == 0x061C, r == 0x200E, r == 0x200F,
		r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069: // bidi
		return true
	case r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2064, r == 0xFEFF, r == 0x00AD: // zero-width
		return true
	case r == 0x00A0, r == 0x1680, r >= 0x2000 && r <= 0x200A, r == 0x202F, r == 0x205F, r == 0x3000: // spaces
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0000 && r <= 0xE007F: // selectors, tags
		return true
	case r == 0x3164, r == 0x115F, r == 0x1160:
		return true
	}
	return false
}

func noDangerous(t *testing.T, sink, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Errorf("%s(%q) = %q is not valid UTF-8", sink, in, out)
	}
	for i, r := range out {
		if dangerous(r) {
			t.Errorf("%s(%q) = %q keeps U+%04X at byte %d", sink, in, out, r, i)
			return
		}
	}
}

func TestClasses(t *testing.T) {
	cases := map[rune]textsafe.Class{
		'a': textsafe.Plain, ' ': textsafe.Plain, 'ë': textsafe.Plain, '山': textsafe.Plain, '👍': textsafe.Plain,
		0x1b: textsafe.Control, '\n': textsafe.Control, 0x7f: textsafe.Control, 0x9b: textsafe.Control, 0x85: textsafe.Control,
		0x202E: textsafe.Bidi, 0x2066: textsafe.Bidi, 0x2069: textsafe.Bidi, 0x200E: textsafe.Bidi, 0x061C: textsafe.Bidi,
		0x200B: textsafe.Format, 0x200D: textsafe.Format, 0xFEFF: textsafe.Format, 0x00AD: textsafe.Format,
		0x2060: textsafe.Format, 0x2064: textsafe.Format, 0xE0001: textsafe.Format, 0xE0041: textsafe.Format, 0xE0000: textsafe.Format,
		0x00A0: textsafe.Space, 0x1680: textsafe.Space, 0x2000: textsafe.Space, 0x200A: textsafe.Space, 0x202F: textsafe.Space,
		0x205F: textsafe.Space, 0x3000: textsafe.Space,
		0x2028: textsafe.Separator, 0x2029: textsafe.Separator,
		0xFE0F: textsafe.Invisible, 0x3164: textsafe.Invisible, 0xE000: textsafe.Invisible, 0x0378: textsafe.Invisible,
	}
	for r, want := range cases {
		if got := textsafe.ClassOf(r); got != want {
			t.Errorf("ClassOf(U+%04X) = %v, want %v", r, got, want)
		}
	}
	// Every rune of the list is hostile.
	for r := rune(0); r <= 0xE01EF; r++ {
		if dangerous(r) && !textsafe.Hostile(r) {
			t.Fatalf("U+%04X is not hostile", r)
		}
	}
}

func TestRenderings(t *testing.T) {
	cases := []struct {
		in                  string
		text, md, csv, clip string
	}{
		{"a\u202Eb", "a‹RLO›b", "a‹RLO›b", `a\u202Eb`, "a‹RLO›b"},
		{"\x1b]0;t\x07", "␛]0;t␇", "␛\\]0;t␇", `\u001B]0;t\u0007`, "␛]0;t␇"},
		{"x\u200By", "x‹ZWSP›y", "x‹ZWSP›y", `x\u200By`, "x‹ZWSP›y"},
		{"a\u00A0b", "a‹NBSP›b", "a‹NBSP›b", `a\u00A0b`, "a‹NBSP›b"},
		{"l1\r\nl2\nl3\rl4", "l1␍␊l2␊l3␍l4", "l1␍␊l2␊l3␍l4", `l1\u000D\u000Al2\u000Al3\u000Dl4`, "l1⏎l2⏎l3⏎l4"},
		{"hi\U000E0041", "hi‹U+E0041›", "hi‹U+E0041›", `hi\U000E0041`, "hi‹U+E0041›"},
		{"=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0", `=cmd\|' /C calc'\!A0`, "'=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"},
		{"'q", "'q", "'q", "''q", "'q"},
		{`a\b`, `a\b`, `a\\b`, `a\\b`, `a\b`},
		{"\t=1", "␉=1", "␉=1", `\u0009=1`, "␉=1"},
		{"bad\xff", "bad‹0xFF›", "bad‹0xFF›", `bad\xFF`, "bad‹0xFF›"},
		{"ok 👍 山田", "ok 👍 山田", "ok 👍 山田", "ok 👍 山田", "ok 👍 山田"},
	}
	for _, c := range cases {
		if got := textsafe.Text(c.in); got != c.text {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.text)
		}
		if got := textsafe.Markdown(c.in); got != c.md {
			t.Errorf("Markdown(%q) = %q, want %q", c.in, got, c.md)
		}
		if got := textsafe.CSV(c.in); got != c.csv {
			t.Errorf("CSV(%q) = %q, want %q", c.in, got, c.csv)
		}
		if got := textsafe.Clipboard(c.in); got != c.clip {
			t.Errorf("Clipboard(%q) = %q, want %q", c.in, got, c.clip)
		}
	}
}

func TestEverySampleEverySink(t *testing.T) {
	for _, c := range textsafetest.Samples {
		s := c.S
		t.Run(c.Name, func(t *testing.T) {
			noDangerous(t, "Text", s, textsafe.Text(s))
			noDangerous(t, "Markdown", s, textsafe.Markdown(s))
			noDangerous(t, "Clipboard", s, textsafe.Clipboard(s))
			if strings.ContainsAny(textsafe.Clipboard(s), "\r\n") {
				t.Errorf("Clipboard(%q) is more than one line", s)
			}
			code := textsafe.MarkdownCode(s)
			noDangerous(t, "MarkdownCode", s, strings.ReplaceAll(code, "\n", ""))

			csv := textsafe.CSV(s)
			noDangerous(t, "CSV", s, csv)
			if csv != "" && strings.ContainsRune("=+-@\t\r", rune(csv[0])) {
				t.Errorf("CSV(%q) = %q starts a formula", s, csv)
			}
			if back, err := textsafe.UnCSV(csv); err != nil || back != s {
				t.Errorf("UnCSV(CSV(%q)) = %q, %v", s, back, err)
			}

			raw, _ := json.Marshal(map[string]string{"v": s})
			js := textsafe.EscapeJSON(string(raw))
			noDangerous(t, "JSON", s, js)
			var back map[string]string
			if err := json.Unmarshal([]byte(js), &back); err != nil {
				t.Fatal(err)
			}
			if want := strings.ToValidUTF8(s, "\uFFFD"); back["v"] != want {
				t.Errorf("JSON round trip %q, want %q", back["v"], want)
			}
			rec := textsafe.ClipboardRecord([]byte("{\n  \"v\": " + string(raw[5:len(raw)-1]) + "\n}"))
			noDangerous(t, "ClipboardRecord", s, rec)

			if c.Keep {
				for sink, out := range map[string]string{"Text": textsafe.Text(s), "Markdown": textsafe.Markdown(s),
					"CSV": csv, "Clipboard": textsafe.Clipboard(s), "JSON": js} {
					if !strings.Contains(out, s) {
						t.Errorf("%s changed harmless %q: %q", sink, s, out)
					}
				}
			}
		})
	}
}

func TestTextIdempotent(t *testing.T) {
	for _, c := range textsafetest.Samples {
		once := textsafe.Text(c.S)
		if textsafe.Text(once) != once {
			t.Errorf("Text not idempotent on %q", c.S)
		}
	}
}

func FuzzCSVRoundTrip(f *testing.F) {
	for _, c := range textsafetest.Samples {
		f.Add(c.S)
	}
	f.Fuzz(func(t *testing.T, s string) {
		csv := textsafe.CSV(s)
		noDangerous(t, "CSV", s, csv)
		if back, err := textsafe.UnCSV(csv); err != nil || back != s {
			t.Fatalf("UnCSV(CSV(%q)) = %q, %v", s, back, err)
		}
		noDangerous(t, "Clipboard", s, textsafe.Clipboard(s))
		noDangerous(t, "Markdown", s, textsafe.Markdown(s))
	})
}
