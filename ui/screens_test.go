package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/vt"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// Golden screens: the real program drawn into a terminal emulator (x/vt) at
// 120x36, read back cell by cell. Review changes to testdata/screens like
// code; regenerate with GUESTHUNT_UPDATE_GOLDEN=1 go test ./ui -run Golden.

const goldenW, goldenH = 120, 36

// emuMu orders the program's writes into the emulator against the test's
// reads of its cells. vt.SafeEmulator locks each call, but CellAt returns a
// pointer into the screen buffer that the next write changes: a read of a
// whole screen (screenText, writeScreenshot) must hold this lock throughout,
// and every write takes it too.
var emuMu sync.Mutex

// crlf does what a pty's output processing would: a bare \n would leave the
// emulator's cursor in its column.
type crlf struct{ w *vt.SafeEmulator }

func (c crlf) Write(p []byte) (int, error) {
	emuMu.Lock()
	defer emuMu.Unlock()
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// steadyProbe fixes the one value that differs between runs (query time).
type steadyProbe struct{ probe }

func (p steadyProbe) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if r, ok := msg.(runMsg); ok && r.res != nil {
		r.res.Elapsed = 42 * time.Millisecond
		msg = r
	}
	m, cmd := p.probe.Update(msg)
	p.probe = m.(probe)
	return p, cmd
}

// screenText reads the emulator's cells as plain text, one line per row.
func screenText(e *vt.SafeEmulator) string {
	emuMu.Lock()
	defer emuMu.Unlock()
	var lines []string
	for y := 0; y < e.Height(); y++ {
		var b strings.Builder
		for x := 0; x < e.Width(); x++ {
			c := e.CellAt(x, y)
			switch {
			case c == nil:
				b.WriteByte(' ')
			case c.Width == 0 && c.Content == "":
				// the second half of a wide character
			case c.Content == "":
				b.WriteByte(' ')
			default:
				b.WriteString(c.Content)
			}
		}
		lines = append(lines, strings.TrimRight(b.String(), " "))
	}
	return strings.Join(lines, "\n") + "\n"
}

// settle waits until the screen holds want and stops changing.
func settle(t *testing.T, e *vt.SafeEmulator, want string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	last, since := "", time.Now()
	for time.Now().Before(deadline) {
		s := screenText(e)
		if s != last {
			last, since = s, time.Now()
		} else if strings.Contains(s, want) && time.Since(since) > 150*time.Millisecond {
			return s
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("screen never settled with %q:\n%s", want, last)
	return ""
}

func golden(t *testing.T, name, got string, e *vt.SafeEmulator) {
	t.Helper()
	if dir := os.Getenv("GUESTHUNT_SCREENSHOTS"); dir != "" {
		if err := writeScreenshot(filepath.Join(dir, name+".png"), e); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join("testdata", "screens", name+".txt")
	if os.Getenv("GUESTHUNT_UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with GUESTHUNT_UPDATE_GOLDEN=1 to create it)", err)
	}
	if string(want) != got {
		t.Errorf("screen %s differs from %s:\n--- got\n%s--- want\n%s", name, path, got, want)
	}
}

func TestGoldenScreens(t *testing.T) {
	st, eng := demoStore(t)
	emu := vt.NewSafeEmulator(goldenW, goldenH)
	ch := make(chan Model, 1)
	tri := newFakeStore(store.Triage{Subject: inv("jonas.berg@" + demo.Domain), Verdict: store.VerdictMalicious, Note: "six invites in 7 minutes"})
	m := New(Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(),
		Data: DataSetInfo{Files: []string{"demo-tenant-seed1.ndjson"}, Events: 2731, Demo: true}, IsDark: true,
		Triage: tri, TriageLocation: "demo-case.guesthunt", TriageDurable: true})
	p := tea.NewProgram(steadyProbe{probe{Model: m, latest: ch}},
		tea.WithInput(nil), tea.WithOutput(crlf{emu}), tea.WithWindowSize(goldenW, goldenH), tea.WithoutSignals(),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	t.Cleanup(func() { p.Kill(); <-done })
	f := &flow{t: t, ch: ch}
	keys := func(ks ...string) {
		for _, k := range ks {
			p.Send(press(k))
		}
	}

	f.until("first result", func(m Model) bool { return m.res != nil && m.sens != nil && m.tri.loaded && m.tri.applied >= 2 })
	golden(t, "main", settle(t, emu, "5 inviters flagged"), emu)

	keys("t")
	f.until("picker", func(m Model) bool { return m.picker.open })
	golden(t, "verdict-picker", settle(t, emu, "Verdict for inviter"), emu)
	keys("esc")

	keys("/", "j", "o", "n", "a", "s", "enter", "tab", "G", "enter")
	f.until("detail", func(m Model) bool { return m.onPage(pageDetail) && !m.pager().loading() })
	golden(t, "detail-hostile", settle(t, emu, "Original record"), emu)

	keys("esc", "w")
	f.until("why", func(m Model) bool { return m.onPage(pageWhy) && !m.pager().loading() })
	golden(t, "why", settle(t, emu, "Verdict"), emu)

	keys("esc", "?")
	f.until("help", func(m Model) bool { return m.onPage(pageHelp) })
	golden(t, "help", settle(t, emu, "guesthunt keys"), emu)

	// help; guests pane back to inviters; clear the filter; then 17d typed:
	// one run, so the message is the same however fast the engine answers
	// (three + presses raced: "16d → 17d" when the 16d answer came first).
	keys("esc", "esc", "esc", "b", "1", "7", "d", "enter")
	f.until("17d", func(m Model) bool { return m.res.Params.Baseline == 17*day && !m.runBusy && !m.sensBusy })
	golden(t, "baseline-17d", settle(t, emu, "baseline 14d → 17d"), emu)
}
