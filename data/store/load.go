package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

// LoadOptions tune a load.
type LoadOptions struct {
	// Strict stops the load at the first file with a rejected record or a
	// read error; that file is rolled back (files before it stay loaded).
	Strict bool
	// Stdin is what the path "-" reads (os.Stdin when nil).
	Stdin io.Reader
	// TimeZone is the zone in which a portal CSV export's "[Local Time]"
	// columns were written (--tz). Without it such a file is refused with a
	// message saying how to export it in UTC. Headers that name UTC or an
	// offset ("[UTC+02:00]") are read as they say, whatever this is.
	TimeZone *time.Location
	// Progress, when set, receives snapshots of the load (progress.go): the
	// first at once, then at most one per ProgressEvery (default
	// DefaultProgressEvery), the last with Done set before Load returns. It
	// is called from one goroutine, never concurrently, and must return
	// quickly; the load does not wait for it between updates.
	Progress      func(LoadProgress)
	ProgressEvery time.Duration
}

// ErrStrict is wrapped by the error a strict load stops with.
var ErrStrict = errors.New("strict load stopped")

// Load reads every path (files, directories walked recursively, "-" for
// standard input) into the store. Problems with single files or records are
// reported in the LoadReport and do not stop the load; the error is for
// failures of the database itself, a cancelled context, or --strict.
func (s *Store) Load(ctx context.Context, paths []string, opt LoadOptions) (LoadReport, error) {
	start := time.Now()
	var report LoadReport
	tr := newProgressTracker(opt.Progress, opt.ProgressEvery)
	defer tr.finish()
	s.loadMu.Lock()
	repaired, err := s.repairInterrupted(ctx)
	s.loadMu.Unlock()
	if err != nil {
		return report, fmt.Errorf("set aside an interrupted load: %w", err)
	}
	report.Repaired = repaired
	inputs, problems := s.expandInputs(paths, tr.stdin(paths, opt.Stdin))
	report.Files = append(report.Files, problems...)
	if opt.Strict && len(problems) > 0 {
		report.Elapsed = time.Since(start)
		return report, fmt.Errorf("%w: %s: %s", ErrStrict, problems[0].Path, problems[0].Error)
	}
	sizes := tr.sizes(inputs)
	for i, in := range inputs {
		if err := ctx.Err(); err != nil {
			return report, err
		}
		tr.beginFile(i+1, in.display, sizes[i])
		fr, err := s.loadFile(ctx, in, opt, tr)
		report.Files = append(report.Files, fr)
		if err != nil {
			report.Elapsed = time.Since(start)
			return report, err
		}
	}
	// A later file may have brought better copies of an earlier one's events.
	for i := range report.Files {
		if report.Files[i].SourceID > 0 {
			if err := fillReport(ctx, s.db, &report.Files[i]); err != nil {
				return report, err
			}
		}
	}
	report.Elapsed = time.Since(start)
	return report, nil
}

// sourceFile is one file to load: where it is, and the name to report.
type sourceFile struct {
	path    string // on disk
	display string // as the analyst named it ("-" for standard input)
	onDone  doneHook
}

// doneHook runs in the transaction that makes a file's events visible, just
// before it commits: what it writes commits with them or not at all (a pull
// chunk's state, pull_load.go). An error rolls the file back.
type doneHook func(ctx context.Context, tx *sql.Tx, sourceID int64, fr *FileReport) error

func (s *Store) loadFile(ctx context.Context, in sourceFile, opt LoadOptions, tr *progressTracker) (FileReport, error) {
	start := time.Now()
	fr := FileReport{Path: in.display}
	if in.path != in.display {
		fr.Spool = in.path // standard input's bytes, for its content key
	}
	info, err := os.Stat(in.path)
	if err != nil {
		fr.Error = err.Error()
		return fr, strictErr(opt, fr)
	}
	format, compressed, utf16, err := sniffFile(in.path)
	fr.Format, fr.Compressed = format, compressed
	if err != nil {
		fr.Error = err.Error()
		return fr, strictErr(opt, fr)
	}

	s.loadMu.Lock()
	defer s.loadMu.Unlock()

	src := sourceRow{path: in.path, display: in.display, format: format, compressed: compressed, size: info.Size(), onDone: in.onDone}
	if nativeFormat(format) && !utf16 { // DuckDB reads UTF-8 only
		ok, err := s.loadNative(ctx, src, &fr, tr)
		if err != nil {
			return fr, err
		}
		if ok {
			fr.Elapsed = time.Since(start)
			return fr, strictErr(opt, fr)
		}
		// DuckDB refused the file or some record in it: read it again record by
		// record so every bad record is named and the good ones still load.
		tr.rereadFile()
	}
	if err := s.loadStreamed(ctx, src, opt, &fr, tr); err != nil {
		return fr, err
	}
	fr.Elapsed = time.Since(start)
	if opt.Strict && (fr.Rejected > 0 || fr.Error != "") {
		return fr, strictErr(opt, fr)
	}
	return fr, nil
}

