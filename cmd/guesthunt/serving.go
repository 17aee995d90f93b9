package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// While "guesthunt serve" holds a case file, it leaves a sidecar next to it,
// <file>.serving, saying where it listens. DuckDB's lock error names only a
// process; the sidecar lets a local command name the server to reach instead.

// servingSuffix is appended to the held file's path to name its sidecar.
const servingSuffix = ".serving"

// maxServingBytes bounds what is read of a sidecar: anyone who can write
// beside the case file can write it, so it is read as untrusted.
const maxServingBytes = 4096

// servingRecord is the sidecar's content.
type servingRecord struct {
	Address string    `json:"address"`
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
}

// servingPath is the sidecar for the file held at path.
func servingPath(path string) string { return path + servingSuffix }

// writeServing writes the sidecar for the file at path (0600: CreateTemp's
// mode) and
// returns the function that removes it. It is written to a temporary name
// and renamed, so a reader never sees half of it and a symlink planted at
// the name is replaced, not followed.
func writeServing(path string, rec servingRecord) (remove func() error, err error) {
	target := servingPath(path)
	body, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), filepath.Base(target)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", target, err)
	}
	_, err = tmp.Write(append(body, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("write %s: %w", target, err)
	}
	return func() error {
		if err := os.Remove(target); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}, nil
}

// readServing reads the sidecar of the file at path. A missing, oversized
// or malformed sidecar is an error; the caller then says what it would have
// said without one.
func readServing(path string) (servingRecord, error) {
	var rec servingRecord
	f, err := os.Open(servingPath(path))
	if err != nil {
		return rec, err
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxServingBytes+1))
	if err != nil {
		return rec, err
	}
	if len(body) > maxServingBytes {
		return rec, fmt.Errorf("%s: larger than %d bytes", servingPath(path), maxServingBytes)
	}
	if err := json.Unmarshal(body, &rec); err != nil {
		return rec, fmt.Errorf("%s: %w", servingPath(path), err)
	}
	if rec.Address == "" || rec.PID <= 0 {
		return rec, fmt.Errorf("%s: no address or process", servingPath(path))
	}
	return rec, nil
}
