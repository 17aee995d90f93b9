package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/guesthunt/guesthunt/data"
)

// Store is one DuckDB database holding loaded audit logs: in memory, or a
// case file that keeps them across runs. It is safe for concurrent use; many
// workbench sessions can read one Store while loads are serialised.
type Store struct {
	db   *sql.DB
	path string
	mode Mode

	// viewReady is set once the schema is known to exist: from then on every
	// new connection defines its own AuditLogs (a temp view) on open.
	viewReady atomic.Bool

	loadMu  sync.Mutex // one load at a time keeps rowid ranges contiguous per file
	spoolMu sync.Mutex
	spools  []string // temp copies of standard input and the like, removed on Close

	sandboxOnce sync.Once // ReadOnlyQuery's lock-down of the database (readonly.go)
	sandboxErr  error

	triage triageState // analysts' verdicts: where they live, one writer at a time (triage.go)

	pullTables atomic.Bool // the pull journal's tables exist (pull_schema.go)
	pullMu     sync.Mutex  // one journal write at a time (pull_journal.go)
	// pullLoadHook, when set (tests), is called inside a chunk's final load
	// transaction just before it commits ("commit") and once it has
	// committed ("committed"): the points a kill -9 test stops the process at.
	pullLoadHook func(stage string)
	private      bool // the case file is the owner's alone: keep its .wal so too (pull_private.go)
}

// Mode says how a case file is opened.
type Mode int

const (
	// ModeLoad opens read-write to load data: it creates the schema in a new
	// file, upgrades an older one and rewrites its AuditLogs view from the
	// program's definition. Only "guesthunt load" (and in-memory stores) use it.
	ModeLoad Mode = iota
	// ModeVerdicts opens read-write but writes nothing until a verdict is
	// saved: the workbench on a writable case file.
	ModeVerdicts
	// ModeReadOnly opens the file with DuckDB's access_mode READ_ONLY, so
	// nothing can write to it: hunt, report, sql, and the workbench on a file
	// it cannot write. Verdicts cannot be saved.
	ModeReadOnly
)

// CacheCatalog is an in-memory database attached to every store under this
// name. Caches derived from the data (the hunt's invite table) live there,
// never in the case file.
const CacheCatalog = "guesthunt_cache"

// ErrReadOnly is returned by SetTriage on a store opened read-only.
var ErrReadOnly = errors.New("verdicts cannot be saved: the case file is open read-only (it is not writable, or it is on read-only media)")

// Open opens (creating if needed) the case file at path for loading, or an
// in-memory database when path is "". Commands that only read use
// OpenReadOnly.
func Open(path string) (*Store, error) { return OpenMode(path, ModeLoad) }

// OpenReadOnly opens an existing case file with DuckDB's READ_ONLY access
// mode: the file is never written, and works on read-only media.
func OpenReadOnly(path string) (*Store, error) { return OpenMode(path, ModeReadOnly) }

// OpenForVerdicts opens an existing case file for browsing and saving
// verdicts: read-write (ModeVerdicts, nothing written until a verdict is
// saved) when the file can be written, else read-only (ModeReadOnly, where
// SetTriage returns ErrReadOnly). A file whose permissions allow no writes is
// treated as read-only even for root.
func OpenForVerdicts(path string) (*Store, error) {
	if path != "" && !writableFile(path) {
		return OpenMode(path, ModeReadOnly)
	}
	return OpenMode(path, ModeVerdicts)
}

// writableFile says whether path is a regular file that may be written: some
// write permission bit is set and opening it for writing (which changes
// nothing) succeeds, which fails on read-only media.
func writableFile(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o222 == 0 {
		return false
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	f.Close()
	return true
}

// OpenMode opens the case file at path in the given mode; path "" is an
// in-memory database, always ModeLoad. Every mode defines AuditLogs from the
// program's own definition (a temp view on every connection), so a view
// stored in the file is never what the program reads, and keeps caches in
// the attached in-memory CacheCatalog.
func OpenMode(path string, mode Mode) (*Store, error) {
	if path == "" {
		mode = ModeLoad
	}
	wrap := func(err error) error {
		if path != "" {
			return fmt.Errorf("case file %s: %w", path, err)
		}
		return err
	}
	if mode != ModeLoad {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, wrap(errors.New("no such file (create case files with guesthunt load PATH... --db FILE)"))
			}
			return nil, wrap(err)
		}
	}
	s := &Store{path: path, mode: mode}
	created := mode == ModeLoad && path != "" && !fileExists(path)
	dsn := path
	if mode == ModeReadOnly {
		dsn += "?access_mode=READ_ONLY"
	}
	connector, err := duckdb.NewConnector(dsn, func(ex driver.ExecerContext) error {
		if !s.viewReady.Load() {
			return nil
		}
		_, err := ex.ExecContext(context.Background(), auditLogsViewSQL(true), nil)
		return err
	})
	if err != nil {
		if path != "" {
			return nil, fmt.Errorf("open case file %s: %w", path, err)
		}
		return nil, fmt.Errorf("open in-memory database: %w", err)
	}
	if created {
		// DuckDB has just created the file 0644 (0666 less the umask); audit
		// logs are evidence about people, so before anything is written in
		// it, the file becomes the owner's alone.
		if err := os.Chmod(path, 0o600); err != nil {
			connector.Close()
			return nil, wrap(err)
		}
	}
	s.db = sql.OpenDB(connector)
	if err := s.setUp(context.Background()); err != nil {
		s.db.Close()
		return nil, wrap(err)
	}
	s.private = path != "" && mode != ModeReadOnly && privateFile(path)
	s.keepWALPrivate()
	return s, nil
}

