package live

import (
	"context"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// refreshLookback is how far before a pull's creation a refresh asks for
// arrivals: clocks and ingestion are not exact.
const refreshLookback = 5 * time.Minute

// refresh asks a complete pull's provisional chunks (those ending after its
// CreatedAt-Settle, a suffix of the plan) again, for rows that arrived
// since its CreatedAt-5m (ingestion_time()). The Journal keeps it as a
// pull of its own over those chunks, with the refresh query recorded, so
// an interrupted refresh resumes like any pull; loading dedups by Id, so
// rows asked twice land once.
func (r *laRun) refresh(ctx context.Context, done store.Pull) (Summary, error) {
	r.use(done)
	chunks, err := r.j.PullChunks(ctx, done.ID)
	if err != nil {
		return r.sum, fmt.Errorf("pull %d: reading its chunks: %w", done.ID, err)
	}
	first := -1
	for i, ch := range chunks {
		if ch.Provisional && first < 0 {
			first = i
		}
	}
	if first < 0 {
		return r.alreadyComplete(ctx)
	}
	rp := done
	rp.ID, rp.Complete = 0, false
	rp.From = chunks[first].From
	since := done.CreatedAt.Add(-refreshLookback)
	if found, ok, err := r.j.FindPull(ctx, rp); err != nil {
		return r.sum, fmt.Errorf("pull: looking for an earlier refresh in the case file: %w", err)
	} else if ok && !found.Complete && found.ID != done.ID {
		r.use(found)
		r.progress("resuming refresh pull %d", found.ID)
		return r.fetchAll(ctx)
	}
	iv := Interval{rp.From, rp.To}
	if rp.QueryText, err = RefreshKQL(Scope(rp.Scope), iv, since); err != nil {
		return r.sum, err
	}
	rp.CreatedAt = r.opt.Now().UTC()
	settled := rp.CreatedAt.Add(-rp.Settle)
	parts := make([]store.PullChunk, 0, len(chunks)-first)
	for _, ch := range chunks[first:] {
		parts = append(parts, store.PullChunk{From: ch.From, To: ch.To, State: store.ChunkPlanned, Provisional: ch.To.After(settled)})
	}
	created, err := r.j.CreatePull(ctx, rp, parts)
	if err != nil {
		return r.sum, fmt.Errorf("pull: recording the refresh in the case file: %w", err)
	}
	r.use(created)
	r.progress("refresh pull %d: asking %d provisional chunks for rows that arrived after %s", created.ID, len(parts), since.Format(time.RFC3339))
	return r.fetchAll(ctx)
}
