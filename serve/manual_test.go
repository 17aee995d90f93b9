package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// TestManualServe serves the demo tenant for a check with a real OpenSSH
// client and tmux (docs/PERFORMANCE.md, section "serve"). It runs only when
// GUESTHUNT_SERVE_ADDR is set (e.g. 127.0.0.1:2222), with
// GUESTHUNT_SERVE_KEYS naming an authorized_keys file and
// GUESTHUNT_SERVE_FOR how long to serve (default 2m). The host key is
// written under the test's temporary directory.
func TestManualServe(t *testing.T) {
	addr := os.Getenv("GUESTHUNT_SERVE_ADDR")
	if addr == "" {
		t.Skip("GUESTHUNT_SERVE_ADDR not set: manual check only")
	}
	d := 2 * time.Minute
	if s := os.Getenv("GUESTHUNT_SERVE_FOR"); s != "" {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			t.Fatal(err)
		}
	}
	st, eng := demoData(t)
	s, err := New(Config{
		HostKeyPath:        t.TempDir() + "/host_ed25519",
		AuthorizedKeysPath: os.Getenv("GUESTHUNT_SERVE_KEYS"),
		Log:                slog.New(slog.NewTextHandler(os.Stderr, nil)),
		Workbench:          demoWorkbench(st, eng, triage.New(triage.NewMemory())),
		Exec: func(ctx context.Context, _ Session, args []string, stdout, _ io.Writer) int {
			if args[0] == "kql" {
				fmt.Fprint(stdout, hunt.KQLText(hunt.DefaultParams(), time.Time{}))
				return 0
			}
			return 3
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Warnings() {
		t.Log("warning:", w)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("serving on %s, host key %s, for %v", l.Addr(), s.HostKeyFingerprint(), d)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := s.Serve(ctx, l); err != nil {
		t.Fatal(err)
	}
}
