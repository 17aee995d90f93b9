package store

import (
	"github.com/guesthunt/guesthunt/data"

	"context"
	"testing"
	"time"
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

// The SQL form must agree with the Go form on every loaded event, with Ids
// (Log Analytics) and without (the Entra portal's CSV download).
func TestTriageEventSubjectKeySQL(t *testing.T) {
	s := openTestStore(t, "")
	loadPaths(t, s, "testdata/load/sentinel-sample.ndjson", "testdata/csv/entra_download.csv")
	rows, err := s.DB().Query(`SELECT _SourceId, _SourceRecord, ` + EventSubjectKeySQL("a") + ` FROM AuditLogs a`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	sqlKeys := map[RecordKey]string{}
	var keys []RecordKey
	for rows.Next() {
		var k RecordKey
		var key string
		if err := rows.Scan(&k.SourceID, &k.Record, &key); err != nil {
			t.Fatal(err)
		}
		sqlKeys[k] = key
		keys = append(keys, k)
	}
	recs, err := s.Records(context.Background(), keys)
	if err != nil {
		t.Fatal(err)
	}
	withoutID := 0
	for k, rec := range recs {
		if rec.Id == "" {
			withoutID++
		}
		if got := EventSubjectKey(rec); got != sqlKeys[k] {
			t.Errorf("%v: Go %q, SQL %q", k, got, sqlKeys[k])
		}
	}
	if len(recs) != len(keys) || withoutID == 0 || withoutID == len(recs) {
		t.Errorf("%d records of %d, %d without Id: the test needs both kinds", len(recs), len(keys), withoutID)
	}
}
