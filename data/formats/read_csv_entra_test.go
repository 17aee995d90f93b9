package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

func TestEntraCSVFixture(t *testing.T) {
	got, fatal := readAllCSV(t, newEntraCSVReader(openCSVFixture(t, "entra_download.csv")))
	if fatal != nil {
		t.Fatal(fatal)
	}
	if len(got) != 3 {
		t.Fatalf("%d records", len(got))
	}
	for i, g := range got {
		if g.err != nil || g.raw.Line != int64(i+2) || g.raw.Ordinal != int64(i+1) {
			t.Errorf("record %d: %v line %d ordinal %d", i+1, g.err, g.raw.Line, g.raw.Ordinal)
		}
		if g.rec.Type != "AuditLogs" || g.rec.Id != "" || !g.rec.TimeGenerated.Equal(g.rec.ActivityDateTime) {
			t.Errorf("record %d: %+v", i+1, g.rec)
		}
	}

	inv := got[0].rec
	if !inv.TimeGenerated.Equal(csvUTC(2023, 9, 7, 6, 3, 23, 829284900)) || inv.OperationName != "Invite external user" ||
		inv.ActivityDisplayName != inv.OperationName || inv.Result != "Success" || inv.LoggedByService != "Invited Users" ||
		inv.Category != "UserManagement" || inv.CorrelationId != "0f4e2c1a-9b7d-4c1e-8f00-123456789abc" {
		t.Errorf("invite: %+v", inv)
	}
	wantJSON := map[string][2]string{
		"InitiatedBy": {string(inv.InitiatedBy),
			`{"user":{"id":"aead923d-498b-4f64-a66c-2af91447a8b6","displayName":null,"userPrincipalName":"bob@contoso.com","ipAddress":"203.0.113.7","roles":[]}}`},
		"TargetResources": {string(inv.TargetResources),
			`[{"id":"9c1d0e2f-0000-4000-8000-000000000001","displayName":null,"type":"User","userPrincipalName":"alice_gmail.com#EXT#@contoso.onmicrosoft.com","modifiedProperties":[{"displayName":"AccountEnabled","oldValue":"[]","newValue":"[true]"}],"administrativeUnits":[]}]`},
		"AdditionalDetails": {string(inv.AdditionalDetails),
			`[{"key":"User-Agent","value":"Mozilla/5.0 (Windows NT 10.0)"},{"key":"invitedUserEmailAddress","value":"alice@gmail.com"},{"key":"oid","value":""}]`},
	}
	for col, gw := range wantJSON {
		if gw[0] != gw[1] {
			t.Errorf("%s\n got %s\nwant %s", col, gw[0], gw[1])
		}
	}
	if !strings.HasPrefix(string(got[0].raw.Raw), "2023-09-07T06:03:23.8292849Z,") || strings.HasSuffix(string(got[0].raw.Raw), "\r") {
		t.Errorf("raw %q", got[0].raw.Raw)
	}

	app := got[1].rec
	if string(app.InitiatedBy) != `{"app":{"appId":null,"displayName":"Provisioning <App>","servicePrincipalId":"sp-id-1","servicePrincipalName":"prov-app"}}` {
		t.Errorf("app InitiatedBy %s", app.InitiatedBy)
	}
	if string(app.TargetResources) != `[{"id":null,"displayName":null,"type":null,"userPrincipalName":null,"modifiedProperties":[],"administrativeUnits":[]},`+
		`{"id":"t2-id","displayName":"Second Target","type":"User","userPrincipalName":null,"modifiedProperties":[],"administrativeUnits":[]}]` {
		t.Errorf("Target2 only: %s", app.TargetResources)
	}
	if app.AdditionalDetails != nil || app.Result != "failure" || app.ResultReason != "Quota exceeded" {
		t.Errorf("app row: %+v", app)
	}
	bare := got[2].rec
	if bare.InitiatedBy != nil || bare.TargetResources != nil || bare.AdditionalDetails != nil ||
		!bare.TimeGenerated.Equal(csvUTC(2023, 9, 8, 8, 0, 0, 1e8)) {
		t.Errorf("bare row: %+v", bare)
	}
}

// entraTestColumns are the download's 86 column names, key/value pairs interleaved.
func entraTestColumns() []string {
	cols := strings.Split("Date (UTC),CorrelationId,Service,Category,Activity,Result,ResultReason,User Agent,"+
		"ActorType,ActorDisplayName,ActorObjectId,ActorUserPrincipalName,IPAddress,ActorHomeTenantId,"+
		"ActorHomeTenantName,ActorServicePrincipalId,ActorServicePrincipalName", ",")
	for n := 1; n <= 3; n++ {
		for _, s := range []string{"Type", "DisplayName", "ObjectId", "UserPrincipalName"} {
			cols = append(cols, fmt.Sprintf("Target%d%s", n, s))
		}
		for m := 1; m <= 5; m++ {
			for _, s := range []string{"Name", "OldValue", "NewValue"} {
				cols = append(cols, fmt.Sprintf("Target%dModifiedProperty%d%s", n, m, s))
			}
		}
	}
	for k := 1; k <= 6; k++ {
		cols = append(cols, fmt.Sprintf("AdditionalDetail%dKey", k), fmt.Sprintf("AdditionalDetail%dValue", k))
	}
	return cols
}

