package hunt

import (
	"crypto/sha1"
	"fmt"
	"io"

	"github.com/guesthunt/guesthunt/data"
)

// Sentinel hunting bookmarks: one per alert row, shaped as the request body
// of a Microsoft.SecurityInsights/bookmarks PUT ({"properties": {...}}),
// with "name" the bookmark id to PUT it under. The property names follow
// the resource's schema (displayName, query, queryResult, queryStartTime,
// queryEndTime, eventTime, labels, notes, entityMappings, tactics,
// techniques); entity mappings use the identifiers of the rule's own
// entityMappings (Account: FullName, Name, UPNSuffix) and IP: Address.

type bookmarkJSON struct {
	Name       string            `json:"name"`
	Properties bookmarkPropsJSON `json:"properties"`
}

type bookmarkPropsJSON struct {
	DisplayName    string              `json:"displayName"`
	Query          string              `json:"query"`
	QueryResult    string              `json:"queryResult"`
	QueryStartTime *string             `json:"queryStartTime"`
	QueryEndTime   *string             `json:"queryEndTime"`
	EventTime      *string             `json:"eventTime"`
	Labels         []string            `json:"labels"`
	Notes          string              `json:"notes"`
	EntityMappings []entityMappingJSON `json:"entityMappings"`
	Tactics        []string            `json:"tactics"`
	Techniques     []string            `json:"techniques"`
}

type entityMappingJSON struct {
	EntityType    string             `json:"entityType"`
	FieldMappings []fieldMappingJSON `json:"fieldMappings"`
}

type fieldMappingJSON struct {
	Identifier string `json:"identifier"`
	Value      string `json:"value"`
}

// The rule's tactic and technique, from its YAML.
const (
	ruleTactic    = "Persistence"
	ruleTechnique = "T1078.004"
)

// WriteBookmarks writes a JSON array of bookmarks, one per alert row. The
// query window is the rule's whole query period: baseline start to as-of.
func WriteBookmarks(w io.Writer, r Report) error {
	out := []bookmarkJSON{}
	for _, inv := range r.Inviters {
		for _, e := range inv.Events {
			row, err := alertJSON(e.Alert)
			if err != nil {
				return err
			}
			// The event's own verdict is the more specific one.
			v := inv.Triage
			if e.Triage.Triaged() {
				v = e.Triage
			}
			notes := inv.Triage.Note
			if e.Triage.Note != "" {
				if notes != "" {
					notes += "\n"
				}
				notes += "Event: " + e.Triage.Note
			}
			out = append(out, bookmarkJSON{
				Name: bookmarkName(e.Alert),
				Properties: bookmarkPropsJSON{
					DisplayName:    bookmarkTitle(e.Alert),
					Query:          r.KQL,
					QueryResult:    string(row),
					QueryStartTime: reportTime(r.Baseline[0]),
					QueryEndTime:   reportTime(r.AsOf),
					EventTime:      reportTime(e.TimeGenerated),
					Labels:         []string{"guesthunt", string(v.Verdict)},
					Notes:          notes,
					EntityMappings: bookmarkEntities(e.Alert),
					Tactics:        []string{ruleTactic},
					Techniques:     []string{ruleTechnique},
				},
			})
		}
	}
	return writeSafeJSON(w, out)
}

func bookmarkTitle(a Alert) string {
	guest := a.TargetUserPrincipalName
	if guest == "" {
		guest = "(no target)"
	}
	return fmt.Sprintf("New inviter %s invited %s", a.InitiatingUserPrincipalName, guest)
}

// bookmarkName is a stable id for the event's bookmark (a name-based UUID
// from its Id, or its time and inviter when it has none), so exporting the
// same event again updates its bookmark instead of adding another.
func bookmarkName(a Alert) string {
	key := "guesthunt/event/" + a.Id
	if a.Id == "" {
		key = "guesthunt/event-at/" + data.FormatTime(a.TimeGenerated) + "/" + a.InitiatingUserPrincipalName
	}
	h := sha1.Sum([]byte(key))
	h[6] = h[6]&0x0f | 0x50 // version 5
	h[8] = h[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// bookmarkEntities maps the inviter and the guest as accounts, as the rule's
// entityMappings do, and the source IP; empty values are left out, as
// Sentinel drops an entity whose identifiers are empty.
func bookmarkEntities(a Alert) []entityMappingJSON {
	out := []entityMappingJSON{}
	account := func(full, name, suffix string) {
		if full == "" {
			return
		}
		m := entityMappingJSON{EntityType: "Account", FieldMappings: []fieldMappingJSON{{"FullName", full}}}
		if name != "" {
			m.FieldMappings = append(m.FieldMappings, fieldMappingJSON{"Name", name})
		}
		if suffix != "" {
			m.FieldMappings = append(m.FieldMappings, fieldMappingJSON{"UPNSuffix", suffix})
		}
		out = append(out, m)
	}
	account(a.InitiatingUserPrincipalName, a.InitiatingAccountName, a.InitiatingAccountUPNSuffix)
	account(a.TargetUserPrincipalName, a.TargetAccountName, a.TargetAccountUPNSuffix)
	if a.InitiatingIPAddress != "" {
		out = append(out, entityMappingJSON{EntityType: "IP", FieldMappings: []fieldMappingJSON{{"Address", a.InitiatingIPAddress}}})
	}
	return out
}
