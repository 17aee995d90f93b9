package hunt

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// verifyRows are three alerts from the fixture's first event, with Ids.
func verifyRows(t *testing.T) []Alert {
	rows, err := AlertsFromTable(fixtureTable(t, true))
	if err != nil {
		t.Fatal(err)
	}
	rows[1].Id = "e1b"
	return rows // Ids e1, e1b, e2
}

func joined(r VerifyReport) string { return strings.Join(r.Sentences(), "\n") }

func TestVerifyEqual(t *testing.T) {
	rows := verifyRows(t)
	remote := append([]Alert(nil), rows...)
	remote[0], remote[2] = remote[2], remote[0] // order does not matter
	remote[0].SourceRecord, remote[0].SourceID = 99, 7
	rep := Verify(rows, remote)
	if !rep.Equal() || rep.Matched != 3 || len(rep.Duplicates) != 0 {
		t.Fatalf("%+v", rep)
	}
	if s := joined(rep); !strings.Contains(s, "agree: 3 row(s) locally, 3 returned") {
		t.Errorf("%s", s)
	}
}

func TestVerifyOneSided(t *testing.T) {
	rows := verifyRows(t)
	rep := Verify(rows[:2], rows[1:])
	if rep.Equal() || len(rep.OnlyLocal) != 1 || rep.OnlyLocal[0].Id != "e1" || len(rep.OnlyRemote) != 1 || rep.OnlyRemote[0].Id != "e2" {
		t.Fatalf("%+v", rep)
	}
	s := joined(rep)
	for _, want := range []string{"DISAGREE", `Only guesthunt flags event "e1"`, `Only the workspace returns event "e2"`, `inviter "a@c.com"`} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
}

func TestVerifyColumnDifferences(t *testing.T) {
	rows := verifyRows(t)
	remote := append([]Alert(nil), rows...)
	remote[0].TimeGenerated = remote[0].TimeGenerated.Add(100 * time.Nanosecond) // one tick
	remote[0].Result = "Success"
	n := int64(5)
	remote[2].DurationMs = &n
	remote[2].TargetResources = json.RawMessage(`[]`)
	rep := Verify(rows, remote)
	if rep.Equal() || len(rep.Differ) != 2 || rep.Matched != 1 {
		t.Fatalf("%+v", rep)
	}
	s := joined(rep)
	for _, want := range []string{
		`Event "e1" is on both sides but differs in column TimeGenerated: local 2026-10-15T11:22:33.1234567Z, remote 2026-10-15T11:22:33.1234568Z; column Result: local "success", remote "Success"`,
		`Event "e2" is on both sides but differs in column DurationMs: local null, remote 5; column TargetResources: local null, remote []`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
}

// Kusto returns an event stored twice twice; guesthunt counts it once.
func TestVerifyExplainsDuplicates(t *testing.T) {
	rows := verifyRows(t)
	remote := append(append([]Alert(nil), rows...), rows[0], rows[0])
	rep := Verify(rows, remote)
	if !rep.Equal() || len(rep.Duplicates) != 1 || rep.Duplicates[0] != (DuplicateRow{Id: "e1", Copies: 3}) {
		t.Fatalf("%+v", rep)
	}
	if s := joined(rep); !strings.Contains(s, `Explained: the workspace returned event "e1" 3 times, guesthunt counts it once`) ||
		!strings.Contains(s, "SEMANTICS.md") {
		t.Errorf("%s", s)
	}
	// A second remote row with the same Id that differs is no duplicate: it
	// is a different record (a conflict), and guesthunt lacks it.
	other := rows[0]
	other.Result = "Success"
	rep = Verify(rows, append(append([]Alert(nil), rows...), other))
	if rep.Equal() || len(rep.OnlyRemote) != 1 || len(rep.Duplicates) != 0 {
		t.Fatalf("conflict: %+v", rep)
	}
}

// Dynamic columns compare as JSON values: key order and spacing are no
// difference, but are counted.
func TestVerifyDynamicRespelled(t *testing.T) {
	rows := verifyRows(t)
	remote := append([]Alert(nil), rows...)
	remote[0].InitiatedBy = json.RawMessage(`{"user": {"userPrincipalName":"a@c.com","ipAddress":"10.0.0.1","id":"u1"}}`)
	rep := Verify(rows, remote)
	if !rep.Equal() || rep.Respelled != 1 {
		t.Fatalf("%+v", rep)
	}
	if !strings.Contains(joined(rep), "Not a difference: 1 dynamic cell(s)") {
		t.Errorf("%s", joined(rep))
	}
	remote[0].InitiatedBy = json.RawMessage(`{"user":{"userPrincipalName":"A@c.com"}}`)
	if rep := Verify(rows, remote); rep.Equal() || len(rep.Differ) != 1 || rep.Differ[0].Columns[0].Column != "InitiatedBy" {
		t.Fatalf("%+v", rep)
	}
}
