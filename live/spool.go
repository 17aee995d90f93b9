package live

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteSpool writes a chunk's raw response, gzipped, to dir/name: to a
// private temporary file first, synced, then renamed into place, so a file
// under its final name is always whole (kill -9 leaves at most a temporary
// file, which the next write replaces). The bytes are evidence and hold
// personal data: the file and the directory are private (0600, 0700).
// It returns the file's path, the SHA-256 of its bytes (hex) and its size.
func WriteSpool(dir, name string, write func(w io.Writer) error) (path, sha string, size int64, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", 0, fmt.Errorf("spool directory: %w", err)
	}
	path = filepath.Join(dir, name)
	tmp, err := os.CreateTemp(dir, "."+name+".*.tmp")
	if err != nil {
		return "", "", 0, fmt.Errorf("spool %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return "", "", 0, fmt.Errorf("spool %s: %w", name, err)
	}
	h := sha256.New()
	counted := &countingWriter{w: io.MultiWriter(tmp, h)}
	gz := gzip.NewWriter(counted)
	if err = write(gz); err != nil {
		return "", "", 0, err
	}
	if err = gz.Close(); err != nil {
		return "", "", 0, fmt.Errorf("spool %s: %w", name, err)
	}
	if err = tmp.Sync(); err != nil {
		return "", "", 0, fmt.Errorf("spool %s: %w", name, err)
	}
	if err = tmp.Close(); err != nil {
		return "", "", 0, fmt.Errorf("spool %s: %w", name, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return "", "", 0, fmt.Errorf("spool %s: %w", name, err)
	}
	syncDir(dir)
	return path, hex.EncodeToString(h.Sum(nil)), counted.n, nil
}

// VerifySpool says whether the file at path still has the SHA-256 sha: a
// resumed pull loads a fetched chunk from disk only then.
func VerifySpool(path, sha string) bool {
	if path == "" || sha == "" {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false
	}
	return hex.EncodeToString(h.Sum(nil)) == sha
}

// syncDir makes the rename durable; a failure only weakens that, so it is
// not reported.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
