package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/serve"
	"github.com/guesthunt/guesthunt/ui"
)

// serveCommands adds "guesthunt serve" (serve_off.go is its stand-in until
// the serve package is in).
func serveCommands(io streams) []*cobra.Command { return []*cobra.Command{newServeCommand(io)} }

// serveFlags are serve's own flags; the data and parameter flags are the
// workbench's.
type serveFlags struct {
	listen, hostKey, authorizedKeys, exerciseCode, exerciseKey string
	maxSessions                                                int
	idleTimeout                                                time.Duration
}

func newServeCommand(io streams) *cobra.Command {
	var sf serveFlags
	hf := huntFlags{format: "table"}
	var df dataFlags
	cmd := &cobra.Command{
		Use:   "serve --authorized-keys FILE [PATH...|--db FILE]",
		Short: "Serve the workbench over SSH: one case, many analysts",
		Long: `serve opens the data once and lets analysts reach it over SSH: "ssh -t -p 2222 HOST"
opens a workbench of their own over the shared data and verdicts, each verdict recorded
as the SSH user and key fingerprint. Without a terminal, "ssh -p 2222 HOST hunt", "report"
and "kql" run like the local commands on the served data and print; every other command is
refused.

Login is by key (--authorized-keys, an OpenSSH authorized_keys file) and, for classrooms,
by a shared code (--exercise-code): such sessions run in exercise mode with verdicts of
their own that are not saved. With neither, serve refuses to start.

The host key, exports (one folder per SSH user) and nothing else are written under
$XDG_STATE_HOME/guesthunt/serve/; while it runs, a FILE.serving next to the held case
file tells local guesthunt commands where the server listens.`,
		Example: `  guesthunt serve --db case.duckdb --authorized-keys ~/.ssh/team_keys
  guesthunt serve exports/ --listen 0.0.0.0:2222 --authorized-keys team_keys
  guesthunt serve --exercise-code tuesday-lab`,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := hf.params()
			if err != nil {
				return err
			}
			return runServe(cmd.Context(), io, sf, df, args, p)
		},
	}
	f := cmd.Flags()
	f.StringVar(&sf.listen, "listen", "127.0.0.1:2222", "address to listen on (host:port)")
	f.StringVar(&sf.hostKey, "host-key", "", "SSH host key, created when missing (default $XDG_STATE_HOME/guesthunt/serve/host_ed25519)")
	f.StringVar(&sf.authorizedKeys, "authorized-keys", "", "OpenSSH authorized_keys file of the analysts who may log in")
	f.StringVar(&sf.exerciseCode, "exercise-code", "", "let anyone with this code log in, in exercise mode (own verdicts, not saved)")
	f.StringVar(&sf.exerciseKey, "exercise-key", "", "the served tenant's answer key (guesthunt generate): exercise logins are scored (X), ssh HOST scores lists them")
	f.IntVar(&sf.maxSessions, "max-sessions", serve.DefaultMaxSessions, "sessions open at once")
	f.DurationVar(&sf.idleTimeout, "idle-timeout", serve.DefaultIdleTimeout, "close a session idle this long")
	addParamFlags(cmd, &hf)
	addDataFlags(cmd, &df)
	return cmd
}

// runServe opens the data once and serves it until ctx ends (SIGINT,
// SIGTERM); the server then lets open sessions finish saving.
func runServe(ctx context.Context, io streams, sf serveFlags, df dataFlags, args []string, p hunt.Params) error {
	if sf.authorizedKeys == "" && sf.exerciseCode == "" {
		return usagef("serve needs a way to log in: --authorized-keys FILE, or --exercise-code CODE for a classroom")
	}
	// The log goes to stderr, often through a pipe (| tee): when the reader
	// dies first, a write must fail, not kill the server before it has let
	// sessions finish saving and removed its .serving file.
	signal.Ignore(syscall.SIGPIPE)
	stateDir, err := triage.StateDir()
	if err != nil {
		return err
	}
	hostKey := sf.hostKey
	if hostKey == "" {
		hostKey = filepath.Join(stateDir, "serve", "host_ed25519")
	}
	if sf.exerciseKey != "" && sf.exerciseCode == "" {
		return usagef("--exercise-key scores exercise logins: give the class a code with --exercise-code")
	}
	served, err := openServed(ctx, io, df, args, p, stateDir)
	if err != nil {
		return err
	}
	defer served.Close()
	if sf.exerciseKey != "" {
		if served.class, err = openClassroom(sf.exerciseKey, stateDir); err != nil {
			return err
		}
		fmt.Fprintf(io.err, "classroom: exercise %s (seed %d); exercise logins are scored; scores: ssh HOST scores\n", io.safe(served.class.key.Scenario), served.class.key.Seed)
	}
	srv, err := serve.New(serve.Config{
		Listen: sf.listen, HostKeyPath: hostKey, AuthorizedKeysPath: sf.authorizedKeys,
		ExerciseCode: sf.exerciseCode, MaxSessions: sf.maxSessions, IdleTimeout: sf.idleTimeout,
		Log:       slog.New(slog.NewTextHandler(io.err, nil)),
		Workbench: func(s serve.Session) ui.Deps { return sessionDeps(served, fromServeSession(s)) },
		Exec:      servedExec(served),
	})
	if err != nil {
		return usageError{err}
	}
	fmt.Fprintln(io.err, "host key:", srv.HostKeyFingerprint(), "("+io.safe(hostKey)+")")
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe(ctx) }()
	addr, err := listening(srv, errc)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.err, "listening on %s; verdicts: %s\n", io.safe(addr), io.safe(served.location))
	for _, w := range srv.Warnings() {
		fmt.Fprintln(io.err, "warning:", io.safe(w))
	}
	if held := served.heldFile(); held != "" {
		remove, err := writeServing(held, servingRecord{Address: addr, PID: os.Getpid(), Started: time.Now().UTC()})
		if err != nil {
			fmt.Fprintln(io.err, "warning: local guesthunt commands will not be told where this server is:", io.safe(plainError(err)))
		} else {
			defer remove()
		}
	}
	return <-errc
}

// listening waits until the server has its address (it resolves port 0),
// or failed to listen.
func listening(srv *serve.Server, errc chan error) (string, error) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if a := srv.Addr(); a != nil {
			return a.String(), nil
		}
		select {
		case err := <-errc:
			if err == nil {
				err = errors.New("the server stopped before it listened")
			}
			return "", err
		case <-tick.C:
		}
	}
}

// servedExec runs one ssh command; an exercise session's report shows its
// own verdicts (none), not the case's.
func servedExec(served *servedData) func(ctx context.Context, s serve.Session, args []string, stdout, stderr io.Writer) int {
	return func(ctx context.Context, s serve.Session, args []string, stdout, stderr io.Writer) int {
		d := served
		if s.Exercise {
			if len(args) > 0 && args[0] == "scores" {
				fmt.Fprintln(stderr, "guesthunt serve: scores are the trainer's: log in with a key")
				return exitUsage
			}
			d = served.exercise()
		}
		return runServedCommand(ctx, d, args, stdout, stderr)
	}
}

// fromServeSession is the session as sessionDeps knows it.
func fromServeSession(s serve.Session) serveSession {
	return serveSession{User: s.User, KeyFingerprint: s.KeyFingerprint, RemoteAddr: s.RemoteAddr, Exercise: s.Exercise, Analyst: s.Analyst()}
}
