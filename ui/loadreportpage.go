package ui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// openLoadReport pushes the load report page: every warning in full (the
// header wraps them to three lines), then every file's counts, rejections
// (file:line and why), duplicates, conflicts, skipped non-audit records and
// incomplete files.
func (m Model) openLoadReport() Model {
	warnings := m.headerInfo().Warnings
	if m.res != nil && !m.res.Coverage.BaselineCovered {
		warnings = append([]string{m.res.Coverage.Note}, warnings...)
	}
	report, openErr := m.report, m.openErr
	files := m.deps.Data.Files
	return m.openPage(pagerPage{
		kind: pageLoadReport,
		render: func(st Styles, width int) []string {
			lines := []string{st.Title.Render("Load report")}
			if len(warnings) > 0 {
				lines = append(lines, "", st.HelpSection.Render("Warnings"))
				for _, w := range warnings {
					for i, l := range strings.Split(ansi.Wrap("⚠ "+safe.Text(w), max(width, 1), " "), "\n") {
						if i > 0 {
							l = "  " + l
						}
						lines = append(lines, st.Warning.Render(l))
					}
				}
			}
			lines = append(lines, "")
			switch {
			case openErr != "":
				lines = append(lines, st.Error.Render("nothing loaded: ")+styled(openErr, st.Value, st.Marker))
			case report != nil:
				lines = append(lines, LoadReportLines(*report, st, width)...)
			default:
				lines = append(lines, st.Dim.Render("this session opened a case file; its load report was printed by guesthunt load"))
				for _, f := range files {
					lines = append(lines, "  "+styled(f, st.Value, st.Marker))
				}
			}
			return wrapAll(lines, width)
		},
	})
}
