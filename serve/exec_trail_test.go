package serve

import "testing"

// trail runs over ssh with the rule's flags and --stale; paths stay refused.
func TestExecTrail(t *testing.T) {
	for _, args := range [][]string{
		{"trail"}, {"trail", "--format", "json", "--stale", "3d"}, {"trail", "--stale=12h", "--as-of", "latest"},
	} {
		if why := checkExec(args); why != "" {
			t.Errorf("%v refused: %s", args, why)
		}
	}
	for _, args := range [][]string{{"trail", "exports/"}, {"trail", "--db", "x.duckdb"}, {"trail", "--stale"}} {
		if why := checkExec(args); why == "" {
			t.Errorf("%v accepted", args)
		}
	}
}
