package serve

import "io"

// A lone Esc byte is ambiguous to a terminal reader: it may begin an escape
// sequence, so Bubble Tea waits 50 ms for more before calling it the Esc key
// (in every session, for every esc that closes a page). Over SSH the
// client's terminal writes a key's bytes in one go, so a read that is just
// ESC is the Esc key: it is handed on as the kitty keyboard protocol's
// unambiguous spelling of Esc, CSI 27 u, which the reader takes at once.

// kittyEsc is Esc as CSI 27 u.
const kittyEsc = "\x1b[27u"

// escKey rewrites reads that hold nothing but ESC.
type escKey struct{ r io.Reader }

func (e escKey) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if n == 1 && p[0] == 0x1b && len(p) >= len(kittyEsc) {
		return copy(p, kittyEsc), err
	}
	return n, err
}
