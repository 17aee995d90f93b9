package store

import (
	"context"
	"time"
)

// FileSpan is the events' span [From, To] (both included) of one loaded
// file, as against a pull's chunks: a file holds whatever the export held,
// every operation, so a view that needs more than invites can trust it
// where a pull of scope invites says nothing.
type FileSpan struct {
	SourceID int64
	From, To time.Time
}

// FileSpans lists the loaded files' spans (pulled chunks left out), oldest
// first. It works on a read-only store.
func (s *Store) FileSpans(ctx context.Context) ([]FileSpan, error) {
	pulls, err := s.hasPullTables(ctx, false)
	if err != nil {
		return nil, err
	}
	q := `SELECT SourceId, MinTime, MaxTime FROM _Sources WHERE Done AND Loaded > 0 AND MinTime IS NOT NULL`
	if pulls {
		q += ` AND SourceId NOT IN (SELECT SourceId FROM _PullChunks WHERE SourceId IS NOT NULL)`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY MinTime, SourceId`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FileSpan
	for rows.Next() {
		var f FileSpan
		if err := rows.Scan(&f.SourceID, &f.From, &f.To); err != nil {
			return nil, err
		}
		f.From, f.To = f.From.UTC(), f.To.UTC()
		out = append(out, f)
	}
	return out, rows.Err()
}
