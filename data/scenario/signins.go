package scenario

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
)

// signIn is one interactive sign-in as a Log Analytics union export projects
// it onto the AuditLogs columns: a Type of SigninLogs and no audit shape.
type signIn struct {
	At       time.Time
	Name     string // the user's display name (Identity)
	Location string
	Failed   bool
}

// withSignIns merges sign-in noise (and the scenario's own sign-ins, extra)
// into recs: about one sign-in for every three audit entries, over the same
// span, in office hours mostly. Its random source is apart from the audit
// log's, so the audit records are the same whatever the format.
func withSignIns(seed int64, recs []data.Record, extra ...signIn) []data.Record {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5161a))
	first, last := recs[0].TimeGenerated, recs[len(recs)-1].TimeGenerated
	span := last.Sub(first)
	if span <= 0 {
		return recs
	}
	names := signInNames()
	out := append(make([]data.Record, 0, len(recs)+len(recs)/3+len(extra)), recs...)
	for range len(recs) / 3 {
		at := first.Add(time.Duration(rng.Int64N(int64(span/data.Tick))) * data.Tick)
		if h := at.Hour(); (h < 6 || h > 18) && rng.IntN(4) > 0 {
			at = at.Add(-time.Duration(h-9) * time.Hour) // most sign-ins fall in working hours
		}
		if at.Before(first) || !at.Before(last) {
			continue
		}
		out = append(out, signInRecord(rng, signIn{At: at, Name: names[rng.IntN(len(names))],
			Location: []string{"DE", "DE", "DE", "NL", "GB", "SE"}[rng.IntN(6)], Failed: rng.IntN(25) == 0}))
	}
	for _, s := range extra {
		if !s.At.Before(first) && !s.At.After(last) {
			out = append(out, signInRecord(rng, s))
		}
	}
	sortRecords(out)
	return out
}

func signInRecord(rng *rand.Rand, s signIn) data.Record {
	at := data.ToTick(s.At)
	result, description := "0", ""
	if s.Failed {
		result, description = "50126", "Error validating credentials due to invalid username or password."
	}
	zero := int64(0)
	return data.Record{
		TenantId: demo.WorkspaceID, SourceSystem: "Azure AD", TimeGenerated: at,
		ResourceId: "/tenants/" + demo.AADTenantID + "/providers/Microsoft.aadiam", OperationName: "Sign-in activity",
		OperationVersion: "1.0", Category: "SignInLogs", ResultType: result, ResultSignature: "None",
		ResultDescription: description, DurationMs: &zero, CorrelationId: guid(rng), Resource: "Microsoft.aadiam",
		ResourceGroup: "Microsoft.aadiam", Identity: s.Name, Level: "4", Location: s.Location, Id: guid(rng),
		Type: "SigninLogs",
	}
}

func guid(rng *rand.Rand) string {
	a, b := rng.Uint64(), rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, a>>16&0xffff, a&0xfff, 0x8000|b>>48&0x3fff, b&0xffffffffffff)
}

func signInNames() []string {
	return []string{"Samir Haddad", "Elena Petrova", "Kwame Mensah", "Priya Natarajan", "Olivia Chen", "Aiko Tanaka",
		"Ben Okoro", "Carla Mendes", "Dmitri Volkov", "Emma Lindqvist", "Farah Aziz", "Gustav Holm", "Hannah Weiss",
		"Ivan Horvat", "Julia Costa", "Karim Benali", "Laura Fischer", "Mateo Rossi", "Nadia Kowalski", "Omar Farouk"}
}
