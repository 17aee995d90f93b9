package live

import (
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// refresh pulls a complete Graph pull's provisional span again. Graph's
// directoryAudits has no ingestion time to ask "what arrived since", so the
// span from its first provisional chunk (those ending after its
// CreatedAt-Settle, a suffix of the plan) to its To is asked in full. The
// journal keeps that as a Graph pull of its own (same target, cloud and
// scope, a fresh CreatedAt, the same Settle), planned and fetched like any
// Graph pull: an interrupted refresh resumes, and its own chunks may be
// provisional again. Events already loaded are collapsed by the store's
// dedup by Id.
//
// A later pull of that span already in the journal supersedes done: an
// unfinished one is resumed, a complete one is refreshed in turn (so
// refreshing the same pull twice does not ask a span its refresh has
// settled). A pull with no provisional chunk asks nothing and says so in
// Summary.Notes.
func (r *graphRun) refresh(done store.Pull) (Summary, error) {
	ctx := r.ctx
	for {
		chunks, err := r.j.PullChunks(ctx, done.ID)
		if err != nil {
			return Summary{Pull: done}, fmt.Errorf("graph pull %d: reading its chunks from the case file: %w", done.ID, err)
		}
		first := -1
		for i, ch := range chunks {
			if ch.Provisional {
				first = i
				break
			}
		}
		if first < 0 {
			return r.settled(done, chunks), nil
		}
		rp := done
		rp.ID, rp.Complete, rp.CreatedAt = 0, false, time.Time{}
		rp.From = chunks[first].From
		if rp.Settle <= 0 {
			rp.Settle = defaultSettle
		}
		found, ok, err := r.j.FindPull(ctx, rp)
		if err != nil {
			return Summary{Pull: done}, fmt.Errorf("graph pull: looking for an earlier refresh in the case file: %w", err)
		}
		if ok && found.ID > done.ID {
			if !found.Complete {
				r.progress(Progress{Note: fmt.Sprintf("resuming refresh pull %d of pull %d", found.ID, done.ID)})
				return r.fetchAll(found, true)
			}
			done = found // refreshed before: what is still provisional is that pull's
			continue
		}
		rp.CreatedAt = r.clk.now().UTC()
		plan, err := planGraphPull(rp)
		if err != nil {
			return Summary{Pull: done}, err
		}
		created, err := r.j.CreatePull(ctx, rp, plan)
		if err != nil {
			return Summary{Pull: done}, fmt.Errorf("graph pull: recording the refresh in the case file: %w", err)
		}
		r.progress(Progress{Of: len(plan), Note: fmt.Sprintf("refresh pull %d of pull %d: asking %s .. %s again (%d chunks; Graph has no ingestion time)",
			created.ID, done.ID, rp.From.UTC().Format(time.RFC3339Nano), rp.To.UTC().Format(time.RFC3339Nano), len(plan))})
		return r.fetchAll(created, false)
	}
}

// settled reports a complete pull with nothing provisional: nothing is asked.
func (r *graphRun) settled(p store.Pull, chunks []store.PullChunk) Summary {
	sum := Summary{Pull: p, Chunks: len(chunks), Loaded: len(chunks), Plan: chunks, Notes: r.sum.Notes}
	for _, ch := range chunks {
		sum.Rows += ch.Rows
		sum.Bytes += ch.Bytes
	}
	note := fmt.Sprintf("pull %d has no provisional chunk: every chunk ended before %s (its start minus the settle margin), so there is nothing to refresh",
		p.ID, p.CreatedAt.Add(-p.Settle).UTC().Format(time.RFC3339))
	sum.Notes = append(sum.Notes, note)
	r.progress(Progress{Chunk: sum.Loaded, Of: sum.Chunks, Rows: sum.Rows, Bytes: sum.Bytes, Note: note})
	r.sum = sum
	return sum
}
