package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/guesthunt/guesthunt/data/triage"
)

// triageState is the Store's part of triage. It lives in Store (one field)
// so that nothing about verdicts is package-level.
type triageState struct {
	// mu serialises verdict writes, so Seq follows commit order and a
	// compare-and-set sees every earlier commit. Readers hold it only
	// to create the tables and read catalog.
	mu      sync.Mutex
	catalog string // attached database holding the triage tables; "" = the store's own
	path    string // that database's file, when attached
	ready   bool   // tables exist in catalog
}

// triageTables returns the qualified names of the current-state and history
// tables, and whether they exist. Reading never creates them, so browsing a
// case file that predates triage leaves it untouched.
func (s *Store) triageTables(ctx context.Context) (cur, hist string, exist bool, err error) {
	s.triage.mu.Lock()
	defer s.triage.mu.Unlock()
	return s.triageTablesLocked(ctx, false)
}

// triageTablesLocked is triageTables; with create it creates missing tables
// (the first verdict saved into a case file made before verdicts existed).
func (s *Store) triageTablesLocked(ctx context.Context, create bool) (cur, hist string, exist bool, err error) {
	prefix := ""
	if s.triage.catalog != "" {
		prefix = quoteIdent(s.triage.catalog) + ".main."
	}
	cur, hist = prefix+"_Triage", prefix+"_TriageHistory"
	if s.triage.ready {
		return cur, hist, true, nil
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = CASE WHEN $1 = '' THEN current_database() ELSE $1 END
			AND schema_name = 'main' AND table_name IN ('_Triage', '_TriageHistory')`, s.triage.catalog).Scan(&n); err != nil {
		return "", "", false, fmt.Errorf("look up triage tables: %w", err)
	}
	if n == 2 {
		s.triage.ready = true
		return cur, hist, true, nil
	}
	if !create {
		return cur, hist, false, nil
	}
	// "At" is quoted everywhere: DuckDB's grammar reserves AT (AT TIME ZONE).
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + cur + ` (
			Kind VARCHAR NOT NULL,
			Key VARCHAR NOT NULL,
			Verdict VARCHAR NOT NULL,
			Note VARCHAR NOT NULL,
			Analyst VARCHAR NOT NULL,
			"At" TIMESTAMP NOT NULL,
			Seq BIGINT NOT NULL,
			PRIMARY KEY (Kind, Key))`,
		// Append-only: every change, so a verdict's history survives later
		// overwrites (who said benign before someone said malicious).
		`CREATE TABLE IF NOT EXISTS ` + hist + ` (
			Seq BIGINT PRIMARY KEY,
			Kind VARCHAR NOT NULL,
			Key VARCHAR NOT NULL,
			Verdict VARCHAR NOT NULL,
			Note VARCHAR NOT NULL,
			Analyst VARCHAR NOT NULL,
			"At" TIMESTAMP NOT NULL)`,
	}
	for _, stmt := range stmts {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return "", "", false, fmt.Errorf("create triage tables: %w", err)
		}
	}
	s.triage.ready = true
	return cur, hist, true, nil
}

// SetTriage records a subject's whole state unconditionally: it appends it
// to the history and makes it the current state, in one transaction. It is
// for carrying verdicts over from another verdict file and for tests;
// sessions save through SaveTriage (data/triage), which never overwrites a
// change it has not seen. At is stamped with the current UTC time unless set
// (either way kept to the microsecond, what the column holds), Seq with the
// next number in this verdict file. It returns once the commit is durable:
// DuckDB fsyncs the write-ahead log of a file database on every commit, so a
// verdict it returned survives kill -9 and power loss. In memory
// (TriageDurable false) it survives nothing.
func (s *Store) SetTriage(ctx context.Context, t Triage) (Triage, error) {
	if err := triage.Validate(t); err != nil {
		return Triage{}, err
	}
	if t.At.IsZero() {
		t.At = time.Now()
	}
	t.At = t.At.UTC().Truncate(time.Microsecond)
	return s.writeTriage(ctx, func(*sql.Tx, string, int64) (Triage, error) { return t, nil })
}

// SaveTriage is triage.Backend's compare-and-set: it changes one field of a
// subject if its revision (the Seq of its last change, 0 if none) is still
// e.ExpectRev, else returns a *triage.ConflictError with the current state
// and writes nothing. Durability as SetTriage.
func (s *Store) SaveTriage(ctx context.Context, e triage.Edit) (Triage, error) {
	if _, err := triage.Apply(triage.Untriaged(e.Subject), e, 1); err != nil {
		return Triage{}, err // refuse a bad edit before creating any table
	}
	return s.writeTriage(ctx, func(tx *sql.Tx, cur string, seq int64) (Triage, error) {
		now := triage.Untriaged(e.Subject)
		rows, err := tx.QueryContext(ctx, `SELECT Kind, Key, Verdict, Note, Analyst, "At", Seq FROM `+cur+`
			WHERE Kind = ? AND Key = ?`, string(e.Subject.Kind), e.Subject.Key)
		if err != nil {
			return Triage{}, err
		}
		list, err := scanTriages(rows)
		if err != nil {
			return Triage{}, err
		}
		if len(list) == 1 {
			now = list[0]
		}
		if now.Seq != e.ExpectRev {
			return Triage{}, &triage.ConflictError{Edit: e, Current: now}
		}
		return triage.Apply(now, e, seq)
	})
}

// writeTriage runs one verdict write: under the store's verdict lock, in one
// transaction, it numbers the change, asks next for the state to write
// (given the current-state table and the new Seq), and writes it to the
// history and the current state.
func (s *Store) writeTriage(ctx context.Context, next func(tx *sql.Tx, cur string, seq int64) (Triage, error)) (Triage, error) {
	s.triage.mu.Lock()
	defer s.triage.mu.Unlock()
	if s.ReadOnly() && s.triage.catalog == "" {
		return Triage{}, ErrReadOnly
	}
	cur, hist, _, err := s.triageTablesLocked(ctx, true)
	if err != nil {
		return Triage{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Triage{}, err
	}
	defer tx.Rollback() // no-op after Commit
	// max+1 is safe because the mutex admits one writer per Store, and DuckDB
	// admits one process per file.
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(Seq), 0) + 1 FROM `+hist).Scan(&seq); err != nil {
		return Triage{}, fmt.Errorf("save verdict: %w", err)
	}
	t, err := next(tx, cur, seq)
	if err != nil {
		var c *triage.ConflictError
		if errors.As(err, &c) {
			return Triage{}, err
		}
		return Triage{}, fmt.Errorf("save verdict: %w", err)
	}
	t.Seq = seq
	args := []any{t.Seq, string(t.Kind), t.Key, string(t.Verdict), t.Note, t.Analyst, t.At}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+hist+` (Seq, Kind, Key, Verdict, Note, Analyst, "At") VALUES (?, ?, ?, ?, ?, ?, ?)`, args...); err != nil {
		return Triage{}, fmt.Errorf("save verdict: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+cur+` (Seq, Kind, Key, Verdict, Note, Analyst, "At") VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (Kind, Key) DO UPDATE SET Verdict = excluded.Verdict, Note = excluded.Note,
			Analyst = excluded.Analyst, "At" = excluded."At", Seq = excluded.Seq`, args...); err != nil {
		return Triage{}, fmt.Errorf("save verdict: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Triage{}, fmt.Errorf("save verdict: %w", err)
	}
	return t, nil
}

// Triages is the current verdict of every subject ever triaged. A subject
// that is absent is untriaged.
func (s *Store) Triages(ctx context.Context) (map[Subject]Triage, error) {
	cur, _, exist, err := s.triageTables(ctx)
	if err != nil || !exist {
		return map[Subject]Triage{}, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT Kind, Key, Verdict, Note, Analyst, "At", Seq FROM `+cur)
	if err != nil {
		return nil, err
	}
	list, err := scanTriages(rows)
	if err != nil {
		return nil, err
	}
	m := make(map[Subject]Triage, len(list))
	for _, t := range list {
		m[t.Subject] = t
	}
	return m, nil
}

