package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data/formats"
)

// A portal CSV export in local time (formats/portal_zone_test.go has the
// reader's cases).
const portalLocalCSV = "TimeGenerated [Local Time],OperationName,Result,InitiatedBy,Id,ActivityDateTime [Local Time]\n" +
	`"9/7/2023, 8:03:23.829 AM",Invite external user,success,"{""user"":{""userPrincipalName"":""bob@contoso.com""}}",a,"9/7/2023, 8:03:23.829 AM"` + "\n" +
	`"1/15/2024, 8:00:00.000 AM",Invite external user,success,"{""user"":{""userPrincipalName"":""bob@contoso.com""}}",b,` + "\n" +
	`2024-01-15 09:00:00.000,Add user,success,,c,` + "\n" +
	`2024-01-15T09:00:00Z,Add user,success,,d,` + "\n"

// Through Store.Load: refused with the message without --tz, loaded in the
// given zone with it.
func TestLoadPortalLocalTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.csv")
	os.WriteFile(path, []byte(portalLocalCSV), 0o600)
	s := openTestStore(t, "")
	rep := loadPaths(t, s, path)
	if f := rep.Files[0]; f.Format != formats.FormatLAPortalCSV || f.Loaded != 0 || !strings.Contains(f.Error, "--tz") {
		t.Fatalf("without a zone: %+v", f)
	}
	if _, err := s.Load(context.Background(), []string{path}, LoadOptions{Strict: true}); err == nil {
		t.Error("strict load of a local-time export succeeded")
	}
	berlin, _ := formats.ParseTimeZone("Europe/Berlin")
	s2 := openTestStore(t, "")
	rep, err := s2.Load(context.Background(), []string{path}, LoadOptions{TimeZone: berlin})
	if err != nil || rep.Files[0].Loaded != 4 {
		t.Fatalf("with --tz: %+v %v", rep.Files[0], err)
	}
	var first time.Time
	if err := s2.DB().QueryRow(`SELECT TimeGenerated FROM AuditLogs WHERE Id = 'a'`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if !first.Equal(time.Date(2023, 9, 7, 6, 3, 23, 829000000, time.UTC)) {
		t.Errorf("TimeGenerated %v", first)
	}
	if raw, err := s2.RawRecord(context.Background(), rep.Files[0].SourceID, 1); err != nil || !strings.Contains(string(raw.Raw), "8:03:23.829 AM") {
		t.Errorf("raw record: %q %v", raw.Raw, err)
	}
}
