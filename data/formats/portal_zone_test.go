package formats

import (
	"bufio"
	"strings"
	"testing"
	"time"
)

func TestPortalHeaderZones(t *testing.T) {
	cases := []struct{ cell, name, zone string }{
		{"TimeGenerated [UTC]", "TimeGenerated", "UTC"},
		{" TimeGenerated [Local Time] ", "TimeGenerated", "Local Time"},
		{"TimeGenerated [UTC+02:00]", "TimeGenerated", "UTC+02:00"},
		{"TimeGenerated", "TimeGenerated", ""},
		{"TimeGenerated[UTC]", "TimeGenerated[UTC]", ""},
		{"[UTC]", "[UTC]", ""},
	}
	for _, c := range cases {
		if name, zone := portalHeader(c.cell); name != c.name || zone != c.zone {
			t.Errorf("%q: %q %q, want %q %q", c.cell, name, zone, c.name, c.zone)
		}
	}
}

func TestParseTimeZone(t *testing.T) {
	at := time.Date(2023, 9, 7, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in     string
		offset int // seconds east of UTC at `at`
	}{
		{"UTC", 0}, {"utc", 0}, {"Z", 0}, {"+00:00", 0}, {"+02:00", 7200}, {"-0530", -19800}, {"+2", 7200},
		{"UTC+02:00", 7200}, {"UTC-5", -18000}, {"GMT+01:00", 3600}, {"Europe/Berlin", 7200}, {"America/New_York", -14400},
	}
	for _, c := range cases {
		loc, err := ParseTimeZone(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if _, off := at.In(loc).Zone(); off != c.offset {
			t.Errorf("%q: offset %d, want %d", c.in, off, c.offset)
		}
	}
	for _, bad := range []string{"", "Local", "local", "Mars/Olympus", "+24:00", "+02:60", "CEST+2"} {
		if _, err := ParseTimeZone(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

const portalLocalCSV = "TimeGenerated [%s],OperationName,Result,InitiatedBy,Id,ActivityDateTime [%s]\n" +
	`"9/7/2023, 8:03:23.829 AM",Invite external user,success,"{""user"":{""userPrincipalName"":""bob@contoso.com""}}",a,"9/7/2023, 8:03:23.829 AM"` + "\n" +
	`"1/15/2024, 8:00:00.000 AM",Invite external user,success,"{""user"":{""userPrincipalName"":""bob@contoso.com""}}",b,` + "\n" +
	`2024-01-15 09:00:00.000,Add user,success,,c,` + "\n" +
	`2024-01-15T09:00:00Z,Add user,success,,d,` + "\n"

func portalCSV(zone string) string {
	return strings.ReplaceAll(portalLocalCSV, "%s", zone)
}

func TestDetectPortalLocalTime(t *testing.T) {
	for _, zone := range []string{"UTC", "Local Time", "UTC+02:00", "UTC-05:30"} {
		f, err := DetectFormat(bufio.NewReader(strings.NewReader(portalCSV(zone))))
		if err != nil || f != FormatLAPortalCSV {
			t.Errorf("[%s]: %q %v", zone, f, err)
		}
	}
}

func TestPortalLocalTimeNeedsZone(t *testing.T) {
	_, fatal := readAllCSV(t, newLACSVReaderIn(strings.NewReader(portalCSV("Local Time")), nil))
	if fatal == nil {
		t.Fatal("local-time export read as UTC")
	}
	for _, want := range []string{`"TimeGenerated [Local Time]"`, "set to UTC", "--tz", "Europe/Berlin"} {
		if !strings.Contains(fatal.Error(), want) {
			t.Errorf("message lacks %q: %v", want, fatal)
		}
	}
}

func TestPortalLocalTimeWithZone(t *testing.T) {
	berlin, err := ParseTimeZone("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	plus2, _ := ParseTimeZone("+02:00")
	cases := []struct {
		name, zone string
		tz         *time.Location
		want       []time.Time // TimeGenerated of rows a..d
	}{
		// Berlin is UTC+2 in September, UTC+1 in January; an ISO time with Z keeps it.
		{"local with --tz Europe/Berlin", "Local Time", berlin, []time.Time{
			csvUTC(2023, 9, 7, 6, 3, 23, 829000000), csvUTC(2024, 1, 15, 7, 0, 0, 0), csvUTC(2024, 1, 15, 8, 0, 0, 0), csvUTC(2024, 1, 15, 9, 0, 0, 0)}},
		{"local with --tz +02:00", "Local Time", plus2, []time.Time{
			csvUTC(2023, 9, 7, 6, 3, 23, 829000000), csvUTC(2024, 1, 15, 6, 0, 0, 0), csvUTC(2024, 1, 15, 7, 0, 0, 0), csvUTC(2024, 1, 15, 9, 0, 0, 0)}},
		{"header offset", "UTC+02:00", nil, []time.Time{
			csvUTC(2023, 9, 7, 6, 3, 23, 829000000), csvUTC(2024, 1, 15, 6, 0, 0, 0), csvUTC(2024, 1, 15, 7, 0, 0, 0), csvUTC(2024, 1, 15, 9, 0, 0, 0)}},
		{"header offset wins over --tz", "UTC-05:30", berlin, []time.Time{
			csvUTC(2023, 9, 7, 13, 33, 23, 829000000), csvUTC(2024, 1, 15, 13, 30, 0, 0), csvUTC(2024, 1, 15, 14, 30, 0, 0), csvUTC(2024, 1, 15, 9, 0, 0, 0)}},
		{"UTC header ignores --tz", "UTC", berlin, []time.Time{
			csvUTC(2023, 9, 7, 8, 3, 23, 829000000), csvUTC(2024, 1, 15, 8, 0, 0, 0), csvUTC(2024, 1, 15, 9, 0, 0, 0), csvUTC(2024, 1, 15, 9, 0, 0, 0)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, fatal := readAllCSV(t, newLACSVReaderIn(strings.NewReader(portalCSV(c.zone)), c.tz))
			if fatal != nil || len(got) != 4 {
				t.Fatalf("%d rows, %v", len(got), fatal)
			}
			for i, r := range got {
				if r.err != nil || !r.rec.TimeGenerated.Equal(c.want[i]) {
					t.Errorf("row %d: %v %v, want %v", i, r.rec.TimeGenerated, r.err, c.want[i])
				}
			}
			if !got[0].rec.ActivityDateTime.Equal(c.want[0]) {
				t.Errorf("ActivityDateTime %v, want %v", got[0].rec.ActivityDateTime, c.want[0])
			}
		})
	}
}
