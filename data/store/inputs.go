package store

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// expandInputs turns the analyst's arguments into files: directories are
// walked recursively (in name order, so loads are reproducible) and "-" is
// standard input, copied to a temp file so DuckDB can read it and the detail
// view can find its records again. Paths that cannot be used are reported.
func (s *Store) expandInputs(paths []string, stdin io.Reader) ([]sourceFile, []FileReport) {
	if stdin == nil {
		stdin = os.Stdin
	}
	var files []sourceFile
	var problems []FileReport
	for _, p := range paths {
		if p == "-" {
			spool, err := s.spoolStdin(stdin)
			if err != nil {
				problems = append(problems, FileReport{Path: "-", Error: "read standard input: " + err.Error()})
				continue
			}
			files = append(files, sourceFile{path: spool, display: "-"})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			problems = append(problems, FileReport{Path: p, Error: err.Error()})
			continue
		}
		if !info.IsDir() {
			files = append(files, sourceFile{path: p, display: p})
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				problems = append(problems, FileReport{Path: path, Error: err.Error()})
				return nil
			}
			if d.Type().IsRegular() {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			problems = append(problems, FileReport{Path: p, Error: err.Error()})
		}
		sort.Strings(found)
		if len(found) == 0 {
			problems = append(problems, FileReport{Path: p, Error: "directory holds no files"})
		}
		for _, f := range found {
			files = append(files, sourceFile{path: f, display: f})
		}
	}
	return files, problems
}

func (s *Store) spoolStdin(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "guesthunt-stdin-*")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	s.RemoveOnClose(f.Name())
	return f.Name(), nil
}
