package ui

import (
	"fmt"
	"strings"
)

// KeyTableMarkdown is the README's key table, generated from the keymap the
// workbench runs on: the main page's sections, then the keys every other
// page shares. A test fails when the README's copy is stale.
func KeyTableMarkdown(k KeyMap) string {
	var b strings.Builder
	write := func(title string, secs []HelpSection) {
		fmt.Fprintf(&b, "**%s**\n\n| Key | Action |\n| --- | --- |\n", title)
		for _, s := range secs {
			for _, e := range s.Entries {
				h := e.Binding.Help()
				fmt.Fprintf(&b, "| `%s` | %s |\n", strings.ReplaceAll(h.Key, "|", `\|`), h.Desc)
			}
		}
		b.WriteString("\n")
	}
	write("Main page", k.Sections())
	write("Other pages (event detail, why-flagged, KQL, load report, row, pivot)", pagerPage{kind: pageDetail, clip: &clipText{}}.Sections(k))
	return b.String() // ends in a blank line, so the table ends before the marker
}
