package live

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

func hourBins(from time.Time, rows ...int64) []Bin {
	bins := make([]Bin, len(rows))
	for i, r := range rows {
		bins[i] = Bin{Start: from.Add(time.Duration(i) * time.Hour), Width: time.Hour, Rows: r, Bytes: r * 1000}
	}
	return bins
}

func TestPlanChunksGreedy(t *testing.T) {
	from := day(17).Add(30*time.Minute + 1234567*data.Tick) // the pull's own From may be sub-second
	to := day(17).Add(6 * time.Hour)
	bins := hourBins(day(17), 30, 30, 0, 50, 10, 80) // 80 alone is over a 60-row budget
	chunks, over := PlanChunks(Interval{from, to}, bins, Budget{Rows: 60})
	type span struct {
		from, to time.Time
		rows     int64
	}
	var got []span
	for _, c := range chunks {
		got = append(got, span{c.From, c.To, c.PlannedRows})
	}
	h := func(n int) time.Time { return day(17).Add(time.Duration(n) * time.Hour) }
	want := []span{{from, h(3), 60}, {h(3), h(5), 60}, {h(5), to, 80}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("plan %v, want %v", got, want)
	}
	if !reflect.DeepEqual(over, []int{2}) {
		t.Errorf("over budget %v, want [2]", over)
	}
	if ob := OverBudget(bins, Budget{Rows: 60}); len(ob) != 1 || ob[0].Rows != 80 {
		t.Errorf("OverBudget = %v", ob)
	}
	// No bins at all: one chunk of nothing.
	chunks, _ = PlanChunks(Interval{from, to}, nil, Budget{})
	if len(chunks) != 1 || !chunks[0].From.Equal(from) || !chunks[0].To.Equal(to) {
		t.Errorf("empty histogram gave %v", chunks)
	}
}

func TestBisect(t *testing.T) {
	c := store.PullChunk{PullID: 3, Seq: 7, From: day(17).Add(3 * data.Tick), To: day(17).Add(5*time.Second + 7*data.Tick), PlannedRows: 11, PlannedBytes: 1001}
	parts, err := Bisect(c)
	if err != nil {
		t.Fatal(err)
	}
	if !parts[0].From.Equal(c.From) || !parts[1].To.Equal(c.To) || !parts[0].To.Equal(parts[1].From) ||
		!parts[0].To.Equal(day(17).Add(2*time.Second)) {
		t.Errorf("split %v", parts)
	}
	if parts[0].PlannedRows+parts[1].PlannedRows != 11 || parts[0].PlannedBytes+parts[1].PlannedBytes != 1001 {
		t.Errorf("estimates not shared: %v", parts)
	}
	short := store.PullChunk{From: day(17), To: day(17).Add(1500 * time.Millisecond)}
	parts, _ = Bisect(short)
	if want := day(17).Add(750 * time.Millisecond); !parts[0].To.Equal(want) {
		t.Errorf("short chunk split at %s, want %s", parts[0].To, want)
	}
	twoTicks := store.PullChunk{From: day(17), To: day(17).Add(2 * data.Tick)}
	if parts, _ = Bisect(twoTicks); !parts[0].To.Equal(day(17).Add(data.Tick)) {
		t.Errorf("two ticks split at %s", parts[0].To)
	}
	if _, err := Bisect(store.PullChunk{From: day(17), To: day(17).Add(data.Tick)}); !errors.Is(err, ErrUnsplittable) {
		t.Errorf("one tick: %v", err)
	}
}

