// Package demo generates a month of realistic Entra ID audit logs for a
// fictional tenant, with planted cases for the "new inviters" rule.
package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// historyDays is how far back the log reaches: enough for the rule's 14-day
// baseline and a little more, but not for a 40-day one (coverage warnings).
const historyDays = 38

// End is the instant of the last event (the rule's default as-of time).
func End() time.Time {
	return time.Date(2026, time.October, 31, 17, 42, 10, 123456700, time.UTC)
}

// Start is where the log begins: mid-day, historyDays before End.
func Start() time.Time {
	return End().Add(-historyDays*24*time.Hour + 5*time.Hour + 17*time.Minute + 42*time.Second)
}

// Tenant returns the demo tenant's audit log for seed, sorted by
// TimeGenerated and ending exactly at End(). The same seed always gives the
// same records; the planted Cases are the same for every seed.
func Tenant(seed int64) []data.Record {
	g := &generator{
		rng:   rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
		cast:  newCast(),
		start: Start(),
		end:   End(),
	}
	g.routineNoise()
	g.routineInvites()
	g.plantCases()
	g.closingEvent()
	slices.SortStableFunc(g.recs, func(a, b data.Record) int {
		if c := a.TimeGenerated.Compare(b.TimeGenerated); c != 0 {
			return c
		}
		return strings.Compare(a.Id, b.Id)
	})
	return g.recs
}

// generator accumulates one tenant's records.
type generator struct {
	rng        *rand.Rand
	cast       *cast
	start, end time.Time
	recs       []data.Record
	// noisePerDay scales routineNoise for other tenants (Builder); 0 keeps
	// the demo's own volume, drawn with the same random calls.
	noisePerDay int
}

// event is one audit entry before it becomes a Record.
type event struct {
	At        time.Time
	Operation string
	Category  string
	Service   string
	OpType    string
	Result    string // "" means success
	Reason    string
	Corr      string // "" draws a fresh correlation id
	By        initiatedBy
	Targets   []target
	Details   []detail
}

// The shapes of the dynamic columns, in the key order Entra writes them.
type (
	initiatedBy struct {
		User *userInitiator `json:"user,omitempty"`
		App  *appInitiator  `json:"app,omitempty"`
	}
	userInitiator struct {
		ID                *string  `json:"id"`
		DisplayName       *string  `json:"displayName"`
		UserPrincipalName string   `json:"userPrincipalName"`
		IPAddress         *string  `json:"ipAddress"`
		Roles             []string `json:"roles"`
	}
	appInitiator struct {
		AppID                *string `json:"appId"`
		DisplayName          string  `json:"displayName"`
		ServicePrincipalID   string  `json:"servicePrincipalId"`
		ServicePrincipalName *string `json:"servicePrincipalName"`
	}
	target struct {
		ID                  string             `json:"id"`
		DisplayName         *string            `json:"displayName"`
		Type                string             `json:"type"`
		UserPrincipalName   *string            `json:"userPrincipalName,omitempty"`
		GroupType           *string            `json:"groupType,omitempty"`
		ModifiedProperties  []modifiedProperty `json:"modifiedProperties"`
		AdministrativeUnits []any              `json:"administrativeUnits"`
	}
	modifiedProperty struct {
		DisplayName string  `json:"displayName"`
		OldValue    *string `json:"oldValue"`
		NewValue    *string `json:"newValue"`
	}
	detail struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	}
)

func ptr(s string) *string { return &s }

// jsonText is a JSON array value as modifiedProperties carry it: text.
func jsonText(v any) *string {
	b, _ := json.Marshal(v)
	return ptr(string(b))
}

func byUser(p person, ip string) initiatedBy {
	u := &userInitiator{ID: ptr(p.ID), UserPrincipalName: p.UPN, Roles: []string{}}
	if ip != "" {
		u.IPAddress = ptr(ip)
	}
	return initiatedBy{User: u}
}

