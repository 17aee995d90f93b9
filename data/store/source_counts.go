package store

import (
	"context"
	"database/sql"
	"fmt"
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
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM _Excluded
		WHERE SourceId = $1 AND Kind = 'duplicate' AND KeptSource = $1`, fr.SourceID).Scan(&fr.Repeats); err != nil {
		return err
	}
	fr.Skipped = nil
	rows, err := q.QueryContext(ctx, `SELECT Detail, count(*) FROM _Excluded WHERE SourceId = ? AND Kind = 'skipped' GROUP BY Detail`, fr.SourceID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var kind string
		var n int64
		if err := rows.Scan(&kind, &n); err != nil {
			rows.Close()
			return err
		}
		if fr.Skipped == nil {
			fr.Skipped = SkipCounts{}
		}
		fr.Skipped[kind] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	fr.Rejections = nil
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
	fr.ConflictIn = nil
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
