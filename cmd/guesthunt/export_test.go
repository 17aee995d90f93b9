package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
)

var exportAsOf = time.Date(2026, 10, 31, 17, 42, 10, 123456700, time.UTC)

func writeText(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	first, err := exportNew(dir, exportAsOf, writeText("one"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := exportNew(dir, exportAsOf, writeText("two"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(first) != "guesthunt-report-20261031T174210Z.md" || filepath.Base(second) != "guesthunt-report-20261031T174210Z-2.md" {
		t.Errorf("names %s, %s", first, second)
	}
	if !filepath.IsAbs(first) || readFile(t, first) != "one" || readFile(t, second) != "two" {
		t.Errorf("%s holds %q, %s holds %q", first, readFile(t, first), second, readFile(t, second))
	}
	if info, err := os.Stat(second); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", info.Mode(), err)
	}
}

func TestExportLeavesExistingFilesAlone(t *testing.T) {
	dir := t.TempDir()
	taken := filepath.Join(dir, "guesthunt-report-20261031T174210Z.md")
	os.WriteFile(taken, []byte("analyst's notes"), 0o644)
	outside := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(outside, []byte("not yours"), 0o644)
	link := filepath.Join(dir, "guesthunt-report-20261031T174210Z-2.md")
	if err := os.Symlink(outside, link); err != nil {
		t.Skipf("no symlinks here: %v", err)
	}
	dangling := filepath.Join(dir, "guesthunt-report-20261031T174210Z-3.md")
	os.Symlink(filepath.Join(dir, "nowhere"), dangling)

	got, err := exportNew(dir, exportAsOf, writeText("report"))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(got) != "guesthunt-report-20261031T174210Z-4.md" || readFile(t, got) != "report" {
		t.Errorf("wrote %s", got)
	}
	if readFile(t, taken) != "analyst's notes" || readFile(t, outside) != "not yours" {
		t.Error("an existing file, or a symlink's target, was written")
	}
	if _, err := os.Lstat(filepath.Join(dir, "nowhere")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a dangling symlink was followed")
	}
}

func TestExportFailureLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	if _, err := exportNew(dir, exportAsOf, func(io.Writer) error { return errors.New("disk full") }); err == nil {
		t.Fatal("a failed write was reported as written")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a half-written report stayed: %v", entries)
	}
	if _, err := exportNew(filepath.Join(dir, "missing"), exportAsOf, writeText("x")); err == nil {
		t.Error("a missing directory was accepted")
	}
}

// The workbench's export writes the demo's Markdown report into the
// directory it is given, a new file each time.
func TestReportExporter(t *testing.T) {
	ctx := context.Background()
	ds, err := openDataset(ctx, streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard}, dataFlags{seed: 1}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer ds.store.Close()
	res, err := hunt.NewEngine(ds.store).Run(ctx, hunt.DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	export := reportExporter(ds, dataFlags{seed: 1}, nil)
	dir := t.TempDir()
	a, err := export(ctx, dir, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := export(ctx, dir, res, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a == b || filepath.Dir(a) != dir || !strings.Contains(readFile(t, b), "\nlet as_of = datetime(") {
		t.Errorf("exports %s, %s", a, b)
	}
	if _, err := export(ctx, dir, nil, nil); err == nil {
		t.Error("a nil result was exported")
	}
}
