package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/guesthunt/guesthunt/data/store"
)

type openedMsg struct {
	ds  *dataset
	err error
}

func toOpened(ds *dataset, err error) tea.Msg { return openedMsg{ds, err} }

func demoFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "demo.ndjson")
	if r := runCLI(t, "", "demo", "--out", path); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	return path
}

// A model's loop: run Next until the outcome, as Update would.
func TestOpenDatasetAsyncDeliversProgressThenDataset(t *testing.T) {
	path := demoFile(t)
	var errb bytes.Buffer
	o := openDatasetAsync(context.Background(), streams{in: strings.NewReader(""), err: &errb}, dataFlags{seed: 1}, []string{path}, false)
	defer o.Close()
	var progress []store.LoadProgress
	for {
		msg := o.Next(toOpened)()
		if p, ok := msg.(store.LoadProgress); ok {
			progress = append(progress, p)
			continue
		}
		opened, ok := msg.(openedMsg)
		if !ok {
			t.Fatalf("message %T", msg)
		}
		if opened.err != nil {
			t.Fatal(opened.err)
		}
		defer opened.ds.store.Close()
		if len(opened.ds.report.Files) != 1 || opened.ds.report.Files[0].Loaded == 0 {
			t.Fatalf("report %+v", opened.ds.report)
		}
		break
	}
	for i := 1; i < len(progress); i++ {
		if progress[i].Elapsed < progress[i-1].Elapsed {
			t.Fatal("progress out of order")
		}
	}
	if errb.Len() != 0 {
		t.Fatalf("the background load wrote to stderr: %q", errb.String())
	}
	if msg := o.Next(toOpened)(); msg != nil {
		t.Fatalf("a message after the outcome: %T", msg)
	}
}

// Closing during the load cancels it and leaves nothing open.
func TestOpenDatasetAsyncClose(t *testing.T) {
	path := demoFile(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // cancelled before it starts: the outcome is the cancellation
	o := openDatasetAsync(ctx, streams{in: strings.NewReader(""), err: &bytes.Buffer{}}, dataFlags{seed: 1}, []string{path}, false)
	if _, err := o.Wait(); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want the cancellation", err)
	}
	o.Close()

	o = openDatasetAsync(context.Background(), streams{in: strings.NewReader(""), err: &bytes.Buffer{}}, dataFlags{seed: 1}, []string{path}, false)
	o.Close() // the dataset, if it opened, is closed by Close
	if _, err := o.Wait(); err == nil {
		t.Fatal("Wait after Close handed out a dataset")
	}
}
