package hunt

import (
	"context"
	"fmt"
	"time"
)

// MaxSensitivityDays bounds Sensitivity's range; 100 years of days keeps
// the nanosecond arithmetic in SQL far from overflow.
const MaxSensitivityDays = 36500

// SensitivityPoint is the rule's outcome at one baseline length.
type SensitivityPoint struct {
	BaselineDays int
	Baseline     time.Duration
	Inviters     int  // distinct flagged inviter UPNs
	Alerts       int  // alert rows (qualifying invite events)
	Covered      bool // the data reaches back to T-Baseline
}

// sensitivitySQL computes, in one pass, how many inviters the rule flags for
// every baseline of 1..$3 days. An inviter seen in the window is flagged at
// baseline b unless it has a successful invite in [T-b, T-window]. With
// last = its latest successful invite at or before T-window, that is: flagged
// iff last is null or last < T-b. This also holds when b <= window, where the
// interval is empty (or the single instant T-window). $1 = T-window,
// $2 = T, $3 = max days.
func sensitivitySQL(table string, foldCase bool) string {
	return fmt.Sprintf(`WITH detected AS (
	SELECT _h_upn AS upn, %[2]s AS k, count(*) AS invites FROM %[1]s
	WHERE _h_ok AND _h_upn <> '' AND _h_ns > $1 AND _h_ns <= $2
	GROUP BY _h_upn, %[2]s
), inviters AS (
	SELECT d.upn, d.invites, f.last_ns FROM detected d JOIN (%[3]s) f ON f.k = d.k
), flags AS (
	SELECT b.days, i.upn, i.invites,
		i.upn IS NOT NULL AND (i.last_ns IS NULL OR i.last_ns < $2 - b.days * 86400000000000) AS flagged
	FROM range(1, $3 + 1) b(days) LEFT JOIN inviters i ON true
)
SELECT days, count(*) FILTER (WHERE flagged), coalesce(sum(invites) FILTER (WHERE flagged), 0)
FROM flags GROUP BY days ORDER BY days`, table, matchKey(foldCase), firstInWindowSQL(table, foldCase, "$1", "$2"))
}

// Sensitivity shows how the number of flagged inviters depends on the
// baseline length: one point per whole-day baseline 1..maxDays, with p's
// window, as-of instant and case rule.
func (e *Engine) Sensitivity(ctx context.Context, p Params, maxDays int) ([]SensitivityPoint, error) {
	if maxDays < 1 || maxDays > MaxSensitivityDays {
		return nil, fmt.Errorf("sensitivity: %d days, want 1 to %d", maxDays, MaxSensitivityDays)
	}
	release, gateErr := e.gate.enter(ctx)
	if gateErr != nil {
		return nil, gateErr
	}
	defer release()
	var points []SensitivityPoint
	err := e.withCache(ctx, func(c *inviteCache) error {
		s, err := e.resolve(p, c)
		if err != nil {
			return err
		}
		rows, err := e.store.DB().QueryContext(ctx, sensitivitySQL(c.table, p.FoldCase),
			s.windowFrom.UnixNano(), s.asOf.UnixNano(), int64(maxDays))
		if err != nil {
			return fmt.Errorf("sensitivity: %w", err)
		}
		defer rows.Close()
		points = points[:0]
		for rows.Next() {
			var pt SensitivityPoint
			var days, inviters, alerts int64
			if err := rows.Scan(&days, &inviters, &alerts); err != nil {
				return fmt.Errorf("sensitivity: %w", err)
			}
			pt.BaselineDays, pt.Inviters, pt.Alerts = int(days), int(inviters), int(alerts)
			pt.Baseline = time.Duration(days) * 24 * time.Hour
			from := s.asOf.Add(-pt.Baseline)
			pt.Covered = !c.dataFrom.IsZero() && !c.dataFrom.After(from)
			points = append(points, pt)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return points, nil
}
