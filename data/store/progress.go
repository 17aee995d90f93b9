package store

import (
	"time"
)

// LoadPhase names the step a load is in.
type LoadPhase string

const (
	// PhaseStarting: an earlier interrupted load is being set aside and the
	// paths are being listed.
	PhaseStarting LoadPhase = "starting"
	// PhaseSpooling: standard input is being copied to a temp file; the
	// files of the load are not known yet.
	PhaseSpooling LoadPhase = "reading standard input"
	// PhaseReading: the file is being read (by DuckDB's reader or the Go
	// reader of its format).
	PhaseReading LoadPhase = "reading"
	// PhaseStoring: a streamed file's checked records go into the database.
	PhaseStoring LoadPhase = "storing"
	// PhaseSettling: exclusions, non-audit records, duplicates and counts.
	PhaseSettling LoadPhase = "settling duplicates"
	// PhasePulling: a live source's chunks are being fetched (guesthunt
	// pull --open); Unit is "chunk", and ETA comes from the pull.
	PhasePulling LoadPhase = "pulling"
	// PhaseDone: the load is over (the last update has Done set).
	PhaseDone LoadPhase = "done"
)

// LoadProgress is one snapshot of a running load, delivered to
// LoadOptions.Progress. File comes from the analyst's arguments or a
// directory listing and may be hostile: sanitize it before display.
type LoadProgress struct {
	File      string    // as reported ("-" for standard input)
	FileIndex int       // 1-based position of File; 0 while standard input is spooled
	Files     int       // files in the load (0 while standard input is spooled)
	Phase     LoadPhase //
	// Bytes of File read so far, of TotalBytes (its size on disk, compressed
	// when it is; 0 = unknown). On DuckDB's native path Bytes is DuckDB's own
	// estimate of its progress times the size (Estimated).
	Bytes, TotalBytes int64
	Estimated         bool
	// Records of File read so far. While DuckDB's native reader runs it is
	// not known and stays 0 until the rows are in (Phase settling).
	Records int64
	// DoneBytes is the size of the files before File; AllBytes that of all.
	DoneBytes, AllBytes int64
	Elapsed             time.Duration // since the load began
	FileElapsed         time.Duration // since File began
	Done                bool          // the final update of the load
	// Unit names what FileIndex and Files count ("" is files; a pull's
	// progress counts chunks). GivenETA, when above 0, is the time left as
	// its producer estimates it (a pull's, from its chunks), not from bytes.
	Unit     string
	GivenETA time.Duration
}

// Fraction is how much of File has been read, 0..1 (0 when its size is unknown).
func (p LoadProgress) Fraction() float64 {
	if p.TotalBytes <= 0 {
		return 0
	}
	return min(1, max(0, float64(p.Bytes)/float64(p.TotalBytes)))
}

// OverallFraction is how much of all files' bytes has been read, 0..1.
func (p LoadProgress) OverallFraction() float64 {
	if p.AllBytes <= 0 {
		return 0
	}
	return min(1, max(0, float64(p.DoneBytes+p.Bytes)/float64(p.AllBytes)))
}

// Rate is File's read rate in bytes per second (0 before there is one).
func (p LoadProgress) Rate() float64 {
	if p.FileElapsed < 50*time.Millisecond || p.Bytes <= 0 {
		return 0 // too early to mean anything
	}
	return float64(p.Bytes) / p.FileElapsed.Seconds()
}

// ETA is the time left to read the rest of File at Rate; ok is false while
// it cannot be told (no rate or no size yet). Settling duplicates after the
// read is not included: its cost does not follow the bytes.
func (p LoadProgress) ETA() (left time.Duration, ok bool) {
	if p.GivenETA > 0 {
		return p.GivenETA, true
	}
	rate := p.Rate()
	if rate <= 0 || p.TotalBytes <= 0 {
		return 0, false
	}
	rest := max(0, p.TotalBytes-p.Bytes)
	return time.Duration(float64(rest) / rate * float64(time.Second)), true
}
