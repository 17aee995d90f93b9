package serve

import (
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"charm.land/ssh"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// Exit statuses the server itself returns.
const (
	exitRefused  = 1
	exitUsage    = 2
	exitInternal = 70 // EX_SOFTWARE: a panic inside the session
)

// handle runs one SSH session: it identifies the user, applies the session
// limit, runs the workbench or a command, and logs one line at the start
// and one at the end. A panic stays inside this session.
func (s *Server) handle(sess ssh.Session) {
	start := time.Now()
	who, ok := identify(sess)
	tty, hasPty := s.sessionPty(sess) // not sess.Pty(): see pty.go
	kind := "pty"
	if sess.RawCommand() != "" {
		kind = "exec"
	} else if !hasPty {
		kind = "no-pty"
	}
	command := ""
	if args := sess.Command(); len(args) > 0 && execAllowed(args[0]) {
		command = args[0] // only a known name: the raw command is the client's text
	}
	attrs := []any{"user", textsafe.Text(who.User), "fingerprint", who.KeyFingerprint, "exercise", who.Exercise,
		"addr", who.RemoteAddr, "kind", kind, "command", command}
	if !ok {
		s.log.Warn("session refused: not authenticated", attrs...)
		refuse(sess, "guesthunt serve: not authenticated")
		return
	}
	if why := s.admit(); why != "" {
		s.log.Warn("session refused", append(attrs, "reason", why)...)
		refuse(sess, "guesthunt serve: "+why)
		return
	}
	defer s.release()
	s.log.Info("session start", attrs...)
	status, reason := exitInternal, "panic"
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("session panic", append(attrs, "panic", textsafe.Text(fmt.Sprint(r)), "stack", string(debug.Stack()))...)
			io.WriteString(sess.Stderr(), "\r\nguesthunt serve: internal error; this session ends (verdicts already saved are kept)\r\n")
		}
		s.log.Info("session end", append(attrs, "duration", time.Since(start).Round(time.Millisecond), "status", status, "reason", reason)...)
		_ = sess.Exit(status)
	}()
	switch kind {
	case "pty":
		status, reason = s.workbench(sess, who, tty.pty, tty.winch)
	default:
		if hasPty {
			status, reason = s.exec(sess, who, tty.winch)
		} else {
			status, reason = s.exec(sess, who, nil)
		}
	}
}

// admit counts a session in, or says why not (limit, shutdown).
func (s *Server) admit() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closing:
		return "the server is shutting down"
	default:
	}
	if s.active >= s.cfg.MaxSessions {
		return fmt.Sprintf("the server is full (%d sessions); try again later", s.cfg.MaxSessions)
	}
	s.active++
	s.sessWG.Add(1)
	return ""
}

func (s *Server) release() {
	s.mu.Lock()
	s.active--
	s.mu.Unlock()
	s.sessWG.Done()
}

func refuse(sess ssh.Session, msg string) {
	io.WriteString(sess.Stderr(), msg+"\r\n")
	_ = sess.Exit(exitRefused)
}