// entraTestCSV writes a header of cols and one row per map, as CSV.
func entraTestCSV(cols []string, rows ...map[string]string) string {
	var b strings.Builder
	b.WriteString(csvLine(cols))
	for _, r := range rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = r[c]
		}
		b.WriteString(csvLine(cells))
	}
	return b.String()
}

func csvLine(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
	}
	return strings.Join(q, ",") + "\r\n"
}

func TestEntraCSVColumns(t *testing.T) {
	if n := len(entraTestColumns()); n != 86 {
		t.Fatalf("%d columns", n)
	}
	hostile := "Eve\r\x1b]0;pwned\x07 \u202eliame\u202c <b>&"
	cases := []struct {
		name  string
		cols  []string
		row   map[string]string
		check func(t *testing.T, rec data.Record)
	}{
		{"columns in another order and case", csvReversed(csvLowered(entraTestColumns())),
			map[string]string{"date (utc)": "2023-09-07T06:03:23Z", "activity": "Invite external user", "actoruserprincipalname": "bob@contoso.com"},
			func(t *testing.T, rec data.Record) {
				if rec.OperationName != "Invite external user" || !strings.Contains(string(rec.InitiatedBy), `"bob@contoso.com"`) {
					t.Errorf("%+v", rec)
				}
			}},
		{"user without a UPN", entraTestColumns(),
			map[string]string{"Date (UTC)": "2023-09-07T06:03:23Z", "ActorType": "User", "ActorObjectId": "oid-1",
				"ActorHomeTenantId": "home-1"},
			func(t *testing.T, rec data.Record) {
				want := `{"user":{"id":"oid-1","displayName":null,"userPrincipalName":null,"ipAddress":null,"roles":[],"homeTenantId":"home-1"}}`
				if string(rec.InitiatedBy) != want {
					t.Errorf("got  %s\nwant %s", rec.InitiatedBy, want)
				}
			}},
		{"untyped actor with an IP", entraTestColumns(),
			map[string]string{"Date (UTC)": "2023-09-07T06:03:23Z", "IPAddress": "198.51.100.1"},
			func(t *testing.T, rec data.Record) {
				if !strings.HasPrefix(string(rec.InitiatedBy), `{"user":`) {
					t.Errorf("%s", rec.InitiatedBy)
				}
			}},
		{"service principal with an IP", entraTestColumns(),
			map[string]string{"Date (UTC)": "2023-09-07T06:03:23Z", "ActorType": "ServicePrincipal", "IPAddress": "198.51.100.1"},
			func(t *testing.T, rec data.Record) {
				want := `{"app":{"appId":null,"displayName":null,"servicePrincipalId":null,"servicePrincipalName":null,"ipAddress":"198.51.100.1"}}`
				if string(rec.InitiatedBy) != want {
					t.Errorf("got  %s\nwant %s", rec.InitiatedBy, want)
				}
			}},
		{"locale date", entraTestColumns(),
			map[string]string{"Date (UTC)": "9/7/2023, 6:03:23.829 AM"},
			func(t *testing.T, rec data.Record) {
				if !rec.TimeGenerated.Equal(csvUTC(2023, 9, 7, 6, 3, 23, 829e6)) {
					t.Errorf("%v", rec.TimeGenerated)
				}
			}},
		{"hostile strings kept exactly", entraTestColumns(),
			map[string]string{"Date (UTC)": "2023-09-07T06:03:23Z", "Activity": hostile, "ActorDisplayName": hostile,
				"ActorUserPrincipalName": hostile, "Target1DisplayName": hostile, "Target1ModifiedProperty2NewValue": hostile,
				"AdditionalDetail6Key": hostile, "User Agent": hostile},
			func(t *testing.T, rec data.Record) {
				if rec.OperationName != hostile {
					t.Errorf("OperationName %q", rec.OperationName)
				}
				var by struct {
					User struct{ DisplayName, UserPrincipalName string }
				}
				var targets []struct {
					DisplayName        string
					ModifiedProperties []struct{ DisplayName, NewValue *string }
				}
				var details []struct{ Key, Value string }
				if json.Unmarshal(rec.InitiatedBy, &by) != nil || by.User.DisplayName != hostile || by.User.UserPrincipalName != hostile {
					t.Errorf("InitiatedBy %s", rec.InitiatedBy)
				}
				if json.Unmarshal(rec.TargetResources, &targets) != nil || len(targets) != 1 || targets[0].DisplayName != hostile ||
					len(targets[0].ModifiedProperties) != 1 || targets[0].ModifiedProperties[0].DisplayName != nil ||
					*targets[0].ModifiedProperties[0].NewValue != hostile {
					t.Errorf("TargetResources %s", rec.TargetResources)
				}
				if json.Unmarshal(rec.AdditionalDetails, &details) != nil || len(details) != 2 || details[0].Value != hostile ||
					details[1].Key != hostile || details[1].Value != "" {
					t.Errorf("AdditionalDetails %s", rec.AdditionalDetails)
				}
				if strings.Contains(string(rec.InitiatedBy), `\u003c`) {
					t.Errorf("HTML-escaped %s", rec.InitiatedBy)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, fatal := readAllCSV(t, newEntraCSVReader(strings.NewReader(entraTestCSV(c.cols, c.row))))
			if fatal != nil || len(got) != 1 || got[0].err != nil {
				t.Fatalf("%v %+v", fatal, got)
			}
			c.check(t, got[0].rec)
		})
	}
}

func TestEntraCSVRejects(t *testing.T) {
	cols := entraTestColumns()
	good := map[string]string{"Date (UTC)": "2023-09-07T06:03:23Z", "Activity": "Add user"}
	in := "\ufeff" + entraTestCSV(cols, good) +
		"2023-09-07T06:03:24Z,too,few\r\n" +
		entraTestCSV(cols, map[string]string{"Date (UTC)": "07/09/2023 25:00"})[len(csvLine(cols)):] +
		entraTestCSV(cols, map[string]string{"Date (UTC)": ""})[len(csvLine(cols)):] +
		entraTestCSV(cols, map[string]string{"Date (UTC)": "2023-09-07T06:03:25Z", "ActorDisplayName": "multi\nline"})[len(csvLine(cols)):] +
		entraTestCSV(cols, good)[len(csvLine(cols)):]
	got, fatal := readAllCSV(t, newEntraCSVReader(strings.NewReader(in)))
	if fatal != nil {
		t.Fatal(fatal)
	}
	want := []struct {
		line   int64
		errHas string
	}{{2, ""}, {3, "the row has 3 cells, the header has 86"}, {4, `Date (UTC) "07/09/2023 25:00" is not a timestamp`},
		{5, `Date (UTC) "" is not a timestamp`}, {6, ""}, {8, ""}}
	if len(got) != len(want) {
		t.Fatalf("%d records", len(got))
	}
	for i, w := range want {
		g := got[i]
		if g.raw.Line != w.line || g.raw.Ordinal != int64(i+1) {
			t.Errorf("record %d: line %d ordinal %d", i+1, g.raw.Line, g.raw.Ordinal)
		}
		var re *RecordError
		switch {
		case w.errHas == "" && g.err != nil:
			t.Errorf("record %d: %v", i+1, g.err)
		case w.errHas != "" && (!errors.As(g.err, &re) || !strings.Contains(re.Reason, w.errHas) || re.Ordinal != int64(i+1)):
			t.Errorf("record %d: %v, want %q", i+1, g.err, w.errHas)
		}
	}

	_, fatal = readAllCSV(t, newEntraCSVReader(strings.NewReader("Date,Activity\r\n2023-09-07,x\r\n")))
	if fatal == nil || !errors.Is(fatal, ErrNotAuditLog) || !strings.Contains(fatal.Error(), `"Date (UTC)"`) {
		t.Errorf("header without Date (UTC): %v", fatal)
	}
}

func csvLowered(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = strings.ToLower(v)
	}
	return out
}

func csvReversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

// The Entra reader reads back, in Graph's shapes, what the rule needs from
// what WriteRecords writes in the download format.
func TestEntraCSVReadsWriterOutput(t *testing.T) {
	want := csvRoundTripRecords()
	var b bytes.Buffer
	if err := WriteRecords(&b, FormatEntraCSV, want); err != nil {
		t.Fatal(err)
	}
	got, fatal := readAllCSV(t, newEntraCSVReader(&b))
	if fatal != nil || len(got) != len(want) {
		t.Fatalf("%v, %d records", fatal, len(got))
	}
	type ruleView struct {
		Time                          string
		Operation, Result             string
		InviterUPN, InviterID, IP     string
		TargetUPN, TargetID, TargetDN string
		Details                       string
	}
	view := func(r data.Record) ruleView {
		var by struct {
			User struct{ ID, UserPrincipalName, IPAddress string }
		}
		var targets []struct{ ID, UserPrincipalName, DisplayName string }
		json.Unmarshal(r.InitiatedBy, &by)
		json.Unmarshal(r.TargetResources, &targets)
		v := ruleView{Time: r.TimeGenerated.Format(time.RFC3339Nano), Operation: r.OperationName, Result: r.Result,
			InviterUPN: by.User.UserPrincipalName, InviterID: by.User.ID, IP: by.User.IPAddress, Details: string(r.AdditionalDetails)}
		if len(targets) > 0 {
			v.TargetUPN, v.TargetID, v.TargetDN = targets[0].UserPrincipalName, targets[0].ID, targets[0].DisplayName
		}
		return v
	}
	for i := range want {
		if got[i].err != nil || view(got[i].rec) != view(want[i]) {
			t.Errorf("record %d: %v\n got %+v\nwant %+v", i+1, got[i].err, view(got[i].rec), view(want[i]))
		}
	}
}
