package serve

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
)

// The first inviter on the demo tenant's main page (sorted as the rule
// returns them).
const firstInviter = "lee.novak@northwindtraders.example"

func TestWorkbenchHeaderAndResize(t *testing.T) {
	st, eng := demoData(t)
	ts := startServer(t, Config{Workbench: demoWorkbench(st, eng, triage.New(triage.NewMemory()))})
	tm := openTerm(t, ts.client(t, "alice", 1), 120, 36, nil)
	s := tm.waitFor("5 inviters flagged", 30*time.Second)
	if !strings.HasPrefix(s, "guesthunt") || !strings.Contains(s, "→ 2026-10-31T17:42:10") {
		t.Fatalf("no header at 120 columns:\n%s", s)
	}
	tm.resize(80, 24)
	deadline := time.Now().Add(10 * time.Second)
	for {
		s = tm.screen()
		first, _, _ := strings.Cut(s, "\n")
		if strings.HasPrefix(first, "guesthunt") && strings.HasSuffix(first, "…") && strings.Contains(s, "New inviters") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the header did not reflow to 80 columns:\n%s", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
	tm.send("q")
	if status := tm.ended(10 * time.Second); status != 0 {
		t.Errorf("q ended the session with status %d", status)
	}
	logs := ts.log.String()
	for _, want := range []string{"session start", "session end", "user=alice", "fingerprint=SHA256:", "kind=pty", "duration=", "reason=quit"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestTwoSessionsSeeEachOthersVerdict(t *testing.T) {
	st, eng := demoData(t)
	tri := triage.New(triage.NewMemory())
	ts := startServer(t, Config{Workbench: demoWorkbench(st, eng, tri)})
	a := openTerm(t, ts.client(t, "alice", 1), 120, 36, nil)
	b := openTerm(t, ts.client(t, "bob", 2), 120, 36, nil)
	a.waitFor("5 inviters flagged", 30*time.Second)
	b.waitFor("5 inviters flagged", 30*time.Second)

	a.send("t")
	a.waitFor("Verdict for inviter "+firstInviter, 5*time.Second)
	a.send("m")
	a.waitFor("MAL", 5*time.Second)
	start := time.Now()
	b.waitFor("MAL", time.Second)
	t.Logf("session B showed A's verdict %v after A's screen did", time.Since(start))

	h, err := tri.History(context.Background(), triage.Subject{Kind: triage.SubjectInviter, Key: firstInviter})
	if err != nil || len(h) != 1 {
		t.Fatalf("history %v, %v", h, err)
	}
	fp := testFingerprint(t, 1)
	if h[0].Analyst != "alice ("+fp+")" || h[0].Verdict != triage.VerdictMalicious {
		t.Errorf("history entry %+v, want malicious by alice (%s)", h[0], fp)
	}
}

func TestStaleNoteSaveRefusedNamingTheOther(t *testing.T) {
	st, eng := demoData(t)
	tri := triage.New(triage.NewMemory())
	ts := startServer(t, Config{Workbench: demoWorkbench(st, eng, tri)})
	// Wide enough for the whole refusal, fingerprint included.
	a := openTerm(t, ts.client(t, "alice", 1), 220, 40, nil)
	b := openTerm(t, ts.client(t, "bob", 2), 220, 40, nil)
	a.waitFor("5 inviters flagged", 30*time.Second)
	b.waitFor("5 inviters flagged", 30*time.Second)

	// Both open the note prompt on the same inviter at revision 0.
	a.send("n")
	b.send("n")
	a.waitFor("note on this", 5*time.Second)
	b.waitFor("note on this", 5*time.Second)
	a.send("seen by alice\r")
	a.waitFor("✎", 5*time.Second)
	b.send("bob's view\r")
	s := b.waitFor("NOT saved", 5*time.Second)
	if !strings.Contains(s, "by alice ("+testFingerprint(t, 1)+")") {
		t.Errorf("the refusal does not name alice:\n%s", s)
	}
	all, _ := tri.All(context.Background())
	got := all[triage.Subject{Kind: triage.SubjectInviter, Key: firstInviter}]
	if got.Note != "seen by alice" {
		t.Errorf("the stored note is %q, want alice's (bob's stale save must change nothing)", got.Note)
	}
}

func TestIdleTimeoutEndsSession(t *testing.T) {
	st, eng := demoData(t)
	ts := startServer(t, Config{IdleTimeout: 1500 * time.Millisecond, Workbench: demoWorkbench(st, eng, nil)})
	tm := openTerm(t, ts.client(t, "alice", 1), 100, 30, nil)
	tm.waitFor("inviters flagged", 30*time.Second)
	// Keys keep it open past the timeout...
	for range 8 {
		time.Sleep(300 * time.Millisecond)
		tm.send("j")
	}
	select {
	case <-tm.done:
		t.Fatal("the session ended although keys kept arriving")
	default:
	}
	// ...and silence ends it, with a message.
	if status := tm.ended(10 * time.Second); status != 0 {
		t.Errorf("idle end status %d", status)
	}
	if s := tm.screen(); !strings.Contains(s, "without input") {
		t.Errorf("no idle message on screen:\n%s", s)
	}
	if !strings.Contains(ts.log.String(), "reason=idle") {
		t.Errorf("log does not say idle:\n%s", ts.log.String())
	}
}

func TestNoColorFromSessionEnvironment(t *testing.T) {
	st, eng := demoData(t)
	ts := startServer(t, Config{Workbench: demoWorkbench(st, eng, nil)})
	plain := openTerm(t, ts.client(t, "alice", 1), 100, 30, map[string]string{"NO_COLOR": "1"})
	plain.waitFor("inviters flagged", 30*time.Second)
	if n := coloredCells(plain); n != 0 {
		t.Errorf("NO_COLOR=1 session has %d coloured cells", n)
	}
	coloured := openTerm(t, ts.client(t, "bob", 2), 100, 30, map[string]string{"COLORTERM": "truecolor"})
	coloured.waitFor("inviters flagged", 30*time.Second)
	if coloredCells(coloured) == 0 {
		t.Error("a session without NO_COLOR has no colour: the test proves nothing")
	}
}
