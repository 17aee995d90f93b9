package store_test

import (
	"path/filepath"
	"testing"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// Two exports of the same days in different formats, every event in both
// (the case settled by reading every row rather than picking out repeated
// Ids), with two copies that differ: the same rows in either order, the two
// conflicts kept and named, the Log Analytics copy (more fields) kept for
// the rest; loading the first export again changes nothing but its own count.
func TestFullOverlapWithConflicts(t *testing.T) {
	recs := demo.Tenant(1)
	changed := append([]data.Record(nil), recs...)
	changed[3].Result = "failure"
	if changed[3].Result == recs[3].Result {
		changed[3].Result = "success"
	}
	changed[5].CorrelationId = "00000000-0000-4000-8000-000000000005"
	dir := t.TempDir()
	la := filepath.Join(dir, "la.ndjson")
	graph := filepath.Join(dir, "graph.ndjson")
	if err := store.WriteFile(la, formats.FormatLANDJSON, recs); err != nil {
		t.Fatal(err)
	}
	if err := store.WriteFile(graph, formats.FormatGraphNDJSON, changed); err != nil {
		t.Fatal(err)
	}
	n := int64(len(recs))
	sameRowsInEveryOrder(t, []string{la, graph}, int(n)+2, func(order []string, s *store.Store, rep store.LoadReport) {
		byPath := map[string]store.FileReport{}
		for _, f := range rep.Files {
			byPath[f.Path] = f
		}
		if f := byPath[la]; f.Loaded != n || f.Duplicates != 0 || f.Conflicts != 2 {
			t.Errorf("order %v: la: loaded %d, duplicates %d, conflicts %d; want %d, 0, 2", order, f.Loaded, f.Duplicates, f.Conflicts, n)
		}
		if f := byPath[graph]; f.Loaded != 2 || f.Duplicates != n-2 || f.Conflicts != 2 || len(f.ConflictIn) != 2 {
			t.Errorf("order %v: graph: loaded %d, duplicates %d, conflicts %d (%d named); want 2, %d, 2", order, f.Loaded, f.Duplicates, f.Conflicts, len(f.ConflictIn), n-2)
		}
		// The export again: every record a duplicate, the earlier outcome kept.
		again := load(t, s, store.LoadOptions{Strict: true}, la).Files[0]
		if again.Loaded != 0 || again.Duplicates != n {
			t.Errorf("order %v: la again: loaded %d, duplicates %d; want 0, %d", order, again.Loaded, again.Duplicates, n)
		}
		if got := auditRows(t, s); int64(len(got)) != n+2 {
			t.Errorf("order %v: %d rows after loading la again, want %d", order, len(got), n+2)
		}
		if c := count(t, s, `SELECT count(*) FROM _Conflicts`); c != 4 {
			t.Errorf("order %v: %d conflict rows after loading la again, want 4 (two pairs, both ways)", order, c)
		}
	})
}

// The same with an Entra download (no Ids) beside them, in every order:
// whichever way settling finds the groups, the rows are the same and the
// download adds nothing.
func TestFullOverlapWithEntraDownload(t *testing.T) {
	recs := demo.Tenant(1)
	changed := append([]data.Record(nil), recs...)
	changed[5].CorrelationId = "00000000-0000-4000-8000-000000000005"
	dir := t.TempDir()
	files := []string{filepath.Join(dir, "la.ndjson"), filepath.Join(dir, "graph.ndjson"), filepath.Join(dir, "entra.csv")}
	for i, w := range []struct {
		f    formats.Format
		recs []data.Record
	}{{formats.FormatLANDJSON, recs}, {formats.FormatGraphNDJSON, changed}, {formats.FormatEntraCSV, recs}} {
		if err := store.WriteFile(files[i], w.f, w.recs); err != nil {
			t.Fatal(err)
		}
	}
	// Every event once, the conflicting copy twice.
	sameRowsInEveryOrder(t, files, len(recs)+1, nil)
}
