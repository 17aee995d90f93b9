package demo

import (
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// Builder lends the demo's cast, noise and invitation shapes to other
// synthetic tenants (data/scenario), so that every generated tenant looks
// like the same organisation. Tenant itself does not use it.
type Builder struct {
	g *generator
}

// Person is a member of the tenant, as a Builder's callers name one.
type Person = person

// NewPerson makes a member with the tenant's UPN scheme and a stable object id.
func NewPerson(first, last string) Person { return newPerson(first, last) }

// NewBuilder starts a tenant whose log covers [start, end]. noisePerDay is
// the number of everyday directory events on a business day (weekends get
// an eighth); 0 means the demo's own volume.
func NewBuilder(seed int64, start, end time.Time, noisePerDay int) *Builder {
	return &Builder{g: &generator{
		rng:         rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x5ce7a110)),
		cast:        newCast(),
		start:       start,
		end:         end,
		noisePerDay: max(noisePerDay, 0),
	}}
}

// Rand is the builder's random source, for choices the caller makes, so one
// seed decides everything.
func (b *Builder) Rand() *rand.Rand { return b.g.rng }

// Noise adds the everyday directory work over the whole span.
func (b *Builder) Noise() { b.g.routineNoise() }

// RoutineInvites adds the regular inviters' partner invitations on business
// days, none later than 25 hours before the end (so the detection window
// holds only what the caller plants), and some by the onboarding app.
func (b *Builder) RoutineInvites() { b.g.routineInvites() }

// Regulars are the members who invite partners routinely, most active first.
func (b *Builder) Regulars() []Person {
	out := make([]Person, len(b.g.cast.routineInviters))
	for i, ri := range b.g.cast.routineInviters {
		out[i] = ri.Who
	}
	return out
}

// OfficeIPs are the corporate egress addresses.
func (b *Builder) OfficeIPs() []string { return slices.Clone(b.g.cast.corporateEgress) }

// OfficeAgent is a browser user agent seen from the office.
func (b *Builder) OfficeAgent() string { return pick(b.g, b.g.cast.userAgents) }

// OnboardingApp is the display name of the app that invites partners through Graph.
func (b *Builder) OnboardingApp() string { return b.g.cast.partnerOnboarding.Name }

// Invite describes one invitation for Builder.Invite.
type Invite struct {
	At        time.Time
	By        Person // ignored when ByApp
	ByApp     bool   // the onboarding app invites, with no user
	IP        string // "" logs no address
	UserAgent string // "" picks an office browser
	// GuestEmail and GuestName name the guest; "" draws a partner contact.
	GuestEmail, GuestName string
	Sponsor               bool   // the inviter becomes the guest's sponsor
	Redeem                bool   // the guest accepts later (if before the end)
	Failure               string // the invite fails with this reason
}

// Invited is what one invitation logged.
type Invited struct {
	ID         string // the Id of its "Invite external user" entry
	GuestID    string // the guest's object id
	GuestEmail string
}

// Invite logs one invitation the way Entra does (Add user, Invite external
// user, sponsor, redemption) and returns its invite entry's Id.
func (b *Builder) Invite(in Invite) Invited {
	g := b.g
	gu := g.partnerGuest()
	if in.GuestEmail != "" {
		gu.Email, gu.DisplayName = in.GuestEmail, in.GuestName
	}
	by := byUser(in.By, in.IP)
	if in.ByApp {
		by = byApp(g.cast.partnerOnboarding)
	}
	ua := in.UserAgent
	if ua == "" {
		ua = pick(g, g.cast.userAgents)
	}
	spec := invite{At: in.At, By: by, Guest: gu, UserAgent: ua, Redeem: in.Redeem, Failure: in.Failure}
	if in.Sponsor && !in.ByApp {
		sponsor := in.By
		spec.Sponsor = &sponsor
	}
	first := len(g.recs)
	g.invite(spec)
	out := Invited{GuestID: gu.ID, GuestEmail: gu.Email}
	for _, r := range g.recs[first:] {
		if r.OperationName == "Invite external user" {
			out.ID = r.Id
			break
		}
	}
	return out
}

// GrantRole logs by adding the user objectID/upn to a directory role, and
// returns the entry's Id.
func (b *Builder) GrantRole(at time.Time, by Person, ip, objectID, upn, role string) string {
	b.g.grantRole(at, byUser(by, ip), objectID, upn, role)
	return b.g.recs[len(b.g.recs)-1].Id
}

// AddToGroup logs by adding the user objectID/upn, shown as displayName, to
// group, and returns the entry's Id.
func (b *Builder) AddToGroup(at time.Time, by Person, ip, objectID, displayName, upn, group string) string {
	b.g.addToGroup(at, byUser(by, ip), objectID, displayName, upn, group)
	return b.g.recs[len(b.g.recs)-1].Id
}

// Hire logs HR provisioning creating the member p and adding them to group.
func (b *Builder) Hire(at time.Time, p Person, department, group string) {
	g := b.g
	g.emit(event{At: at, Operation: "Add user", Category: "UserManagement", Service: "Core Directory",
		OpType: "Add", By: byApp(g.cast.hrProvisioning),
		Targets: []target{memberTarget(p,
			modifiedProperty{DisplayName: "AccountEnabled", NewValue: jsonText([]bool{true})},
			modifiedProperty{DisplayName: "DisplayName", NewValue: jsonText([]string{p.DisplayName()})},
			modifiedProperty{DisplayName: "Department", NewValue: jsonText([]string{department})},
			modifiedProperty{DisplayName: "UserPrincipalName", NewValue: jsonText([]string{p.UPN})},
			modifiedProperty{DisplayName: "UserType", NewValue: jsonText([]string{"Member"})},
			updated("AccountEnabled", "DisplayName", "Department", "UserPrincipalName", "UserType"))},
		Details: []detail{{"UserType", "Member"}}})
	id := stableGUID("group:" + group)
	g.emit(event{At: at.Add(3*time.Minute + g.jitter(time.Minute)), Operation: "Add member to group",
		Category: "GroupManagement", Service: "Core Directory", OpType: "Assign", By: byApp(g.cast.hrProvisioning),
		Targets: []target{
			memberTarget(p, modifiedProperty{DisplayName: "Group.ObjectID", NewValue: jsonText(id)},
				modifiedProperty{DisplayName: "Group.DisplayName", NewValue: jsonText(group)}),
			objectTarget(id, group, "Group"),
		}})
}

// Records closes the log with an entry at the end instant (so "latest" is
// the end) and returns every record sorted by time, then Id. Call it once.
func (b *Builder) Records() []data.Record {
	b.g.closingEvent()
	recs := b.g.recs
	slices.SortStableFunc(recs, func(x, y data.Record) int {
		if c := x.TimeGenerated.Compare(y.TimeGenerated); c != 0 {
			return c
		}
		return strings.Compare(x.Id, y.Id)
	})
	return recs
}
