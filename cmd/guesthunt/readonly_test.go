package main

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// demoCase loads the demo tenant into a case file in its own directory.
func demoCase(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	export := filepath.Join(dir, "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", export); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	caseDir := filepath.Join(dir, "case")
	if err := os.Mkdir(caseDir, 0o755); err != nil {
		t.Fatal(err)
	}
	caseFile := filepath.Join(caseDir, "case.duckdb")
	if r := runCLI(t, "", "load", export, "--db", caseFile); r.code != exitOK {
		t.Fatalf("load: %s", r.stderr)
	}
	return caseFile
}

// caseState is what reading must leave alone: the bytes, the mtime, and the
// directory's listing (no write-ahead log or other file appears).
type caseState struct {
	sum   [32]byte
	mtime time.Time
	files string
}

func stateOfCase(t *testing.T, path string) caseState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return caseState{sha256.Sum256(b), fi.ModTime(), strings.Join(names, ",")}
}

// readingCommands are every command that only reads a case file.
func readingCommands(db string) [][]string {
	return [][]string{
		{"hunt", "--db", db},
		{"hunt", "--db", db, "--format", "json", "--baseline", "21d"},
		{"report", "--db", db},
		{"report", "--db", db, "--format", "json"},
		{"report", "--db", db, "--format", "csv"},
		{"report", "--db", db, "--format", "bookmarks"},
		{"sql", "SELECT OperationName, count(*) AS n FROM AuditLogs GROUP BY ALL", "--db", db},
		{"kql", "--baseline", "3d"},
		{"--db", db}, // piped: prints the hunt
	}
}

func TestReadingNeverWritesTheCaseFile(t *testing.T) {
	db := demoCase(t)
	before := stateOfCase(t, db)
	for _, args := range readingCommands(db) {
		if r := runCLI(t, "", args...); r.code != exitOK {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		if after := stateOfCase(t, db); after != before {
			t.Fatalf("%v changed the case file: %+v -> %+v", args, before, after)
		}
	}
	for _, q := range []string{
		"DELETE FROM _Events; SELECT 1",
		"COPY _Events TO '" + filepath.Join(t.TempDir(), "x.csv") + "'",
		"SELECT * FROM read_text('/etc/passwd')",
		"CREATE OR REPLACE VIEW AuditLogs AS SELECT * FROM _Events WHERE false; SELECT 1",
	} {
		r := runCLI(t, "", "sql", q, "--db", db)
		if r.code == exitOK {
			t.Errorf("sql %q ran: %s", q, r.stdout)
		}
		if after := stateOfCase(t, db); after != before {
			t.Fatalf("sql %q changed the case file", q)
		}
	}
	if r := runCLI(t, "", "sql", "DELETE FROM _Events; SELECT 1", "--db", db); !strings.Contains(r.stderr, "refused: 2 statements") {
		t.Errorf("sql multi-statement: %s", r.stderr)
	}
	if r := runCLI(t, "", "hunt", "--db", db, filepath.Join(t.TempDir(), "x.ndjson")); r.code != exitUsage || !strings.Contains(r.stderr, "guesthunt load") {
		t.Errorf("hunt with --db and paths: %d %s", r.code, r.stderr)
	}
}

// A case file the analyst made read-only, in a directory nobody may write
// (read-only media as far as permissions go), still works for every reader.
// The tests run as root, where permissions stop nothing: the byte comparison
// and DuckDB's READ_ONLY mode are what show nothing was written.
func TestReadOnlyCaseFileAndDirectory(t *testing.T) {
	db := demoCase(t)
	dir := filepath.Dir(db)
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755); os.Chmod(db, 0o644) })
	before := stateOfCase(t, db)
	want := runCLI(t, "", "hunt", "--db", db, "--format", "csv")
	if want.code != exitOK || want.stdout == "" {
		t.Fatalf("hunt: %d %s", want.code, want.stderr)
	}
	for _, args := range readingCommands(db) {
		if r := runCLI(t, "", args...); r.code != exitOK {
			t.Errorf("%v: exit %d: %s", args, r.code, r.stderr)
		}
	}
	if after := stateOfCase(t, db); after != before {
		t.Errorf("case file changed: %+v -> %+v", before, after)
	}
}

