package hunt

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

const tick = data.Tick

// TestRuleSemantics has one case per row of SEMANTICS.md (and the 100 ns
// boundaries around each interval end). Alerts are named by record Id.
func TestRuleSemantics(t *testing.T) {
	const alice, bob = "alice@contoso.com", "bob@contoso.com"
	fold := func(p *Params) { p.FoldCase = true }
	cases := []struct {
		name   string
		recs   []data.Record
		params func(*Params)
		want   []string
	}{
		{"new inviter in window", []data.Record{invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},
		{"inviter known from baseline", []data.Record{
			invite(alice, ago(5*day)), invite(alice, ago(time.Hour), withID("w"))}, nil, nil},
		{"one row per invite event", []data.Record{
			invite(alice, ago(3*time.Hour), withID("w1")), invite(alice, ago(2*time.Hour), withID("w2")),
			invite(bob, ago(time.Hour), withID("w3"))}, nil, []string{"w1", "w2", "w3"}},

		// between(ago(14d)..ago(1d)) is inclusive at both ends, at 100 ns.
		{"baseline invite exactly at T-14d counts", []data.Record{
			invite(alice, ago(14*day)), invite(alice, ago(time.Hour), withID("w"))}, nil, nil},
		{"baseline invite 100ns before T-14d does not count", []data.Record{
			invite(alice, ago(14*day+tick)), invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},
		{"baseline invite 100ns after T-14d counts", []data.Record{
			invite(alice, ago(14*day-tick)), invite(alice, ago(time.Hour), withID("w"))}, nil, nil},
		{"baseline invite exactly at T-1d counts", []data.Record{
			invite(alice, ago(day)), invite(alice, ago(time.Hour), withID("w"))}, nil, nil},
		{"baseline invite 100ns before T-1d counts", []data.Record{
			invite(alice, ago(day+tick)), invite(alice, ago(time.Hour), withID("w"))}, nil, nil},

		// > ago(1d) is strict; events after T did not exist yet.
		{"invite exactly at T-1d is not in the window", []data.Record{invite(alice, ago(day), withID("w"))}, nil, nil},
		{"invite 100ns after T-1d is in the window", []data.Record{invite(alice, ago(day-tick), withID("w"))}, nil, []string{"w"}},
		{"invite exactly at T is in the window", []data.Record{invite(alice, ago(0), withID("w"))}, nil, []string{"w"}},
		{"invite 100ns after T is excluded", []data.Record{invite(alice, ago(-tick), withID("w"))}, nil, nil},
		{"baseline invite after T does not count", []data.Record{
			invite(alice, ago(-time.Hour)), invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},

		// OperationName =~ "Invite external user": ASCII case-insensitive equality.
		{"operation in other ASCII case matches", []data.Record{
			invite(alice, ago(time.Hour), withID("w"), withOperation("invite EXTERNAL user"))}, nil, []string{"w"}},
		{"operation with reset invitation status is not an invite", []data.Record{
			invite(alice, ago(time.Hour), withOperation("Invite external user with reset invitation status"))}, nil, nil},
		{"operation with trailing space is not an invite", []data.Record{
			invite(alice, ago(time.Hour), withOperation("Invite external user "))}, nil, nil},
		{"operation with a non-ASCII lookalike (İ) is not an invite", []data.Record{
			invite(alice, ago(time.Hour), withOperation("İnvite external user"))}, nil, nil},
		{"baseline reset-status invite does not make the inviter known", []data.Record{
			invite(alice, ago(5*day), withOperation("Invite external user with reset invitation status")),
			invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},
		{"baseline lookalike operation does not make the inviter known", []data.Record{
			invite(alice, ago(5*day), withOperation("İNVITE EXTERNAL USER")),
			invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},
		{"baseline operation in other case makes the inviter known", []data.Record{
			invite(alice, ago(5*day), withOperation("INVITE EXTERNAL USER")),
			invite(alice, ago(time.Hour), withID("w"))}, nil, nil},
		{"other operations in the baseline do not count", []data.Record{
			other(alice, ago(5*day), "Add user"), other(alice, ago(4*day), "Redeem external user invite"),
			invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},

		// Result =~ "success".
		{"Result in other case matches", []data.Record{
			invite(alice, ago(time.Hour), withID("w1"), withResult("Success")),
			invite(bob, ago(time.Hour), withID("w2"), withResult("SUCCESS"))}, nil, []string{"w1", "w2"}},
		{"failed and timed-out invites are not alerts", []data.Record{
			invite(alice, ago(time.Hour), withResult("failure")), invite(bob, ago(time.Hour), withResult("timeout")),
			invite(bob, ago(time.Hour), withResult("success "))}, nil, nil},
		{"a failed baseline invite does not count", []data.Record{
			invite(alice, ago(5*day), withResult("failure")), invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},
		{"a successful baseline invite counts whatever else failed", []data.Record{
			invite(alice, ago(6*day), withResult("failure")), invite(alice, ago(5*day), withResult("Success")),
			invite(alice, ago(time.Hour), withID("w"))}, nil, nil},

		// The inviter UPN: tostring(parse_json(tostring(InitiatedBy.user)).userPrincipalName).
		{"app-initiated invite has no inviter", []data.Record{
			invite(alice, ago(time.Hour), withInitiatedBy(`{"app":{"appId":"a1","displayName":"Portal","servicePrincipalId":"sp"}}`))}, nil, nil},
		{"user with null, empty or missing UPN has no inviter", []data.Record{
			invite(alice, ago(time.Hour), withInitiatedBy(`{"user":{"id":"u1","userPrincipalName":null}}`)),
			invite(alice, ago(time.Hour), withInitiatedBy(`{"user":{"id":"u1","userPrincipalName":""}}`)),
			invite(alice, ago(time.Hour), withInitiatedBy(`{"user":{"id":"u1"}}`)),
			invite(alice, ago(time.Hour), withInitiatedBy(`{"user":null}`))}, nil, nil},
		{"InitiatedBy null or a JSON string has no inviter", []data.Record{
			invite(alice, ago(time.Hour), withInitiatedBy("")),
			invite(alice, ago(time.Hour), withInitiatedBy(`"{\"user\":{\"userPrincipalName\":\"alice@contoso.com\"}}"`)),
			invite(alice, ago(time.Hour), withInitiatedBy(`"not json at all"`))}, nil, nil},
		{"InitiatedBy.user as JSON text is parsed by parse_json", []data.Record{
			invite(alice, ago(time.Hour), withID("w"),
				withInitiatedBy(`{"user":"{\"userPrincipalName\":\"alice@contoso.com\",\"id\":\"u1\"}"}`))}, nil, []string{"w"}},
		{"InitiatedBy.user as non-JSON text has no inviter", []data.Record{
			invite(alice, ago(time.Hour), withInitiatedBy(`{"user":"alice@contoso.com"}`))}, nil, nil},
		{"a user-less baseline invite does not make anyone known", []data.Record{
			invite(alice, ago(5*day), withInitiatedBy(`{"app":{"displayName":"x"}}`)),
			invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},

		// summarize by + !in: case-sensitive unless fold-case.
		{"case variant in baseline does not suppress (!in is case-sensitive)", []data.Record{
			invite("Alice@Contoso.com", ago(5*day)), invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},
		{"case variant in baseline suppresses with fold-case", []data.Record{
			invite("Alice@Contoso.com", ago(5*day)), invite(alice, ago(time.Hour), withID("w"))}, fold, nil},
		{"case variants in the window are separate inviters", []data.Record{
			invite("Alice@Contoso.com", ago(2*time.Hour), withID("w1")), invite(alice, ago(time.Hour), withID("w2"))},
			nil, []string{"w1", "w2"}},
		{"another inviter's baseline does not help", []data.Record{
			invite(bob, ago(5*day)), invite(alice, ago(time.Hour), withID("w"))}, nil, []string{"w"}},

		// Baseline no longer than the window: an empty or one-instant interval.
		{"baseline shorter than the window matches nothing", []data.Record{
			invite(alice, ago(day)), invite(alice, ago(time.Hour), withID("w"))},
			func(p *Params) { p.Baseline = 12 * time.Hour }, []string{"w"}},
		{"baseline equal to the window is the instant T-window", []data.Record{
			invite(alice, ago(day)), invite(alice, ago(time.Hour), withID("w1")),
			invite(bob, ago(day+tick)), invite(bob, ago(time.Hour), withID("w2"))},
			func(p *Params) { p.Baseline = day }, []string{"w2"}},
		{"other window and baseline lengths", []data.Record{
			invite(alice, ago(40*time.Hour)), invite(alice, ago(30*time.Hour), withID("w1")),
			invite(bob, ago(37*time.Hour)), invite(bob, ago(35*time.Hour), withID("w2"))},
			func(p *Params) { p.Window = 36 * time.Hour; p.Baseline = 38 * time.Hour }, []string{"w1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := fixedParams()
			if c.params != nil {
				c.params(&p)
			}
			res := mustRun(t, newEngine(t, c.recs...), p)
			if got := ids(res.Rows); !slices.Equal(got, c.want) && (len(got) > 0 || len(c.want) > 0) {
				t.Errorf("alerts %v, want %v", got, c.want)
			}
		})
	}
}

func TestRuleOutputColumns(t *testing.T) {
	dur := int64(42)
	base := invite("carol@contoso.com", ago(time.Hour), func(r *data.Record) { r.DurationMs = &dur })
	cases := []struct {
		name string
		rec  data.Record
		want func(a Alert) []string // got values, in the order of wantVals
		vals []string
	}{
		{"inviter columns", invite("carol@contoso.com", ago(time.Hour), withIP("192.0.2.7")),
			func(a Alert) []string {
				return []string{a.InitiatingUserPrincipalName, a.InitiatingAadUserId, a.InitiatingIPAddress,
					a.InvitingUser, a.InitiatingAccountName, a.InitiatingAccountUPNSuffix}
			},
			[]string{"carol@contoso.com", "id-carol@contoso.com", "192.0.2.7", "carol@contoso.com", "carol", "contoso.com"}},
		{"missing id and ip give empty strings", invite("carol@contoso.com", ago(time.Hour),
			withInitiatedBy(`{"user":{"userPrincipalName":"carol@contoso.com","ipAddress":null}}`)),
			func(a Alert) []string { return []string{a.InitiatingAadUserId, a.InitiatingIPAddress} },
			[]string{"", ""}},
		{"number values are tostring'd as text", invite("carol@contoso.com", ago(time.Hour),
			withInitiatedBy(`{"user":{"userPrincipalName":12345,"id":7.0,"ipAddress":1.5}}`)),
			func(a Alert) []string {
				return []string{a.InitiatingUserPrincipalName, a.InitiatingAadUserId, a.InitiatingIPAddress}
			},
			[]string{"12345", "7", "1.5"}},
		{"user as JSON text: the UPN is parsed, id and ip are not (no parse_json there)", invite("carol@contoso.com", ago(time.Hour),
			withInitiatedBy(`{"user":"{\"userPrincipalName\":\"carol@contoso.com\",\"id\":\"u1\",\"ipAddress\":\"192.0.2.1\"}"}`)),
			func(a Alert) []string {
				return []string{a.InitiatingUserPrincipalName, a.InitiatingAadUserId, a.InitiatingIPAddress}
			},
			[]string{"carol@contoso.com", "", ""}},
		{"UPN without @", invite("nodomain", ago(time.Hour)),
			func(a Alert) []string { return []string{a.InitiatingAccountName, a.InitiatingAccountUPNSuffix} },
			[]string{"nodomain", ""}},
		{"UPN with two @", invite("a@b.com@c.com", ago(time.Hour)),
			func(a Alert) []string { return []string{a.InitiatingAccountName, a.InitiatingAccountUPNSuffix} },
			[]string{"a", "b.com"}},
		{"guest target", invite("carol@contoso.com", ago(time.Hour), withTarget("dave_gmail.com#EXT#@contoso.onmicrosoft.com")),
			func(a Alert) []string {
				return []string{a.TargetUserPrincipalName, a.TargetAadUserId, a.InvitedUserPrincipalName,
					a.TargetAccountName, a.TargetAccountUPNSuffix}
			},
			[]string{"dave_gmail.com#EXT#@contoso.onmicrosoft.com", "guest-dave_gmail.com#EXT#@contoso.onmicrosoft.com",
				"dave_gmail.com#EXT#@contoso.onmicrosoft.com", "dave_gmail.com#EXT#", "contoso.onmicrosoft.com"}},
		{"empty TargetResources still gives a row", invite("carol@contoso.com", ago(time.Hour), withTargets(`[]`)),
			func(a Alert) []string {
				return []string{a.TargetUserPrincipalName, a.TargetAadUserId, a.TargetAccountName, a.TargetAccountUPNSuffix}
			},
			[]string{"", "", "", ""}},
		{"null TargetResources", invite("carol@contoso.com", ago(time.Hour), withTargets("")),
			func(a Alert) []string { return []string{a.TargetUserPrincipalName, a.TargetAadUserId} },
			[]string{"", ""}},
		{"TargetResources not an array", invite("carol@contoso.com", ago(time.Hour), withTargets(`{"id":"x","userPrincipalName":"y"}`)),
			func(a Alert) []string { return []string{a.TargetUserPrincipalName, a.TargetAadUserId} },
			[]string{"", ""}},
		{"TargetResources as a JSON string", invite("carol@contoso.com", ago(time.Hour),
			withTargets(`"[{\"id\":\"x\",\"userPrincipalName\":\"y@z.com\"}]"`)),
			func(a Alert) []string { return []string{a.TargetUserPrincipalName, a.TargetAadUserId} },
			[]string{"", ""}},
		{"only the first target counts", invite("carol@contoso.com", ago(time.Hour),
			withTargets(`[{"type":"User"},{"id":"second","userPrincipalName":"second@x.com"}]`)),
			func(a Alert) []string { return []string{a.TargetUserPrincipalName, a.TargetAadUserId} },
			[]string{"", ""}},
		{"plain AuditLogs columns are copied", base,
			func(a Alert) []string {
				return []string{a.TenantId, a.Category, a.LoggedByService, a.Type, a.Level,
					a.ActivityDateTime.Format(time.RFC3339Nano), a.TimeGenerated.Format(time.RFC3339Nano)}
			},
			[]string{"tenant-1", "UserManagement", "Invited Users", "AuditLogs", "4",
				ago(time.Hour).Format(time.RFC3339Nano), ago(time.Hour).Format(time.RFC3339Nano)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustRun(t, newEngine(t, c.rec), fixedParams())
			if len(res.Rows) != 1 {
				t.Fatalf("%d rows, want 1", len(res.Rows))
			}
			if got := c.want(res.Rows[0]); !slices.Equal(got, c.vals) {
				t.Errorf("got %q\nwant %q", got, c.vals)
			}
		})
	}

	res := mustRun(t, newEngine(t, base), fixedParams())
	a := res.Rows[0]
	if a.DurationMs == nil || *a.DurationMs != 42 {
		t.Errorf("DurationMs %v", a.DurationMs)
	}
	for name, pair := range map[string][2]json.RawMessage{
		"InitiatedBy":       {a.InitiatedBy, base.InitiatedBy},
		"TargetResources":   {a.TargetResources, base.TargetResources},
		"AdditionalDetails": {a.AdditionalDetails, base.AdditionalDetails},
	} {
		if !sameJSON(pair[0], pair[1]) {
			t.Errorf("%s = %s, want %s", name, pair[0], pair[1])
		}
	}
	if a.SourceID == 0 || a.SourceRecord != 1 {
		t.Errorf("provenance %d/%d", a.SourceID, a.SourceRecord)
	}
}

func sameJSON(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

func TestRunOrderAndWindows(t *testing.T) {
	e := newEngine(t,
		invite("b@x.com", ago(time.Hour), withID("late")),
		invite("a@x.com", ago(3*time.Hour), withID("early")),
		invite("c@x.com", ago(time.Hour), withID("late2")),
	)
	res := mustRun(t, e, fixedParams())
	if got := ids(res.Rows); !slices.Equal(got, []string{"early", "late", "late2"}) {
		t.Errorf("order %v", got)
	}
	if !res.AsOf.Equal(asOfT()) || !res.BaselineFrom.Equal(ago(14*day)) || !res.BaselineTo.Equal(ago(day)) ||
		!res.WindowFrom.Equal(ago(day)) || !res.WindowTo.Equal(asOfT()) {
		t.Errorf("windows %+v", res)
	}
	if res.Matching != MatchingExact {
		t.Errorf("matching %q", res.Matching)
	}
	p := fixedParams()
	p.FoldCase = true
	if res := mustRun(t, e, p); res.Matching != MatchingFoldCase {
		t.Errorf("fold-case matching %q", res.Matching)
	}
}

func TestAsOfModes(t *testing.T) {
	latest := asOfT().Add(5 * time.Minute)
	recs := []data.Record{
		invite("known@x.com", ago(3*day), withID("first")),
		invite("known@x.com", ago(2*time.Hour), withID("known-w")),
		invite("new@x.com", ago(2*time.Hour), withID("new-w")),
		invite("known@x.com", ago(2*day), withID("old")),
		other("admin@x.com", latest, "Update user"), // the latest event of all, not an invite
		invite("after@x.com", asOfT().Add(time.Minute), withID("after")),
	}
	e := newEngine(t, recs...)
	e.now = func() time.Time { return asOfT().Add(12*time.Hour + 7) }
	cases := []struct {
		name   string
		asOf   AsOf
		wantAt time.Time
		want   []string
	}{
		{"latest event of any kind", AsOf{Mode: AsOfLatest}, latest, []string{"new-w", "after"}},
		{"fixed instant ignores later events", AsOf{Mode: AsOfFixed, At: asOfT()}, asOfT(), []string{"new-w"}},
		{"fixed instant earlier still", AsOf{Mode: AsOfFixed, At: ago(3*day - time.Hour)}, ago(3*day - time.Hour), []string{"first"}},
		{"now truncated to ticks", AsOf{Mode: AsOfNow}, asOfT().Add(12 * time.Hour), []string{"new-w", "after"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultParams()
			p.AsOf = c.asOf
			res := mustRun(t, e, p)
			if !res.AsOf.Equal(c.wantAt) {
				t.Errorf("as-of %v, want %v", res.AsOf, c.wantAt)
			}
			if got := ids(res.Rows); !slices.Equal(got, c.want) {
				t.Errorf("alerts %v, want %v", got, c.want)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	empty := newEngine(t)
	if _, err := empty.Run(context.Background(), DefaultParams()); !errors.Is(err, ErrNoData) {
		t.Errorf("latest on empty store: %v", err)
	}
	res := mustRun(t, empty, fixedParams())
	if len(res.Rows) != 0 || res.Coverage.BaselineCovered || res.Coverage.Note == "" {
		t.Errorf("empty store: %+v", res.Coverage)
	}
	p := fixedParams()
	p.Window = 0
	if _, err := empty.Run(context.Background(), p); err == nil {
		t.Error("zero window accepted")
	}
	p = fixedParams()
	p.AsOf.At = time.Date(2500, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := empty.Run(context.Background(), p); err == nil {
		t.Error("as-of beyond TIMESTAMP_NS accepted")
	}
}

// TestCacheFollowsLoads checks that loading more data after a run is seen
// by the next run (the invite cache is rebuilt for the new generation).
func TestCacheFollowsLoads(t *testing.T) {
	e := newEngine(t, invite("alice@x.com", ago(time.Hour), withID("w")))
	if got := ids(mustRun(t, e, fixedParams()).Rows); !slices.Equal(got, []string{"w"}) {
		t.Fatalf("first run %v", got)
	}
	loadInto(t, e, "second", invite("alice@x.com", ago(3*day), withID("baseline")),
		invite("bob@x.com", ago(2*time.Hour), withID("w2")))
	if got := ids(mustRun(t, e, fixedParams()).Rows); !slices.Equal(got, []string{"w2"}) {
		t.Errorf("after second load %v", got)
	}
	var n int
	if err := e.store.DB().QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE starts_with(table_name, '_hunt_invites_')`).Scan(&n); err != nil || n != 1 {
		t.Errorf("cache tables: %d (%v), want 1", n, err)
	}
	// A second engine on the same store reuses the table.
	e2 := NewEngine(e.store)
	if got := ids(mustRun(t, e2, fixedParams()).Rows); !slices.Equal(got, []string{"w2"}) {
		t.Errorf("second engine %v", got)
	}
}
