package serve

import (
	"fmt"
	"strings"

	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// Commands a session without a terminal may run. They read the served data
// and print; everything else (sql, load, demo, serve, a shell) is refused.
// Flags that name data or files (--db, paths, --out) are refused too: the
// commands run on what the server serves, and a session writes nothing on
// the server.
func execAllowed(name string) bool {
	switch name {
	case "hunt", "report", "kql", "replay", "trail", "scores": // scores: a classroom's, for key logins (cmd decides)
		return true
	}
	return false
}

// flagTakesValue lists the flags a served command accepts: true when the
// flag takes a value (--baseline 14d or --baseline=14d), false for a switch.
func flagTakesValue(name string) (takes, known bool) {
	switch name {
	case "--format", "--as-of", "--baseline", "--window", "--every", "--from", "--to", "--stale":
		return true, true
	case "--fold-case", "--uncovered", "--help", "-h":
		return false, true
	}
	return false, false
}

// checkExec returns "" when args may run, else the message to show.
func checkExec(args []string) string {
	if len(args) == 0 {
		return "guesthunt serve: this session has no terminal; connect with ssh -t for the workbench, " +
			"or run one of: hunt, report, kql, replay, trail, scores (e.g. ssh HOST hunt --format json)"
	}
	if !execAllowed(args[0]) {
		return fmt.Sprintf("guesthunt serve: %q is not available over SSH; only hunt, report, kql, replay, trail and scores run here, "+
			"on the served data (the workbench: ssh -t HOST)", textsafe.Text(args[0]))
	}
	for i := 1; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(a, "=")
		takes, known := flagTakesValue(name)
		switch {
		case !strings.HasPrefix(a, "-"):
			return fmt.Sprintf("guesthunt serve: %s runs on the served data; %q is not accepted (no paths over SSH)",
				args[0], textsafe.Text(a))
		case !known:
			return fmt.Sprintf("guesthunt serve: %s over SSH accepts only --format, --as-of, --baseline, --window, --fold-case (and replay's --every, --from, --to, --uncovered, trail's --stale); not %q",
				args[0], textsafe.Text(name))
		case takes && !hasValue:
			if i+1 >= len(args) {
				return fmt.Sprintf("guesthunt serve: %s needs a value", name)
			}
			i++ // the value
		case !takes && hasValue && name != "--fold-case":
			return fmt.Sprintf("guesthunt serve: %s takes no value", name)
		}
	}
	return ""
}
