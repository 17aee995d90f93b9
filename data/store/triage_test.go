package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
)

func mustSetTriage(t *testing.T, s *Store, tr Triage) Triage {
	t.Helper()
	got, err := s.SetTriage(context.Background(), tr)
	if err != nil {
		t.Fatalf("SetTriage(%+v): %v", tr, err)
	}
	return got
}

func mustTriages(t *testing.T, s *Store) map[Subject]Triage {
	t.Helper()
	m, err := s.Triages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var (
	alice = Subject{Kind: SubjectInviter, Key: "alice@contoso.com"}
	evt   = Subject{Kind: SubjectEvent, Key: "Invited Users_c0ffee00-0000-4000-8000-000000000001_ABCDE_1001"}
)

func TestTriageRoundTripCaseFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "case.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if !s.TriageDurable() || s.TriagePath() != path {
		t.Errorf("case file: durable %v path %q", s.TriageDurable(), s.TriagePath())
	}
	a := mustSetTriage(t, s, Triage{Subject: alice, Verdict: VerdictMalicious, Note: "phish", Analyst: "ana"})
	e := mustSetTriage(t, s, Triage{Subject: evt, Verdict: VerdictBenign, Analyst: "bob",
		At: time.Date(2026, 10, 30, 9, 15, 2, 123456789, time.FixedZone("x", 3600))})
	if a.Seq != 1 || e.Seq != 2 || a.At.Location() != time.UTC || a.At.IsZero() {
		t.Errorf("stamps: %+v %+v", a, e)
	}
	if want := time.Date(2026, 10, 30, 8, 15, 2, 123456000, time.UTC); !e.At.Equal(want) || e.At.Location() != time.UTC {
		t.Errorf("At %v, want %v in UTC", e.At, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openTestStore(t, path)
	got := mustTriages(t, s)
	if len(got) != 2 || got[alice] != a || got[evt] != e {
		t.Errorf("after reopen: %+v\nwant %+v and %+v", got, a, e)
	}
	if n := mustSetTriage(t, s, Triage{Subject: alice, Verdict: VerdictFalsePositive}); n.Seq != 3 {
		t.Errorf("Seq after reopen %d, want 3", n.Seq)
	}
}

func TestTriageRoundTripAttachedStateFile(t *testing.T) {
	t.Setenv(StateDirEnv, t.TempDir())
	path, err := PathKeyedCasePath([]string{"testdata/load/sentinel-sample.ndjson"})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := Open("")
	if s.TriageDurable() || s.TriagePath() != "" {
		t.Error("an in-memory store without a verdict file must not claim durability")
	}
	loadPaths(t, s, "testdata/load/sentinel-sample.ndjson")
	if err := s.AttachTriage(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if !s.TriageDurable() || s.TriagePath() != path {
		t.Errorf("attached: durable %v path %q want %q", s.TriageDurable(), s.TriagePath(), path)
	}
	if err := s.AttachTriage(context.Background(), path); err == nil {
		t.Error("second AttachTriage accepted")
	}
	a := mustSetTriage(t, s, Triage{Subject: alice, Verdict: VerdictSuspicious, Note: "n", Analyst: "ana"})
	// The verdicts are in the attached file, not in the store's own database.
	var inMemory, inFile int
	if err := s.DB().QueryRow(`SELECT count(*) FILTER (database_name = 'memory'), count(*) FILTER (database_name = ?)
		FROM duckdb_tables() WHERE table_name = '_Triage'`, triageAlias).Scan(&inMemory, &inFile); err != nil || inMemory != 0 || inFile != 1 {
		t.Errorf("_Triage tables: %d in memory, %d in the file (%v); want 0, 1", inMemory, inFile, err)
	}
	s.Close()

	s = openTestStore(t, "")
	if got := mustTriages(t, s); len(got) != 0 {
		t.Fatalf("a fresh in-memory store sees %v", got)
	}
	if err := s.AttachTriage(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if got := mustTriages(t, s); len(got) != 1 || got[alice] != a {
		t.Errorf("after reattach: %+v, want %+v", got, a)
	}
}

func TestTriageLastWriteWinsAndHistory(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "case.duckdb"))
	var want []Triage
	for i, v := range []Verdict{VerdictSuspicious, VerdictBenign, VerdictMalicious, VerdictUntriaged} {
		want = append(want, mustSetTriage(t, s, Triage{Subject: alice, Verdict: v, Note: fmt.Sprint("step ", i), Analyst: "ana"}))
	}
	mustSetTriage(t, s, Triage{Subject: evt, Verdict: VerdictBenign})
	if got := mustTriages(t, s)[alice]; got != want[3] {
		t.Errorf("current %+v, want %+v", got, want[3])
	}
	hist, err := s.TriageHistory(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(hist) != fmt.Sprint(want) {
		t.Errorf("history\n%+v\nwant\n%+v", hist, want)
	}
	// Reset to untriaged is a recorded state, and does not count as triaged.
	triaged, total, err := s.TriageProgress(context.Background(), []string{alice.Key, "bob@x", alice.Key})
	if err != nil || triaged != 0 || total != 2 {
		t.Errorf("progress %d/%d %v, want 0/2", triaged, total, err)
	}
	mustSetTriage(t, s, Triage{Subject: alice, Verdict: VerdictBenign})
	if triaged, total, _ := s.TriageProgress(context.Background(), []string{alice.Key, "bob@x"}); triaged != 1 || total != 2 {
		t.Errorf("progress %d/%d, want 1/2", triaged, total)
	}
}

func TestTriageConcurrentWriters(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "case.duckdb"))
	const writers, updates, subjects = 50, 20, 7
	var wg sync.WaitGroup
	results := make(chan Triage, writers*updates)
	errs := make(chan error, writers*updates)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range updates {
				subj := Subject{Kind: SubjectInviter, Key: fmt.Sprintf("user%d@contoso.com", (w+u)%subjects)}
				tr, err := s.SetTriage(context.Background(), Triage{Subject: subj, Verdict: triage.AllVerdicts()[(w*u)%5],
					Note: fmt.Sprintf("w%d u%d", w, u), Analyst: fmt.Sprintf("ssh-%d", w)})
				if err != nil {
					errs <- err
					return
				}
				results <- tr
			}
		}()
	}
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	last := map[Subject]Triage{}
	seqs := map[int64]bool{}
	for tr := range results {
		seqs[tr.Seq] = true
		if tr.Seq > last[tr.Subject].Seq {
			last[tr.Subject] = tr
		}
	}
	if len(seqs) != writers*updates {
		t.Fatalf("%d distinct Seq for %d writes", len(seqs), writers*updates)
	}
	got := mustTriages(t, s)
	if len(got) != subjects {
		t.Errorf("%d subjects, want %d", len(got), subjects)
	}
	total := 0
	for subj, want := range last {
		if got[subj] != want {
			t.Errorf("%v: current %+v, last committed %+v", subj, got[subj], want)
		}
		hist, err := s.TriageHistory(context.Background(), subj)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(hist); i++ {
			if hist[i].Seq <= hist[i-1].Seq {
				t.Fatalf("%v: history out of Seq order at %d", subj, i)
			}
		}
		total += len(hist)
	}
	var n, maxSeq int64
	_, hist, _, _ := s.triageTables(context.Background())
	s.DB().QueryRow(`SELECT count(*), max(Seq) FROM `+hist).Scan(&n, &maxSeq)
	if total != writers*updates || n != writers*updates || maxSeq != writers*updates {
		t.Errorf("history: %d by subject, %d rows, max Seq %d; want %d", total, n, maxSeq, writers*updates)
	}
}

