package hunt

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// The trail fixture: eve@contoso.com, a new inviter, invites Gina (object
// id G1) 20 hours before the as-of instant.
const (
	trailInviter = "eve@contoso.com"
	ginaID       = "G1"
	ginaUPN      = "gina_fabrikam.example#EXT#@contoso.onmicrosoft.com"
	ginaMail     = "gina@fabrikam.example"
)

func ginaInvite(at time.Time) data.Record {
	return invite(trailInviter, at,
		withTargets(fmt.Sprintf(`[{"id":%q,"displayName":"Gina Rossi","type":"User","userPrincipalName":%q}]`, ginaID, ginaUPN)),
		withDetails(fmt.Sprintf(`[{"key":"invitedUserEmailAddress","value":%q}]`, ginaMail)))
}

// event is op at t initiated by initiatedBy, on targets (JSON).
func event(op string, t time.Time, initiatedBy, targets string) data.Record {
	return invite("x@contoso.com", t, withOperation(op), withInitiatedBy(initiatedBy), withTargets(targets), withDetails(""))
}

func appBy(name string) string {
	return fmt.Sprintf(`{"app":{"displayName":%q,"servicePrincipalId":"sp"}}`, name)
}

func guestBy(upn, ip string) string {
	return fmt.Sprintf(`{"user":{"userPrincipalName":%q,"ipAddress":%q,"roles":[]}}`, upn, ip)
}

// trailsOf runs Trails over recs with the default rule as of asOfT.
func trailsOf(t *testing.T, stale time.Duration, recs ...data.Record) []Trail {
	t.Helper()
	e := newEngine(t, recs...)
	trails, err := e.Trails(context.Background(), TrailParams{Params: fixedParams(), Stale: stale})
	if err != nil {
		t.Fatal(err)
	}
	return trails
}

// ginaTrail is the one trail of the fixture plus extra events.
func ginaTrail(t *testing.T, stale time.Duration, extra ...data.Record) Trail {
	t.Helper()
	recs := append([]data.Record{ginaInvite(ago(20 * time.Hour)), other("end@contoso.com", asOfT(), "Update user")}, extra...)
	trails := trailsOf(t, stale, recs...)
	if len(trails) != 1 {
		t.Fatalf("%d trails, want 1: %+v", len(trails), trails)
	}
	return trails[0]
}

func stepKinds(tr Trail) string {
	var ks []string
	for _, s := range tr.Steps {
		ks = append(ks, string(s.Kind))
	}
	return strings.Join(ks, ",")
}

func signalKinds(tr Trail) string {
	var ks []string
	for _, s := range tr.Signals {
		ks = append(ks, string(s.Kind))
	}
	return strings.Join(ks, ",")
}

func hasSignal(tr Trail, k SignalKind) bool {
	return strings.Contains(","+signalKinds(tr)+",", ","+string(k)+",")
}

// A redemption joins the trail by each identifier on its own: the target's
// #EXT# UPN, the redeeming e-mail as initiator, the "UPN: ..., Email: ..."
// text of the target's display name (each half), and the acceptance
// portal's Update user by object id.
func TestTrailRedemptionMatchedEachWay(t *testing.T) {
	at := ago(19 * time.Hour)
	cases := map[string]data.Record{
		"target UPN": event("Redeem external user invite", at, guestBy("someone@else.example", "192.0.2.7"),
			fmt.Sprintf(`[{"id":"other","type":"User","userPrincipalName":%q}]`, strings.ToUpper(ginaUPN))),
		"e-mail as initiator": event("Redeem external user invite", at, guestBy(ginaMail, "192.0.2.7"),
			`[{"id":"other","type":"User"}]`),
		"display-name UPN text": event("Redeem external user invite", at, guestBy("", "192.0.2.7"),
			fmt.Sprintf(`[{"id":"x","type":"User","displayName":"UPN: %s, Email: nobody@else.example, InvitationId: 1, FlowType: Redemption"}]`, ginaUPN)),
		"display-name Email text": event("Redeem external user invite", at, guestBy("", "192.0.2.7"),
			fmt.Sprintf(`[{"id":"x","type":"User","displayName":"UPN: nobody_else#EXT#@contoso.onmicrosoft.com, Email: %s, InvitationId: 1"}]`, ginaMail)),
		"acceptance portal by id": event("Update user", at, appBy("Microsoft Invitation Acceptance Portal"),
			fmt.Sprintf(`[{"id":%q,"type":"User","modifiedProperties":[{"displayName":"UserState","oldValue":"[\"PendingAcceptance\"]","newValue":"[\"Accepted\"]"}]}]`, strings.ToLower(ginaID))),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			tr := ginaTrail(t, 0, r)
			if stepKinds(tr) != "invite,redeem" {
				t.Fatalf("steps %s", stepKinds(tr))
			}
			s := tr.Steps[1]
			if s.SinceInvite != time.Hour || !s.Time.Equal(at) {
				t.Errorf("step %+v: want 1h after the invite", s)
			}
			if hasSignal(tr, SignalNeverRedeemed) {
				t.Errorf("redeemed guest flagged never-redeemed: %v", tr.Signals)
			}
		})
	}
}

