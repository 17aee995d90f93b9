package live

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// memJournal is a Journal kept in memory for tests of the chunk loops. Its
// LoadChunk reads the spooled file with the real readers (format detected
// as a load would) and counts every event Id, so tests can assert that each
// event arrived exactly once. It does not deduplicate: a chunk loaded twice
// shows up as counts of 2.
type memJournal struct {
	mu     sync.Mutex
	pulls  []store.Pull
	chunks map[int64][]store.PullChunk // by pull
	ids    map[string]int              // event Id -> times loaded
	times  map[string]time.Time        // event Id -> TimeGenerated
	loads  []int64                     // Seq of every LoadChunk that succeeded, in order

	// fail, when set, is asked before each step ("create", "split",
	// "attempt", "fetched", "load") and its error returned instead.
	fail func(step string, seq int64) error
}

func newMemJournal() *memJournal {
	return &memJournal{chunks: map[int64][]store.PullChunk{}, ids: map[string]int{}, times: map[string]time.Time{}}
}

func (j *memJournal) hook(step string, seq int64) error {
	if j.fail == nil {
		return nil
	}
	return j.fail(step, seq)
}

func samePull(a, b store.Pull) bool {
	return a.Source == b.Source && a.Target == b.Target && a.Cloud == b.Cloud && a.Scope == b.Scope &&
		a.From.Equal(b.From) && a.To.Equal(b.To)
}

func (j *memJournal) FindPull(_ context.Context, p store.Pull) (store.Pull, bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for i := len(j.pulls) - 1; i >= 0; i-- {
		if samePull(j.pulls[i], p) {
			return j.pulls[i], true, nil
		}
	}
	return store.Pull{}, false, nil
}

