package hunt

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseAsOf(t *testing.T) {
	cases := []struct {
		in   string
		want AsOf
	}{
		{"", AsOf{Mode: AsOfLatest}},
		{"latest", AsOf{Mode: AsOfLatest}},
		{"LATEST", AsOf{Mode: AsOfLatest}},
		{"now", AsOf{Mode: AsOfNow}},
		{"2026-10-15T12:00:00Z", AsOf{Mode: AsOfFixed, At: asOfT()}},
		{"2026-10-15T14:00:00+02:00", AsOf{Mode: AsOfFixed, At: asOfT()}},
		{"2026-10-15T12:00:00.1234567Z", AsOf{Mode: AsOfFixed, At: asOfT().Add(123456700)}},
		{"2026-10-15T12:00:00.123456789Z", AsOf{Mode: AsOfFixed, At: asOfT().Add(123456700)}},
	}
	for _, c := range cases {
		got, err := ParseAsOf(c.in)
		if err != nil || got.Mode != c.want.Mode || !got.At.Equal(c.want.At) {
			t.Errorf("ParseAsOf(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if back, err := ParseAsOf(got.String()); err != nil || back.Mode != got.Mode || !back.At.Equal(got.At) {
			t.Errorf("round trip of %q via %q: %+v, %v", c.in, got.String(), back, err)
		}
	}
	for _, bad := range []string{"yesterday", "2026-13-01", "2026-10-15T12:00:00.1234567890Z"} {
		if _, err := ParseAsOf(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseAsOf(%q): %v", bad, err)
		}
	}
}

func TestParamsValidate(t *testing.T) {
	cases := []struct {
		name string
		mod  func(*Params)
		ok   bool
	}{
		{"defaults", func(*Params) {}, true},
		{"baseline shorter than window is allowed", func(p *Params) { p.Baseline = time.Hour }, true},
		{"baseline equal to window is allowed", func(p *Params) { p.Baseline = p.Window }, true},
		{"zero baseline", func(p *Params) { p.Baseline = 0 }, false},
		{"negative window", func(p *Params) { p.Window = -time.Hour }, false},
		{"fixed without instant", func(p *Params) { p.AsOf = AsOf{Mode: AsOfFixed} }, false},
		{"unknown mode", func(p *Params) { p.AsOf = AsOf{Mode: 7} }, false},
	}
	for _, c := range cases {
		p := DefaultParams()
		c.mod(&p)
		if err := p.Validate(); (err == nil) != c.ok {
			t.Errorf("%s: Validate() = %v", c.name, err)
		}
	}
}

func TestParamsString(t *testing.T) {
	p := DefaultParams()
	want := "now() = latest TimeGenerated loaded; baseline: TimeGenerated between (ago(14d) .. ago(1d)); " +
		"detection: TimeGenerated > ago(1d); InitiatingUserPrincipalName !in (inviting_users)"
	if got := p.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	p = fixedParams()
	p.Baseline, p.Window, p.FoldCase = 36*time.Hour, 90*time.Minute, true
	want = "now() = datetime(2026-10-15T12:00:00.0000000Z); baseline: TimeGenerated between (ago(36h) .. ago(90m)); " +
		"detection: TimeGenerated > ago(90m); InitiatingUserPrincipalName !in~ (inviting_users)"
	if got := p.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestAlertColumns(t *testing.T) {
	cols := AlertColumns()
	first := []string{"TimeGenerated", "OperationName", "Result", "TargetUserPrincipalName", "TargetAadUserId",
		"InitiatingUserPrincipalName", "InitiatingAadUserId", "InitiatingIPAddress"}
	extended := []string{"invitingUser", "invitedUserPrincipalName", "InitiatingAccountName",
		"InitiatingAccountUPNSuffix", "TargetAccountName", "TargetAccountUPNSuffix"}
	var rest []string
	for _, name := range auditLogsNames() {
		if name != "TimeGenerated" && name != "OperationName" && name != "Result" {
			rest = append(rest, name)
		}
	}
	want := append(append(append([]string{}, first...), rest...), extended...)
	if strings.Join(cols, ",") != strings.Join(want, ",") {
		t.Errorf("AlertColumns\n got %v\nwant %v", cols, want)
	}
	if n := len(Alert{}.Values()); n != len(cols) {
		t.Errorf("Values has %d cells for %d columns", n, len(cols))
	}
	// Every string cell must come from the field of the same name: fill each
	// string field (the embedded Record's too) with its own name and compare.
	var a Alert
	v := reflect.ValueOf(&a).Elem()
	for _, sf := range reflect.VisibleFields(v.Type()) {
		if f := v.FieldByIndex(sf.Index); !sf.Anonymous && f.Kind() == reflect.String && f.CanSet() {
			f.SetString(sf.Name)
		}
	}
	for i, cell := range a.Values() {
		if s, ok := cell.(string); ok && !strings.EqualFold(s, cols[i]) {
			t.Errorf("Values()[%d] holds field %s, column is %s", i, s, cols[i])
		}
	}
}
