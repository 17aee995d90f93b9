package live

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// plan asks for the row count and the histogram and cuts the chunks. An
// hour over budget is asked again by the minute.
func (r *laRun) plan(ctx context.Context) ([]store.PullChunk, error) {
	iv := Interval{r.pull.From, r.pull.To}
	scope := Scope(r.pull.Scope)
	kql, err := PreflightKQL(iv)
	if err != nil {
		return nil, err
	}
	pre, err := r.ask(ctx, kql, iv)
	if err != nil {
		return nil, fmt.Errorf("pull: the first query (a row count) failed, nothing was recorded: %w", err)
	}
	if n := cellInt(pre, 0, "n"); n == 0 {
		r.progress("the workspace holds no AuditLogs rows in [%s, %s)", iv.From.Format(data.TimeLayout), iv.To.Format(data.TimeLayout))
	}
	budget := Budget{Rows: r.opt.ChunkRows, Bytes: r.opt.ChunkBytes}
	bins, err := r.histogram(ctx, scope, iv, time.Hour)
	if err != nil {
		return nil, err
	}
	var fine []Bin
	for _, b := range bins {
		if budget.fits(b.Rows, b.Bytes) {
			fine = append(fine, b)
			continue
		}
		hour := Interval{maxTime(b.Start, iv.From), minTime(b.Start.Add(b.Width), iv.To)}
		if !hour.From.Before(hour.To) {
			fine = append(fine, b)
			continue
		}
		minutes, err := r.histogram(ctx, scope, hour, time.Minute)
		if err != nil {
			return nil, err
		}
		fine = append(fine, minutes...)
	}
	chunks, over := PlanChunks(iv, fine, budget)
	for _, i := range over {
		r.progress("chunk %d [%s, %s) holds about %d rows, %d bytes in one minute: over the budget, it will be split if the service refuses it",
			i+1, chunks[i].From.Format(data.TimeLayout), chunks[i].To.Format(data.TimeLayout), chunks[i].PlannedRows, chunks[i].PlannedBytes)
	}
	return chunks, nil
}

// histogram asks for a scope's rows and estimated bytes per bin.
func (r *laRun) histogram(ctx context.Context, s Scope, iv Interval, width time.Duration) ([]Bin, error) {
	kql, err := HistogramKQL(s, iv, width)
	if err != nil {
		return nil, err
	}
	res, err := r.ask(ctx, kql, iv)
	var qe *QueryError
	if errors.As(err, &qe) && qe.Kind == KindTimeout && ctx.Err() == nil {
		// Too slow over the whole span (90 days of "all"): halves, at a bin edge.
		if mid := iv.From.Add(iv.To.Sub(iv.From) / 2).Truncate(width); mid.After(iv.From) && mid.Before(iv.To) {
			r.progress("the histogram over [%s, %s) ran out of time; asking for it in halves", iv.From.Format(data.TimeLayout), iv.To.Format(data.TimeLayout))
			a, err := r.histogram(ctx, s, Interval{iv.From, mid}, width)
			if err != nil {
				return nil, err
			}
			b, err := r.histogram(ctx, s, Interval{mid, iv.To}, width)
			return append(a, b...), err
		}
	}
	if err != nil {
		return nil, fmt.Errorf("pull: the histogram query failed, nothing was recorded: %w", err)
	}
	bins := make([]Bin, 0, len(res.Rows))
	for i := range res.Rows {
		at, ok := cellTime(res, i, "TimeGenerated")
		if !ok {
			return nil, fmt.Errorf("pull: histogram row %d has no readable TimeGenerated", i+1)
		}
		bins = append(bins, Bin{Start: at, Width: width, Rows: cellInt(res, i, "n"), Bytes: cellInt(res, i, "sz")})
	}
	return bins, nil
}

// ask runs one small query (count, histogram) to its end: a broken
// connection is retried, a 429 waited out; anything else is returned.
func (r *laRun) ask(ctx context.Context, kql string, iv Interval) (LAResponse, error) {
	backoff, throttles, tries := throttleFirst, 0, 0
	for {
		res, err := r.c.pullQuery(ctx, r.pull.Target, kql, iv, r.opt.Wait)
		var qe *QueryError
		switch {
		case err == nil:
			return res, nil
		case ctx.Err() != nil || !errors.As(err, &qe):
			return res, err
		case qe.Kind == KindThrottled && throttles < throttleInARow:
			throttles++
			r.sum.Throttled++
			d := qe.RetryAfter
			if d <= 0 {
				d, backoff = backoff, min(2*backoff, throttleMax)
			}
			r.throttled = r.opt.Now().Add(d)
			r.progress("throttled: waiting %s", d)
			if err := r.opt.Sleep(ctx, d); err != nil {
				return res, err
			}
		case (qe.Kind == KindTransport || qe.Kind == KindEmpty) && tries < transportRetries:
			if err := r.opt.Sleep(ctx, time.Second<<tries); err != nil {
				return res, err
			}
			tries++
		default:
			return res, err
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
