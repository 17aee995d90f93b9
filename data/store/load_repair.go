package store

import (
	"context"
	"fmt"
)

// A load that was killed part-way (kill -9, a crash, a full disk) leaves
// rows of a file that never finished: its _Sources row is not Done. Those
// rows are never in AuditLogs (the view keeps finished files only) and never
// candidates for deduplication, but they must not be mistaken for a file
// later either. repairInterrupted sets them aside for good, says so, and
// lets the same file load again as if for the first time.

const interruptedReason = "the load of this file was interrupted before it finished (the process was killed or failed); its records are set aside, load the file again"

// repairInterrupted marks the rows of unfinished loads as failed and returns
// one note per file repaired. It runs before every load, under loadMu.
func (s *Store) repairInterrupted(ctx context.Context) ([]string, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT SourceId, Path FROM _Sources WHERE NOT Done ORDER BY SourceId`)
	if err != nil {
		return nil, err
	}
	type unfinished struct {
		id   int64
		path string
	}
	var found []unfinished
	for rows.Next() {
		var u unfinished
		if err := rows.Scan(&u.id, &u.path); err != nil {
			rows.Close()
			return nil, err
		}
		found = append(found, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var notes []string
	for _, u := range found {
		res, err := tx.ExecContext(ctx, `INSERT INTO _Excluded (EventRow, SourceId, Record, Line, Kind, Detail)
			SELECT e.rowid, e._SourceId, 0, NULL, 'failed', ? FROM _Events e
			WHERE e._SourceId = ? AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`, interruptedReason, u.id)
		if err != nil {
			return nil, err
		}
		n, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `UPDATE _Sources SET Done = true, Loaded = 0, Duplicates = 0, Conflicts = 0,
			MinTime = NULL, MaxTime = NULL, Error = ? WHERE SourceId = ?`, interruptedReason, u.id); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM _Conflicts WHERE SourceId = ?`, u.id); err != nil {
			return nil, err
		}
		notes = append(notes, fmt.Sprintf("%s: an earlier load was interrupted; its %d stored records were set aside", u.path, n))
	}
	if len(found) == 0 {
		return nil, nil
	}
	return notes, tx.Commit()
}
