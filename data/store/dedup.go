package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
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

// resolveDuplicates settles every candidate group the source's rows are in
// and returns the sources whose counts may have changed.
func resolveDuplicates(ctx context.Context, tx *sql.Tx, srcID int64) ([]int64, error) {
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	defer func() {
		for _, t := range []string{"_seed_id", "_k", "_nk", "_r", "_rf", "_pairs", "_settle", "_simple", "_go", "_dupmap", "_conf"} {
			tx.ExecContext(ctx, "DROP TABLE IF EXISTS "+t)
		}
	}()
	rs, err := eventRowsScope(ctx, tx, srcID)
	if err != nil {
		return nil, err
	}
	scope := rs.where
	// The rows to settle: in the usual case those of repeated Ids, read in
	// the statement that pairs them (a wide temp table costs more than the
	// reading); with Id-less copies, the linked set _rf. When nearly every
	// row repeats (exports of the same days), reading them all costs less
	// than picking them out, and rows of no group pair with nothing.
	var anyNoID bool
	var where string
	cklinked := "false"
	full, err := nearlyAllRepeat(ctx, tx, rs)
	if err != nil {
		return nil, err
	}
	if full {
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM _Events e WHERE e.Id = '' AND `+scope+`)`, srcID).Scan(&anyNoID); err != nil {
			return nil, err
		}
		where = `e.Id <> '' AND ` + scope
	}
	if !full || anyNoID {
		// Groups the new rows are in: an Id seen twice, or, when some copy
		// has no Id (the group of the empty Id, noid), a correlation shared
		// with one.
		if err := exec(`CREATE OR REPLACE TEMP TABLE _seed_id AS
			SELECT hash(e.Id) AS idh, bool_or(e.Id = '') AS noid, count(*) AS n FROM _Events e WHERE `+scope+`
			GROUP BY idh HAVING (count(*) > 1 AND bool_or(e._SourceId = $1)) OR bool_or(e.Id = '')`, srcID); err != nil {
			return nil, err
		}
		var anyRepeat bool
		if err := tx.QueryRowContext(ctx, `SELECT coalesce(bool_or(noid), false), coalesce(bool_or(NOT noid), false) FROM _seed_id`).
			Scan(&anyNoID, &anyRepeat); err != nil {
			return nil, err
		}
		if !anyNoID && !anyRepeat {
			return []int64{srcID}, nil // the usual first file: nothing repeats
		}
		if !full {
			where = `hash(e.Id) IN (SELECT idh FROM _seed_id WHERE NOT noid) AND ` + scope
		}
	}
	if anyNoID {
		if err := linkWithoutIDs(ctx, tx, scope, srcID); err != nil {
			return nil, err
		}
		where, cklinked = `e.rowid IN (SELECT r FROM _rf)`, `e.rowid IN (SELECT r FROM _rf WHERE cklinked)`
	}
	masks, err := sampleMasks(ctx, tx)
	if err != nil {
		return nil, err
	}
	// Every copy against its Id group's best: the whole group is settled
	// here when each agrees with it and carries no field the best lacks (then
	// they all agree with each other too).
	if err := exec(`CREATE OR REPLACE TEMP TABLE _pairs AS `+pairsSQL(copiesSQL(where, cklinked, masks), masks), srcID); err != nil {
		return nil, err
	}
	var unsettled bool
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(bool_or(NOT ok), false) FROM _pairs`).Scan(&unsettled); err != nil {
		return nil, err
	}
	dupmap := "_pairs" // the usual case: SQL settled every group
	if unsettled || anyNoID {
		dupmap = "_dupmap"
		if err := exec(`CREATE OR REPLACE TEMP TABLE _simple AS SELECT idh FROM _pairs GROUP BY idh HAVING bool_and(ok)`); err != nil {
			return nil, err
		}
		if err := exec(`CREATE OR REPLACE TEMP TABLE _dupmap AS
			SELECT r, src, keep, keep_src FROM _pairs WHERE idh IN (SELECT idh FROM _simple)`); err != nil {
			return nil, err
		}
		// What SQL could not settle goes to settleCopies.
		goRows := copiesSQL(`e.rowid IN (SELECT r FROM _pairs WHERE idh NOT IN (SELECT idh FROM _simple)
			UNION SELECT keep FROM _pairs WHERE idh NOT IN (SELECT idh FROM _simple))`, "false", masks)
		if anyNoID {
			goRows = copiesSQL(`e.rowid IN (SELECT r FROM _rf WHERE noid OR idh NOT IN (SELECT idh FROM _simple))`, cklinked, masks)
		}
		if err := exec(`CREATE OR REPLACE TEMP TABLE _go AS `+goRows, srcID); err != nil {
			return nil, err
		}
		if err := exec(`CREATE OR REPLACE TEMP TABLE _conf (r BIGINT, src INTEGER, other BIGINT, field VARCHAR)`); err != nil {
			return nil, err
		}
		if err := settleInGo(ctx, tx); err != nil {
			return nil, err
		}
	}

	// Every row of a group is a copy in _pairs or its group's best (a best
	// is never a copy, so no row is listed twice).
	settle := `SELECT r, src FROM _pairs UNION ALL SELECT DISTINCT keep, keep_src FROM _pairs`
	touchedSQL := `SELECT DISTINCT src FROM _pairs UNION SELECT DISTINCT keep_src FROM _pairs`
	if anyNoID {
		settle = `SELECT r, src FROM _rf`
		touchedSQL = `SELECT DISTINCT src FROM _rf`
	}
	// The groups' earlier outcome, if any, is replaced.
	var earlierDuplicates, earlierConflicts bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM _Excluded WHERE Kind = 'duplicate'), EXISTS (SELECT 1 FROM _Conflicts)`).
		Scan(&earlierDuplicates, &earlierConflicts); err != nil {
		return nil, err
	}
	if earlierDuplicates || earlierConflicts {
		if err := exec(`CREATE OR REPLACE TEMP TABLE _settle AS ` + settle); err != nil {
			return nil, err
		}
	}
	if earlierDuplicates {
		if err := exec(`DELETE FROM _Excluded WHERE Kind = 'duplicate' AND EventRow IN (SELECT r FROM _settle)`); err != nil {
			return nil, err
		}
	}
	if earlierConflicts {
		if err := exec(`DELETE FROM _Conflicts WHERE EventRow IN (SELECT r FROM _settle) OR OtherRow IN (SELECT r FROM _settle)`); err != nil {
			return nil, err
		}
	}
	// The copy kept is KeptRow of KeptSource; Detail stays empty (spelling
	// it out for every duplicate cost a sixth of a second a million).
	if err := exec(`INSERT INTO _Excluded (EventRow, SourceId, Record, Line, Kind, Detail, KeptRow, KeptSource)
		SELECT d.r, d.src, d.r - ds.FirstRow + 1, NULL, 'duplicate', '', d.keep, d.keep_src
		FROM ` + dupmap + ` d JOIN _Sources ds ON ds.SourceId = d.src`); err != nil {
		return nil, err
	}
	if dupmap == "_dupmap" {
		if err := exec(`INSERT INTO _Conflicts (EventRow, SourceId, OtherRow, Field) SELECT r, src, other, field FROM _conf`); err != nil {
			return nil, err
		}
	}
	rows, err := tx.QueryContext(ctx, touchedSQL+` UNION SELECT $1::INTEGER`, srcID)
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

// rowScope selects the rows of _Events e that are events or repeats of one:
// rows of finished loads and of the one being finished (srcID, bound as $1),
// not rejected or skipped. The files are listed as numbers and the exclusion
// test is left out when nothing is excluded: a subquery for either made every
// scan of two million rows twice as slow.
type rowScope struct {
	where    string
	others   []string // the other files, as SQL numbers
	records  int64    // records of every file in the scope
	own      int64    // records of srcID
	firstRow int64    // srcID's first row
}

func eventRowsScope(ctx context.Context, tx *sql.Tx, srcID int64) (rowScope, error) {
	var rs rowScope
	rows, err := tx.QueryContext(ctx, `SELECT SourceId, Records, FirstRow FROM _Sources WHERE (Done AND Records > 0) OR SourceId = ? ORDER BY SourceId`, srcID)
	if err != nil {
		return rs, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, n, first int64
		if err := rows.Scan(&id, &n, &first); err != nil {
			return rs, err
		}
		if id == srcID {
			rs.own, rs.firstRow = n, first
		} else {
			rs.others = append(rs.others, strconv.FormatInt(id, 10))
		}
		rs.records += n
	}
	if err := rows.Err(); err != nil {
		return rs, err
	}
	rows.Close()
	rs.where = "e._SourceId IN (" + strings.Join(append(slices.Clone(rs.others), "$1"), ", ") + ")"
	var excluded bool
	if err := tx.QueryRowContext(ctx, `SELECT count(*) > 0 FROM _Excluded WHERE Kind <> 'duplicate'`).Scan(&excluded); err != nil {
		return rs, err
	}
	if excluded {
		rs.where += ` AND NOT EXISTS (SELECT 1 FROM _Excluded x WHERE x.EventRow = e.rowid AND x.Kind <> 'duplicate')`
	}
	return rs, nil
}

// nearlyAllRepeat tells from a sample whether nearly every record of the
// file being finished repeats an earlier file's Id, and the earlier files hold about
// as many records: exports of the same days, where settling reads every row
// anyway and finding the repeated Ids first would cost a pass over them all.
// A wrong guess costs time, never the outcome.
func nearlyAllRepeat(ctx context.Context, tx *sql.Tx, rs rowScope) (bool, error) {
	const sample = 1000
	if len(rs.others) == 0 || rs.own < sample || rs.records-rs.own > 2*rs.own {
		return false, nil
	}
	var found int64
	err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT count(DISTINCT s.h) FROM
		(SELECT hash(Id) AS h FROM _Events WHERE rowid BETWEEN %d AND %d AND Id <> '') s
		JOIN (SELECT hash(e.Id) AS h FROM _Events e WHERE e._SourceId IN (%s) AND e.Id <> '') o ON o.h = s.h`,
		rs.firstRow, rs.firstRow+sample-1, strings.Join(rs.others, ", "))).Scan(&found)
	return found >= sample*95/100, err
}

