package hunt

import (
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

func TestCoverage(t *testing.T) {
	cases := []struct {
		name    string
		first   time.Time
		covered bool
		note    string
	}{
		{"data starts before the baseline", ago(20 * day), true, ""},
		{"data starts exactly at the baseline start", ago(14 * day), true, ""},
		{"data starts 100ns after the baseline start", ago(14*day - tick), false,
			"data starts 2026-10-01T12:00:00.0000001Z, 100ns after the baseline start 2026-10-01T12:00:00Z: inviters with history before then look new"},
		{"data starts 6 days late", ago(8 * day), false,
			"data starts 2026-10-07T12:00:00Z, 6d after the baseline start 2026-10-01T12:00:00Z: inviters with history before then look new"},
		// A gap that is no round number is written as people write it, not as
		// Kusto's 608819.9999623s.
		{"data starts an odd span late", ago(14*day - 608819999962300), false,
			"data starts 2026-10-08T13:06:59.9999623Z, 7d 1h 7m after the baseline start 2026-10-01T12:00:00Z: inviters with history before then look new"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEngine(t, other("admin@x.com", c.first, "Update user"), invite("a@x.com", ago(time.Hour)))
			cov := mustRun(t, e, fixedParams()).Coverage
			if cov.BaselineCovered != c.covered || cov.Note != c.note {
				t.Errorf("covered %v note %q\nwant %v %q", cov.BaselineCovered, cov.Note, c.covered, c.note)
			}
			if !cov.DataFrom.Equal(c.first) || !cov.DataTo.Equal(ago(time.Hour)) {
				t.Errorf("span %v .. %v", cov.DataFrom, cov.DataTo)
			}
		})
	}
}

func TestInviterSummaries(t *testing.T) {
	const newbie = "newbie@contoso.com"
	recs := []data.Record{
		invite(newbie, ago(20*day)), // before the baseline: the latest earlier invite
		invite(newbie, ago(30*day)),
		invite(newbie, ago(5*day), withResult("failure")), // failed: not an earlier invite
		invite(newbie, ago(3*time.Hour), withIP("198.51.100.1"),
			withDetails(`[{"key":"invitedUserType","value":"Guest"},{"key":"invitedUserEmailAddress","value":"Eve@Fabrikam.com"}]`)),
		invite(newbie, ago(2*time.Hour), withIP("198.51.100.2"), withDetails(""),
			withTarget("frank_o_brien_gmail.com#EXT#@contoso.onmicrosoft.com")),
		invite(newbie, ago(time.Hour), withIP("198.51.100.1"),
			withDetails(`[{"key":"invitedUserEmailAddress","value":"Eve@Fabrikam.com"}]`)),
		invite("first@contoso.com", ago(4*time.Hour), withDetails(`[]`), withTargets(`[]`)),
	}
	res := mustRun(t, newEngine(t, recs...), fixedParams())
	if len(res.Inviters) != 2 {
		t.Fatalf("%d inviters: %+v", len(res.Inviters), res.Inviters)
	}
	first, s := res.Inviters[0], res.Inviters[1]
	if first.UPN != "first@contoso.com" || first.Invites != 1 || first.HasEarlierInvite || len(first.Guests) != 0 ||
		first.DistinctGuests != 0 {
		t.Errorf("first: %+v", first)
	}
	check := []struct {
		what      string
		got, want any
	}{
		{"UPN", s.UPN, newbie},
		{"Invites", s.Invites, 3},
		{"DistinctGuests", s.DistinctGuests, 2},
		{"SourceIPs", s.SourceIPs, []string{"198.51.100.1", "198.51.100.2"}},
		{"FirstInvite", s.FirstInvite, ago(3 * time.Hour)},
		{"LastInvite", s.LastInvite, ago(time.Hour)},
		{"HasEarlierInvite", s.HasEarlierInvite, true},
		{"LatestEarlierInvite", s.LatestEarlierInvite, ago(20 * day)},
		{"Guests", s.Guests, []string{"Eve@Fabrikam.com", "frank_o_brien@gmail.com"}},
		{"GuestDomains", s.GuestDomains, []string{"fabrikam.com", "gmail.com"}},
	}
	for _, c := range check {
		if !equalValue(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestGuestAddress(t *testing.T) {
	cases := []struct {
		details, upn, want string
	}{
		{`[{"key":"invitedUserEmailAddress","value":"a@b.com"}]`, "x_y.com#EXT#@t.onmicrosoft.com", "a@b.com"},
		{`[{"key":"other","value":"no"},{"key":"invitedUserEmailAddress","value":"a@b.com"}]`, "", "a@b.com"},
		{`[{"key":"invitedUserEmailAddress","value":null}]`, "x_y.com#EXT#@t.onmicrosoft.com", "x@y.com"},
		{``, "first_last_y.com#EXT#@t.onmicrosoft.com", "first_last@y.com"},
		{`"not an array"`, "x_y.com#ext#@t.onmicrosoft.com", "x@y.com"},
		{``, "member@contoso.com", "member@contoso.com"},
		{``, "", ""},
	}
	for _, c := range cases {
		if got := GuestAddress(rawOrNil(c.details), c.upn); got != c.want {
			t.Errorf("GuestAddress(%s, %q) = %q, want %q", c.details, c.upn, got, c.want)
		}
	}
}

func TestSplitAt(t *testing.T) {
	cases := []struct{ in, name, suffix string }{
		{"alice@contoso.com", "alice", "contoso.com"},
		{"nodomain", "nodomain", ""},
		{"a@b@c", "a", "b"},
		{"@x", "", "x"},
		{"x@", "x", ""},
		{"", "", ""},
	}
	for _, c := range cases {
		if n, s := splitAt(c.in); n != c.name || s != c.suffix {
			t.Errorf("splitAt(%q) = %q, %q", c.in, n, s)
		}
	}
}
