package live

import (
	"context"
	"time"

	"github.com/guesthunt/guesthunt/data/store"
)

// Scope says which AuditLogs rows a pull asks for.
type Scope string

const (
	// ScopeInvites is the rule's own predicate, OperationName =~ "Invite
	// external user" (any Result), evaluated by the service.
	ScopeInvites Scope = "invites"
	// ScopeTrail adds the operations the guest-trail view reads.
	ScopeTrail Scope = "trail"
	// ScopeAll asks for every AuditLogs row.
	ScopeAll Scope = "all"
)

// Interval is the half-open [From, To), both on 100 ns ticks in UTC.
type Interval struct{ From, To time.Time }

// Journal is where a pull keeps its plan and lands its chunks: the case
// file (*store.Store implements it). Every method is one transaction.
type Journal interface {
	// FindPull returns the latest pull of the same source, target, cloud
	// and scope over the same interval, to resume it.
	FindPull(ctx context.Context, p store.Pull) (store.Pull, bool, error)
	// CreatePull records a pull and its plan; chunks must tile [p.From, p.To).
	CreatePull(ctx context.Context, p store.Pull, chunks []store.PullChunk) (store.Pull, error)
	// PullChunks lists a pull's chunks in time order.
	PullChunks(ctx context.Context, pullID int64) ([]store.PullChunk, error)
	// SplitChunk replaces a chunk that is not loaded by parts that tile it
	// exactly, and returns the parts with their new Seq numbers.
	SplitChunk(ctx context.Context, pullID, seq int64, parts []store.PullChunk) ([]store.PullChunk, error)
	// NoteAttempt counts a failed fetch attempt and keeps its error text.
	NoteAttempt(ctx context.Context, pullID, seq int64, errText string) error
	// MarkFetched records the spooled raw response of a chunk.
	MarkFetched(ctx context.Context, pullID, seq int64, rawPath, sha256 string, rows, bytes int64) error
	// LoadChunk loads the chunk's spooled response and marks the chunk
	// loaded in the transaction that makes its events visible.
	LoadChunk(ctx context.Context, pullID, seq int64) (store.FileReport, error)
	// FinishPull marks the pull complete once every chunk is loaded.
	FinishPull(ctx context.Context, pullID int64) error
}

// Progress is one snapshot of a pull, for the CLI's stderr line and the
// workbench's loading page.
type Progress struct {
	Chunk, Of      int   // chunks done, chunks in the plan (the plan grows when a chunk is split)
	Rows, Bytes    int64 // fetched so far
	ThrottledUntil time.Time
	ETA            time.Duration // 0: unknown
	Note           string        // what is happening now, in words ("chunk 4 split: over the byte limit")
}

// PullOptions tune a pull; the zero value takes the documented defaults.
type PullOptions struct {
	Concurrency int           // chunks in flight (default 3 for Log Analytics, 1 for Graph)
	ChunkBytes  int64         // estimated bytes per chunk (default 16 MiB)
	ChunkRows   int64         // rows per chunk (default 50,000)
	Wait        time.Duration // server-side query timeout (default 5 min, at most 10)
	Settle      time.Duration // late-arrival margin (default 30 min)
	DryRun      bool          // plan only: nothing fetched, nothing written
	Refresh     bool          // re-ask provisional chunks for late rows
	SpoolDir    string        // where raw responses go (default <case>.pulls)
	Progress    func(Progress)
	// Now and Sleep are the clock, replaced in tests so throttling waits
	// take no real time.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Summary is what a finished (or interrupted) pull reports.
type Summary struct {
	Pull         store.Pull
	Chunks       int // in the plan
	Loaded       int // chunks loaded
	Rows, Bytes  int64
	Events       int64 // new events in AuditLogs
	Splits       int   // chunks split because a response would have been too big or too slow
	Throttled    int   // 429 answers waited out
	Plan         []store.PullChunk
	Incomplete   bool   // some chunk is not loaded: run the same command again to resume
	IncompleteAt string // why, in words
	// Notes are what the analyst should know about the result although the
	// pull succeeded (fewer rows than planned: the retention edge moved).
	Notes []string
}