// sampleMasks lists the sets of fields (masks) that copies carry, from the
// first rows of every file: the records of one export carry the same fields,
// so a sample finds them. A copy whose set is missing from the list is not
// lost, only compared in Go.
func sampleMasks(ctx context.Context, tx *sql.Tx) ([]int64, error) {
	// Literal row ranges: a join with _Sources would read every row.
	firsts, err := tx.QueryContext(ctx, `SELECT FirstRow FROM _Sources WHERE FirstRow >= 0 ORDER BY FirstRow`)
	if err != nil {
		return nil, err
	}
	var ranges []string
	for firsts.Next() {
		var first int64
		if err := firsts.Scan(&first); err != nil {
			firsts.Close()
			return nil, err
		}
		ranges = append(ranges, fmt.Sprintf("e.rowid BETWEEN %d AND %d", first, first+999))
	}
	firsts.Close()
	if err := firsts.Err(); err != nil {
		return nil, err
	}
	if len(ranges) == 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT `+maskSQL("e")+` AS mask FROM _Events e WHERE `+strings.Join(ranges, " OR ")+` ORDER BY mask`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var masks []int64
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		masks = append(masks, m)
	}
	return masks, rows.Err()
}

// maskSQL is the set of fields a row carries, one bit per column (fields
// ignored in comparison left out).
func maskSQL(e string) string {
	var bits []string
	for i, c := range data.AuditLogsColumns {
		if !ignoredInComparison(c.Name) {
			bits = append(bits, fmt.Sprintf("(%s)::BIGINT * %d", carriedSQL(e, c), int64(1)<<i))
		}
	}
	return strings.Join(bits, " + ")
}

func carriedSQL(e string, c data.Column) string {
	col := e + "." + quoteIdent(c.Name)
	if c.Type == data.TypeString {
		return col + " <> ''"
	}
	return col + " IS NOT NULL"
}

// hashedSQL is a column's value as copies are compared, where both carry it
// (a digest covers only fields its copies carry, and names them by its
// mask): Result without case and Level as a number (see disagreement).
func hashedSQL(e string, c data.Column) string {
	col := e + "." + quoteIdent(c.Name)
	switch c.Name {
	case "Result":
		return "lower(" + col + ")"
	case "Level":
		return levelSQL(col)
	}
	return col
}

// copiesSQL selects the event rows matching where with what settling needs:
// row, file, Id hash (idh), whether the Id is empty (noid), the correlation
// key (ck, only where cklinked can be true), whether that key links it to a
// copy without Id (cklinked), the fields carried (mask) and their number
// (nf), the times (tg, adt) and their evident precision (cls), one digest
// per mask in masks (d0..: a hash of the values of that mask's fields, times
// apart) and a hash of the exact content (ch), which orders copies that are
// otherwise equally good. Each field is read and hashed once, and the
// digests combine those hashes: hashing every field again for each digest
// cost more than reading it. Two different values share a 64-bit hash by
// chance about once in 2^64 comparisons.
func copiesSQL(where, cklinked string, masks []int64) string {
	// Columns that the same masks hold are hashed together (one atom); a
	// mask's digest combines the hashes of the atoms it holds.
	type atom struct {
		in   []bool // by mask
		cols []int
	}
	var atoms []*atom
	for i, c := range data.AuditLogsColumns {
		if c.Type == data.TypeTime {
			continue
		}
		in := make([]bool, len(masks))
		for j, m := range masks {
			in[j] = m&(1<<i) != 0 && !ignoredInComparison(c.Name)
		}
		k := slices.IndexFunc(atoms, func(a *atom) bool { return slices.Equal(a.in, in) })
		if k < 0 {
			k = len(atoms)
			atoms = append(atoms, &atom{in: in})
		}
		atoms[k].cols = append(atoms[k].cols, i)
	}
	var hashes, all []string
	for k, a := range atoms {
		vals := make([]string, len(a.cols))
		for n, i := range a.cols {
			vals[n] = hashedSQL("e", data.AuditLogsColumns[i])
		}
		hashes = append(hashes, fmt.Sprintf("hash(%s) AS a%d", strings.Join(vals, ", "), k))
		all = append(all, fmt.Sprintf("a%d", k))
	}
	// What the comparable values normalise, for the exact content.
	hashes = append(hashes, "hash(e.Result, e.Level) AS hraw")
	var digests []string
	for j, m := range masks {
		vals := []string{fmt.Sprint(m)}
		for k, a := range atoms {
			if a.in[j] {
				vals = append(vals, fmt.Sprintf("a%d", k))
			}
		}
		digests = append(digests, fmt.Sprintf("CASE WHEN mask & %[1]d = %[1]d THEN hash(%[2]s) END AS d%[3]d", m, strings.Join(vals, ", "), j))
	}
	ch := "hash(" + strings.Join(append(all, "hraw", "tg", "adt"), ", ") + ") AS ch"
	ck := "0::UBIGINT"
	if cklinked != "false" {
		ck = correlationKeySQL("e")
	}
	return `SELECT r, src, idh, noid, ck, cklinked, mask, tg, adt, bit_count(mask) AS nf,
		CASE WHEN tg IS NULL OR tg % 1000000000 = 0 THEN 0 WHEN tg % 1000000 = 0 THEN 3 WHEN tg % 1000 = 0 THEN 6 ELSE 7 END AS cls,
		` + strings.Join(append(digests, ch), ", ") + `
		FROM (SELECT e.rowid AS r, e._SourceId AS src,
			CASE WHEN e.Id <> '' THEN hash(e.Id) END AS idh,
			e.Id = '' AS noid,
			` + ck + ` AS ck,
			` + cklinked + ` AS cklinked,
			` + maskSQL("e") + ` AS mask,
			epoch_ns(e.TimeGenerated) AS tg, epoch_ns(e.ActivityDateTime) AS adt,
			` + strings.Join(hashes, ", ") + `
		FROM _Events e WHERE ` + where + `)`
}

// correlationKeySQL is what links a copy without Id to its candidates: the
// correlation id, or the second and operation where that is empty too.
func correlationKeySQL(e string) string {
	return `CASE WHEN ` + e + `.CorrelationId <> '' THEN hash(` + e + `.CorrelationId)
		ELSE hash(epoch_ns(` + e + `.TimeGenerated) // 1000000000, ` + e + `.OperationName) END`
}

// pairsSQL pairs every copy with its Id group's best copy and says whether
// SQL can settle the pair (ok): the copy carries no field the best lacks,
// its times agree at the coarser precision and its digest for its own
// fields equals the best's for the same fields.
func pairsSQL(copies string, masks []int64) string {
	timeAgree := func(col string) string {
		x, y := "m."+col, "b."+col
		return fmt.Sprintf("(%[1]s IS NULL OR %[2]s IS NULL OR abs(%[1]s - %[2]s) < greatest(%[3]s, %[4]s))", x, y, unitSQL(x), unitSQL(y))
	}
	agree := "false" // no copies
	if len(masks) > 0 {
		var cases []string
		for j, m := range masks {
			cases = append(cases, fmt.Sprintf("WHEN %d THEN m.d%d = b.d%d", m, j, j))
		}
		agree = timeAgree("tg") + " AND " + timeAgree("adt") + " AND CASE m.mask " + strings.Join(cases, " ") + " ELSE false END"
	}
	// Only what pairing reads is materialised.
	cols := []string{"r", "src", "idh", "mask", "tg", "adt", "cklinked", qualityKeySQL + " AS q"}
	for j := range masks {
		cols = append(cols, fmt.Sprintf("d%d", j))
	}
	return `WITH k AS MATERIALIZED (SELECT ` + strings.Join(cols, ", ") + ` FROM (` + copies + `)),
		best AS (SELECT idh, min(q) AS q, bool_or(cklinked) AS linked FROM k WHERE idh IS NOT NULL GROUP BY idh),
		b AS (SELECT k.*, best.linked FROM k JOIN best ON k.idh = best.idh AND k.q = best.q)
		SELECT m.r, m.src, m.idh, b.r AS keep, b.src AS keep_src,
			NOT b.linked AND (m.mask & ~b.mask) = 0 AND (` + agree + `) AS ok
		FROM k m JOIN b ON m.idh = b.idh
		WHERE m.r <> b.r`
}

// qualityKeySQL orders copies as eventCopy.better does (finer time, more
// fields, smaller content hash, then row) in one 128-bit number; its low 48
// bits are the row, so it is unique and each group's minimum is one copy.
// A minimum of numbers: arg_min over a struct measured twice as slow.
const qualityKeySQL = `((((7 - cls) * 64 + (63 - nf))::HUGEINT << 112) | (ch::HUGEINT << 48) | r::HUGEINT)`

// linkWithoutIDs builds _rf, the rows to settle when some copies have no Id:
// the rows of repeated Ids and of correlations shared with an Id-less copy,
// followed through both kinds of link until the set is closed (a copy
// without Id can join two Id groups).
func linkWithoutIDs(ctx context.Context, tx *sql.Tx, scope string, srcID int64) error {
	exec := func(q string, args ...any) error {
		_, err := tx.ExecContext(ctx, q, args...)
		return err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _k AS SELECT e.rowid AS r, e._SourceId AS src,
		CASE WHEN e.Id <> '' THEN hash(e.Id) END AS idh, e.Id = '' AS noid, `+correlationKeySQL("e")+` AS ck
		FROM _Events e WHERE `+scope, srcID); err != nil {
		return err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _nk AS SELECT ck FROM _k GROUP BY ck HAVING count(*) > 1 AND bool_or(noid)`); err != nil {
		return err
	}
	if err := exec(`CREATE OR REPLACE TEMP TABLE _r AS
		SELECT r FROM _k WHERE idh IN (SELECT idh FROM _seed_id WHERE NOT noid)
		UNION SELECT r FROM _k WHERE src = $1 AND ck IN (SELECT ck FROM _nk)`, srcID); err != nil {
		return err
	}
	const linkedToR = `SELECT r FROM _k WHERE idh IN (SELECT k.idh FROM _k k SEMI JOIN _r USING (r) WHERE k.idh IS NOT NULL)
		UNION SELECT r FROM _k WHERE ck IN (SELECT k.ck FROM _k k SEMI JOIN _r USING (r) WHERE k.ck IN (SELECT ck FROM _nk))`
	for {
		var added int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+linkedToR+`) ANTI JOIN _r USING (r)`).Scan(&added); err != nil {
			return err
		}
		if added == 0 {
			break
		}
		if err := exec(`INSERT INTO _r ` + linkedToR + ` EXCEPT SELECT r FROM _r`); err != nil {
			return err
		}
	}
	return exec(`CREATE OR REPLACE TEMP TABLE _rf AS
		SELECT k.*, k.ck IN (SELECT ck FROM _nk) AS cklinked FROM _k k SEMI JOIN _r USING (r)`)
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
		FROM _go f JOIN _Events e ON e.rowid = f.r
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
	source := make(map[int64]int64, len(copies))
	for _, c := range copies {
		source[c.row] = c.source
	}
	var dupRows, confRows []string
	for _, set := range sets {
		if len(set) < 2 {
			continue
		}
		res := settleCopies(set, links)
		for r, keep := range res.duplicateOf {
			dupRows = append(dupRows, fmt.Sprintf("(%d, %d, %d, %d)", r, source[r], keep, source[keep]))
		}
		for _, cf := range res.conflicts {
			// Both directions, so each side's file reports the other.
			confRows = append(confRows, fmt.Sprintf("(%d, %d, %d, %s)", cf.row, source[cf.row], cf.other, sqlString(cf.field)),
				fmt.Sprintf("(%d, %d, %d, %s)", cf.other, source[cf.other], cf.row, sqlString(cf.field)))
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
