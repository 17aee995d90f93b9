package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// SourceGraph is store.Pull.Source for Microsoft Graph pulls.
const SourceGraph = "graph"

// defaultSettle is how long after an instant its audit records are taken to
// have arrived.
const defaultSettle = 30 * time.Minute

// resumeHint ends the error of every pull that stopped before the end.
const resumeHint = "re-run the same command to resume"

// GraphNotes says what the analyst should know about a Graph pull before
// trusting its coverage: the retention edge and what the scope costs. now is
// the pull's clock.
func GraphNotes(p store.Pull, now time.Time) []string {
	var notes []string
	if n := GraphRetentionNote(p.From, now); n != "" {
		notes = append(notes, n)
	}
	if n := GraphScopeNote(Scope(p.Scope)); n != "" {
		notes = append(notes, n)
	}
	return notes
}

// PullGraph pulls p ([p.From, p.To) of Graph's directoryAudits, scope
// p.Scope) into the journal, one chunk at a time:
//
//   - A pull already in the journal (j.FindPull) is resumed: loaded chunks
//     are skipped, a fetched chunk whose spool still verifies is loaded
//     without a request, any other chunk is fetched again from its first
//     page (a saved nextLink is never trusted across a restart).
//   - Otherwise the pull is planned (PlanGraph, one day a chunk) and
//     recorded (j.CreatePull). With opt.DryRun the plan is returned and
//     nothing is fetched or written.
//   - A chunk's pages are written, record by record, as graph-ndjson into
//     the spool <SpoolDir>/<pullID>-<seq>.ndjson.gz, then j.MarkFetched and
//     j.LoadChunk. A chunk whose paging failed part-way leaves no spool and
//     is never loaded.
//
// p.Source, Target, Cloud and Scope default to "graph", the client's root,
// the client's cloud and invites. A pull that stops early (an error, a
// cancelled ctx) returns Summary{Incomplete: true} and an error that ends
// "re-run the same command to resume"; errors.As finds a *GraphError for
// what Graph answered, and errors no re-run fixes (403, 401, http://, Azure
// China) have a Permanent() bool method that says true.
//
// With opt.Refresh, a complete pull's provisional span is pulled again in
// full as a pull of its own (see refresh); an unfinished one is completed
// first, with a note.
//
// Of opt, Graph uses DryRun, Refresh, SpoolDir, Settle, Progress, Now and
// Sleep. Concurrency is always 1 (the reports budget is five requests per
// 10 s per app and tenant); ChunkBytes, ChunkRows and Wait have no Graph
// meaning.
func PullGraph(ctx context.Context, j Journal, c *GraphClient, p store.Pull, opt PullOptions) (Summary, error) {
	if c == nil {
		return Summary{}, errors.New("graph pull: no Graph client")
	}
	p, err := graphPullRecord(c, p)
	if err != nil {
		return Summary{}, err
	}
	clk := c.clock(opt.Now, opt.Sleep)
	now := clk.now()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now.UTC()
	}
	if p.Settle <= 0 {
		p.Settle = opt.Settle
		if p.Settle <= 0 {
			p.Settle = defaultSettle
		}
	}
	plan, err := planGraphPull(p)
	if err != nil {
		return Summary{}, err
	}

	r := &graphRun{ctx: ctx, j: j, c: c, clk: clk, opt: opt}
	for _, n := range GraphNotes(p, now) {
		r.progress(Progress{Of: len(plan), Note: n})
	}
	if opt.DryRun {
		return Summary{Pull: p, Chunks: len(plan), Plan: plan}, nil
	}
	if j == nil {
		return Summary{}, errors.New("graph pull: no case file to pull into")
	}
	if opt.SpoolDir == "" {
		return Summary{}, errors.New("graph pull: no spool directory for the raw responses (PullOptions.SpoolDir)")
	}

	pull, found, err := j.FindPull(ctx, p)
	if err != nil {
		return Summary{}, fmt.Errorf("graph pull: looking for an earlier pull of the same span in the case file: %w", err)
	}
	if found && pull.Complete && opt.Refresh {
		return r.refresh(pull)
	}
	if found && opt.Refresh {
		r.sum.Notes = append(r.sum.Notes, fmt.Sprintf("pull %d was not complete: this run completes it; its provisional chunks can be asked again by a later pull --refresh", pull.ID))
	}
	if !found {
		if pull, err = j.CreatePull(ctx, p, plan); err != nil {
			return Summary{}, fmt.Errorf("graph pull: recording the plan in the case file: %w", err)
		}
	}
	return r.fetchAll(pull, found)
}

