package demo

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

func TestTenantIsDeterministic(t *testing.T) {
	a, b := Tenant(1), Tenant(1)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different records")
	}
	if reflect.DeepEqual(a, Tenant(2)) {
		t.Fatal("different seeds gave identical records")
	}
}

var eventIDPattern = regexp.MustCompile(`^(Directory|Invited Users|B2B Auth)_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}_[A-Z]{5}_\d{8}$`)

func TestTenantShape(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		recs := Tenant(seed)
		if n := len(recs); n < 2000 || n > 6000 {
			t.Errorf("seed %d: %d records, want 2000-6000", seed, n)
		}
		first, last := recs[0].TimeGenerated, recs[len(recs)-1].TimeGenerated
		if !last.Equal(End()) || first.Before(Start()) {
			t.Errorf("seed %d: span %s .. %s, want within %s .. %s ending at the end", seed, first, last, Start(), End())
		}
		if span := last.Sub(first); span < 35*24*time.Hour {
			t.Errorf("seed %d: span %s, want at least 35 days", seed, span)
		}
		ids := map[string]bool{}
		for i, r := range recs {
			if i > 0 && r.TimeGenerated.Before(recs[i-1].TimeGenerated) {
				t.Fatalf("seed %d: record %d out of order", seed, i)
			}
			if !r.TimeGenerated.Equal(data.ToTick(r.TimeGenerated)) || !r.ActivityDateTime.Equal(r.TimeGenerated) {
				t.Errorf("record %s: times %s / %s", r.Id, r.TimeGenerated, r.ActivityDateTime)
			}
			if ids[r.Id] {
				t.Errorf("seed %d: duplicate Id %s", seed, r.Id)
			}
			ids[r.Id] = true
			if !eventIDPattern.MatchString(r.Id) || !strings.Contains(r.Id, r.CorrelationId) {
				t.Errorf("Id %q does not look like Entra's (correlation %s)", r.Id, r.CorrelationId)
			}
			if r.TenantId != WorkspaceID || r.AADTenantId != AADTenantID || r.Type != "AuditLogs" || r.Level != "4" ||
				r.SourceSystem != "Azure AD" || r.OperationVersion != "1.0" || r.ResultSignature != "None" ||
				r.Resource != "Microsoft.aadiam" || r.ResourceGroup != "Microsoft.aadiam" ||
				r.ResourceId != "/tenants/"+AADTenantID+"/providers/Microsoft.aadiam" ||
				r.DurationMs == nil || *r.DurationMs != 0 || r.ActivityDisplayName != r.OperationName ||
				r.Category == "" || r.LoggedByService == "" || r.AADOperationType == "" || r.Result == "" {
				t.Errorf("record %s: fixed columns not filled: %+v", r.Id, r)
			}
			for _, dyn := range []json.RawMessage{r.InitiatedBy, r.TargetResources, r.AdditionalDetails} {
				if !json.Valid(dyn) {
					t.Errorf("record %s: invalid dynamic %s", r.Id, dyn)
				}
			}
		}
	}
}

// auditView is the part of a record the invite checks need.
type auditView struct {
	InitiatedBy struct {
		User *struct {
			ID  *string `json:"id"`
			UPN string  `json:"userPrincipalName"`
			IP  *string `json:"ipAddress"`
		} `json:"user"`
		App *struct {
			DisplayName string `json:"displayName"`
		} `json:"app"`
	}
	Targets []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		UPN  string `json:"userPrincipalName"`
	}
	Details []struct{ Key, Value string }
}

func view(t *testing.T, r data.Record) auditView {
	t.Helper()
	var v auditView
	if err := json.Unmarshal(r.InitiatedBy, &v.InitiatedBy); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(r.TargetResources, &v.Targets); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(r.AdditionalDetails, &v.Details); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v auditView) inviter() string {
	switch {
	case v.InitiatedBy.User != nil:
		return v.InitiatedBy.User.UPN
	case v.InitiatedBy.App != nil:
		return "app:" + v.InitiatedBy.App.DisplayName
	}
	return ""
}

func (v auditView) detail(key string) string {
	for _, d := range v.Details {
		if d.Key == key {
			return d.Value
		}
	}
	return ""
}

func TestTenantInvitesLookReal(t *testing.T) {
	recs := Tenant(1)
	addUser := map[string]bool{}
	for _, r := range recs {
		if r.OperationName == "Add user" {
			addUser[r.CorrelationId] = true
		}
	}
	var invites, redeems, portalUpdates, sponsors int
	for _, r := range recs {
		v := view(t, r)
		switch r.OperationName {
		case "Invite external user":
			invites++
			if r.LoggedByService != "Invited Users" || r.Category != "UserManagement" || r.AADOperationType != "Add" {
				t.Errorf("invite %s: service/category/type %s/%s/%s", r.Id, r.LoggedByService, r.Category, r.AADOperationType)
			}
			email := v.detail("invitedUserEmailAddress")
			if email == "" {
				t.Errorf("invite %s without invitedUserEmailAddress", r.Id)
			}
			if len(v.Targets) == 0 {
				continue // case h
			}
			if want := strings.ReplaceAll(email, "@", "_") + "#EXT#@" + TenantDomain; v.Targets[0].UPN != want || v.Targets[0].Type != "User" {
				t.Errorf("invite %s: target %+v, want UPN %s", r.Id, v.Targets[0], want)
			}
			if r.Result == "success" && !addUser[r.CorrelationId] {
				t.Errorf("successful invite %s has no Add user with its correlation id", r.Id)
			}
		case "Redeem external user invite":
			redeems++
			u := v.InitiatedBy.User
			if r.LoggedByService != "B2B Auth" || u == nil || u.ID != nil || !strings.Contains(u.UPN, "@") || strings.Contains(u.UPN, "#EXT#") {
				t.Errorf("redeem %s: %s %s", r.Id, r.LoggedByService, r.InitiatedBy)
			}
		case "Add user sponsor":
			sponsors++
		case "Update user":
			if r.Identity == "Microsoft Invitation Acceptance Portal" {
				portalUpdates++
			}
		}
	}
	if invites < 30 || redeems < 15 || sponsors < 10 || portalUpdates != redeems {
		t.Errorf("invites %d, redeems %d, sponsors %d, portal updates %d", invites, redeems, sponsors, portalUpdates)
	}
	ops := map[string]int{}
	for _, r := range recs {
		ops[r.OperationName]++
	}
	for _, op := range []string{"Update user", "Add member to group", "Remove member from group", "Update application",
		"Add app role assignment to service principal", "Reset user password", "Consent to application"} {
		if ops[op] < 20 {
			t.Errorf("only %d %q", ops[op], op)
		}
	}
}

