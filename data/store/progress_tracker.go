package store

import (
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultProgressEvery is how often a load reports progress when
// LoadOptions.ProgressEvery is not set: often enough to look alive, rarely
// enough that drawing it costs nothing.
const DefaultProgressEvery = 100 * time.Millisecond

// progressTracker turns a load's counters into LoadProgress updates. The load
// only stores numbers (atomics, a short mutex); one goroutine of the tracker
// calls the callback, at most once per interval, so a slow callback delays
// updates, never the load, and updates arrive in order, never concurrently.
// A nil tracker (no callback) does nothing.
type progressTracker struct {
	fn    func(LoadProgress)
	every time.Duration
	start time.Time

	bytes   atomic.Int64 // of the current file
	records atomic.Int64

	mu        sync.Mutex
	cur       LoadProgress // file, phase, totals: the fields counters do not carry
	fileStart time.Time
	poll      func() (float64, bool) // DuckDB's fraction of the running statement, when it can be read

	kick chan struct{} // a phase changed: report soon (never blocks the load)
	stop chan struct{}
	done chan struct{}
}

func newProgressTracker(fn func(LoadProgress), every time.Duration) *progressTracker {
	if fn == nil {
		return nil
	}
	if every <= 0 {
		every = DefaultProgressEvery
	}
	now := time.Now()
	t := &progressTracker{fn: fn, every: every, start: now, fileStart: now, cur: LoadProgress{Phase: PhaseStarting},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go t.run()
	return t
}

// run delivers one snapshot per interval (elapsed time ticks even when no
// byte moves, e.g. while duplicates are settled), and a phase change as soon
// as the interval allows; the first file or standard input starting is
// therefore reported at once.
func (t *progressTracker) run() {
	defer close(t.done)
	var last LoadProgress
	var lastAt time.Time
	deliver := func(final bool) {
		p := t.snapshot(last)
		p.Done = final
		if final {
			p.Phase = PhaseDone
		}
		last, lastAt = p, time.Now()
		t.fn(p)
	}
	tick := time.NewTicker(t.every)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			deliver(true)
			return
		case <-tick.C:
			deliver(false)
		case <-t.kick:
			if time.Since(lastAt) >= t.every {
				deliver(false)
			} // else the next tick carries it
		}
	}
}

// snapshot reads the counters; within one file bytes and records never go
// back, whatever estimate they came from.
func (t *progressTracker) snapshot(last LoadProgress) LoadProgress {
	t.mu.Lock()
	p := t.cur
	p.Elapsed = time.Since(t.start)
	p.FileElapsed = time.Since(t.fileStart)
	p.Bytes = t.bytes.Load()
	if t.poll != nil {
		if f, ok := t.poll(); ok && p.TotalBytes > 0 {
			p.Bytes, p.Estimated = max(p.Bytes, int64(f*float64(p.TotalBytes))), true
		}
	}
	t.mu.Unlock()
	p.Records = t.records.Load()
	if p.TotalBytes > 0 {
		p.Bytes = min(p.Bytes, p.TotalBytes)
	}
	if last.FileIndex == p.FileIndex && last.File == p.File {
		p.Bytes = max(p.Bytes, last.Bytes)
		p.Records = max(p.Records, last.Records)
		p.Estimated = p.Estimated || (last.Estimated && p.Bytes == last.Bytes)
	}
	return p
}

// finish delivers the final update and waits for it, so that no update
// arrives after the load has returned.
func (t *progressTracker) finish() {
	if t == nil {
		return
	}
	close(t.stop)
	<-t.done
}

func (t *progressTracker) poke() {
	select {
	case t.kick <- struct{}{}:
	default: // one pending is enough
	}
}

// files sets how many files the load has and their total size.
func (t *progressTracker) files(n int, allBytes int64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur.Files, t.cur.AllBytes = n, allBytes
	t.mu.Unlock()
}

// beginFile starts the counters of the i-th file (1-based).
func (t *progressTracker) beginFile(i int, name string, size int64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	if t.cur.FileIndex > 0 && t.cur.FileIndex != i {
		t.cur.DoneBytes += t.cur.TotalBytes
	}
	t.cur.FileIndex, t.cur.File, t.cur.TotalBytes, t.cur.Phase = i, name, max(0, size), PhaseReading
	t.fileStart = time.Now()
	t.bytes.Store(0)
	t.records.Store(0)
	t.mu.Unlock()
	t.poke()
}

// phase moves the current file to another step.
func (t *progressTracker) phase(ph LoadPhase) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur.Phase = ph
	if ph == PhaseStoring || ph == PhaseSettling {
		// The read is over: every byte of the file has been taken in.
		t.bytes.Store(t.cur.TotalBytes)
	}
	t.mu.Unlock()
	t.poke()
}

// spooling reports standard input being copied before the files are known.
func (t *progressTracker) spooling() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur.File, t.cur.Phase = "-", PhaseSpooling
	t.mu.Unlock()
	t.poke()
}

// setRecords says how many records the current file holds once known.
func (t *progressTracker) setRecords(n int64) {
	if t != nil {
		t.records.Store(n)
	}
}

// record counts one more record read from the current file.
func (t *progressTracker) record() {
	if t != nil {
		t.records.Add(1)
	}
}

// watch makes poll the source of the current file's byte estimate until the
// returned function is called; that call waits for a poll in flight, so the
// connection it reads can be released right after.
func (t *progressTracker) watch(poll func() (float64, bool)) (unwatch func()) {
	if t == nil || poll == nil {
		return func() {}
	}
	t.mu.Lock()
	t.poll = poll
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		t.poll = nil
		t.mu.Unlock()
	}
}

// reader counts the bytes read through r as the current file's.
func (t *progressTracker) reader(r io.Reader) io.Reader {
	if t == nil {
		return r
	}
	return &countingReader{r: r, n: &t.bytes}
}

// countingReader adds what it reads to n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// stdin is the reader "-" spools from, counted when the paths name it.
func (t *progressTracker) stdin(paths []string, in io.Reader) io.Reader {
	if t == nil || !slices.Contains(paths, "-") {
		return in
	}
	if in == nil {
		in = os.Stdin
	}
	t.spooling()
	return t.reader(in)
}

// sizes are the inputs' sizes on disk (0 when unknown), and their sum is
// the load's AllBytes.
func (t *progressTracker) sizes(inputs []sourceFile) []int64 {
	sizes := make([]int64, len(inputs))
	if t == nil {
		return sizes
	}
	var all int64
	for i, in := range inputs {
		if info, err := os.Stat(in.path); err == nil && info.Mode().IsRegular() {
			sizes[i] = info.Size()
			all += sizes[i]
		}
	}
	t.files(len(inputs), all)
	return sizes
}

// rereadFile starts the current file's byte count again: DuckDB refused it
// and the Go reader reads it from the start. Reported bytes stay where they
// were until the new read passes them.
func (t *progressTracker) rereadFile() {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.cur.Phase = PhaseReading
	t.bytes.Store(0)
	t.records.Store(0)
	t.mu.Unlock()
	t.poke()
}
