package hunt

import (
	"context"
	"errors"
	"time"
)

// Remote is the Backend of a workspace: the rule runs in Log Analytics
// (RemoteRule, with the history query so "latest earlier" is filled), and
// every question that needs the events themselves is refused with a
// NeedsEventsError naming the pull that would answer it.
type Remote struct {
	k         Kusto
	workspace string
	now       func() time.Time
}

// NewRemote is the Backend of workspace, queried through k. now pins
// "now" and "latest" (nil: time.Now).
func NewRemote(k Kusto, workspace string, now func() time.Time) *Remote {
	return &Remote{k: k, workspace: workspace, now: now}
}

// Workspace is the workspace the rule runs in, as given.
func (r *Remote) Workspace() string { return r.workspace }

// Run runs the rule in the workspace: two queries (the rule, then each
// flagged inviter's latest earlier invite).
func (r *Remote) Run(ctx context.Context, p Params) (*Result, error) {
	run, err := RemoteRule(ctx, r.k, p, RemoteOptions{WithHistory: true, Now: r.now})
	if err != nil {
		return nil, err
	}
	return run.Result, nil
}

// Sensitivity needs every invite of the baseline's reach.
func (r *Remote) Sensitivity(context.Context, Params, int) ([]SensitivityPoint, error) {
	return nil, r.needs("the sensitivity strip")
}

// Explain needs the inviter's invites before the window.
func (r *Remote) Explain(context.Context, Params, string) (*Explanation, error) {
	return nil, r.needs("why-flagged")
}

// Replay needs the events of every replayed day.
func (r *Remote) Replay(context.Context, ReplayParams) (*Replay, error) {
	return nil, r.needs("the timeline (replay)")
}

// Trails needs the guests' events after their invite.
func (r *Remote) Trails(context.Context, TrailParams) ([]Trail, error) {
	return nil, r.needs("the guest trail")
}

// Record needs the original records, which only a pulled case keeps.
func (r *Remote) Record() error { return r.needs("the original record") }

func (r *Remote) needs(what string) error {
	return &NeedsEventsError{What: what, Workspace: r.workspace}
}

// NeedsEventsError is a question a remote workspace's alerts cannot
// answer: it needs the events themselves, pulled into a case file.
type NeedsEventsError struct {
	What      string // what was asked for ("why-flagged")
	Workspace string
}

func (e *NeedsEventsError) Error() string {
	ws := e.Workspace
	if ws == "" {
		ws = "WS"
	}
	return e.What + " is not available on a remote workspace: needs the events — pull them with guesthunt pull --workspace " +
		ws + " --db case.duckdb"
}

// NeedsEvents reports whether err is (or wraps) a NeedsEventsError.
func NeedsEvents(err error) bool {
	var n *NeedsEventsError
	return errors.As(err, &n)
}

// RemoteWorkspace is the workspace b runs in, when b is remote.
func RemoteWorkspace(b Backend) (string, bool) {
	if r, ok := b.(*Remote); ok && r != nil {
		return r.workspace, true
	}
	return "", false
}
