package store

import (
	"errors"
	"io/fs"
	"os"
)

// Case files hold audit logs: who invited whom, from where. DuckDB creates
// its files 0666 less the umask (0644 as a rule), the database when it is
// opened and the write-ahead log (<case>.wal) at the first commit after every
// checkpoint, which deletes it. OpenMode makes a file it creates 0600 before
// anything is written in it; the .wal of a private case file is made 0600
// after each commit that may have created it (the loads, the pull journal),
// so it is readable by others at most between its creation and that chmod.

// fileExists says whether something is at path (a broken link counts: DuckDB
// would not create a file there either).
func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// privateFile says whether path is a regular file only its owner may read or
// write.
func privateFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 == 0
}

// keepWALPrivate makes the write-ahead log of a private case file private
// too. A failure is not reported: the data is safely committed either way.
func (s *Store) keepWALPrivate() {
	if !s.private {
		return
	}
	wal := s.path + ".wal"
	if fi, err := os.Lstat(wal); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o077 != 0 {
		os.Chmod(wal, 0o600)
	}
}
