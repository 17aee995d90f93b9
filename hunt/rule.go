package hunt

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// Result is one run of the rule.
type Result struct {
	Params Params
	AsOf   time.Time // T, resolved

	// Baseline is [BaselineFrom, BaselineTo], both inclusive (Kusto's
	// between); the detection window is (WindowFrom, WindowTo].
	BaselineFrom, BaselineTo time.Time
	WindowFrom, WindowTo     time.Time

	Rows     []Alert          // one per qualifying invite event
	Inviters []InviterSummary // one per flagged inviter UPN
	Coverage Coverage

	// Warnings are every reason the result may mislead (no events in the
	// window, as-of outside the data, window >= baseline, baseline not
	// covered); show them wherever the result is shown.
	Warnings []Warning
	// AllClear says what an empty result means, a real all-clear or none
	// at all; "" when rows were found.
	AllClear string

	// Matching says how inviter UPNs were compared, and whether that is
	// Sentinel's way; show it wherever results are shown.
	Matching string

	Elapsed time.Duration
}

// Matching texts for Result.Matching.
const (
	MatchingExact    = "inviter UPNs compared case-sensitively (!in), as Sentinel does"
	MatchingFoldCase = "FOLD-CASE: inviter UPNs compared case-insensitively (!in~); Sentinel's rule is case-sensitive, so its results may differ"
)

func matchingText(foldCase bool) string {
	if foldCase {
		return MatchingFoldCase
	}
	return MatchingExact
}

// Run evaluates the rule with parameters p.
func (e *Engine) Run(ctx context.Context, p Params) (*Result, error) {
	release, gateErr := e.gate.enter(ctx)
	if gateErr != nil {
		return nil, gateErr
	}
	defer release()
	start := time.Now()
	var res *Result
	err := e.withCache(ctx, func(c *inviteCache) error {
		s, err := e.resolve(p, c)
		if err != nil {
			return err
		}
		rows, err := e.queryAlerts(ctx, c, s, p.FoldCase)
		if err != nil {
			return err
		}
		facts, err := e.windowFactsOf(ctx, c, s)
		if err != nil {
			return err
		}
		pulled, err := e.pulledOf(ctx)
		if err != nil {
			return err
		}
		facts.pulled = pulled.windowLoaded(s)
		cov := coverageOf(c, s)
		warnings := append(warningsOf(c, s, p, cov, facts), pulled.warnings(s)...)
		res = &Result{
			Params:       p,
			AsOf:         s.asOf,
			BaselineFrom: s.baselineFrom,
			BaselineTo:   s.windowFrom,
			WindowFrom:   s.windowFrom,
			WindowTo:     s.asOf,
			Rows:         rows,
			Inviters:     summarizeInviters(rows),
			Coverage:     cov,
			Warnings:     warnings,
			AllClear:     allClearText(len(rows), facts, warnings),
			Matching:     matchingText(p.FoldCase),
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

func (e *Engine) queryAlerts(ctx context.Context, c *inviteCache, s span, foldCase bool) ([]Alert, error) {
	rows, err := e.store.DB().QueryContext(ctx, ruleSQL(c.table, foldCase),
		s.baselineFrom.UnixNano(), s.windowFrom.UnixNano(), s.asOf.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("run rule: %w", err)
	}
	defer rows.Close()
	var alerts []Alert
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("read alert: %w", err)
		}
		alerts = append(alerts, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("run rule: %w", err)
	}
	return alerts, e.fillColumns(ctx, c.generation, alerts)
}

// scanAlert reads one row of alertSelectSQL followed by the latest earlier
// invite, and derives the extended columns Kusto computes with split().
func scanAlert(rows *sql.Rows) (Alert, error) {
	var a Alert
	var ts, latestEarlier sql.NullInt64
	str := func(p *string) any { return (*kustoString)(p) }
	err := rows.Scan(&ts, str(&a.TargetUserPrincipalName), str(&a.TargetAadUserId),
		str(&a.InitiatingUserPrincipalName), str(&a.InitiatingAadUserId), str(&a.InitiatingIPAddress),
		&a.SourceID, &a.SourceRecord, &latestEarlier)
	if err != nil {
		return a, err
	}
	a.TimeGenerated = nsTime(ts)
	a.latestEarlier = nsTime(latestEarlier)
	a.InvitingUser = a.InitiatingUserPrincipalName
	a.InvitedUserPrincipalName = a.TargetUserPrincipalName
	a.InitiatingAccountName, a.InitiatingAccountUPNSuffix = splitAt(a.InitiatingUserPrincipalName)
	a.TargetAccountName, a.TargetAccountUPNSuffix = splitAt(a.TargetUserPrincipalName)
	return a, nil
}

// fillColumns copies the AuditLogs columns of each alert's event, fetched by
// its provenance key and kept for later runs over the same data: moving the
// baseline mostly returns rows already seen, and a case file's compressed
// columns cost a tenth of a second per fetch.
func (e *Engine) fillColumns(ctx context.Context, generation int64, alerts []Alert) error {
	keys := make([]store.RecordKey, len(alerts))
	for i, a := range alerts {
		keys[i] = store.RecordKey{SourceID: a.SourceID, Record: a.SourceRecord}
	}
	recs, err := e.records(ctx, generation, keys)
	if err != nil {
		return fmt.Errorf("read alert rows: %w", err)
	}
	for i := range alerts {
		a := &alerts[i]
		r, ok := recs[keys[i]]
		if !ok {
			return fmt.Errorf("read alert rows: event %d of file %d is gone", a.SourceRecord, a.SourceID)
		}
		a.Record = r
	}
	return nil
}

// kustoString scans a VARCHAR that may be NULL as Kusto sees it: null is "".
type kustoString string

func (k *kustoString) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*k = ""
	case string:
		*k = kustoString(x)
	case []byte:
		*k = kustoString(x)
	default:
		return fmt.Errorf("want a string, got %T", v)
	}
	return nil
}

// maxRememberedRows bounds the rows fillColumns keeps (a few hundred MB at
// worst); past it the memo starts again.
const maxRememberedRows = 200_000

// records returns the events for keys, fetching only those not seen before
// in this generation of the data.
func (e *Engine) records(ctx context.Context, generation int64, keys []store.RecordKey) (map[store.RecordKey]data.Record, error) {
	e.rowsMu.Lock()
	if e.rowsGen != generation || len(e.rows) > maxRememberedRows {
		e.rowsGen, e.rows = generation, map[store.RecordKey]data.Record{}
	}
	out := make(map[store.RecordKey]data.Record, len(keys))
	var missing []store.RecordKey
	for _, k := range keys {
		if r, ok := e.rows[k]; ok {
			out[k] = r
		} else {
			missing = append(missing, k)
		}
	}
	e.rowsMu.Unlock()
	if len(missing) == 0 {
		return out, nil
	}
	fetched, err := e.store.Records(ctx, missing)
	if err != nil {
		return nil, err
	}
	e.rowsMu.Lock()
	defer e.rowsMu.Unlock()
	for k, r := range fetched {
		out[k] = r
		if e.rowsGen == generation {
			e.rows[k] = r
		}
	}
	return out, nil
}
