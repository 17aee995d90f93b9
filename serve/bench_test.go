package serve

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
	gossh "golang.org/x/crypto/ssh"
)

// BenchmarkSessions is issue 10's serve benchmark: GUESTHUNT_BENCH_SESSIONS
// (default 20) SSH sessions at once against one in-process server on
// 127.0.0.1, each moving through rows and pages and changing the baseline.
// It reports key-press-to-redraw latency (from writing the key to the first
// output byte of the redraw) as percentiles, the Go heap and RSS per open
// session, and both after the sessions left. The data: GUESTHUNT_BENCH_FILE
// (docs/bench.sh makes the 1,000,000-event export), else
// GUESTHUNT_BENCH_EVENTS generated events (default 200,000). Run with
// -benchtime 1x; see docs/PERFORMANCE.md, section "serve".
func BenchmarkSessions(b *testing.B) {
	st, eng, events := benchData(b)
	// As guesthunt serve does (cmd/guesthunt/served.go); 0 measures the
	// unbounded engine.
	if g := envInt(b, "GUESTHUNT_BENCH_GATE", max(1, runtime.NumCPU()-1)); g > 0 {
		eng.SetConcurrency(g)
	}
	if t := envInt(b, "GUESTHUNT_BENCH_THREADS", 0); t > 0 {
		if err := st.ApplyOpenOptions(store.OpenOptions{Threads: t}); err != nil {
			b.Fatal(err)
		}
	}
	n := envInt(b, "GUESTHUNT_BENCH_SESSIONS", 20)
	tri := triage.New(triage.NewMemory())
	ts := startServer(b, Config{ConnPerMinute: 10000, MaxSessions: n + 1,
		Workbench: func(Session) ui.Deps {
			return ui.Deps{Engine: eng, Store: st, Params: hunt.DefaultParams(), IsDark: true, KQL: hunt.KQLText,
				Data:   ui.DataSetInfo{Files: []string{"bench"}, Events: events},
				Triage: tri, TriageLocation: "memory"}
		}})
	if _, err := eng.Run(context.Background(), hunt.DefaultParams()); err != nil { // warm the invite cache
		b.Fatal(err)
	}
	before := memNow()
	b.Logf("before sessions: %s", before)
	for b.Loop() {
		var (
			mu    sync.Mutex
			lat   []time.Duration
			per   = map[string][]time.Duration{}
			noEsc []time.Duration // a lone esc waits for Bubble Tea's escape-sequence timeout
			miss  atomic.Int64
			open  sync.WaitGroup
			done  sync.WaitGroup
		)
		release := make(chan struct{})
		for i := range n {
			open.Add(1)
			done.Add(1)
			go func() {
				defer done.Done()
				c := ts.client(b, "analyst"+strconv.Itoa(i), 1)
				cl := startBenchClient(b, c)
				cl.settle(120*time.Second, 500*time.Millisecond)
				open.Done()
				<-release
				keys := benchKeys()
				mine, missed := cl.script(keys)
				mu.Lock()
				for j, d := range mine {
					lat = append(lat, d)
					if d >= 0 {
						per[keyName(keys[j])] = append(per[keyName(keys[j])], d)
						if keys[j] != "\x1b" {
							noEsc = append(noEsc, d)
						}
					}
				}
				mu.Unlock()
				miss.Add(int64(missed))
				cl.quit()
				c.Close()
			}()
		}
		open.Wait()
		opened := memNow()
		b.Logf("%d sessions open: %s", n, opened)
		close(release)
		done.Wait()
		time.Sleep(time.Second) // sessions unwind; the feed unsubscribes
		after := memNow()
		b.Logf("after they left: %s", after)

		lat = slices.DeleteFunc(lat, func(d time.Duration) bool { return d < 0 })
		slices.Sort(lat)
		for k, ds := range per {
			slices.Sort(ds)
			b.Logf("key %-5s n=%3d p50 %6.1f ms  p99 %6.1f ms", k, len(ds),
				float64(ds[len(ds)/2].Microseconds())/1000, float64(ds[min(len(ds)-1, len(ds)*99/100)].Microseconds())/1000)
		}
		slices.Sort(noEsc)
		pctOf := func(ds []time.Duration, p float64) float64 {
			if len(ds) == 0 {
				return 0
			}
			return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
		}
		pct := func(p float64) float64 { return pctOf(lat, p) }
		b.ReportMetric(pct(0.50), "p50-ms")
		b.ReportMetric(pct(0.90), "p90-ms")
		b.ReportMetric(pct(0.99), "p99-ms")
		b.ReportMetric(pctOf(noEsc, 0.99), "p99-no-esc-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		b.ReportMetric(float64(len(lat)), "keys")
		b.ReportMetric(float64(miss.Load()), "no-redraw")
		diff := func(a, b uint64) float64 { return float64(int64(a) - int64(b)) }
		b.ReportMetric(diff(opened.heap, before.heap)/float64(n)/1024, "heap-KB/session")
		b.ReportMetric(diff(opened.rss, before.rss)/float64(n)/1024, "rss-KB/session")
		b.ReportMetric(diff(after.heap, before.heap)/1024/1024, "heap-left-MB")
		b.ReportMetric(diff(after.rss, before.rss)/1024/1024, "rss-left-MB")
	}
}

// benchKeys is one analyst's script: rows, the workbench's pages (event
// detail, why-flagged, help; each closed with esc), the guests pane, and
// the baseline one day longer and shorter (each a re-run of the rule).
// GUESTHUNT_BENCH_SCRIPT=moves keeps only what asks the engine nothing
// (rows, panes, help), to tell the server's and the UI's share from the
// engine's.
func benchKeys() []string {
	var ks []string
	if os.Getenv("GUESTHUNT_BENCH_SCRIPT") == "moves" {
		for range 6 {
			ks = append(ks, "j", "\t", "\t", "?", "\x1b", "k")
		}
		return ks
	}
	for range 3 {
		ks = append(ks, "j", "\r", "\x1b", "w", "\x1b", "?", "\x1b", "\t", "\t", "+", "k", "-")
	}
	return ks
}

// keyName names a script key for the per-key figures.
func keyName(k string) string {
	switch k {
	case "\r":
		return "enter"
	case "\x1b":
		return "esc"
	case "\t":
		return "tab"
	}
	return k
}

// benchClient is one SSH session whose output is timed, not drawn.
type benchClient struct {
	b    testing.TB
	sess *gossh.Session
	in   io.Writer
	out  chan time.Time // one tick per output chunk
}

func startBenchClient(b testing.TB, c *gossh.Client) *benchClient {
	s, err := c.NewSession()
	if err != nil {
		b.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 40, 160, gossh.TerminalModes{}); err != nil {
		b.Fatal(err)
	}
	cl := &benchClient{b: b, sess: s, out: make(chan time.Time, 4096)}
	if cl.in, err = s.StdinPipe(); err != nil {
		b.Fatal(err)
	}
	r, err := s.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := r.Read(buf)
			if n > 0 {
				select {
				case cl.out <- time.Now():
				default:
				}
			}
			if err != nil {
				close(cl.out)
				return
			}
		}
	}()
	if err := s.Shell(); err != nil {
		b.Fatal(err)
	}
	return cl
}

