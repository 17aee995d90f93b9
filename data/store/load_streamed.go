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
func (s *Store) loadStreamed(ctx context.Context, src sourceRow, opt LoadOptions, fr *FileReport) error {
	rr, closer, err := s.openRecords(ctx, src.path, src.format)
	if err != nil {
		fr.Error = err.Error()
		return nil
	}
	defer closer.Close()
	return s.loadRecordStream(ctx, src, rr, fr, opt.Strict)
}

// LoadRecords loads records held in memory as if they were a file called
// name (the demo tenant, tests).
func (s *Store) LoadRecords(ctx context.Context, name string, recs []data.Record) (FileReport, error) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	fr := FileReport{Path: name, Format: "records"}
	src := sourceRow{path: name, display: name, format: "records"}
	err := s.loadRecordStream(ctx, src, &sliceReader{recs: recs}, &fr, false)
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

type rejection struct {
	ordinal, line int64
	reason        string
}

// With strict set, a file with any rejected record or read error is not
// loaded at all.
func (s *Store) loadRecordStream(ctx context.Context, src sourceRow, rr formats.RecordReader, fr *FileReport, strict bool) error {
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
		if errors.As(err, &recErr) {
			ordinal++
			if recErr.Ordinal > 0 && recErr.Ordinal != ordinal {
				return fmt.Errorf("%s: reader skipped from record %d to %d", src.display, ordinal, recErr.Ordinal)
			}
			rejected = append(rejected, rejection{ordinal, recErr.Line, recErr.Reason})
			if _, err := w.WriteString("{}\n"); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			fr.Error = err.Error()
			break
		}
		ordinal++
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

	if strict && (len(rejected) > 0 || fr.Error != "") {
		fr.Records, fr.Rejected = ordinal, int64(len(rejected))
		for i, rj := range rejected {
			if i == MaxRejectionsShown {
				break
			}
			fr.Rejections = append(fr.Rejections, Problem{Record: rj.ordinal, Line: rj.line, Reason: rj.reason})
		}
		return nil
	}
	src.via = "go"
	var insertSQL func(int64) string
	if ordinal > 0 {
		insertSQL = insertEventsSQL(fmt.Sprintf(
			"read_json(%s, format='newline_delimited', records=true, columns=%s, maximum_object_size=67108864) r",
			sqlString(tmp.Name()), jsonColumnsArg()))
	}
	if _, err := s.insertEvents(ctx, &src, insertSQL, nil); err != nil {
		return fmt.Errorf("%s: load records: %w", src.display, err)
	}
	if src.records != ordinal {
		err := fmt.Errorf("%s: %d records read but %d stored", src.display, ordinal, src.records)
		s.abandonSource(src, err)
		return err
	}
	if err := s.finishSource(ctx, src, rejected, fr); err != nil {
		s.abandonSource(src, err)
		return err
	}
	return nil
}
