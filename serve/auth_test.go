package serve

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

func TestNewRefusesNoAuthentication(t *testing.T) {
	dir := t.TempDir()
	hk := filepath.Join(dir, "hk")
	cases := map[string]Config{
		"nothing":          {HostKeyPath: hk},
		"no file":          {HostKeyPath: hk, AuthorizedKeysPath: filepath.Join(dir, "missing")},
		"bad only":         {HostKeyPath: hk, AuthorizedKeysPath: filepath.Join(dir, "bad")},
		"no host key path": {AuthorizedKeysPath: filepath.Join(dir, "good")},
	}
	writeFile(t, filepath.Join(dir, "bad"), "ssh-ed25519 AAAAnotbase64\n# comment\n\n")
	writeFile(t, filepath.Join(dir, "good"), authorizedLine(testKey(t, 1), "alice")+"\n")
	for name, cfg := range cases {
		cfg.Workbench = demoWorkbench(nil, nil, nil)
		if s, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted it (fingerprint %s)", name, s.HostKeyFingerprint())
		} else if name == "bad only" && !strings.Contains(err.Error(), "line 1:") {
			t.Errorf("bad only: the error does not name the bad line: %v", err)
		}
	}
}

func TestHostKeyCreatedPrivateAndReused(t *testing.T) {
	dir := t.TempDir()
	hk := filepath.Join(dir, "new", "sub", "host_ed25519")
	keys := filepath.Join(dir, "authorized_keys")
	writeFile(t, keys, authorizedLine(testKey(t, 1), "alice")+"\n")
	s, err := New(Config{HostKeyPath: hk, AuthorizedKeysPath: keys, Workbench: demoWorkbench(nil, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(hk)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", fi.Mode().Perm())
	}
	di, _ := os.Stat(filepath.Dir(hk))
	if di.Mode().Perm() != 0o700 {
		t.Errorf("created directory mode %04o, want 0700", di.Mode().Perm())
	}
	if !strings.HasPrefix(s.HostKeyFingerprint(), "SHA256:") {
		t.Errorf("fingerprint %q", s.HostKeyFingerprint())
	}
	again, err := New(Config{HostKeyPath: hk, AuthorizedKeysPath: keys, Workbench: demoWorkbench(nil, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if again.HostKeyFingerprint() != s.HostKeyFingerprint() {
		t.Errorf("second start made a new key: %s then %s", s.HostKeyFingerprint(), again.HostKeyFingerprint())
	}
	if err := os.Chmod(hk, 0o644); err != nil {
		t.Fatal(err)
	}
	open, err := New(Config{HostKeyPath: hk, AuthorizedKeysPath: keys, Workbench: demoWorkbench(nil, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(open.Warnings(), "\n"); !strings.Contains(w, "readable by others") {
		t.Errorf("no warning for a 0644 host key: %q", w)
	}
}

func TestAuthorizedKeysBadLinesSkippedWithLineNumbers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "authorized_keys")
	writeFile(t, path, strings.Join([]string{
		"# team keys",                      // 1
		authorizedLine(testKey(t, 1), "a"), // 2
		"ssh-rsa AAAA!!!garbage",           // 3
		`from="10.0.0.0/8" ` + authorizedLine(testKey(t, 3), "c"), // 4: restriction not enforced: skipped
		"", // 5
		"restrict " + authorizedLine(testKey(t, 2), "b"), // 6: restrict is fine (we offer nothing it forbids)
		"\x1b]0;pwned\x07 not a key",                     // 7
	}, "\n"))
	var warns []string
	ak, err := newAuthorizedKeys(path, func(w string) { warns = append(warns, w) })
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(warns, "\n")
	for _, want := range []string{"line 3:", "line 4:", "line 7:"} {
		if !strings.Contains(all, want) {
			t.Errorf("no warning for %s in:\n%s", want, all)
		}
	}
	if len(warns) != 3 {
		t.Errorf("%d warnings, want 3:\n%s", len(warns), all)
	}
	if strings.ContainsAny(all, "\x1b\x07") {
		t.Errorf("a warning carries raw control characters: %q", all)
	}
	for seed, want := range map[byte]bool{1: true, 2: true, 3: false, 4: false} {
		if got := ak.allowed(testKey(t, seed).PublicKey()); got != want {
			t.Errorf("key %d allowed=%v, want %v", seed, got, want)
		}
	}
}

func TestUnknownKeysAndPasswordsRefused(t *testing.T) {
	ts := startServer(t, Config{})
	if _, err := ts.dial(t, "mallory", gossh.PublicKeys(testKey(t, 9))); err == nil {
		t.Error("an unknown key got in")
	}
	if _, err := ts.dial(t, "alice", gossh.Password("alice")); err == nil {
		t.Error("a password got in")
	}
	kbd := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return []string{""}, nil })
	if _, err := ts.dial(t, "alice", kbd); err == nil {
		t.Error("keyboard-interactive got in with no exercise code configured")
	}
	if _, err := ts.dial(t, "alice"); err == nil {
		t.Error("no authentication at all got in")
	}
	c := ts.client(t, "alice", 1)
	if _, errOut, _ := run(t, c, "kql"); !strings.Contains(errOut, "not enabled") {
		t.Errorf("the authorized key got no session: %q", errOut)
	}
}

func TestAuthorizedKeysReReadOnChange(t *testing.T) {
	ts := startServer(t, Config{})
	if _, err := ts.dial(t, "carol", gossh.PublicKeys(testKey(t, 3))); err == nil {
		t.Fatal("carol got in before her key was added")
	}
	path := ts.cfg.AuthorizedKeysPath
	writeFile(t, path, authorizedLine(testKey(t, 3), "carol")+"\nnonsense line\n")
	// A new modification time even on a coarse clock.
	future := time.Now().Add(2 * time.Second)
	os.Chtimes(path, future, future)
	c, err := ts.dial(t, "carol", gossh.PublicKeys(testKey(t, 3)))
	if err != nil {
		t.Fatalf("carol's new key refused: %v", err)
	}
	c.Close()
	if _, err := ts.dial(t, "alice", gossh.PublicKeys(testKey(t, 1))); err == nil {
		t.Error("alice's removed key still gets in")
	}
	if w := strings.Join(ts.Warnings(), "\n"); !strings.Contains(w, "line 2:") {
		t.Errorf("the re-read file's bad line is not reported: %q", w)
	}
	// A file that is gone admits nobody (never everybody) until it is back.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if c, err := ts.dial(t, "carol", gossh.PublicKeys(testKey(t, 3))); err == nil {
		c.Close()
		t.Error("carol got in with the keys file gone")
	}
	writeFile(t, path, authorizedLine(testKey(t, 3), "carol")+"\n")
	c, err = ts.dial(t, "carol", gossh.PublicKeys(testKey(t, 3)))
	if err != nil {
		t.Fatalf("carol refused after the file came back: %v", err)
	}
	c.Close()
}

func TestExerciseCodeLogin(t *testing.T) {
	const code = "tulip-4711"
	got := make(chan Session, 1)
	ts := startServer(t, Config{ExerciseCode: code,
		Exec: func(_ context.Context, s Session, _ []string, stdout, _ io.Writer) int {
			got <- s
			io.WriteString(stdout, s.Analyst())
			return 0
		}})
	answer := func(a string) gossh.AuthMethod {
		return gossh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
			return []string{a}, nil
		})
	}
	if _, err := ts.dial(t, "student", answer("wrong")); err == nil {
		t.Fatal("a wrong exercise code got in")
	}
	if _, err := ts.dial(t, "student", gossh.Password(code)); err == nil {
		t.Fatal("the exercise code was accepted as a password")
	}
	c, err := ts.dial(t, "student", answer(code))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	out, _, status := run(t, c, "kql")
	if status != 0 || out != "student (exercise)" {
		t.Errorf("exercise exec: status %d, out %q", status, out)
	}
	if s := <-got; !s.Exercise || s.KeyFingerprint != "" {
		t.Errorf("session %+v, want an exercise session with no key", s)
	}
	if strings.Contains(ts.log.String(), code) {
		t.Error("the exercise code appears in the log")
	}
}