func TestTriageHostileNotesByteExact(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "case.duckdb"))
	notes := []string{
		"\x1b[2J\x1b]52;c;cGF5bG9hZA==\x07 cleared?",
		"admin\u202egpj.exe",
		"zero\u200bwidth\ufeff and 'quotes' \"double\" ; DROP TABLE _Triage; --",
		"nul\x00inside",
		strings.Repeat("é", MaxTriageNote/2),
	}
	for i, note := range notes {
		subj := Subject{Kind: SubjectEvent, Key: fmt.Sprintf("k%d\u202e\x1b", i)}
		mustSetTriage(t, s, Triage{Subject: subj, Verdict: VerdictSuspicious, Note: note, Analyst: "ana\x1b[31m"})
	}
	got := mustTriages(t, s)
	for i, note := range notes {
		tr := got[Subject{Kind: SubjectEvent, Key: fmt.Sprintf("k%d\u202e\x1b", i)}]
		if tr.Note != note || tr.Analyst != "ana\x1b[31m" {
			t.Errorf("note %d: got %q (%d bytes), want %q (%d bytes)", i, trunc(tr.Note), len(tr.Note), trunc(note), len(note))
		}
	}
}

func trunc(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}

func TestTriageRejectsInvalid(t *testing.T) {
	s := openTestStore(t, "")
	for name, tr := range map[string]Triage{
		"empty key":     {Subject: Subject{Kind: SubjectInviter, Key: ""}, Verdict: VerdictBenign},
		"bad kind":      {Subject: Subject{Kind: "row", Key: "3"}, Verdict: VerdictBenign},
		"bad verdict":   {Subject: alice, Verdict: "maybe"},
		"empty verdict": {Subject: alice},
		"long note":     {Subject: alice, Verdict: VerdictBenign, Note: strings.Repeat("x", MaxTriageNote+1)},
		"invalid utf8":  {Subject: alice, Verdict: VerdictBenign, Note: "\xff\xfe"},
	} {
		if _, err := s.SetTriage(context.Background(), tr); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if got := mustTriages(t, s); len(got) != 0 {
		t.Errorf("rejected verdicts stored: %v", got)
	}
	if err := s.AttachTriage(context.Background(), "bad\x00path"); err == nil {
		t.Error("NUL path attached")
	}
}

func TestTriageOldCaseFileGetsTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	loadPaths(t, s, "testdata/load/sentinel-sample.ndjson")
	s.Close() // a case file from before verdicts: no triage tables
	s = openTestStore(t, path)
	if got := mustTriages(t, s); len(got) != 0 {
		t.Fatalf("%v", got)
	}
	mustSetTriage(t, s, Triage{Subject: alice, Verdict: VerdictBenign})
	if n, _ := s.EventCount(context.Background()); n != 3 {
		t.Errorf("events %d after adding verdicts, want 3", n)
	}
}

func TestTriageSetCost(t *testing.T) {
	s := openTestStore(t, filepath.Join(t.TempDir(), "case.duckdb"))
	mustSetTriage(t, s, Triage{Subject: alice, Verdict: VerdictBenign})
	const n = 100
	start := time.Now()
	for i := range n {
		mustSetTriage(t, s, Triage{Subject: Subject{Kind: SubjectInviter, Key: fmt.Sprint(i % 10)}, Verdict: VerdictBenign, Note: "x"})
	}
	t.Logf("SetTriage on a case file: %v each (%d sequential calls)", time.Since(start)/n, n)
}
