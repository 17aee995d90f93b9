// Package textsafetest holds the hostile strings every output sink is tested
// on (textsafe's own tests and the end-to-end sink test in cmd/guesthunt), so
// the sinks are checked against one list.
package textsafetest

// Sample is one string from an attacker-written audit-log field.
type Sample struct {
	Name string
	S    string
	// Keep: the string is harmless and every sink must pass it unchanged
	// (but for its format's own syntax escaping).
	Keep bool
}

// Samples are the hostile (and a few harmless) strings.
var Samples = []Sample{
	{Name: "OSC 52 clipboard write", S: "guest\x1b]52;c;cmVib290Cg==\x07@x.com"},
	{Name: "title set, BEL and ST", S: "\x1b]0;pwned\x07\x1b]2;again\x1b\\"},
	{Name: "CSI clear and colour", S: "\x1b[2J\x1b[31mred\x1b[0m"},
	{Name: "C1 CSI and OSC", S: "\u009b2J\u009d0;t\u009c"},
	{Name: "BEL", S: "ding\a"},
	{Name: "CR overwrite", S: "evil\rgood"},
	{Name: "LF and CRLF with a command", S: "alice@x.com\nrm -rf ~\r\n"},
	{Name: "NUL DEL TAB BS", S: "a\x00b\x7fc\td\be"},
	{Name: "RLO", S: "invoice\u202Egpj.exe"},
	{Name: "LRI PDI RLI FSI LRE PDF", S: "\u2066x\u2069\u2067y\u2068z\u202Aw\u202C"},
	{Name: "LRM RLM ALM", S: "a\u200Eb\u200Fc\u061Cd"},
	{Name: "ZWSP ZWNJ ZWJ", S: "ad\u200Bm\u200Ci\u200Dn@x.com"},
	{Name: "BOM", S: "\uFEFFbom"},
	{Name: "soft hyphen", S: "pay\u00ADpal"},
	{Name: "word joiner and invisible operators", S: "a\u2060b\u2061c\u2062d\u2063e\u2064"},
	{Name: "NBSP", S: "alice\u00A0@x.com"},
	{Name: "other lookalike spaces", S: "a\u1680b\u2000c\u2007d\u200Ae\u202Ff\u205Fg\u3000h"},
	{Name: "line and paragraph separators", S: "a\u2028b\u2029c"},
	{Name: "tag characters", S: "hi\U000E0001\U000E0041\U000E007F"},
	{Name: "variation selector", S: "\u2764\uFE0F"},
	{Name: "Hangul filler", S: "\u3164name"},
	{Name: "NEL", S: "a\u0085b"},
	{Name: "invalid UTF-8", S: "bad\xffbyte\xc3"},
	{Name: "spreadsheet formula", S: "=cmd|' /C calc'!A0"},
	{Name: "formula +", S: "+1+cmd|' /C calc'!A0"},
	{Name: "formula -", S: "-2+3"},
	{Name: "formula @", S: "@SUM(A1:A2)"},
	{Name: "leading apostrophe", S: "'quoted"},
	{Name: "leading tab", S: "\t=1"},
	{Name: "shell substitution", S: "$(reboot)@x.com"},
	{Name: "backticks and pipes", S: "`reboot` | <img src=x onerror=alert(1)> # h"},
	{Name: "literal backslash escapes", S: `C:\temp\u202E and \\ and \x41`},
	{Name: "emoji", S: "ok 👍 🎉", Keep: true},
	{Name: "CJK", S: "山田太郎 ゲスト 김민준", Keep: true},
	{Name: "accents", S: "Zoë Ångström", Keep: true},
	{Name: "plain UPN", S: "alice@contoso.com", Keep: true},
}
