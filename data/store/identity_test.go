package store_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// auditRows renders every AuditLogs row (all canonical columns, times to
// the nanosecond) sorted, so two loads can be compared row for row.
func auditRows(t *testing.T, s *store.Store) []string {
	t.Helper()
	rows, err := s.DB().Query(`SELECT * EXCLUDE (_SourceId, _SourceRecord) FROM AuditLogs`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			if tm, ok := v.(time.Time); ok {
				v = tm.UTC().Format(time.RFC3339Nano)
			}
			fmt.Fprintf(&b, "%s=%v|", cols[i], v)
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slicesSort(out)
	return out
}

func slicesSort(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int(nil), p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

// sameRowsInEveryOrder loads files in every order, each into a new store,
// and checks that every order gives rows AuditLogs rows, the same ones to
// the 100 ns tick; check looks at each order's store and report besides.
func sameRowsInEveryOrder(t *testing.T, files []string, rows int, check func(order []string, s *store.Store, rep store.LoadReport)) {
	t.Helper()
	var want []string
	for _, perm := range permutations(len(files)) {
		var order []string
		for _, i := range perm {
			order = append(order, files[i])
		}
		s := open(t, "")
		rep := load(t, s, store.LoadOptions{Strict: true}, order...)
		got := auditRows(t, s)
		if len(got) != rows {
			t.Fatalf("order %v: %d rows, want %d\n%+v", order, len(got), rows, rep.Files)
		}
		if want == nil {
			want = got
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("order %v differs at row %d:\n got %s\nwant %s", order, i, got[i], want[i])
			}
		}
		if check != nil {
			check(order, s, rep)
		}
	}
}

// invites returns the demo tenant's invite events, which the tests below
// export in overlapping pieces.
func invites(t *testing.T) []data.Record {
	t.Helper()
	var out []data.Record
	for _, r := range demo.Tenant(1) {
		if strings.EqualFold(r.OperationName, "Invite external user") {
			out = append(out, r)
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d invites in the demo tenant", len(out))
	}
	return out
}

// The same overlapping exports give the same AuditLogs rows in every order,
// to the 100 ns tick: the 7-digit copy wins over the millisecond one
// whichever comes first, an export without Id (Entra download) adds nothing,
// a projected export (a column missing) adds nothing, and a file that holds
// a record twice holds one event.
func TestIdentityIndependentOfOrder(t *testing.T) {
	recs := invites(t)
	dir := t.TempDir()
	portal := filepath.Join(dir, "portal.csv")
	if err := store.WriteFile(portal, formats.FormatLAPortalCSV, recs[:len(recs)*2/3]); err != nil {
		t.Fatal(err)
	}
	la := filepath.Join(dir, "la.ndjson")
	if err := store.WriteFile(la, formats.FormatLANDJSON, recs[len(recs)/3:]); err != nil {
		t.Fatal(err)
	}
	entra := filepath.Join(dir, "entra.csv")
	if err := store.WriteFile(entra, formats.FormatEntraCSV, recs); err != nil {
		t.Fatal(err)
	}
	projected := make([]data.Record, 0, len(recs))
	for _, r := range recs[:len(recs)/2] {
		r.AdditionalDetails, r.TenantId, r.Resource = nil, "", ""
		projected = append(projected, r)
	}
	projected = append(projected, projected[0]) // the same record fetched twice
	graph := filepath.Join(dir, "graph.json")
	if err := store.WriteFile(graph, formats.FormatGraphArray, projected); err != nil {
		t.Fatal(err)
	}
	files := []string{portal, la, entra, graph}

	sameRowsInEveryOrder(t, files, len(recs), func(order []string, _ *store.Store, rep store.LoadReport) {
		var repeats int64
		for _, f := range rep.Files {
			repeats += f.Repeats
		}
		if repeats != 1 {
			t.Errorf("order %v: %d repeats inside a file, want 1", order, repeats)
		}
	})
	// The kept times are the 7-digit ones.
	fullPortal := filepath.Join(dir, "full-portal.csv")
	if err := store.WriteFile(fullPortal, formats.FormatLAPortalCSV, recs); err != nil {
		t.Fatal(err)
	}
	s := open(t, "")
	load(t, s, store.LoadOptions{}, fullPortal, entra, graph)
	if n := count(t, s, `SELECT count(*) FROM AuditLogs WHERE epoch_ns(TimeGenerated) % 1000000 <> 0`); n != int64(len(recs))-msExact(recs) {
		t.Errorf("%d rows finer than a millisecond, want %d: the Entra download's 7-digit copies beat the portal's", n, int64(len(recs))-msExact(recs))
	}
	s = open(t, "")
	load(t, s, store.LoadOptions{}, fullPortal, la)
	load(t, s, store.LoadOptions{}, portal)
	ms := count(t, s, `SELECT count(*) FROM AuditLogs WHERE epoch_ns(TimeGenerated) % 1000000 = 0`)
	exact := msExact(recs)
	if ms != exact+int64(len(recs)/3) {
		t.Errorf("%d rows at millisecond precision, want %d (only the events la.ndjson lacks)", ms, exact+int64(len(recs)/3))
	}
}

// msExact counts records whose time has no digits below the millisecond.
func msExact(recs []data.Record) int64 {
	var n int64
	for _, r := range recs {
		if r.TimeGenerated.Nanosecond()%1_000_000 == 0 {
			n++
		}
	}
	return n
}

// Directory order: the same files found under names that sort either way.
func TestIdentityIndependentOfDirectoryOrder(t *testing.T) {
	recs := invites(t)
	var got [][]string
	for _, names := range [][2]string{{"a.csv", "b.ndjson"}, {"b.csv", "a.ndjson"}} {
		dir := t.TempDir()
		if err := store.WriteFile(filepath.Join(dir, names[0]), formats.FormatLAPortalCSV, recs); err != nil {
			t.Fatal(err)
		}
		if err := store.WriteFile(filepath.Join(dir, names[1]), formats.FormatLANDJSON, recs); err != nil {
			t.Fatal(err)
		}
		s := open(t, "")
		load(t, s, store.LoadOptions{Strict: true}, dir)
		got = append(got, auditRows(t, s))
	}
	if strings.Join(got[0], "\n") != strings.Join(got[1], "\n") {
		t.Fatal("the rows depend on the names of the files in the directory")
	}
}

// An invite 0.5 ms inside the detection window exists only at 7 digits; the
// portal copy (milliseconds) would put it on the window's edge. Whichever
// file comes first, the event keeps its exact time.
func TestMostPreciseCopyKept(t *testing.T) {
	rec := invites(t)[0]
	rec.TimeGenerated = time.Date(2026, 10, 30, 12, 0, 0, 500_000, time.UTC) // 0.5 ms after the minute
	rec.ActivityDateTime = rec.TimeGenerated
	dir := t.TempDir()
	portal := filepath.Join(dir, "p.csv")
	la := filepath.Join(dir, "l.ndjson")
	if err := store.WriteFile(portal, formats.FormatLAPortalCSV, []data.Record{rec}); err != nil {
		t.Fatal(err)
	}
	if err := store.WriteFile(la, formats.FormatLANDJSON, []data.Record{rec}); err != nil {
		t.Fatal(err)
	}
	for _, order := range [][]string{{portal, la}, {la, portal}} {
		s := open(t, "")
		rep := load(t, s, store.LoadOptions{}, order...)
		if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != 1 {
			t.Fatalf("%v: %d events, want 1", order, n)
		}
		if n := count(t, s, `SELECT epoch_ns(TimeGenerated) % 1000000 FROM AuditLogs`); n != 500_000 {
			t.Errorf("%v: kept copy has sub-millisecond part %d ns, want 500000", order, n)
		}
		tot := rep.Totals()
		if tot.Duplicates != 1 || tot.Conflicts != 0 {
			t.Errorf("%v: totals %+v", order, tot)
		}
	}
}

// A copy that lacks a column is the same event; a copy that differs in a
// field both carry (outside any coarse fingerprint) is another record: both
// kept and reported with the other file and record.
func TestMissingFieldsAgreeDifferingFieldsConflict(t *testing.T) {
	base := invites(t)[:3]
	dir := t.TempDir()
	a := filepath.Join(dir, "a.ndjson")
	if err := store.WriteFile(a, formats.FormatLANDJSON, base); err != nil {
		t.Fatal(err)
	}
	narrow := append([]data.Record(nil), base...)
	for i := range narrow {
		narrow[i].AdditionalDetails, narrow[i].Location, narrow[i].DurationMs = nil, "", nil
	}
	b := filepath.Join(dir, "b.ndjson")
	if err := store.WriteFile(b, formats.FormatLANDJSON, narrow); err != nil {
		t.Fatal(err)
	}
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, a, b)
	if f := rep.Files[1]; f.Duplicates != 3 || f.Conflicts != 0 || f.Loaded != 0 {
		t.Fatalf("narrow copy: %+v", f)
	}

	changes := map[string]func(r *data.Record){
		"invited e-mail in AdditionalDetails": func(r *data.Record) {
			r.AdditionalDetails = json.RawMessage(`[{"key":"invitedUserEmailAddress","value":"someone.else@evil.example"}]`)
		},
		"modifiedProperties entry": func(r *data.Record) {
			r.TargetResources = json.RawMessage(strings.Replace(string(r.TargetResources), `"modifiedProperties":[`,
				`"modifiedProperties":[{"displayName":"X","oldValue":null,"newValue":"\"y\""},`, 1))
		},
		"Result": func(r *data.Record) { r.Result = "failure" },
	}
	for name, change := range changes {
		t.Run(name, func(t *testing.T) {
			rec := base[0]
			change(&rec)
			if name == "modifiedProperties entry" && !strings.Contains(string(rec.TargetResources), `"X"`) {
				t.Skip("the demo invite has no modifiedProperties to change")
			}
			c := filepath.Join(t.TempDir(), "c.json")
			if err := store.WriteFile(c, formats.FormatGraphArray, []data.Record{rec}); err != nil {
				t.Fatal(err)
			}
			s := open(t, "")
			rep := load(t, s, store.LoadOptions{}, a, c)
			if n := count(t, s, `SELECT count(*) FROM AuditLogs WHERE Id = ?`, rec.Id); n != 2 {
				t.Fatalf("%d rows with the Id, want 2 (both kept)", n)
			}
			second := rep.Files[1]
			if second.Conflicts != 1 || len(second.ConflictIn) != 1 {
				t.Fatalf("report: %+v", second)
			}
			if reason := second.ConflictIn[0].Reason; !strings.Contains(reason, a+": record 1") {
				t.Errorf("conflict %q does not name the other record", reason)
			}
			if rep.Files[0].Conflicts != 1 {
				t.Errorf("first file: %d conflicts, want 1 (it holds the other side)", rep.Files[0].Conflicts)
			}
		})
	}
}

// Dynamic columns spelled differently (member order, spacing, PascalCase,
// null members) are the same value.
func TestDynamicSpellingIsNoDisagreement(t *testing.T) {
	rec := invites(t)[0]
	dir := t.TempDir()
	a := filepath.Join(dir, "a.ndjson")
	if err := store.WriteFile(a, formats.FormatLANDJSON, []data.Record{rec}); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(rec.InitiatedBy, &v); err != nil {
		t.Fatal(err)
	}
	user := v.(map[string]any)["user"].(map[string]any)
	respelled := map[string]any{"User": map[string]any{
		"UserPrincipalName": user["userPrincipalName"], "Id": user["id"], "IpAddress": user["ipAddress"],
		"displayName": user["displayName"], "roles": user["roles"], "homeTenantId": nil,
	}}
	text, _ := json.MarshalIndent(respelled, "", "   ")
	other := rec
	other.InitiatedBy = text
	b := filepath.Join(dir, "b.ndjson")
	if err := store.WriteFile(b, formats.FormatLANDJSON, []data.Record{other}); err != nil {
		t.Fatal(err)
	}
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, a, b)
	if tot := rep.Totals(); tot.Loaded != 1 || tot.Duplicates != 1 || tot.Conflicts != 0 {
		t.Fatalf("totals %+v", tot)
	}
}

