package demo

import (
	"time"
)

// Case is one situation planted in the last day of the demo log, with what
// the rule should make of it at its defaults: 14-day baseline, 1-day window,
// as-of = the last event (End), case-sensitive comparison.
type Case struct {
	Name         string // "a", "b", ...: stable, for tests and the exercise text
	Title        string
	InviterUPN   string // as logged in the detection window; "" when an app invited
	InviterApp   string // the app's display name when an app invited
	Operation    string // the OperationName of the planted window entries
	Invites      int    // entries with that operation this case plants in the detection window
	FlaggedRows  int    // rule rows these entries produce at the defaults
	Demonstrates string
	Note         string // how other settings change the outcome
}

// Flagged reports whether the rule reports this case at the defaults.
func (c Case) Flagged() bool { return c.FlaggedRows > 0 }

// The planted actors.
const (
	compromisedUPN   = "jonas.berg@" + Domain
	lapsedUPN        = "lee.novak@" + Domain
	failedOnlyUPN    = "isaiah.okafor@" + Domain
	caseVariantUPN   = "rosa.delgado@" + Domain // as the window logs it
	caseBaselineUPN  = "Rosa.Delgado@" + Domain // as the baseline logged it
	emptyTargetUPN   = "tomas.kral@" + Domain
	resetStatusUPN   = "hana.sato@" + Domain
	attackerIP       = "203.0.113.66"
	opInvite         = "Invite external user"
	opResetInvite    = "Invite external user with reset invitation status"
	attackerAgent    = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
	partnerMgrUPN    = "priya.natarajan@" + Domain
	onboardingApp    = "Northwind Partner Onboarding"
	hostileGuestName = "\x1b[31mIT Helpdesk\x1b[0m \u202Etxt.exe\u200b"
	hostileGuestMail = "it.helpdesk\u200b\u202Efdp.exe@outlook.com"
)

// Cases lists the planted cases. They are the same for every seed.
func Cases() []Case {
	return []Case{
		{Name: "a", Title: "Compromised account invites a burst of guests", InviterUPN: compromisedUPN,
			Operation: opInvite, Invites: 5, FlaggedRows: 5,
			Demonstrates: "an account that never invited anyone adds 5 guests at free-mail and lookalike domains " +
				"within about six minutes, all from " + attackerIP,
			Note: "flagged at every baseline length: the account has no invite in the whole log"},
		{Name: "b", Title: "Regular inviter, business as usual", InviterUPN: partnerMgrUPN,
			Operation: opInvite, Invites: 1, FlaggedRows: 0,
			Demonstrates: "the partner manager invites every few days, including 2 and 6 days ago, so today's invite is not new",
			Note:         "flagged only with a baseline too short to reach her last earlier invite (2 days 5 hours ago or later)"},
		{Name: "c", Title: "Inviter back after a 15-day pause", InviterUPN: lapsedUPN,
			Operation: opInvite, Invites: 1, FlaggedRows: 1,
			Demonstrates: "the previous successful invite was 15 days 10 hours before the as-of instant, just outside the 14-day baseline",
			Note:         "not flagged with a baseline of 16 days or more (e.g. 17d): a point on the sensitivity curve"},
		{Name: "d", Title: "Inviter whose baseline invites all failed", InviterUPN: failedOnlyUPN,
			Operation: opInvite, Invites: 1, FlaggedRows: 1,
			Demonstrates: "two invites 10 and 5 days ago failed (Result failure); the baseline counts only successful ones",
			Note:         "flagged at any baseline"},
		{Name: "e", Title: "Same inviter, different letter case", InviterUPN: caseVariantUPN,
			Operation: opInvite, Invites: 1, FlaggedRows: 1,
			Demonstrates: "the baseline logged this user as " + caseBaselineUPN + "; Kusto's !in is case-sensitive",
			Note:         "not flagged with fold-case comparison"},
		{Name: "f", Title: "App-initiated invite", InviterApp: onboardingApp,
			Operation: opInvite, Invites: 1, FlaggedRows: 0,
			Demonstrates: "InitiatedBy.app with no user: the inviter UPN is empty, so the rule never reports it",
			Note:         "never flagged"},
		{Name: "g", Title: "Guest name with hostile characters", InviterUPN: compromisedUPN,
			Operation: opInvite, Invites: 1, FlaggedRows: 1,
			Demonstrates: "the compromised account (case a) invites a guest whose display name and address carry an ANSI " +
				"colour escape, a right-to-left override (U+202E) and a zero-width space (U+200B)",
			Note: "exercises the display sanitizer; the raw value must stay unchanged in exports"},
		{Name: "h", Title: "Invite with no target", InviterUPN: emptyTargetUPN,
			Operation: opInvite, Invites: 1, FlaggedRows: 1,
			Demonstrates: "TargetResources is an empty array: the row is still returned, with empty target columns",
			Note:         "flagged at any baseline"},
		{Name: "i", Title: "Reset invitation status is not an invite", InviterUPN: resetStatusUPN,
			Operation: opResetInvite, Invites: 1, FlaggedRows: 0,
			Demonstrates: "a new account resends an invitation; the rule's =~ \"" + opInvite + "\" does not match this operation",
			Note:         "never flagged"},
	}
}

