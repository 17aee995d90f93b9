// Package live pulls AuditLogs from where they live, a Log Analytics
// (Sentinel) workspace or Microsoft Graph's directoryAudits, into a case
// file, and runs the rule where the data is (push-down).
//
// A pull is planned as half-open time chunks exact to the 100 ns tick, each
// small enough for the service's row and byte limits; every chunk's raw
// response is spooled (gzip, 0600) and loaded through the same readers as a
// hand export (la-api, graph), and marked loaded in the same transaction
// (store.Journal), so a pull resumes after any interruption and loads each
// event once. The transport is the Azure SDK's pipeline (azlogs for Log
// Analytics, azcore for Graph): token caching, https only, redacted logs.
package live
