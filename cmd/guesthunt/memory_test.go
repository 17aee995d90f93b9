package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveMemory(t *testing.T) {
	dir := t.TempDir()
	cg := filepath.Join(dir, "memory.max")
	if err := os.WriteFile(cg, []byte("4294967296\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	none := filepath.Join(dir, "missing")
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == memoryEnv {
				return v
			}
			return ""
		}
	}
	cases := []struct {
		name, flag, env string
		cgroup          string
		duckdb, goSoft  int64
		err             bool
	}{
		{"flag", "600MB", "", none, 600e6, 300e6, false},
		{"flag beats env and cgroup", "1GiB", "2GB", cg, 1 << 30, 1 << 29, false},
		{"env", "", "2GB", none, 2e9, 1e9, false},
		{"cgroup halves", "", "", cg, 2 << 30, 1 << 30, false},
		{"nothing", "", "", none, 0, 0, false},
		{"zero is DuckDB's default", "0", "", cg, 0, 0, false},
		{"bad flag", "lots", "", none, 0, 0, true},
		{"bad env", "", "12XB", none, 0, 0, true},
		{"too small", "1MB", "", none, 0, 0, true},
	}
	for _, c := range cases {
		p, err := resolveMemory(c.flag, env(c.env), c.cgroup)
		if (err != nil) != c.err || p.duckdb != c.duckdb || p.goSoft != c.goSoft {
			t.Errorf("%s: %+v, %v", c.name, p, err)
		}
	}
}

func TestMemoryLimitFlag(t *testing.T) {
	r := runCLI(t, "", "hunt", "--memory-limit", "600MB", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, "", "hunt", "--memory-limit", "lots")
	if r.code != exitUsage {
		t.Fatalf("a bad --memory-limit gives exit %d: %s", r.code, r.stderr)
	}
}