// setUp prepares a freshly opened database on one connection, which then
// gets the AuditLogs temp view like every later connection.
func (s *Store) setUp(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.path == "" {
		// An in-memory store never needs a checkpoint, and DuckDB's automatic
		// one after a large load recompresses everything: seconds of work on
		// the analyst's first query.
		if _, err := conn.ExecContext(ctx, `SET checkpoint_threshold = '1TB'`); err != nil {
			return err
		}
	}
	// READ_WRITE explicitly: an attached database inherits a read-only open's
	// access mode otherwise, and DuckDB refuses a read-only in-memory one.
	if _, err := conn.ExecContext(ctx, `ATTACH ':memory:' AS `+CacheCatalog+` (READ_WRITE)`); err != nil {
		return fmt.Errorf("attach the in-memory cache: %w", err)
	}
	if err := s.initSchema(ctx, conn); err != nil {
		return err
	}
	s.viewReady.Store(true)
	if _, err := conn.ExecContext(ctx, auditLogsViewSQL(true)); err != nil {
		return fmt.Errorf("define AuditLogs: %w", err)
	}
	return nil
}

// Mode is how the store was opened.
func (s *Store) Mode() Mode { return s.mode }

// ReadOnly reports whether the case file was opened read-only.
func (s *Store) ReadOnly() bool { return s.mode == ModeReadOnly }

// DB is the underlying database for read queries (package hunt, sql command).
func (s *Store) DB() *sql.DB { return s.db }

// Path is the case file's path, "" for an in-memory store.
func (s *Store) Path() string { return s.path }

// Close releases the database and removes spooled standard input.
func (s *Store) Close() error {
	err := s.db.Close()
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	for _, p := range s.spools {
		os.RemoveAll(p)
	}
	s.spools = nil
	return err
}

// RemoveOnClose deletes path (a temp file or folder the store's data was
// loaded from) when the store closes.
func (s *Store) RemoveOnClose(path string) {
	s.spoolMu.Lock()
	defer s.spoolMu.Unlock()
	s.spools = append(s.spools, path)
}

// Summary describes what is loaded.
type Summary struct {
	Files    int
	Events   int64 // rows in AuditLogs
	From, To time.Time
}

// Summary adds up the loaded files' figures, which the load keeps exact, so
// it costs nothing however many events there are.
//
// From and To span the loaded files' events and the loaded chunks of pulls:
// a pull covers its chunks' intervals whatever events they held (an invites
// pull's events span only first to last invite), and its last covered
// instant is never later than its CreatedAt-Settle (pull_coverage.go).
func (s *Store) Summary(ctx context.Context) (Summary, error) {
	var sum Summary
	pulls, err := s.hasPullTables(ctx, false)
	if err != nil {
		return sum, err
	}
	span := `min(MinTime), max(MaxTime)`
	if pulls {
		// A chunk's events count through its interval instead.
		notPulled := ` FILTER (WHERE SourceId NOT IN (SELECT SourceId FROM _PullChunks WHERE State = 'loaded' AND SourceId IS NOT NULL))`
		span = `min(MinTime)` + notPulled + `, max(MaxTime)` + notPulled
	}
	var events sql.NullInt64
	var from, to sql.NullTime
	err = s.db.QueryRowContext(ctx, `SELECT count(*), sum(Loaded), `+span+` FROM _Sources WHERE Done AND Loaded > 0`).
		Scan(&sum.Files, &events, &from, &to)
	sum.Events = events.Int64
	if from.Valid {
		sum.From, sum.To = from.Time.UTC(), to.Time.UTC()
	}
	if err != nil || !pulls {
		return sum, err
	}
	return s.addPulledSpan(ctx, sum)
}

