package formats

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// csvRow is one data row of a CSV export, as found in the file.
type csvRow struct {
	raw   RawRecord
	cells []string
	err   *RecordError // a syntax error or a wrong cell count: the row is rejected
}

// csvScanner reads the rows of a CSV file with encoding/csv (RFC 4180,
// strict quotes) and keeps each row's original bytes: csv.Reader reads
// ahead through its own buffer, so a tape records what it consumed and
// InputOffset says where each row ends. Raw is that slice of the input
// (without the BOM, blank lines before the row and the row's final line
// break), not a re-encoding.
type csvScanner struct {
	src     io.Reader
	tape    *csvTape
	csv     *csv.Reader
	ordinal int64
	offset  int64 // InputOffset at the end of the previous row
}

func newCSVScanner(r io.Reader) *csvScanner {
	return &csvScanner{src: r}
}

// start drops an optional UTF-8 byte-order mark and sets up the csv.Reader.
func (s *csvScanner) start() error {
	head := make([]byte, 3)
	n, err := io.ReadFull(s.src, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return err
	}
	head = head[:n]
	if bytes.Equal(head, []byte("\xef\xbb\xbf")) {
		head = nil
	}
	s.tape = &csvTape{r: io.MultiReader(bytes.NewReader(head), s.src)}
	s.csv = csv.NewReader(s.tape)
	s.csv.FieldsPerRecord = -1 // a wrong cell count rejects one row, checked by the caller
	return nil
}

// header reads the first row. Its errors are fatal: without column names
// no row can be read.
func (s *csvScanner) header() (cells []string, line int64, err error) {
	if err := s.start(); err != nil {
		return nil, 0, err
	}
	row, err := s.read()
	if err == io.EOF {
		return nil, 0, fmt.Errorf("%w: the file is empty (expected a CSV header row)", ErrNotAuditLog)
	}
	if err != nil {
		return nil, 0, err
	}
	if row.err != nil {
		return nil, row.raw.Line, fmt.Errorf("%w: line %d: the CSV header cannot be read: %s",
			ErrNotAuditLog, row.raw.Line, row.err.Reason)
	}
	return row.cells, row.raw.Line, nil
}

// next reads one data row. A row encoding/csv rejects comes back with err
// set (the reader resumes on the line after the fault); I/O errors are fatal.
func (s *csvScanner) next() (csvRow, error) {
	row, err := s.read()
	if err != nil {
		return row, err
	}
	s.ordinal++
	row.raw.Ordinal = s.ordinal
	if row.err != nil {
		row.err.Ordinal = s.ordinal
	}
	return row, nil
}

func (s *csvScanner) read() (csvRow, error) {
	cells, err := s.csv.Read()
	var parseErr *csv.ParseError
	if err != nil && !errors.As(err, &parseErr) {
		return csvRow{}, err // io.EOF or an I/O error
	}
	end := s.csv.InputOffset()
	raw := trimRowText(s.tape.take(s.offset, end))
	s.offset = end

	var row csvRow
	if parseErr != nil {
		row.raw.Line = int64(parseErr.StartLine)
		row.err = &RecordError{Line: row.raw.Line, Reason: csvSyntaxReason(parseErr)}
	} else {
		line, _ := s.csv.FieldPos(0) // Read never returns a row without fields
		row.raw.Line = int64(line)
		row.cells = cells
	}
	row.raw.Raw = raw
	return row, nil
}

func csvSyntaxReason(e *csv.ParseError) string {
	if e.Line != e.StartLine {
		return fmt.Sprintf("CSV syntax error on line %d, column %d: %v", e.Line, e.Column, e.Err)
	}
	return fmt.Sprintf("CSV syntax error at column %d: %v", e.Column, e.Err)
}

// trimRowText cuts the blank lines encoding/csv skipped before a row and the
// row's own line break.
func trimRowText(b []byte) []byte {
	for {
		switch {
		case bytes.HasPrefix(b, []byte("\n")):
			b = b[1:]
		case bytes.HasPrefix(b, []byte("\r\n")):
			b = b[2:]
		default:
			b = bytes.TrimSuffix(b, []byte("\n"))
			return bytes.TrimSuffix(b, []byte("\r"))
		}
	}
}

// csvTape remembers the bytes read through it until they are taken.
type csvTape struct {
	r    io.Reader
	buf  []byte
	base int64 // input offset of buf[0]
}

func (t *csvTape) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// take returns a copy of the input between offsets from and to and forgets
// everything before to.
func (t *csvTape) take(from, to int64) []byte {
	lo, hi := from-t.base, to-t.base
	if lo < 0 || hi < lo || hi > int64(len(t.buf)) {
		return nil // cannot happen while offsets come from csv.Reader
	}
	out := bytes.Clone(t.buf[lo:hi])
	rest := copy(t.buf, t.buf[hi:])
	t.buf = t.buf[:rest]
	t.base = to
	return out
}

// csvLayout turns the rows of one CSV export format into Records.
type csvLayout interface {
	// useHeader learns the columns from the header row found on line; an
	// error means the file is not of this format.
	useHeader(cells []string, line int64) error
	// timeColumns are the indexes of cells holding timestamps.
	timeColumns() []int
	// record converts a row with the header's cell count; an error rejects it.
	record(cells []string, dates *fileDateOrder) (data.Record, error)
}

