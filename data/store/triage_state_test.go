package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTriagePathKeyedCasePath(t *testing.T) {
	state := t.TempDir()
	t.Setenv(StateDirEnv, state)
	a, b := filepath.Join(state, "a.json"), filepath.Join(state, "exports")
	p1, err := PathKeyedCasePath([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p1) != filepath.Join(state, "cases") || !strings.HasSuffix(p1, ".duckdb") {
		t.Errorf("path %s not in %s/cases", p1, state)
	}
	// The same set, spelled differently, in another order, with a duplicate.
	same := []string{b + "/", a, filepath.Join(state, "exports", "..", "a.json")}
	if p, _ := PathKeyedCasePath(same); p != p1 {
		t.Errorf("same set: %s != %s", p, p1)
	}
	// Relative paths resolve against the working directory.
	wd, _ := os.Getwd()
	rel, _ := PathKeyedCasePath([]string{"testdata"})
	abs, _ := PathKeyedCasePath([]string{filepath.Join(wd, "testdata")})
	if rel != abs {
		t.Errorf("relative %s != absolute %s", rel, abs)
	}
	for _, other := range [][]string{{a}, {b}, {a, b, filepath.Join(state, "c.csv")}} {
		if p, _ := PathKeyedCasePath(other); p == p1 {
			t.Errorf("different set %v: same path", other)
		}
	}
	for _, bad := range [][]string{nil, {"-"}, {a, "-"}, {""}, {"x\x00y"}} {
		if p, err := PathKeyedCasePath(bad); err == nil {
			t.Errorf("%q: path %s, want an error", bad, p)
		}
	}
	if _, err := PathKeyedCasePath([]string{"-"}); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Errorf("stdin error should point at --db: %v", err)
	}
}
