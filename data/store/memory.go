package store

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
)

// OpenOptions bound what a store may use of the machine. They are applied
// right after Open (ApplyOpenOptions), before anything is loaded.
type OpenOptions struct {
	// MemoryLimit is DuckDB's memory_limit in bytes; 0 leaves DuckDB's own
	// default (80% of the machine's RAM, whatever a cgroup allows).
	MemoryLimit int64
	// TempDir is where DuckDB spills what does not fit; "" makes a private
	// directory under os.TempDir() that is removed when the store closes.
	// Only used with a MemoryLimit.
	TempDir string
	// Threads caps DuckDB's worker threads; 0 leaves DuckDB's default (one
	// a core). A server keeps a core for drawing sessions this way.
	Threads int
}

// ApplyOpenOptions sets DuckDB's memory_limit and temp_directory for s. Both
// are database-wide settings, so they hold for every connection of the pool.
func (s *Store) ApplyOpenOptions(opts OpenOptions) error {
	if opts.Threads > 0 {
		if _, err := s.db.Exec(fmt.Sprintf(`SET threads = %d`, opts.Threads)); err != nil {
			return fmt.Errorf("set threads: %w", err)
		}
	}
	if opts.MemoryLimit <= 0 {
		return nil
	}
	dir := opts.TempDir
	if dir == "" {
		d, err := os.MkdirTemp("", "guesthunt-spill-*")
		if err != nil {
			return fmt.Errorf("spill directory: %w", err)
		}
		s.RemoveOnClose(d) // after the database is closed
		dir = d
	}
	// DuckDB takes the limit in KiB granularity; a value in bytes is spelt
	// with the unit it understands.
	if _, err := s.db.Exec(fmt.Sprintf(`SET memory_limit = '%dB'`, opts.MemoryLimit)); err != nil {
		return fmt.Errorf("set memory_limit: %w", err)
	}
	if _, err := s.db.Exec(`SET temp_directory = ` + sqlString(dir)); err != nil {
		return fmt.Errorf("set temp_directory: %w", err)
	}
	return nil
}

// ParseSize reads a size such as "600MB", "2GB", "1.5GiB", "512 KiB" or a
// plain number of bytes. KB, MB, GB and TB are powers of 1000 (as DuckDB
// reads them), KiB, MiB, GiB and TiB powers of 1024; case does not matter.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return !(unicode.IsDigit(r) || r == '.') })
	num, unit := t, ""
	if i >= 0 {
		num, unit = strings.TrimSpace(t[:i]), strings.TrimSpace(t[i:])
	}
	if num == "" {
		return 0, fmt.Errorf("size %q: no number", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("size %q: bad number", s)
	}
	mult, ok := sizeUnits[strings.ToLower(unit)]
	if !ok {
		return 0, fmt.Errorf("size %q: unknown unit %q (want B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, unit)
	}
	b := v * float64(mult)
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("size %q: too large", s)
	}
	return int64(b), nil
}

var sizeUnits = map[string]int64{
	"": 1, "b": 1, "byte": 1, "bytes": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// FormatSize writes n bytes for people, in powers of 1024 ("1.5 GiB").
func FormatSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// The cgroup files that hold this process's memory limit: cgroup v2, then v1.
const (
	CgroupV2MemoryMax = "/sys/fs/cgroup/memory.max"
	CgroupV1Limit     = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
)

// CgroupMemoryLimit reads the memory limit from the first of paths that
// exists: a number of bytes, or "max" (no limit). ok is false when no file
// sets a limit; v1's "no limit" is a huge number (about 2^63), treated as
// none.
func CgroupMemoryLimit(paths ...string) (limit int64, ok bool, err error) {
	for _, p := range paths {
		b, rerr := os.ReadFile(p)
		if rerr != nil {
			if errors.Is(rerr, os.ErrNotExist) {
				continue
			}
			return 0, false, rerr
		}
		v := strings.TrimSpace(string(b))
		if v == "max" || v == "" {
			return 0, false, nil
		}
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			// A value beyond int64 is "no limit" too.
			if errors.Is(perr, strconv.ErrRange) {
				return 0, false, nil
			}
			return 0, false, fmt.Errorf("%s: %q: %w", p, v, perr)
		}
		if n <= 0 || n >= 1<<60 {
			return 0, false, nil
		}
		return n, true, nil
	}
	return 0, false, nil
}
