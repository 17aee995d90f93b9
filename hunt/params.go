package hunt

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// AsOfMode says how the as-of instant T (Kusto's now()) is chosen.
type AsOfMode int

const (
	// AsOfLatest takes the latest TimeGenerated loaded: exports are old, so
	// this is the instant at which a Sentinel run would have seen them.
	AsOfLatest AsOfMode = iota
	// AsOfNow takes the wall clock, as Sentinel itself does.
	AsOfNow
	// AsOfFixed takes AsOf.At.
	AsOfFixed
)

// AsOf is the as-of instant T of a run: every ago(x) in the rule is T-x.
type AsOf struct {
	Mode AsOfMode
	At   time.Time // used by AsOfFixed only; UTC at 100 ns
}

// ParseAsOf accepts "" or "latest", "now", or an RFC 3339 instant with up
// to 9 fractional digits (truncated to Kusto's 100 ns tick).
func ParseAsOf(s string) (AsOf, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "latest":
		return AsOf{Mode: AsOfLatest}, nil
	case "now":
		return AsOf{Mode: AsOfNow}, nil
	}
	t, err := formats.ParseTimestamp(strings.TrimSpace(s))
	if err != nil {
		return AsOf{}, fmt.Errorf("as-of %q: want latest, now or an RFC 3339 instant such as 2026-10-15T00:00:00Z", s)
	}
	return AsOf{Mode: AsOfFixed, At: t}, nil
}

// String spells a in the form ParseAsOf reads.
func (a AsOf) String() string {
	switch a.Mode {
	case AsOfNow:
		return "now"
	case AsOfFixed:
		return formatInstant(a.At)
	}
	return "latest"
}

// formatInstant writes t with all seven tick digits, as Kusto prints datetimes.
func formatInstant(t time.Time) string {
	return t.UTC().Format(data.TimeLayout)
}

// Params are the knobs of one run of the rule.
type Params struct {
	AsOf     AsOf
	Baseline time.Duration // ago(14d): how far back inviters count as known
	Window   time.Duration // ago(1d): the detection window
	// FoldCase compares inviter UPNs case-insensitively (Kusto's !in~).
	// Sentinel's rule uses the case-sensitive !in, so results differ from
	// Sentinel's when this is on; every result says so.
	FoldCase bool
}

// DefaultParams are the rule as published: as of the latest event, a 14-day
// baseline, a 1-day window, case-sensitive comparison.
func DefaultParams() Params {
	return Params{AsOf: AsOf{Mode: AsOfLatest}, Baseline: 14 * 24 * time.Hour, Window: 24 * time.Hour}
}

// Validate rejects non-positive durations. A baseline no longer than the
// window is allowed: Kusto's between() then spans an empty (or a single
// instant's) interval and simply matches (almost) nothing.
func (p Params) Validate() error {
	var errs []error
	if p.Baseline <= 0 {
		errs = append(errs, fmt.Errorf("baseline %s: must be positive", FormatTimespan(p.Baseline)))
	}
	if p.Window <= 0 {
		errs = append(errs, fmt.Errorf("window %s: must be positive", FormatTimespan(p.Window)))
	}
	if p.AsOf.Mode < AsOfLatest || p.AsOf.Mode > AsOfFixed {
		errs = append(errs, fmt.Errorf("as-of mode %d: unknown", p.AsOf.Mode))
	}
	if p.AsOf.Mode == AsOfFixed && p.AsOf.At.IsZero() {
		errs = append(errs, errors.New("as-of: a fixed instant is required"))
	}
	return errors.Join(errs...)
}

// String renders the parameters as the Kusto they stand for.
func (p Params) String() string {
	notIn := "!in"
	if p.FoldCase {
		notIn = "!in~"
	}
	now := "now() = latest TimeGenerated loaded"
	switch p.AsOf.Mode {
	case AsOfNow:
		now = "now() = wall clock"
	case AsOfFixed:
		now = "now() = datetime(" + formatInstant(p.AsOf.At) + ")"
	}
	b, w := FormatTimespan(p.Baseline), FormatTimespan(p.Window)
	return fmt.Sprintf("%s; baseline: TimeGenerated between (ago(%s) .. ago(%s)); detection: TimeGenerated > ago(%s); InitiatingUserPrincipalName %s (inviting_users)",
		now, b, w, w, notIn)
}
