package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/guesthunt/guesthunt/data/store"
)

// memoryEnv sets the memory limit when --memory-limit is not given.
const memoryEnv = "GUESTHUNT_MEMORY_LIMIT"

// minMemoryLimit is the least DuckDB is given: below it a load of any size
// fails rather than spills.
const minMemoryLimit = 32 << 20

// addMemoryFlag adds --memory-limit to a command that opens data.
func addMemoryFlag(cmd *cobra.Command, df *dataFlags) {
	cmd.Flags().StringVar(&df.memory, "memory-limit", "",
		`memory for DuckDB, e.g. 600MB or 2GiB; beyond it DuckDB spills to a private temp directory. `+
			`Default: $`+memoryEnv+`, else half a cgroup memory limit when one is set, else DuckDB's own (80% of RAM); 0 = DuckDB's own`)
}

// memoryPlan is how much memory a command may use.
type memoryPlan struct {
	duckdb int64  // DuckDB's memory_limit in bytes; 0 = DuckDB's default
	goSoft int64  // Go's soft memory limit; 0 = leave it
	from   string // where the figure came from, for messages
}

// resolveMemory decides the plan: the flag, then the environment, then a
// cgroup limit (half for DuckDB, a quarter as Go's soft limit: DuckDB's own
// allocations are not Go's, and the rest is headroom for both), else none.
// An explicit limit gives Go a soft limit of half of it (the Go side streams
// records and holds results; a lower soft limit only makes its GC run
// sooner, it never fails an allocation).
func resolveMemory(flag string, getenv func(string) string, cgroupFiles ...string) (memoryPlan, error) {
	explicit, from := flag, "--memory-limit"
	if explicit == "" {
		explicit, from = getenv(memoryEnv), memoryEnv
	}
	if explicit != "" {
		n, err := store.ParseSize(explicit)
		if err != nil {
			return memoryPlan{}, fmt.Errorf("%s: %w", from, err)
		}
		if n == 0 {
			return memoryPlan{from: from}, nil
		}
		if n < minMemoryLimit {
			return memoryPlan{}, fmt.Errorf("%s: %s is too little; give at least %s", from, explicit, store.FormatSize(minMemoryLimit))
		}
		return memoryPlan{duckdb: n, goSoft: max(n/2, minMemoryLimit), from: from}, nil
	}
	limit, ok, err := store.CgroupMemoryLimit(cgroupFiles...)
	if err != nil || !ok {
		return memoryPlan{}, nil // no limit known: DuckDB's and Go's defaults
	}
	return memoryPlan{duckdb: max(limit/2, minMemoryLimit), goSoft: max(limit/4, minMemoryLimit),
		from: "cgroup limit " + store.FormatSize(limit)}, nil
}

// applyMemory sets the plan for the store just opened (before anything is
// loaded into it) and Go's soft limit, unless GOMEMLIMIT already set one.
func (df dataFlags) applyMemory(st *store.Store) error {
	plan, err := resolveMemory(df.memory, os.Getenv, store.CgroupV2MemoryMax, store.CgroupV1Limit)
	if err != nil {
		return usageError{err}
	}
	if plan.goSoft > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(plan.goSoft)
	}
	if err := st.ApplyOpenOptions(store.OpenOptions{MemoryLimit: plan.duckdb}); err != nil {
		return fmt.Errorf("%s: %w", plan.from, err)
	}
	return nil
}
