package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// Every engine call runs in a tea.Cmd, off the event loop, and comes back as
// one of the messages below, with the error when it failed (or panicked:
// recovered), so every request ends and every failure reaches the screen
// with its reason. Each carries the sequence number of the request
// that asked for it: the model keeps only the answer to its latest request,
// so a slow answer for parameters already changed again is dropped.

// sensitivityDays is how far the sensitivity strip reaches.
const sensitivityDays = 90

// runMsg is the rule's result for Params.
type runMsg struct {
	seq    int
	params hunt.Params
	res    *hunt.Result
	err    error
}

// sensMsg is the sensitivity curve for Params.
type sensMsg struct {
	seq    int
	params hunt.Params
	points []hunt.SensitivityPoint
	err    error
}

// detailMsg is the original record behind one alert row.
type detailMsg struct {
	seq    int
	alert  hunt.Alert
	raw    formats.RawRecord
	source store.SourceInfo
	err    error
}

// whyMsg is the engine's explanation of one inviter's verdict.
type whyMsg struct {
	seq int
	upn string
	ex  *hunt.Explanation
	err error
}

// requests holds what is in flight. Cancel funcs stop DuckDB working on
// answers nobody will read; they are values copied with the model, which is
// fine because only the latest copy issues new requests.
type requests struct {
	seq                     int
	run, sens, detail, why  int // latest sequence number per kind
	cancelRun, cancelSens   context.CancelFunc
	cancelDetail, cancelWhy context.CancelFunc
}

func (r *requests) next() int {
	r.seq++
	return r.seq
}

// swap cancels the previous request of a kind and returns a fresh context.
func swap(parent context.Context, prev *context.CancelFunc) context.Context {
	if *prev != nil {
		(*prev)()
	}
	ctx, cancel := context.WithCancel(parent)
	*prev = cancel
	return ctx
}

// recovered turns a panic in a background call into an error, so a query
// that blows up is reported like one that fails instead of leaving its
// request in flight (and the status bar saying "querying…") for ever. Use as
// defer recovered(&msg, func(err error) tea.Msg { … }).
func recovered(msg *tea.Msg, fail func(error) tea.Msg) {
	if r := recover(); r != nil {
		*msg = fail(fmt.Errorf("internal error: %v", r))
	}
}

// queryTimeout bounds one engine call, so a wedged query cannot leave the
// status bar saying "querying…" for ever.
const queryTimeout = 5 * time.Minute

func runCmd(ctx context.Context, eng hunt.Backend, seq int, p hunt.Params) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return runMsg{seq: seq, params: p, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		res, err := eng.Run(ctx, p)
		return runMsg{seq: seq, params: p, res: res, err: err}
	}
}

func sensCmd(ctx context.Context, eng hunt.Backend, seq int, p hunt.Params) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return sensMsg{seq: seq, params: p, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		pts, err := eng.Sensitivity(ctx, p, sensitivityDays)
		return sensMsg{seq: seq, params: p, points: pts, err: err}
	}
}

func detailCmd(ctx context.Context, st *store.Store, seq int, a hunt.Alert) tea.Cmd {
	return func() (out tea.Msg) {
		defer recovered(&out, func(err error) tea.Msg { return detailMsg{seq: seq, alert: a, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		msg := detailMsg{seq: seq, alert: a}
		if st == nil {
			return msg
		}
		msg.source, msg.err = st.Source(ctx, a.SourceID)
		if msg.err == nil {
			msg.raw, msg.err = st.RawRecord(ctx, a.SourceID, a.SourceRecord)
		}
		return msg
	}
}

func whyCmd(ctx context.Context, eng hunt.Backend, seq int, p hunt.Params, upn string) tea.Cmd {
	return func() (msg tea.Msg) {
		defer recovered(&msg, func(err error) tea.Msg { return whyMsg{seq: seq, upn: upn, err: err} })
		ctx, cancel := context.WithTimeout(ctx, queryTimeout)
		defer cancel()
		ex, err := eng.Explain(ctx, p, upn)
		return whyMsg{seq: seq, upn: upn, ex: ex, err: err}
	}
}
