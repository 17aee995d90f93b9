// Package scenario generates training tenants: a tenant's audit logs in any
// export format, with an answer key kept apart from them. It is pure Go (no
// DuckDB), so it can be built and tested anywhere; writing Parquet is left to
// data/store.
package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// Scenario is one training exercise.
type Scenario struct {
	Name        string
	Level       string // easy, medium, hard, expert: the order List gives
	Description string // one line
	build       func(opt Options) (Tenant, error)
}

// Options tune a generated tenant. Zero values take the scenario's defaults.
type Options struct {
	Seed   int64
	Days   int            // days of log the export covers
	Events int            // everyday directory events over the whole span (approximate)
	Format formats.Format // the export format ("" = la-ndjson); overlap adds a second one
}

// File is one export to write: a base name for the output directory, its
// format and its records in file order.
type File struct {
	Name    string
	Format  formats.Format
	Records []data.Record
}

// Tenant is a generated exercise: the exports and, separately, the key.
type Tenant struct {
	Files []File
	Key   Key
}

// List returns every scenario in order of rising difficulty. A new slice
// each call, so no caller can change another's.
func List() []Scenario {
	return []Scenario{
		{"textbook", "easy", "one account that never invited anyone adds free-mail guests at night, among a month of everyday noise", textbook},
		{"mass-invite", "easy", "a new inviter sprays dozens of invites in under an hour; a known inviter's workshop burst is no alert", massInvite},
		{"demo", "medium", "the built-in demo tenant: nine planted cases, from a compromised account to hostile guest names", demoTenant},
		{"decoys", "medium", "every alert is explainable: an onboarding hire, a returning inviter, a case-variant UPN; failed and app invites", decoys},
		{"compromised", "hard", "an admin account invites a lookalike-domain guest from a new IP at night, then grants it a role", compromised},
		{"short-retention", "hard", "a 7-day export under a 14-day baseline: the trap is the coverage, not the inviters", shortRetention},
		{"overlap", "expert", "two overlapping exports in two formats: only together, de-duplicated, do they give the answer", overlap},
	}
}

// Names lists the scenario names, in List order.
func Names() []string {
	var out []string
	for _, s := range List() {
		out = append(out, s.Name)
	}
	return out
}

// Generate builds scenario name with opt. The same name and options always
// give the same files and key.
func Generate(name string, opt Options) (Tenant, error) {
	i := slices.IndexFunc(List(), func(s Scenario) bool { return s.Name == name })
	if i < 0 {
		return Tenant{}, fmt.Errorf("unknown scenario %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	if opt.Format == "" {
		opt.Format = formats.FormatLANDJSON
	}
	if _, err := formats.ParseFormat(string(opt.Format)); err != nil {
		return Tenant{}, err
	}
	if opt.Days < 0 || opt.Events < 0 {
		return Tenant{}, fmt.Errorf("days and events must not be negative")
	}
	if opt.Events > maxEvents {
		return Tenant{}, fmt.Errorf("events %d: at most %d (the tenant is built in memory)", opt.Events, maxEvents)
	}
	return List()[i].build(opt)
}

// maxEvents bounds a tenant held in memory at once (about 2 KB a record, so about 1 GB at most).
const maxEvents = 500_000
