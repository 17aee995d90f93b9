package store

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
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
	Path string `json:"path"`
	// Spool is the private copy standard input ("-") was read into, until
	// the store closes: what its content is keyed by (verdicts). "" for files.
	Spool      string         `json:"-"`
	Format     formats.Format `json:"format,omitempty"`
	Compressed bool           `json:"compressed,omitempty"`
	SourceID   int64          `json:"sourceId,omitempty"`
	Via        string         `json:"via,omitempty"` // "duckdb" (native reader) or "go" (streamed and checked record by record)
	Records    int64          `json:"records"`       // records the file holds (rejected ones included)
	Loaded     int64          `json:"loaded"`        // new events now in AuditLogs
	Duplicates int64          `json:"duplicates"`    // records that repeat an event kept from another record (here or in another file)
	Repeats    int64          `json:"repeats"`       // of the duplicates, those whose kept copy is in this same file
	Conflicts  int64          `json:"conflicts"`     // records kept although another kept record shares their Id with other content
	Rejected   int64          `json:"rejected"`
	Skipped    SkipCounts     `json:"skipped,omitempty"` // records that are not audit events, by kind
	From       time.Time      `json:"from,omitzero"`
	To         time.Time      `json:"to,omitzero"`
	Rejections []Problem      `json:"rejections,omitempty"` // the first few
	ConflictIn []Problem      `json:"conflictExamples,omitempty"`
	Error      string         `json:"error,omitempty"`      // why the file (or its rest) could not be read
	Incomplete bool           `json:"incomplete,omitempty"` // the file ended early or broke off: records after that point are missing
	Elapsed    time.Duration  `json:"elapsedNs"`
}

// SkipCounts counts records that are not audit events (sign-ins,
// provisioning, other Log Analytics tables) by the kind they were.
type SkipCounts map[string]int64

func (c SkipCounts) total() int64 {
	var n int64
	for _, v := range c {
		n += v
	}
	return n
}

// String says what was skipped, largest kind first:
// "12,304 SigninLogs records, 20 signIns records".
func (c SkipCounts) String() string {
	kinds := make([]string, 0, len(c))
	for k := range c {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int {
		if c[a] != c[b] {
			return cmp.Compare(c[b], c[a])
		}
		return cmp.Compare(a, b)
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		noun := " records"
		if c[k] == 1 {
			noun = " record"
		}
		parts[i] = groupDigits(c[k]) + " " + k + noun
	}
	return strings.Join(parts, ", ")
}

// groupDigits writes n with thousands separators, as people read counts.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
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
	Files    []FileReport  `json:"files"`
	Repaired []string      `json:"repaired,omitempty"` // interrupted earlier loads whose rows were set aside
	Elapsed  time.Duration `json:"elapsedNs"`
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
		t.Repeats += f.Repeats
		for k, v := range f.Skipped {
			if t.Skipped == nil {
				t.Skipped = SkipCounts{}
			}
			t.Skipped[k] += v
		}
		if !f.From.IsZero() && (t.From.IsZero() || f.From.Before(t.From)) {
			t.From = f.From
		}
		if f.To.After(t.To) {
			t.To = f.To
		}
	}
	return t
}

// Incomplete lists the files that broke off before their end.
func (r LoadReport) Incomplete() []FileReport {
	var out []FileReport
	for _, f := range r.Files {
		if f.Incomplete {
			out = append(out, f)
		}
	}
	return out
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
	for _, note := range r.Repaired {
		fmt.Fprintf(&b, "repaired: %s\n", sanitize(note))
	}
	for _, f := range r.Files {
		switch {
		case f.Incomplete:
			fmt.Fprintf(&b, "INCOMPLETE: %s: %s; the %d records before that point are loaded\n",
				sanitize(f.Path), sanitize(f.Error), f.Records)
		case f.Error != "":
			fmt.Fprintf(&b, "error: %s: %s\n", sanitize(f.Path), sanitize(f.Error))
		}
		if len(f.Skipped) > 0 && !strings.HasPrefix(f.Error, "no audit events") {
			fmt.Fprintf(&b, "skipped: %s: %s: not audit events\n", sanitize(f.Path), sanitize(f.Skipped.String()))
		}
		if f.Repeats > 0 {
			fmt.Fprintf(&b, "duplicates: %s: %d records repeat an earlier record of the same file\n", sanitize(f.Path), f.Repeats)
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
