package hunt

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// Explanation says why an inviter is (or is not) flagged under some
// parameters: what the baseline search found for it, and what would change
// the outcome.
type Explanation struct {
	UPN      string
	Params   Params
	AsOf     time.Time
	Matching string // as Result.Matching

	// The baseline interval searched, both ends inclusive.
	BaselineFrom, BaselineTo time.Time
	Coverage                 Coverage

	WindowInvites int  // qualifying invites by this UPN (exactly) in the window
	Flagged       bool // WindowInvites > 0 and no baseline match under p's case rule

	// Counts inside the baseline interval.
	BaselineInvites         int // successful invites by exactly this UPN (0 if flagged)
	BaselineFailedInvites   int // invites by exactly this UPN whose Result is not success
	BaselineOtherOperations int // other operations initiated by exactly this UPN
	// OtherOperationsNotPulled is NotPulledInvites when part of the
	// baseline was pulled with scope invites only: BaselineOtherOperations
	// then counts what files and wider pulls hold, not what happened.
	OtherOperationsNotPulled   string
	BaselineCaseVariantInvites int      // successful invites by another spelling of it (what fold-case matches)
	CaseVariants               []string // those spellings, sorted

	// The latest successful invite by this UPN (under p's case rule) at or
	// before the window start, at any distance back.
	LatestEarlierInvite time.Time
	HasEarlierInvite    bool

	// The shortest baseline at which the inviter would not be flagged:
	// exactly T - LatestEarlierInvite, and that rounded up to whole days.
	// Meaningless unless HasEarlierInvite ("never" otherwise).
	ClearingBaseline     time.Duration
	ClearingBaselineDays int
}

// explainCacheSQL counts, over the invite cache, what Explanation reports.
// $1 = UPN, $2 = baseline from, $3 = window from (= baseline to), $4 = T.
func explainCacheSQL(table string, foldCase bool) string {
	key, val := matchKey(foldCase), matchValueSQL(foldCase, "$1")
	return fmt.Sprintf(`SELECT
	count(*) FILTER (WHERE _h_ok AND _h_upn = $1 AND _h_ns > $3 AND _h_ns <= $4),
	count(*) FILTER (WHERE _h_ok AND %[2]s = %[3]s AND _h_ns BETWEEN $2 AND $3),
	count(*) FILTER (WHERE _h_ok AND _h_upn = $1 AND _h_ns BETWEEN $2 AND $3),
	count(*) FILTER (WHERE NOT _h_ok AND _h_upn = $1 AND _h_ns BETWEEN $2 AND $3),
	count(*) FILTER (WHERE _h_ok AND _h_upn <> $1 AND _h_upn_lower = lower($1) AND _h_ns BETWEEN $2 AND $3),
	max(_h_ns) FILTER (WHERE _h_ok AND %[2]s = %[3]s AND _h_ns <= $3)
FROM %[1]s`, table, key, val)
}

// caseVariantsSQL lists the other spellings of $1 with successful invites
// in the baseline [$2, $3].
func caseVariantsSQL(table string) string {
	return `SELECT DISTINCT _h_upn FROM ` + table + `
WHERE _h_ok AND _h_upn <> $1 AND _h_upn_lower = lower($1) AND _h_ns BETWEEN $2 AND $3
ORDER BY _h_upn`
}

// otherOperationsSQL counts events in [$2, $3] that are not
// "Invite external user" and were initiated by exactly $1. It reads
// AuditLogs itself (the cache holds invites only). With prefilter, rows
// whose InitiatedBy text holds neither $1 nor any backslash are skipped
// before any JSON is parsed: a JSON string without escapes appears verbatim
// in the text, so such rows cannot yield $1 (see literalInText for when
// that reasoning applies).
func otherOperationsSQL(prefilter bool) string {
	skip := ""
	if prefilter {
		skip = `AND (contains(CAST(InitiatedBy AS VARCHAR), $1) OR contains(CAST(InitiatedBy AS VARCHAR), '\'))`
	}
	return `SELECT count(*) FROM (
	SELECT ` + inviterUPNJSONSQL("_j_user") + ` AS _j_upn FROM (
		SELECT ` + userJSONSQL("InitiatedBy") + ` AS _j_user FROM AuditLogs
		WHERE TimeGenerated BETWEEN make_timestamp_ns($2) AND make_timestamp_ns($3)
			AND NOT coalesce(` + asciiEqualFoldSQL("OperationName", "$4") + `, false)
			` + skip + `
	)
) WHERE ` + kustoToStringSQL("_j_upn") + ` = $1`
}

