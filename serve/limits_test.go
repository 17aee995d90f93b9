package serve

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
	gossh "golang.org/x/crypto/ssh"
)

func TestSessionLimit(t *testing.T) {
	st, eng := demoData(t)
	ts := startServer(t, Config{MaxSessions: 1, Workbench: demoWorkbench(st, eng, nil),
		Exec: func(_ context.Context, _ Session, _ []string, stdout, _ io.Writer) int {
			io.WriteString(stdout, "ran")
			return 0
		}})
	first := openTerm(t, ts.client(t, "alice", 1), 100, 30, nil)
	first.waitFor("inviters flagged", 30*time.Second)
	_, errOut, status := run(t, ts.client(t, "bob", 2), "kql")
	if status == 0 || !strings.Contains(errOut, "full (1 sessions)") {
		t.Errorf("second session over a limit of 1: status %d, stderr %q", status, errOut)
	}
	first.send("q")
	first.ended(10 * time.Second)
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, _, status := run(t, ts.client(t, "bob", 2), "kql")
		if status == 0 && out == "ran" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the freed slot is not given back: status %d", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestExecCommands(t *testing.T) {
	var mu sync.Mutex
	var calls [][]string
	ts := startServer(t, Config{Exec: func(_ context.Context, s Session, args []string, stdout, stderr io.Writer) int {
		mu.Lock()
		calls = append(calls, args)
		mu.Unlock()
		fmt.Fprintf(stdout, "%s ran %s", s.User, strings.Join(args, " "))
		return 0
	}})
	c := ts.client(t, "alice", 1)
	for _, cmd := range []string{"hunt --format json", "report --format=md --baseline 17d", "kql --fold-case --as-of 2026-10-31T12:00:00Z"} {
		out, errOut, status := run(t, c, cmd)
		if status != 0 || out != "alice ran "+cmd {
			t.Errorf("%s: status %d, out %q, stderr %q", cmd, status, out, errOut)
		}
	}
	refused := map[string]string{
		"sql 'select * from AuditLogs'": `"sql" is not available over SSH`,
		"load /tmp/x.ndjson":            `"load" is not available`,
		"hunt /etc/passwd":              "no paths over SSH",
		"hunt --db other.duckdb":        `not "--db"`,
		"report --out /tmp/r.md":        `not "--out"`,
		"hunt --format":                 "--format needs a value",
		"bash -c id":                    `"bash" is not available`,
		"":                              "connect with ssh -t",
		"hunt 'unbalanced":              "not accepted",
	}
	for cmd, want := range refused {
		out, errOut, status := run(t, c, cmd)
		if status == 0 || out != "" || !strings.Contains(errOut, want) {
			t.Errorf("%q: status %d, out %q, stderr %q (want %q)", cmd, status, out, errOut, want)
		}
	}
	// A hostile command name is echoed visibly, never interpreted.
	_, errOut, _ := run(t, c, "'\x1b]0;pwned\x07'")
	if strings.ContainsAny(errOut, "\x1b\x07") {
		t.Errorf("raw control characters echoed: %q", errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(calls) != 3 {
		t.Errorf("Exec called %d times, want 3 (refusals never reach it): %q", len(calls), calls)
	}
}

func TestCheckExec(t *testing.T) {
	for _, args := range [][]string{
		{"hunt"}, {"hunt", "--format", "ndjson"}, {"kql", "--baseline=3d", "--window", "12h", "--fold-case"},
		{"report", "-h"}, {"hunt", "--fold-case=true"},
	} {
		if why := checkExec(args); why != "" {
			t.Errorf("%q refused: %s", args, why)
		}
	}
	for _, args := range [][]string{
		nil, {"sql"}, {"load"}, {"demo"}, {"serve"}, {"HUNT"}, {"hunt", "x"}, {"hunt", "--db", "f"},
		{"hunt", "--memory-limit=1GB"}, {"hunt", "--tz", "UTC"}, {"hunt", "--strict"}, {"hunt", "--help=1"},
		{"hunt", "--baseline"},
	} {
		if why := checkExec(args); why == "" {
			t.Errorf("%q allowed", args)
		}
	}
}

// A panic in one session (in the workbench's own update loop, or while the
// server builds the workbench) ends that session only.
func TestPanickingSessionLeavesOthersRunning(t *testing.T) {
	st, eng := demoData(t)
	base := demoWorkbench(st, eng, triage.New(triage.NewMemory()))
	ts := startServer(t, Config{Workbench: func(s Session) ui.Deps {
		d := base(s)
		switch s.User {
		case "builder":
			panic("Workbench exploded")
		case "kql":
			d.KQL = func(hunt.Params, time.Time) string { panic("KQL exploded") }
		}
		return d
	}})
	alice := openTerm(t, ts.client(t, "alice", 1), 120, 36, nil)
	alice.waitFor("5 inviters flagged", 30*time.Second)

	boom := openTerm(t, ts.client(t, "kql", 2), 120, 36, nil)
	boom.waitFor("5 inviters flagged", 30*time.Second)
	boom.send("K")
	if status := boom.ended(10 * time.Second); status != exitInternal {
		t.Errorf("a panic in the program ended its session with %d, want %d", status, exitInternal)
	}
	if s := boom.screen(); !strings.Contains(s, "internal error") {
		t.Errorf("the panicking session was not told:\n%s", s)
	}
	builder := openTerm(t, ts.client(t, "builder", 2), 120, 36, nil)
	if status := builder.ended(10 * time.Second); status != exitInternal {
		t.Errorf("a panic building the workbench ended its session with %d, want %d", status, exitInternal)
	}

	// alice is unaffected and the server still takes new sessions.
	alice.send("t")
	alice.waitFor("Verdict for inviter", 5*time.Second)
	alice.send("\x1b")
	late := openTerm(t, ts.client(t, "bob", 2), 100, 30, nil)
	late.waitFor("inviters flagged", 30*time.Second)
	if !strings.Contains(ts.log.String(), "session panic") {
		t.Errorf("the builder's panic is not logged:\n%s", ts.log.String())
	}
}

func TestConnectionRateLimitPerAddress(t *testing.T) {
	ts := startServer(t, Config{ConnPerMinute: 3})
	for i := range 3 {
		c, err := ts.dial(t, "alice", gossh.PublicKeys(testKey(t, 1)))
		if err != nil {
			t.Fatalf("connection %d refused: %v", i+1, err)
		}
		c.Close()
	}
	if c, err := ts.dial(t, "alice", gossh.PublicKeys(testKey(t, 1))); err == nil {
		c.Close()
		t.Fatal("the fourth connection within a minute got in")
	}
	if n := strings.Count(ts.log.String(), "connection rate limit"); n != 1 {
		t.Errorf("%d rate-limit log lines, want 1", n)
	}
}

func TestConnLimiterRefills(t *testing.T) {
	now := time.Unix(0, 0)
	l := newConnLimiter(2, func() time.Time { return now })
	a := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 1000}
	b := &net.TCPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 1000}
	sameHostOtherPort := &net.TCPAddr{IP: a.IP, Port: 2000}
	for _, want := range []bool{true, true, false} {
		if ok, _ := l.allow(a); ok != want {
			t.Fatalf("allow = %v, want %v", ok, want)
		}
	}
	if ok, _ := l.allow(sameHostOtherPort); ok {
		t.Error("a new source port escaped the limit")
	}
	if ok, _ := l.allow(b); !ok {
		t.Error("another address was limited")
	}
	now = now.Add(30 * time.Second) // one token back at 2 a minute
	if ok, _ := l.allow(a); !ok {
		t.Error("no token after half a minute")
	}
	if ok, first := l.allow(a); ok || !first {
		t.Errorf("allow = %v first = %v, want a first refusal", ok, first)
	}
}

