package serve

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
	gossh "golang.org/x/crypto/ssh"
)

// testKey is a deterministic ed25519 key (seeded by n), so runs are alike.
func testKey(t testing.TB, n byte) gossh.Signer {
	t.Helper()
	seed := bytes.Repeat([]byte{n}, ed25519.SeedSize)
	s, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authorizedLine(s gossh.Signer, comment string) string {
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// logBuf collects the server's log lines (written from many goroutines).
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// demoData is the demo tenant loaded into an in-memory store: what the
// server serves in these tests.
func demoData(t testing.TB) (*store.Store, *hunt.Engine) {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	path := filepath.Join(t.TempDir(), "demo-tenant-seed1.ndjson")
	if err := store.WriteFile(path, formats.FormatLANDJSON, demo.Tenant(1)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Load(context.Background(), []string{path}, store.LoadOptions{Strict: true}); err != nil {
		t.Fatal(err)
	}
	return st, hunt.NewEngine(st)
}

func demoWorkbench(st *store.Store, eng *hunt.Engine, tri ui.TriageStore) func(Session) ui.Deps {
	return func(Session) ui.Deps {
		return ui.Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(), IsDark: true, KQL: hunt.KQLText,
			Data:   ui.DataSetInfo{Files: []string{"demo-tenant-seed1.ndjson"}, Events: 2731, Demo: true},
			Triage: tri, TriageLocation: "test memory"}
	}
}

// testServer is a server on 127.0.0.1 with one authorized key per user
// seed given in keys.
type testServer struct {
	*Server
	addr string
	log  *logBuf
	stop func() error // cancels Serve and returns what it returned
}

// startServer fills in the host key, the log and the authorized keys (the
// keys seeded 1 and 2) unless cfg has them, and serves until the test ends.
func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	dir := t.TempDir()
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(dir, "host", "ed25519")
	}
	if cfg.AuthorizedKeysPath == "" && cfg.ExerciseCode == "" {
		cfg.AuthorizedKeysPath = filepath.Join(dir, "authorized_keys")
		writeFile(t, cfg.AuthorizedKeysPath, authorizedLine(testKey(t, 1), "alice")+"\n"+authorizedLine(testKey(t, 2), "bob")+"\n")
	}
	lb := &logBuf{}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if cfg.Workbench == nil {
		cfg.Workbench = func(Session) ui.Deps { return ui.Deps{} }
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, l) }()
	var once sync.Once
	var serveErr error
	stop := func() error {
		once.Do(func() { cancel(); serveErr = <-done })
		return serveErr
	}
	t.Cleanup(func() { stop() })
	return &testServer{Server: s, addr: l.Addr().String(), log: lb, stop: stop}
}

func (ts *testServer) dial(t testing.TB, user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	t.Helper()
	want := ts.HostKeyFingerprint()
	return gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User: user,
		Auth: auth,
		HostKeyCallback: func(_ string, _ net.Addr, k gossh.PublicKey) error {
			if got := gossh.FingerprintSHA256(k); got != want {
				return fmt.Errorf("host key %s, want %s", got, want)
			}
			return nil
		},
		Timeout: 10 * time.Second,
	})
}

func (ts *testServer) client(t testing.TB, user string, key byte) *gossh.Client {
	t.Helper()
	c, err := ts.dial(t, user, gossh.PublicKeys(testKey(t, key)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// run runs a command without a PTY and returns stdout, stderr and the exit
// status.
func run(t testing.TB, c *gossh.Client, cmd string) (string, string, int) {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdout, s.Stderr = &out, &errb
	err = s.Run(cmd)
	status := 0
	var ee *gossh.ExitError
	switch {
	case errors.As(err, &ee):
		status = ee.ExitStatus()
	case err != nil:
		t.Fatalf("%s: %v", cmd, err)
	}
	return out.String(), errb.String(), status
}

// term is a PTY session read into a terminal emulator, as a user's
// terminal would show it. The emulator's answers (background colour,
// cursor reports) go back to the server like a real terminal's.
type term struct {
	t    testing.TB
	sess *gossh.Session
	emu  *vt.SafeEmulator
	mu   sync.Mutex // orders emulator writes against whole-screen reads
	in   io.WriteCloser
	inMu sync.Mutex
	done chan error // the session's end
}

func openTerm(t testing.TB, c *gossh.Client, w, h int, env map[string]string) *term {
	t.Helper()
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		if err := s.Setenv(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, sess: s, emu: vt.NewSafeEmulator(w, h), done: make(chan error, 1)}
	if tm.in, err = s.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.Stderr = tm // the server's messages land on the same screen
	go io.Copy(tm, out)
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := tm.emu.Read(buf)
			if n > 0 {
				tm.send(string(buf[:n]))
			}
			if err != nil {
				return
			}
		}
	}()
	if err := s.Shell(); err != nil {
		t.Fatal(err)
	}
	go func() { tm.done <- s.Wait() }()
	// Not emu.Close: it races with the answer reader inside vt; the reader
	// goroutine ends with the test binary.
	t.Cleanup(func() { s.Close() })
	return tm
}

func (tm *term) Write(p []byte) (int, error) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.emu.Write(p)
}

func (tm *term) send(keys string) {
	tm.inMu.Lock()
	defer tm.inMu.Unlock()
	io.WriteString(tm.in, keys)
}

func (tm *term) resize(w, h int) {
	tm.mu.Lock()
	tm.emu.Resize(w, h)
	tm.mu.Unlock()
	if err := tm.sess.WindowChange(h, w); err != nil {
		tm.t.Fatal(err)
	}
}

// screen is the emulator's cells as text, one line per row.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	var lines []string
	for y := 0; y < tm.emu.Height(); y++ {
		var b strings.Builder
		for x := 0; x < tm.emu.Width(); x++ {
			c := tm.emu.CellAt(x, y)
			switch {
			case c == nil || (c.Content == "" && c.Width != 0):
				b.WriteByte(' ')
			case c.Content == "":
			default:
				b.WriteString(c.Content)
			}
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return strings.Join(lines, "\n")
}

// waitFor waits until the screen holds want, for at most d.
func (tm *term) waitFor(want string, d time.Duration) string {
	tm.t.Helper()
	deadline := time.Now().Add(d)
	for {
		s := tm.screen()
		if strings.Contains(s, want) {
			return s
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("screen never showed %q within %v:\n%s", want, d, s)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ended waits for the session to end and returns its exit status.
func (tm *term) ended(d time.Duration) int {
	tm.t.Helper()
	select {
	case err := <-tm.done:
		var ee *gossh.ExitError
		if errors.As(err, &ee) {
			return ee.ExitStatus()
		}
		if err != nil {
			return -1
		}
		return 0
	case <-time.After(d):
		tm.t.Fatalf("session still open after %v:\n%s", d, tm.screen())
		return -1
	}
}

func testFingerprint(t testing.TB, n byte) string {
	return gossh.FingerprintSHA256(testKey(t, n).PublicKey())
}

// coloredCells counts cells drawn with a foreground or background colour.
func coloredCells(tm *term) int {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	n := 0
	for y := 0; y < tm.emu.Height(); y++ {
		for x := 0; x < tm.emu.Width(); x++ {
			if c := tm.emu.CellAt(x, y); c != nil && (c.Style.Fg != nil || c.Style.Bg != nil) {
				n++
			}
		}
	}
	return n
}
