package main

import (
	"context"

	"github.com/spf13/cobra"
)

func newRootCommand(io streams) *cobra.Command { return newRootCommandWith(io, defaultLiveDeps()) }

// newRootCommandWith is the command tree with the live sources' sign-in and
// transport given (tests: a fake credential and a TLS test server).
func newRootCommandWith(io streams, deps liveDeps) *cobra.Command {
	hf := huntFlags{format: "table"}
	var df dataFlags
	lf := &liveFlags{}
	rf := remoteFlags{openKusto: deps.kustoOpener(io, lf)}
	root := &cobra.Command{
		Use:   "guesthunt [PATH...|--db FILE]",
		Short: "Hunt for guest-invitation abuse in Entra ID audit logs",
		Long: `guesthunt loads Entra ID audit-log exports (Log Analytics/Sentinel, Microsoft Graph,
diagnostic settings, the Entra portal, Parquet) into embedded DuckDB and runs the
Microsoft Sentinel rule "Guest Users Invited to Tenant by New Inviters" exactly.

Without a path or --db it works on a built-in demo tenant.

Verdicts and notes recorded in the workbench are kept in the case file given
with --db. Opened on export files without --db, guesthunt keeps them in a case
file of its own for that set of files, under $XDG_STATE_HOME/guesthunt/cases/
(~/.local/state/guesthunt/cases/ by default; $GUESTHUNT_STATE_DIR/cases/ when
set), so reopening the same exports brings them back. The workbench header
shows which file that is.

With --workspace the workbench opens on the alerts the rule computes in that Log
Analytics workspace, loading nothing (sign-in as --auth says). Verdicts go to --db,
else a state file of that workspace. Why-flagged, the sensitivity strip, the timeline,
the guest trail and the original records need the events: guesthunt pull them into
a case file first. Piped, it prints like "guesthunt hunt --workspace".`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
		Args:          cobra.ArbitraryArgs,
		// On a terminal the bare command opens the workbench; piped, it
		// prints the hunt like "guesthunt hunt".
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mistypedCommand(cmd.Root(), args); err != nil {
				return err
			}
			if rf.workspace != "" {
				return runRootRemote(cmd.Context(), io, hf, df, rf, args)
			}
			if !isTerminal(io.out) {
				return runHunt(cmd, io, hf, df, args)
			}
			p, err := hf.params()
			if err != nil {
				return err
			}
			return runWorkbench(cmd.Context(), io, df, args, p)
		},
	}
	addParamFlags(root, &hf)
	addDataFlags(root, &df)
	root.Flags().StringVar(&rf.workspace, "workspace", "", `open the workbench on alerts computed in this Log Analytics workspace (GUID or ARM id); --as-of "latest" means now there; verdicts go to --db, else a state file of the workspace`)
	addLiveFlags(root, lf)
	root.SetOut(io.out)
	root.SetErr(io.err)
	root.SetIn(io.in)
	root.AddCommand(newHuntCommand(io, deps), newPullCommand(io, deps), newLoadCommand(io), newSQLCommand(io), newDemoCommand(io), newKQLCommand(io), newReportCommand(io), newReplayCommand(io), newTrailCommand(io))
	root.AddCommand(newGenerateCommand(io), newScoreCommand(io), newTrainCommand(io))
	root.AddCommand(serveCommands(io)...)
	return root
}

// runRootRemote is the bare command with --workspace: the workbench over
// the workspace's alerts on a terminal; piped, the rows as
// "guesthunt hunt --workspace" prints them (--db only keeps verdicts, which
// a pipe does not show).
func runRootRemote(ctx context.Context, io streams, hf huntFlags, df dataFlags, rf remoteFlags, args []string) error {
	if !isTerminal(io.out) {
		df.db = ""
		return runHuntRemote(ctx, io, hf, df, rf, args)
	}
	p, err := hf.params()
	if err != nil {
		return err
	}
	return runRemoteWorkbench(ctx, io, df, rf, args, p)
}
