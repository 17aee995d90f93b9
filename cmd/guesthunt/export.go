package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// maxReportSuffix bounds the -2, -3, ... tried for one name, so a directory
// full of reports ends in an error instead of a long loop.
const maxReportSuffix = 1000

// reportExporter writes the Markdown incident report for the result on
// screen into dir as a new file, named after the as-of instant.
func reportExporter(ds *dataset, df dataFlags, args []string) func(ctx context.Context, dir string, res *hunt.Result, triage map[store.Subject]store.Triage) (string, error) {
	return func(ctx context.Context, dir string, res *hunt.Result, triage map[store.Subject]store.Triage) (string, error) {
		if res == nil {
			return "", errors.New("no result to export")
		}
		meta, err := reportMeta(ctx, ds, df, args)
		if err != nil {
			return "", err
		}
		return exportNew(dir, res.AsOf, func(w io.Writer) error {
			return hunt.WriteMarkdown(w, hunt.NewReport(res, triage, meta))
		})
	}
}

// workingDir is where the workbench first offers to write reports.
func workingDir() string {
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return "."
}

// exportNew writes a report into a file that did not exist before, in dir
// ("" is the working directory), and returns its absolute path. Every
// export is a new file: an analyst exporting twice keeps both reports.
func exportNew(dir string, asOf time.Time, write func(io.Writer) error) (string, error) {
	if dir == "" {
		dir = "."
	}
	f, path, err := createNew(dir, "guesthunt-report-"+asOf.UTC().Format("20060102T150405Z"), ".md")
	if err != nil {
		return "", err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // ours: created just now, and only half written
		return "", err
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return path, nil
}

// createNew creates stem+ext in dir, or stem-2+ext, stem-3+ext, ... when
// taken. O_EXCL makes creation and the check one step, so an existing file
// is never opened, and a symlink at the name counts as taken and is never
// followed.
func createNew(dir, stem, ext string) (*os.File, string, error) {
	for n := 1; n <= maxReportSuffix; n++ {
		name := stem + ext
		if n > 1 {
			name = fmt.Sprintf("%s-%d%s", stem, n, ext)
		}
		path := filepath.Join(dir, name)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return f, path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", err
		}
	}
	return nil, "", fmt.Errorf("%s already holds %d reports named %s*%s; choose another directory", dir, maxReportSuffix, stem, ext)
}
