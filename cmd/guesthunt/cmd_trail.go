package main

import (
	"context"
	"fmt"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/spf13/cobra"
)

type trailFlags struct {
	huntFlags
	stale string
}

func newTrailCommand(io streams) *cobra.Command {
	var tf trailFlags
	var df dataFlags
	cmd := trailCommand(&tf, &df)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return runTrail(cmd, io, tf, df, args)
	}
	return cmd
}

// trailCommand is trail's flags and help, without what it runs on (the
// local data, or over ssh the served data).
func trailCommand(tf *trailFlags, df *dataFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "trail [PATH...|--db FILE]",
		Short: "Follow each guest the flagged inviters invited: redemption, groups, roles, apps, deletion",
		Long: `trail runs the rule and, for every alert row, follows the invited guest through the
loaded data after the invite: the redemption (Redeem external user invite and the acceptance
portal's Update user), group and role additions, app role assignments and consents, a change
of user type from Guest to Member, and deletion. Guests are matched by object id, #EXT# UPN
and invited e-mail, never by display name. Each step shows its time, actor, source IP and the
gap since the invite. Signals say, in plain words, why a guest deserves a look first: never
redeemed after --stale, redeemed from another network than the inviter's, an admin role or
admin group within a day, a lookalike, free-mail or never-seen domain. json is an array with
one object per guest.`,
		Example: `  guesthunt trail exports/ --stale 3d
  guesthunt trail --db case.duckdb --format json > trails.json`,
	}
	addParamFlags(cmd, &tf.huntFlags)
	f := cmd.Flags()
	f.StringVar(&tf.stale, "stale", "7d", "an invite not redeemed after this long (Kusto timespan) is flagged never-redeemed")
	f.StringVar(&tf.format, "format", "table", "output: table or json")
	addDataFlags(cmd, df)
	return cmd
}

// trailParams checks the flags and returns the trail's parameters.
func (tf trailFlags) trailParams() (hunt.TrailParams, error) {
	var tp hunt.TrailParams
	if err := checkFormat(tf.format, "table", "json"); err != nil {
		return tp, err
	}
	p, err := tf.params()
	if err != nil {
		return tp, err
	}
	tp.Params = p
	if tp.Stale, err = hunt.ParseTimespan(tf.stale); err != nil {
		return tp, usagef("--stale: %v", err)
	}
	if tp.Stale <= 0 {
		return tp, usagef("--stale %s: want a positive timespan such as 7d", tf.stale)
	}
	return tp, nil
}

func runTrail(cmd *cobra.Command, io streams, tf trailFlags, df dataFlags, args []string) error {
	tp, err := tf.trailParams()
	if err != nil {
		return err
	}
	ds, err := openDataset(cmd.Context(), io, df, args, false)
	if err != nil {
		return err
	}
	defer ds.store.Close()
	return trailOn(cmd.Context(), io, tf.format, tp, ds, hunt.NewEngine(ds.store))
}

// trailOn follows the guests on an open dataset and prints their trails. The
// rule's summary and warnings go to stderr first, as hunt prints them: an
// uncovered baseline makes every trail suspect.
func trailOn(ctx context.Context, io streams, format string, tp hunt.TrailParams, ds *dataset, eng *hunt.Engine) error {
	res, err := eng.Run(ctx, tp.Params)
	if err != nil {
		return err
	}
	trails, err := eng.Trails(ctx, tp)
	if err != nil {
		return err
	}
	describeRun(io, ds, res)
	flagged := 0
	for _, t := range trails {
		if len(t.Signals) > 0 {
			flagged++
		}
	}
	fmt.Fprintf(io.err, "%d guest trails, %d with signals (never-redeemed after %s)\n",
		len(trails), flagged, hunt.FormatTimespan(tp.Stale))
	if notice := hunt.TrailsNotice(trails); notice != "" {
		fmt.Fprintln(io.err, "note: "+notice)
	}
	if format == "json" {
		return writeTrailJSON(io.out, trails)
	}
	return writeTrailTable(io, trails)
}
