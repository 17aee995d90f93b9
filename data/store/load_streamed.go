package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// loadStreamed reads a file record by record with its Go reader, writes the
// records as canonical NDJSON to a temp file (one line per record, rejected
// ones as "{}" so that line N is still record N), and loads that with DuckDB.
func (s *Store) loadStreamed(ctx context.Context, src sourceRow, opt LoadOptions, fr *FileReport, tr *progressTracker) error {
	rr, closer, err := s.openRecordsCounted(ctx, src.path, src.format, opt.TimeZone, tr)
	if err != nil {
		fr.Error = err.Error()
		return nil
	}
	defer closer.Close()
	return s.loadRecordStream(ctx, src, rr, fr, opt.Strict, tr)
}

// LoadRecords loads records held in memory as if they were a file called
// name (the demo tenant, tests).
func (s *Store) LoadRecords(ctx context.Context, name string, recs []data.Record) (FileReport, error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	fr := FileReport{Path: name, Format: "records"}
	src := sourceRow{path: name, display: name, format: "records"}
	err := s.loadRecordStream(ctx, src, &sliceReader{recs: recs}, &fr, false, nil)
	return fr, err
}

// sliceReader is a RecordReader over records already in memory.
type sliceReader struct {
	recs []data.Record
	i    int
}

func (r *sliceReader) Next() (formats.RawRecord, data.Record, error) {
	if r.i >= len(r.recs) {
		return formats.RawRecord{}, data.Record{}, io.EOF
	}
	r.i++
	if r.recs[r.i-1].TimeGenerated.IsZero() {
		return formats.RawRecord{}, data.Record{}, &formats.RecordError{Ordinal: int64(r.i), Reason: "no TimeGenerated"}
	}
	return formats.RawRecord{Ordinal: int64(r.i)}, r.recs[r.i-1], nil
}

// rejection is a record kept out of AuditLogs by the reader: rejected with
// a reason, or skipped as not an audit event (skipped names its kind).
type rejection struct {
	ordinal, line int64
	reason        string
	skipped       string
}

// With strict set, a file with any rejected record or read error is not
// loaded at all.
//
// tr (nil for none) counts the records as they are read.
func (s *Store) loadRecordStream(ctx context.Context, src sourceRow, rr formats.RecordReader, fr *FileReport, strict bool,
	tr *progressTracker) error {
	tmp, err := os.CreateTemp("", "guesthunt-*.ndjson")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	w := bufio.NewWriterSize(tmp, 1<<20)
	enc := formats.NewCanonicalEncoder(w)
	var rejected []rejection
	var ordinal int64
	for {
		if ordinal%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		raw, rec, err := rr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var recErr *formats.RecordError
		var skip *formats.SkipError
		if errors.As(err, &recErr) || errors.As(err, &skip) {
			ordinal++
			tr.record()
			rj := rejection{ordinal: ordinal}
			if skip != nil {
				rj.line, rj.skipped = skip.Line, skip.Kind
			} else {
				rj.line, rj.reason = recErr.Line, recErr.Reason
			}
			if got := max(skipOrdinal(skip), recordOrdinal(recErr)); got > 0 && got != ordinal {
				return fmt.Errorf("%s: reader skipped from record %d to %d", src.display, ordinal, got)
			}
			rejected = append(rejected, rj)
			if _, err := w.WriteString("{}\n"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			fr.Error = err.Error()
			fr.Incomplete = !errors.Is(err, formats.ErrNotAuditLog)
			break
		}
		ordinal++
		tr.record()
		if raw.Ordinal > 0 && raw.Ordinal != ordinal {
			return fmt.Errorf("%s: reader skipped from record %d to %d", src.display, ordinal, raw.Ordinal)
		}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}

	if strict && (rejectedCount(rejected) > 0 || fr.Error != "") {
		fr.Records, fr.Rejected = ordinal, rejectedCount(rejected)
		for _, rj := range rejected {
			if rj.skipped == "" && len(fr.Rejections) < MaxRejectionsShown {
				fr.Rejections = append(fr.Rejections, Problem{Record: rj.ordinal, Line: rj.line, Reason: rj.reason})
			}
		}
		return nil
	}
	tr.phase(PhaseStoring)
	src.via = "go"
	var insertSQL func(int64) string
	if ordinal > 0 {
		insertSQL = insertEventsSQL(fmt.Sprintf(
			"read_json(%s, format='newline_delimited', records=true, columns=%s, maximum_object_size=67108864) r",
			sqlString(tmp.Name()), jsonColumnsArg()))
	}
	if _, err := s.insertEvents(ctx, &src, insertSQL, nil, nil); err != nil {
		return fmt.Errorf("%s: load records: %w", src.display, err)
	}
	if src.records != ordinal {
		err := fmt.Errorf("%s: %d records read but %d stored", src.display, ordinal, src.records)
		s.abandonSource(src, err)
		return err
	}
	tr.phase(PhaseSettling)
	if err := s.finishSource(ctx, src, rejected, fr); err != nil {
		s.abandonSource(src, err)
		return err
	}
	return nil
}

func rejectedCount(rs []rejection) int64 {
	var n int64
	for _, r := range rs {
		if r.skipped == "" {
			n++
		}
	}
	return n
}

func skipOrdinal(e *formats.SkipError) int64 {
	if e == nil {
		return 0
	}
	return e.Ordinal
}

func recordOrdinal(e *formats.RecordError) int64 {
	if e == nil {
		return 0
	}
	return e.Ordinal
}
