package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
)

// querier is what both *sql.DB and *sql.Tx offer for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// fillReport reads a loaded file's counts, as they stand now, into fr: the
// counts of earlier files change when a later file brings a better copy of
// their events.
func fillReport(ctx context.Context, q querier, fr *FileReport) error {
	var from, to sql.NullTime
	if err := q.QueryRowContext(ctx, `SELECT Records, Loaded, Duplicates, Conflicts, Rejected, MinTime, MaxTime FROM _Sources WHERE SourceId = ?`,
		fr.SourceID).Scan(&fr.Records, &fr.Loaded, &fr.Duplicates, &fr.Conflicts, &fr.Rejected, &from, &to); err != nil {
		return fmt.Errorf("read counts of %s: %w", fr.Path, err)
	}
	fr.From, fr.To = time.Time{}, time.Time{}
	if from.Valid {
		fr.From, fr.To = from.Time.UTC(), to.Time.UTC()
	}
	// Repeats inside the file and skipped records by kind, in one pass over
	// the file's exclusions (named by a literal id, which DuckDB prunes by).
	fr.Repeats, fr.Skipped = 0, nil
	id := strconv.FormatInt(fr.SourceID, 10)
	rows, err := q.QueryContext(ctx, `SELECT Kind, Detail, count(*) FILTER (WHERE KeptSource = `+id+`)::BIGINT, count(*)::BIGINT
		FROM _Excluded WHERE SourceId = `+id+` AND Kind IN ('duplicate', 'skipped') GROUP BY Kind, Detail`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var kind, detail string
		var repeats, n int64
		if err := rows.Scan(&kind, &detail, &repeats, &n); err != nil {
			rows.Close()
			return err
		}
		switch kind {
		case "duplicate":
			fr.Repeats += repeats
		case "skipped":
			if fr.Skipped == nil {
				fr.Skipped = SkipCounts{}
			}
			fr.Skipped[detail] = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	fr.Rejections, fr.ConflictIn = nil, nil
	if fr.Rejected == 0 && fr.Conflicts == 0 {
		return nil
	}
	rows, err = q.QueryContext(ctx, `SELECT Record, coalesce(Line, 0), Detail FROM _Excluded WHERE SourceId = ? AND Kind = 'rejected'
		ORDER BY Record LIMIT ?`, fr.SourceID, MaxRejectionsShown)
	if err != nil {
		return err
	}
	for rows.Next() {
		var p Problem
		if err := rows.Scan(&p.Record, &p.Line, &p.Reason); err != nil {
			rows.Close()
			return err
		}
		fr.Rejections = append(fr.Rejections, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if fr.Conflicts == 0 {
		return nil
	}
	rows, err = q.QueryContext(ctx, `SELECT c.EventRow - s.FirstRow + 1, e.Id, c.Field, os.Path, c.OtherRow - os.FirstRow + 1
		FROM _Conflicts c JOIN _Sources s ON s.SourceId = c.SourceId JOIN _Events e ON e.rowid = c.EventRow
			JOIN _Events o ON o.rowid = c.OtherRow JOIN _Sources os ON os.SourceId = o._SourceId
		WHERE c.SourceId = ? ORDER BY c.EventRow, c.OtherRow LIMIT ?`, fr.SourceID, MaxRejectionsShown)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var p Problem
		var id, field, otherPath string
		var otherRecord int64
		if err := rows.Scan(&p.Record, &id, &field, &otherPath, &otherRecord); err != nil {
			return err
		}
		p.Reason = fmt.Sprintf("Id %q is also %s: record %d, which differs in %s; both kept", id, otherPath, otherRecord, field)
		fr.ConflictIn = append(fr.ConflictIn, p)
	}
	return rows.Err()
}
