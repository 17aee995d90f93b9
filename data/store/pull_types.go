package store

import "time"

// A pull fetches AuditLogs from a live source (a Log Analytics workspace or
// Microsoft Graph) into the case file in chunks. The case file keeps the
// plan (_Pulls, _PullChunks), so an interrupted pull resumes where it
// stopped, and each chunk's events become visible in the same transaction
// that marks the chunk loaded: kill -9 anywhere, then resume, gives every
// event once. Coverage of a pulled case is the union of its loaded chunks,
// not the span of the events in it.

// ChunkState is where one chunk of a pull is.
type ChunkState string

const (
	ChunkPlanned ChunkState = "planned" // not fetched yet (or its fetch must be repeated)
	ChunkFetched ChunkState = "fetched" // the raw response is spooled (RawPath, Sha256) but not loaded
	ChunkLoaded  ChunkState = "loaded"  // its events are in AuditLogs (committed with the state)
)

// Pull is one pull's record: what was asked for, of which source.
type Pull struct {
	ID        int64
	Source    string // "la" (Log Analytics query API) or "graph" (directoryAudits)
	Target    string // workspace GUID or ARM id; for Graph, the API root
	Cloud     string // public, usgov, china
	Scope     string // invites, trail, all
	From, To  time.Time
	QueryText string // the KQL (or Graph $filter) template, for the record
	CreatedAt time.Time
	// Settle is how long after an instant its rows are taken to have
	// arrived: chunks ending after CreatedAt-Settle are provisional and
	// pull --refresh asks for late rows.
	Settle   time.Duration
	Complete bool // every chunk loaded
}

// PullChunk is one half-open interval [From, To) of a pull.
type PullChunk struct {
	PullID       int64
	Seq          int64 // unique within the pull; the plan's order is From
	From, To     time.Time
	State        ChunkState
	PlannedRows  int64
	PlannedBytes int64
	Rows, Bytes  int64  // fetched
	SourceID     int64  // the _Sources row its events came in with (0: not loaded)
	Attempts     int    // fetch attempts so far
	LastError    string // the last attempt's failure, "" when none
	RawPath      string // the spooled raw response (gzip), once fetched
	Sha256       string // of RawPath's bytes
	Provisional  bool   // ends after the pull's CreatedAt-Settle: late rows may still arrive
}
