package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// RecordKey names one loaded event by where it came from: the file's
// SourceId and the record number within it (AuditLogs' _SourceId and
// _SourceRecord). It is stable for the life of a case file.
type RecordKey struct {
	SourceID int64
	Record   int64
}

// Records fetches the events with the given keys in their canonical shape.
// It reads those rows only (by rowid), not the whole table, so the rule can
// keep a narrow cache and still return every column of its few alert rows.
// Keys of rejected or duplicate records, or of no record, are absent from
// the result.
func (s *Store) Records(ctx context.Context, keys []RecordKey) (map[RecordKey]data.Record, error) {
	out := make(map[RecordKey]data.Record, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	firstRows, err := s.firstRows(ctx)
	if err != nil {
		return nil, err
	}
	rowids := make([]int64, 0, len(keys))
	for _, k := range keys {
		if first, ok := firstRows[k.SourceID]; ok && k.Record >= 1 {
			rowids = append(rowids, first+k.Record-1)
		}
	}
	slices.Sort(rowids)
	rowids = slices.Compact(rowids)
	const batch = 2000
	for start := 0; start < len(rowids); start += batch {
		part := rowids[start:min(start+batch, len(rowids))]
		if err := s.fetchRecords(ctx, part, firstRows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rowGroupSize is DuckDB's default number of rows per row group.
const rowGroupSize = 122_880

// rowidFilter selects the given (sorted) rowids with one scan per row group
// they fall in, each bounded by its first and last rowid. The rowids are
// numbers this package computed, written as literals: DuckDB skips the row
// groups outside a literal range, but with bound parameters it read the
// whole table once per group (a quarter of a second for the 21 alert rows of
// a million events, twice that at two million).
func rowidFilter(rowids []int64) string {
	var branches []string
	for i := 0; i < len(rowids); {
		j := i
		for j < len(rowids) && rowids[j]/rowGroupSize == rowids[i]/rowGroupSize {
			j++
		}
		list := make([]string, j-i)
		for n, r := range rowids[i:j] {
			list[n] = strconv.FormatInt(r, 10)
		}
		branches = append(branches, fmt.Sprintf("SELECT * FROM _Events WHERE rowid BETWEEN %d AND %d AND rowid IN (%s)",
			rowids[i], rowids[j-1], strings.Join(list, ", ")))
		i = j
	}
	return strings.Join(branches, " UNION ALL ")
}

func (s *Store) firstRows(ctx context.Context) (map[int64]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT SourceId, FirstRow FROM _Sources WHERE Done`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]int64{}
	for rows.Next() {
		var id, first int64
		if err := rows.Scan(&id, &first); err != nil {
			return nil, err
		}
		m[id] = first
	}
	return m, rows.Err()
}

func (s *Store) fetchRecords(ctx context.Context, rowids []int64, firstRows map[int64]int64, out map[RecordKey]data.Record) error {
	cols := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		switch c.Type {
		case data.TypeTime:
			cols[i] = "epoch_ns(e." + quoteIdent(c.Name) + ")"
		case data.TypeDynamic:
			cols[i] = "CAST(" + dynamicAsJSON("e."+quoteIdent(c.Name)) + " AS VARCHAR)"
		default:
			cols[i] = "e." + quoteIdent(c.Name)
		}
	}
	rows := "SELECT *, rowid AS _rowid FROM _Events WHERE false"
	filter := rowidFilter(rowids)
	if filter != "" {
		rows = strings.ReplaceAll(filter, "SELECT * FROM", "SELECT *, rowid AS _rowid FROM")
	}
	query := "SELECT " + strings.Join(cols, ", ") + ", e._SourceId, e._rowid FROM (" + rows + ") e" +
		" WHERE NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e._rowid)"
	result, err := s.db.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("fetch records: %w", err)
	}
	defer result.Close()
	for result.Next() {
		var r data.Record
		var tg, adt, duration sql.NullInt64
		var details, initiated, targets sql.NullString
		var src, rowid int64
		err := result.Scan(&r.TenantId, &r.SourceSystem, &tg, &r.ResourceId, &r.OperationName, &r.OperationVersion,
			&r.Category, &r.ResultType, &r.ResultSignature, &r.ResultDescription, &duration, &r.CorrelationId,
			&r.Resource, &r.ResourceGroup, &r.ResourceProvider, &r.Identity, &r.Level, &r.Location, &details,
			&r.Id, &initiated, &r.LoggedByService, &r.Result, &r.ResultReason, &targets, &r.AADTenantId,
			&r.ActivityDisplayName, &adt, &r.AADOperationType, &r.Type, &src, &rowid)
		if err != nil {
			return fmt.Errorf("fetch records: %w", err)
		}
		r.TimeGenerated, r.ActivityDateTime = nsToTime(tg), nsToTime(adt)
		if duration.Valid {
			r.DurationMs = &duration.Int64
		}
		r.AdditionalDetails, r.InitiatedBy, r.TargetResources = rawText(details), rawText(initiated), rawText(targets)
		out[RecordKey{SourceID: src, Record: rowid - firstRows[src] + 1}] = r
	}
	return result.Err()
}

func nsToTime(ns sql.NullInt64) time.Time {
	if !ns.Valid {
		return time.Time{}
	}
	return time.Unix(0, ns.Int64).UTC()
}

func rawText(s sql.NullString) json.RawMessage {
	if !s.Valid {
		return nil
	}
	return json.RawMessage(s.String)
}
