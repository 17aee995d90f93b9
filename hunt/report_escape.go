package hunt

import (
	"strings"

	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// Escaping for reports. Every string in a report comes from the audit log,
// which an attacker writes (a guest's display name, a UPN): in Markdown it
// must neither break the document (tables, headings, HTML) nor hide what it
// is (bidi overrides reorder text, zero-width characters split look-alikes).
// The policy is package textsafe's, the same the workbench draws with: hidden
// characters are shown as the same markers (‹RLO›, ‹ZWSP›, ␛).

// mdText escapes s for Markdown running text and table cells.
func mdText(s string) string { return textsafe.Markdown(s) }

// mdCode prepares s for a fenced code block: hostile runes become markers
// but line feeds stay; the fence is chosen by mdFence.
func mdCode(s string) string { return textsafe.MarkdownCode(s) }

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
