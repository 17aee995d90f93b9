package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/hunt"
)

func TestExportFolderName(t *testing.T) {
	safeName := regexp.MustCompile(`^[a-z0-9_-][a-z0-9._-]*$`)
	root := filepath.Join(t.TempDir(), "exports")
	seen := map[string]string{}
	for _, user := range []string{
		"alice", "Alice", "ALICE", "", ".", "..", "../../etc", "..\\..\\x", "/root", "a/b", "a_b", ".hidden",
		"ålice", "\x1b[2J", "\u202eevil", "a\x00b", "\xff\xfe", "x+exercise", strings.Repeat("z", 500),
	} {
		name := exportFolderName(user)
		if !safeName.MatchString(name) || len(name) > maxFolderName+13 {
			t.Errorf("%q: folder %q", user, name)
		}
		if got := filepath.Dir(filepath.Join(root, name)); got != root {
			t.Errorf("%q: folder %q lands in %q, not under %q", user, name, got, root)
		}
		if other, ok := seen[name]; ok {
			t.Errorf("%q and %q share folder %q", user, other, name)
		}
		seen[name] = user
	}
	if exportFolderName("alice") != "alice" {
		t.Error("a plain name is not kept as it is")
	}
	a := analystExportDir(root, serveSession{User: "alice"})
	ex := analystExportDir(root, serveSession{User: "alice", Exercise: true})
	if a == ex || filepath.Dir(ex) != root {
		t.Errorf("exercise folder %q, analyst folder %q", ex, a)
	}
}

// e in a session writes only into the analyst's folder under the server's
// state directory, created 0700, whatever folder is typed at the prompt.
func TestSessionExportConfined(t *testing.T) {
	served := openServedCase(t, servedCase(t))
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	deps := sessionDeps(served, serveSession{User: "../../ana", KeyFingerprint: "SHA256:abc"})
	if filepath.Dir(deps.ExportDir) != served.exportRoot || !strings.HasSuffix(served.exportRoot, filepath.Join("serve", "exports")) || strings.HasPrefix(deps.ExportDir, wd) {
		t.Fatalf("export dir %q is not a folder of %q", deps.ExportDir, served.exportRoot)
	}
	res, err := served.engine.Run(context.Background(), hunt.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	for _, typed := range []string{elsewhere, wd, ".", "", deps.ExportDir + "/..", served.exportRoot} {
		if path, err := deps.Export(context.Background(), typed, res, nil); err == nil {
			t.Errorf("typed %q: written to %q", typed, path)
		}
	}
	if left, _ := os.ReadDir(elsewhere); len(left) > 0 {
		t.Errorf("written elsewhere: %v", left)
	}
	path, err := deps.Export(context.Background(), deps.ExportDir, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Dir(path) != deps.ExportDir {
		t.Errorf("written to %q, not into %q", path, deps.ExportDir)
	}
	fi, err := os.Stat(deps.ExportDir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("folder %v %v, want mode 0700", fi, err)
	}
	if again, err := deps.Export(context.Background(), deps.ExportDir+"/", res, nil); err != nil || again == path {
		t.Errorf("second export: %q %v (want a new file)", again, err)
	}
}
