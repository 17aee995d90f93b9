package hunt

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

func TestZZProfile(t *testing.T) {
	path := os.Getenv("ZZ_CASE")
	if path == "" {
		t.Skip()
	}
	_, statErr := os.Stat(path)
	st, err := data.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := NewEngine(st)
	if statErr != nil {
		b := &testing.B{}
		_ = b
		tmp := benchEngineRecords(1_000_000)
		loadInto(t, e, "bench", tmp...)
	}
	ctx := context.Background()
	start := time.Now()
	c, err := e.cacheFor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(os.Stderr, "cache", time.Since(start), c.invites)
	p := fixedParams()
	s, _ := e.resolve(p, c)
	db := st.DB()
	args := []any{s.baselineFrom.UnixNano(), s.windowFrom.UnixNano(), s.asOf.UnixNano()}
	timeIt := func(name string, f func() error) {
		best := time.Hour
		for i := 0; i < 20; i++ {
			start := time.Now()
			if err := f(); err != nil {
				t.Fatal(name, err)
			}
			best = min(best, time.Since(start))
		}
		fmt.Fprintf(os.Stderr, "%-24s %v\n", name, best)
	}
	count := func(q string) func() error {
		return func() error {
			rows, err := db.Query(q, args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}
	}
	timeIt("generation", func() error { _, err := st.Generation(ctx); return err })
	timeIt("run", func() error { _, err := e.Run(ctx, p); return err })
	timeIt("alerts", func() error { _, err := e.queryAlerts(ctx, c, s, false); return err })
	timeIt("rule no scan", count(ruleSQL(c.table, false)))
	timeIt("first in window", count(firstInWindowSQL(c.table, false, "$2", "$3")+" AND $1 <> 0"))
	timeIt("window ns", count("SELECT _h_ns FROM "+c.table+" WHERE _h_ns > $2 AND _h_ns <= $3 AND $1 <> 0"))
	timeIt("window wide", count("SELECT "+alertSelectSQL+" FROM "+c.table+" d WHERE _h_ns > $2 AND _h_ns <= $3 AND $1 <> 0"))
	timeIt("window wide no json", count("SELECT d.* EXCLUDE (AdditionalDetails, InitiatedBy, TargetResources) FROM "+c.table+" d WHERE _h_ns > $2 AND _h_ns <= $3 AND $1 <> 0"))
	timeIt("other ops", func() error {
		var x int
		return db.QueryRow(otherOperationsSQL(true), "user0001@contoso.com", s.baselineFrom.UnixNano(), s.windowFrom.UnixNano(), inviteOperationLower).Scan(&x)
	})
	var n int
	db.QueryRow("SELECT count(*) FROM ("+ruleSQL(c.table, false)+")", args...).Scan(&n)
	fmt.Fprintln(os.Stderr, "alerts", n)
	var kind, plan string
	db.QueryRow("EXPLAIN ANALYZE "+ruleSQL(c.table, false), args...).Scan(&kind, &plan)
	os.WriteFile("/tmp/hunt_plan.txt", []byte(plan), 0o644)
}
