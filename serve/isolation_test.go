package serve

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
	gossh "golang.org/x/crypto/ssh"
)

// An exercise login gets verdicts of its own: the shared store and the
// analysts' sessions never see them.
func TestExerciseSessionHasItsOwnVerdicts(t *testing.T) {
	st, eng := demoData(t)
	tri := triage.New(triage.NewMemory())
	ts := startServer(t, Config{ExerciseCode: "tulip", Workbench: demoWorkbench(st, eng, tri)})
	c, err := ts.dial(t, "student", gossh.KeyboardInteractive(func(_, _ string, _ []string, _ []bool) ([]string, error) {
		return []string{"tulip"}, nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ex := openTerm(t, c, 120, 36, nil)
	ex.waitFor("5 inviters flagged", 30*time.Second)
	ex.send("tm")
	ex.waitFor("MAL", 5*time.Second)
	all, _ := tri.All(context.Background())
	if len(all) != 0 {
		t.Errorf("an exercise verdict reached the shared store: %v", all)
	}
}

func TestNoForwardingNoSubsystemsNoKeyInWorkingDir(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.client(t, "alice", 1)
	if conn, err := c.Dial("tcp", ts.addr); err == nil {
		conn.Close()
		t.Error("port forwarding is allowed")
	}
	if l, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
		t.Error("reverse forwarding is allowed")
	}
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestSubsystem("sftp"); err == nil {
		t.Error("the sftp subsystem is offered")
	}
	s.Close()
	for _, name := range []string{"id_ed25519", "id_ed25519.pub"} {
		if _, err := os.Stat(name); err == nil {
			t.Errorf("a host key %s was written into the working directory", name)
		}
	}
}

func TestHostileUserNameIsCleanedAndLoggedSafely(t *testing.T) {
	ts := startServer(t, Config{})
	evil := "\x1b]0;owned\x07bob\u202e\xff"
	c, err := ts.dial(t, evil, gossh.PublicKeys(testKey(t, 2)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run(t, c, "kql")
	logs := ts.log.String()
	if strings.ContainsAny(logs, "\x1b\x07\u202e") || strings.Contains(logs, "\xff") {
		t.Errorf("raw hostile characters in the log: %q", logs)
	}
	u := cleanUser(evil)
	if !strings.HasPrefix(u, "\x1b]0;owned") || strings.Contains(u, "\xff") {
		t.Errorf("cleanUser(%q) = %q: want the raw name kept (evidence) but valid UTF-8", evil, u)
	}
	if long := cleanUser(strings.Repeat("x", 500)); len([]rune(long)) != maxUser+1 {
		t.Errorf("a 500-rune user name is kept as %d runes", len([]rune(long)))
	}
}
