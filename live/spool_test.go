package live

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteSpoolIsPrivateWholeAndVerified(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "case.pulls")
	path, sha, size, err := WriteSpool(dir, "1-1.json.gz", func(w io.Writer) error {
		_, err := io.WriteString(w, `{"tables":[]}`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", p, info.Mode().Perm(), want)
		}
	}
	if info, _ := os.Stat(path); info.Size() != size {
		t.Errorf("size %d reported, %d on disk", size, info.Size())
	}
	f, _ := os.Open(path)
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(gz)
	if string(body) != `{"tables":[]}` {
		t.Errorf("body %q", body)
	}
	if !VerifySpool(path, sha) {
		t.Error("the spool does not verify against its own digest")
	}
	os.WriteFile(path, []byte("tampered"), 0o600)
	if VerifySpool(path, sha) {
		t.Error("a changed spool still verifies")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestWriteSpoolFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	_, _, _, err := WriteSpool(dir, "1-2.json.gz", func(w io.Writer) error { return io.ErrUnexpectedEOF })
	if err == nil {
		t.Fatal("a failed write was reported as spooled")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("left behind: %v", ents)
	}
}
