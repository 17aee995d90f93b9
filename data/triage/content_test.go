package triage

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestContentKeyFollowsContentNotPath(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte(`{"Id":"1"}`), 0o600)
	os.WriteFile(b, []byte("Date,Activity\n"), 0o600)
	key, err := ContentKey([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	moved := filepath.Join(t.TempDir(), "renamed.json")
	if err := os.Rename(a, moved); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.csv")
	if err := os.Symlink(b, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	for name, set := range map[string][]string{
		"moved and linked": {moved, link},
		"other order":      {link, moved},
		"listed twice":     {moved, link, b},
	} {
		if k, err := ContentKey(set); err != nil || k != key {
			t.Errorf("%s: %s %v, want %s", name, k, err, key)
		}
	}
	os.WriteFile(moved, []byte(`{"Id":"2"}`), 0o600)
	if k, _ := ContentKey([]string{moved, link}); k == key {
		t.Error("changed content, same key")
	}
	if k, _ := ContentKey([]string{link}); k == key {
		t.Error("a subset has the set's key")
	}
	for _, bad := range [][]string{nil, {"-"}, {""}, {"x\x00y"}, {filepath.Join(dir, "missing")}} {
		if k, err := ContentKey(bad); err == nil {
			t.Errorf("%q: key %s, want an error", bad, k)
		}
	}
}

func TestStatePath(t *testing.T) {
	state := t.TempDir()
	t.Setenv(StateDirEnv, state)
	key := strings.Repeat("ab", 32)
	p, err := StatePath(key)
	if err != nil || p != filepath.Join(state, "cases", key[:32]+".duckdb") {
		t.Fatalf("%s %v", p, err)
	}
	for _, bad := range []string{"", "../../etc", strings.Repeat("Z", 64)} {
		if _, err := StatePath(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestStateDirFallbacks(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("XDG state directories are a Unix convention")
	}
	t.Setenv(StateDirEnv, "")
	xdg := t.TempDir()
	t.Setenv("XDG_STATE_HOME", xdg)
	if d, _ := StateDir(); d != filepath.Join(xdg, "guesthunt") {
		t.Errorf("XDG_STATE_HOME ignored: %s", d)
	}
	home := t.TempDir()
	t.Setenv("XDG_STATE_HOME", "relative/is/invalid")
	t.Setenv("HOME", home)
	if d, _ := StateDir(); d != filepath.Join(home, ".local", "state", "guesthunt") {
		t.Errorf("home fallback: %s", d)
	}
}