// fetchAll brings every chunk of pull to loaded, in time order, and marks
// the pull complete; resumed says the pull was found in the case file.
func (r *graphRun) fetchAll(pull store.Pull, resumed bool) (Summary, error) {
	ctx, j := r.ctx, r.j
	chunks, err := j.PullChunks(ctx, pull.ID)
	if err != nil {
		return Summary{Pull: pull, Notes: r.sum.Notes}, fmt.Errorf("graph pull %d: reading its chunks from the case file: %w", pull.ID, err)
	}
	if len(chunks) == 0 {
		return Summary{Pull: pull, Notes: r.sum.Notes}, fmt.Errorf("graph pull %d: the case file holds no chunks for it", pull.ID)
	}
	r.sum = Summary{Pull: pull, Chunks: len(chunks), Plan: chunks, Notes: r.sum.Notes}
	r.clk.onWait = func(until time.Time, why string) {
		r.progress(Progress{Chunk: r.sum.Loaded, Of: len(chunks), Rows: r.sum.Rows, Bytes: r.sum.Bytes, ThrottledUntil: until, Note: why})
	}
	if resumed {
		r.progress(Progress{Of: len(chunks), Note: fmt.Sprintf("resuming pull %d: %s", pull.ID, chunkStates(chunks))})
	}

	for i, ch := range chunks {
		if err := ctx.Err(); err != nil {
			return r.incomplete(i, ch, fmt.Errorf("interrupted: %w", err))
		}
		if err := r.chunk(i, ch); err != nil {
			return r.incomplete(i, ch, err)
		}
	}
	if !pull.Complete {
		if err := j.FinishPull(ctx, pull.ID); err != nil {
			return r.incomplete(len(chunks)-1, chunks[len(chunks)-1], fmt.Errorf("marking the pull complete: %w", err))
		}
		r.sum.Pull.Complete = true
	}
	r.progress(Progress{Chunk: r.sum.Loaded, Of: len(chunks), Rows: r.sum.Rows, Bytes: r.sum.Bytes, Note: "pull complete"})
	return r.sum, nil
}

// planGraphPull plans p in chunks of DefaultGraphChunk and marks those
// ending after p.CreatedAt-p.Settle provisional.
func planGraphPull(p store.Pull) ([]store.PullChunk, error) {
	plan, err := PlanGraph(p, DefaultGraphChunk)
	if err != nil {
		return nil, err
	}
	settled := p.CreatedAt.Add(-p.Settle)
	for i := range plan {
		plan[i].Provisional = plan[i].To.After(settled)
	}
	return plan, nil
}

// graphPullRecord fills in and checks what the pull record says.
func graphPullRecord(c *GraphClient, p store.Pull) (store.Pull, error) {
	switch p.Source {
	case "":
		p.Source = SourceGraph
	case SourceGraph:
	default:
		return p, fmt.Errorf("graph pull: the pull's source is %q, not %q", p.Source, SourceGraph)
	}
	if err := graphAvailable(c.cloud); err != nil {
		return p, err
	}
	switch t := strings.TrimRight(p.Target, "/"); {
	case t == "":
		p.Target = c.root
	case !strings.EqualFold(t, c.root):
		return p, fmt.Errorf("graph pull: the pull is of %s but the client talks to %s", p.Target, c.root)
	default:
		p.Target = c.root
	}
	if p.Cloud == "" {
		p.Cloud = c.cloud.Name
	}
	if p.Scope == "" {
		p.Scope = string(ScopeInvites)
	}
	switch Scope(p.Scope) {
	case ScopeInvites, ScopeTrail, ScopeAll:
	default:
		return p, fmt.Errorf("graph pull: unknown scope %q (want invites, trail or all)", p.Scope)
	}
	p.From, p.To = data.ToTick(p.From), data.ToTick(p.To)
	p.QueryText = GraphQueryText(Scope(p.Scope))
	return p, nil
}

// graphRun is one PullGraph call's state.
type graphRun struct {
	ctx context.Context
	j   Journal
	c   *GraphClient
	clk *graphClock
	opt PullOptions
	sum Summary
}

func (r *graphRun) progress(p Progress) {
	if r.opt.Progress != nil {
		r.opt.Progress(p)
	}
}

// chunk brings one chunk to loaded.
func (r *graphRun) chunk(i int, ch store.PullChunk) error {
	of := len(r.sum.Plan)
	switch {
	case ch.State == store.ChunkLoaded:
		r.sum.Loaded++
		return nil
	case ch.State == store.ChunkFetched && ch.RawPath != "" && VerifySpool(ch.RawPath, ch.Sha256):
		r.progress(Progress{Chunk: r.sum.Loaded, Of: of, Rows: r.sum.Rows, Bytes: r.sum.Bytes,
			Note: fmt.Sprintf("chunk %d of %d: loading the response fetched before", i+1, of)})
		return r.load(i, ch)
	}
	id := r.sum.Pull.ID
	name := fmt.Sprintf("%d-%d.ndjson.gz", id, ch.Seq)
	path, sha, st, err := r.fetch(i, ch, name)
	if err != nil {
		if nerr := r.j.NoteAttempt(context.WithoutCancel(r.ctx), id, ch.Seq, err.Error()); nerr != nil {
			err = fmt.Errorf("%w (and noting the failed attempt in the case file failed too: %v)", err, nerr)
		}
		return err
	}
	r.sum.Rows += st.Rows
	r.sum.Bytes += st.Bytes
	if err := r.j.MarkFetched(r.ctx, id, ch.Seq, path, sha, st.Rows, st.Bytes); err != nil {
		return fmt.Errorf("recording the fetched response %s in the case file: %w", path, err)
	}
	return r.load(i, ch)
}