// FuzzPlan: random histograms and bounds; the chunks tile [From, To)
// exactly, boundaries inside are whole seconds, a chunk over budget could
// not have been cut, and the plan does not depend on the bins' order.
func FuzzPlan(f *testing.F) {
	f.Add(int64(0), int64(3600e7), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add(int64(12345), int64(9), []byte{})
	f.Add(int64(0), int64(36000000067), []byte("0000000x0001000x00000 \x00\x00")) // an over-budget bin reaching into the next chunk
	f.Add(int64(-5), int64(86400e7+3), []byte{200, 0, 0, 0, 255, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Fuzz(func(t *testing.T, fromTicks, spanTicks int64, raw []byte) {
		base := day(1)
		fromTicks %= 10 * 86400e7
		spanTicks %= 10 * 86400e7
		if spanTicks <= 0 {
			spanTicks = -spanTicks + 1
		}
		from := base.Add(time.Duration(fromTicks) * data.Tick)
		to := from.Add(time.Duration(spanTicks) * data.Tick)
		var bins []Bin
		for len(raw) >= 8 {
			off := int64(binary.LittleEndian.Uint32(raw)) % (spanTicks/60 + 2) * 60 // coarse offsets hit whole seconds often
			w := []time.Duration{time.Hour, time.Minute, time.Second, 0}[raw[4]%4]
			bins = append(bins, Bin{Start: from.Add(time.Duration(off) * data.Tick).Add(-time.Duration(raw[5]) * time.Second),
				Width: w, Rows: int64(raw[6]) - 5, Bytes: int64(raw[7]) * 37})
			raw = raw[8:]
		}
		budget := Budget{Rows: 100, Bytes: 4000}
		chunks, over := PlanChunks(Interval{from, to}, bins, budget)
		at := data.ToTick(from)
		for i, c := range chunks {
			if !c.From.Equal(at) || !c.To.After(c.From) {
				t.Fatalf("chunk %d [%s, %s) does not continue at %s", i, c.From, c.To, at)
			}
			if i > 0 && !c.From.Equal(c.From.Truncate(time.Second)) {
				t.Fatalf("inner boundary %s is not a whole second", c.From)
			}
			at = c.To
		}
		if !at.Equal(data.ToTick(to)) {
			t.Fatalf("plan ends at %s, not %s", at, to)
		}
		overSet := map[int]bool{}
		for _, i := range over {
			overSet[i] = true
		}
		for i, c := range chunks {
			isOver := c.PlannedRows > budget.Rows || c.PlannedBytes > budget.Bytes
			if isOver != overSet[i] {
				t.Fatalf("chunk %d over budget %v but marked %v", i, isOver, overSet[i])
			}
			if isOver && cutPointsWithRows(c, data.ToTick(from), bins) > 1 {
				t.Fatalf("chunk %d [%s, %s) is over budget but could have been cut", i, c.From, c.To)
			}
		}
		shuffled := append([]Bin(nil), bins...)
		rand.New(rand.NewPCG(uint64(len(raw)), 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, over2 := PlanChunks(Interval{from, to}, shuffled, budget)
		if !reflect.DeepEqual(chunks, again) || !reflect.DeepEqual(over, over2) {
			t.Fatal("the plan depends on the order of the bins")
		}
		for _, c := range chunks {
			parts, err := Bisect(c)
			if err != nil {
				if c.To.Sub(c.From) > data.Tick {
					t.Fatalf("%s long chunk not split: %v", c.To.Sub(c.From), err)
				}
				continue
			}
			if !parts[0].From.Equal(c.From) || !parts[0].To.Equal(parts[1].From) || !parts[1].To.Equal(c.To) ||
				!parts[0].To.After(c.From) || !c.To.After(parts[0].To) {
				t.Fatalf("bisect of [%s, %s) gave %v", c.From, c.To, parts)
			}
		}
	})
}

// cutPointsWithRows counts the distinct whole-second points in [c.From,
// c.To) where bins with rows or bytes start (a bin that began before the
// pull's from counts at from, as the planner takes it).
func cutPointsWithRows(c store.PullChunk, from time.Time, bins []Bin) int {
	seen := map[time.Time]bool{}
	for _, b := range bins {
		if b.Rows <= 0 && b.Bytes <= 0 {
			continue
		}
		end := b.Start.Add(max(b.Width, data.Tick))
		at := b.Start.Truncate(time.Second)
		if !at.After(from) {
			if !end.After(from) {
				continue
			}
			at = from
		}
		if !at.Before(c.From) && at.Before(c.To) {
			seen[at] = true
		}
	}
	return len(seen)
}
