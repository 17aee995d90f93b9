package store

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/guesthunt/guesthunt/data/triage"
)

// StateDirEnv overrides the state directory (triage.StateDirEnv).
const StateDirEnv = triage.StateDirEnv

// triageAlias is the catalog name the attached verdict file gets.
const triageAlias = "guesthunt_triage"

// importAlias is the catalog name a verdict file being carried over gets.
const importAlias = "guesthunt_triage_import"

// PathKeyedCasePath is where guesthunt before content keys kept the verdicts
// of a run on raw export files: <state>/cases/<hash>.duckdb, the hash naming
// the set of input paths (absolute, cleaned, duplicates and order ignored).
// It is read only to carry those verdicts over to the content-keyed file
// (triage.StatePath); nothing is written there any more.
func PathKeyedCasePath(inputs []string) (string, error) {
	if len(inputs) == 0 {
		return "", errors.New("no input files to keep verdicts for: use --db to keep verdicts")
	}
	abs := make([]string, 0, len(inputs))
	for _, in := range inputs {
		if in == "-" {
			return "", errors.New("standard input cannot be recognised next time: use --db to keep verdicts")
		}
		if in == "" || strings.ContainsRune(in, 0) {
			return "", fmt.Errorf("invalid input path %q", in)
		}
		p, err := filepath.Abs(in)
		if err != nil {
			return "", fmt.Errorf("input %s: %w", in, err)
		}
		abs = append(abs, p)
	}
	slices.Sort(abs)
	abs = slices.Compact(abs)
	// NUL cannot occur in a path, so it separates them unambiguously.
	sum := sha256.Sum256([]byte(strings.Join(abs, "\x00")))
	dir, err := triage.StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cases", hex.EncodeToString(sum[:16])+".duckdb"), nil
}

// AttachTriage keeps this store's verdicts in the DuckDB file at path
// (created, with its folder, if missing) instead of in the store's own
// database: an in-memory store loaded from raw files keeps its verdicts in
// the content-keyed file (triage.StatePath) this way. Call it once, before
// any triage call. DuckDB locks the file while attached, so a second
// guesthunt process on the same inputs gets an error naming the holder's PID
// here; its verdicts then stay in memory (TriageDurable false).
func (s *Store) AttachTriage(ctx context.Context, path string) error {
	if path == "" {
		return errors.New("attach verdicts: empty path")
	}
	// Absolute, so DuckDB cannot read a prefix such as md: or s3:// as a
	// protocol; it stays a local file.
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("attach verdicts %s: %w", path, err)
	}
	lit, err := quoteLiteral(abs)
	if err != nil {
		return fmt.Errorf("attach verdicts: %w", err)
	}
	s.triage.mu.Lock()
	defer s.triage.mu.Unlock()
	if s.triage.catalog != "" {
		return fmt.Errorf("verdicts are already kept in %s", s.triage.path)
	}
	// 0700: verdicts and notes about colleagues are nobody else's business.
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return fmt.Errorf("attach verdicts: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `ATTACH `+lit+` AS `+quoteIdent(triageAlias)); err != nil {
		return fmt.Errorf("attach verdicts %s: %w", abs, err)
	}
	s.triage.catalog, s.triage.path, s.triage.ready = triageAlias, abs, false
	if _, _, _, err := s.triageTablesLocked(ctx, true); err != nil {
		s.db.ExecContext(ctx, `DETACH `+quoteIdent(triageAlias))
		s.triage.catalog, s.triage.path = "", ""
		return fmt.Errorf("verdicts file %s: %w", abs, err)
	}
	return nil
}

// TriagePath is the file verdicts are written to (the attached file, else
// the case file), "" when they are only in memory or cannot be saved (a case
// file opened read-only). For the header and --help.
func (s *Store) TriagePath() string {
	s.triage.mu.Lock()
	defer s.triage.mu.Unlock()
	if s.triage.path != "" {
		return s.triage.path
	}
	if s.mode == ModeReadOnly {
		return ""
	}
	return s.path
}

// TriageDurable says whether verdicts survive the process: false for an
// in-memory store with no verdict file attached, which the UI must show.
func (s *Store) TriageDurable() bool { return s.TriagePath() != "" }

// ImportTriages carries verdicts over from the verdict file at path (a raw
// export session's, triage.StatePath) into this store's: every subject
// triaged there and not here gets its state from there, analyst and time
// kept, with a new Seq; a subject already triaged here keeps its state
// (kept counts them). A missing file imports nothing. The file is attached
// read-only, so it fails while a workbench holds it (DuckDB: one writer
// process or many readers).
func (s *Store) ImportTriages(ctx context.Context, path string) (imported, kept int, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0, 0, err
	}
	if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	from, err := readTriageFile(ctx, s, abs)
	if err != nil {
		return 0, 0, fmt.Errorf("read verdicts from %s: %w", abs, err)
	}
	here, err := s.Triages(ctx)
	if err != nil {
		return 0, 0, err
	}
	// In Seq order, so the carried-over states keep their relative order.
	slices.SortFunc(from, func(a, b Triage) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, t := range from {
		if _, ok := here[t.Subject]; ok {
			kept++
			continue
		}
		if _, err := s.SetTriage(ctx, t); err != nil {
			return imported, kept, fmt.Errorf("carry verdict over: %w", err)
		}
		imported++
	}
	return imported, kept, nil
}

// readTriageFile reads the current states held in the verdict file at abs,
// attached read-only on one connection and detached again.
func readTriageFile(ctx context.Context, s *Store, abs string) ([]Triage, error) {
	lit, err := quoteLiteral(abs)
	if err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH `+lit+` AS `+quoteIdent(importAlias)+` (READ_ONLY)`); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH `+quoteIdent(importAlias))
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name = ? AND schema_name = 'main' AND table_name = '_Triage'`, importAlias).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil // a file made before its first verdict
	}
	rows, err := conn.QueryContext(ctx, `SELECT Kind, Key, Verdict, Note, Analyst, "At", Seq FROM `+quoteIdent(importAlias)+`.main._Triage`)
	if err != nil {
		return nil, err
	}
	list, err := scanTriages(rows)
	if err != nil {
		return nil, err
	}
	// The file is another program's output: refuse what a save would refuse.
	for _, t := range list {
		if err := triage.Validate(t); err != nil {
			return nil, fmt.Errorf("verdict on %s %q: %w", t.Kind, t.Key, err)
		}
	}
	return list, nil
}
