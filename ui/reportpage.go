package ui

import (
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
)

// An analyst over SSH cannot open the server's files: the report they
// exported is shown on a page, and y copies it whole (OSC 52).

// reportTextMsg is an exported report read back.
type reportTextMsg struct {
	path, text string
	err        error
}

// maxReportShown bounds what is read back for the page (a report of a huge
// result is still on disk whole).
const maxReportShown = 4 << 20

func readReportCmd(path string) tea.Cmd {
	return func() tea.Msg {
		f, err := os.Open(path)
		if err != nil {
			return reportTextMsg{path: path, err: err}
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, maxReportShown))
		return reportTextMsg{path: path, text: string(b), err: err}
	}
}

func (m Model) openReportPage(msg reportTextMsg) Model {
	if msg.err != nil {
		m.say("report written to "+msg.path+" but not readable back: "+msg.err.Error(), true)
		return m
	}
	text := msg.text
	return m.openPage(pagerPage{
		kind: pageReport,
		render: func(st Styles, width int) []string {
			lines := []string{st.Title.Render("Report") + st.Dim.Render(fmt.Sprintf("  written on the server to %s; y copies it whole", msg.path))}
			for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
				lines = append(lines, styled(l, st.Value, st.Marker))
			}
			return wrapAll(lines, width)
		},
		clip: &clipText{what: "the report", text: text},
	})
}
