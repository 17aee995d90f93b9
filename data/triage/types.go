// Package triage is the analysts' verdict store: what a verdict is, the
// Store every workbench session (local or over SSH) saves through, and the
// rules that keep saves honest (compare-and-set, conflicts, durability).
// The DuckDB tables live in data/store, which implements Backend.
package triage

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"
)

// Verdict is an analyst's decision about an inviter or one invite event.
type Verdict string

const (
	VerdictUntriaged     Verdict = "untriaged"
	VerdictBenign        Verdict = "benign"
	VerdictSuspicious    Verdict = "suspicious"
	VerdictMalicious     Verdict = "malicious" // a true positive
	VerdictFalsePositive Verdict = "false-positive"
)

// AllVerdicts lists every verdict in the order a picker offers them. A new
// slice each call, so no caller can reorder another's.
func AllVerdicts() []Verdict {
	return []Verdict{VerdictUntriaged, VerdictBenign, VerdictSuspicious, VerdictMalicious, VerdictFalsePositive}
}

// ParseVerdict accepts a verdict's name.
func ParseVerdict(s string) (Verdict, error) {
	for _, v := range AllVerdicts() {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown verdict %q (want one of %v)", s, AllVerdicts())
}

// SubjectKind says what a verdict is about.
type SubjectKind string

const (
	SubjectInviter SubjectKind = "inviter" // Key: the inviter's UPN, exactly as logged
	SubjectEvent   SubjectKind = "event"   // Key: the event's Id (store.EventSubjectKey)
)

// Subject names what a verdict is about by a stable identity, never by a row
// position, so reloads and new parameters do not move verdicts.
type Subject struct {
	Kind SubjectKind
	Key  string
}

// Triage is a subject's state after one change: its current state, or one
// entry of its history.
type Triage struct {
	Subject
	Verdict Verdict
	Note    string
	Analyst string    // who made the last change (user name, or SSH user)
	At      time.Time // when, UTC, to the microsecond
	// Seq numbers changes in the verdict file, in commit order. A subject's
	// current Seq is its revision: the value a compare-and-set expects (0
	// for a subject never triaged).
	Seq int64
}

// Untriaged is the state of a subject nobody has decided on (revision 0).
func Untriaged(s Subject) Triage { return Triage{Subject: s, Verdict: VerdictUntriaged} }

// Field is the part of a subject's state one save changes. Verdict and note
// are saved apart, so a note typed while someone else set the verdict never
// carries an old verdict back (and the other way round).
type Field string

const (
	FieldVerdict Field = "verdict"
	FieldNote    Field = "note"
)

// Edit is one save: set Field of Subject, provided its revision is still
// ExpectRev.
type Edit struct {
	Subject   Subject
	Field     Field
	Verdict   Verdict // the new verdict, for FieldVerdict
	Note      string  // the new note, for FieldNote
	ExpectRev int64   // the Seq the analyst saw; 0 = never triaged
	Analyst   string
	At        time.Time // zero: now
}

// Limits on what one verdict may carry. They keep a pasted log dump or a
// hostile value from bloating the verdict file; the UI says so rather than
// truncate silently.
const (
	MaxNote    = 64 << 10 // bytes
	MaxKey     = 64 << 10 // bytes; keys come from the logs, which an attacker shapes
	MaxAnalyst = 1 << 10  // bytes
)

// Validate checks what an analyst (or a hostile log value used as a key) can
// put in a state. Strings must be valid UTF-8 because DuckDB's VARCHAR refuses
// anything else; refusing here gives a clear message.
func Validate(t Triage) error {
	switch t.Kind {
	case SubjectInviter, SubjectEvent:
	default:
		return fmt.Errorf("unknown subject kind %q", t.Kind)
	}
	if t.Key == "" {
		return errors.New("a verdict needs a subject (empty key)")
	}
	if _, err := ParseVerdict(string(t.Verdict)); err != nil {
		return err
	}
	for _, f := range []struct {
		name, val string
		max       int
	}{{"key", t.Key, MaxKey}, {"note", t.Note, MaxNote}, {"analyst", t.Analyst, MaxAnalyst}} {
		if len(f.val) > f.max {
			return fmt.Errorf("%s is %d bytes, at most %d are kept", f.name, len(f.val), f.max)
		}
		if !utf8.ValidString(f.val) {
			return fmt.Errorf("%s is not valid UTF-8", f.name)
		}
	}
	return nil
}

// Apply is the state an edit leaves: cur with the edited field replaced and
// the change's analyst and time; seq is the new revision. Both backends use
// it, so "verdict and note are separate fields" has one definition.
func Apply(cur Triage, e Edit, seq int64) (Triage, error) {
	if cur.Verdict == "" {
		cur = Untriaged(e.Subject)
	}
	switch e.Field {
	case FieldVerdict:
		cur.Verdict = e.Verdict
	case FieldNote:
		cur.Note = e.Note
	default:
		return Triage{}, fmt.Errorf("unknown field %q", e.Field)
	}
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	cur.Subject, cur.Analyst, cur.At, cur.Seq = e.Subject, e.Analyst, at.UTC().Truncate(time.Microsecond), seq
	return cur, Validate(cur)
}