// The demo's trail shapes: a role within the hour raises privileged-role;
// one two days later is a step but no signal; group, app, user type and
// deletion are steps of their kinds, in time order.
func TestTrailStepsAndAdminRoleWithinTheHour(t *testing.T) {
	target := fmt.Sprintf(`{"id":%q,"type":"User","userPrincipalName":%q}`, ginaID, ginaUPN)
	roleAt := ago(20*time.Hour - 40*time.Minute)
	tr := ginaTrail(t, 0,
		event("Redeem external user invite", ago(19*time.Hour+50*time.Minute), guestBy(ginaMail, "192.0.2.7"), "["+target+"]"),
		event("Add member to role", roleAt, userBy(trailInviter), `[`+target+`,{"id":"r","displayName":"Global Administrator","type":"Role"}]`),
		event("Add member to group", ago(19*time.Hour), userBy(trailInviter), `[`+target+`,{"id":"g","displayName":"Finance","type":"Group"}]`),
		event("Add app role assignment grant to user", ago(18*time.Hour), userBy(trailInviter), `[{"id":"sp","displayName":"Payroll","type":"ServicePrincipal"},`+target+`]`),
		event("Update user", ago(17*time.Hour), userBy(trailInviter),
			`[{"id":"G1","type":"User","modifiedProperties":[{"displayName":"UserType","oldValue":"[\"Guest\"]","newValue":"[\"Member\"]"}]}]`),
		event("Update user", ago(16*time.Hour), userBy(trailInviter), "["+target+"]"), // an ordinary update: no step
		event("Add eligible member to role in PIM requested (permanent)", ago(15*time.Hour), userBy(trailInviter), "["+target+"]"),
		event("Delete user", ago(2*time.Hour), userBy(trailInviter), "["+target+"]"),
	)
	if got, want := stepKinds(tr), "invite,redeem,role,group,app,user-type,delete"; got != want {
		t.Fatalf("steps %s, want %s", got, want)
	}
	role := tr.Steps[2]
	if role.Detail != "Global Administrator" || role.SinceInvite != 40*time.Minute || role.Actor != trailInviter || role.IP != "10.0.0.1" {
		t.Errorf("role step %+v", role)
	}
	if tr.Steps[3].Detail != "Finance" || tr.Steps[4].Detail != "Payroll" || tr.Steps[5].Detail != "Guest -> Member" {
		t.Errorf("details %+v", tr.Steps)
	}
	if !hasSignal(tr, SignalPrivilegedRole) || tr.Signals[0].Kind != SignalPrivilegedRole ||
		!strings.Contains(tr.Signals[0].Detail, "Global Administrator") || !strings.Contains(tr.Signals[0].Detail, "40m") {
		t.Errorf("signals %+v: want privileged-role first, explained", tr.Signals)
	}
	if hasSignal(tr, SignalAdminGroup) {
		t.Errorf("Finance is no admin group: %v", tr.Signals)
	}
	if !hasSignal(tr, SignalRedeemIPDiffers) {
		t.Errorf("redeemed from 192.0.2.7, invited from 10.0.0.1: %v", tr.Signals)
	}

	// Two days later the same grant is only a step (the invite is 20h old at
	// asOfT, so move the invite back instead).
	late := trailsOf(t, 0, ginaInvite(ago(20*time.Hour)), other("end@contoso.com", asOfT(), "Update user"),
		event("Add member to role", ago(20*time.Hour).Add(25*time.Hour), userBy(trailInviter), `[`+target+`,{"id":"r","displayName":"Global Administrator","type":"Role"}]`))
	if len(late) != 1 || stepKinds(late[0]) != "invite,role" || hasSignal(late[0], SignalPrivilegedRole) {
		t.Errorf("a grant 25h after the invite: %+v", late)
	}
}