// plantCases writes the entries behind Cases, at fixed offsets before End.
func (g *generator) plantCases() {
	before := func(d time.Duration) time.Time { return g.end.Add(-d).Add(g.jitter(time.Second)) }
	office := pick(g, g.cast.corporateEgress)
	ua := g.cast.userAgents[0]

	// (a) and (g): the compromised account's burst, and one redemption.
	jonas := newPerson("Jonas", "Berg")
	burst := []guest{
		{Email: "northwind.billing@outlook.com", DisplayName: "Northwind Billing"},
		{Email: "jonas.berg.nw@gmail.com", DisplayName: "Jonas Berg"},
		{Email: "it-support@northwlndtraders.example", DisplayName: "IT Support"},
		{Email: "accounts-payable@northwind-traders.example", DisplayName: "Accounts Payable"},
		{Email: "svc.sync.2026@proton.me", DisplayName: "Sync Service"},
	}
	at := before(4*time.Hour + 12*time.Minute)
	var redeemed guest
	var redeemedInvite time.Time
	for i, gu := range burst {
		gu.ID = g.guid()
		g.invite(invite{At: at, By: byUser(jonas, attackerIP), Guest: gu, UserAgent: attackerAgent})
		if i == 1 {
			g.redeem(gu, at.Add(14*time.Minute))
			redeemed, redeemedInvite = gu, at
		}
		at = at.Add(55*time.Second + g.jitter(40*time.Second))
	}
	g.invite(invite{At: before(4*time.Hour + 5*time.Minute), By: byUser(jonas, attackerIP), UserAgent: attackerAgent,
		Guest: guest{Email: hostileGuestMail, DisplayName: hostileGuestName, ID: g.guid()}})

	// (b): the partner manager's usual rhythm, inside the baseline and today.
	priya := g.cast.priya
	for _, d := range []time.Duration{6*24*time.Hour + 3*time.Hour, 2*24*time.Hour + 5*time.Hour, 23*time.Hour + 10*time.Minute} {
		g.invite(invite{At: before(d), By: byUser(priya, office), Guest: g.partnerGuest(), UserAgent: ua,
			Sponsor: &priya, Redeem: true})
	}

	// (c): invites 27 days and 15 d 10 h ago, then today.
	lee := newPerson("Lee", "Novak")
	for _, d := range []time.Duration{27*24*time.Hour + 2*time.Hour, 15*24*time.Hour + 10*time.Hour, 21*time.Hour + 30*time.Minute} {
		g.invite(invite{At: before(d), By: byUser(lee, office), Guest: g.partnerGuest(), UserAgent: ua, Redeem: true})
	}

	// (d): two failed attempts in the baseline, a success today.
	isaiah := newPerson("Isaiah", "Okafor")
	for _, d := range []time.Duration{10*24*time.Hour + 1*time.Hour, 5*24*time.Hour + 4*time.Hour} {
		g.invite(invite{At: before(d), By: byUser(isaiah, office), Guest: g.partnerGuest(), UserAgent: ua,
			Failure: "Invitations to the domain are blocked by your organization's cross-tenant access settings."})
	}
	g.invite(invite{At: before(5 * time.Hour), By: byUser(isaiah, office), Guest: g.partnerGuest(), UserAgent: ua})

	// (e): same object, UPN logged with capitals in the baseline.
	rosa := newPerson("Rosa", "Delgado")
	rosaCapitalised := rosa
	rosaCapitalised.UPN = caseBaselineUPN
	for _, d := range []time.Duration{12*24*time.Hour + 2*time.Hour, 3*24*time.Hour + 6*time.Hour} {
		g.invite(invite{At: before(d), By: byUser(rosaCapitalised, office), Guest: g.partnerGuest(), UserAgent: ua, Redeem: true})
	}
	g.invite(invite{At: before(2 * time.Hour), By: byUser(rosa, office), Guest: g.partnerGuest(), UserAgent: ua})

	// (f): the onboarding app invites today.
	g.invite(invite{At: before(20 * time.Hour), By: byApp(g.cast.partnerOnboarding), Guest: g.partnerGuest(),
		UserAgent: "Microsoft-Graph-Client/5.0"})

	// (h): an invite whose target list is empty.
	tomas := newPerson("Tomas", "Kral")
	g.emit(event{At: before(3 * time.Hour), Operation: opInvite, Category: "UserManagement", Service: "Invited Users",
		OpType: "Add", By: byUser(tomas, office),
		Details: []detail{{"invitedUserEmailAddress", "m.keller@quarrybank-audit.example"}, {"User-Agent", ua}}})

	// (i): a resent invitation by an account that never invited.
	hana := newPerson("Hana", "Sato")
	resent := g.partnerGuest()
	g.emit(event{At: before(6 * time.Hour), Operation: opResetInvite, Category: "UserManagement", Service: "Invited Users",
		OpType: "Update", By: byUser(hana, office), Targets: []target{resent.target()},
		Details: []detail{{"invitedUserEmailAddress", resent.Email}, {"User-Agent", ua}}})

	// Trails (issue 13), planted last so the cases above draw the same
	// randomness as before: the redeemed guest of (a) is made Global
	// Administrator 40 minutes after its invite, and the member Jonas Berg,
	// a namesake of that guest ("Jonas Berg" too, another object id and
	// UPN), joins an admin group, which must stay out of the guest's trail.
	g.grantRole(redeemedInvite.Add(40*time.Minute), byUser(jonas, attackerIP), redeemed.ID, guestUPN(redeemed.Email),
		"Global Administrator")
	g.addToGroup(redeemedInvite.Add(47*time.Minute), byUser(g.cast.kwame, office), jonas.ID, jonas.DisplayName(),
		jonas.UPN, "IT Admins")
}
