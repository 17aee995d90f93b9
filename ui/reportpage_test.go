package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
)

// Over SSH, e writes into the analyst's folder without asking for a
// directory, and shows the report, which y copies.
func TestRemoteExportShowsTheReport(t *testing.T) {
	dir := t.TempDir()
	d := triageDeps(newFakeStore())
	d.ExportDir, d.ExportRemote = dir, true
	d.Export = func(_ context.Context, into string, res *hunt.Result, _ map[triage.Subject]triage.Triage) (string, error) {
		p := filepath.Join(into, "r.md")
		return p, os.WriteFile(p, []byte("# guesthunt report\n\n| Inviter |\n| a@x.com |\n"), 0o600)
	}
	m := startedWith(t, d, "a@x.com")
	m, cmd := send(t, m, press("e"))
	if m.asking != promptNone || cmd == nil {
		t.Fatalf("e asked for a directory over SSH (asking %v)", m.asking)
	}
	m, cmd = send(t, m, cmd())
	if cmd == nil {
		t.Fatal("no read-back of the report")
	}
	m, _ = send(t, m, cmd())
	if !m.onPage(pageReport) || !strings.Contains(screen(m), "| a@x.com |") || !strings.Contains(screen(m), dir) {
		t.Fatalf("report page:\n%s", screen(m))
	}
	m, cmd = send(t, m, press("y"))
	if cmd == nil || !strings.HasPrefix(fmt.Sprint(cmd()), "# guesthunt report") {
		t.Fatal("y did not copy the report")
	}
}
