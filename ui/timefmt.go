package ui

import "time"

// rowTime is the one spelling of an instant in the panes (UTC, to the
// second); column titles say "(UTC)". hunt.TableTime (another branch) will
// replace it.
const rowTime = "2006-01-02 15:04:05"

// tableTime formats t for a table cell.
func tableTime(t time.Time) string { return t.UTC().Format(rowTime) }

// utcTitle labels a time column's title with the zone its cells are in.
func utcTitle(s string) string { return s + " (UTC)" }
