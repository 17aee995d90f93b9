package hunt

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// TestTrailsTakeTheGate: Trails waits for a slot like Run, and gives up
// with its context; with the slot free it runs (and takes it only once).
func TestTrailsTakeTheGate(t *testing.T) {
	e := newEngine(t, ginaInvite(ago(time.Hour)))
	e.SetConcurrency(1)
	release, err := e.gate.enter(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := e.Trails(ctx, TrailParams{Params: fixedParams()}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Trails ran while the only slot was taken: %v", err)
	}
	release()
	if trails, err := e.Trails(context.Background(), TrailParams{Params: fixedParams()}); err != nil || len(trails) != 1 {
		t.Fatalf("%v %v", trails, err)
	}
}

// Malformed dynamic columns make no step and never panic.
func TestTrailStepOfMalformed(t *testing.T) {
	for _, raw := range []string{"", "null", "42", `"text"`, `{"user":5}`, `[1,2]`, `[{"modifiedProperties":"x"}]`,
		`"[{\"type\":\"Role\",\"displayName\":\"Global Administrator\"}]"`, `{`} {
		r := data.Record{OperationName: "Add member to role", InitiatedBy: json.RawMessage(raw),
			TargetResources: json.RawMessage(raw), TimeGenerated: asOfT()}
		st, ok := stepOf(r, ago(time.Hour))
		if !ok || st.Kind != StepRole {
			t.Errorf("%s: %+v %v", raw, st, ok)
		}
		r.OperationName = "Update user"
		if _, ok := stepOf(r, ago(time.Hour)); ok {
			t.Errorf("%s: an Update user without UserType or the portal made a step", raw)
		}
	}
	// JSON text holding the targets (FORMATS.md: dynamic columns as text).
	r := data.Record{OperationName: "Add member to role", TimeGenerated: asOfT(),
		TargetResources: json.RawMessage(`"[{\"type\":\"Role\",\"displayName\":\"Global Administrator\"}]"`)}
	if st, _ := stepOf(r, ago(time.Hour)); st.Detail != "Global Administrator" {
		t.Errorf("detail %q", st.Detail)
	}
	for _, ip := range [][2]string{{"192.0.2.1", "192.0.2.200"}, {"2001:db8:1::1", "2001:db8:1:ffff::9"}, {"x", "X"}} {
		if differentNetwork(ip[0], ip[1]) {
			t.Errorf("%s and %s are one network", ip[0], ip[1])
		}
	}
	for _, ip := range [][2]string{{"192.0.2.1", "192.0.3.1"}, {"192.0.2.1", "2001:db8::1"}, {"x", "y"}} {
		if !differentNetwork(ip[0], ip[1]) {
			t.Errorf("%s and %s are different networks", ip[0], ip[1])
		}
	}
}