// EventCount is the number of events in AuditLogs.
func (s *Store) EventCount(ctx context.Context) (int64, error) {
	sum, err := s.Summary(ctx)
	return sum.Events, err
}

// IncompleteFiles names the loaded files that broke off before their end
// (a truncated download or gzip), and loads that were interrupted, each with
// the reason: the hunt misses whatever they held after that point.
func (s *Store) IncompleteFiles(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT Path, coalesce(Error, ?) FROM _Sources
		WHERE (Done AND Incomplete) OR NOT Done ORDER BY SourceId`, interruptedReason)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var path, reason string
		if err := rows.Scan(&path, &reason); err != nil {
			return nil, err
		}
		out = append(out, path+": "+reason)
	}
	return out, rows.Err()
}

// Generation changes whenever data is loaded, so that caches built from the
// data (the hunt's invite table) know when to rebuild. A file's rows become
// visible in AuditLogs, and count here, only once its load is complete
// (deduplicated and counted), all in one transaction.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT max(SourceId) FROM _Sources WHERE Done`).Scan(&n)
	return n.Int64, err
}

// schemaVersion 2 added _Excluded.KeptRow and KeptSource, and _Conflicts (event identity
// settled per group); a version 1 file is upgraded by a ModeLoad open.
const schemaVersion = "2"

// coreTables are the tables every case file of this schema holds; each must
// be a base table (not a view put in its place).
var coreTables = []string{"_Meta", "_Events", "_Sources", "_Excluded", "_Conflicts"}

func (s *Store) initSchema(ctx context.Context, conn *sql.Conn) error {
	var version string
	err := conn.QueryRowContext(ctx, `SELECT Value FROM _Meta WHERE Key = 'schema'`).Scan(&version)
	switch {
	case err == nil:
	case errors.Is(err, sql.ErrNoRows) || strings.Contains(err.Error(), "_Meta"):
		if s.mode != ModeLoad {
			return errors.New("not a guesthunt case file (no schema version); case files are made by guesthunt load PATH... --db FILE")
		}
		for _, stmt := range schemaStatements() {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("create schema: %w", err)
			}
		}
		s.pullTables.Store(true)
		return nil
	default:
		return err
	}
	switch {
	case version == schemaVersion:
	case version == "1":
		if s.mode != ModeLoad {
			return fmt.Errorf("case file schema 1 is older than this guesthunt (%s) and is opened without writing: "+
				"upgrade it in place with: guesthunt load --db %s", schemaVersion, s.path)
		}
		if err := upgradeFromV1(ctx, conn); err != nil {
			return err
		}
	default:
		if n, err := strconv.Atoi(version); err == nil && n > 2 {
			return fmt.Errorf("case file schema %s is newer than this guesthunt (%s): upgrade guesthunt", version, schemaVersion)
		}
		return fmt.Errorf("case file schema %q is unknown to this guesthunt (%s)", version, schemaVersion)
	}
	if err := checkUntampered(ctx, conn); err != nil {
		return err
	}
	if s.mode == ModeLoad {
		// Other tools reading the file see the program's view too.
		if _, err := conn.ExecContext(ctx, auditLogsViewSQL(false)); err != nil {
			return fmt.Errorf("define AuditLogs: %w", err)
		}
		// Files made before pulls existed gain the journal's tables.
		for _, stmt := range pullTableStatements() {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("create the pull journal: %w", err)
			}
		}
		s.pullTables.Store(true)
	}
	return nil
}