func (j *memJournal) CreatePull(_ context.Context, p store.Pull, chunks []store.PullChunk) (store.Pull, error) {
	if err := j.hook("create", 0); err != nil {
		return store.Pull{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	p.ID = int64(len(j.pulls) + 1)
	if p.CreatedAt.IsZero() {
		p.CreatedAt = time.Now()
	}
	cs := make([]store.PullChunk, len(chunks))
	for i, c := range chunks {
		c.PullID, c.Seq, c.State = p.ID, int64(i+1), store.ChunkPlanned
		cs[i] = c
	}
	if err := tiles(p, cs); err != nil {
		return store.Pull{}, err
	}
	j.pulls = append(j.pulls, p)
	j.chunks[p.ID] = cs
	return p, nil
}

// tiles checks the plan covers [From, To) with no gap and no overlap
// (Graph's inclusive windows share their edges, which is the same check).
func tiles(p store.Pull, cs []store.PullChunk) error {
	sorted := append([]store.PullChunk(nil), cs...)
	sort.Slice(sorted, func(a, b int) bool { return sorted[a].From.Before(sorted[b].From) })
	at := p.From
	for _, c := range sorted {
		if !c.From.Equal(at) || !c.To.After(c.From) {
			return fmt.Errorf("chunk %d [%s, %s) does not continue the plan at %s", c.Seq, c.From, c.To, at)
		}
		at = c.To
	}
	if !at.Equal(p.To) {
		return fmt.Errorf("plan ends at %s, not %s", at, p.To)
	}
	return nil
}

func (j *memJournal) PullChunks(_ context.Context, pullID int64) ([]store.PullChunk, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	cs := append([]store.PullChunk(nil), j.chunks[pullID]...)
	sort.Slice(cs, func(a, b int) bool { return cs[a].From.Before(cs[b].From) })
	return cs, nil
}

func (j *memJournal) find(pullID, seq int64) (*store.PullChunk, error) {
	for i := range j.chunks[pullID] {
		if j.chunks[pullID][i].Seq == seq {
			return &j.chunks[pullID][i], nil
		}
	}
	return nil, fmt.Errorf("pull %d has no chunk %d", pullID, seq)
}

func (j *memJournal) SplitChunk(_ context.Context, pullID, seq int64, parts []store.PullChunk) ([]store.PullChunk, error) {
	if err := j.hook("split", seq); err != nil {
		return nil, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	old, err := j.find(pullID, seq)
	if err != nil {
		return nil, err
	}
	if old.State == store.ChunkLoaded {
		return nil, fmt.Errorf("chunk %d is loaded: it cannot be split", seq)
	}
	if err := tiles(store.Pull{From: old.From, To: old.To}, parts); err != nil {
		return nil, err
	}
	var next int64
	var kept []store.PullChunk
	for _, c := range j.chunks[pullID] {
		next = max(next, c.Seq)
		if c.Seq != seq {
			kept = append(kept, c)
		}
	}
	out := make([]store.PullChunk, len(parts))
	for i, p := range parts {
		next++
		p.PullID, p.Seq, p.State = pullID, next, store.ChunkPlanned
		out[i] = p
	}
	j.chunks[pullID] = append(kept, out...)
	return out, nil
}

func (j *memJournal) NoteAttempt(_ context.Context, pullID, seq int64, errText string) error {
	if err := j.hook("attempt", seq); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	c, err := j.find(pullID, seq)
	if err != nil {
		return err
	}
	c.Attempts++
	c.LastError = errText
	return nil
}

func (j *memJournal) MarkFetched(_ context.Context, pullID, seq int64, rawPath, sha string, rows, bytes int64) error {
	if err := j.hook("fetched", seq); err != nil {
		return err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	c, err := j.find(pullID, seq)
	if err != nil {
		return err
	}
	if c.State == store.ChunkLoaded {
		return fmt.Errorf("chunk %d is already loaded", seq)
	}
	c.State, c.RawPath, c.Sha256, c.Rows, c.Bytes = store.ChunkFetched, rawPath, sha, rows, bytes
	return nil
}

func (j *memJournal) LoadChunk(_ context.Context, pullID, seq int64) (store.FileReport, error) {
	if err := j.hook("load", seq); err != nil {
		return store.FileReport{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	c, err := j.find(pullID, seq)
	if err != nil {
		return store.FileReport{}, err
	}
	if c.State != store.ChunkFetched {
		return store.FileReport{}, fmt.Errorf("chunk %d is %s, not fetched", seq, c.State)
	}
	fr, ids, times, err := readSpool(c.RawPath)
	if err != nil {
		return fr, err
	}
	for i, id := range ids {
		j.ids[id]++
		j.times[id] = times[i]
	}
	c.State = store.ChunkLoaded
	j.loads = append(j.loads, seq)
	return fr, nil
}

func (j *memJournal) FinishPull(_ context.Context, pullID int64) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range j.chunks[pullID] {
		if c.State != store.ChunkLoaded {
			return fmt.Errorf("chunk %d is %s: the pull is not complete", c.Seq, c.State)
		}
	}
	for i := range j.pulls {
		if j.pulls[i].ID == pullID {
			j.pulls[i].Complete = true
		}
	}
	return nil
}

// readSpool reads a spooled response as a load would: decompressed, format
// detected, every record through the format's reader. A record error or an
// incomplete file fails the load, as a test wants to see.
func readSpool(path string) (store.FileReport, []string, []time.Time, error) {
	fr := store.FileReport{Path: path}
	f, err := os.Open(path)
	if err != nil {
		return fr, nil, nil, err
	}
	defer f.Close()
	r, _, err := formats.Decompress(f)
	if err != nil {
		return fr, nil, nil, err
	}
	br := bufio.NewReader(r)
	format, err := formats.DetectFormat(br)
	if err != nil {
		return fr, nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	fr.Format = format
	rr, err := formats.NewRecordReader(format, br, nil)
	if err != nil {
		return fr, nil, nil, err
	}
	var ids []string
	var times []time.Time
	for {
		_, rec, err := rr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fr, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		ids = append(ids, rec.Id)
		times = append(times, rec.TimeGenerated)
		fr.Records++
	}
	fr.Loaded = fr.Records
	return fr, ids, times, nil
}

var _ Journal = (*memJournal)(nil)
