package serve

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/guesthunt/guesthunt/ui"
)

// Defaults for the zero values of Config.
const (
	DefaultMaxSessions   = 32
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultConnPerMinute = 30
	DefaultShutdownGrace = 10 * time.Second
)

// Config is what New needs. Only HostKeyPath and one way to authenticate
// (AuthorizedKeysPath or ExerciseCode) are required.
type Config struct {
	Listen             string        // e.g. "127.0.0.1:2222"; "127.0.0.1:0" in tests
	HostKeyPath        string        // required; created (ed25519, mode 0600, parent dir 0700 if created) when missing
	AuthorizedKeysPath string        // OpenSSH authorized_keys; re-read when it changes (mtime/size)
	ExerciseCode       string        // "" = off; else keyboard-interactive with this code -> Session.Exercise
	MaxSessions        int           // 0 = default 32
	IdleTimeout        time.Duration // 0 = default 30m
	ConnPerMinute      int           // per remote address; 0 = default 30
	Log                *slog.Logger  // nil = discard
	// Workbench gives one interactive session its workbench; the server adds
	// Context, window size, colour and NO_COLOR. Called once per PTY session.
	Workbench func(s Session) ui.Deps
	// Exec runs a command without a PTY (args as the client sent them, e.g.
	// ["hunt","--format","json"]) against the served data; returns the exit status.
	// The server refuses anything but hunt, report, kql itself before calling Exec.
	Exec func(ctx context.Context, s Session, args []string, stdout, stderr io.Writer) int

	// ShutdownGrace bounds how long Serve waits, once its context ends, for
	// sessions to close and saves in flight to commit; 0 = default 10s.
	ShutdownGrace time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.ConnPerMinute <= 0 {
		c.ConnPerMinute = DefaultConnPerMinute
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Session is who is on the other end of one SSH session.
type Session struct {
	User, KeyFingerprint, RemoteAddr string // fingerprint "SHA256:…" ("" for exercise logins)
	Exercise                         bool
	Environ                          []string // the client's environment (NO_COLOR etc.)
}

// Analyst is what verdicts are attributed to: the SSH user (chosen by the
// client, so the key's fingerprint is what identifies them) and the key.
func (s Session) Analyst() string {
	if s.Exercise {
		return s.User + " (exercise)"
	}
	return s.User + " (" + s.KeyFingerprint + ")"
}
