package hunt

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// Replay evaluates the rule at every run of rp's schedule, set-based: one
// query finds every run's alert rows, one more counts the invites per day;
// the alert rows' other columns are fetched once (and memoised as for Run).
// Each run's Rows and Inviters equal Engine.Run's at that instant.
func (e *Engine) Replay(ctx context.Context, rp ReplayParams) (*Replay, error) {
	release, gateErr := e.gate.enter(ctx)
	if gateErr != nil {
		return nil, gateErr
	}
	defer release()
	start := time.Now()
	var out *Replay
	err := e.withCache(ctx, func(c *inviteCache) error {
		r, err := e.replayOn(ctx, c, rp)
		out = r
		return err
	})
	if err != nil {
		return nil, err
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

func (e *Engine) replayOn(ctx context.Context, c *inviteCache, rp ReplayParams) (*Replay, error) {
	s, err := e.resolve(rp.Params, c)
	if err != nil {
		return nil, err
	}
	sch, err := resolveSchedule(rp, s.asOf, c.dataFrom, c.dataTo)
	if err != nil {
		return nil, err
	}
	resolved := rp
	resolved.Params.AsOf = AsOf{Mode: AsOfFixed, At: s.asOf}
	resolved.Every, resolved.From, resolved.To = sch.every, sch.lo, sch.hi
	out := &Replay{Params: resolved, FirstFired: map[string]time.Time{}}
	n := sch.n()
	if n > 0 {
		resolved.From, resolved.To = sch.at(0), sch.at(n-1)
		out.Params = resolved
		byRun, err := e.replayRows(ctx, c, rp.Params, sch)
		if err != nil {
			return nil, err
		}
		out.Runs = assembleRuns(sch, byRun, rp.Params.Baseline, c.dataFrom)
		for _, run := range out.Runs {
			for _, inv := range run.Inviters {
				if _, seen := out.FirstFired[inv.UPN]; !seen {
					out.FirstFired[inv.UPN] = run.AsOf
				}
			}
		}
	}
	invites, err := e.inviteDays(ctx, c)
	if err != nil {
		return nil, err
	}
	out.Days = replayDays(invites, out.Runs, c.dataFrom, c.dataTo)
	return out, nil
}

// replayRows returns every run's alert rows, keyed by the run instant (ns),
// in Run's order, with the AuditLogs columns filled in.
func (e *Engine) replayRows(ctx context.Context, c *inviteCache, p Params, sch schedule) (map[int64][]Alert, error) {
	first, last := sch.at(0), sch.at(sch.n()-1)
	rows, err := e.store.DB().QueryContext(ctx, replaySQL(c.table, p.FoldCase),
		sch.anchor.UnixNano(), int64(sch.every), sch.kLate, sch.kEarly,
		int64(p.Window), int64(p.Baseline), first.Add(-p.Window).UnixNano(), last.UnixNano())
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer rows.Close()
	var all []Alert
	var runNs []int64
	for rows.Next() {
		t, a, err := scanReplayAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("replay: read alert: %w", err)
		}
		all = append(all, a)
		runNs = append(runNs, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	rows.Close()
	if err := e.fillColumns(ctx, c.generation, all); err != nil {
		return nil, err
	}
	byRun := map[int64][]Alert{}
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && runNs[j] == runNs[i] {
			j++
		}
		byRun[runNs[i]] = all[i:j:j] // capped: appending to one run never touches the next
		i = j
	}
	return byRun, nil
}

// scanReplayAlert reads replaySQL's run instant and then one alert row as
// scanAlert does (the same derived columns; the equality tests with Run
// keep the two in step).
func scanReplayAlert(rows *sql.Rows) (int64, Alert, error) {
	var a Alert
	var t int64
	var ts, latestEarlier sql.NullInt64
	str := func(p *string) any { return (*kustoString)(p) }
	err := rows.Scan(&t, &ts, str(&a.TargetUserPrincipalName), str(&a.TargetAadUserId),
		str(&a.InitiatingUserPrincipalName), str(&a.InitiatingAadUserId), str(&a.InitiatingIPAddress),
		&a.SourceID, &a.SourceRecord, &latestEarlier)
	if err != nil {
		return 0, a, err
	}
	a.TimeGenerated = nsTime(ts)
	a.latestEarlier = nsTime(latestEarlier)
	a.InvitingUser = a.InitiatingUserPrincipalName
	a.InvitedUserPrincipalName = a.TargetUserPrincipalName
	a.InitiatingAccountName, a.InitiatingAccountUPNSuffix = splitAt(a.InitiatingUserPrincipalName)
	a.TargetAccountName, a.TargetAccountUPNSuffix = splitAt(a.TargetUserPrincipalName)
	return t, a, nil
}

// assembleRuns makes one ReplayRun per scheduled instant, with its
// inviters (as Run summarises them) and the change from the run before.
func assembleRuns(sch schedule, byRun map[int64][]Alert, baseline time.Duration, dataFrom time.Time) []ReplayRun {
	runs := make([]ReplayRun, 0, sch.n())
	var prev map[string]bool
	for i := range sch.n() {
		t := sch.at(i)
		rows := byRun[t.UnixNano()]
		run := ReplayRun{
			AsOf:     t,
			Covered:  !dataFrom.IsZero() && !dataFrom.After(t.Add(-baseline)), // as coverageOf
			Rows:     rows,
			Inviters: summarizeInviters(rows),
		}
		cur := make(map[string]bool, len(run.Inviters))
		for _, inv := range run.Inviters {
			cur[inv.UPN] = true
			if !prev[inv.UPN] {
				run.New = append(run.New, inv.UPN)
			}
		}
		for upn := range prev {
			if !cur[upn] {
				run.Gone = append(run.Gone, upn)
			}
		}
		slices.Sort(run.New)
		slices.Sort(run.Gone)
		runs = append(runs, run)
		prev = cur
	}
	return runs
}
