package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Limits on what one verdict may carry. They keep a pasted log dump or a
// hostile value from bloating the case file; the UI should say so rather
// than truncate silently.
const (
	MaxTriageNote    = 64 << 10 // bytes
	MaxTriageKey     = 64 << 10 // bytes; keys come from the logs, which an attacker shapes
	MaxTriageAnalyst = 1 << 10  // bytes
)

// triageState is the Store's part of triage. It lives in Store (one field)
// so that nothing about verdicts is package-level.
type triageState struct {
	// mu serialises verdict writes, so Seq follows commit order and "last
	// write wins" means the last SetTriage to return. Readers hold it only
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

// validTriage checks what an analyst (or a hostile log value used as a key)
// can put in a verdict. Strings must be valid UTF-8 because DuckDB's VARCHAR
// refuses anything else; refusing here gives the analyst a clear message.
func validTriage(t Triage) error {
	switch t.Kind {
	case SubjectInviter, SubjectEvent:
	default:
		return fmt.Errorf("unknown subject kind %q", t.Kind)
	}
	if t.Key == "" {
		return errors.New("a verdict needs a subject (empty key)")
	}
	if _, err := ParseVerdict(string(t.Verdict)); err != nil {
		return err
	}
	for _, f := range []struct {
		name, val string
		max       int
	}{{"key", t.Key, MaxTriageKey}, {"note", t.Note, MaxTriageNote}, {"analyst", t.Analyst, MaxTriageAnalyst}} {
		if len(f.val) > f.max {
			return fmt.Errorf("%s is %d bytes, at most %d are kept", f.name, len(f.val), f.max)
		}
		if !utf8.ValidString(f.val) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
	}
	return nil
}

// SetTriage records a verdict: it appends it to the history and makes it the
// subject's current state, in one transaction. At is stamped with the current
// UTC time unless set (either way kept to the microsecond, what the column
// holds), Seq with the next number in this case file. It returns the stored
// verdict only once the commit is durable: DuckDB fsyncs the write-ahead log
// of a file database on every commit, so a verdict SetTriage returned survives
// kill -9 and power loss. In memory (TriageDurable false) it survives nothing.
//
// Calls are serialised: among concurrent calls for one subject the last to
// return wins, and every call is in the history.
func (s *Store) SetTriage(ctx context.Context, t Triage) (Triage, error) {
	if err := validTriage(t); err != nil {
		return Triage{}, err
	}
	if t.At.IsZero() {
		t.At = time.Now()
	}
	t.At = t.At.UTC().Truncate(time.Microsecond)

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
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(Seq), 0) + 1 FROM `+hist).Scan(&t.Seq); err != nil {
		return Triage{}, fmt.Errorf("save verdict: %w", err)
	}
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
		if t, ok := all[Subject{SubjectInviter, upn}]; ok && t.Verdict != VerdictUntriaged {
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
