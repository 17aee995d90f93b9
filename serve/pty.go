package serve

import (
	"charm.land/ssh"
)

// charm.land/ssh writes a session's window size on each window-change
// request without a lock, so Session.Pty(), which copies it, races with a
// resize when called from the handler. Its pty handler runs on the
// session's request goroutine, where the writes happen: the PTY is read
// there, once, and handed to the session handler.

type ptyInfo struct {
	pty   ssh.Pty
	winch <-chan ssh.Window
}

// ptyHandler emulates the PTY (no real pseudo-terminal on the server; the
// session's writer turns LF into CRLF) and records it for handle.
func (s *Server) ptyHandler() ssh.PtyHandler {
	var probe ssh.Server
	_ = ssh.EmulatePty()(&probe) // the library's handler, which is unexported
	emulate := probe.PtyHandler
	return func(ctx ssh.Context, sess ssh.Session, req ssh.Pty) (func() error, error) {
		closer, err := emulate(ctx, sess, req)
		if err != nil {
			return nil, err
		}
		if pty, winch, ok := sess.Pty(); ok {
			s.ptys.Store(sess, ptyInfo{pty: pty, winch: winch})
		}
		return func() error { s.ptys.Delete(sess); return closer() }, nil
	}
}

// sessionPty is what ptyHandler recorded for sess.
func (s *Server) sessionPty(sess ssh.Session) (ptyInfo, bool) {
	v, ok := s.ptys.Load(sess)
	if !ok {
		return ptyInfo{}, false
	}
	return v.(ptyInfo), true
}
