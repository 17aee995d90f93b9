package hunt

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// acceptancePortal is the app that logs a guest's acceptance as Update user.
const acceptancePortal = "microsoft invitation acceptance portal"

// inviteStep is the trail's first step: the alert row's own invite.
func inviteStep(a Alert, email string) TrailStep {
	return TrailStep{Time: a.TimeGenerated, Kind: StepInvite, Operation: a.OperationName,
		Actor: a.InitiatingUserPrincipalName, IP: a.InitiatingIPAddress, Detail: email, EventID: a.Id}
}

// stepOf classifies an event trailSQL matched to a guest invited at
// invited; ok is false for events that are no trail step (an ordinary
// Update user, a PIM request not yet granted).
func stepOf(r data.Record, invited time.Time) (TrailStep, bool) {
	op := strings.ToLower(strings.TrimSpace(r.OperationName))
	actor, ip := initiatorOf(r.InitiatedBy)
	targets := targetsOf(r.TargetResources)
	st := TrailStep{Time: r.TimeGenerated, Operation: r.OperationName, Actor: actor, IP: ip,
		SinceInvite: r.TimeGenerated.Sub(invited), EventID: r.Id}
	switch {
	case strings.HasPrefix(op, "redeem external user invite"):
		st.Kind, st.Detail = StepRedeem, "invitation redeemed"
	case strings.HasPrefix(op, "update user"):
		if from, to, ok := userTypeChange(targets); ok {
			st.Kind, st.Detail = StepUserType, from+" -> "+to
		} else if strings.EqualFold(actor, acceptancePortal) || strings.EqualFold(r.Identity, acceptancePortal) {
			st.Kind, st.Detail = StepRedeem, "accepted in the invitation acceptance portal"
		} else {
			return st, false
		}
	case strings.Contains(op, "request"):
		return st, false // PIM logs the request and, once granted, the completion
	case strings.HasPrefix(op, "add") && strings.Contains(op, "to group"):
		st.Kind, st.Detail = StepGroup, objectName(targets, "group", "Group.DisplayName")
	case strings.HasPrefix(op, "add app role assignment"), strings.HasPrefix(op, "consent to application"),
		strings.HasPrefix(op, "add delegated permission grant"):
		st.Kind, st.Detail = StepApp, objectName(targets, "serviceprincipal", "AppRole.Value")
	case strings.HasPrefix(op, "add") && strings.Contains(op, "to role"):
		st.Kind, st.Detail = StepRole, objectName(targets, "role", "Role.DisplayName")
	case strings.HasPrefix(op, "delete user"), strings.HasPrefix(op, "hard delete user"):
		st.Kind = StepDelete
	default:
		return st, false
	}
	return st, true
}

// initiatorOf is the actor's UPN (else the app's display name) and source IP.
// InitiatedBy may arrive as an object or as JSON text (FORMATS.md).
func initiatorOf(raw json.RawMessage) (actor, ip string) {
	var ib struct {
		User *struct {
			UPN string `json:"userPrincipalName"`
			IP  string `json:"ipAddress"`
		} `json:"user"`
		App *struct {
			Name string `json:"displayName"`
		} `json:"app"`
	}
	if !unmarshalDynamic(raw, &ib) {
		return "", ""
	}
	if ib.User != nil && ib.User.UPN != "" {
		return ib.User.UPN, ib.User.IP
	}
	if ib.App != nil {
		return ib.App.Name, ""
	}
	if ib.User != nil {
		return "", ib.User.IP
	}
	return "", ""
}

type trailTarget struct {
	Type        string `json:"type"`
	DisplayName string `json:"displayName"`
	Props       []struct {
		Name     string          `json:"displayName"`
		OldValue json.RawMessage `json:"oldValue"`
		NewValue json.RawMessage `json:"newValue"`
	} `json:"modifiedProperties"`
}

func targetsOf(raw json.RawMessage) []trailTarget {
	var ts []trailTarget
	unmarshalDynamic(raw, &ts)
	return ts
}

// unmarshalDynamic decodes a dynamic column that is JSON, or JSON text.
func unmarshalDynamic(raw json.RawMessage, v any) bool {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		raw = json.RawMessage(text)
	}
	return json.Unmarshal(raw, v) == nil
}

// objectName is what the step gave: the display name of the first target of
// type typ (the group, role or app), else the modified property prop.
func objectName(ts []trailTarget, typ, prop string) string {
	for _, t := range ts {
		if strings.EqualFold(t.Type, typ) && t.DisplayName != "" {
			return t.DisplayName
		}
	}
	for _, t := range ts {
		for _, p := range t.Props {
			if p.Name == prop {
				if v := propText(p.NewValue); v != "" {
					return v
				}
			}
		}
	}
	return ""
}

// userTypeChange finds a UserType property going from Guest to Member.
func userTypeChange(ts []trailTarget) (from, to string, ok bool) {
	for _, t := range ts {
		for _, p := range t.Props {
			if strings.EqualFold(p.Name, "UserType") {
				from, to = propText(p.OldValue), propText(p.NewValue)
				if strings.EqualFold(from, "Guest") && strings.EqualFold(to, "Member") {
					return from, to, true
				}
			}
		}
	}
	return "", "", false
}

// propText reads a modified property's value: JSON text holding a string or
// a one-element array (["Member"]), possibly quoted once more.
func propText(raw json.RawMessage) string {
	var text string
	if json.Unmarshal(raw, &text) != nil {
		return ""
	}
	var list []string
	if json.Unmarshal([]byte(text), &list) == nil {
		return strings.Join(list, ", ")
	}
	var inner string
	if json.Unmarshal([]byte(text), &inner) == nil {
		return inner
	}
	return text
}