// TriageHistory is every verdict recorded for a subject, oldest first.
func (s *Store) TriageHistory(ctx context.Context, subj Subject) ([]Triage, error) {
	_, hist, exist, err := s.triageTables(ctx)
	if err != nil || !exist {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT Kind, Key, Verdict, Note, Analyst, "At", Seq FROM `+hist+`
		WHERE Kind = ? AND Key = ? ORDER BY Seq`, string(subj.Kind), subj.Key)
	if err != nil {
		return nil, err
	}
	return scanTriages(rows)
}

// TriageProgress counts how many of the given inviters (duplicates counted
// once) have a verdict other than untriaged, for a "12/40 triaged" display.
func (s *Store) TriageProgress(ctx context.Context, inviters []string) (triaged, total int, err error) {
	all, err := s.Triages(ctx)
	if err != nil {
		return 0, 0, err
	}
	seen := make(map[string]bool, len(inviters))
	for _, upn := range inviters {
		if seen[upn] {
			continue
		}
		seen[upn] = true
		if t, ok := all[Subject{Kind: SubjectInviter, Key: upn}]; ok && t.Verdict != VerdictUntriaged {
			triaged++
		}
	}
	return triaged, len(seen), nil
}

func scanTriages(rows *sql.Rows) ([]Triage, error) {
	defer rows.Close()
	var out []Triage
	for rows.Next() {
		var t Triage
		var kind, verdict string
		if err := rows.Scan(&kind, &t.Key, &verdict, &t.Note, &t.Analyst, &t.At, &t.Seq); err != nil {
			return nil, err
		}
		t.Kind, t.Verdict, t.At = SubjectKind(kind), Verdict(verdict), t.At.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// quoteLiteral spells s as a SQL string literal, for the few statements
// (ATTACH) that take no parameters. NUL would end the string inside DuckDB
// and is refused.
func quoteLiteral(s string) (string, error) {
	if strings.ContainsRune(s, 0) {
		return "", errors.New("NUL character in SQL literal")
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}