// Rows may wait for a proof of the date order only this long; then the
// order is assumed (see fileDateOrder).
const (
	csvMaxWaitingRows  = 10000
	csvMaxWaitingBytes = 32 << 20
)

// csvRecordReader is the RecordReader of the CSV formats.
type csvRecordReader struct {
	scan    *csvScanner
	layout  csvLayout
	dates   fileDateOrder
	width   int // header cell count
	started bool

	waiting      []csvRow // rows read but not yet returned, in file order
	waitingBytes int
	mustWait     []bool // per waiting row: its dates need the order
	maxRows      int
	maxBytes     int

	atEnd bool  // the scanner has nothing more
	fatal error // returned once the waiting rows are out
}

func newCSVRecordReader(r io.Reader, layout csvLayout) *csvRecordReader {
	return &csvRecordReader{
		scan: newCSVScanner(r), layout: layout,
		maxRows: csvMaxWaitingRows, maxBytes: csvMaxWaitingBytes,
	}
}

func (r *csvRecordReader) Next() (RawRecord, data.Record, error) {
	if !r.started {
		r.started = true
		cells, line, err := r.scan.header()
		if err == nil {
			err = r.layout.useHeader(cells, line)
		}
		if err != nil {
			r.atEnd, r.fatal = true, err
		}
		r.width = len(cells)
	}
	for {
		if len(r.waiting) > 0 && r.canRelease() {
			return r.release()
		}
		if r.atEnd {
			if r.fatal != nil {
				return RawRecord{}, data.Record{}, r.fatal
			}
			return RawRecord{}, data.Record{}, io.EOF
		}
		row, err := r.scan.next()
		if err != nil {
			r.atEnd = true
			if err != io.EOF {
				r.fatal = fmt.Errorf("after data row %d: %w", r.scan.ordinal, err)
			}
			continue
		}
		r.hold(row)
	}
}

// hold queues a row, first checking its cell count and noting what its
// dates say about the file's date order.
func (r *csvRecordReader) hold(row csvRow) {
	if row.err == nil && len(row.cells) != r.width {
		row.err = &RecordError{Ordinal: row.raw.Ordinal, Line: row.raw.Line,
			Reason: fmt.Sprintf("the row has %d cells, the header has %d", len(row.cells), r.width)}
	}
	wait := false
	if row.err == nil {
		for _, i := range r.layout.timeColumns() {
			if r.dates.observe(row.cells[i], row.raw.Line) {
				wait = true
			}
		}
	}
	r.waiting = append(r.waiting, row)
	r.mustWait = append(r.mustWait, wait)
	r.waitingBytes += len(row.raw.Raw)
}

// canRelease reports whether the oldest waiting row can be converted now.
func (r *csvRecordReader) canRelease() bool {
	switch {
	case r.dates.decided() || !r.mustWait[0]:
		return true
	case r.atEnd:
		r.dates.assume("no date in the file has a day above 12")
		return true
	case len(r.waiting) >= r.maxRows || r.waitingBytes >= r.maxBytes:
		r.dates.assume(fmt.Sprintf("no date in the %d rows from there has a day above 12", len(r.waiting)))
		return true
	}
	return false
}

func (r *csvRecordReader) release() (RawRecord, data.Record, error) {
	row := r.waiting[0]
	r.waiting[0] = csvRow{}
	r.waiting, r.mustWait = r.waiting[1:], r.mustWait[1:]
	r.waitingBytes -= len(row.raw.Raw)
	if row.err != nil {
		return row.raw, data.Record{}, row.err
	}
	rec, err := r.layout.record(row.cells, &r.dates)
	if err != nil {
		return row.raw, data.Record{}, &RecordError{Ordinal: row.raw.Ordinal, Line: row.raw.Line, Reason: err.Error()}
	}
	return row.raw, rec, nil
}

// csvHeader finds columns by name: an exact match first, then one that
// differs only in case. The first of duplicate names wins.
type csvHeader struct {
	exact  map[string]int
	folded map[string]int
}

// newCSVHeader indexes the header cells after clean has normalised each.
func newCSVHeader(cells []string, clean func(string) string) csvHeader {
	h := csvHeader{exact: map[string]int{}, folded: map[string]int{}}
	for i, c := range cells {
		name := clean(c)
		if _, dup := h.exact[name]; !dup {
			h.exact[name] = i
		}
		if _, dup := h.folded[strings.ToLower(name)]; !dup {
			h.folded[strings.ToLower(name)] = i
		}
	}
	return h
}

// index is the column called name, or -1.
func (h csvHeader) index(name string) int {
	if i, ok := h.exact[name]; ok {
		return i
	}
	if i, ok := h.folded[strings.ToLower(name)]; ok {
		return i
	}
	return -1
}

// csvCell is cells[i], or "" for a column the header lacks (i < 0).
func csvCell(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// csvJSON encodes v without escaping <, > and & (hostile strings stay
// readable and exact). Invalid UTF-8 in a string becomes U+FFFD, as JSON
// cannot carry it.
func csvJSON(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}
