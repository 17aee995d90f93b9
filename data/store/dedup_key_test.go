package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// The 128-bit quality key picks the same copy as eventCopy.better, for
// content hashes on both sides of 2^63 (DuckDB's hash is unsigned) and rows
// up to 2^48.
func TestQualityKeyOrdersAsBetter(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(7, 11))
	classes := []int64{0, 3, 6, 7}
	for round := range 200 {
		n := 2 + rng.IntN(5)
		copies := make([]*eventCopy, n)
		var values []string
		for i := range copies {
			c := &eventCopy{
				row:     rng.Int64N(1 << 48),
				class:   classes[rng.IntN(len(classes))],
				fields:  int64(rng.IntN(30)),
				content: rng.Uint64(),
			}
			if i > 0 && rng.IntN(3) == 0 { // ties on the leading parts
				c.class, c.fields = copies[0].class, copies[0].fields
				if rng.IntN(2) == 0 {
					c.content = copies[0].content
				}
			}
			copies[i] = c
			values = append(values, fmt.Sprintf("(%d, %d, %d, %d::UBIGINT)", c.row, c.class, c.fields, c.content))
		}
		best := copies[0]
		for _, c := range copies[1:] {
			if c.better(best) {
				best = c
			}
		}
		var keep int64
		q := `SELECT (min(` + qualityKeySQL + `) & 281474976710655::HUGEINT)::BIGINT FROM (VALUES ` +
			strings.Join(values, ", ") + `) v(r, cls, nf, ch)`
		if err := db.QueryRowContext(context.Background(), q).Scan(&keep); err != nil {
			t.Fatal(err)
		}
		if keep != best.row {
			t.Fatalf("round %d: SQL keeps row %d, better() row %d; copies %+v", round, keep, best.row, values)
		}
	}
}
