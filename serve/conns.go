package serve

import (
	"net"
	"sync"
	"sync/atomic"
)

// maxConns bounds open connections, authenticated or not: the session
// limit counts sessions, and a connection that never authenticates holds
// its slot for the handshake timeout, so many addresses together could
// otherwise hold any number of them.
func maxConns(maxSessions int) int64 { return int64(2*maxSessions + 8) }

// countedConn gives its slot back once, when the server closes it.
type countedConn struct {
	net.Conn
	once sync.Once
	n    *atomic.Int64
}

func (c *countedConn) Close() error {
	c.once.Do(func() { c.n.Add(-1) })
	return c.Conn.Close()
}

// takeConn takes a connection slot, or reports the server has none left.
func takeConn(n *atomic.Int64, limit int64, c net.Conn) (net.Conn, bool) {
	if n.Add(1) > limit {
		n.Add(-1)
		return nil, false
	}
	return &countedConn{Conn: c, n: n}, true
}
