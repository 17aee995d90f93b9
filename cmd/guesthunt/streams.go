package main

import (
	"io"
	"strings"

	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// streams are the command's standard streams, swapped out in tests.
type streams struct {
	in  io.Reader
	out io.Writer
	err io.Writer
}

// safe makes text from the data (file names, reasons quoting records) harmless
// on a terminal: textsafe's markers, the policy the workbench draws with too.
func (streams) safe(s string) string { return textsafe.Text(s) }

// isCobraUsage recognises cobra's own flag and argument errors.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown command", "unknown shorthand", "invalid argument",
		"flag needs an argument", "accepts ", "requires at least", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
