package store

import (
	"fmt"
	"time"
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

// Verdicts lists every verdict in the order a picker offers them.
var Verdicts = []Verdict{VerdictUntriaged, VerdictBenign, VerdictSuspicious, VerdictMalicious, VerdictFalsePositive}

// ParseVerdict accepts a verdict's name.
func ParseVerdict(s string) (Verdict, error) {
	for _, v := range Verdicts {
		if string(v) == s {
			return v, nil
		}
	}
	return "", fmt.Errorf("unknown verdict %q (want one of %v)", s, Verdicts)
}

// SubjectKind says what a verdict is about.
type SubjectKind string

const (
	SubjectInviter SubjectKind = "inviter" // Key: the inviter's UPN, exactly as logged
	SubjectEvent   SubjectKind = "event"   // Key: the event's Id (see EventSubjectKey)
)

// Subject names what a verdict is about by a stable identity, never by a row
// position, so reloads and new parameters do not move verdicts.
type Subject struct {
	Kind SubjectKind
	Key  string
}

// Triage is one recorded decision: the current state of a subject, or one
// entry of its history.
type Triage struct {
	Subject
	Verdict Verdict
	Note    string
	Analyst string    // who recorded it (user name, or SSH user)
	At      time.Time // when, UTC
	Seq     int64     // order of changes in this case file
}
