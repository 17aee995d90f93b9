package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/live"
)

// pullFlags are pull's own flags.
type pullFlags struct {
	workspace   string
	graph       bool
	since       string
	from, to    string
	scope       string
	concurrency int
	chunkBytes  int64
	chunkRows   int64
	wait        time.Duration
	settle      time.Duration
	dryRun      bool
	refresh     bool
	open        bool
	// onProgress, when set, takes the pull's progress instead of the
	// terminal line (pull --open: the workbench's loading page).
	onProgress func(live.Progress)
}

func newPullCommand(io streams, deps liveDeps) *cobra.Command {
	var pf pullFlags
	var lf liveFlags
	var db string
	cmd := &cobra.Command{
		Use:   "pull (--workspace ID | --graph) --db FILE [--since 15d | --from T --to T]",
		Short: "Pull AuditLogs from a Sentinel workspace or Microsoft Graph into a case file",
		Long: `pull fetches AuditLogs from a Log Analytics (Sentinel) workspace, or directoryAudits
from Microsoft Graph, into a case file, in chunks small enough for the service's
limits. Each chunk's raw response is kept next to the case file (FILE.pulls/, 0600)
and loaded exactly as a hand export would be, in the same transaction that marks
the chunk done: an interrupted pull (Ctrl-C, a lost connection, kill -9) resumes
when the same command runs again, and loads every event once.

Scopes: invites (the default) asks the service for exactly the events the rule
reads (OperationName =~ "Invite external user", any result); trail adds the
operations the guest trail reads; all pulls every AuditLogs row.

Coverage of a pulled case is what was pulled, not the span of the events: the
hunt's "latest" as-of and its coverage warning follow the plan.

Exit status: 0 complete; 1 incomplete (re-run the same command to resume);
2 usage, permission or configuration errors.`,
		Example: `  guesthunt pull --workspace 00000000-0000-0000-0000-000000000000 --db case.duckdb
  guesthunt pull --workspace /subscriptions/…/workspaces/soc --db case.duckdb --since 90d --scope trail
  guesthunt pull --graph --db case.duckdb --since 7d
  guesthunt pull --workspace WS --db case.duckdb --open   # progress in the workbench, then the case
  guesthunt pull --db case.duckdb             # resume unfinished pulls
  guesthunt pull status --db case.duckdb      # plan, chunks and coverage`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if db == "" {
				return usagef("pull needs --db FILE: the case file to pull into")
			}
			if pf.open {
				return runPullOpen(cmd.Context(), io, deps, pf, lf, db, cmd.Flags().Changed("since"))
			}
			return runPull(cmd.Context(), io, deps, pf, lf, db, cmd.Flags().Changed("since"))
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "the case file to pull into (created if missing)")
	f.StringVar(&pf.workspace, "workspace", "", "Log Analytics workspace: its ID (a GUID) or ARM resource ID")
	f.BoolVar(&pf.graph, "graph", false, "pull from Microsoft Graph auditLogs/directoryAudits instead")
	f.StringVar(&pf.since, "since", "15d", "how far back from now to pull (Kusto timespan): the 14-day baseline plus a day")
	f.StringVar(&pf.from, "from", "", "pull from this instant (RFC 3339, UTC), instead of --since")
	f.StringVar(&pf.to, "to", "", "pull up to (not including) this instant; default now")
	f.StringVar(&pf.scope, "scope", "invites", "which rows: invites, trail, all")
	f.IntVar(&pf.concurrency, "concurrency", 0, "queries in flight (default 3 for a workspace, 1 for Graph)")
	f.Int64Var(&pf.chunkBytes, "chunk-bytes", 16<<20, "estimated bytes per chunk")
	f.Int64Var(&pf.chunkRows, "chunk-rows", 50000, "rows per chunk")
	f.DurationVar(&pf.wait, "wait", 5*time.Minute, "server-side time limit of one query (at most 10m)")
	f.DurationVar(&pf.settle, "settle", 30*time.Minute, "rows newer than this may still be arriving: such chunks stay provisional")
	f.BoolVar(&pf.dryRun, "dry-run", false, "print the plan (chunks, estimated rows and bytes) and pull nothing")
	f.BoolVar(&pf.refresh, "refresh", false, "ask provisional chunks again for rows that arrived late")
	f.BoolVar(&pf.open, "open", false, "show the pull's progress in the workbench, then open the case it filled")
	addLiveFlags(cmd, &lf)
	cmd.AddCommand(newPullStatusCommand(io))
	return cmd
}

