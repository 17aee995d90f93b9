package scenario

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/guesthunt/guesthunt/data"
)

// ruleFlags restates the Sentinel rule at the key's parameters over every
// file's audit events, one copy per Id: the inviter UPNs it flags, sorted.
func ruleFlags(t *testing.T, tn Tenant) []string {
	t.Helper()
	asOf, err := time.Parse(data.TimeLayout, tn.Key.AsOf)
	if err != nil || tn.Key.Baseline != "14d" || tn.Key.Window != "1d" {
		t.Fatalf("key parameters %q %q %q", tn.Key.AsOf, tn.Key.Baseline, tn.Key.Window)
	}
	seen := map[string]bool{}
	var recs []data.Record
	for _, f := range tn.Files {
		for _, r := range f.Records {
			if !seen[r.Id] && r.Type == "AuditLogs" {
				seen[r.Id] = true
				recs = append(recs, r)
			}
		}
	}
	upn := func(r data.Record) string {
		if !strings.EqualFold(r.OperationName, opInvite) || !strings.EqualFold(r.Result, "success") {
			return ""
		}
		var by struct {
			User *struct {
				UPN string `json:"userPrincipalName"`
			} `json:"user"`
		}
		if json.Unmarshal(r.InitiatedBy, &by) != nil || by.User == nil {
			return ""
		}
		return by.User.UPN
	}
	known := map[string]bool{}
	for _, r := range recs {
		if u := upn(r); u != "" && !r.TimeGenerated.Before(asOf.Add(-baseline)) && !r.TimeGenerated.After(asOf.Add(-window)) {
			known[u] = true
		}
	}
	var out []string
	for _, r := range recs {
		if u := upn(r); u != "" && r.TimeGenerated.After(asOf.Add(-window)) && !r.TimeGenerated.After(asOf) && !known[u] {
			out = append(out, u)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// decodeUTF16 reads the Graph PowerShell export's UTF-16LE text.
func decodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return string(utf16.Decode(u))
}
