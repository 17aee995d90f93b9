package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// StateDirEnv overrides the state directory (tests, and analysts who want
// verdicts kept somewhere else); verdict files go in its cases folder.
const StateDirEnv = "GUESTHUNT_STATE_DIR"

// triageAlias is the catalog name the attached verdict file gets.
const triageAlias = "guesthunt_triage"

// StateCasePath is where verdicts are kept for a run on raw export files
// without --db: <state>/guesthunt/cases/<hash>.duckdb, where hash names the
// set of inputs (absolute, cleaned, duplicates and order ignored), so opening
// the same exports again finds the same verdicts. <state> is $GUESTHUNT_STATE_DIR
// (which replaces <state>/guesthunt), else $XDG_STATE_HOME, else ~/.local/state
// on Unix, or the user configuration folder on macOS and Windows.
// Standard input cannot be recognised again, so "-" is an error, as is no
// input at all (the demo). The path is only computed; AttachTriage creates it.
func StateCasePath(inputs []string) (string, error) {
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
	dir, err := stateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cases", hex.EncodeToString(sum[:16])+".duckdb"), nil
}

// stateDir is guesthunt's own state folder.
func stateDir() (string, error) {
	if d := os.Getenv(StateDirEnv); d != "" {
		return filepath.Abs(d)
	}
	// The XDG spec says a relative XDG_STATE_HOME is invalid and to be ignored.
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "guesthunt"), nil
	}
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("no state directory (set %s or use --db): %w", StateDirEnv, err)
		}
		return filepath.Join(d, "guesthunt"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory (set %s or use --db): %w", StateDirEnv, err)
	}
	return filepath.Join(home, ".local", "state", "guesthunt"), nil
}

// AttachTriage keeps this store's verdicts in the DuckDB file at path
// (created, with its folder, if missing) instead of in the store's own
// database: an in-memory store loaded from raw files keeps its verdicts in
// StateCasePath(inputs) this way. Call it once, before any triage call. The
// file is locked by DuckDB while attached, so a second guesthunt process on
// the same inputs gets an error here and should say verdicts are unavailable.
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