// An Entra portal download has no Id: its rows still match the Log
// Analytics copies of the same events (by correlation, time, operation,
// initiator and target) and are counted as duplicates, never doubled.
func TestEntraDownloadBesideLogAnalytics(t *testing.T) {
	all := demo.Tenant(1)
	dir := t.TempDir()
	la := writeDemo(t, dir, formats.FormatLANDJSON, all)
	entra := writeDemo(t, dir, formats.FormatEntraCSV, all[len(all)/2:])
	for _, order := range [][]string{{la, entra}, {entra, la}} {
		s := open(t, "")
		rep := load(t, s, store.LoadOptions{}, order...)
		if n := count(t, s, `SELECT count(*) FROM AuditLogs`); n != int64(len(all)) {
			t.Fatalf("%v: %d events, want %d\n%+v", order, n, len(all), rep.Files)
		}
		if n := count(t, s, `SELECT count(*) FROM AuditLogs WHERE Id = ''`); n != 0 {
			t.Errorf("%v: %d rows without Id kept, want 0 (the copies with an Id are better)", order, n)
		}
	}
}

// Sign-ins, provisioning records and other tables in a collection are
// skipped and counted by kind, never loaded, and never move the end of the
// data (the default as-of).
func TestNonAuditRecordsSkipped(t *testing.T) {
	recs := invites(t)[:5]
	last := recs[len(recs)-1].TimeGenerated
	later := last.Add(48 * time.Hour).UTC().Format("2006-01-02T15:04:05.0000000Z")
	dir := t.TempDir()

	// Log Analytics union export: native path.
	la := filepath.Join(dir, "union.ndjson")
	if err := store.WriteFile(la, formats.FormatLANDJSON, recs); err != nil {
		t.Fatal(err)
	}
	appendLines(t, la,
		`{"TimeGenerated":"`+later+`","OperationName":"Sign-in activity","Type":"SigninLogs","UserPrincipalName":"x@y"}`,
		`{"TimeGenerated":"`+later+`","OperationName":"Sign-in activity","Type":"AADNonInteractiveUserSignInLogs"}`,
		`{"TimeGenerated":"`+later+`","Type":"SomethingElse","Computer":"pc1"}`)
	// The same with one bad line, which sends it through the Go reader.
	bad := filepath.Join(dir, "union-bad.ndjson")
	body, _ := os.ReadFile(la)
	if err := os.WriteFile(bad, append(body, []byte("{not json\n")...), 0o644); err != nil {
		t.Fatal(err)
	}
	// Event Hub capture with sign-ins beside audit logs.
	diag := filepath.Join(dir, "hub.json")
	if err := store.WriteFile(diag, formats.FormatDiagRecords, recs); err != nil {
		t.Fatal(err)
	}
	hub, _ := os.ReadFile(diag)
	hubText := strings.Replace(string(hub), `{"records":[`, `{"records":[{"time":"`+later+`","category":"SignInLogs","operationName":"Sign-in activity","properties":{"id":"s1"}},`, 1)
	if hubText == string(hub) {
		t.Fatalf("unexpected envelope: %.80s", hub)
	}
	if err := os.WriteFile(diag, []byte(hubText), 0o644); err != nil {
		t.Fatal(err)
	}
	// A Graph collection file: audit records, then a signIn and a provisioning record.
	graph := filepath.Join(dir, "graph.ndjson")
	if err := store.WriteFile(graph, formats.FormatGraphNDJSON, recs); err != nil {
		t.Fatal(err)
	}
	appendLines(t, graph,
		`{"id":"si1","createdDateTime":"`+later+`","userPrincipalName":"x@y","appDisplayName":"Teams","status":{"errorCode":0}}`,
		`{"id":"pr1","activityDateTime":"`+later+`","jobId":"j","cycleId":"c","provisioningAction":"create"}`)

	cases := []struct {
		path string
		want map[string]int64
		via  string
	}{
		{la, map[string]int64{"SigninLogs": 1, "AADNonInteractiveUserSignInLogs": 1, "SomethingElse": 1}, "duckdb"},
		{bad, map[string]int64{"SigninLogs": 1, "AADNonInteractiveUserSignInLogs": 1, "SomethingElse": 1}, "go"},
		{diag, map[string]int64{"SignInLogs": 1}, "go"},
		{graph, map[string]int64{"signIns": 1, "provisioning": 1}, "go"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			s := open(t, "")
			rep := load(t, s, store.LoadOptions{}, c.path)
			f := rep.Files[0]
			if f.Via != c.via {
				t.Errorf("via %s, want %s", f.Via, c.via)
			}
			if f.Loaded != int64(len(recs)) {
				t.Errorf("loaded %d, want %d", f.Loaded, len(recs))
			}
			for kind, n := range c.want {
				if f.Skipped[kind] != n {
					t.Errorf("skipped %v, want %v", f.Skipped, c.want)
				}
			}
			if !f.To.Equal(last) {
				t.Errorf("data ends %v, want %v: skipped records moved it", f.To, last)
			}
			sum, err := s.Summary(t.Context())
			if err != nil || !sum.To.Equal(last) || sum.Events != int64(len(recs)) {
				t.Errorf("summary %+v %v", sum, err)
			}
			var text strings.Builder
			rep.WriteText(&text, func(s string) string { return s })
			if !strings.Contains(text.String(), "not audit events") {
				t.Errorf("report does not say what was skipped:\n%s", text.String())
			}
		})
	}
}

// A file with nothing but sign-ins gets an error naming it.
func TestFileWithoutAuditEvents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signins.ndjson")
	appendLines(t, path,
		`{"TimeGenerated":"2026-10-01T00:00:00Z","OperationName":"Sign-in activity","Type":"SigninLogs"}`,
		`{"TimeGenerated":"2026-10-01T00:00:01Z","OperationName":"Sign-in activity","Type":"SigninLogs"}`)
	s := open(t, "")
	rep := load(t, s, store.LoadOptions{}, path)
	f := rep.Files[0]
	if !strings.Contains(f.Error, "no audit events") || !strings.Contains(f.Error, "2 SigninLogs records") {
		t.Fatalf("error %q", f.Error)
	}
	if _, err := s.Load(t.Context(), []string{path}, store.LoadOptions{Strict: true}); err == nil {
		t.Error("strict load of a file without audit events succeeded")
	}
}

func appendLines(t *testing.T, path string, lines ...string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, l := range lines {
		if _, err := f.WriteString(l + "\n"); err != nil {
			t.Fatal(err)
		}
	}
}
