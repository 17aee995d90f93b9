package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// Deduplication: after each file, every group of copies that the new rows
// touch is settled again from scratch, so the outcome depends only on the
// set of records loaded, never on the order of files or directory entries.
//
// Candidates are records with the same Id, or, where one copy has no Id (the
// Entra portal download), the same correlation id (the same second and
// operation when that is empty too). Groups whose copies all agree with the
// best copy, and carry nothing it lacks, are settled in SQL: the common case
// of overlapping exports. The rest (conflicts, copies without Id, dynamic
// text spelled differently) go to settleCopies in Go, which compares field by
// field. The best copy, the one kept, has the finest time, then the most
// fields, then the smallest content hash.

// eventRowsScope selects the rows that are events or repeats of one: rows of
// finished loads (and the one being finished) not rejected or skipped.
const eventRowsScope = `(e._SourceId = $1 OR e._SourceId IN (SELECT SourceId FROM _Sources WHERE Done))
	AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid AND x.Kind <> 'duplicate')`

// resolveDuplicates settles every candidate group the source's rows are in
// and returns the sources whose counts may have changed.
func resolveDuplicates(ctx context.Context, tx *sql.Tx, srcID int64) ([]int64, error) {
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	defer func() {
		for _, t := range []string{"_k", "_seed_id", "_nk", "_r", "_rf", "_pairs", "_simple", "_dupmap", "_conf"} {
			tx.ExecContext(ctx, "DROP VIEW IF EXISTS "+t)
			tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
		}
	}()
	var others bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM _Sources WHERE SourceId <> ? AND Done AND Records > 0`, srcID).
		Scan(&others); err != nil {
		return nil, err
	}
	scope := eventRowsScope
	if !others {
		scope = `e._SourceId = $1 AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid AND x.Kind <> 'duplicate')`
	}
	var anyNoID bool
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(bool_or(e.Id = ''), false) FROM _Events e WHERE `+scope, srcID).Scan(&anyNoID); err != nil {
		return nil, err
	}
	// Groups the new rows are in: an Id seen twice, or a correlation shared
	// with a copy that has no Id. Without Id-less copies only the rows of
	// repeated Ids need keys; usually there are none.
	if err := exec(`CREATE OR REPLACE TEMP TABLE _seed_id AS
		SELECT hash(e.Id) AS idh FROM _Events e WHERE e.Id <> '' AND `+scope+`
		GROUP BY idh HAVING count(*) > 1 AND bool_or(e._SourceId = $1)`, srcID); err != nil {
		return nil, err
	}
	keyed := scope
	if !anyNoID {
		keyed = `hash(e.Id) IN (SELECT idh FROM _seed_id) AND ` + scope
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _k AS SELECT *, `+qualityExprs()+` FROM (
		SELECT e.rowid AS r, e._SourceId AS src,
			CASE WHEN e.Id <> '' THEN hash(e.Id) END AS idh,
			e.Id = '' AS noid,
			CASE WHEN e.CorrelationId <> '' THEN hash(e.CorrelationId)
				ELSE hash(epoch_ns(e.TimeGenerated) // 1000000000, e.OperationName) END AS ck,
			`+comparableExprs("e")+`
		FROM _Events e WHERE `+keyed+`)`, srcID); err != nil {
		return nil, err
	}
	nk := `SELECT NULL::UBIGINT AS ck WHERE false`
	if anyNoID {
		nk = `SELECT ck FROM _k GROUP BY ck HAVING count(*) > 1 AND bool_or(noid)`
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _nk AS ` + nk); err != nil {
		return nil, err
	}
	if !anyNoID {
		// Then _k holds exactly the rows of repeated Ids: settle them all.
		if err := exec(`CREATE OR REPLACE TEMP VIEW _r AS SELECT r FROM _k`); err != nil {
			return nil, err
		}
		if err := exec(`CREATE OR REPLACE TEMP VIEW _rf AS SELECT *, false AS cklinked FROM _k`); err != nil {
			return nil, err
		}
	} else {
		if err := exec(`CREATE OR REPLACE TEMP TABLE _r AS
			SELECT r FROM _k WHERE idh IN (SELECT idh FROM _seed_id)
			UNION SELECT r FROM _k WHERE src = $1 AND ck IN (SELECT ck FROM _nk)`, srcID); err != nil {
			return nil, err
		}
		// A copy without Id can join two Id groups: follow the links until
		// the set of rows to settle is closed.
		for {
			var added int64
			err := tx.QueryRowContext(ctx, `WITH more AS (
				SELECT r FROM _k WHERE idh IN (SELECT k.idh FROM _k k SEMI JOIN _r USING (r) WHERE k.idh IS NOT NULL)
				UNION SELECT r FROM _k WHERE ck IN (SELECT k.ck FROM _k k SEMI JOIN _r USING (r) WHERE k.ck IN (SELECT ck FROM _nk)))
				SELECT count(*) FROM more ANTI JOIN _r USING (r)`).Scan(&added)
			if err != nil {
				return nil, err
			}
			if added == 0 {
				break
			}
			if err := exec(`INSERT INTO _r
				SELECT r FROM _k WHERE idh IN (SELECT k.idh FROM _k k SEMI JOIN _r USING (r) WHERE k.idh IS NOT NULL)
				UNION SELECT r FROM _k WHERE ck IN (SELECT k.ck FROM _k k SEMI JOIN _r USING (r) WHERE k.ck IN (SELECT ck FROM _nk))
				EXCEPT SELECT r FROM _r`); err != nil {
				return nil, err
			}
		}
		if err := exec(`CREATE OR REPLACE TEMP TABLE _rf AS
			SELECT k.*, k.ck IN (SELECT ck FROM _nk) AS cklinked FROM _k k SEMI JOIN _r USING (r)`); err != nil {
			return nil, err
		}
	}
	// Every copy against its Id group's best: the whole group is settled
	// here when each agrees with it and carries no field the best lacks (then
	// they all agree with each other too).
	if err := exec(`CREATE OR REPLACE TEMP TABLE _pairs AS
		WITH best AS (
			SELECT idh, arg_min(r, {'a': -cls, 'b': -nf, 'c': ch, 'd': r}) AS keep, bool_or(cklinked) AS linked
			FROM _rf WHERE idh IS NOT NULL GROUP BY idh)
		SELECT m.r, m.idh, best.keep, NOT best.linked AND (` + agreeSQL("m", "b") + `) AND (m.mask & ~b.mask) = 0 AS ok
		FROM _rf m JOIN best ON best.idh = m.idh JOIN _rf b ON b.r = best.keep
		WHERE m.r <> best.keep`); err != nil {
		return nil, err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _simple AS SELECT idh FROM _pairs GROUP BY idh HAVING bool_and(ok)`); err != nil {
		return nil, err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _dupmap AS SELECT r, keep FROM _pairs WHERE idh IN (SELECT idh FROM _simple)`); err != nil {
		return nil, err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _conf (r BIGINT, other BIGINT, field VARCHAR)`); err != nil {
		return nil, err
	}
	if err := settleInGo(ctx, tx); err != nil {
		return nil, err
	}

	if err := exec(`DELETE FROM _Excluded WHERE Kind = 'duplicate' AND EventRow IN (SELECT r FROM _r)`); err != nil {
		return nil, err
	}
	if err := exec(`DELETE FROM _Conflicts WHERE EventRow IN (SELECT r FROM _r) OR OtherRow IN (SELECT r FROM _r)`); err != nil {
		return nil, err
	}
	if err := exec(`INSERT INTO _Excluded (EventRow, SourceId, Record, Line, Kind, Detail, KeptRow)
		SELECT d.r, dk.src, d.r - ds.FirstRow + 1, NULL, 'duplicate',
			'same event as ' || ks.Path || ': record ' || (d.keep - ks.FirstRow + 1), d.keep
		FROM _dupmap d JOIN _rf dk ON dk.r = d.r JOIN _Sources ds ON ds.SourceId = dk.src
			JOIN _rf kk ON kk.r = d.keep JOIN _Sources ks ON ks.SourceId = kk.src`); err != nil {
		return nil, err
	}
	if err := exec(`INSERT INTO _Conflicts (EventRow, SourceId, OtherRow, Field)
		SELECT c.r, k.src, c.other, c.field FROM _conf c JOIN _rf k ON k.r = c.r`); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT src FROM _rf UNION SELECT $1::INTEGER`, srcID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var touched []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		touched = append(touched, id)
	}
	return touched, rows.Err()
}

