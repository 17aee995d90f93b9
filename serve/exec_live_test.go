package serve

import (
	"strings"
	"testing"
)

// A served session must never pull or query a workspace: it would use,
// and spend, the server's Azure sign-in on behalf of whoever connected.
func TestLiveSourcesRefusedOverSSH(t *testing.T) {
	for _, args := range [][]string{
		{"pull", "--workspace", "00000000-0000-0000-0000-000000000000", "--db", "x.duckdb"},
		{"pull", "status"},
		{"pull"},
		{"hunt", "--workspace", "00000000-0000-0000-0000-000000000000"},
		{"hunt", "--workspace=ws"},
		{"hunt", "--graph"},
		{"hunt", "--verify"},
		{"hunt", "--auth", "device"},
	} {
		why := checkExec(args)
		if why == "" {
			t.Errorf("%q runs over SSH", strings.Join(args, " "))
		}
	}
}
