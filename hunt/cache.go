package hunt

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// cacheVersion is part of the cache table's name, so that a cache of another
// shape is never served. Caches live in the store's in-memory
// store.CacheCatalog, never in the case file (older guesthunts wrote them
// there; such tables are left alone and never read).
const cacheVersion = 3

// cachePrefix starts every cache table's name.
const cachePrefix = "_hunt_invites_"

// inviteCache describes one built cache table. It is immutable once built,
// so readers can hold on to it while a newer one is being built.
type inviteCache struct {
	generation int64
	table      string    // guesthunt_cache.main._hunt_invites_v<version>_g<generation>
	dataFrom   time.Time // earliest TimeGenerated loaded (zero: no data)
	dataTo     time.Time // latest TimeGenerated loaded
}

func cacheTableName(generation int64) string {
	return fmt.Sprintf("%sv%d_g%d", cachePrefix, cacheVersion, generation)
}

// qualifiedCacheTable names a cache table inside the in-memory cache catalog.
func qualifiedCacheTable(name string) string {
	return store.CacheCatalog + ".main." + name
}

// buildCacheSQL keeps every "Invite external user" event (whatever the
// result) as the rule's derived columns, sorted by time so that range filters
// skip row groups. $1 is the lower-case success result; $2, $3, ... are the
// opNames exact OperationName spellings that match Kusto's ASCII =~ (found
// first, over the distinct values): an IN list of constants is pushed into
// DuckDB's scan, which then reads the other columns of matching rows only,
// several times faster at a million events than testing every row.
func buildCacheSQL(table string, opNames int) string {
	in := "false"
	if opNames > 0 {
		ps := make([]string, opNames)
		for i := range ps {
			ps[i] = fmt.Sprintf("$%d", i+2)
		}
		in = "OperationName IN (" + strings.Join(ps, ", ") + ")"
	}
	// The cache is narrow: the rule's derived values keyed by (_SourceId,
	// _SourceRecord). The alert rows' other columns are fetched by key
	// (store.Store.Records) for the few rows a run returns, so building reads
	// only the columns the rule looks at. MATERIALIZED keeps DuckDB from
	// repeating the JSON typing and extraction per reference.
	return `CREATE TABLE ` + table + ` AS
WITH invites AS MATERIALIZED (
	SELECT TimeGenerated, Result, InitiatedBy, TargetResources, _SourceId, _SourceRecord
	FROM AuditLogs
	WHERE ` + in + `
), users AS MATERIALIZED (
	SELECT _SourceId, _SourceRecord, TimeGenerated, Result,
		` + userJSONSQL("InitiatedBy") + ` AS _j_user,
		json_extract(TargetResources, '$[0]') AS _j_target
	FROM invites
), fields AS (
	SELECT _SourceId, _SourceRecord, TimeGenerated, Result,
		` + inviterUPNJSONSQL("_j_user") + ` AS _j_upn,
		json_extract(_j_user, '$.id') AS _j_id,
		json_extract(_j_user, '$.ipAddress') AS _j_ip,
		json_extract(_j_target, '$.userPrincipalName') AS _j_target_upn,
		json_extract(_j_target, '$.id') AS _j_target_id
	FROM users
), derived AS (
	SELECT _SourceId, _SourceRecord,
		epoch_ns(TimeGenerated) AS _h_ns,
		coalesce(` + asciiEqualFoldSQL("Result", "$1") + `, false) AS _h_ok,
		` + kustoToStringSQL("_j_upn") + ` AS _h_upn,
		` + kustoToStringSQL("_j_id") + ` AS _h_aad_id,
		` + kustoToStringSQL("_j_ip") + ` AS _h_ip,
		` + kustoToStringSQL("_j_target_upn") + ` AS _h_target_upn,
		` + kustoToStringSQL("_j_target_id") + ` AS _h_target_id
	FROM fields
)
SELECT _SourceId, _SourceRecord,
	_h_ns, _h_ok, _h_upn, lower(_h_upn) AS _h_upn_lower,
	_h_aad_id, _h_ip, _h_target_upn, _h_target_id,
	` + previousInviteSQL("_h_upn") + ` AS _h_prev,
	` + previousInviteSQL("lower(_h_upn)") + ` AS _h_prev_lower
FROM derived
ORDER BY _h_ns, _SourceId, _SourceRecord`
}

// previousInviteSQL is, for a successful invite with an inviter UPN, the
// time of the same inviter's previous such invite (by key, in cache order);
// NULL for other rows. The first invite of an inviter inside a detection
// window is then the one whose previous invite is at or before the window
// start, and that previous invite is the inviter's latest earlier one: the
// rule needs nothing else from the history, so a run reads only the window.
func previousInviteSQL(key string) string {
	return `CASE WHEN _h_ok AND _h_upn <> '' THEN lag(_h_ns) OVER (
		PARTITION BY _h_ok AND _h_upn <> '', ` + key + `
		ORDER BY _h_ns, _SourceId, _SourceRecord) END`
}