// settle waits until output has been quiet for quiet (the first result is
// drawn), at most max.
func (cl *benchClient) settle(max, quiet time.Duration) {
	deadline := time.After(max)
	t := time.NewTimer(quiet)
	defer t.Stop()
	for {
		select {
		case _, ok := <-cl.out:
			if !ok {
				return
			}
			t.Reset(quiet)
		case <-t.C:
			return
		case <-deadline:
			return
		}
	}
}

// script presses each key, timing the first output after it (-1: none
// within 2 s), then waits for the screen to be quiet (a baseline change or
// a detail page redraws again when the engine answers) plus a short think
// time.
func (cl *benchClient) script(keys []string) (lat []time.Duration, missed int) {
	for _, k := range keys {
		cl.settle(time.Second, 5*time.Millisecond) // drain
		start := time.Now()
		io.WriteString(cl.in, k)
		select {
		case at, ok := <-cl.out:
			if !ok {
				return lat, missed + 1
			}
			lat = append(lat, at.Sub(start))
		case <-time.After(2 * time.Second):
			lat = append(lat, -1)
			missed++
		}
		quiet := 30 * time.Millisecond
		if k == "+" || k == "-" || k == "\r" || k == "w" {
			quiet = 300 * time.Millisecond
		}
		cl.settle(10*time.Second, quiet)
		time.Sleep(20 * time.Millisecond)
	}
	return lat, missed
}

func (cl *benchClient) quit() {
	io.WriteString(cl.in, "q")
	done := make(chan struct{})
	go func() { cl.sess.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	cl.sess.Close()
}

type mem struct{ heap, rss uint64 }

func (m mem) String() string {
	return "heap " + strconv.FormatUint(m.heap>>20, 10) + " MB, rss " + strconv.FormatUint(m.rss>>20, 10) + " MB"
}

// memNow is the live Go heap after a GC and the process's resident set
// (DuckDB's memory is outside the Go heap).
func memNow() mem {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return mem{heap: ms.HeapAlloc, rss: rssBytes()}
}

func rssBytes() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func envInt(b testing.TB, name string, def int) int {
	if s := os.Getenv(name); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		return n
	}
	return def
}

// benchData loads GUESTHUNT_BENCH_FILE, or generates the bulk tenant.
func benchData(b testing.TB) (*store.Store, *hunt.Engine, int) {
	path := os.Getenv("GUESTHUNT_BENCH_FILE")
	events := 0
	if path == "" {
		events = envInt(b, "GUESTHUNT_BENCH_EVENTS", 200_000)
		path = filepath.Join(b.TempDir(), "bulk.ndjson")
		if err := writeBulk(path, events); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open("")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	start := time.Now()
	rep, err := st.Load(context.Background(), []string{path}, store.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if events == 0 {
		events = int(rep.Totals().Loaded)
	}
	b.Logf("loaded %d events in %v", events, time.Since(start).Round(time.Millisecond))
	return st, hunt.NewEngine(st), events
}

func writeBulk(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	chunk := make([]data.Record, 0, 10000)
	flush := func() error {
		err := formats.WriteRecords(w, formats.FormatLANDJSON, chunk)
		chunk = chunk[:0]
		return err
	}
	err = demo.Bulk(1, n, func(r data.Record) error {
		chunk = append(chunk, r)
		if len(chunk) == cap(chunk) {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = w.Flush()
	}
	return err
}
