package store

import (
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

func TestTriageEventSubjectKey(t *testing.T) {
	at := time.Date(2026, 10, 30, 9, 15, 2, 123456789, time.UTC)
	if k := EventSubjectKey(data.Record{Id: "Invited Users_c0ffee_ABCDE_1001", CorrelationId: "c", TimeGenerated: at}); k != "Invited Users_c0ffee_ABCDE_1001" {
		t.Errorf("with Id: %q", k)
	}
	r := data.Record{CorrelationId: "c0ffee00-0000-4000-8000-000000000001", TimeGenerated: at, OperationName: "Invite external user"}
	want := "c0ffee00-0000-4000-8000-000000000001|2026-10-30T09:15:02.1234567Z|Invite external user"
	if k := EventSubjectKey(r); k != want {
		t.Errorf("content key %q, want %q", k, want)
	}
	r.TimeGenerated = time.Date(2026, 10, 30, 9, 15, 2, 0, time.UTC)
	if k := EventSubjectKey(r); k != "c0ffee00-0000-4000-8000-000000000001|2026-10-30T09:15:02.0000000Z|Invite external user" {
		t.Errorf("whole second: %q", k)
	}
}