// Never redeemed: only once --stale has passed by the end of the data.
func TestTrailNeverRedeemedAfterStale(t *testing.T) {
	tr := ginaTrail(t, 0) // invite 20h before the end; default 7d
	if hasSignal(tr, SignalNeverRedeemed) {
		t.Errorf("20h old invite, 7d stale: %v", tr.Signals)
	}
	tr = ginaTrail(t, 12*time.Hour)
	if !hasSignal(tr, SignalNeverRedeemed) {
		t.Fatalf("20h old invite, 12h stale: %v", tr.Signals)
	}
	for _, s := range tr.Signals {
		if s.Kind == SignalNeverRedeemed && !strings.Contains(s.Detail, "20h") {
			t.Errorf("detail %q should say how long it waited", s.Detail)
		}
	}
}

// A namesake (same display name, other object id and UPN) never joins, nor
// does an event about the guest before its invite.
func TestTrailNamesakeExcluded(t *testing.T) {
	tr := ginaTrail(t, 0,
		event("Add member to role", ago(19*time.Hour), userBy(trailInviter),
			`[{"id":"G2","displayName":"Gina Rossi","type":"User","userPrincipalName":"gina.rossi@contoso.com"},{"id":"r","displayName":"Global Administrator","type":"Role"}]`),
		event("Redeem external user invite", ago(19*time.Hour), guestBy("gina.rossi@other.example", "192.0.2.7"),
			`[{"id":"G3","displayName":"Gina Rossi","type":"User","userPrincipalName":"gina.rossi_other.example#EXT#@contoso.onmicrosoft.com"}]`),
		event("Add member to group", ago(21*time.Hour), userBy(trailInviter), `[{"id":"G1","type":"User"},{"id":"g","displayName":"IT Admins","type":"Group"}]`),
	)
	if stepKinds(tr) != "invite" || hasSignal(tr, SignalPrivilegedRole) || hasSignal(tr, SignalAdminGroup) {
		t.Errorf("namesake or earlier event joined: %+v", tr)
	}
}

// New domain: fires for a first invite to a domain, not after an earlier one.
func TestTrailNewDomain(t *testing.T) {
	tr := ginaTrail(t, 0)
	if !hasSignal(tr, SignalNewDomain) {
		t.Errorf("first invite to fabrikam.example: %v", tr.Signals)
	}
	earlier := invite("old@contoso.com", ago(30*day), withTarget("bob_fabrikam.example#EXT#@contoso.onmicrosoft.com"))
	tr = ginaTrail(t, 0, earlier)
	if hasSignal(tr, SignalNewDomain) {
		t.Errorf("fabrikam.example was invited 30 days before: %v", tr.Signals)
	}
}

// No alert rows: an empty, non-nil list.
func TestTrailNone(t *testing.T) {
	trails := trailsOf(t, 0, other("a@contoso.com", ago(time.Hour), "Update user"))
	if trails == nil || len(trails) != 0 {
		t.Errorf("%v", trails)
	}
	e := newEngine(t, other("a@contoso.com", ago(time.Hour), "Update user"))
	if _, err := e.Trails(context.Background(), TrailParams{Params: fixedParams(), Stale: -time.Hour}); err == nil {
		t.Error("a negative stale should be refused")
	}
}
