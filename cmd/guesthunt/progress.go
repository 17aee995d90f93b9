package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// progressLine is a load's progress as one line of at most width cells:
// "loading file 2/5 exports/a.ndjson  45.3 MB / 306 MB · 45,000 records ·
// 85.2 MB/s · ETA 3s · reading · 4s elapsed". The file name comes from the
// analyst's arguments or a directory listing and is drawn through textsafe
// (safe.Line); it gives way first when the line is too long, then the
// figures at its end.
func progressLine(p store.LoadProgress, width int) string {
	if width <= 0 {
		return ""
	}
	head := "loading"
	if c := ui.FileCounter(p); c != "" {
		head += " " + c
	}
	if p.Phase == store.PhaseSpooling {
		head += " standard input"
	}
	facts := strings.Join(ui.ProgressFacts(p), " · ")
	name := ""
	if p.File != "" && p.Phase != store.PhaseSpooling {
		room := width - ansi.StringWidth(head) - 1 - 2 - ansi.StringWidth(facts)
		name = " " + safe.Line(p.File, max(room, 12))
	}
	return ansi.Truncate(head+name+"  "+facts, width, safe.Ellipsis)
}

// lineProgress draws a load's progress on a terminal as one line redrawn in
// place, and erases it when the load is over.
type lineProgress struct {
	mu    sync.Mutex
	w     io.Writer
	width func() int
	drawn bool
}

// update draws p over the previous line; the last update (Done) erases it.
func (l *lineProgress) update(p store.LoadProgress) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if p.Done {
		l.eraseLocked()
		return
	}
	// One cell short of the width: a line that fills the last column wraps
	// on some terminals, and \r would then redraw only its second half.
	fmt.Fprint(l.w, "\r"+progressLine(p, l.width()-1)+"\x1b[K")
	l.drawn = true
}

// erase removes the line, if one is drawn, so what follows starts clean.
func (l *lineProgress) erase() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.eraseLocked()
}

func (l *lineProgress) eraseLocked() {
	if l.drawn {
		fmt.Fprint(l.w, "\r\x1b[K")
		l.drawn = false
	}
}

// stderrProgress is the progress callback for a load when standard error is
// a terminal, and the function that erases its line; nil and a no-op when it
// is not (a file or a pipe gets no progress at all).
func stderrProgress(io streams) (progress func(store.LoadProgress), erase func()) {
	f, ok := io.err.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return nil, func() {}
	}
	l := &lineProgress{w: f, width: func() int {
		if w, _, err := term.GetSize(f.Fd()); err == nil && w > 0 {
			return w
		}
		return 80
	}}
	return l.update, l.erase
}

// Loads this big or this slow are worth saving in a case file once.
const (
	hintEvents  = 100_000
	hintElapsed = 5 * time.Second
)

// bigLoad says whether a load of raw exports was big or slow enough to be
// worth keeping in a case file.
func bigLoad(rep store.LoadReport) bool {
	return rep.Totals().Loaded > hintEvents || rep.Elapsed > hintElapsed
}

// reopenStatus is the tip of reopenTip on one line, for the workbench's
// status line; "" after a small load.
func reopenStatus(rep store.LoadReport) string {
	if !bigLoad(rep) {
		return ""
	}
	return "tip: guesthunt load PATH... --db case.duckdb once, then guesthunt --db case.duckdb reopens in under a second"
}

// reopenTip suggests a case file after a big or slow load of raw exports,
// "" after a small one.
func reopenTip(rep store.LoadReport) string {
	if !bigLoad(rep) {
		return ""
	}
	loaded := rep.Totals().Loaded
	return fmt.Sprintf("tip: loading %s events took %s. Keep them in a case file once:\n"+
		"  guesthunt load PATH... --db case.duckdb\n"+
		"then  guesthunt --db case.duckdb  (or hunt, report, sql with --db case.duckdb) opens it in under a second\n",
		groupThousands(loaded), hunt.FormatSpan(rep.Elapsed))
}

// groupThousands writes n with thousands separators.
func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
