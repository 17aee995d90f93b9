package store

import (
	"context"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/demo"
)

// FileSpans gives the loaded files' event spans and leaves pulled chunks
// out: a chunk's coverage is its plan (Coverage), a file's is its events.
func TestFileSpansLeavesPullsOut(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t, "")
	if spans, err := s.FileSpans(ctx); err != nil || len(spans) != 0 {
		t.Fatalf("empty store: %+v, %v", spans, err)
	}
	recs := demo.Tenant(1)[:20]
	if _, err := s.LoadRecords(ctx, "export", recs); err != nil {
		t.Fatal(err)
	}
	invitesPull(t, s, time.Time{}, 30*time.Minute, 0, 2)
	spans, err := s.FileSpans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != 1 || !spans[0].From.Equal(recs[0].TimeGenerated) || !spans[0].To.Equal(recs[len(recs)-1].TimeGenerated) {
		t.Fatalf("spans %+v, want the export's [%v, %v]", spans, recs[0].TimeGenerated, recs[len(recs)-1].TimeGenerated)
	}
}