func strictErr(opt LoadOptions, fr FileReport) error {
	if !opt.Strict || (fr.Error == "" && fr.Rejected == 0 && !fr.Incomplete) {
		return nil
	}
	if fr.Error != "" {
		return fmt.Errorf("%w: %s: %s", ErrStrict, fr.Path, fr.Error)
	}
	if len(fr.Rejections) > 0 {
		return fmt.Errorf("%w: %s: %s", ErrStrict, fr.Location(fr.Rejections[0]), fr.Rejections[0].Reason)
	}
	return fmt.Errorf("%w: %s: %d records rejected", ErrStrict, fr.Path, fr.Rejected)
}

// sniffFile recognises a file's format from its content, and says whether
// it is compressed and whether it is UTF-16 text.
func sniffFile(path string) (format formats.Format, compressed, utf16 bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", false, false, err
	}
	defer f.Close()
	r, compressed, err := formats.Decompress(f)
	if err != nil {
		return "", compressed, false, err
	}
	format, err = formats.DetectFormat(bufio.NewReaderSize(r, 64<<10))
	return format, compressed, formats.IsUTF16(r), err
}

// openRecords opens a file's record stream in its format.
// tz is the load's TimeZone (see LoadOptions).
func (s *Store) openRecords(ctx context.Context, path string, format formats.Format, tz *time.Location) (formats.RecordReader, io.Closer, error) {
	return s.openRecordsCounted(ctx, path, format, tz, nil)
}

