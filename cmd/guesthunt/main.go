// Command guesthunt hunts for guest-invitation abuse in Entra ID audit logs.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // --tz Europe/Berlin works where the system has no zone database
)

// Exit statuses: 0 whether or not anything was flagged; 2 for usage errors
// and input that could not be used; 1 for anything else that went wrong.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError marks errors that are the caller's to fix (flags, input).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], streams{in: os.Stdin, out: os.Stdout, err: os.Stderr}))
}

func run(ctx context.Context, args []string, io streams) int {
	root := newRootCommand(io)
	root.SetArgs(args)
	return exitStatus(io, root.ExecuteContext(ctx))
}

// exitStatus says err on io.err in plain words and returns the exit status
// it calls for.
func exitStatus(io streams, err error) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(io.err, "guesthunt:", io.safe(plainError(err)))
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return exitUsage
	}
	return exitError
}