// checkUntampered refuses a file whose core tables are missing or replaced by
// views, or that defines macros or types, which would be looked up before
// DuckDB's own functions and types when the AuditLogs view is read.
func checkUntampered(ctx context.Context, conn *sql.Conn) error {
	var tables int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name IN ('`+strings.Join(coreTables, "', '")+`')`).
		Scan(&tables); err != nil {
		return err
	}
	if tables != len(coreTables) {
		return fmt.Errorf("damaged or altered case file: it lacks one of the tables %s", strings.Join(coreTables, ", "))
	}
	var what string
	err := conn.QueryRowContext(ctx, `SELECT kind || ' ' || name FROM (
		SELECT 'macro' AS kind, function_name AS name FROM duckdb_functions() WHERE database_name = current_database() AND NOT internal
		UNION ALL
		SELECT 'type', type_name FROM duckdb_types() WHERE database_name = current_database() AND NOT internal) LIMIT 1`).Scan(&what)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return fmt.Errorf("altered case file: it defines %s, which guesthunt never writes", what)
}

// auditLogsViewSQL defines AuditLogs: the canonical columns + _SourceId and
// _SourceRecord, without excluded rows. temp makes it a temp view, defined on
// each connection, which DuckDB looks up before anything in the file. A file
// with no row loaded (every record a repeat of another file's) is left out
// by the join, and DuckDB then skips its rows without reading them: a third
// of the time of a full scan when two exports overlap entirely.
func auditLogsViewSQL(temp bool) string {
	viewCols := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		viewCols[i] = "e." + quoteIdent(c.Name)
		if c.Type == data.TypeDynamic {
			viewCols[i] = dynamicAsJSON(viewCols[i]) + " AS " + quoteIdent(c.Name)
		}
	}
	kind := "VIEW"
	if temp {
		kind = "TEMP VIEW"
	}
	return `CREATE OR REPLACE ` + kind + ` AuditLogs AS
			SELECT ` + strings.Join(viewCols, ", ") + `, e._SourceId AS ` + data.ColSourceID + `,
				e.rowid - s.FirstRow + 1 AS ` + data.ColSourceRecord + `
			FROM _Events e JOIN _Sources s ON s.SourceId = e._SourceId AND s.Done AND s.Loaded > 0
			WHERE NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`
}

func schemaStatements() []string {
	var cols []string
	for _, c := range data.AuditLogsColumns {
		storedType := c.Type
		if c.Type == data.TypeDynamic {
			// Stored as the export's text, typed JSON on the way out: loads
			// skip a JSON parse of every row, and queries parse only the rows
			// they touch.
			storedType = data.TypeString
		}
		cols = append(cols, quoteIdent(c.Name)+" "+storedType)
	}
	return append([]string{
		`CREATE TABLE IF NOT EXISTS _Meta (Key VARCHAR PRIMARY KEY, Value VARCHAR)`,
		// Append-only: rows are never deleted, so rowid - FirstRow + 1 stays each
		// row's record number in its file without storing (or updating) it.
		`CREATE TABLE IF NOT EXISTS _Events (` + strings.Join(cols, ", ") + `, _SourceId INTEGER NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS _Sources (
			SourceId INTEGER PRIMARY KEY,
			Path VARCHAR NOT NULL,
			DiskPath VARCHAR NOT NULL,
			Format VARCHAR NOT NULL,
			Compressed BOOLEAN NOT NULL,
			Size BIGINT,
			Via VARCHAR NOT NULL,
			LoadedAt TIMESTAMP NOT NULL,
			FirstRow BIGINT NOT NULL,
			Records BIGINT NOT NULL,
			Loaded BIGINT NOT NULL,
			Duplicates BIGINT NOT NULL,
			Conflicts BIGINT NOT NULL,
			Rejected BIGINT NOT NULL,
			MinTime TIMESTAMP_NS,
			MaxTime TIMESTAMP_NS,
			Error VARCHAR,
			Done BOOLEAN NOT NULL DEFAULT false,
			Incomplete BOOLEAN NOT NULL DEFAULT false)`,
		// Rejected records and duplicates: kept out of AuditLogs, never lost.
		`CREATE TABLE IF NOT EXISTS _Excluded (
			EventRow BIGINT NOT NULL,
			SourceId INTEGER NOT NULL,
			Record BIGINT NOT NULL,
			Line BIGINT,
			Kind VARCHAR NOT NULL, -- rejected, skipped (Detail = the record's kind), duplicate, failed
			Detail VARCHAR NOT NULL,
			KeptRow BIGINT, -- for a duplicate: the row of the copy kept
			KeptSource INTEGER -- and its file
			)`,
		conflictsTable,
		auditLogsViewSQL(false),
		`INSERT INTO _Meta VALUES ('schema', '` + schemaVersion + `')`,
	}, pullTableStatements()...)
}

// conflictsTable holds, for each kept record that shares its Id with
// another kept record of different content, that other record (both ways).
const conflictsTable = `CREATE TABLE IF NOT EXISTS _Conflicts (
	EventRow BIGINT NOT NULL,
	SourceId INTEGER NOT NULL,
	OtherRow BIGINT NOT NULL,
	Field VARCHAR NOT NULL)`

// upgradeFromV1 adds what version 2 keeps. Version 1's duplicates stay as
// they were decided; groups are settled anew when later loads touch them.
func upgradeFromV1(ctx context.Context, conn *sql.Conn) error {
	for _, stmt := range []string{
		`ALTER TABLE _Excluded ADD COLUMN IF NOT EXISTS KeptRow BIGINT`,
		`ALTER TABLE _Excluded ADD COLUMN IF NOT EXISTS KeptSource INTEGER`,
		`ALTER TABLE _Sources ADD COLUMN IF NOT EXISTS Incomplete BOOLEAN DEFAULT false`,
		conflictsTable,
		`UPDATE _Meta SET Value = '` + schemaVersion + `' WHERE Key = 'schema'`,
	} {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("upgrade case file to schema %s: %w", schemaVersion, err)
		}
	}
	return nil
}
