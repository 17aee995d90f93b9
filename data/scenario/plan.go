package scenario

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/triage"
)

// The rule's published parameters, which every key uses.
const (
	baseline     = 14 * 24 * time.Hour
	window       = 24 * time.Hour
	baselineSpan = "14d"
	windowSpan   = "1d"
	opInvite     = "Invite external user"
	day          = 24 * time.Hour
)

// end is the as-of instant of the new scenarios: a Thursday afternoon, so
// the detection window is a business day.
func end() time.Time { return time.Date(2026, time.November, 19, 16, 27, 41, 602938100, time.UTC) }

// plan is one scenario being built: its tenant, span and the cases so far.
type plan struct {
	name       string
	opt        Options
	b          *demo.Builder
	start, end time.Time
	cases      []Case
}

// spanDays resolves opt.Days: def when 0, else within [lo, hi].
func spanDays(name string, opt Options, def, lo, hi int) (int, error) {
	days := opt.Days
	if days == 0 {
		days = def
	}
	if days < lo || days > hi {
		return 0, fmt.Errorf("%s: --days %d: want %d to %d", name, days, lo, hi)
	}
	return days, nil
}

// newPlan starts a tenant of span days before the as-of instant with
// everyday noise (opt.Events spread over noiseDays) and the regular
// inviters' routine.
func newPlan(name string, opt Options, span, noiseDays int) *plan {
	e := end()
	p := &plan{name: name, opt: opt, start: e.Add(-time.Duration(span) * day), end: e}
	perDay := 0
	if opt.Events > 0 {
		perDay = max(1, opt.Events/noiseDays)
	}
	p.b = demo.NewBuilder(opt.Seed, p.start, e, perDay)
	p.b.Noise()
	p.b.RoutineInvites()
	return p
}

// standard is the plan of a one-export scenario: 30 days by default, never
// less than the baseline needs.
func standard(name string, opt Options) (*plan, error) {
	days, err := spanDays(name, opt, 30, 16, 400)
	if err != nil {
		return nil, err
	}
	return newPlan(name, opt, days, days), nil
}

// ago is the instant d before the as-of instant, plus up to a minute of
// jitter so no two seeds plant at the very same tick.
func (p *plan) ago(d time.Duration) time.Time {
	return p.end.Add(-d).Add(time.Duration(p.b.Rand().Int64N(int64(time.Minute/data.Tick))) * data.Tick)
}

// add records a case; extra are Ids beyond the subject's invites in the window.
func (p *plan) add(subject string, flagged bool, v triage.Verdict, explanation string, extra ...string) {
	p.cases = append(p.cases, Case{Subject: subject, Kind: string(triage.SubjectInviter), Flagged: flagged,
		Verdict: v, Explanation: explanation, EventIDs: extra})
}

// key completes the cases with each subject's invites in the detection
// window, found in recs, and returns the key.
func (p *plan) key(recs []data.Record) Key {
	return newKey(p.name, p.opt.Seed, p.end, p.cases, recs)
}

func newKey(name string, seed int64, asOf time.Time, cases []Case, recs []data.Record) Key {
	from := asOf.Add(-window)
	ids := map[string][]string{}
	for _, r := range recs {
		if !r.TimeGenerated.After(from) || r.TimeGenerated.After(asOf) || !strings.EqualFold(r.OperationName, opInvite) {
			continue
		}
		if who := initiator(r.InitiatedBy); who != "" {
			ids[who] = append(ids[who], r.Id)
		}
	}
	out := make([]Case, len(cases))
	for i, c := range cases {
		c.EventIDs = append(append([]string{}, ids[c.Subject]...), c.EventIDs...)
		if len(c.EventIDs) == 0 {
			c.EventIDs = nil
		}
		out[i] = c
	}
	return Key{Scenario: name, Seed: seed, AsOf: data.FormatTime(asOf), Baseline: baselineSpan, Window: windowSpan, Cases: out}
}

// initiator is the user's UPN, or the app's display name, that an entry's
// InitiatedBy names.
func initiator(raw json.RawMessage) string {
	var by struct {
		User *struct {
			UPN string `json:"userPrincipalName"`
		} `json:"user"`
		App *struct {
			DisplayName string `json:"displayName"`
		} `json:"app"`
	}
	if json.Unmarshal(raw, &by) != nil {
		return ""
	}
	switch {
	case by.User != nil && by.User.UPN != "":
		return by.User.UPN
	case by.App != nil:
		return by.App.DisplayName
	}
	return ""
}

// single is the usual tenant: one export in the chosen format.
func (p *plan) single(recs []data.Record, extra ...signIn) Tenant {
	return Tenant{Files: []File{exportFile(p.opt, p.opt.Format, recs, extra...)}, Key: p.key(recs)}
}

// stamp formats a time for explanations.
func stamp(t time.Time) string { return t.UTC().Format("Mon 2 Jan 15:04 UTC") }

// on is hh:mm UTC daysBefore days before the as-of day, plus up to a
// minute of jitter.
func (p *plan) on(daysBefore, hh, mm int) time.Time {
	d := p.end.Truncate(day).Add(-time.Duration(daysBefore)*day + time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	return d.Add(time.Duration(p.b.Rand().Int64N(int64(time.Minute/data.Tick))) * data.Tick)
}
