package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
)

// runServedCommand answers "ssh HOST COMMAND..." without a terminal: hunt,
// report and kql, with the local commands' flags and output, over the data
// the server holds. Everything else is refused in one line with status 2.
// It is called from many sessions at once: each call builds its own
// commands and flags, and shares only served, which is safe for that.
func runServedCommand(ctx context.Context, served *servedData, args []string, stdout, stderr io.Writer) (code int) {
	sio := streams{in: strings.NewReader(""), out: stdout, err: stderr}
	// One session's bug must not take every other session's server down.
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(stderr, "guesthunt: internal error:", sio.safe(fmt.Sprint(r)))
			code = exitError
		}
	}()
	name := ""
	if len(args) > 0 {
		name = args[0]
	}
	var cmd *cobra.Command
	switch name {
	case "hunt":
		cmd = servedHuntCommand(sio, served)
	case "report":
		cmd = servedReportCommand(sio, served)
	case "kql":
		cmd = newKQLCommand(sio) // reads no data: the same command
	case "replay":
		cmd = servedReplayCommand(sio, served)
	case "trail":
		cmd = servedTrailCommand(sio, served)
	case "scores":
		return servedScores(sio, served, args[1:])
	default:
		fmt.Fprintln(stderr, "guesthunt:", sio.safe(servedRefusal(name)))
		return exitUsage
	}
	root := &cobra.Command{Use: "guesthunt", SilenceUsage: true, SilenceErrors: true}
	root.CompletionOptions.DisableDefaultCmd = true
	root.SetIn(sio.in)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(cmd)
	root.SetArgs(args) // never nil here, so cobra never reads the server's own os.Args
	return exitStatus(sio, root.ExecuteContext(ctx))
}

// servedRefusal says in one line why a command is not run over ssh.
func servedRefusal(name string) string {
	const offer = "over ssh guesthunt serve runs hunt, report, kql, replay and trail (ssh -t HOST opens the workbench)"
	switch name {
	case "":
		return "no command given: " + offer
	case "sql":
		return "sql is not served: it would run any query on the server's data; " + offer
	case "load":
		return "load is not served: the server's data stays as it was opened; load into the case file while no server holds it"
	case "demo", "serve", "help", "completion":
		return name + " is not served: " + offer
	}
	return `"` + safe.Line(name, 40) + `" is not a command guesthunt serves: ` + offer
}

// servedHuntCommand is hunt over the served data and its one engine.
func servedHuntCommand(io streams, served *servedData) *cobra.Command {
	var hf huntFlags
	var df dataFlags
	cmd := huntCommand(&hf, &df)
	servedUsage(cmd, "hunt", "--format json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := refuseServedData(cmd, args); err != nil {
			return err
		}
		p, err := hf.huntParams()
		if err != nil {
			return err
		}
		return huntOn(cmd.Context(), io, hf.format, p, served.ds, served.engine)
	}
	return cmd
}

// servedReplayCommand is replay over the served data and its engine.
func servedReplayCommand(io streams, served *servedData) *cobra.Command {
	var rf replayFlags
	var df dataFlags
	cmd := replayCommand(&rf, &df)
	servedUsage(cmd, "replay", "--format json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := refuseServedData(cmd, args); err != nil {
			return err
		}
		rp, err := rf.replayParams()
		if err != nil {
			return err
		}
		return replayOn(cmd.Context(), io, rf.format, rp, served.ds, served.engine)
	}
	return cmd
}

// servedTrailCommand is trail over the served data and its engine.
func servedTrailCommand(io streams, served *servedData) *cobra.Command {
	var tf trailFlags
	var df dataFlags
	cmd := trailCommand(&tf, &df)
	servedUsage(cmd, "trail", "--format json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := refuseServedData(cmd, args); err != nil {
			return err
		}
		tp, err := tf.trailParams()
		if err != nil {
			return err
		}
		return trailOn(cmd.Context(), io, tf.format, tp, served.ds, served.engine)
	}
	return cmd
}

// servedReportCommand is report over the served data, with the verdicts of
// the server's verdict store (an exercise view's own, for its sessions).
func servedReportCommand(io streams, served *servedData) *cobra.Command {
	var hf huntFlags
	var df dataFlags
	cmd := reportCommand(&hf, &df)
	servedUsage(cmd, "report", "--format json")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := refuseServedData(cmd, args); err != nil {
			return err
		}
		p, err := hf.reportParams()
		if err != nil {
			return err
		}
		return reportOn(cmd.Context(), io, hf.format, p, reportInput{
			ds: served.ds, engine: served.engine, location: served.location,
			verdicts: served.verdicts,
			meta: func(ctx context.Context) (hunt.ReportMeta, error) {
				return reportMeta(ctx, served.ds, served.df, served.args)
			},
		})
	}
	return cmd
}

// servedDataFlags are the flags that choose or load data: the server chose.
func servedDataFlags() []string { return []string{"db", "strict", "tz", "memory-limit"} }

// servedUsage fits a local command's help to ssh: no data to name.
func servedUsage(cmd *cobra.Command, name, example string) {
	cmd.Use = name
	cmd.Example = "  ssh -p 2222 HOST " + name + " " + example
	for _, f := range servedDataFlags() {
		cmd.Flags().MarkHidden(f) // still parsed, so that using one gets the reason below
	}
}

// refuseServedData refuses paths and data flags: the data is the server's.
func refuseServedData(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s over ssh runs on the data the server holds: give no paths (%d given)", cmd.Name(), len(args))
	}
	for _, f := range servedDataFlags() {
		if cmd.Flags().Changed(f) {
			return usagef("--%s: %s over ssh runs on the data the server holds, which the server chose", f, cmd.Name())
		}
	}
	return nil
}

// servedScores lists a classroom's submissions (ssh HOST scores [--format
// json]); the serve package lets only key logins reach it.
func servedScores(io streams, served *servedData, args []string) int {
	format := "table"
	switch {
	case len(args) == 0:
	case len(args) == 2 && args[0] == "--format" && (args[1] == "table" || args[1] == "json"):
		format = args[1]
	case len(args) == 1 && (args[0] == "--format=json" || args[0] == "--format=table"):
		format = args[0][len("--format="):]
	default:
		fmt.Fprintln(io.err, "guesthunt: scores takes only --format table|json")
		return exitUsage
	}
	if served.class == nil {
		fmt.Fprintln(io.err, "guesthunt: this server runs no exercise (serve --exercise-key KEY --exercise-code CODE)")
		return exitUsage
	}
	if err := served.class.writeScores(io.out, io.safe, format); err != nil {
		fmt.Fprintln(io.err, "guesthunt:", io.safe(err.Error()))
		return exitError
	}
	return exitOK
}
