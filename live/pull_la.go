package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
)

// The pull's pace: the service allows 200 queries per 30 s and 5 at once
// per user, shared with the analyst's own portal queries.
const (
	queryInterval    = 500 * time.Millisecond // the pacer: 2 queries/s
	transportRetries = 5                      // a broken connection is retried this often, with backoff
	throttleFirst    = 30 * time.Second       // a 429 without Retry-After waits this, doubling
	throttleMax      = 5 * time.Minute
	throttleInARow   = 10 // 429s in a row before the pull gives up for now
	cleanToRaise     = 10 // chunks without a 429 before concurrency goes up again
)

func (o PullOptions) withDefaults() PullOptions {
	if o.Concurrency <= 0 {
		o.Concurrency = 3
	}
	if o.ChunkBytes <= 0 {
		o.ChunkBytes = DefaultChunkBytes
	}
	if o.ChunkRows <= 0 {
		o.ChunkRows = DefaultChunkRows
	}
	if o.Wait <= 0 {
		o.Wait = DefaultWait
	}
	o.Wait = min(o.Wait, MaxWait)
	if o.Settle <= 0 {
		o.Settle = 30 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	if o.SpoolDir == "" {
		o.SpoolDir = "guesthunt.pulls"
	}
	return o
}

// PullLA pulls p.Scope's AuditLogs rows of workspace p.Target over
// [p.From, p.To) into j. An unfinished pull of the same workspace, cloud,
// scope and interval is resumed: loaded chunks are skipped, a fetched chunk
// whose spool file still verifies is loaded from disk, the rest fetched
// again. Otherwise the workspace is asked for a row count and an hourly
// histogram, the interval planned into chunks (PlanChunks) and the pull
// recorded. DryRun stops after planning, having written nothing. A pull
// that stops early returns Summary.Incomplete and an error ending in
// "re-run the same command to resume".
func PullLA(ctx context.Context, j Journal, c *LAClient, p store.Pull, opt PullOptions) (Summary, error) {
	opt = opt.withDefaults()
	if j == nil || c == nil {
		return Summary{}, errors.New("pull: no case file or no Log Analytics client")
	}
	p.Source = "la"
	p.From, p.To = data.ToTick(p.From), data.ToTick(p.To)
	if p.Scope == "" {
		p.Scope = string(ScopeInvites)
	}
	if p.Cloud == "" {
		p.Cloud = c.cloud.Name
	}
	if !p.From.Before(p.To) {
		return Summary{}, fmt.Errorf("pull: the interval [%s, %s) is empty", p.From.Format(data.TimeLayout), p.To.Format(data.TimeLayout))
	}
	if _, err := ScopePredicate(Scope(p.Scope)); err != nil {
		return Summary{}, fmt.Errorf("pull: %w", err)
	}
	if _, err := CheckTarget(p.Target); err != nil {
		return Summary{}, fmt.Errorf("pull: %w", err)
	}
	r := &laRun{j: j, c: c, opt: opt, pull: p}
	if !opt.DryRun {
		found, ok, err := j.FindPull(ctx, p)
		if err != nil {
			return Summary{}, fmt.Errorf("pull: looking for an earlier pull in the case file: %w", err)
		}
		if ok && found.Complete && opt.Refresh {
			return r.refresh(ctx, found)
		}
		if ok {
			r.use(found)
			if found.Complete {
				return r.alreadyComplete(ctx)
			}
			r.progress("resuming pull %d", found.ID)
			return r.fetchAll(ctx)
		}
	}
	chunks, err := r.plan(ctx)
	if err != nil {
		return r.sum, err
	}
	r.sum.Plan, r.sum.Chunks = chunks, len(chunks)
	if opt.DryRun {
		r.sum.Pull = p
		return r.sum, nil
	}
	if p.QueryText, err = ChunkKQL(Scope(p.Scope), Interval{p.From, p.To}); err != nil {
		return r.sum, err
	}
	p.CreatedAt, p.Settle = opt.Now().UTC(), opt.Settle
	settled := p.CreatedAt.Add(-p.Settle)
	for i := range chunks {
		chunks[i].Provisional = chunks[i].To.After(settled)
	}
	created, err := j.CreatePull(ctx, p, chunks)
	if err != nil {
		return r.sum, fmt.Errorf("pull: recording the plan in the case file: %w", err)
	}
	r.use(created)
	return r.fetchAll(ctx)
}

// use makes pull the run's: its chunks are asked with the query it
// recorded, rebound to each chunk's bounds, so a resumed pull (or refresh)
// sends what it recorded.
func (r *laRun) use(pull store.Pull) {
	r.pull, r.sum.Pull = pull, pull
	whole, rec, scope := Interval{pull.From, pull.To}, pull.QueryText, Scope(pull.Scope)
	r.kqlFor = func(iv Interval) (string, error) {
		if q, ok := RebindKQL(rec, whole, iv); ok {
			return q, nil
		}
		return ChunkKQL(scope, iv)
	}
}

// laRun is one run of a pull: its journal, client, options and tally.
type laRun struct {
	j      Journal
	c      *LAClient
	opt    PullOptions
	pull   store.Pull
	kqlFor func(Interval) (string, error)
	sum    Summary

	started    time.Time
	loadedHere int // chunks loaded by this run, for the ETA
	throttled  time.Time
}

// progress reports a note with the tally so far.
func (r *laRun) progress(format string, args ...any) {
	if r.opt.Progress == nil {
		return
	}
	var eta time.Duration
	if r.loadedHere > 0 && r.sum.Chunks > r.sum.Loaded {
		per := r.opt.Now().Sub(r.started) / time.Duration(r.loadedHere)
		eta = per * time.Duration(r.sum.Chunks-r.sum.Loaded)
	}
	r.opt.Progress(Progress{Chunk: r.sum.Loaded, Of: r.sum.Chunks, Rows: r.sum.Rows, Bytes: r.sum.Bytes,
		ThrottledUntil: r.throttled, ETA: eta, Note: fmt.Sprintf(format, args...)})
}

// alreadyComplete reports a complete pull without asking anything.
func (r *laRun) alreadyComplete(ctx context.Context) (Summary, error) {
	chunks, err := r.j.PullChunks(ctx, r.pull.ID)
	if err != nil {
		return r.sum, fmt.Errorf("pull %d: reading its chunks: %w", r.pull.ID, err)
	}
	r.sum.Plan, r.sum.Chunks = chunks, len(chunks)
	for _, ch := range chunks {
		r.sum.Loaded++
		r.sum.Rows += ch.Rows
		r.sum.Bytes += ch.Bytes
	}
	r.progress("pull %d is already complete (pull --refresh asks for late rows)", r.pull.ID)
	return r.sum, nil
}

// incomplete ends a run that stopped early.
func (r *laRun) incomplete(reason string, cause error) (Summary, error) {
	r.sum.Incomplete, r.sum.IncompleteAt = true, reason
	r.progress("stopped: %s", reason)
	msg := fmt.Sprintf("pull %d stopped with %d of %d chunks loaded", r.pull.ID, r.sum.Loaded, r.sum.Chunks)
	var perm interface{ Permanent() bool }
	if errors.As(cause, &perm) && perm.Permanent() {
		return r.sum, fmt.Errorf("%s: %w; once that is fixed, %s", msg, cause, resumeHint)
	}
	if cause != nil {
		return r.sum, fmt.Errorf("%s: %w; %s", msg, cause, resumeHint)
	}
	return r.sum, fmt.Errorf("%s: %s; %s", msg, reason, resumeHint)
}

// fetched is what a worker brings back for one chunk.
type fetched struct {
	chunk      store.PullChunk
	path, sha  string
	rows, size int64
	err        error    // the last attempt's, classified (*QueryError) where it came from the service
	retried    []string // earlier attempts' failures (broken connections)
}

// fetchAll loads every chunk of r.pull not yet loaded: at most Concurrency
// queries in flight, paced, throttled and split as the service answers.
// Journal calls happen here only, one at a time; workers query and spool.
func (r *laRun) fetchAll(ctx context.Context) (Summary, error) {
	id := r.pull.ID
	chunks, err := r.j.PullChunks(ctx, id)
	if err != nil {
		return r.incomplete("the case file's plan could not be read", err)
	}
	r.started = r.opt.Now()
	r.sum.Chunks = len(chunks)
	var queue []store.PullChunk
	for _, ch := range chunks {
		switch {
		case ch.State == store.ChunkLoaded:
			r.count(ch.Rows, ch.Bytes, 0)
		case ch.State == store.ChunkFetched && VerifySpool(ch.RawPath, ch.Sha256):
			fr, err := r.j.LoadChunk(ctx, id, ch.Seq)
			if err != nil {
				if ctx.Err() != nil {
					return r.incomplete("interrupted", ctx.Err())
				}
				r.progress("chunk %d: its spooled response did not load (%v); fetching it again", ch.Seq, err)
				queue = append(queue, ch)
				continue
			}
			r.count(ch.Rows, ch.Bytes, fr.Loaded)
			r.progress("chunk %d loaded from its spool file", ch.Seq)
		default:
			queue = append(queue, ch)
		}
	}

	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	results := make(chan fetched)
	limit, inflight, clean := r.opt.Concurrency, 0, 0
	backoff, inARow := throttleFirst, 0
	partials := map[int64]int{}
	var pausedUntil, nextSlot time.Time
	var stop error
	stopReason := ""
	halt := func(reason string, err error) {
		if stop == nil {
			stop, stopReason = err, reason
			cancel() // 400/401/403 and their like end the pull at once
		}
	}
	for {
		for stop == nil && ctx.Err() == nil && inflight < limit && len(queue) > 0 {
			now := r.opt.Now()
			if now.Before(pausedUntil) {
				break
			}
			if now.Before(nextSlot) {
				if r.opt.Sleep(ctx, nextSlot.Sub(now)) != nil {
					break
				}
				now = r.opt.Now()
			}
			nextSlot = now.Add(queryInterval)
			ch := queue[0]
			queue = queue[1:]
			inflight++
			go func() { results <- r.fetch(wctx, ch) }()
		}
		if inflight == 0 {
			if stop != nil || ctx.Err() != nil || len(queue) == 0 {
				break
			}
			r.opt.Sleep(ctx, pausedUntil.Sub(r.opt.Now())) // every worker is paused; ctx is checked above
			continue
		}
		res := <-results
		inflight--
		if stop != nil || ctx.Err() != nil {
			continue // what comes back after the end is dropped; its chunk is fetched again next time
		}
		for _, text := range res.retried {
			if err := r.j.NoteAttempt(ctx, id, res.chunk.Seq, text); err != nil {
				halt("the case file refused a note", err)
			}
		}
		if res.err == nil {
			if err := r.land(ctx, res); err != nil {
				halt(fmt.Sprintf("chunk %d could not be loaded", res.chunk.Seq), err)
				continue
			}
			inARow, backoff = 0, throttleFirst
			if clean++; clean >= cleanToRaise && limit < r.opt.Concurrency {
				limit, clean = limit+1, 0
			}
			continue
		}
		ch := res.chunk
		if err := r.j.NoteAttempt(ctx, id, ch.Seq, res.err.Error()); err != nil {
			halt("the case file refused a note", err)
			continue
		}
		var qe *QueryError
		if !errors.As(res.err, &qe) {
			halt(fmt.Sprintf("chunk %d failed", ch.Seq), res.err)
			continue
		}
		switch qe.Kind {
		case KindThrottled:
			r.sum.Throttled++
			if inARow++; inARow > throttleInARow {
				halt(fmt.Sprintf("throttled %d times in a row", inARow), qe)
				continue
			}
			d := qe.RetryAfter
			if d <= 0 {
				d, backoff = backoff, min(2*backoff, throttleMax)
			}
			pausedUntil = maxTime(pausedUntil, r.opt.Now().Add(d))
			r.throttled = pausedUntil
			limit, clean = max(1, limit-1), 0
			queue = append([]store.PullChunk{ch}, queue...)
			r.progress("throttled: every query waits %s; at most %d at once now", d, limit)
		case KindPartial:
			if partials[ch.Seq]++; partials[ch.Seq] == 1 {
				queue = append([]store.PullChunk{ch}, queue...)
				r.progress("chunk %d answered in part (%s); asking again", ch.Seq, qe.Message)
				continue
			}
			fallthrough
		case KindTimeout, KindTooLarge:
			if qe.Kind == KindTimeout && ch.To.Sub(ch.From) <= minTimeoutSplit {
				// A query over a minute of AuditLogs that still runs out of
				// time is not too big: the service is struggling. Halving
				// down to single ticks would only spend the query budget.
				halt(fmt.Sprintf("chunk %d timed out although it spans %s", ch.Seq, hunt.FormatSpan(ch.To.Sub(ch.From))), qe)
				continue
			}
			parts, err := r.split(ctx, ch, qe)
			if err != nil {
				halt(fmt.Sprintf("chunk %d could not be split", ch.Seq), err)
				continue
			}
			queue = append(parts, queue...)
		case KindTransport, KindEmpty:
			halt(fmt.Sprintf("chunk %d failed %d times", ch.Seq, len(res.retried)+1), qe)
		default: // permission, bad query, sign-in, configuration, no content
			halt(qe.Kind.String(), qe)
		}
	}
	switch {
	case stop != nil:
		return r.incomplete(stopReason, stop)
	case ctx.Err() != nil:
		return r.incomplete("interrupted", ctx.Err())
	}
	return r.finish(ctx)
}

// minTimeoutSplit is the shortest chunk split because the service timed
// out on it (results too big are split down to a tick).
const minTimeoutSplit = time.Minute

// count adds a loaded chunk to the tally.
func (r *laRun) count(rows, bytes, events int64) {
	r.sum.Loaded++
	r.sum.Rows += rows
	r.sum.Bytes += bytes
	r.sum.Events += events
}

// land records a fetched chunk's spool file and loads it.
func (r *laRun) land(ctx context.Context, res fetched) error {
	id, seq := r.pull.ID, res.chunk.Seq
	if err := r.j.MarkFetched(ctx, id, seq, res.path, res.sha, res.rows, res.size); err != nil {
		return err
	}
	fr, err := r.j.LoadChunk(ctx, id, seq)
	if err != nil {
		return err
	}
	r.loadedHere++
	r.count(res.rows, res.size, fr.Loaded)
	r.progress("chunk %d: %d rows", seq, res.rows)
	return nil
}

// split replaces a chunk the service would not answer whole by its halves.
func (r *laRun) split(ctx context.Context, ch store.PullChunk, why *QueryError) ([]store.PullChunk, error) {
	halves, err := Bisect(ch)
	if err != nil {
		return nil, fmt.Errorf("[%s, %s): %w; the service said: %v", ch.From.Format(data.TimeLayout), ch.To.Format(data.TimeLayout), err, why)
	}
	parts, err := r.j.SplitChunk(ctx, r.pull.ID, ch.Seq, halves)
	if err != nil {
		return nil, err
	}
	r.sum.Splits++
	r.sum.Chunks += len(parts) - 1
	r.progress("chunk %d split at %s: %s", ch.Seq, halves[1].From.Format(data.TimeLayout), why.Kind)
	return parts, nil
}

// fetch asks for one chunk and spools the answer; a broken connection is
// tried again with backoff. A partial answer is never spooled.
func (r *laRun) fetch(ctx context.Context, ch store.PullChunk) fetched {
	out := fetched{chunk: ch}
	iv := Interval{ch.From, ch.To}
	kql, err := r.kqlFor(iv)
	if err != nil {
		out.err = err
		return out
	}
	for try := 0; ; try++ {
		res, err := r.c.pullQuery(ctx, r.pull.Target, kql, iv, r.opt.Wait)
		if err == nil && len(res.Raw) == 0 {
			err = &QueryError{Kind: KindEmpty, Target: r.pull.Target, Status: 200}
		}
		var qe *QueryError
		if err != nil && ctx.Err() == nil && errors.As(err, &qe) && (qe.Kind == KindTransport || qe.Kind == KindEmpty) && try < transportRetries {
			out.retried = append(out.retried, err.Error())
			if r.opt.Sleep(ctx, time.Second<<try) != nil {
				out.err = ctx.Err()
				return out
			}
			continue
		}
		if err != nil {
			out.err = err
			return out
		}
		name := fmt.Sprintf("%d-%d.json.gz", r.pull.ID, ch.Seq)
		out.path, out.sha, _, err = WriteSpool(r.opt.SpoolDir, name, func(w io.Writer) error {
			_, err := w.Write(res.Raw)
			return err
		})
		if err != nil {
			out.err = fmt.Errorf("writing the response to %s: %w", r.opt.SpoolDir, err)
			return out
		}
		out.rows, out.size = int64(len(res.Rows)), int64(len(res.Raw))
		return out
	}
}

// finish marks the pull complete and checks the rows against the plan.
func (r *laRun) finish(ctx context.Context) (Summary, error) {
	chunks, err := r.j.PullChunks(ctx, r.pull.ID)
	if err != nil {
		return r.incomplete("the case file's plan could not be read", err)
	}
	var planned, rows int64
	for _, ch := range chunks {
		planned += ch.PlannedRows
		rows += ch.Rows
	}
	if err := r.j.FinishPull(ctx, r.pull.ID); err != nil {
		return r.incomplete("the pull could not be marked complete", err)
	}
	r.pull.Complete = true
	r.sum.Pull, r.sum.Plan, r.sum.Chunks = r.pull, chunks, len(chunks)
	if rows < planned {
		note := fmt.Sprintf("%d rows fetched, %d counted when planning: rows left the workspace meanwhile (the retention edge moved?)", rows, planned)
		r.sum.Notes = append(r.sum.Notes, note)
		r.progress("%s", note)
	} else {
		r.progress("complete: %d chunks, %d rows", len(chunks), rows)
	}
	return r.sum, nil
}
