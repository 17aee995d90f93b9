package serve

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/ui"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// workbench runs one session's workbench: its own tea.Program and ui.Model
// (parameters, selection, pages, size, colours) over the shared engine and
// verdict store that Config.Workbench hands out.
func (s *Server) workbench(sess ssh.Session, who Session, pty ssh.Pty, winch <-chan ssh.Window) (status int, reason string) {
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()

	deps := s.sessionDeps(ctx, who)
	idle := newIdleInput(sess, s.cfg.IdleTimeout)
	p := tea.NewProgram(ui.New(deps), programOptions(ctx, sess, pty, escKey{idle})...)
	if !s.track(p) {
		io.WriteString(sess.Stderr(), "guesthunt serve: the server is shutting down\r\n")
		return exitRefused, "shutdown"
	}
	defer s.untrack(p)

	go forwardResizes(ctx, p, winch, idle)
	go idle.watch(ctx, p.Quit)

	_, err := p.Run()
	// Messages go to stdout, after the program's own terminal restore: on
	// a PTY both streams reach the same screen, and one stream keeps them
	// in order (the restore must not wipe the message).
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		// Bubble Tea recovered it and printed the stack on the server's stderr.
		s.log.Error("session panic", "user", textsafe.Text(who.User), "fingerprint", who.KeyFingerprint, "addr", who.RemoteAddr)
		io.WriteString(sess, "\r\nguesthunt serve: the workbench failed (internal error); verdicts already saved are kept\r\n")
		return exitInternal, "panic"
	case idle.expired():
		io.WriteString(sess, "\r\nguesthunt serve: closed after "+s.cfg.IdleTimeout.String()+" without input\r\n")
		return 0, "idle"
	case ctx.Err() != nil:
		return 0, "disconnected"
	case s.isClosing():
		io.WriteString(sess, "\r\nguesthunt serve: the server is shutting down; verdicts already saved are kept\r\n")
		return 0, "shutdown"
	case err != nil && !errors.Is(err, tea.ErrProgramKilled):
		return exitRefused, "error"
	}
	return 0, "quit"
}

// programOptions are wish's bubbletea.MakeOptions for the emulated PTY
// this server always uses (output through the session's CRLF writer,
// colour profile from the client's TERM, COLORTERM and NO_COLOR, its
// environment and window size, suspend ignored), built from the Pty that
// ptyHandler recorded rather than sess.Pty() (pty.go), plus what a server
// needs.
func programOptions(ctx context.Context, sess ssh.Session, pty ssh.Pty, in io.Reader) []tea.ProgramOption {
	envs := append(sess.Environ(), "TERM="+pty.Term)
	return []tea.ProgramOption{
		tea.WithInput(in),
		tea.WithOutput(sess),
		tea.WithColorProfile(colorprofile.Env(envs)),
		tea.WithEnvironment(envs),
		tea.WithWindowSize(pty.Window.Width, pty.Window.Height),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok { // ctrl+z would stop nothing but this session's screen
				return tea.ResumeMsg{}
			}
			return msg
		}),
		tea.WithContext(ctx),
		// The server owns SIGINT/SIGTERM; a session must not react to them.
		tea.WithoutSignalHandler(),
	}
}

// sessionDeps is Config.Workbench's answer with what only the server may
// decide: the session's context, who verdicts are attributed to, colour,
// and an exercise login's isolation. Export is passed through: where a
// session may write a report is the Workbench's decision (guesthunt serve
// confines it to the analyst's own folder).
func (s *Server) sessionDeps(ctx context.Context, who Session) ui.Deps {
	deps := s.cfg.Workbench(who)
	deps.Context = ctx
	deps.Analyst = who.Analyst() // never the client's say
	if v, ok := lookupEnv(who.Environ, "NO_COLOR"); ok {
		if b, _ := strconv.ParseBool(v); b {
			deps.NoColor = true
		}
	}
	if who.Exercise {
		// Exercise logins share a code, not an identity: each gets verdicts
		// of its own that touch nobody else's, whatever Workbench gave.
		if deps.TriageDurable || deps.TriageLocation == "" {
			deps.TriageLocation = "exercise mode: this session's own verdicts, not saved"
		}
		deps.Triage = triage.New(triage.NewMemory())
		deps.TriageDurable = false
	}
	deps.Triage = wrapSaves(deps.Triage, &s.saves)
	return deps
}

func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- { // the last one sent wins, as with setenv
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// forwardResizes hands the client's window changes to the program; a
// resize counts as activity.
func forwardResizes(ctx context.Context, p *tea.Program, winch <-chan ssh.Window, idle *idleInput) {
	for {
		select {
		case <-ctx.Done():
			return
		case w, ok := <-winch:
			if !ok {
				return
			}
			idle.touch()
			p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
		}
	}
}

// track registers a workbench for shutdown; false once shutdown began.
func (s *Server) track(p *tea.Program) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.isClosingLocked() {
		return false
	}
	s.programs[p] = struct{}{}
	return true
}

func (s *Server) untrack(p *tea.Program) {
	s.mu.Lock()
	delete(s.programs, p)
	s.mu.Unlock()
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.isClosingLocked()
}

func (s *Server) isClosingLocked() bool {
	select {
	case <-s.closing:
		return true
	default:
		return false
	}
}
