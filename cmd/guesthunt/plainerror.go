package main

import (
	"context"
	"errors"
	"regexp"
	"strings"
)

// plainError says what went wrong in the analyst's words: driver and
// library prefixes go, and the failures people meet (an interrupt, a case
// file another process holds, a full disk) are named.
func plainError(err error) string {
	if errors.Is(err, context.Canceled) {
		return "interrupted"
	}
	msg := err.Error()
	for _, prefix := range []string{"database/sql/driver: ", "could not connect to database: "} {
		msg = strings.ReplaceAll(msg, prefix, "")
	}
	if m := lockHeld.FindStringSubmatch(msg); m != nil {
		return "the case file " + m[1] + " is open in another guesthunt (process " + m[2] +
			"); close that one first, or read this one with a copy"
	}
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(lower, "no space left on device"):
		return "the disk is full: " + msg
	case strings.Contains(lower, "permission denied"):
		return "permission denied: " + msg
	}
	return msg
}

// lockHeld matches DuckDB's refusal to open a file another process holds.
var lockHeld = regexp.MustCompile(`Could not set lock on file "([^"]+)": Conflicting lock is held in .*?\(PID (\d+)\)`)