func byApp(a app) initiatedBy {
	in := &appInitiator{DisplayName: a.Name, ServicePrincipalID: a.SPID}
	if !a.Vendor {
		in.AppID = ptr(a.AppID)
	}
	return initiatedBy{App: in}
}

func userTarget(id, displayName, upn string, props ...modifiedProperty) target {
	t := target{ID: id, Type: "User", UserPrincipalName: ptr(upn),
		ModifiedProperties: append([]modifiedProperty{}, props...), AdministrativeUnits: []any{}}
	if displayName != "" {
		t.DisplayName = ptr(displayName)
	}
	return t
}

func memberTarget(p person, props ...modifiedProperty) target {
	return userTarget(p.ID, p.DisplayName(), p.UPN, props...)
}

func objectTarget(id, displayName, typ string, props ...modifiedProperty) target {
	return target{ID: id, DisplayName: ptr(displayName), Type: typ,
		ModifiedProperties: append([]modifiedProperty{}, props...), AdministrativeUnits: []any{}}
}

// updated is the "Included Updated Properties" entry Entra appends.
func updated(names ...string) modifiedProperty {
	return modifiedProperty{DisplayName: "Included Updated Properties", NewValue: jsonText(strings.Join(names, ", "))}
}

// marshalCompact encodes without HTML escaping, as Entra stores the text.
func marshalCompact(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("demo: cannot encode %T: %v", v, err)) // only fixed, well-formed shapes are encoded
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// emit turns e into a Record and returns its correlation id, so related
// entries (an invite's Add user, sponsor) can share it.
func (g *generator) emit(e event) string {
	corr := e.Corr
	if corr == "" {
		corr = g.guid()
	}
	result := e.Result
	if result == "" {
		result = "success"
	}
	identity := ""
	if e.By.App != nil {
		identity = e.By.App.DisplayName
	}
	targets, details := e.Targets, e.Details
	if targets == nil {
		targets = []target{}
	}
	if details == nil {
		details = []detail{}
	}
	at := data.ToTick(e.At)
	duration := int64(0)
	g.recs = append(g.recs, data.Record{
		TenantId:            WorkspaceID,
		SourceSystem:        "Azure AD",
		TimeGenerated:       at,
		ResourceId:          "/tenants/" + AADTenantID + "/providers/Microsoft.aadiam",
		OperationName:       e.Operation,
		OperationVersion:    "1.0",
		Category:            e.Category,
		ResultSignature:     "None",
		DurationMs:          &duration,
		CorrelationId:       corr,
		Resource:            "Microsoft.aadiam",
		ResourceGroup:       "Microsoft.aadiam",
		Identity:            identity,
		Level:               "4",
		AdditionalDetails:   marshalCompact(details),
		Id:                  g.eventID(e.Service, corr),
		InitiatedBy:         marshalCompact(e.By),
		LoggedByService:     e.Service,
		Result:              result,
		ResultReason:        e.Reason,
		TargetResources:     marshalCompact(targets),
		AADTenantId:         AADTenantID,
		ActivityDisplayName: e.Operation,
		ActivityDateTime:    at,
		AADOperationType:    e.OpType,
		Type:                "AuditLogs",
	})
	return corr
}

// eventID imitates Entra's ids: "Directory_<correlation>_<5 letters>_<8 digits>"
// for Core Directory, the service name as prefix otherwise.
func (g *generator) eventID(service, corr string) string {
	prefix := service
	if service == "Core Directory" {
		prefix = "Directory"
	}
	letters := make([]byte, 5)
	for i := range letters {
		letters[i] = byte('A' + g.rng.IntN(26))
	}
	return fmt.Sprintf("%s_%s_%s_%08d", prefix, corr, letters, 10000000+g.rng.IntN(90000000))
}

