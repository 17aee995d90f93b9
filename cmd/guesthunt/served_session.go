package main

import (
	"slices"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// serveSession is what the workbench wiring needs of serve.Session, kept
// here so that it builds and is tested without the serve package;
// cmd_serve.go converts.
type serveSession struct {
	User, KeyFingerprint, RemoteAddr string
	Exercise                         bool
	// Analyst is serve.Session.Analyst(), the one spelling of who saved a
	// verdict; "" spells it the same way from User and KeyFingerprint.
	Analyst string
}

// analyst is who this session's verdicts are recorded as.
func (s serveSession) analyst() string {
	switch {
	case s.Analyst != "":
		return s.Analyst
	case s.KeyFingerprint != "":
		return s.User + " (" + s.KeyFingerprint + ")"
	case s.Exercise:
		return s.User + " (exercise)"
	}
	return s.User
}

// sessionDeps is one SSH session's workbench over the served data: the
// shared engine and store, the case's one verdict store (an exercise
// session: verdicts of its own, in memory), and exports confined to the
// analyst's folder under the server's state directory. The server adds the
// context, window size and colour.
func sessionDeps(served *servedData, s serveSession) ui.Deps {
	d := served
	if s.Exercise {
		d = served.exercise()
	}
	info := d.info
	info.Files = slices.Clone(info.Files) // each session's own
	dir := analystExportDir(d.exportRoot, s)
	deps := ui.Deps{
		Engine:         d.engine,
		Replay:         d.engine.Replay,
		Trails:         d.engine.Trails,
		Store:          d.ds.store,
		Data:           info,
		Params:         d.params,
		IsDark:         true,
		Triage:         d.triage,
		Analyst:        s.analyst(),
		TriageLocation: d.location,
		TriageDurable:  d.durable,
		KQL:            hunt.KQLText,
		ExportDir:      dir,
		ExportRemote:   true,
		Export:         confinedExport(dir, reportExporter(d.ds, d.df, d.args)),
	}
	if x := exerciseOf(d, s); x != nil {
		deps.Exercise, deps.Params = x, d.class.params // the rule as the key was made for
	}
	return deps
}

// exerciseOf is a trainee's exercise in a classroom (nil otherwise).
func exerciseOf(d *servedData, s serveSession) *ui.Exercise {
	if !s.Exercise || d.class == nil {
		return nil
	}
	return d.class.exercise(s)
}
