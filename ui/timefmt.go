package ui

import (
	"time"

	"github.com/guesthunt/guesthunt/hunt"
)

// rowTime is hunt.TableTime's layout, for the filter, which appends it
// without allocating; a test keeps the two the same.
const rowTime = "2006-01-02 15:04:05"

// tableTime formats t for a table cell: hunt.TableTime, the one spelling
// of an instant in tables (UTC, to the second) that guesthunt hunt's table
// output uses too.
func tableTime(t time.Time) string { return hunt.TableTime(t) }

// utcTitle labels a time column's title with the zone its cells are in.
func utcTitle(s string) string { return s + " " + hunt.TableTimeLabel }
