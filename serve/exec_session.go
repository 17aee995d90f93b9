package serve

import (
	"context"
	"fmt"
	"io"

	"charm.land/ssh"
)

// exec runs an allowed command without the workbench (ssh HOST hunt
// --format json). Refusals name what is allowed.
// winch is the PTY's window changes, nil without a PTY.
func (s *Server) exec(sess ssh.Session, who Session, winch <-chan ssh.Window) (status int, reason string) {
	args := sess.Command()
	if sess.RawCommand() != "" && len(args) == 0 {
		io.WriteString(sess.Stderr(), "guesthunt serve: the command could not be parsed (unbalanced quotes?)\r\n")
		return exitUsage, "refused"
	}
	if why := checkExec(args); why != "" {
		io.WriteString(sess.Stderr(), why+"\r\n")
		return exitUsage, "refused"
	}
	if s.cfg.Exec == nil {
		io.WriteString(sess.Stderr(), "guesthunt serve: commands are not enabled on this server\r\n")
		return exitRefused, "refused"
	}
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	if winch != nil {
		// ssh -t HOST hunt: nobody draws, but a resize must not block the
		// session's request loop (charm.land/ssh sends it unbuffered).
		go drainResizes(ctx, winch)
	}
	status = s.cfg.Exec(ctx, who, args, sess, sess.Stderr())
	return status, fmt.Sprintf("exit %d", status)
}

func drainResizes(ctx context.Context, winch <-chan ssh.Window) {
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-winch:
			if !ok {
				return
			}
		}
	}
}