// A view stored in the file never decides what the hunt sees.
func TestTamperedAuditLogsViewChangesNothing(t *testing.T) {
	db := demoCase(t)
	want := runCLI(t, "", "hunt", "--db", db, "--format", "csv")
	count := runCLI(t, "", "sql", "SELECT count(*) AS n FROM AuditLogs", "--db", db, "--format", "csv")
	if want.code != exitOK || count.code != exitOK || strings.Count(want.stdout, "\n") < 2 {
		t.Fatalf("hunt: %s %s", want.stderr, count.stderr)
	}
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	// "case" is the file's catalog (main.AuditLogs alone is the temp view).
	_, err = st.DB().Exec(`CREATE OR REPLACE VIEW "case".main.AuditLogs AS SELECT * FROM _Events WHERE false`)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if c := runCLI(t, "", "sql", `SELECT count(*) AS n FROM "case".main.AuditLogs`, "--db", db, "--format", "csv"); c.stdout != "n\n0\n" {
		t.Fatalf("the file's view was not tampered with: %q %s", c.stdout, c.stderr)
	}
	got := runCLI(t, "", "hunt", "--db", db, "--format", "csv")
	if got.code != exitOK || got.stdout != want.stdout {
		t.Errorf("hunt after tampering: exit %d\n%s\nwant\n%s", got.code, got.stdout, want.stdout)
	}
	if c := runCLI(t, "", "sql", "SELECT count(*) AS n FROM AuditLogs", "--db", db, "--format", "csv"); c.stdout != count.stdout {
		t.Errorf("sql count after tampering %q, want %q", c.stdout, count.stdout)
	}
}

func TestCaseFileSchemaVersions(t *testing.T) {
	db := demoCase(t)
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.DB().Exec(`UPDATE _Meta SET Value = '3' WHERE Key = 'schema'`)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"hunt", "--db", db}, {"report", "--db", db}, {"sql", "SELECT 1", "--db", db}, {"load", "--db", db}} {
		r := runCLI(t, "", args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "case file schema 3 is newer than this guesthunt (2): upgrade guesthunt") {
			t.Errorf("%v: exit %d %s", args, r.code, r.stderr)
		}
	}

	// A version 1 file: refused by readers with the way to upgrade it, which
	// "guesthunt load --db FILE" does in place.
	db = demoCase(t)
	st, err = store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`ALTER TABLE _Excluded DROP COLUMN KeptRow`,
		`ALTER TABLE _Sources DROP COLUMN Incomplete`,
		`DROP TABLE _Conflicts`,
		`UPDATE _Meta SET Value = '1' WHERE Key = 'schema'`,
	} {
		if _, err := st.DB().Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	r := runCLI(t, "", "hunt", "--db", db)
	if r.code != exitUsage || !strings.Contains(r.stderr, "guesthunt load --db "+db) {
		t.Fatalf("hunt on a version 1 file: %d %s", r.code, r.stderr)
	}
	entries, _ := os.ReadDir(filepath.Dir(db))
	if r := runCLI(t, "", "load", "--db", db); r.code != exitOK {
		t.Fatalf("load --db (upgrade): %d %s", r.code, r.stderr)
	}
	if after, _ := os.ReadDir(filepath.Dir(db)); len(after) != len(entries) {
		t.Errorf("upgrade made new files: %v -> %v", entries, after)
	}
	if r := runCLI(t, "", "hunt", "--db", db); r.code != exitOK {
		t.Errorf("hunt after upgrade: %d %s", r.code, r.stderr)
	}
}

// What the workbench does on a writable case file (OpenForVerdicts, then
// the engine's questions and the verdicts) writes nothing; saving a verdict
// is the one write, which also shows the comparison would see a write.
func TestWorkbenchBrowsingWritesOnlyVerdicts(t *testing.T) {
	ctx := context.Background()
	db := demoCase(t)
	before := stateOfCase(t, db)
	st, err := store.OpenForVerdicts(db)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode() != store.ModeVerdicts {
		t.Fatalf("writable case file opened in mode %v", st.Mode())
	}
	e := hunt.NewEngine(st)
	p := hunt.DefaultParams()
	res, err := e.Run(ctx, p)
	if err != nil || len(res.Rows) == 0 {
		t.Fatalf("run: %v", err)
	}
	if _, err := e.Sensitivity(ctx, p, 90); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Explain(ctx, p, res.Rows[0].InitiatingUserPrincipalName); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Triages(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if after := stateOfCase(t, db); after != before {
		t.Fatalf("browsing changed the case file: %+v -> %+v", before, after)
	}
	st, err = store.OpenForVerdicts(db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.SetTriage(ctx, store.Triage{Subject: store.Subject{Kind: store.SubjectInviter, Key: "a@b.example"}, Verdict: store.VerdictBenign})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if after := stateOfCase(t, db); after.sum == before.sum {
		t.Error("a saved verdict left the case file byte-identical: the comparison sees nothing")
	}
}
