package triage

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// StateDirEnv overrides the state directory (tests, and analysts who want
// verdicts kept somewhere else); verdict files go in its cases folder.
const StateDirEnv = "GUESTHUNT_STATE_DIR"

// ContentKey names a set of raw export files by what they hold, not where
// they are: the SHA-256 of the sorted, deduplicated SHA-256 digests of each
// file's bytes, in hex. A symlink, a moved or renamed copy, or the same
// files listed in another order give the same key; one changed byte gives
// another. Standard input ("-") cannot be read twice, so it is an error, as
// is no file at all. Each file is read once more, at disk speed.
func ContentKey(files []string) (string, error) {
	if len(files) == 0 {
		return "", errors.New("no input files to keep verdicts for: use --db to keep verdicts")
	}
	sums := make([]string, 0, len(files))
	for _, f := range files {
		if f == "-" {
			return "", errors.New("standard input cannot be recognised next time: use --db to keep verdicts")
		}
		sum, err := fileDigest(f)
		if err != nil {
			return "", err
		}
		sums = append(sums, sum)
	}
	slices.Sort(sums)
	sums = slices.Compact(sums)
	all := sha256.Sum256([]byte(strings.Join(sums, "\n")))
	return hex.EncodeToString(all[:]), nil
}

func fileDigest(path string) (string, error) {
	if path == "" || strings.ContainsRune(path, 0) {
		return "", fmt.Errorf("invalid input path %q", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("input %s: %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("input %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// StatePath is the verdict file for a content key:
// <state>/cases/<first 32 hex digits of key>.duckdb. <state> is
// $GUESTHUNT_STATE_DIR, else $XDG_STATE_HOME/guesthunt, else
// ~/.local/state/guesthunt on Unix, or the user configuration folder's
// guesthunt on macOS and Windows. The path is only computed.
func StatePath(key string) (string, error) {
	if len(key) < 32 || strings.Trim(key, "0123456789abcdef") != "" {
		return "", fmt.Errorf("invalid content key %q", key)
	}
	dir, err := StateDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "cases", key[:32]+".duckdb"), nil
}

// StateDir is guesthunt's own state folder.
func StateDir() (string, error) {
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
