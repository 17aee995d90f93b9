package formats

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// The Log Analytics portal's "Export to CSV" names the zone of its datetime
// columns in the header: "TimeGenerated [UTC]" when the portal showed UTC,
// "TimeGenerated [Local Time]" when it showed the browser's local time (the
// file does not say which zone that was), and an offset such as
// "TimeGenerated [UTC+02:00]" when a fixed zone was chosen.

// portalHeader splits a header cell into the column name and the zone text
// in its bracket suffix ("" when there is none).
func portalHeader(cell string) (name, zone string) {
	name = strings.TrimSpace(cell)
	if !strings.HasSuffix(name, "]") {
		return name, ""
	}
	open := strings.LastIndex(name, "[")
	if open <= 0 || name[open-1] != ' ' {
		return name, ""
	}
	return strings.TrimSpace(name[:open]), strings.TrimSpace(name[open+1 : len(name)-1])
}

var offsetZone = regexp.MustCompile(`^(?i:UTC|GMT)?\s*([+-])([0-9]{1,2})(?::?([0-9]{2}))?$`)

// ParseTimeZone reads a --tz value: an IANA zone name (Europe/Berlin), UTC,
// or a fixed offset (+02:00, -0530, +2, UTC+02:00).
func ParseTimeZone(s string) (*time.Location, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "UTC") || strings.EqualFold(s, "Z") || strings.EqualFold(s, "GMT") {
		return time.UTC, nil
	}
	if loc, ok := offsetLocation(s); ok {
		return loc, nil
	}
	if s == "" || strings.EqualFold(s, "Local") {
		return nil, fmt.Errorf("%q is not a time zone: name one such as Europe/Berlin, or an offset such as +02:00", s)
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not a time zone: name one such as Europe/Berlin, or an offset such as +02:00", s)
	}
	return loc, nil
}

// offsetLocation reads a fixed offset such as +02:00 or UTC-5.
func offsetLocation(s string) (*time.Location, bool) {
	m := offsetZone.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil, false
	}
	h, _ := strconv.Atoi(m[2])
	mins := 0
	if m[3] != "" {
		mins, _ = strconv.Atoi(m[3])
	}
	if h > 23 || mins > 59 {
		return nil, false
	}
	secs := h*3600 + mins*60
	if m[1] == "-" {
		secs = -secs
	}
	if secs == 0 {
		return time.UTC, true
	}
	return time.FixedZone(fmt.Sprintf("UTC%s%02d:%02d", m[1], h, mins), secs), true
}

// portalZone is the zone of a portal column whose header bracket says zone:
// nil for UTC (or no bracket), the offset it names, or tz for local time.
// Local time without tz is an error telling how to get a usable file.
func portalZone(header, zone string, tz *time.Location) (*time.Location, error) {
	if zone == "" || strings.EqualFold(zone, "UTC") {
		return nil, nil
	}
	if loc, ok := offsetLocation(zone); ok {
		if loc == time.UTC {
			return nil, nil
		}
		return loc, nil
	}
	if tz != nil {
		if tz == time.UTC {
			return nil, nil
		}
		return tz, nil
	}
	return nil, fmt.Errorf("column %q holds times in the browser's local time, and the file does not say which zone that was: "+
		"export again with the portal's time display set to UTC (Log Analytics: the time zone selector above the results, "+
		"or Settings > Display time zone, then Export to CSV), or load with --tz naming the zone the times were shown in "+
		"(an IANA name such as Europe/Berlin, or an offset such as +02:00)", header)
}

// wallTimeIn reads t's UTC wall clock as a wall clock in loc. cell is the
// text it came from: an ISO time that names its own offset keeps it.
func wallTimeIn(t time.Time, loc *time.Location, cell string) (time.Time, error) {
	c := strings.TrimSpace(cell)
	if _, err := ParseTimestamp(c); err == nil && len(c) > 10 && strings.ContainsAny(c[10:], "+-Zz") {
		return t, nil
	}
	u := data.ToTick(time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc))
	if !InTimeRange(u) {
		return time.Time{}, fmt.Errorf("%q in %s is outside the range a timestamp can hold", cell, loc)
	}
	return u, nil
}
