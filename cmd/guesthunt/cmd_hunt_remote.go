package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/spf13/cobra"
)

// kustoOpener connects to a Log Analytics workspace (GUID or ARM id). The
// real one (Azure credential + azlogs, package live) is wired by the
// command's constructor; tests pass a fake.
type kustoOpener func(ctx context.Context, workspace string) (hunt.Kusto, error)

// remoteFlags are hunt's push-down flags and the injected opener.
type remoteFlags struct {
	workspace   string
	withHistory bool
	verify      bool
	openKusto   kustoOpener      // nil: the live source is not wired
	now         func() time.Time // the client clock for --as-of now; nil: time.Now
}

// newHuntCommandKusto is "guesthunt hunt" with --workspace served by
// openKusto (nil: --workspace fails, saying it is not wired).
func newHuntCommandKusto(io streams, openKusto kustoOpener) *cobra.Command {
	var hf huntFlags
	var df dataFlags
	rf := remoteFlags{openKusto: openKusto}
	cmd := huntCommand(&hf, &df)
	addRemoteFlags(cmd, &rf)
	cmd.Example += "\n  guesthunt hunt --workspace <GUID> --as-of now --with-history" +
		"\n  guesthunt hunt --workspace <GUID> --as-of 2026-10-31T12:00:00Z --verify --db case.duckdb"
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if rf.workspace != "" || rf.withHistory || rf.verify {
			return runHuntRemote(cmd.Context(), io, hf, df, rf, args)
		}
		return runHunt(cmd, io, hf, df, args)
	}
	return cmd
}

func addRemoteFlags(cmd *cobra.Command, rf *remoteFlags) {
	f := cmd.Flags()
	f.StringVar(&rf.workspace, "workspace", "", `run the rule in this Log Analytics workspace (GUID or ARM id) instead of on loaded data; --as-of "latest" means now there`)
	f.BoolVar(&rf.withHistory, "with-history", false, "with --workspace: one more query for each flagged inviter's latest earlier invite")
	f.BoolVar(&rf.verify, "verify", false, "with --workspace and --db: run the rule on the case file too and explain every difference (exit 1 unless equal)")
}

// runHuntRemote runs the rule in the workspace and prints its rows as hunt
// does, or, with --verify, the comparison with the case file.
func runHuntRemote(ctx context.Context, io streams, hf huntFlags, df dataFlags, rf remoteFlags, args []string) error {
	switch {
	case rf.workspace == "":
		return usagef("--with-history and --verify need --workspace")
	case len(args) > 0:
		return usagef("--workspace runs the rule where the data is: give no export paths (--verify compares with --db)")
	case rf.verify && df.db == "":
		return usagef("--verify needs the case file to compare with: --db case.duckdb")
	case !rf.verify && df.db != "":
		return usagef("--db with --workspace is only read for --verify")
	}
	p, err := hf.huntParams()
	if err != nil {
		return err
	}
	if rf.openKusto == nil {
		return usagef("--workspace needs the live source, not wired in this build")
	}
	k, err := rf.openKusto(ctx, rf.workspace)
	if err != nil {
		return fmt.Errorf("workspace %s: %w", rf.workspace, err)
	}
	run, err := hunt.RemoteRule(ctx, k, p, hunt.RemoteOptions{WithHistory: rf.withHistory, Now: rf.now})
	if err != nil {
		return liveError(err)
	}
	res := run.Result
	fmt.Fprintf(io.err, "remote: ran in workspace %s; the query sent is what guesthunt kql --as-of %s --baseline %s --window %s%s prints\n",
		io.safe(rf.workspace), hunt.AsOf{Mode: hunt.AsOfFixed, At: res.AsOf}, hunt.FormatTimespan(p.Baseline),
		hunt.FormatTimespan(p.Window), map[bool]string{true: " --fold-case"}[p.FoldCase])
	fmt.Fprintln(io.err, summarize(res))
	for _, w := range res.Warnings {
		fmt.Fprintln(io.err, "warning:", io.safe(w.Text))
	}
	if res.AllClear != "" {
		fmt.Fprintln(io.err, io.safe(res.AllClear))
	}
	if rf.withHistory { // the rows do not carry it: say it here
		for _, inv := range res.Inviters {
			earlier := "never (within the workspace's retention)"
			if inv.HasEarlierInvite {
				earlier = data.FormatTime(inv.LatestEarlierInvite)
			}
			fmt.Fprintf(io.err, "inviter %s: latest earlier invite %s\n", io.safe(inv.UPN), earlier)
		}
	}
	if !rf.verify {
		return writeTable(io, hf.format, res.AlertTable(), 8)
	}
	return verifyOn(ctx, io, df, p, res)
}

// verifyOn runs the rule on the case file at the remote run's very as-of
// and prints the difference, one sentence each.
func verifyOn(ctx context.Context, io streams, df dataFlags, p hunt.Params, remote *hunt.Result) error {
	ds, err := openDataset(ctx, io, df, nil, false)
	if err != nil {
		return err
	}
	defer ds.store.Close()
	p.AsOf = hunt.AsOf{Mode: hunt.AsOfFixed, At: remote.AsOf}
	local, err := hunt.NewEngine(ds.store).Run(ctx, p)
	if err != nil {
		return fmt.Errorf("local run on %s: %w", df.db, err)
	}
	for _, w := range local.Warnings {
		fmt.Fprintln(io.err, "local warning:", io.safe(w.Text))
	}
	rep := hunt.Verify(local.Rows, remote.Rows)
	for _, s := range rep.Sentences() {
		fmt.Fprintln(io.out, io.safe(s))
	}
	if !rep.Equal() {
		return errors.New("the case file and the workspace disagree (the differences are listed above)")
	}
	return nil
}