// pullSpan resolves --since/--from/--to into the half-open [From, To).
// Whole seconds keep the chunk boundaries readable; an instant given with
// ticks is kept exactly.
func pullSpan(pf pullFlags, sinceSet bool, now time.Time) (time.Time, time.Time, error) {
	to := now.UTC().Truncate(time.Second).Add(time.Second)
	if pf.to != "" {
		t, err := formats.ParseTimestamp(pf.to)
		if err != nil {
			return time.Time{}, time.Time{}, usagef("--to: %v", err)
		}
		to = data.ToTick(t)
	}
	if pf.from != "" {
		if sinceSet {
			return time.Time{}, time.Time{}, usagef("give --since or --from, not both")
		}
		t, err := formats.ParseTimestamp(pf.from)
		if err != nil {
			return time.Time{}, time.Time{}, usagef("--from: %v", err)
		}
		from := data.ToTick(t)
		if !from.Before(to) {
			return time.Time{}, time.Time{}, usagef("--from %s is not before --to %s", hunt.TableTime(from), hunt.TableTime(to))
		}
		return from, to, nil
	}
	d, err := hunt.ParseTimespan(pf.since)
	if err != nil || d <= 0 {
		return time.Time{}, time.Time{}, usagef("--since %q: a positive Kusto timespan like 15d or 36h", pf.since)
	}
	return to.Add(-d), to, nil
}

func (pf pullFlags) options(io streams, spool string) live.PullOptions {
	opt := live.PullOptions{
		Concurrency: pf.concurrency, ChunkBytes: pf.chunkBytes, ChunkRows: pf.chunkRows,
		Wait: pf.wait, Settle: pf.settle, DryRun: pf.dryRun, Refresh: pf.refresh,
		SpoolDir: spool, Progress: pullProgress(io),
	}
	if pf.onProgress != nil {
		opt.Progress = pf.onProgress
	}
	return opt
}

func runPull(ctx context.Context, io streams, deps liveDeps, pf pullFlags, lf liveFlags, db string, sinceSet bool) error {
	if pf.graph && pf.workspace != "" {
		return usagef("give --workspace or --graph, not both")
	}
	switch live.Scope(pf.scope) {
	case live.ScopeInvites, live.ScopeTrail, live.ScopeAll:
	default:
		return usagef("--scope %q: use invites, trail or all", pf.scope)
	}
	if pf.wait <= 0 || pf.wait > 10*time.Minute {
		return usagef("--wait %s: between 1s and 10m (the service's limit)", pf.wait)
	}
	if pf.dryRun && pf.workspace == "" && !pf.graph {
		return usagef("--dry-run needs --workspace or --graph: what to plan")
	}
	st, err := store.Open(db)
	if err != nil {
		return usageError{explainLock(err)}
	}
	defer st.Close()
	spool := db + ".pulls"

	var pulls []store.Pull
	if pf.workspace == "" && !pf.graph {
		// Resume whatever is unfinished in the case.
		all, err := st.Pulls(ctx)
		if err != nil {
			return err
		}
		for i, p := range all {
			if !p.Complete || pf.refresh && !graphRefreshedLater(p, all[i+1:]) {
				pulls = append(pulls, p)
			}
		}
		if len(pulls) == 0 {
			fmt.Fprintf(io.err, "%s: no unfinished pull to resume; give --workspace ID or --graph to start one\n", io.safe(db))
			return nil
		}
	} else {
		from, to, err := pullSpan(pf, sinceSet, time.Now())
		if err != nil {
			return err
		}
		p := store.Pull{Scope: pf.scope, From: from, To: to, Cloud: lf.cloud, Settle: pf.settle}
		if pf.graph {
			p.Source = "graph"
		} else {
			p.Source, p.Target = "la", pf.workspace
		}
		if !pf.dryRun && pf.from == "" && pf.to == "" {
			// "--since 15d" means another span on every run: running the
			// same command again after an interruption must resume the
			// unfinished pull, not start a new one beside it.
			if prev, ok, err := unfinishedLike(ctx, st, p); err != nil {
				return err
			} else if ok {
				fmt.Fprintf(io.err, "resuming pull %d [%s, %s)\n", prev.ID, hunt.TableTime(prev.From), hunt.TableTime(prev.To))
				p = prev
			}
		}
		pulls = append(pulls, p)
	}
	var failed error
	for _, p := range pulls {
		if p.Cloud != "" {
			lf.cloud = p.Cloud
		}
		sum, err := pullOne(ctx, io, deps, lf, st, p, pf.options(io, spool))
		writePullSummary(io, sum, pf.dryRun)
		if err != nil {
			failed = err
		}
	}
	return failed
}

// graphRefreshedLater says a Graph pull has a later pull of the same
// source, target, cloud, scope and To within its span (its refresh):
// --refresh refreshes that one, which asks again only what is still
// provisional, instead of asking Graph for the same span twice.
func graphRefreshedLater(p store.Pull, later []store.Pull) bool {
	for _, q := range later {
		if p.Source == "graph" && q.Source == p.Source && q.Target == p.Target && q.Cloud == p.Cloud && q.Scope == p.Scope && q.To.Equal(p.To) && !q.From.Before(p.From) {
			return true
		}
	}
	return false
}

// unfinishedLike finds the latest unfinished pull of the same source,
// target, cloud and scope.
func unfinishedLike(ctx context.Context, st *store.Store, p store.Pull) (store.Pull, bool, error) {
	all, err := st.Pulls(ctx)
	if err != nil {
		return store.Pull{}, false, err
	}
	for i := len(all) - 1; i >= 0; i-- {
		q := all[i]
		if !q.Complete && q.Source == p.Source && q.Target == p.Target && q.Cloud == p.Cloud && q.Scope == p.Scope {
			return q, true, nil
		}
	}
	return store.Pull{}, false, nil
}

