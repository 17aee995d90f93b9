package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"
)

// handshakeTimeout bounds a connection that has not authenticated yet.
const handshakeTimeout = 30 * time.Second

// Server is guesthunt's SSH server. Build it with New; Serve runs it once.
type Server struct {
	cfg    Config
	log    *slog.Logger
	fp     string
	keys   *authorizedKeys // nil: no key login (exercise code only)
	limit  *connLimiter
	saves  saves
	conns  atomic.Int64 // open connections (conns.go)
	ptys   sync.Map     // ssh.Session -> ptyInfo (pty.go)
	ssh    *ssh.Server
	sessWG sync.WaitGroup // session handlers running

	mu       sync.Mutex
	addr     net.Addr
	warns    []string
	active   int
	programs map[*tea.Program]struct{} // the workbenches, to quit at shutdown
	closing  chan struct{}             // closed when shutdown starts
}

// New checks the configuration and prepares the server: host key (created
// when missing), authorized keys (bad lines become warnings), limits. It
// refuses a configuration with no way to authenticate: with no auth
// handler an SSH server lets anyone in.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if cfg.AuthorizedKeysPath == "" && cfg.ExerciseCode == "" {
		return nil, errors.New("no authentication method: give an authorized keys file (or an exercise code); " +
			"guesthunt serve never runs open to anyone")
	}
	if cfg.Workbench == nil {
		return nil, errors.New("serve: Config.Workbench is required")
	}
	s := &Server{cfg: cfg, log: cfg.Log, programs: map[*tea.Program]struct{}{}, closing: make(chan struct{})}
	signer, warns, err := loadHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s.fp = gossh.FingerprintSHA256(signer.PublicKey())
	s.warns = append(s.warns, warns...)
	opts := []ssh.Option{
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithAddress(cfg.Listen),
		// The workbench's own idle timer (keys only) ends idle sessions with
		// a message; this one only reaps connections that never open one.
		wish.WithIdleTimeout(cfg.IdleTimeout + time.Minute),
		func(srv *ssh.Server) error {
			srv.HandshakeTimeout = handshakeTimeout
			srv.ConnCallback = s.admitConn
			srv.Handler = s.handle
			srv.PtyHandler = s.ptyHandler()
			return nil
		},
	}
	if cfg.AuthorizedKeysPath != "" {
		s.keys, err = newAuthorizedKeys(cfg.AuthorizedKeysPath, s.warn)
		if err != nil {
			return nil, err
		}
		if s.keys.count() == 0 && cfg.ExerciseCode == "" {
			msg := fmt.Sprintf("no usable key in %s (and no exercise code): nobody could log in", cfg.AuthorizedKeysPath)
			for _, w := range s.keys.warnings() { // New returns no Server to ask
				msg += "\n  " + w
			}
			return nil, errors.New(msg)
		}
		opts = append(opts, wish.WithPublicKeyAuth(s.publicKeyAuth))
	}
	if cfg.ExerciseCode != "" {
		opts = append(opts, wish.WithKeyboardInteractiveAuth(s.exerciseAuth))
	}
	// No password handler, ever: without one the password method is not
	// even offered.
	s.ssh, err = wish.NewServer(opts...)
	if err != nil {
		return nil, err
	}
	s.limit = newConnLimiter(cfg.ConnPerMinute, time.Now)
	return s, nil
}

// maxWarnings bounds Warnings: a keys file re-read often with bad lines
// must not grow it without end.
const maxWarnings = 200

// warn keeps a problem for Warnings and logs it (authorized_keys lines, also
// when the file is re-read later).
func (s *Server) warn(msg string) {
	s.mu.Lock()
	if len(s.warns) >= maxWarnings {
		s.warns = s.warns[1:]
	}
	s.warns = append(s.warns, msg)
	s.mu.Unlock()
	s.log.Warn(msg)
}

// HostKeyFingerprint is the host key's SHA-256 fingerprint, for the CLI to
// print at start so users can check it on first connection.
func (s *Server) HostKeyFingerprint() string { return s.fp }

// Warnings are the problems found so far (authorized_keys lines with their
// numbers, a host key others can read).
func (s *Server) Warnings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.warns...)
}

// Addr is the address being served, nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// ListenAndServe listens on Config.Listen and serves until ctx ends.
func (s *Server) ListenAndServe(ctx context.Context) error {
	l, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return err
	}
	return s.Serve(ctx, l)
}

// Serve serves l until ctx ends, then shuts down gracefully: it stops
// accepting, quits every workbench, lets saves in flight commit and
// sessions end (at most Config.ShutdownGrace), closes what is left and
// returns nil. An error means the listener failed.
func (s *Server) Serve(ctx context.Context, l net.Listener) error {
	s.mu.Lock()
	s.addr = l.Addr()
	s.mu.Unlock()
	errc := make(chan error, 1)
	go func() { errc <- s.ssh.Serve(l) }()
	select {
	case err := <-errc:
		s.ssh.Close()
		return err
	case <-ctx.Done():
	}
	s.shutdown()
	if err := <-errc; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) shutdown() {
	start := time.Now()
	grace, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace)
	defer cancel()
	s.mu.Lock()
	close(s.closing)
	for p := range s.programs {
		p.Quit()
	}
	n := s.active
	s.mu.Unlock()
	s.log.Info("shutting down", "sessions", n)
	stopped := make(chan error, 1)
	go func() { stopped <- s.ssh.Shutdown(grace) }() // closes the listener first
	done := make(chan struct{})
	go func() { s.sessWG.Wait(); close(done) }()
	select {
	case <-done:
	case <-grace.Done():
	}
	savesDone := s.saves.wait(grace)
	// Clients keep their connection after the session ends; close them
	// now rather than wait for each to hang up.
	s.ssh.Close()
	<-stopped
	s.log.Info("shut down", "duration", time.Since(start).Round(time.Millisecond), "saves_finished", savesDone)
}

// admitConn applies the per-address rate limit and the bound on open
// connections, before the handshake.
func (s *Server) admitConn(_ ssh.Context, c net.Conn) net.Conn {
	ok, first := s.limit.allow(c.RemoteAddr())
	if !ok {
		if first {
			s.log.Warn("connection rate limit", "addr", addrHost(c.RemoteAddr()), "per_minute", s.cfg.ConnPerMinute)
		}
		return nil
	}
	counted, ok := takeConn(&s.conns, maxConns(s.cfg.MaxSessions), c)
	if !ok {
		s.log.Warn("connection refused: too many open connections", "addr", addrHost(c.RemoteAddr()), "max", maxConns(s.cfg.MaxSessions))
		return nil
	}
	return counted
}
