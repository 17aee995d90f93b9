package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
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

	loadMu  sync.Mutex // one load at a time keeps rowid ranges contiguous per file
	spoolMu sync.Mutex
	spools  []string // temp copies of standard input and the like, removed on Close

	triage triageState // analysts' verdicts: where they live, one writer at a time (triage.go)
}

// Open opens (creating if needed) the case file at path, or an in-memory
// database when path is "".
func Open(path string) (*Store, error) {
	connector, err := duckdb.NewConnector(path, nil)
	if err != nil {
		if path != "" {
			return nil, fmt.Errorf("open case file %s: %w", path, err)
		}
		return nil, fmt.Errorf("open in-memory database: %w", err)
	}
	db := sql.OpenDB(connector)
	if path == "" {
		// An in-memory store never needs a checkpoint, and DuckDB's automatic
		// one after a large load recompresses everything: seconds of work on
		// the analyst's first query.
		if _, err := db.Exec(`SET checkpoint_threshold = '1TB'`); err != nil {
			db.Close()
			return nil, err
		}
	}
	s := &Store{db: db, path: path}
	if err := s.initSchema(context.Background()); err != nil {
		db.Close()
		if path != "" {
			return nil, fmt.Errorf("case file %s: %w", path, err)
		}
		return nil, err
	}
	return s, nil
}

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
func (s *Store) Summary(ctx context.Context) (Summary, error) {
	var sum Summary
	var events sql.NullInt64
	var from, to sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT count(*), sum(Loaded), min(MinTime), max(MaxTime) FROM _Sources WHERE Done AND Loaded > 0`).
		Scan(&sum.Files, &events, &from, &to)
	sum.Events = events.Int64
	if from.Valid {
		sum.From, sum.To = from.Time.UTC(), to.Time.UTC()
	}
	return sum, err
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

// schemaVersion 2 added _Excluded.KeptRow and _Conflicts (event identity
// settled per group); a version 1 file is upgraded on open.
const schemaVersion = "2"

func (s *Store) initSchema(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var version string
	err = conn.QueryRowContext(ctx, `SELECT Value FROM _Meta WHERE Key = 'schema'`).Scan(&version)
	switch {
	case err == nil && version == "1":
		return upgradeFromV1(ctx, conn)
	case err == nil && version != schemaVersion:
		return fmt.Errorf("schema version %s, this guesthunt understands %s", version, schemaVersion)
	case err == nil:
		return nil
	case !errors.Is(err, sql.ErrNoRows) && !strings.Contains(err.Error(), "_Meta"):
		return err
	}
	for _, stmt := range schemaStatements() {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
	}
	return nil
}

func schemaStatements() []string {
	var cols []string
	viewCols := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		storedType := c.Type
		viewCols[i] = "e." + quoteIdent(c.Name)
		if c.Type == data.TypeDynamic {
			// Stored as the export's text, typed JSON on the way out: loads
			// skip a JSON parse of every row, and queries parse only the rows
			// they touch.
			storedType = data.TypeString
			viewCols[i] = dynamicAsJSON(viewCols[i]) + " AS " + quoteIdent(c.Name)
		}
		cols = append(cols, quoteIdent(c.Name)+" "+storedType)
	}
	return []string{
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
			KeptRow BIGINT -- for a duplicate: the row of the copy kept
			)`,
		conflictsTable,
		`CREATE OR REPLACE VIEW AuditLogs AS
			SELECT ` + strings.Join(viewCols, ", ") + `, e._SourceId AS ` + data.ColSourceID + `,
				e.rowid - s.FirstRow + 1 AS ` + data.ColSourceRecord + `
			FROM _Events e JOIN _Sources s ON s.SourceId = e._SourceId AND s.Done
			WHERE NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`,
		`INSERT INTO _Meta VALUES ('schema', '` + schemaVersion + `')`,
	}
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