// caseInviter is the key the tests group cases by.
func caseInviter(c Case) string {
	if c.InviterApp != "" {
		return "app:" + c.InviterApp
	}
	return c.InviterUPN
}

func TestCasesArePlanted(t *testing.T) {
	recs := Tenant(1)
	windowStart := End().Add(-24 * time.Hour)
	type key struct{ inviter, op string }
	want := map[key]int{}
	for _, c := range Cases() {
		want[key{caseInviter(c), c.Operation}] += c.Invites
	}
	got := map[key]int{}
	for _, r := range recs {
		if !r.TimeGenerated.After(windowStart) || !strings.HasPrefix(r.OperationName, "Invite external user") {
			continue
		}
		got[key{view(t, r).inviter(), r.OperationName}]++
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("invites in the last day:\n got %v\nwant %v", got, want)
	}
	hostile := false
	for _, r := range recs {
		if strings.Contains(string(r.TargetResources), `\u001b[31m`) && strings.Contains(string(r.TargetResources), "\u202E") &&
			strings.Contains(string(r.TargetResources), "\u200B") {
			hostile = true
		}
	}
	if !hostile {
		t.Error("no target with an ANSI escape, RLO and zero-width space")
	}
}

// ruleRows counts, per inviter UPN, the rows the Sentinel rule returns at
// as-of End(): a plain re-statement of the KQL, for checking the plant.
func ruleRows(t *testing.T, recs []data.Record, baseline time.Duration, foldCase bool) map[string]int {
	t.Helper()
	asOf := End()
	norm := func(s string) string {
		if foldCase {
			return strings.ToLower(s)
		}
		return s
	}
	isInvite := func(r data.Record) (string, bool) {
		if !strings.EqualFold(r.OperationName, "Invite external user") || !strings.EqualFold(r.Result, "success") {
			return "", false
		}
		u := view(t, r).InitiatedBy.User
		if u == nil || u.UPN == "" {
			return "", false
		}
		return u.UPN, true
	}
	known := map[string]bool{}
	for _, r := range recs {
		at := r.TimeGenerated
		if upn, ok := isInvite(r); ok && !at.Before(asOf.Add(-baseline)) && !at.After(asOf.Add(-24*time.Hour)) {
			known[norm(upn)] = true
		}
	}
	rows := map[string]int{}
	for _, r := range recs {
		if upn, ok := isInvite(r); ok && r.TimeGenerated.After(asOf.Add(-24*time.Hour)) && !r.TimeGenerated.After(asOf) && !known[norm(upn)] {
			rows[upn]++
		}
	}
	return rows
}

func TestCasesMatchTheRule(t *testing.T) {
	cases := Cases()
	for _, seed := range []int64{1, 2, 7} {
		recs := Tenant(seed)
		want := map[string]int{}
		for _, c := range cases {
			if c.FlaggedRows > 0 {
				want[caseInviter(c)] += c.FlaggedRows
			}
		}
		if got := ruleRows(t, recs, 14*24*time.Hour, false); !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d defaults:\n got %v\nwant %v", seed, got, want)
		}
		at17 := ruleRows(t, recs, 17*24*time.Hour, false)
		if at17[lapsedUPN] != 0 || at17[compromisedUPN] != 6 {
			t.Errorf("seed %d 17d baseline: %v", seed, at17)
		}
		folded := ruleRows(t, recs, 14*24*time.Hour, true)
		if folded[caseVariantUPN] != 0 || folded[failedOnlyUPN] != 1 {
			t.Errorf("seed %d fold-case: %v", seed, folded)
		}
	}
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.Name
		if c.Title == "" || c.Demonstrates == "" || c.Operation == "" || (c.InviterUPN == "") == (c.InviterApp == "") {
			t.Errorf("case %s incompletely described: %+v", c.Name, c)
		}
	}
	if !slices.Equal(names, []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}) {
		t.Errorf("case names %v", names)
	}
}

func TestTenantFirstDaysDoNotCoverLongBaselines(t *testing.T) {
	recs := Tenant(1)
	if first := recs[0].TimeGenerated; !first.After(End().Add(-40 * 24 * time.Hour)) {
		t.Errorf("log starts %s, a 40-day baseline would be covered", first)
	}
}