func (g *generator) guid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(g.rng.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// jitter is a random duration below d, in whole 100 ns ticks.
func (g *generator) jitter(d time.Duration) time.Duration {
	return time.Duration(g.rng.Int64N(int64(d/data.Tick))) * data.Tick
}

// workTime is a moment on day, mostly in European office hours (UTC).
func (g *generator) workTime(day time.Time) time.Time {
	if g.rng.Float64() < 0.1 {
		return day.Add(g.jitter(24 * time.Hour))
	}
	return day.Add(6*time.Hour + 30*time.Minute + g.jitter(11*time.Hour))
}

func pick[T any](g *generator, xs []T) T { return xs[g.rng.IntN(len(xs))] }

func (g *generator) inRange(t time.Time) bool { return !t.Before(g.start) && t.Before(g.end) }

func isWeekend(day time.Time) bool {
	return day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
}

// days calls f with midnight of every day the log covers.
func (g *generator) days(f func(day time.Time)) {
	for day := g.start.Truncate(24 * time.Hour); day.Before(g.end); day = day.Add(24 * time.Hour) {
		f(day)
	}
}

// closingEvent pins the last entry to End(), so the default as-of instant
// (the latest event) is the documented one.
func (g *generator) closingEvent() {
	p := pick(g, g.cast.members)
	g.emit(event{At: g.end, Operation: "Update user", Category: "UserManagement", Service: "Core Directory",
		OpType: "Update", By: byApp(g.cast.hrProvisioning),
		Targets: []target{memberTarget(p,
			modifiedProperty{DisplayName: "JobTitle", OldValue: jsonText([]string{"Analyst"}), NewValue: jsonText([]string{"Senior Analyst"})},
			updated("JobTitle"))},
		Details: []detail{{"UserType", "Member"}}})
}

// routineNoise is the everyday directory work: profile updates from HR
// provisioning, group changes, app maintenance, password resets, consents
// and device updates. Weekends are quiet.
func (g *generator) routineNoise() {
	makers := []struct {
		weight int
		make   func(at time.Time)
	}{
		{28, g.updateUser}, {16, g.groupMembership("Add member to group", "Assign")},
		{7, g.groupMembership("Remove member from group", "Unassign")}, {7, g.updateApplication},
		{7, g.addAppRoleAssignment}, {8, g.resetPassword}, {4, g.consent}, {16, g.updateDevice},
		{7, g.updateGroup},
	}
	total := 0
	for _, m := range makers {
		total += m.weight
	}
	g.days(func(day time.Time) {
		n := 70 + g.rng.IntN(40)
		if isWeekend(day) {
			n = 8 + g.rng.IntN(12)
		}
		if g.noisePerDay > 0 {
			n = g.noisePerDay*3/4 + g.rng.IntN(g.noisePerDay/2+1)
			if isWeekend(day) {
				n /= 8
			}
		}
		for range n {
			at := g.workTime(day)
			if !g.inRange(at) {
				continue
			}
			r := g.rng.IntN(total)
			for _, m := range makers {
				if r < m.weight {
					m.make(at)
					break
				}
				r -= m.weight
			}
		}
	})
}

func (g *generator) adminBy() initiatedBy {
	var ip string
	if g.rng.Float64() < 0.5 { // Core Directory often logs no address
		ip = pick(g, g.cast.corporateEgress)
	}
	return byUser(pick(g, g.cast.admins), ip)
}

func (g *generator) updateUser(at time.Time) {
	p := pick(g, g.cast.members)
	by := g.adminBy()
	if g.rng.Float64() < 0.6 {
		by = byApp(g.cast.hrProvisioning)
	}
	prop, from, to := "Department", pick(g, departments()), pick(g, departments())
	if g.rng.IntN(2) == 0 {
		prop, from, to = "JobTitle", pick(g, jobTitles()), pick(g, jobTitles())
	}
	g.emit(event{At: at, Operation: "Update user", Category: "UserManagement", Service: "Core Directory",
		OpType: "Update", By: by,
		Targets: []target{memberTarget(p,
			modifiedProperty{DisplayName: prop, OldValue: jsonText([]string{from}), NewValue: jsonText([]string{to})},
			updated(prop))},
		Details: []detail{{"UserType", "Member"}}})
}

func (g *generator) groupMembership(operation, opType string) func(time.Time) {
	return func(at time.Time) {
		p := pick(g, g.cast.members)
		name := pick(g, groupNames())
		id := stableGUID("group:" + name)
		prop := func(n, v string) modifiedProperty {
			mp := modifiedProperty{DisplayName: n, NewValue: jsonText(v)}
			if opType == "Unassign" {
				mp.OldValue, mp.NewValue = mp.NewValue, nil
			}
			return mp
		}
		g.emit(event{At: at, Operation: operation, Category: "GroupManagement", Service: "Core Directory",
			OpType: opType, By: g.adminBy(),
			Targets: []target{
				memberTarget(p, prop("Group.ObjectID", id), prop("Group.DisplayName", name)),
				objectTarget(id, name, "Group"),
			}})
	}
}

func (g *generator) updateGroup(at time.Time) {
	name := pick(g, groupNames())
	g.emit(event{At: at, Operation: "Update group", Category: "GroupManagement", Service: "Core Directory",
		OpType: "Update", By: g.adminBy(),
		Targets: []target{objectTarget(stableGUID("group:"+name), name, "Group",
			modifiedProperty{DisplayName: "Description", OldValue: jsonText([]string{name}), NewValue: jsonText([]string{name + " (owned by IT)"})},
			updated("Description"))}})
}

func (g *generator) updateApplication(at time.Time) {
	a := pick(g, g.cast.targetApps)
	g.emit(event{At: at, Operation: "Update application", Category: "ApplicationManagement", Service: "Core Directory",
		OpType: "Update", By: g.adminBy(),
		Targets: []target{objectTarget(a.ObjID, a.Name, "Application",
			modifiedProperty{DisplayName: "AppAddress", OldValue: jsonText([]string{}),
				NewValue: jsonText([]map[string]any{{"AddressType": 0, "Address": "https://" + strings.ToLower(strings.ReplaceAll(a.Name, " ", "")) + "." + Domain + "/signin-oidc"}})},
			updated("AppAddress"))},
		Details: []detail{{"User-Agent", pick(g, g.cast.userAgents)}, {"AppId", a.AppID}}})
}

func (g *generator) addAppRoleAssignment(at time.Time) {
	a := pick(g, g.cast.targetApps)
	p := pick(g, g.cast.members)
	g.emit(event{At: at, Operation: "Add app role assignment to service principal", Category: "ApplicationManagement",
		Service: "Core Directory", OpType: "Assign", By: g.adminBy(),
		Targets: []target{
			objectTarget(a.SPID, a.Name, "ServicePrincipal",
				modifiedProperty{DisplayName: "AppRole.Value", NewValue: jsonText("User")},
				modifiedProperty{DisplayName: "User.UPN", NewValue: jsonText(p.UPN)}),
			memberTarget(p),
		}})
}

func (g *generator) resetPassword(at time.Time) {
	p := pick(g, g.cast.members)
	g.emit(event{At: at, Operation: "Reset user password", Category: "UserManagement", Service: "Core Directory",
		OpType: "Update", By: byUser(g.cast.kwame, pick(g, g.cast.corporateEgress)),
		Targets: []target{memberTarget(p)}})
}

func (g *generator) consent(at time.Time) {
	a := pick(g, g.cast.consentApps)
	p := pick(g, g.cast.members)
	g.emit(event{At: at, Operation: "Consent to application", Category: "ApplicationManagement", Service: "Core Directory",
		OpType: "Assign", By: byUser(p, pick(g, g.cast.corporateEgress)),
		Targets: []target{objectTarget(a.SPID, a.Name, "ServicePrincipal",
			modifiedProperty{DisplayName: "ConsentContext.IsAdminConsent", NewValue: jsonText("False")},
			modifiedProperty{DisplayName: "ConsentAction.Permissions", NewValue: jsonText("[] => [[Scope: User.Read openid profile offline_access, ConsentType: Principal]]; ")})},
		Details: []detail{{"User-Agent", pick(g, g.cast.userAgents)}}})
}

func (g *generator) updateDevice(at time.Time) {
	name := fmt.Sprintf("NW-LT-%04d", g.rng.IntN(400))
	g.emit(event{At: at, Operation: "Update device", Category: "Device", Service: "Core Directory",
		OpType: "Update", By: byApp(g.cast.deviceRegistration),
		Targets: []target{objectTarget(stableGUID("device:"+name), name, "Device",
			modifiedProperty{DisplayName: "ApproximateLastLogonTimestamp", NewValue: jsonText([]string{at.Format("2006-01-02T15:04:05Z")})},
			updated("ApproximateLastLogonTimestamp"))}})
}

// guest is someone invited from outside.
type guest struct {
	Email       string
	DisplayName string
	ID          string
}

func (g *generator) partnerGuest() guest {
	first, last, domain := pick(g, guestFirstNames()), pick(g, guestLastNames()), pick(g, partnerDomains())
	return guest{Email: strings.ToLower(first+"."+last) + "@" + domain, DisplayName: first + " " + last, ID: g.guid()}
}

func (gu guest) target(props ...modifiedProperty) target {
	return userTarget(gu.ID, gu.DisplayName, guestUPN(gu.Email), props...)
}

// invite is one invitation as the portal or Graph performs it.
type invite struct {
	At        time.Time
	By        initiatedBy
	Guest     guest
	UserAgent string
	Sponsor   *person // adds "Add user sponsor"
	Redeem    bool    // the guest accepts later
	Failure   string  // a failed invite: only the "Invite external user" entry, with this reason
}

// invite logs what Entra logs for one invitation: "Add user" and "Invite
// external user" under one correlation id, often "Add user sponsor", and on
// acceptance "Redeem external user invite" plus the acceptance portal's
// "Update user".
func (g *generator) invite(in invite) {
	details := []detail{{"invitedUserEmailAddress", in.Guest.Email}, {"User-Agent", in.UserAgent}}
	if in.Failure != "" {
		g.emit(event{At: in.At, Operation: "Invite external user", Category: "UserManagement", Service: "Invited Users",
			OpType: "Add", By: in.By, Result: "failure", Reason: in.Failure,
			Targets: []target{in.Guest.target()}, Details: details})
		return
	}
	corr := g.emit(event{At: in.At, Operation: "Add user", Category: "UserManagement", Service: "Core Directory",
		OpType: "Add", By: in.By,
		Targets: []target{in.Guest.target(
			modifiedProperty{DisplayName: "AccountEnabled", NewValue: jsonText([]bool{true})},
			modifiedProperty{DisplayName: "DisplayName", NewValue: jsonText([]string{in.Guest.DisplayName})},
			modifiedProperty{DisplayName: "Mail", NewValue: jsonText([]string{in.Guest.Email})},
			modifiedProperty{DisplayName: "UserPrincipalName", NewValue: jsonText([]string{guestUPN(in.Guest.Email)})},
			modifiedProperty{DisplayName: "UserType", NewValue: jsonText([]string{"Guest"})},
			updated("AccountEnabled", "DisplayName", "Mail", "UserPrincipalName", "UserType"))},
		Details: []detail{{"UserType", "Guest"}}})
	g.emit(event{At: in.At.Add(300*time.Millisecond + g.jitter(600*time.Millisecond)), Operation: "Invite external user",
		Category: "UserManagement", Service: "Invited Users", OpType: "Add", By: in.By, Corr: corr,
		Targets: []target{in.Guest.target()}, Details: details})
	if in.Sponsor != nil {
		g.emit(event{At: in.At.Add(time.Second + g.jitter(time.Second)), Operation: "Add user sponsor",
			Category: "UserManagement", Service: "Core Directory", OpType: "Update", By: in.By, Corr: corr,
			Targets: []target{in.Guest.target(), memberTarget(*in.Sponsor)}})
	}
	if in.Redeem {
		g.redeem(in.Guest, in.At.Add(20*time.Minute+g.jitter(60*time.Hour)))
	}
}

// redeem logs a guest accepting the invitation, if that happens before End.
func (g *generator) redeem(gu guest, at time.Time) {
	if !g.inRange(at) {
		return
	}
	ip := fmt.Sprintf("192.0.2.%d", 1+g.rng.IntN(250))
	g.emit(event{At: at, Operation: "Redeem external user invite", Category: "UserManagement", Service: "B2B Auth",
		OpType:  "Update",
		By:      initiatedBy{User: &userInitiator{UserPrincipalName: gu.Email, IPAddress: ptr(ip), Roles: []string{}}},
		Targets: []target{gu.target()}, Details: []detail{{"User-Agent", pick(g, g.cast.userAgents)}}})
	g.emit(event{At: at.Add(time.Second + g.jitter(2*time.Second)), Operation: "Update user", Category: "UserManagement",
		Service: "Core Directory", OpType: "Update", By: byApp(g.cast.acceptancePortal),
		Targets: []target{gu.target(
			modifiedProperty{DisplayName: "UserState", OldValue: jsonText([]string{"PendingAcceptance"}), NewValue: jsonText([]string{"Accepted"})},
			modifiedProperty{DisplayName: "UserStateChangedOn", OldValue: jsonText([]string{}), NewValue: jsonText([]string{at.Format("2006-01-02T15:04:05Z")})},
			updated("UserState", "UserStateChangedOn"))},
		Details: []detail{{"UserType", "Guest"}}})
}

// routineInvites are the regular inviters' partner invitations, all before
// the last day: in the detection window only the planted cases invite, so
// Cases() describes every invite the rule can see there.
func (g *generator) routineInvites() {
	last := g.end.Add(-25 * time.Hour)
	failures := []string{
		"The user you're inviting already exists in the directory as a member.",
		"Invitations to the domain are blocked by your organization's cross-tenant access settings.",
	}
	g.days(func(day time.Time) {
		if isWeekend(day) {
			return
		}
		for _, ri := range g.cast.routineInviters {
			if g.rng.Float64() >= ri.Rate {
				continue
			}
			at := g.workTime(day)
			ip, ua := pick(g, g.cast.corporateEgress), pick(g, g.cast.userAgents)
			for n := 1 + g.burstExtra(); n > 0; n-- {
				in := invite{At: at, By: byUser(ri.Who, ip), Guest: g.partnerGuest(), UserAgent: ua,
					Redeem: g.rng.Float64() < 0.75}
				if g.rng.Float64() < 0.7 {
					in.Sponsor = &ri.Who
				}
				if g.rng.Float64() < 0.08 {
					in.Failure = pick(g, failures)
				}
				if g.inRange(in.At) && in.At.Before(last) {
					g.invite(in)
				}
				at = at.Add(40*time.Second + g.jitter(3*time.Minute))
			}
		}
		if g.rng.Float64() < 0.15 { // the partner-onboarding app invites through Graph
			at := g.workTime(day)
			if g.inRange(at) && at.Before(last) {
				g.invite(invite{At: at, By: byApp(g.cast.partnerOnboarding), Guest: g.partnerGuest(),
					UserAgent: "Microsoft-Graph-Client/5.0", Redeem: g.rng.Float64() < 0.6})
			}
		}
	})
}

// burstExtra is how many more guests an inviter adds in one sitting.
func (g *generator) burstExtra() int {
	switch r := g.rng.Float64(); {
	case r < 0.05:
		return 2
	case r < 0.2:
		return 1
	}
	return 0
}
