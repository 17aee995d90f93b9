package triage

import (
	"context"
	"fmt"
)

// Store is the verdict store a workbench session uses. One value is shared by
// every session of a process (guesthunt serve) and is safe for concurrent use.
type Store interface {
	// All is the current state of every subject ever triaged; an absent
	// subject is untriaged at revision 0.
	All(ctx context.Context) (map[Subject]Triage, error)
	// History is every state a subject has had, oldest first.
	History(ctx context.Context, s Subject) ([]Triage, error)
	// SetVerdict and SetNote save one field if the subject is still at
	// revision expectRev, returning the new state once committed. A stale
	// expectation returns a *ConflictError holding the current state, and
	// saves nothing.
	SetVerdict(ctx context.Context, s Subject, v Verdict, expectRev int64, analyst string) (Triage, error)
	SetNote(ctx context.Context, s Subject, note string, expectRev int64, analyst string) (Triage, error)
	// Subscribe delivers every change committed through this Store (so, to
	// every session of this process) after it commits, in commit order. The
	// channel is closed by cancel, when ctx ends, or when the subscriber
	// falls too far behind: then re-read All and subscribe again.
	Subscribe(ctx context.Context) (<-chan Change, func())
	// Durable says whether a committed save survives the process (a
	// verdict file on disk) or only this session (memory).
	Durable() bool
}

// Change is one committed save.
type Change struct {
	Field Field
	State Triage // the subject's state after it
}

// ConflictError is a save refused because the subject changed since the
// analyst saw it: the lost update it prevents. Current is what it is now.
type ConflictError struct {
	Edit    Edit
	Current Triage
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s %s changed meanwhile (now revision %d, expected %d)",
		e.Edit.Subject.Kind, e.Edit.Subject.Key, e.Current.Seq, e.Edit.ExpectRev)
}

// Backend keeps the states: data/store's DuckDB tables, or Memory. Save
// must do the compare-and-set and the write in one transaction, and return
// *ConflictError on a stale ExpectRev.
type Backend interface {
	Triages(ctx context.Context) (map[Subject]Triage, error)
	TriageHistory(ctx context.Context, s Subject) ([]Triage, error)
	SaveTriage(ctx context.Context, e Edit) (Triage, error)
	TriageDurable() bool
}
