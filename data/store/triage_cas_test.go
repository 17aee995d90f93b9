package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
)

// TestTriageLostUpdateInCaseFile is the lost-update regression against the
// DuckDB tables, through the Store every session shares: a note opened at
// revision N must not overwrite a newer note saved at N+1.
func TestTriageLostUpdateInCaseFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "case.duckdb")
	st := openTestStore(t, path)
	s := triage.New(st)
	if !s.Durable() {
		t.Fatal("a case file is durable")
	}
	changes, cancel := s.Subscribe(ctx)
	defer cancel()
	opened, err := s.SetVerdict(ctx, alice, VerdictSuspicious, 0, "ana")
	if err != nil {
		t.Fatal(err)
	}
	newer, err := s.SetNote(ctx, alice, "bo: token theft, see ticket 7", opened.Seq, "bo")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.SetNote(ctx, alice, "ana: looks fine", opened.Seq, "ana")
	var c *triage.ConflictError
	if !errors.As(err, &c) || c.Current != newer {
		t.Fatalf("stale note: %v, want a conflict carrying %+v", err, newer)
	}
	if _, err := s.SetVerdict(ctx, alice, VerdictBenign, opened.Seq, "ana"); !errors.As(err, &c) {
		t.Fatalf("stale verdict: %v, want a conflict", err)
	}
	if got := mustTriages(t, st)[alice]; got != newer {
		t.Fatalf("stored %+v, want %+v", got, newer)
	}
	// Fields are apart: a verdict at the current revision keeps bo's note.
	v, err := s.SetVerdict(ctx, alice, VerdictMalicious, newer.Seq, "ana")
	if err != nil || v.Note != newer.Note || v.Verdict != VerdictMalicious || v.Seq != newer.Seq+1 {
		t.Fatalf("verdict save: %+v %v", v, err)
	}
	for _, want := range []triage.Triage{opened, newer, v} {
		if got := <-changes; got.State != want {
			t.Errorf("change %+v, want %+v", got.State, want)
		}
	}
	if hist, _ := st.TriageHistory(ctx, alice); len(hist) != 3 {
		t.Errorf("history %+v, want the three committed changes", hist)
	}
	// A new subject must be expected at revision 0.
	if _, err := s.SetVerdict(ctx, evt, VerdictBenign, 5, "ana"); !errors.As(err, &c) || c.Current.Seq != 0 {
		t.Errorf("new subject at revision 5: %v", err)
	}
	st.Close()
	// What was committed is in the file.
	st2 := openTestStore(t, path)
	if got := mustTriages(t, st2)[alice]; got != v {
		t.Errorf("reopened: %+v, want %+v", got, v)
	}
}

func TestTriageSaveOnReadOnlyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "case.duckdb")
	openTestStore(t, path).Close()
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := triage.New(ro).SetVerdict(context.Background(), alice, VerdictBenign, 0, "ana"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only save: %v", err)
	}
}

func TestImportTriages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	from := filepath.Join(dir, "state.duckdb")
	src := openTestStore(t, "")
	if err := src.AttachTriage(ctx, from); err != nil {
		t.Fatal(err)
	}
	a := mustSetTriage(t, src, Triage{Subject: alice, Verdict: VerdictMalicious, Note: "from the raw session", Analyst: "ana", At: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)})
	e := mustSetTriage(t, src, Triage{Subject: evt, Verdict: VerdictBenign, Analyst: "bo"})
	src.Close()

	dst := openTestStore(t, filepath.Join(dir, "case.duckdb"))
	mine := mustSetTriage(t, dst, Triage{Subject: evt, Verdict: VerdictSuspicious, Analyst: "cy"})
	n, kept, err := dst.ImportTriages(ctx, from)
	if err != nil || n != 1 || kept != 1 {
		t.Fatalf("import: %d imported, %d kept, %v", n, kept, err)
	}
	got := mustTriages(t, dst)
	if g := got[alice]; g.Verdict != a.Verdict || g.Note != a.Note || g.Analyst != "ana" || !g.At.Equal(a.At) || g.Seq != 2 {
		t.Errorf("imported %+v from %+v", g, a)
	}
	if got[evt] != mine {
		t.Errorf("the case file's own verdict was replaced: %+v (source had %+v)", got[evt], e)
	}
	// Twice changes nothing; a missing file imports nothing.
	if n, _, err := dst.ImportTriages(ctx, from); n != 0 || err != nil {
		t.Errorf("second import: %d %v", n, err)
	}
	if n, _, err := dst.ImportTriages(ctx, filepath.Join(dir, "none.duckdb")); n != 0 || err != nil {
		t.Errorf("missing file: %d %v", n, err)
	}
}

// TestImportTriagesHeldByAnotherProcess: a workbench holding the raw
// session's verdict file makes the import fail, never hang or half-import.
func TestImportTriagesHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.duckdb")
	stop := holdVerdictFile(t, path)
	defer stop()
	dst := openTestStore(t, "")
	if n, _, err := dst.ImportTriages(context.Background(), path); err == nil || n != 0 {
		t.Fatalf("import from a held file: %d, %v", n, err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

// holdVerdictFile starts TestTriageHelperProcess on path in attach mode (a
// second workbench on the same exports) and returns once it has saved.
func holdVerdictFile(t *testing.T, path string) (stop func()) {
	t.Helper()
	cmd, out := startHelper(t, "TestTriageHelperProcess", helperEnvPath+"="+path, helperEnvMode+"=attach")
	stop = func() { cmd.Process.Kill(); cmd.Wait() }
	buf := make([]byte, 64)
	deadline := time.Now().Add(60 * time.Second)
	var got string
	for !strings.Contains(got, "saved") && time.Now().Before(deadline) {
		n, err := out.Read(buf)
		got += string(buf[:n])
		if err != nil {
			break
		}
	}
	if !strings.Contains(got, "saved") {
		stop()
		t.Fatalf("helper did not hold the file: %q", got)
	}
	return stop
}
