package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// progressLog collects what a load reports.
type progressLog struct {
	mu  sync.Mutex
	got []store.LoadProgress
}

func (l *progressLog) add(p store.LoadProgress) {
	l.mu.Lock()
	l.got = append(l.got, p)
	l.mu.Unlock()
}

func (l *progressLog) all() []store.LoadProgress {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]store.LoadProgress(nil), l.got...)
}

// checkProgress asserts what every load's progress must be: updates in
// order, bytes and records never going back within a file, file positions
// never going back, and a last update (Done) that has read every byte.
func checkProgress(t *testing.T, got []store.LoadProgress, files int) {
	t.Helper()
	if len(got) < 2 {
		t.Fatalf("got %d updates, want at least a first and a last", len(got))
	}
	for i := 1; i < len(got); i++ {
		a, b := got[i-1], got[i]
		if b.FileIndex < a.FileIndex || b.DoneBytes < a.DoneBytes || b.Elapsed < a.Elapsed {
			t.Fatalf("update %d went back: %+v after %+v", i, b, a)
		}
		if b.FileIndex == a.FileIndex && (b.Bytes < a.Bytes || b.Records < a.Records) {
			t.Fatalf("update %d went back within a file: %+v after %+v", i, b, a)
		}
		if a.Done {
			t.Fatalf("update %d came after the last one", i)
		}
	}
	last := got[len(got)-1]
	if !last.Done || last.Phase != store.PhaseDone {
		t.Fatalf("last update %+v is not Done", last)
	}
	if last.Files != files || last.FileIndex != files {
		t.Fatalf("last update at file %d of %d, want %d of %d", last.FileIndex, last.Files, files, files)
	}
	if last.TotalBytes <= 0 || last.Bytes != last.TotalBytes || last.DoneBytes+last.Bytes != last.AllBytes {
		t.Fatalf("last update did not reach the total: %+v", last)
	}
	if last.Fraction() != 1 || last.OverallFraction() != 1 {
		t.Fatalf("fractions %v, %v at the end", last.Fraction(), last.OverallFraction())
	}
}

func TestLoadProgressNativeFormat(t *testing.T) {
	path := writeDemo(t, t.TempDir(), formats.FormatLANDJSON, demo.Tenant(1))
	var log progressLog
	rep := load(t, open(t, ""), store.LoadOptions{Progress: log.add, ProgressEvery: time.Millisecond}, path)
	if rep.Files[0].Via != "duckdb" {
		t.Fatalf("loaded via %q, want the native path", rep.Files[0].Via)
	}
	got := log.all()
	checkProgress(t, got, 1)
	if last := got[len(got)-1]; last.Records != rep.Files[0].Records || last.File != path {
		t.Fatalf("last update %+v, want %d records of %s", last, rep.Files[0].Records, path)
	}
}

func TestLoadProgressStreamedFormat(t *testing.T) {
	path := writeDemo(t, t.TempDir(), formats.FormatEntraCSV, demo.Tenant(1))
	var log progressLog
	rep := load(t, open(t, ""), store.LoadOptions{Progress: log.add, ProgressEvery: time.Millisecond}, path)
	if rep.Files[0].Via != "go" {
		t.Fatalf("loaded via %q, want the streamed path", rep.Files[0].Via)
	}
	got := log.all()
	checkProgress(t, got, 1)
	last := got[len(got)-1]
	if last.Records != rep.Files[0].Records || last.Estimated {
		t.Fatalf("last update %+v, want %d records counted", last, rep.Files[0].Records)
	}
}

func TestLoadProgressDirectory(t *testing.T) {
	dir := t.TempDir()
	recs := demo.Tenant(1)
	writeDemo(t, dir, formats.FormatLANDJSON, recs[:len(recs)/2])
	writeDemo(t, dir, formats.FormatGraphNDJSON, recs[len(recs)/2:])
	writeDemo(t, dir, formats.FormatEntraCSV, recs)
	var log progressLog
	rep := load(t, open(t, ""), store.LoadOptions{Progress: log.add, ProgressEvery: time.Millisecond}, dir)
	if len(rep.Files) != 3 {
		t.Fatalf("loaded %d files", len(rep.Files))
	}
	got := log.all()
	checkProgress(t, got, 3)
	var all int64
	for _, e := range mustReadDir(t, dir) {
		all += e
	}
	if got[len(got)-1].AllBytes != all {
		t.Fatalf("AllBytes %d, want the directory's %d", got[len(got)-1].AllBytes, all)
	}
}

func mustReadDir(t *testing.T, dir string) []int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, info.Size())
	}
	return sizes
}

// Standard input is reported while it is spooled, before the load knows its
// files, then as the file "-".
func TestLoadProgressStdin(t *testing.T) {
	path := writeDemo(t, t.TempDir(), formats.FormatLANDJSON, demo.Tenant(1))
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var log progressLog
	seen := make(chan struct{})
	var once sync.Once
	// Standard input holds back its bytes until the spooling has been
	// reported, so the test does not depend on timing.
	in := &gatedReader{r: strings.NewReader(string(body)), gate: seen}
	load(t, open(t, ""), store.LoadOptions{Stdin: in, ProgressEvery: time.Millisecond,
		Progress: func(p store.LoadProgress) {
			log.add(p)
			if p.Phase == store.PhaseSpooling {
				once.Do(func() { close(seen) })
			}
		}}, "-")
	got := log.all()
	checkProgress(t, got, 1)
	first := -1
	for i, p := range got {
		if p.Phase == store.PhaseSpooling && p.File == "-" && p.FileIndex == 0 && first < 0 {
			first = i
		}
		if p.FileIndex > 0 && first < 0 {
			t.Fatalf("update %d at a file before standard input was reported: %+v", i, p)
		}
	}
	if last := got[len(got)-1]; last.File != "-" || last.TotalBytes != int64(len(body)) {
		t.Fatalf("last update %+v, want all %d bytes of -", last, len(body))
	}
}

// gatedReader reads nothing until gate is closed (or a while has passed).
type gatedReader struct {
	r    *strings.Reader
	gate chan struct{}
}

func (g *gatedReader) Read(p []byte) (int, error) {
	select {
	case <-g.gate:
	case <-time.After(10 * time.Second):
		return 0, context.DeadlineExceeded
	}
	return g.r.Read(p)
}

// A cancelled load still ends its progress with a last update, and returns
// the cancellation.
func TestLoadProgressCancelled(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		if err := store.WriteFile(filepath.Join(dir, "f"+string(rune('a'+i))), formats.FormatEntraCSV, demo.Tenant(int64(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var log progressLog
	_, err := open(t, "").Load(ctx, []string{dir}, store.LoadOptions{ProgressEvery: time.Millisecond,
		Progress: func(p store.LoadProgress) {
			log.add(p)
			if p.FileIndex == 2 {
				cancel()
			}
		}})
	if err == nil {
		t.Fatal("a cancelled load returned no error")
	}
	got := log.all()
	if last := got[len(got)-1]; !last.Done {
		t.Fatalf("last update %+v is not Done", last)
	}
}

// Without a callback nothing is tracked and the load is as before.
func TestLoadWithoutProgress(t *testing.T) {
	path := writeDemo(t, t.TempDir(), formats.FormatLANDJSON, demo.Tenant(1))
	rep := load(t, open(t, ""), store.LoadOptions{}, path)
	if rep.Files[0].Loaded == 0 {
		t.Fatal("nothing loaded")
	}
}
