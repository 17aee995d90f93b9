package hunt

import "time"

// Trails: what each invited guest of a flagged inviter did and was given
// after the invite (issue 13). These types are shared by the engine
// (Engine.Trails), the trail command and the workbench's trail page.

// StepKind names a trail step; the JSON spells it as below.
type StepKind string

const (
	StepInvite   StepKind = "invite"
	StepRedeem   StepKind = "redeem"    // redemption, or the acceptance portal's Update user
	StepGroup    StepKind = "group"     // added to a group (member or owner)
	StepRole     StepKind = "role"      // directory role (active or eligible)
	StepApp      StepKind = "app"       // app role assignment or consent
	StepUserType StepKind = "user-type" // Guest -> Member
	StepDelete   StepKind = "delete"
)

// TrailStep is one event in a guest's trail.
type TrailStep struct {
	Time        time.Time
	Kind        StepKind
	Operation   string        // OperationName as logged
	Actor       string        // who did it: UPN, or the app's display name
	IP          string        // the actor's source IP, "" when not logged
	Detail      string        // e.g. the group or role name, the new user type
	SinceInvite time.Duration // gap since the invite (0 for the invite)
	EventID     string        // the event's Id, for pivots to the record
}

// SignalKind names a reason to look at a guest first.
type SignalKind string

const (
	SignalNeverRedeemed   SignalKind = "never-redeemed"
	SignalRedeemIPDiffers SignalKind = "redeem-ip-differs"
	SignalPrivilegedRole  SignalKind = "privileged-role"
	SignalAdminGroup      SignalKind = "admin-group"
	SignalLookalikeDomain SignalKind = "lookalike-domain"
	SignalFreeMail        SignalKind = "free-mail"
	SignalNewDomain       SignalKind = "new-domain"
)

// Signal is one reason, explained in plain words in Detail.
type Signal struct {
	Kind   SignalKind
	Detail string
	// Weight orders signals by strength (higher first); the workbench sorts
	// inviters by their guests' strongest.
	Weight int
}

// Trail is one invited guest's trail.
type Trail struct {
	Inviter   string      // the flagged inviter's UPN, as logged
	Guest     string      // the guest's #EXT# UPN
	Email     string      // the invited e-mail address
	InvitedAt time.Time   // the invite's TimeGenerated
	Steps     []TrailStep // in time order, the invite first
	Signals   []Signal    // strongest first
	// NotPulled is NotPulledInvites when part of the span after the invite,
	// [NotPulledFrom, NotPulledTo), was pulled with scope invites only: the
	// steps there (redemption, grants, deletion) were never fetched, so
	// their absence says nothing and never-redeemed is not judged. "" when
	// files or pulls of scope trail or all cover the whole span.
	NotPulled                  string
	NotPulledFrom, NotPulledTo time.Time
}

// TrailParams says whose trails to follow.
type TrailParams struct {
	Params Params        // the rule run whose flagged inviters' guests are followed
	Stale  time.Duration // never-redeemed after this long (0: 7 days)
}
