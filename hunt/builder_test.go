package hunt

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
)

// asOfT is the as-of instant most tests run at.
func asOfT() time.Time { return time.Date(2026, 10, 15, 12, 0, 0, 0, time.UTC) }

const day = 24 * time.Hour

// at is T minus d (plus an optional offset), the way the rule's ago() counts.
func ago(d time.Duration) time.Time { return asOfT().Add(-d) }

// fixedParams runs the default rule as of asOfT.
func fixedParams() Params {
	p := DefaultParams()
	p.AsOf = AsOf{Mode: AsOfFixed, At: asOfT()}
	return p
}

// recordOpt adjusts a test record.
type recordOpt func(*data.Record)

func withResult(r string) recordOpt    { return func(x *data.Record) { x.Result = r } }
func withOperation(o string) recordOpt { return func(x *data.Record) { x.OperationName = o } }
func withID(id string) recordOpt       { return func(x *data.Record) { x.Id = id } }
func withInitiatedBy(j string) recordOpt {
	return func(x *data.Record) { x.InitiatedBy = rawOrNil(j) }
}
func withTargets(j string) recordOpt { return func(x *data.Record) { x.TargetResources = rawOrNil(j) } }
func withDetails(j string) recordOpt {
	return func(x *data.Record) { x.AdditionalDetails = rawOrNil(j) }
}
func withTarget(upn string) recordOpt {
	return withTargets(fmt.Sprintf(`[{"id":"guest-%s","type":"User","userPrincipalName":%q}]`, upn, upn))
}
func withIP(ip string) recordOpt {
	return func(x *data.Record) {
		var ib map[string]map[string]any
		if err := json.Unmarshal(x.InitiatedBy, &ib); err == nil && ib["user"] != nil {
			ib["user"]["ipAddress"] = ip
			x.InitiatedBy, _ = json.Marshal(ib)
		}
	}
}

func rawOrNil(j string) json.RawMessage {
	if j == "" {
		return nil
	}
	return json.RawMessage(j)
}

// userBy is InitiatedBy for a user with that UPN.
func userBy(upn string) string {
	return fmt.Sprintf(`{"user":{"id":"id-%s","displayName":"someone","userPrincipalName":%q,"ipAddress":"10.0.0.1","roles":[]}}`, upn, upn)
}

// invite is a successful "Invite external user" by upn at t, to a guest.
func invite(upn string, t time.Time, opts ...recordOpt) data.Record {
	r := data.Record{
		TenantId:            "tenant-1",
		SourceSystem:        "Azure AD",
		TimeGenerated:       t,
		ResourceId:          "/tenants/t1/providers/Microsoft.aadiam",
		OperationName:       "Invite external user",
		OperationVersion:    "1.0",
		Category:            "UserManagement",
		CorrelationId:       "corr",
		Resource:            "Microsoft.aadiam",
		ResourceProvider:    "Microsoft.aadiam",
		Identity:            "someone",
		Level:               "4",
		AdditionalDetails:   json.RawMessage(`[{"key":"invitedUserEmailAddress","value":"guest@example.org"}]`),
		InitiatedBy:         json.RawMessage(userBy(upn)),
		LoggedByService:     "Invited Users",
		Result:              "success",
		TargetResources:     json.RawMessage(`[{"id":"guest-id","type":"User","userPrincipalName":"guest_example.org#EXT#@contoso.onmicrosoft.com"}]`),
		AADTenantId:         "tenant-1",
		ActivityDisplayName: "Invite external user",
		ActivityDateTime:    t,
		AADOperationType:    "Invite",
		Type:                "AuditLogs",
	}
	for _, o := range opts {
		o(&r)
	}
	return r
}

// other is another operation initiated by upn.
func other(upn string, t time.Time, op string) data.Record {
	return invite(upn, t, withOperation(op), withDetails(""))
}

// newEngine loads recs into a fresh in-memory store, giving every record
// without an Id a unique one (the store drops repeated Ids as duplicates).
func newEngine(t testing.TB, recs ...data.Record) *Engine {
	t.Helper()
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := NewEngine(st)
	loadInto(t, e, "fixture", recs...)
	return e
}

func loadInto(t testing.TB, e *Engine, name string, recs ...data.Record) {
	t.Helper()
	recs = append([]data.Record(nil), recs...)
	for i := range recs {
		if recs[i].Id == "" {
			recs[i].Id = fmt.Sprintf("%s_%05d", name, i)
		}
	}
	if len(recs) == 0 {
		return
	}
	fr, err := e.store.LoadRecords(context.Background(), name, recs)
	if err != nil {
		t.Fatal(err)
	}
	if fr.Rejected != 0 || fr.Duplicates != 0 || fr.Error != "" {
		t.Fatalf("fixture load: %+v", fr)
	}
}

func mustRun(t testing.TB, e *Engine, p Params) *Result {
	t.Helper()
	res, err := e.Run(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ids lists the Id of every alert row, in order.
func ids(rows []Alert) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Id
	}
	return out
}

func auditLogsNames() []string { return data.AuditLogsColumnNames() }

// equalValue compares test values: times by instant, slices by content.
func equalValue(got, want any) bool {
	switch w := want.(type) {
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	case []string:
		g, ok := got.([]string)
		return ok && fmt.Sprint(g) == fmt.Sprint(w) && len(g) == len(w)
	}
	return got == want
}
