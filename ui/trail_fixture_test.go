package ui

import (
	"context"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
)

// Test trails: hunt.Engine.Trails is not in this branch, so the tests build
// hunt.Trail values by hand (fixed, so the screens do not move with the
// demo tenant) and hand them over through a fake TrailsFunc.

const (
	hostileActor  = "\x1b[31mhelpdesk@northwindtraders.example"
	hostileDetail = "Mail.Read for \u202eexe.gnp"
)

// trailResult is evidenceResult with event Ids, so the invite step can be
// followed to its alert row.
func trailResult(p hunt.Params) *hunt.Result {
	res := evidenceResult()
	res.Params = p
	res.Coverage.BaselineCovered = true
	for i := range res.Rows {
		res.Rows[i].Id = fmt.Sprintf("Directory_INV_%d", i)
	}
	return res
}

// handTrails follows every alert row of res: the first guest is given an
// admin group, the Global Administrator role, an app consent and Member
// (hostile actor and detail); the second never redeemed; the rest redeemed.
func handTrails(res *hunt.Result) []hunt.Trail {
	var out []hunt.Trail
	for i, a := range res.Rows {
		addr := hunt.GuestAddress(a.AdditionalDetails, a.TargetUserPrincipalName)
		t0 := a.TimeGenerated
		step := func(k hunt.StepKind, after time.Duration, op, actor, ip, detail, id string) hunt.TrailStep {
			return hunt.TrailStep{Time: t0.Add(after), Kind: k, Operation: op, Actor: actor, IP: ip, Detail: detail, SinceInvite: after, EventID: id}
		}
		t := hunt.Trail{Inviter: a.InitiatingUserPrincipalName, Guest: a.TargetUserPrincipalName, Email: addr, InvitedAt: t0,
			Steps: []hunt.TrailStep{step(hunt.StepInvite, 0, a.OperationName, a.InitiatingUserPrincipalName, a.InitiatingIPAddress, addr, a.Id)}}
		redeem := step(hunt.StepRedeem, 12*time.Minute+5*time.Second, "Redeem external user invite", a.TargetUserPrincipalName, "198.51.100.77", "", fmt.Sprintf("Directory_R_%d", i))
		switch i {
		case 0:
			t.Steps = append(t.Steps, redeem,
				step(hunt.StepGroup, 38*time.Minute, "Add member to group", a.InitiatingUserPrincipalName, a.InitiatingIPAddress, "Tenant Admins", "Directory_G_0"),
				step(hunt.StepRole, 40*time.Minute, "Add member to role", a.InitiatingUserPrincipalName, a.InitiatingIPAddress, "Global Administrator", "Directory_ROLE_0"),
				step(hunt.StepApp, 2*time.Hour+3*time.Minute, "Consent to application", hostileActor, "", hostileDetail, "Directory_APP_0"),
				step(hunt.StepUserType, 26*time.Hour, "Update user", a.InitiatingUserPrincipalName, a.InitiatingIPAddress, "Guest → Member", "Directory_UT_0"))
			t.Signals = []hunt.Signal{
				{Kind: hunt.SignalPrivilegedRole, Weight: 90, Detail: "given the Global Administrator role 40m after the invite, by the inviter"},
				{Kind: hunt.SignalAdminGroup, Weight: 80, Detail: "added to Tenant Admins 38m after the invite"},
				{Kind: hunt.SignalLookalikeDomain, Weight: 60, Detail: lookalike + " imitates the tenant's own domain northwindtraders.example"},
				{Kind: hunt.SignalRedeemIPDiffers, Weight: 40, Detail: "redeemed from 198.51.100.77, not the inviter's " + a.InitiatingIPAddress},
			}
		case 1:
			t.Signals = []hunt.Signal{
				{Kind: hunt.SignalLookalikeDomain, Weight: 60, Detail: lookalike + " imitates the tenant's own domain northwindtraders.example"},
				{Kind: hunt.SignalNeverRedeemed, Weight: 30, Detail: "not redeemed 7 days after the invite: the address may be a throwaway"},
			}
		case 2:
			t.Steps = append(t.Steps, redeem)
			t.Signals = []hunt.Signal{{Kind: hunt.SignalLookalikeDomain, Weight: 60, Detail: lookalike + " imitates the tenant's own domain"}}
		default:
			t.Steps = append(t.Steps, redeem)
			t.Signals = []hunt.Signal{{Kind: hunt.SignalFreeMail, Weight: 10, Detail: "a free mail address (proton.me), not a company's"}}
		}
		out = append(out, t)
	}
	return out
}

// fakeTrails answers with handTrails of the result run makes for the
// asked parameters.
func fakeTrails(run func(hunt.Params) (*hunt.Result, error)) TrailsFunc {
	return func(ctx context.Context, tp hunt.TrailParams) ([]hunt.Trail, error) {
		res, err := run(tp.Params)
		if err != nil {
			return nil, err
		}
		return handTrails(res), nil
	}
}