// qualityExprs are _rf's quality columns over _k's comparable values: the
// time's evident precision (cls), the number of fields carried (nf) and
// which (mask), and a hash of the exact content (ch: the comparable values
// plus the raw Result and Level, which the comparable values normalise).
func qualityExprs() string {
	var carried, mask, all []string
	for i, c := range data.AuditLogsColumns {
		v := fmt.Sprintf("v%d", i)
		all = append(all, v)
		if ignoredInComparison(c.Name) {
			continue
		}
		carried = append(carried, "("+v+" IS NOT NULL)::BIGINT")
		mask = append(mask, fmt.Sprintf("(%s IS NOT NULL)::BIGINT * %d", v, int64(1)<<i))
	}
	tg := fmt.Sprintf("v%d", columnIndex("TimeGenerated"))
	cls := fmt.Sprintf(`CASE WHEN %[1]s IS NULL OR %[1]s %% 1000000000 = 0 THEN 0 WHEN %[1]s %% 1000000 = 0 THEN 3
		WHEN %[1]s %% 1000 = 0 THEN 6 ELSE 7 END`, tg)
	return cls + " AS cls, " + strings.Join(carried, " + ") + " AS nf, " + strings.Join(mask, " + ") + " AS mask, hash(" +
		strings.Join(all, ", ") + ", rawResult, rawLevel) AS ch"
}