// openRecordsCounted is openRecords with the file's bytes (as stored, before
// decompression) counted by tr as they are read.
func (s *Store) openRecordsCounted(ctx context.Context, path string, format formats.Format, tz *time.Location,
	tr *progressTracker) (formats.RecordReader, io.Closer, error) {
	if format == formats.FormatParquet {
		return newParquetReader(ctx, s.db, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	r, _, err := formats.Decompress(tr.reader(f))
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	rr, err := formats.NewRecordReader(format, bufio.NewReaderSize(r, 1<<20), tz)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return rr, f, nil
}

// sourceRow is the _Sources row of a file being loaded.
type sourceRow struct {
	id         int64
	firstRow   int64
	path       string
	display    string
	format     formats.Format
	compressed bool
	size       int64
	via        string
	records    int64
	onDone     doneHook
}

// insertEvents registers a file in _Sources and inserts its rows with one
// statement, in one transaction. accept inspects the uncommitted rows and
// may refuse them (the transaction is then rolled back and ok is false).
//
// Rows get their final rowids only at commit (inside the transaction DuckDB
// numbers them locally), so everything keyed by rowid happens afterwards.
//
// With tr set, DuckDB's own progress on the insert is the file's byte
// estimate (progress_duckdb.go), which is why it runs on a connection of
// its own.
func (s *Store) insertEvents(ctx context.Context, src *sourceRow, insertSQL func(sourceID int64) string,
	accept func(tx *sql.Tx) (bool, error), tr *progressTracker) (ok bool, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var poll func() (float64, bool)
	if tr != nil && insertSQL != nil {
		var reset func()
		poll, reset = queryProgress(ctx, conn)
		defer reset() // after the transaction ends (deferred calls run last first)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// Past every id in use, also by rows whose _Sources row an interrupted
	// load never wrote.
	if err := tx.QueryRowContext(ctx, `SELECT greatest((SELECT coalesce(max(SourceId), 0) FROM _Sources),
		(SELECT coalesce(max(_SourceId), 0) FROM _Events)) + 1`).Scan(&src.id); err != nil {
		return false, err
	}
	diskPath := src.path
	if abs, err := filepath.Abs(src.path); err == nil && src.format != "records" {
		diskPath = abs
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO _Sources (SourceId, Path, DiskPath, Format, Compressed, Size, Via, LoadedAt,
		FirstRow, Records, Loaded, Duplicates, Conflicts, Rejected) VALUES (?, ?, ?, ?, ?, ?, ?, now(), -1, 0, 0, 0, 0, 0)`,
		src.id, src.display, diskPath, string(src.format), src.compressed, src.size, src.via); err != nil {
		return false, err
	}
	if insertSQL != nil {
		unwatch := tr.watch(poll)
		_, err := tx.ExecContext(ctx, insertSQL(src.id))
		unwatch()
		if err != nil {
			if ctx.Err() != nil {
				return false, ctx.Err()
			}
			return false, &insertError{err}
		}
	}
	if accept != nil {
		if ok, err := accept(tx); !ok || err != nil {
			return false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return false, err
	}
	s.keepWALPrivate()
	return true, s.fixFirstRow(ctx, src)
}

// insertError is DuckDB refusing a file's content (as opposed to failing).
type insertError struct{ err error }

func (e *insertError) Error() string { return e.err.Error() }
func (e *insertError) Unwrap() error { return e.err }

// fixFirstRow records where the file's committed rows start and checks they
// are contiguous, which record numbers (rowid - FirstRow + 1) rely on.
func (s *Store) fixFirstRow(ctx context.Context, src *sourceRow) error {
	var n, minRow, maxRow sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*), min(rowid), max(rowid) FROM _Events e WHERE `+ofSource("e", src.id)).
		Scan(&n, &minRow, &maxRow); err != nil {
		return err
	}
	src.firstRow = minRow.Int64
	if n.Int64 == 0 {
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM _Events`).Scan(&src.firstRow); err != nil {
			return err
		}
	} else if maxRow.Int64-minRow.Int64+1 != n.Int64 {
		return fmt.Errorf("%s: rows landed at %d..%d, not contiguous: record numbers would be wrong", src.display, minRow.Int64, maxRow.Int64)
	}
	src.records = n.Int64
	_, err := s.db.ExecContext(ctx, `UPDATE _Sources SET FirstRow = ? WHERE SourceId = ?`, src.firstRow, src.id)
	return err
}

// finishSource excludes rejected and skipped records and records that are
// not audit events, settles duplicates, and brings the counts of every file
// it touched up to date, in one transaction; the file counts as loaded only
// when it commits.
func (s *Store) finishSource(ctx context.Context, src sourceRow, rejected []rejection, fr *FileReport) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	fr.SourceID = src.id
	fr.Via = src.via
	fr.Records = src.records
	if _, err := tx.ExecContext(ctx, `UPDATE _Sources SET Records = ? WHERE SourceId = ?`, src.records, src.id); err != nil {
		return err
	}
	for _, rj := range rejected {
		var line any
		if rj.line > 0 {
			line = rj.line
		}
		kind, detail := "rejected", rj.reason
		if rj.skipped != "" {
			kind, detail = "skipped", rj.skipped
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO _Excluded (EventRow, SourceId, Record, Line, Kind, Detail) VALUES (?, ?, ?, ?, ?, ?)`,
			src.firstRow+rj.ordinal-1, src.id, rj.ordinal, line, kind, detail); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO _Excluded (EventRow, SourceId, Record, Line, Kind, Detail)
		SELECT e.rowid, e._SourceId, e.rowid - ? + 1, NULL, 'skipped', e.Type FROM _Events e
		WHERE `+ofSource("e", src.id)+` AND `+nonAuditSQL("e")+`
			AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`, src.firstRow); err != nil {
		return fmt.Errorf("%s: skip records that are not audit events: %w", src.display, err)
	}
	touched, err := resolveDuplicates(ctx, tx, src.id)
	if err != nil {
		return fmt.Errorf("%s: deduplicate: %w", src.display, err)
	}
	if err := recount(ctx, tx, touched); err != nil {
		return err
	}
	var errText any
	if fr.Error != "" {
		errText = fr.Error
	}
	if _, err := tx.ExecContext(ctx, `UPDATE _Sources SET Error = ?, Incomplete = ?, Done = true WHERE SourceId = ?`,
		errText, fr.Incomplete, src.id); err != nil {
		return err
	}
	if err := fillReport(ctx, tx, fr); err != nil {
		return err
	}
	if src.onDone != nil {
		if err := src.onDone(ctx, tx, src.id, fr); err != nil {
			return err
		}
	}
	if fr.Error == "" && fr.Records > 0 && fr.Skipped.total() == fr.Records {
		fr.Error = "no audit events: " + fr.Skipped.String()
		if _, err := tx.ExecContext(ctx, `UPDATE _Sources SET Error = ? WHERE SourceId = ?`, fr.Error, src.id); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.keepWALPrivate()
	return nil
}

// recount brings the stored counts and time spans of the given files up to
// date: settling duplicates can move an event's kept copy from one file to
// another. The span of a file none of whose rows is excluded is read without
// looking at the exclusions, and a file whose rows all are has none: the
// usual outcome of overlapping exports, where looking costs a third of a
// second a million rows.
func recount(ctx context.Context, tx *sql.Tx, sources []int64) error {
	for _, id := range sources {
		var records, excluded, rejected, duplicates, conflicts int64
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT Records FROM _Sources WHERE SourceId = $1),
			count(DISTINCT EventRow), count(*) FILTER (WHERE Kind = 'rejected'), count(*) FILTER (WHERE Kind = 'duplicate'),
			(SELECT count(DISTINCT EventRow) FROM _Conflicts WHERE SourceId = $1)
			FROM _Excluded WHERE SourceId = $1`, id).Scan(&records, &excluded, &rejected, &duplicates, &conflicts); err != nil {
			return fmt.Errorf("count file %d: %w", id, err)
		}
		span := `SELECT count(*) AS n, min(TimeGenerated) AS lo, max(TimeGenerated) AS hi FROM _Events e
			WHERE ` + ofSource("e", id) + ` AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`
		switch {
		case excluded == 0:
			span = `SELECT count(*) AS n, min(TimeGenerated) AS lo, max(TimeGenerated) AS hi FROM _Events e WHERE ` + ofSource("e", id)
		case excluded >= records:
			span = `SELECT 0 AS n, NULL::TIMESTAMP_NS AS lo, NULL::TIMESTAMP_NS AS hi`
		}
		if _, err := tx.ExecContext(ctx, `UPDATE _Sources s SET Rejected = $2, Duplicates = $3, Conflicts = $4,
			Loaded = v.n, MinTime = v.lo, MaxTime = v.hi
			FROM (`+span+`) v
			WHERE s.SourceId = $1`, id, rejected, duplicates, conflicts); err != nil {
			return fmt.Errorf("count file %d: %w", id, err)
		}
	}
	return nil
}

// abandonSource hides the rows of a file whose load failed half-way, so that
// AuditLogs never holds events that were not checked for duplicates.
func (s *Store) abandonSource(src sourceRow, cause error) {
	ctx := context.Background()
	s.db.ExecContext(ctx, `INSERT INTO _Excluded (EventRow, SourceId, Record, Line, Kind, Detail) SELECT e.rowid, e._SourceId, e.rowid - ? + 1, NULL, 'failed', ?
		FROM _Events e WHERE e._SourceId = ? AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`,
		src.firstRow, "load failed: "+cause.Error(), src.id)
	s.db.ExecContext(ctx, `UPDATE _Sources SET Loaded = 0, Error = ?, Done = true WHERE SourceId = ?`, "load failed: "+cause.Error(), src.id)
}

// ofSource is the condition that a row of _Events e is the file id's. The
// id is a literal (a number, never text from a log): DuckDB skips the row
// groups of other files for a literal, but reads them all for a bound
// parameter.
func ofSource(e string, id int64) string {
	return e + "._SourceId = " + strconv.FormatInt(id, 10)
}

// nullTime is t as nanoseconds for make_timestamp_ns: the driver's binding
// of a time.Time refuses instants DuckDB's TIMESTAMP_NS holds (before 1678).
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}
