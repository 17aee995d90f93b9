package store

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

// MaxRejectionsShown is how many rejections per file a report lists in full;
// all of them are counted and kept in _Excluded.
const MaxRejectionsShown = 5

// Problem is one rejected record or conflict, located in its file.
type Problem struct {
	Record int64  `json:"record"`
	Line   int64  `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// FileReport says what became of one input file.
type FileReport struct {
	Path       string         `json:"path"`
	Format     formats.Format `json:"format,omitempty"`
	Compressed bool           `json:"compressed,omitempty"`
	SourceID   int64          `json:"sourceId,omitempty"`
	Via        string         `json:"via,omitempty"` // "duckdb" (native reader) or "go" (streamed and checked record by record)
	Records    int64          `json:"records"`       // records the file holds (rejected ones included)
	Loaded     int64          `json:"loaded"`        // new events now in AuditLogs
	Duplicates int64          `json:"duplicates"`    // records already loaded (same Id and content)
	Conflicts  int64          `json:"conflicts"`     // records kept although another record shares their Id
	Rejected   int64          `json:"rejected"`
	From       time.Time      `json:"from,omitzero"`
	To         time.Time      `json:"to,omitzero"`
	Rejections []Problem      `json:"rejections,omitempty"` // the first few
	ConflictIn []Problem      `json:"conflictExamples,omitempty"`
	Error      string         `json:"error,omitempty"` // why the file (or its rest) could not be read
	Elapsed    time.Duration  `json:"elapsedNs"`
}

// Location names a record for a person: file:line, or file:record N.
func (r FileReport) Location(p Problem) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", r.Path, p.Line)
	}
	return fmt.Sprintf("%s: record %d", r.Path, p.Record)
}

// LoadReport covers one load of one or more files.
type LoadReport struct {
	Files   []FileReport  `json:"files"`
	Elapsed time.Duration `json:"elapsedNs"`
}

// Totals adds up the per-file counts.
func (r LoadReport) Totals() FileReport {
	var t FileReport
	t.Path = "total"
	for _, f := range r.Files {
		t.Records += f.Records
		t.Loaded += f.Loaded
		t.Duplicates += f.Duplicates
		t.Conflicts += f.Conflicts
		t.Rejected += f.Rejected
		if !f.From.IsZero() && (t.From.IsZero() || f.From.Before(t.From)) {
			t.From = f.From
		}
		if f.To.After(t.To) {
			t.To = f.To
		}
	}
	return t
}

// Failed counts files that could not be read to the end.
func (r LoadReport) Failed() int {
	n := 0
	for _, f := range r.Files {
		if f.Error != "" {
			n++
		}
	}
	return n
}

// WriteText prints the report for a person. Paths and reasons come from
// files an attacker may have shaped, so the caller passes a sanitizer.
func (r LoadReport) WriteText(w io.Writer, sanitize func(string) string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tformat\trecords\tloaded\tduplicates\tconflicts\trejected\tspan\t")
	for _, f := range append(append([]FileReport(nil), r.Files...), r.Totals()) {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t\n", sanitize(f.Path), f.Format, f.Records, f.Loaded,
			f.Duplicates, f.Conflicts, f.Rejected, span(f.From, f.To))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var b strings.Builder
	for _, f := range r.Files {
		if f.Error != "" {
			fmt.Fprintf(&b, "error: %s: %s\n", sanitize(f.Path), sanitize(f.Error))
		}
		for _, p := range f.Rejections {
			fmt.Fprintf(&b, "rejected: %s: %s\n", sanitize(f.Location(p)), sanitize(p.Reason))
		}
		if extra := f.Rejected - int64(len(f.Rejections)); extra > 0 {
			fmt.Fprintf(&b, "rejected: %s: %d more\n", sanitize(f.Path), extra)
		}
		for _, p := range f.ConflictIn {
			fmt.Fprintf(&b, "conflict: %s: %s\n", sanitize(f.Location(p)), sanitize(p.Reason))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func span(from, to time.Time) string {
	if from.IsZero() {
		return "-"
	}
	const layout = "2006-01-02T15:04:05Z"
	return from.UTC().Format(layout) + " .. " + to.UTC().Format(layout)
}
