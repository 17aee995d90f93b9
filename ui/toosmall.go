package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// The workbench needs room for header, two panes, strip and status bar.
const (
	MinWidth  = 80
	MinHeight = 20
)

// TooSmall reports whether the terminal cannot hold the workbench.
func TooSmall(width, height int) bool {
	return width < MinWidth || height < MinHeight
}

// TooSmallView says so, centred, instead of drawing a broken layout.
func TooSmallView(width, height int, st Styles) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	msg := fmt.Sprintf("terminal too small (need %dx%d, have %dx%d)", MinWidth, MinHeight, width, height)
	msg = ansi.Truncate(msg, width, "…")
	pad := max((width-ansi.StringWidth(msg))/2, 0)
	top := max((height-1)/2, 0)
	return strings.Repeat("\n", top) + strings.Repeat(" ", pad) + st.Warning.Render(msg)
}