// literalInText reports whether a value equal to upn must appear verbatim
// in any JSON text that holds it without backslash escapes: true unless upn
// has characters JSON must escape, or looks like a number (tostring of a
// JSON number need not match its text: 1e3 gives "1000").
func literalInText(upn string) bool {
	numeric := true
	for _, r := range upn {
		if r < 0x20 || r == '"' || r == '\\' {
			return false
		}
		if !strings.ContainsRune("0123456789.eE+-", r) {
			numeric = false
		}
	}
	return !numeric
}

// Explain says why upn is or is not flagged under p.
func (e *Engine) Explain(ctx context.Context, p Params, upn string) (*Explanation, error) {
	if upn == "" {
		return nil, errors.New("explain: empty UPN (the rule never flags an empty inviter UPN)")
	}
	release, gateErr := e.gate.enter(ctx)
	if gateErr != nil {
		return nil, gateErr
	}
	defer release()
	var ex *Explanation
	err := e.withCache(ctx, func(c *inviteCache) error {
		s, err := e.resolve(p, c)
		if err != nil {
			return err
		}
		x := &Explanation{
			UPN: upn, Params: p, AsOf: s.asOf, Matching: matchingText(p.FoldCase),
			BaselineFrom: s.baselineFrom, BaselineTo: s.windowFrom, Coverage: coverageOf(c, s),
		}
		db := e.store.DB()
		from, to, t := s.baselineFrom.UnixNano(), s.windowFrom.UnixNano(), s.asOf.UnixNano()
		var window, matched, exact, failed, variants int64
		var latest sql.NullInt64
		err = db.QueryRowContext(ctx, explainCacheSQL(c.table, p.FoldCase), upn, from, to, t).
			Scan(&window, &matched, &exact, &failed, &variants, &latest)
		if err != nil {
			return fmt.Errorf("explain: %w", err)
		}
		x.WindowInvites, x.BaselineInvites, x.BaselineFailedInvites = int(window), int(exact), int(failed)
		x.BaselineCaseVariantInvites = int(variants)
		x.Flagged = window > 0 && matched == 0
		if latest.Valid {
			x.HasEarlierInvite = true
			x.LatestEarlierInvite = nsTime(latest)
			x.ClearingBaseline = s.asOf.Sub(x.LatestEarlierInvite)
			x.ClearingBaselineDays = int((x.ClearingBaseline + 24*time.Hour - 1) / (24 * time.Hour))
		}
		if variants > 0 {
			if x.CaseVariants, err = queryStrings(ctx, db, caseVariantsSQL(c.table), upn, from, to); err != nil {
				return fmt.Errorf("explain: %w", err)
			}
		}
		var other int64
		err = db.QueryRowContext(ctx, otherOperationsSQL(literalInText(upn)), upn, from, to, inviteOperationLower).Scan(&other)
		if err != nil {
			return fmt.Errorf("explain: other operations: %w", err)
		}
		x.BaselineOtherOperations = int(other)
		pulled, err := e.pulledOf(ctx)
		if err != nil {
			return err
		}
		if _, ok := pulled.notPulled(interval{s.baselineFrom, s.windowFrom.Add(data.Tick)}); ok {
			x.OtherOperationsNotPulled = NotPulledInvites
		}
		ex = x
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ex, nil
}

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryStrings runs a query whose rows are one string each.
func queryStrings(ctx context.Context, db queryer, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
