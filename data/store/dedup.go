package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// eventFingerprint is what makes two records with the same Id the same event
// whichever export they came in: the fields every format carries, with the
// time at millisecond precision (the coarsest export, the portal CSV, keeps
// only milliseconds) and Result without case (exports differ in its case).
// Dynamic columns are stored as text that may not be JSON, hence try_cast.
const eventFingerprint = `hash(Id, date_trunc('millisecond', TimeGenerated), OperationName, lower(Result), CorrelationId,
	json_extract_string(try_cast(InitiatedBy AS JSON), '$.user.userPrincipalName'),
	json_extract_string(try_cast(InitiatedBy AS JSON), '$.user.id'),
	json_extract_string(try_cast(InitiatedBy AS JSON), '$.app.servicePrincipalId'),
	json_extract_string(try_cast(InitiatedBy AS JSON), '$.app.displayName'),
	json_extract_string(try_cast(TargetResources AS JSON), '$[0].id'),
	json_extract_string(try_cast(TargetResources AS JSON), '$[0].userPrincipalName'))`

// dedupSource marks the new file's records that repeat an event already
// loaded (or earlier in the same file) as duplicates, and counts records
// that share an Id with a different event as conflicts (both are kept:
// dropping either could lose evidence). Records without an Id (the portal
// CSV has none) are compared by content alone.
func dedupSource(ctx context.Context, tx *sql.Tx, src sourceRow, fr *FileReport) error {
	visible := `NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid)`
	var others int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM _Sources WHERE SourceId <> ? AND Loaded > 0`, src.id).Scan(&others); err != nil {
		return err
	}
	// Only Ids seen more than once need a fingerprint; usually there are
	// none. Candidates are found by a 64-bit hash of the Id, which groups far
	// faster than the strings; a collision only adds a candidate.
	dupIDs := `SELECT h FROM _new_ids WHERE n > 1`
	if others > 0 {
		dupIDs += ` UNION SELECT hash(e.Id) FROM _Events e SEMI JOIN _new_ids n ON n.h = hash(e.Id) WHERE e._SourceId <> $1 AND ` + visible
	}
	stmts := []string{
		`CREATE OR REPLACE TEMP TABLE _new_ids AS
			SELECT hash(Id) AS h, count(*) AS n FROM _Events e WHERE _SourceId = $1 AND ` + visible + ` GROUP BY h`,
		`CREATE OR REPLACE TEMP TABLE _dup_ids AS ` + dupIDs,
		`CREATE OR REPLACE TEMP TABLE _dup_rows AS
			SELECT e.rowid AS r, e._SourceId AS src, e.Id AS id, ` + eventFingerprint + ` AS fp
			FROM _Events e SEMI JOIN _dup_ids d ON d.h = hash(e.Id) WHERE ` + visible,
		`CREATE OR REPLACE TEMP TABLE _dup_keep AS
			SELECT r, src, id, fp, min(r) OVER (PARTITION BY id, fp) AS keep,
				count(DISTINCT fp) OVER (PARTITION BY id) AS variants
			FROM _dup_rows`,
	}
	for _, q := range stmts {
		if strings.Contains(q, "$1") {
			if _, err := tx.ExecContext(ctx, q, src.id); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	defer func() {
		for _, t := range []string{"_new_ids", "_dup_ids", "_dup_rows", "_dup_keep"} {
			tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
		}
	}()
	res, err := tx.ExecContext(ctx, `INSERT INTO _Excluded
		SELECT k.r, k.src, k.r - $2 + 1, NULL, 'duplicate',
			'same event as ' || s.Path || ': record ' || (k.keep - s.FirstRow + 1)
		FROM _dup_keep k JOIN _Events e ON e.rowid = k.keep JOIN _Sources s ON s.SourceId = e._SourceId
		WHERE k.src = $1 AND k.r <> k.keep`, src.id, src.firstRow)
	if err != nil {
		return err
	}
	fr.Duplicates, _ = res.RowsAffected()

	rows, err := tx.QueryContext(ctx, `SELECT k.r - $2 + 1, count(*) OVER (), k.id,
			(SELECT count(*) FROM _dup_keep o WHERE o.id = k.id AND o.fp <> k.fp)
		FROM _dup_keep k
		WHERE k.src = $1 AND k.r = k.keep AND k.variants > 1 AND k.id <> ''
		ORDER BY k.r LIMIT $3`, src.id, src.firstRow, MaxRejectionsShown)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rec, total, others int64
		var id string
		if err := rows.Scan(&rec, &total, &id, &others); err != nil {
			return err
		}
		fr.Conflicts = total
		fr.ConflictIn = append(fr.ConflictIn, Problem{Record: rec,
			Reason: fmt.Sprintf("Id %q is shared with %d other record(s) of different content; both kept", id, others)})
	}
	return rows.Err()
}