// comparableExprs are _rf's columns v0..v29, one per canonical column, in
// the form agreeSQL compares: NULL where the copy lacks the field, a hash of
// the text (Result and Level normalised as disagreement does), or the number
// (times in epoch nanoseconds). Comparing hashes instead of text keeps the
// comparison narrow; two different values share a 64-bit hash by chance
// about once in 2^64 comparisons.
func comparableExprs(e string) string {
	exprs := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		col := e + "." + quoteIdent(c.Name)
		var v string
		switch c.Type {
		case data.TypeString:
			norm := col
			switch c.Name {
			case "Result":
				norm = "lower(" + col + ")"
			case "Level":
				norm = levelSQL(col)
			}
			v = "CASE WHEN " + col + " <> '' THEN hash(" + norm + ") END"
		case data.TypeTime:
			v = "epoch_ns(" + col + ")"
		case data.TypeDynamic:
			v = "hash(" + col + ")"
		default:
			v = col
		}
		exprs[i] = fmt.Sprintf("%s AS v%d", v, i)
	}
	return strings.Join(exprs, ", ") + ", " + e + ".Result AS rawResult, " + e + ".Level AS rawLevel"
}

// agreeSQL is true when copy m certainly agrees with copy b (their columns
// v0..) on every field both carry (see disagreement). It
// settles only the plain case: dynamic text is compared as written, so a
// false here means "ask settleCopies", not "differ".
func agreeSQL(m, b string) string {
	var conds []string
	for i, c := range data.AuditLogsColumns {
		if ignoredInComparison(c.Name) {
			continue
		}
		x, y := fmt.Sprintf("%s.v%d", m, i), fmt.Sprintf("%s.v%d", b, i)
		if c.Type == data.TypeTime {
			conds = append(conds, fmt.Sprintf("(%[1]s IS NULL OR %[2]s IS NULL OR abs(%[1]s - %[2]s) < greatest(%[3]s, %[4]s))",
				x, y, unitSQL(x), unitSQL(y)))
			continue
		}
		conds = append(conds, fmt.Sprintf("(%[1]s IS NULL OR %[2]s IS NULL OR %[1]s = %[2]s)", x, y))
	}
	return strings.Join(conds, " AND ")
}

func unitSQL(ns string) string {
	return fmt.Sprintf("CASE WHEN %[1]s %% 1000000000 = 0 THEN 1000000000 WHEN %[1]s %% 1000000 = 0 THEN 1000000 WHEN %[1]s %% 1000 = 0 THEN 1000 ELSE 100 END", ns)
}

func levelSQL(x string) string {
	return fmt.Sprintf(`CASE lower(trim(%[1]s)) WHEN 'informational' THEN '4' WHEN 'warning' THEN '3' WHEN 'error' THEN '2'
		WHEN 'critical' THEN '1' ELSE lower(trim(%[1]s)) END`, x)
}

