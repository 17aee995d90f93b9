package store

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestTriageStateCasePath(t *testing.T) {
	state := t.TempDir()
	t.Setenv(StateDirEnv, state)
	a, b := filepath.Join(state, "a.json"), filepath.Join(state, "exports")
	p1, err := StateCasePath([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(p1) != filepath.Join(state, "cases") || !strings.HasSuffix(p1, ".duckdb") {
		t.Errorf("path %s not in %s/cases", p1, state)
	}
	// The same set, spelled differently, in another order, with a duplicate.
	same := []string{b + "/", a, filepath.Join(state, "exports", "..", "a.json")}
	if p, _ := StateCasePath(same); p != p1 {
		t.Errorf("same set: %s != %s", p, p1)
	}
	// Relative paths resolve against the working directory.
	wd, _ := os.Getwd()
	rel, _ := StateCasePath([]string{"testdata"})
	abs, _ := StateCasePath([]string{filepath.Join(wd, "testdata")})
	if rel != abs {
		t.Errorf("relative %s != absolute %s", rel, abs)
	}
	for _, other := range [][]string{{a}, {b}, {a, b, filepath.Join(state, "c.csv")}} {
		if p, _ := StateCasePath(other); p == p1 {
			t.Errorf("different set %v: same path", other)
		}
	}
	for _, bad := range [][]string{nil, {"-"}, {a, "-"}, {""}, {"x\x00y"}} {
		if p, err := StateCasePath(bad); err == nil {
			t.Errorf("%q: path %s, want an error", bad, p)
		}
	}
	if _, err := StateCasePath([]string{"-"}); err == nil || !strings.Contains(err.Error(), "--db") {
		t.Errorf("stdin error should point at --db: %v", err)
	}
}

func TestTriageStateDirFallbacks(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("XDG state directories are a Unix convention")
	}
	t.Setenv(StateDirEnv, "")
	xdg := t.TempDir()
	t.Setenv("XDG_STATE_HOME", xdg)
	p, err := StateCasePath([]string{"/x/a.json"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p, filepath.Join(xdg, "guesthunt", "cases")+string(filepath.Separator)) {
		t.Errorf("XDG_STATE_HOME ignored: %s", p)
	}
	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", "relative/is/invalid")
	t.Setenv("HOME", home)
	if p, _ := StateCasePath([]string{"/x/a.json"}); !strings.HasPrefix(p, filepath.Join(home, ".local", "state", "guesthunt", "cases")) {
		t.Errorf("home fallback: %s", p)
	}
}