// pullOne runs (or resumes) one pull. A pull that stopped part-way is exit 1
// with the resume hint; a refusal to sign in or a missing permission is 2.
func pullOne(ctx context.Context, io streams, deps liveDeps, lf liveFlags, st *store.Store, p store.Pull, opt live.PullOptions) (live.Summary, error) {
	c, cred, err := deps.session(io, lf)
	if err != nil {
		return live.Summary{Pull: p}, err
	}
	var sum live.Summary
	switch p.Source {
	case "graph":
		if c.GraphRoot == "" {
			return live.Summary{Pull: p}, usageError{errors.New(c.GraphNotFound)}
		}
		gc, err := live.NewGraphClient(cred, c, live.GraphClientOptions{Transport: deps.transport})
		if err != nil {
			return live.Summary{Pull: p}, err
		}
		for _, n := range live.GraphNotes(p, time.Now()) {
			fmt.Fprintf(io.err, "note: %s\n", n)
		}
		sum, err = live.PullGraph(ctx, st, gc, p, opt)
		return sum, liveError(err)
	default:
		lc, err := live.NewLAClient(cred, c, live.LAClientOptions{Transport: deps.transport})
		if err != nil {
			return live.Summary{Pull: p}, err
		}
		sum, err = live.PullLA(ctx, st, lc, p, opt)
		return sum, liveError(err)
	}
}

// liveError makes sign-in, permission and configuration failures of a
// live source usage errors (exit 2: re-running will not help, someone must
// sign in or grant a role), with the next step in words; anything else is
// exit 1 (a pull's error carries the resume hint).
func liveError(err error) error {
	if err == nil {
		return nil
	}
	if hint := live.SignInHint(err); hint != "" {
		if !strings.Contains(err.Error(), hint) {
			err = fmt.Errorf("%w; %s", err, hint)
		}
		return usageError{err}
	}
	if live.IsPermanent(err) {
		return usageError{err}
	}
	return err
}

func pullProgress(io streams) func(live.Progress) {
	if !isTerminal(io.err) {
		return nil
	}
	return func(p live.Progress) {
		line := fmt.Sprintf("pulling chunk %d/%d · %d rows · %s", p.Chunk, p.Of, p.Rows, humanBytes(p.Bytes))
		if !p.ThrottledUntil.IsZero() {
			line += " · throttled until " + p.ThrottledUntil.UTC().Format("15:04:05")
		}
		if p.ETA > 0 {
			line += " · ETA " + hunt.FormatSpan(p.ETA.Round(time.Second))
		}
		if p.Note != "" {
			line += " · " + p.Note
		}
		fmt.Fprintf(io.err, "\r\x1b[K%s", io.safe(line))
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// writePullSummary says what a pull did, or with --dry-run what it would do.
// Workspace names and errors are drawn through the sanitizer line by line
// (a line break is ours, not the data's). A pull that never started (it
// failed before planning) has nothing to summarise: its error says it all.
func writePullSummary(io streams, s live.Summary, dry bool) {
	if isTerminal(io.err) {
		fmt.Fprint(io.err, "\r\x1b[K")
	}
	p := s.Pull
	if p.ID == 0 && len(s.Plan) == 0 {
		return
	}
	src := "workspace " + p.Target
	if p.Source == "graph" {
		src = "Microsoft Graph directoryAudits"
	}
	span := fmt.Sprintf("[%s, %s)", hunt.TableTime(p.From), hunt.TableTime(p.To))
	var lines []string
	if dry {
		lines = append(lines, fmt.Sprintf("plan: %s, scope %s, %s: %d chunks", src, p.Scope, span, len(s.Plan)))
		var rows, bytes int64
		for _, c := range s.Plan {
			lines = append(lines, fmt.Sprintf("  %s  %s  ~%d rows  ~%s", hunt.TableTime(c.From), hunt.TableTime(c.To), c.PlannedRows, humanBytes(c.PlannedBytes)))
			rows += c.PlannedRows
			bytes += c.PlannedBytes
		}
		lines = append(lines, fmt.Sprintf("estimated %d rows, %s; nothing was pulled", rows, humanBytes(bytes)))
	} else {
		state := "complete"
		if s.Incomplete {
			state = "INCOMPLETE: " + s.IncompleteAt
		}
		lines = append(lines, fmt.Sprintf("pull %d: %s, scope %s, %s: %s", p.ID, src, p.Scope, span, state))
		line := fmt.Sprintf("  %d of %d chunks loaded · %d rows fetched (%s) · %d new events", s.Loaded, s.Chunks, s.Rows, humanBytes(s.Bytes), s.Events)
		if s.Splits > 0 {
			line += fmt.Sprintf(" · %d chunks split", s.Splits)
		}
		if s.Throttled > 0 {
			line += fmt.Sprintf(" · throttled %d times", s.Throttled)
		}
		lines = append(lines, line)
		for _, n := range s.Notes {
			lines = append(lines, "  note: "+n)
		}
	}
	for _, l := range lines {
		fmt.Fprintln(io.out, io.safe(l))
	}
}