// On shutdown a save in flight commits, although its session is gone.
func TestShutdownLetsSavesFinish(t *testing.T) {
	st, eng := demoData(t)
	slow := &slowBackend{Memory: triage.NewMemory(), release: make(chan struct{}), started: make(chan struct{}, 1)}
	tri := triage.New(slow)
	ts := startServer(t, Config{Workbench: demoWorkbench(st, eng, tri), ShutdownGrace: 10 * time.Second})
	a := openTerm(t, ts.client(t, "alice", 1), 120, 36, nil)
	a.waitFor("5 inviters flagged", 30*time.Second)
	a.send("tm")
	select {
	case <-slow.started:
	case <-time.After(10 * time.Second):
		t.Fatalf("no save started:\n%s", a.screen())
	}
	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	a.ended(10 * time.Second) // the workbench is told to quit at once
	select {
	case <-stopped:
		t.Fatal("Serve returned with a save in flight")
	case <-time.After(200 * time.Millisecond):
	}
	close(slow.release)
	if err := <-stopped; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	all, _ := tri.All(context.Background())
	if v := all[triage.Subject{Kind: triage.SubjectInviter, Key: firstInviter}].Verdict; v != triage.VerdictMalicious {
		t.Errorf("the verdict in flight at shutdown is %q, want malicious", v)
	}
}

// slowBackend holds each save until released, and reports when one waits.
type slowBackend struct {
	*triage.Memory
	release chan struct{}
	started chan struct{}
}

func (b *slowBackend) SaveTriage(ctx context.Context, e triage.Edit) (triage.Triage, error) {
	select {
	case b.started <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-ctx.Done():
		return triage.Triage{}, ctx.Err()
	}
	return b.Memory.SaveTriage(ctx, e)
}

// ssh -t HOST kql: a command with a terminal runs like one without, its
// output made terminal-friendly (CRLF), and resizes do not get in the way.
func TestExecWithPTY(t *testing.T) {
	ts := startServer(t, Config{Exec: func(ctx context.Context, _ Session, _ []string, stdout, _ io.Writer) int {
		io.WriteString(stdout, "a\nb")
		select {
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
		}
		return 3
	}})
	s, err := ts.client(t, "alice", 1).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.RequestPty("xterm", 24, 80, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	s.Stdout = &out
	if err := s.Start("kql"); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		s.WindowChange(24+i, 80)
	}
	err = s.Wait()
	if ee, ok := err.(*gossh.ExitError); !ok || ee.ExitStatus() != 3 {
		t.Errorf("exit %v, want status 3", err)
	}
	if out.String() != "a\r\nb" {
		t.Errorf("output %q, want CRLF line ends", out.String())
	}
}

// Connections that never authenticate cannot pile up beyond a bound, and
// their slots come back when they close.
func TestOpenConnectionBound(t *testing.T) {
	ts := startServer(t, Config{MaxSessions: 1, ConnPerMinute: 1000}) // bound 2*1+8 = 10
	var idle []net.Conn
	for range 10 {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	// The server counts a connection when it accepts it; wait for all ten.
	deadline := time.Now().Add(5 * time.Second)
	for ts.conns.Load() < 10 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := ts.dial(t, "alice", gossh.PublicKeys(testKey(t, 1))); err == nil {
		t.Fatal("an eleventh connection got in")
	}
	for _, c := range idle {
		c.Close()
	}
	deadline = time.Now().Add(5 * time.Second)
	for {
		c, err := ts.dial(t, "alice", gossh.PublicKeys(testKey(t, 1)))
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slots not given back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
