package store

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

// SourceInfo is one loaded file as recorded in the store.
type SourceInfo struct {
	ID       int64
	Path     string // as the analyst named it
	DiskPath string // where it was read from
	Format   formats.Format
	Records  int64
	Loaded   int64
	From, To time.Time
}

// Source returns what the store knows of a loaded file.
func (s *Store) Source(ctx context.Context, id int64) (SourceInfo, error) {
	var si SourceInfo
	var format string
	var from, to sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT SourceId, Path, DiskPath, Format, Records, Loaded, MinTime, MaxTime
		FROM _Sources WHERE SourceId = ?`, id).Scan(&si.ID, &si.Path, &si.DiskPath, &format, &si.Records, &si.Loaded, &from, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return si, fmt.Errorf("no loaded file with id %d", id)
	}
	si.Format = formats.Format(format)
	if from.Valid {
		si.From, si.To = from.Time.UTC(), to.Time.UTC()
	}
	return si, err
}

// RawRecord reads record number record (1-based) of a loaded file back from
// disk, as it was in the export. Records are not stored twice: re-reading is
// cheap for the one record the detail view shows (see docs/PERFORMANCE.md).
func (s *Store) RawRecord(ctx context.Context, sourceID, record int64) (formats.RawRecord, error) {
	si, err := s.Source(ctx, sourceID)
	if err != nil {
		return formats.RawRecord{}, err
	}
	if si.Format == "records" {
		return formats.RawRecord{}, fmt.Errorf("%s was loaded from memory and has no file to show", si.Path)
	}
	if _, err := os.Stat(si.DiskPath); err != nil {
		return formats.RawRecord{}, fmt.Errorf("%s is no longer available: %w", si.Path, err)
	}
	if record < 1 || record > si.Records {
		return formats.RawRecord{}, fmt.Errorf("%s has no record %d", si.Path, record)
	}
	if lineDelimited(si.Format) {
		return nthNonBlankLine(si.DiskPath, record)
	}
	// Only the raw text is wanted: any zone will do for "[Local Time]" columns.
	rr, closer, err := s.openRecords(ctx, si.DiskPath, si.Format, time.UTC)
	if err != nil {
		return formats.RawRecord{}, err
	}
	defer closer.Close()
	for {
		raw, _, err := rr.Next()
		var recErr *formats.RecordError
		switch {
		case errors.As(err, &recErr):
			if recErr.Ordinal == record {
				return formats.RawRecord{Ordinal: record, Line: recErr.Line, Raw: raw.Raw}, nil
			}
			continue
		case err != nil:
			return formats.RawRecord{}, fmt.Errorf("%s: record %d: %w", si.Path, record, err)
		case raw.Ordinal == record:
			return raw, nil
		}
	}
}

func lineDelimited(f formats.Format) bool {
	return f == formats.FormatLANDJSON || f == formats.FormatGraphNDJSON || f == formats.FormatDiag
}

// nthNonBlankLine finds an NDJSON record without parsing the ones before it.
func nthNonBlankLine(path string, record int64) (formats.RawRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return formats.RawRecord{}, err
	}
	defer f.Close()
	r, _, err := formats.Decompress(f)
	if err != nil {
		return formats.RawRecord{}, err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	var line, seen int64
	var long []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long, chunk...)
			continue
		}
		if len(chunk) == 0 && errors.Is(err, io.EOF) && long == nil {
			return formats.RawRecord{}, fmt.Errorf("%s has no record %d", path, record)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return formats.RawRecord{}, err
		}
		text := chunk
		if long != nil {
			text = append(long, chunk...)
			long = nil
		}
		line++
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf")) // a UTF-8 byte-order mark
		}
		if len(bytes.TrimSpace(text)) > 0 {
			seen++
			if seen == record {
				return formats.RawRecord{Ordinal: record, Line: line, Raw: append([]byte(nil), bytes.TrimRight(text, "\r\n")...)}, nil
			}
		}
		if errors.Is(err, io.EOF) {
			return formats.RawRecord{}, fmt.Errorf("%s has no record %d", path, record)
		}
	}
}