// settleInGo fetches the rows SQL could not settle, groups them into linked
// sets and settles each with settleCopies, adding to _dupmap and _conf.
func settleInGo(ctx context.Context, tx *sql.Tx) error {
	cols := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		col := "e." + quoteIdent(c.Name)
		if c.Type == data.TypeTime {
			col = "epoch_ns(" + col + ")"
		}
		cols[i] = col
	}
	rows, err := tx.QueryContext(ctx, `SELECT f.r, f.src, f.cls, f.nf, f.ch, f.idh, f.noid, f.ck, f.cklinked, `+strings.Join(cols, ", ")+`
		FROM _rf f JOIN _Events e ON e.rowid = f.r
		WHERE f.noid OR f.idh NOT IN (SELECT idh FROM _simple)
		ORDER BY f.r`)
	if err != nil {
		return err
	}
	defer rows.Close()
	type linkKeys struct {
		idh      sql.NullInt64
		ck       uint64
		noid, nk bool
	}
	var copies []*eventCopy
	var keys []linkKeys
	for rows.Next() {
		c := newEventCopy()
		var k linkKeys
		var idh sql.Null[uint64]
		dest := []any{&c.row, &c.source, &c.class, &c.fields, &c.content, &idh, &k.noid, &k.ck, &k.nk}
		strs := make([]sql.NullString, len(data.AuditLogsColumns))
		nums := make([]sql.NullInt64, len(data.AuditLogsColumns))
		for i, col := range data.AuditLogsColumns {
			if col.Type == data.TypeString || col.Type == data.TypeDynamic {
				dest = append(dest, &strs[i])
			} else {
				dest = append(dest, &nums[i])
			}
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read copies to compare: %w", err)
		}
		for i, col := range data.AuditLogsColumns {
			switch col.Type {
			case data.TypeString:
				c.strs[i] = strs[i].String
			case data.TypeDynamic:
				if strs[i].Valid {
					s := strs[i].String
					c.dyns[i] = &s
				}
			default:
				if nums[i].Valid {
					n := nums[i].Int64
					c.nums[i] = &n
				}
			}
		}
		k.idh = sql.NullInt64{Int64: int64(idh.V), Valid: idh.Valid}
		copies = append(copies, c)
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	if len(copies) == 0 {
		return nil
	}

	// Linked sets: union by Id, and by correlation where a copy lacks an Id.
	parent := make([]int, len(copies))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	byID := map[int64]int{}
	byCk := map[uint64]int{}
	for i, k := range keys {
		if k.idh.Valid {
			if j, ok := byID[k.idh.Int64]; ok {
				union(i, j)
			} else {
				byID[k.idh.Int64] = i
			}
		}
		if k.nk {
			if j, ok := byCk[k.ck]; ok {
				union(i, j)
			} else {
				byCk[k.ck] = i
			}
		}
	}
	index := make(map[*eventCopy]int, len(copies))
	sets := map[int][]*eventCopy{}
	for i, c := range copies {
		index[c] = i
		sets[find(i)] = append(sets[find(i)], c)
	}
	links := func(a, b *eventCopy) bool {
		ka, kb := keys[index[a]], keys[index[b]]
		if ka.idh.Valid && kb.idh.Valid && ka.idh.Int64 == kb.idh.Int64 {
			return true
		}
		return ka.nk && ka.ck == kb.ck && (ka.noid || kb.noid)
	}
	var dupRows, confRows []string
	for _, set := range sets {
		if len(set) < 2 {
			continue
		}
		res := settleCopies(set, links)
		for r, keep := range res.duplicateOf {
			dupRows = append(dupRows, "("+strconv.FormatInt(r, 10)+", "+strconv.FormatInt(keep, 10)+")")
		}
		for _, cf := range res.conflicts {
			// Both directions, so each side's file reports the other.
			confRows = append(confRows, fmt.Sprintf("(%d, %d, %s)", cf.row, cf.other, sqlString(cf.field)),
				fmt.Sprintf("(%d, %d, %s)", cf.other, cf.row, sqlString(cf.field)))
		}
	}
	if err := insertValues(ctx, tx, "_dupmap", dupRows); err != nil {
		return err
	}
	return insertValues(ctx, tx, "_conf", confRows)
}

// insertValues inserts literal value tuples (numbers and quoted names built
// here, never text from a log) in batches.
func insertValues(ctx context.Context, tx *sql.Tx, table string, tuples []string) error {
	const batch = 2000
	for start := 0; start < len(tuples); start += batch {
		part := tuples[start:min(start+batch, len(tuples))]
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+table+" VALUES "+strings.Join(part, ", ")); err != nil {
			return err
		}
	}
	return nil
}