const (
	inviteOperationLower = "invite external user"
	successResultLower   = "success"
)

// cacheFor returns the cache for the store's current data, building it when
// data was loaded since the last build. Builds are serialised by e.mu;
// readers of an older cache are never blocked and never see a half-built
// table, because each generation gets its own table, created in one
// statement.
func (e *Engine) cacheFor(ctx context.Context) (*inviteCache, error) {
	gen, err := e.store.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("data generation: %w", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cache != nil && e.cache.generation == gen {
		return e.cache, nil
	}
	c, err := e.buildCache(ctx, gen)
	if err != nil {
		return nil, err
	}
	e.cache = c
	e.dropStaleCaches(ctx, c.generation)
	return c, nil
}

func (e *Engine) buildCache(ctx context.Context, gen int64) (*inviteCache, error) {
	c := &inviteCache{generation: gen, table: qualifiedCacheTable(cacheTableName(gen))}
	wait := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := e.buildCacheOnce(ctx, c)
		if err == nil {
			return c, nil
		}
		// Another engine on the same store may be creating the same table:
		// DuckDB then fails one CREATE with a write-write conflict. Wait and
		// look again; by then the winner's table usually exists.
		if attempt == 100 || ctx.Err() != nil {
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 250*time.Millisecond)
	}
}

// buildCacheOnce creates the table unless it exists and reads the data's
// time span, in one transaction so that both describe the same snapshot of
// the data even when a load commits meanwhile.
func (e *Engine) buildCacheOnce(ctx context.Context, c *inviteCache) error {
	tx, err := e.store.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	err = tx.QueryRowContext(ctx,
		`SELECT count(*) FROM duckdb_tables() WHERE database_name = $1 AND schema_name = 'main' AND table_name = $2`,
		store.CacheCatalog, cacheTableName(c.generation)).Scan(&n)
	if err != nil {
		return fmt.Errorf("look up %s: %w", c.table, err)
	}
	if n == 0 {
		names, err := queryStrings(ctx, tx, `SELECT DISTINCT OperationName FROM AuditLogs WHERE `+
			asciiEqualFoldSQL("OperationName", "$1")+` ORDER BY 1`, inviteOperationLower)
		if err != nil {
			return fmt.Errorf("build invite cache: %w", err)
		}
		args := []any{successResultLower}
		for _, name := range names {
			args = append(args, name)
		}
		if _, err := tx.ExecContext(ctx, buildCacheSQL(c.table, len(names)), args...); err != nil {
			return fmt.Errorf("build invite cache: %w", err)
		}
	}
	// The loaded files' figures give the span without scanning the events.
	sum, err := e.store.Summary(ctx)
	if err != nil {
		return fmt.Errorf("data time span: %w", err)
	}
	c.dataFrom, c.dataTo = sum.From, sum.To
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("build invite cache: %w", err)
	}
	return nil
}

// dropStaleCaches removes cache tables of older generations (or versions).
// Failure only leaves a stale table behind, so it is not reported.
func (e *Engine) dropStaleCaches(ctx context.Context, current int64) {
	db := e.store.DB()
	rows, err := db.QueryContext(ctx,
		`SELECT table_name FROM duckdb_tables() WHERE database_name = $1 AND schema_name = 'main' AND starts_with(table_name, $2)`,
		store.CacheCatalog, cachePrefix)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		// Never a newer generation: another engine may be reading it, and this
		// one may have read the generation just before a load finished.
		if version, gen, ok := parseCacheTableName(name); ok && (version != cacheVersion || gen < current) {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		db.ExecContext(ctx, `DROP TABLE IF EXISTS `+qualifiedCacheTable(name))
	}
}

// parseCacheTableName reads the version and generation out of a cache
// table's name; only names this package would write are accepted.
func parseCacheTableName(name string) (version, generation int64, ok bool) {
	n, err := fmt.Sscanf(name, cachePrefix+"v%d_g%d", &version, &generation)
	ok = err == nil && n == 2 && name == fmt.Sprintf("%sv%d_g%d", cachePrefix, version, generation)
	return version, generation, ok
}

// nsTime turns epoch nanoseconds from DuckDB into a UTC time (zero for NULL).
func nsTime(ns sql.NullInt64) time.Time {
	if !ns.Valid {
		return time.Time{}
	}
	return time.Unix(0, ns.Int64).UTC()
}