func (r *graphRun) load(i int, ch store.PullChunk) error {
	rep, err := r.j.LoadChunk(r.ctx, r.sum.Pull.ID, ch.Seq)
	if err != nil {
		return fmt.Errorf("loading the fetched response: %w", err)
	}
	r.sum.Loaded++
	r.sum.Events += rep.Loaded
	of := len(r.sum.Plan)
	r.progress(Progress{Chunk: r.sum.Loaded, Of: of, Rows: r.sum.Rows, Bytes: r.sum.Bytes,
		Note: fmt.Sprintf("chunk %d of %d loaded: %d new events", i+1, of, rep.Loaded)})
	return nil
}

// fetch pages through one chunk into its spool, starting again from the
// first page when Graph lost the page token or refused the page size.
func (r *graphRun) fetch(i int, ch store.PullChunk, name string) (path, sha string, st chunkFetch, err error) {
	of := len(r.sum.Plan)
	scope := Scope(r.sum.Pull.Scope)
	onPage := func(s chunkFetch) {
		r.progress(Progress{Chunk: r.sum.Loaded, Of: of, Rows: r.sum.Rows + s.Rows, Bytes: r.sum.Bytes + s.Bytes,
			Note: fmt.Sprintf("chunk %d of %d: page %d, %d records", i+1, of, s.Pages, s.Rows)})
	}
	for restart := 0; ; restart++ {
		st = chunkFetch{}
		var werr error
		path, sha, _, err = WriteSpool(r.opt.SpoolDir, name, func(w io.Writer) error {
			werr = r.c.writeChunk(r.ctx, r.clk, ch.From, ch.To, scope, w, &st, onPage)
			return werr
		})
		r.sum.Throttled = r.clk.throttled
		if err == nil {
			return path, sha, st, nil
		}
		if werr == nil {
			return "", "", st, fmt.Errorf("writing the spool %s: %w", name, err)
		}
		if r.ctx.Err() != nil {
			return "", "", st, fmt.Errorf("interrupted: %w", r.ctx.Err())
		}
		if restart >= graphMaxRestarts {
			return "", "", st, fmt.Errorf("%w (after %d fresh starts from the chunk's first page)", werr, restart)
		}
		switch {
		case errors.Is(werr, errPageToken):
			r.progress(Progress{Chunk: r.sum.Loaded, Of: of, Rows: r.sum.Rows, Bytes: r.sum.Bytes,
				Note: fmt.Sprintf("chunk %d of %d: Graph lost the page token, fetching the chunk again from its first page", i+1, of)})
		case errors.Is(werr, errTopTooBig):
			top, ok := r.c.halveTop()
			if !ok {
				return "", "", st, werr
			}
			r.progress(Progress{Chunk: r.sum.Loaded, Of: of, Rows: r.sum.Rows, Bytes: r.sum.Bytes,
				Note: fmt.Sprintf("chunk %d of %d: Graph refused the page size, asking again with $top=%d", i+1, of, top)})
		default:
			return "", "", st, werr
		}
	}
}

// incomplete ends a pull that stopped at chunk i.
func (r *graphRun) incomplete(i int, ch store.PullChunk, cause error) (Summary, error) {
	where := fmt.Sprintf("chunk %d of %d (%s .. %s)", i+1, len(r.sum.Plan),
		ch.From.UTC().Format(time.RFC3339Nano), ch.To.UTC().Format(time.RFC3339Nano))
	r.sum.Incomplete = true
	r.sum.IncompleteAt = where + ": " + cause.Error()
	r.sum.Throttled = r.clk.throttled
	loaded := r.sum.Loaded
	for _, later := range r.sum.Plan[min(i+1, len(r.sum.Plan)):] {
		if later.State == store.ChunkLoaded {
			loaded++
		}
	}
	r.progress(Progress{Chunk: r.sum.Loaded, Of: len(r.sum.Plan), Rows: r.sum.Rows, Bytes: r.sum.Bytes, Note: "pull stopped at " + r.sum.IncompleteAt})
	return r.sum, fmt.Errorf("graph pull %d stopped at %s: %w; %d of %d chunks are loaded, %s",
		r.sum.Pull.ID, where, cause, loaded, len(r.sum.Plan), resumeHint)
}

// chunkStates counts chunks by state, in words.
func chunkStates(chunks []store.PullChunk) string {
	var loaded, fetched, planned int
	for _, ch := range chunks {
		switch ch.State {
		case store.ChunkLoaded:
			loaded++
		case store.ChunkFetched:
			fetched++
		default:
			planned++
		}
	}
	return fmt.Sprintf("%d chunks loaded, %d fetched, %d to fetch", loaded, fetched, planned)
}
