package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/progress"
	"github.com/charmbracelet/x/ansi"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// LoadingView is the screen the workbench shows while its data loads: the
// file being read with a progress bar, bytes, records, rate and ETA, the
// whole load's bar when there are several files, and the files already
// read. Feed it every store.LoadProgress; the zero value is ready to use.
type LoadingView struct {
	last     store.LoadProgress
	seen     bool
	finished []loadedFile // files before the current one, in order
}

// loadedFile is a file the load has moved past.
type loadedFile struct {
	name    string // raw: drawn through safe
	records int64
	bytes   int64
}

// Update takes the next snapshot of the load.
func (v *LoadingView) Update(p store.LoadProgress) {
	if v.seen && v.last.FileIndex > 0 && p.FileIndex != v.last.FileIndex {
		v.finished = append(v.finished, loadedFile{name: v.last.File, records: v.last.Records, bytes: v.last.TotalBytes})
	}
	v.last, v.seen = p, true
}

// Progress is the last snapshot taken (zero before the first).
func (v LoadingView) Progress() store.LoadProgress { return v.last }

// View draws the loading screen in width x height cells. Without colour
// (plain Styles) the bar is told apart by its glyphs: █ read, ░ to read.
func (v LoadingView) View(st Styles, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	p := v.last
	var lines []string
	title := "Loading"
	switch {
	case p.Phase == store.PhasePulling:
		title = "Pulling"
	case p.Files > 1:
		title += fmt.Sprintf(" %d files", p.Files)
	}
	if p.AllBytes > 0 {
		title += " · " + FormatBytes(p.AllBytes)
	}
	lines = append(lines, st.Title.Render(ansi.Truncate(title, width, safe.Ellipsis)), "")
	if !v.seen {
		lines = append(lines, st.Dim.Render(ansi.Truncate("starting…", width, safe.Ellipsis)))
		return strings.Join(fitHeight(lines, height), "\n")
	}

	label := FileCounter(p)
	if p.Phase == store.PhaseSpooling {
		label = "standard input"
	}
	if label != "" {
		label += "  "
	}
	nameWidth := width - ansi.StringWidth(label)
	name := ""
	if p.File != "" && p.Phase != store.PhaseSpooling && nameWidth > 0 {
		name = safe.StyledLine(p.File, nameWidth, rf(st.Value), rf(st.Marker))
	}
	lines = append(lines, ansi.Truncate(st.Label.Render(label)+name, width, safe.Ellipsis))
	if bar := loadingBar(st, width, p.Fraction()); bar != "" && p.TotalBytes > 0 && p.Phase != store.PhaseSpooling {
		lines = append(lines, bar)
	}
	lines = append(lines, st.App.Render(ansi.Truncate(joinFacts(ProgressFacts(p)), width, safe.Ellipsis)))
	if p.Files > 1 && p.AllBytes > 0 {
		if bar := loadingBar(st, width-len("all files  "), p.OverallFraction()); bar != "" {
			lines = append(lines, "", st.Label.Render("all files  ")+bar)
		}
	}
	if len(v.finished) > 0 {
		lines = append(lines, "")
		for _, f := range v.finished {
			facts := fmt.Sprintf("  %s records · %s", thousands(int(f.records)), FormatBytes(f.bytes))
			room := width - len("read  ") - ansi.StringWidth(facts)
			if room < 8 { // too narrow for name and figures: the name alone
				lines = append(lines, st.Dim.Render("read  ")+safe.StyledLine(f.name, max(width-len("read  "), 1), nil, rf(st.Marker)))
				continue
			}
			lines = append(lines, st.Dim.Render("read  ")+safe.StyledLine(f.name, room, nil, rf(st.Marker))+st.Dim.Render(facts))
		}
	}
	return strings.Join(fitHeight(lines, height), "\n")
}

// loadingBar is a Bubbles progress bar filled to fraction, "" when there is
// no room for one. It is drawn at the given value, not animated: updates
// arrive ten times a second, which is motion enough.
func loadingBar(st Styles, width int, fraction float64) string {
	w := min(width, 72)
	if w < 12 {
		return ""
	}
	bar := progress.New(progress.WithFillCharacters('█', '░'), progress.WithWidth(w),
		progress.WithColors(st.StripBar.GetForeground()))
	bar.EmptyColor = st.StripUncovered.GetForeground()
	return bar.ViewAs(fraction)
}

// fitHeight keeps the first lines that fit: the list of files already read,
// at the end, is what a short terminal loses.
func fitHeight(lines []string, height int) []string {
	if len(lines) > height {
		return lines[:height]
	}
	return lines
}
