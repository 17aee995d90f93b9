package serve

import (
	"net"
	"sync"
	"time"
)

// maxTrackedAddrs bounds the limiter's memory under a flood from many
// addresses; when reached, addresses whose bucket is full again are dropped.
const maxTrackedAddrs = 4096

// connLimiter allows each remote address perMinute connections a minute
// (a token bucket: bursts up to perMinute, refilled evenly). It runs before
// the SSH handshake, so a flood costs no key exchange.
type connLimiter struct {
	perMinute float64
	now       func() time.Time

	mu    sync.Mutex
	addrs map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
	warned bool // a refusal was logged since the bucket was last full
}

func newConnLimiter(perMinute int, now func() time.Time) *connLimiter {
	return &connLimiter{perMinute: float64(perMinute), now: now, addrs: map[string]*bucket{}}
}

// allow takes a token for addr's host. first is true for the first refusal
// since the address was last within its limit, so a flood logs one line.
func (l *connLimiter) allow(addr net.Addr) (ok, first bool) {
	host := addrHost(addr)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.addrs[host]
	if b == nil {
		if len(l.addrs) >= maxTrackedAddrs {
			l.prune(now)
		}
		b = &bucket{tokens: l.perMinute, at: now}
		l.addrs[host] = b
	}
	l.refill(b, now)
	if b.tokens >= 1 {
		b.tokens--
		b.warned = false
		return true, false
	}
	first = !b.warned
	b.warned = true
	return false, first
}

func (l *connLimiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = min(l.perMinute, b.tokens+d.Minutes()*l.perMinute)
		b.at = now
	}
}

// prune forgets addresses whose bucket is full again (they lose nothing);
// if every address is still limited, the map may exceed the bound until
// they refill, rather than forgetting a limit and letting a flood through.
func (l *connLimiter) prune(now time.Time) {
	for k, b := range l.addrs {
		l.refill(b, now)
		if b.tokens >= l.perMinute {
			delete(l.addrs, k)
		}
	}
}

// addrHost is the address without its port: a client reconnecting from a
// new source port is the same client.
func addrHost(a net.Addr) string {
	if a == nil {
		return ""
	}
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}
