package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// makeCase writes a closed case file holding the sentinel sample (3 events).
func makeCase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "case.duckdb")
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), []string{"testdata/load/sentinel-sample.ndjson"}, store.LoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// fileState is what must not change when a case file is only read: its
// bytes and modification time, and that no write-ahead log appeared.
type fileState struct {
	sum   [32]byte
	mtime time.Time
	wal   bool
}

func stateOf(t *testing.T, path string) fileState {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	_, walErr := os.Stat(path + ".wal")
	return fileState{sha256.Sum256(b), fi.ModTime(), walErr == nil}
}

func openRO(t *testing.T, path string) *store.Store {
	t.Helper()
	s, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// tamper opens path read-write (as another tool could) and runs stmts.
func tamper(t *testing.T, path string, stmts ...string) {
	t.Helper()
	s, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range stmts {
		if _, err := s.DB().Exec(stmt); err != nil {
			s.Close()
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

// storedView is the AuditLogs definition stored in the file (not the temp
// view the program defines).
func storedView(t *testing.T, s *store.Store) string {
	t.Helper()
	var def string
	if err := s.DB().QueryRow(`SELECT sql FROM duckdb_views()
		WHERE database_name = current_database() AND view_name = 'AuditLogs' AND NOT temporary`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	return def
}

var refusedQueries = []string{
	`INSERT INTO _Excluded VALUES (1, 1, 1, 1, 'x', 'y', NULL)`,
	`INSERT INTO _Events (_SourceId) SELECT 1`,
	`UPDATE _Sources SET Done = false`,
	`DELETE FROM _Events`,
	`WITH x AS (SELECT 1) DELETE FROM _Events`,
	`CREATE TABLE x AS SELECT 1`,
	`CREATE TEMP TABLE x AS SELECT 1`,
	`CREATE VIEW v AS SELECT 1`,
	`CREATE OR REPLACE VIEW AuditLogs AS SELECT * FROM _Events WHERE false`,
	`CREATE MACRO m(x) AS x`,
	`CREATE SEQUENCE q`,
	`DROP TABLE _Events`,
	`DROP VIEW AuditLogs`,
	`ALTER TABLE _Events ADD COLUMN z INTEGER`,
	`ATTACH '{out}.db' AS o`,
	`ATTACH ':memory:' AS m`,
	`DETACH guesthunt_cache`,
	`USE guesthunt_cache`,
	`COPY _Events TO '{out}.csv'`,
	`COPY (SELECT 1) TO '{out}.parquet' (FORMAT parquet)`,
	`COPY _Events FROM '/etc/passwd'`,
	`INSTALL httpfs`,
	`LOAD httpfs`,
	`SET enable_external_access = true`,
	`SET threads = 1`,
	`RESET threads`,
	`PRAGMA enable_profiling`,
	`CALL pragma_version()`,
	`EXPORT DATABASE '{out}'`,
	`IMPORT DATABASE '{out}'`,
	`CHECKPOINT`,
	`FORCE CHECKPOINT`,
	`VACUUM`,
	`ANALYZE`,
	`BEGIN TRANSACTION`,
	`COMMIT`,
	`ROLLBACK`,
	`EXPLAIN SELECT 1`,
	`EXPLAIN ANALYZE DELETE FROM _Events`,
	`PREPARE p AS SELECT 1`,
	`SET VARIABLE x = 1`,
	`DELETE FROM _Events; SELECT 1`,
	`SELECT 1; SELECT 2`,
	`SELECT 1; DELETE FROM _Events`,
	`SELECT ';'; DELETE FROM _Events`,
	`SELECT 1 /* ; */; DROP TABLE _Events`,
	`SELECT 1 -- ;` + "\n" + `; COPY _Events TO '{out}.csv'`,
	``,
	`  ;  `,
	`-- only a comment`,
}

// fileQueries are SELECTs that would read outside the case file.
var fileQueries = []string{
	`SELECT * FROM read_text('/etc/passwd')`,
	`SELECT * FROM read_blob('/etc/passwd')`,
	`SELECT * FROM read_csv_auto('/etc/passwd')`,
	`SELECT * FROM read_csv('/etc/passwd')`,
	`SELECT * FROM read_json_auto('{parquet}')`,
	`SELECT * FROM glob('/root/*')`,
	`SELECT * FROM glob('/etc/*')`,
	`SELECT * FROM read_parquet('{parquet}')`,
	`SELECT * FROM parquet_metadata('{parquet}')`,
	`SELECT * FROM '{parquet}'`,
	`SELECT * FROM '/etc/passwd'`,
	`SELECT * FROM sniff_csv('/etc/passwd')`,
	`SELECT * FROM query('DELETE FROM _Events')`,
}

func TestSQLRefusesAllButOneSelect(t *testing.T) {
	ctx := context.Background()
	path := makeCase(t)
	out := filepath.Join(t.TempDir(), "out")
	parquet := filepath.Join(t.TempDir(), "outside.parquet")
	if err := store.WriteFile(parquet, formats.FormatParquet, demo.Tenant(1)[:5]); err != nil {
		t.Fatal(err)
	}
	sub := strings.NewReplacer("{out}", out, "{parquet}", parquet)
	s := openRO(t, path)
	view := storedView(t, s)
	before := stateOf(t, path)

	for _, q := range refusedQueries {
		q = sub.Replace(q)
		_, err := s.ReadOnlyQuery(ctx, q)
		if !errors.Is(err, store.ErrRefused) {
			t.Errorf("%q: not refused (err %v)", q, err)
		} else if !strings.HasPrefix(err.Error(), "refused: ") {
			t.Errorf("%q: message %q", q, err)
		}
		if n := count(t, s, `SELECT count(*) FROM _Events`); n != 4 {
			t.Fatalf("after %q: %d rows in _Events, want 4", q, n)
		}
		if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 3 {
			t.Fatalf("after %q: %d events, want 3", q, n)
		}
		if v := storedView(t, s); v != view {
			t.Fatalf("after %q: AuditLogs view changed to %s", q, v)
		}
		if after := stateOf(t, path); after != before {
			t.Fatalf("after %q: case file changed: %+v -> %+v", q, before, after)
		}
	}
	for q, want := range map[string]string{
		`DELETE FROM _Events; SELECT 1`: "refused: 2 statements; run one SELECT at a time",
		`SELECT 1; SELECT 2`:            "refused: 2 statements; run one SELECT at a time",
		`DELETE FROM _Events`:           "refused: DELETE changes the case file; sql only reads",
		`COPY _Events TO '/tmp/x.csv'`:  "refused: COPY reads or writes files",
		`ATTACH '/tmp/x.db'`:            "refused: ATTACH opens or closes other databases",
	} {
		if _, err := s.ReadOnlyQuery(ctx, q); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", q, err, want)
		}
	}
	for _, q := range fileQueries {
		q = sub.Replace(q)
		if res, err := s.ReadOnlyQuery(ctx, q); err == nil {
			t.Errorf("%q: read outside the case file: %v", q, res.Rows)
		}
	}
	// Comments and strings holding ";" are one statement.
	for q, want := range map[string]any{
		`SELECT ';' AS s`: ";",
		"SELECT count(*) FROM AuditLogs -- all; of them\n": int64(3),
		`/* ; */ SELECT count(*) FROM AuditLogs;`:          int64(3),
		`WITH x AS (SELECT 1 AS a) SELECT a + 1 FROM x`:    int32(2),
		`FROM AuditLogs SELECT count(*)`:                   int64(3),
		`SELECT count(*) FROM AuditLogs WHERE Id <> 'a;b'`: int64(3),
	} {
		res, err := s.ReadOnlyQuery(ctx, q)
		if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != want {
			t.Errorf("%q: %v %v, want %v", q, err, res.Rows, want)
		}
	}
	for _, p := range []string{out + ".db", out + ".csv", out + ".parquet", out} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s was written", p)
		}
	}
	s.Close()
	if after := stateOf(t, path); after != before {
		t.Errorf("case file changed: %+v -> %+v", before, after)
	}
}

// The in-memory store that sql uses on raw exports is locked down too.
func TestSQLSandboxInMemory(t *testing.T) {
	ctx := context.Background()
	s := open(t, "")
	load(t, s, store.LoadOptions{}, "testdata/load/sentinel-sample.ndjson")
	parquet := filepath.Join(t.TempDir(), "outside.parquet")
	if err := store.WriteFile(parquet, formats.FormatParquet, demo.Tenant(1)[:5]); err != nil {
		t.Fatal(err)
	}
	sub := strings.NewReplacer("{out}", filepath.Join(t.TempDir(), "out"), "{parquet}", parquet)
	for _, q := range fileQueries {
		if res, err := s.ReadOnlyQuery(ctx, sub.Replace(q)); err == nil {
			t.Errorf("%q: read outside the store: %v", q, res.Rows)
		}
	}
	for _, q := range refusedQueries {
		if _, err := s.ReadOnlyQuery(ctx, sub.Replace(q)); !errors.Is(err, store.ErrRefused) {
			t.Errorf("%q: not refused (%v)", q, err)
		}
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 3 {
		t.Errorf("%d events", n)
	}
}

func TestReadOnlyOpenCannotWrite(t *testing.T) {
	ctx := context.Background()
	path := makeCase(t)
	before := stateOf(t, path)
	s := openRO(t, path)
	if !s.ReadOnly() {
		t.Fatal("not read-only")
	}
	if _, err := s.DB().Exec(`DELETE FROM _Events`); err == nil {
		t.Error("DELETE ran on a read-only open")
	}
	if _, err := s.DB().Exec(`CREATE OR REPLACE VIEW "case".main.AuditLogs AS SELECT 1`); err == nil {
		t.Error("CREATE VIEW ran on a read-only open")
	}
	if m, err := s.Triages(ctx); err != nil || len(m) != 0 {
		t.Errorf("Triages on a file without verdicts: %v %v", m, err)
	}
	if _, err := s.SetTriage(ctx, store.Triage{Subject: store.Subject{Kind: store.SubjectInviter, Key: "a@b"}, Verdict: store.VerdictBenign}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("SetTriage: %v, want ErrReadOnly", err)
	}
	if s.TriageDurable() {
		t.Error("verdicts reported durable on a read-only open")
	}
	if n, err := s.EventCount(ctx); err != nil || n != 3 {
		t.Errorf("events %d %v", n, err)
	}
	s.Close()
	if after := stateOf(t, path); after != before {
		t.Errorf("case file changed: %+v -> %+v", before, after)
	}
	if _, err := store.OpenReadOnly(filepath.Join(t.TempDir(), "missing.duckdb")); err == nil {
		t.Error("a missing case file opened read-only")
	}
}

// A file the analyst made read-only (0444) opens read-only for the workbench
// too; a writable one is opened for verdicts and not written by browsing.
func TestOpenForVerdicts(t *testing.T) {
	ctx := context.Background()
	path := makeCase(t)
	before := stateOf(t, path)
	s, err := store.OpenForVerdicts(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode() != store.ModeVerdicts {
		t.Errorf("writable file opened in mode %v", s.Mode())
	}
	if _, err := s.Triages(ctx); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 3 {
		t.Errorf("%d events", n)
	}
	s.Close()
	if after := stateOf(t, path); after != before {
		t.Errorf("browsing changed the case file: %+v -> %+v", before, after)
	}

	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	s, err = store.OpenForVerdicts(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.ReadOnly() {
		t.Errorf("0444 file opened in mode %v", s.Mode())
	}
	if _, err := s.SetTriage(ctx, store.Triage{Subject: store.Subject{Kind: store.SubjectInviter, Key: "a@b"}, Verdict: store.VerdictBenign}); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("SetTriage: %v, want ErrReadOnly", err)
	}
}

func TestProgramDefinesAuditLogs(t *testing.T) {
	path := makeCase(t)
	// "case" is the file's catalog; main.AuditLogs alone would name the
	// temp view the program defines.
	tamper(t, path, `CREATE OR REPLACE VIEW "case".main.AuditLogs AS SELECT * FROM _Events WHERE false`)
	s := openRO(t, path)
	if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 3 {
		t.Errorf("read-only open: %d events through AuditLogs, want 3", n)
	}
	if n := count(t, s, `SELECT count(*) FROM "case".main.AuditLogs`); n != 0 {
		t.Fatalf("the tampered view is not in the file (%d rows)", n)
	}
	s.Close()
	// A load rewrites the stored view from the program's definition.
	w := open(t, path)
	if n := count(t, w, `SELECT count(*) FROM "case".main.AuditLogs`); n != 3 {
		t.Errorf("load open: stored view gives %d events, want 3", n)
	}
}

func TestAlteredCaseFileRefused(t *testing.T) {
	for name, stmt := range map[string]string{
		"macro": `CREATE MACRO evil(x) AS x`,
		"view":  `ALTER TABLE _Excluded RENAME TO _Excluded_old`,
	} {
		t.Run(name, func(t *testing.T) {
			path := makeCase(t)
			tamper(t, path, stmt)
			if s, err := store.OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "altered") {
				if s != nil {
					s.Close()
				}
				t.Errorf("opened: %v", err)
			}
		})
	}
}

func TestSchemaVersions(t *testing.T) {
	t.Run("newer", func(t *testing.T) {
		path := makeCase(t)
		tamper(t, path, `UPDATE _Meta SET Value = '3' WHERE Key = 'schema'`)
		before := stateOf(t, path)
		want := "case file schema 3 is newer than this guesthunt (2): upgrade guesthunt"
		for _, openFn := range []func(string) (*store.Store, error){store.OpenReadOnly, store.OpenForVerdicts, store.Open} {
			s, err := openFn(path)
			if err == nil || !strings.Contains(err.Error(), want) {
				if s != nil {
					s.Close()
				}
				t.Errorf("got %v, want %q", err, want)
			}
		}
		if after := stateOf(t, path); after != before {
			t.Error("refused file changed")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		path := makeCase(t)
		tamper(t, path, `UPDATE _Meta SET Value = 'x' WHERE Key = 'schema'`)
		if s, err := store.OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "unknown") {
			if s != nil {
				s.Close()
			}
			t.Errorf("got %v", err)
		}
	})
	t.Run("v1", func(t *testing.T) {
		path := makeCase(t)
		tamper(t, path,
			`ALTER TABLE _Excluded DROP COLUMN KeptRow`,
			`ALTER TABLE _Sources DROP COLUMN Incomplete`,
			`DROP TABLE _Conflicts`,
			`UPDATE _Meta SET Value = '1' WHERE Key = 'schema'`)
		before := stateOf(t, path)
		s, err := store.OpenReadOnly(path)
		if err == nil || !strings.Contains(err.Error(), "guesthunt load --db "+path) {
			if s != nil {
				s.Close()
			}
			t.Fatalf("read-only open of a version 1 file: %v", err)
		}
		if after := stateOf(t, path); after != before {
			t.Error("refused file changed")
		}
		w, err := store.Open(path) // what "guesthunt load --db FILE" does
		if err != nil {
			t.Fatal(err)
		}
		w.Close()
		s = openRO(t, path)
		if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 3 {
			t.Errorf("after upgrade: %d events", n)
		}
	})
}

func TestSQLRowCap(t *testing.T) {
	s := openRO(t, makeCase(t))
	res, err := s.ReadOnlyQuery(context.Background(), `SELECT * FROM range(250000)`)
	if err != nil || len(res.Rows) != store.MaxQueryRows || !res.Truncated {
		t.Errorf("%v: %d rows, truncated %v", err, len(res.Rows), res.Truncated)
	}
	res, err = s.ReadOnlyQuery(context.Background(), `SELECT * FROM range(10)`)
	if err != nil || len(res.Rows) != 10 || res.Truncated {
		t.Errorf("%v: %d rows, truncated %v", err, len(res.Rows), res.Truncated)
	}
}
