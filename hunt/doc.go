// Package hunt is the Sentinel rule "Guest Users Invited to Tenant by New
// Inviters" and every question the workbench asks about it, as functions of
// parameters -> SQL -> typed results. It reads the AuditLogs view of a
// store.Store and never writes to it; the only tables it makes are its own
// invite caches (_hunt_invites_v<version>_g<generation>), one per data
// generation, rebuilt when data is loaded.
//
// Semantics follow /work/shared/rule/SEMANTICS.md: one as-of instant T per
// run; baseline T-Baseline <= TimeGenerated <= T-Window; detection
// T-Window < TimeGenerated <= T; ASCII-only case folding for =~;
// case-sensitive !in unless Params.FoldCase; 100 ns exactness throughout
// (instants travel to DuckDB as epoch nanoseconds).
//
// Every Result carries Warnings (warnings.go) for the cases where an empty
// result would read as an all-clear it is not, and AllClear says which
// it is. KQLText (kql_pinned.go) is the one KQL every surface shows;
// timefmt.go formats times and spans for people.
package hunt
