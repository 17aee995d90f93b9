package hunt

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// maxReplayDays bounds Days: past it (data over a century) only the days
// with invites or alert rows are listed, not every empty day between.
const maxReplayDays = 36600

// inviteDays counts the successful invite events per UTC day.
func (e *Engine) inviteDays(ctx context.Context, c *inviteCache) (map[time.Time]int, error) {
	rows, err := e.store.DB().QueryContext(ctx, inviteDaysSQL(c.table))
	if err != nil {
		return nil, fmt.Errorf("replay: invites per day: %w", err)
	}
	defer rows.Close()
	out := map[time.Time]int{}
	for rows.Next() {
		var day time.Time
		var n int64
		if err := rows.Scan(&day, &n); err != nil {
			return nil, fmt.Errorf("replay: invites per day: %w", err)
		}
		out[utcDay(day)] = int(n)
	}
	return out, rows.Err()
}

// replayDays lists every UTC day from the first with an event or a run to
// the last, with that day's invites and the alert rows of the runs whose
// instant falls on it.
func replayDays(invites map[time.Time]int, runs []ReplayRun, dataFrom, dataTo time.Time) []ReplayDay {
	alerts := map[time.Time]int{}
	for _, r := range runs {
		alerts[utcDay(r.AsOf)] += len(r.Rows)
	}
	var first, last time.Time
	note := func(d time.Time) {
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if last.IsZero() || d.After(last) {
			last = d
		}
	}
	if !dataFrom.IsZero() {
		note(utcDay(dataFrom))
		note(utcDay(dataTo))
	}
	for d := range invites {
		note(d)
	}
	for d := range alerts {
		note(d)
	}
	if first.IsZero() {
		return nil
	}
	var days []ReplayDay
	if last.Sub(first) > maxReplayDays*24*time.Hour {
		return sparseDays(invites, alerts)
	}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, ReplayDay{Day: d, Invites: invites[d], Alerts: alerts[d]})
	}
	return days
}

// sparseDays lists only the days with invites or runs, in order.
func sparseDays(invites, alerts map[time.Time]int) []ReplayDay {
	seen := map[time.Time]bool{}
	var days []ReplayDay
	for _, m := range []map[time.Time]int{invites, alerts} {
		for d := range m {
			if !seen[d] {
				seen[d] = true
				days = append(days, ReplayDay{Day: d, Invites: invites[d], Alerts: alerts[d]})
			}
		}
	}
	slices.SortFunc(days, func(a, b ReplayDay) int { return a.Day.Compare(b.Day) })
	return days
}

// utcDay is t's calendar day, 00:00 UTC.
func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
