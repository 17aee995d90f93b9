package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// trail --format json: one object per guest with exactly the documented
// keys, times with seven fractional digits, the planted admin trail.
func TestTrailJSONShape(t *testing.T) {
	r := runCLI(t, "", "trail", "--format", "json", "--stale", "3h")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var trails []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &trails); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if len(trails) == 0 {
		t.Fatal("no trails from the demo")
	}
	keysOf := func(m map[string]json.RawMessage) []string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return ks
	}
	admin := false
	for _, tr := range trails {
		if got := keysOf(tr); !slices.Equal(got, []string{"email", "guest", "invitedAt", "inviter", "signals", "steps"}) {
			t.Fatalf("trail keys %v", got)
		}
		var steps, signals []map[string]json.RawMessage
		json.Unmarshal(tr["steps"], &steps)
		json.Unmarshal(tr["signals"], &signals)
		for _, s := range steps {
			if got := keysOf(s); !slices.Equal(got, []string{"actor", "detail", "ip", "kind", "operation", "sinceInvite", "time"}) {
				t.Fatalf("step keys %v", got)
			}
			var at string
			json.Unmarshal(s["time"], &at)
			if len(at) != len("2026-10-31T13:31:36.6876886Z") {
				t.Errorf("step time %q: want RFC 3339 with 7 digits", at)
			}
		}
		for _, s := range signals {
			if got := keysOf(s); !slices.Equal(got, []string{"detail", "kind"}) {
				t.Fatalf("signal keys %v", got)
			}
		}
		if string(tr["email"]) == `"jonas.berg.nw@gmail.com"` {
			admin = strings.Contains(string(tr["steps"]), `"kind": "role"`) &&
				strings.Contains(string(tr["signals"]), `"kind": "privileged-role"`)
		}
	}
	if !admin {
		t.Errorf("the planted admin trail is missing:\n%s", r.stdout)
	}
	if strings.ContainsRune(r.stdout, '\u202e') || strings.ContainsRune(r.stdout, '\x1b') {
		t.Error("hostile runes reached the terminal unescaped")
	}
}

func TestTrailTable(t *testing.T) {
	r := runCLI(t, "", "trail", "--stale", "3h")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{
		"jonas.berg@northwindtraders.example invited jonas.berg.nw_gmail.com#EXT#@northwindtraders.onmicrosoft.com",
		"role    jonas.berg@northwindtraders.example     203.0.113.66  Global Administrator",
		"! privileged-role: given the admin role \"Global Administrator\" 39m 59s after the invite",
		"! lookalike-domain: the domain northwlndtraders.example looks like northwindtraders.example",
		"! never-redeemed:", "‹RLO›", "(10 guests)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "IT Admins") {
		t.Error("the member namesake's admin group joined a guest's trail")
	}
	if !strings.Contains(r.stderr, "10 guest trails") || !strings.Contains(r.stderr, "alert rows from") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestTrailUsage(t *testing.T) {
	for _, args := range [][]string{
		{"trail", "--format", "csv"}, {"trail", "--stale", "0s"}, {"trail", "--stale", "soon"},
	} {
		if r := runCLI(t, "", args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want usage: %s", args, r.code, r.stderr)
		}
	}
}

// Over ssh trail prints what the local command prints, --stale included.
func TestServedTrailMatchesLocal(t *testing.T) {
	db := servedCase(t)
	args := []string{"trail", "--format", "json", "--stale", "2h"}
	local := runCLI(t, "", append(args, "--db", db)...)
	served := openServedCase(t, db)
	r := runServed(served, args...)
	if r.code != exitOK || r.stdout != local.stdout || local.code != exitOK {
		t.Errorf("exit %d, stdout differs from the local command's:\n%s\nlocal (%d):\n%s\nstderr: %s",
			r.code, r.stdout, local.code, local.stdout, r.stderr)
	}
}
