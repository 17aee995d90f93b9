package formats

import (
	"fmt"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// The Log Analytics portal's "Export to CSV" writes datetimes the way the
// analyst's browser formats them (the " [UTC]" header suffix says they are
// UTC), at millisecond precision:
//
//	en-US  9/7/2023, 6:03:23.829 AM   (month first, 12-hour; newer browsers put U+202F before AM)
//	en-GB  07/09/2023, 06:03:23.829   (day first, 24-hour; some locales drop the comma)
//	de-DE  7.9.2023, 06:03:23.829     (dots: always day first)
//	nl-NL  7-9-2023, 06:03:23.829     (dashes after a short first field: always day first)
//	sv-SE  2023-09-07 06:03:23.829    (ISO-like; ParseTimestamp reads it)
//	ja-JP  2023/9/7 6:03:23.829       (year first)
//
// Only slash dates with the year last are ambiguous: 07/09/2023 is 7 September
// in en-GB and 9 July in an en-US browser set to a 24-hour clock. Nothing in
// one value settles it, so the order is decided per file (fileDateOrder).

// dateOrder says how to read a date whose first two fields could each be the
// day or the month.
type dateOrder int

const (
	orderUndecided  dateOrder = iota
	orderMonthFirst           // 9/7/2023 is 7 September (en-US)
	orderDayFirst             // 07/09/2023 is 7 September (en-GB, fr-FR, ...)
)

func (o dateOrder) String() string {
	switch o {
	case orderMonthFirst:
		return "month-first"
	case orderDayFirst:
		return "day-first"
	}
	return "undecided"
}

// localeStamp is a locale timestamp split into its fields, before the
// day/month order is applied.
type localeStamp struct {
	text      string
	a, b      int  // the first two date fields as written (month and day if yearFirst)
	year      int  // four digits
	sep       byte // date separator: '/', '.' or '-'
	yearFirst bool // 2023/9/7
	hour      int
	minute    int
	second    int
	nsec      int
	meridiem  byte // 0 on a 24-hour clock, 'A' or 'P'
	lowerAMPM bool // "am"/"pm", as day-first English locales write it
}

// proves reports the order a value forces: a field above 12 can only be a day.
func (st localeStamp) proves() dateOrder {
	if st.yearFirst || st.sep != '/' {
		return orderUndecided
	}
	switch {
	case st.a > 12 && st.b <= 12:
		return orderDayFirst
	case st.b > 12 && st.a <= 12:
		return orderMonthFirst
	}
	return orderUndecided
}

// needsOrder reports whether the day/month order changes what the value means.
func (st localeStamp) needsOrder() bool {
	return !st.yearFirst && st.sep == '/' && st.a != st.b && st.a <= 12 && st.b <= 12
}

// defaultOrder is the usual reading when nothing proves the order: "AM" is
// en-US (month first); the 24-hour locales that write slash dates (en-GB,
// fr-FR, es-ES, it-IT, pt-BR, ...) and the English ones writing a lower-case
// "am" (en-AU, en-IN, en-NZ) put the day first.
func (st localeStamp) defaultOrder() dateOrder {
	if st.meridiem != 0 && !st.lowerAMPM {
		return orderMonthFirst
	}
	return orderDayFirst
}

func (st localeStamp) resolve(order dateOrder) (time.Time, error) {
	var day, month int
	switch {
	case st.yearFirst:
		month, day = st.a, st.b
	case st.sep != '/':
		day, month = st.a, st.b
	case order == orderMonthFirst:
		month, day = st.a, st.b
	case order == orderDayFirst:
		day, month = st.a, st.b
	default:
		return time.Time{}, fmt.Errorf("%q is not a timestamp: its day/month order is unknown", st.text)
	}
	if month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("%q is not a timestamp: there is no month %d (read %s)", st.text, month, order)
	}
	hour := st.hour
	switch {
	case st.meridiem == 'A' && hour == 12:
		hour = 0
	case st.meridiem == 'P' && hour < 12:
		hour += 12
	}
	t := time.Date(st.year, time.Month(month), day, hour, st.minute, st.second, st.nsec, time.UTC)
	if day < 1 || t.Day() != day {
		return time.Time{}, fmt.Errorf("%q is not a timestamp: month %d has no day %d", st.text, month, day)
	}
	return data.ToTick(t), nil
}

// scanLocaleStamp splits a locale timestamp into fields and checks their ranges.
func scanLocaleStamp(s string) (localeStamp, error) {
	st := localeStamp{text: s}
	bad := fmt.Errorf("%q is not a timestamp", s)
	l := stampLexer{s: strings.TrimSpace(s)}

	first, width, ok := l.number(1, 4)
	if !ok || (width != 4 && width > 2) || !l.oneOf("/.-") {
		return st, bad
	}
	st.sep = l.s[l.pos-1]
	if st.sep == '.' {
		l.spaces() // cs-CZ "7. 9. 2023"
	}
	if width == 4 {
		st.yearFirst, st.year = true, first
		if st.a, _, ok = l.number(1, 2); !ok || !l.byte(st.sep) {
			return st, bad
		}
		if st.sep == '.' {
			l.spaces()
		}
		if st.b, _, ok = l.number(1, 2); !ok {
			return st, bad
		}
	} else {
		st.a = first
		if st.b, _, ok = l.number(1, 2); !ok || !l.byte(st.sep) {
			return st, bad
		}
		if st.sep == '.' {
			l.spaces()
		}
		if st.year, width, ok = l.number(4, 4); !ok || width != 4 {
			return st, bad
		}
	}
	if st.sep == '.' {
		l.byte('.') // hu-HU "2023. 09. 07."
	}

	comma := l.byte(',')
	if l.spaces() == 0 && !comma {
		return st, bad
	}
	if st.hour, _, ok = l.number(1, 2); !ok || !l.byte(':') {
		return st, bad
	}
	if st.minute, width, ok = l.number(2, 2); !ok {
		return st, bad
	}
	if l.byte(':') {
		if st.second, _, ok = l.number(2, 2); !ok {
			return st, bad
		}
		if l.byte('.') || l.byte(',') {
			if st.nsec, ok = l.fraction(); !ok {
				return st, bad
			}
		}
	}
	l.spaces()
	st.meridiem, st.lowerAMPM = l.meridiem()
	if l.pos != len(l.s) {
		return st, bad
	}

	if st.minute > 59 || st.second > 59 {
		return st, bad
	}
	if st.meridiem != 0 {
		if st.hour < 1 || st.hour > 12 {
			return st, fmt.Errorf("%q is not a timestamp: a 12-hour clock has no hour %d", s, st.hour)
		}
	} else if st.hour > 23 {
		return st, bad
	}
	return st, nil
}

// stampLexer walks a timestamp byte by byte; every method leaves pos
// unchanged when it does not match.
type stampLexer struct {
	s   string
	pos int
}

// number reads between minDigits and maxDigits decimal digits and fails if
// another digit follows, so "123" never reads as "12".
func (l *stampLexer) number(minDigits, maxDigits int) (value, width int, ok bool) {
	start := l.pos
	for l.pos < len(l.s) && l.pos-start < maxDigits && stampIsDigit(l.s[l.pos]) {
		value = value*10 + int(l.s[l.pos]-'0')
		l.pos++
	}
	width = l.pos - start
	if width < minDigits || (l.pos < len(l.s) && stampIsDigit(l.s[l.pos])) {
		l.pos = start
		return 0, 0, false
	}
	return value, width, true
}

// fraction reads 1 to 9 fractional-second digits as nanoseconds.
func (l *stampLexer) fraction() (int, bool) {
	start := l.pos
	nsec, scale := 0, 100000000
	for l.pos < len(l.s) && stampIsDigit(l.s[l.pos]) {
		nsec += int(l.s[l.pos]-'0') * scale
		scale /= 10
		l.pos++
	}
	if n := l.pos - start; n == 0 || n > 9 {
		l.pos = start
		return 0, false
	}
	return nsec, true
}

func (l *stampLexer) byte(c byte) bool {
	if l.pos < len(l.s) && l.s[l.pos] == c {
		l.pos++
		return true
	}
	return false
}

func (l *stampLexer) oneOf(set string) bool {
	if l.pos < len(l.s) && strings.IndexByte(set, l.s[l.pos]) >= 0 {
		l.pos++
		return true
	}
	return false
}

// spaces skips the blanks browsers put in dates: space, no-break space and
// the narrow no-break space ICU 72+ puts before AM/PM. It returns how many.
func (l *stampLexer) spaces() int {
	n := 0
	for l.blank() {
		n++
	}
	return n
}

func (l *stampLexer) blank() bool {
	for _, b := range []string{" ", "\u00a0", "\u202f"} {
		if strings.HasPrefix(l.s[l.pos:], b) {
			l.pos += len(b)
			return true
		}
	}
	return false
}

// meridiem reads AM/PM in the spellings en-US ("AM"), en-AU and en-IN
// ("am") and en-CA ("a.m.") use. It returns 'A' or 'P' (0 if absent) and
// whether it was written in lower case.
func (l *stampLexer) meridiem() (byte, bool) {
	for _, m := range []string{"a.m.", "p.m.", "am", "pm"} {
		if len(l.s)-l.pos >= len(m) && strings.EqualFold(l.s[l.pos:l.pos+len(m)], m) {
			lower := l.s[l.pos] == m[0]
			l.pos += len(m)
			return m[0] - 'a' + 'A', lower
		}
	}
	return 0, false
}

func stampIsDigit(c byte) bool { return c >= '0' && c <= '9' }

// fileDateOrder is the day/month order of one file's ambiguous slash dates.
//
// A file is written by one browser, so one order holds for all of it. The
// first value with a field above 12 proves the order; until one turns up the
// reader holds back the rows whose dates it cannot read yet (csvRecordReader).
// If the file ends, or too many rows wait, without proof, the order of the
// first ambiguous value's style is assumed (defaultOrder). A value that
// contradicts the order in force is rejected, naming what set the order,
// never silently read the other way.
type fileDateOrder struct {
	order dateOrder
	basis string // what set the order, for error messages

	firstAmbiguous     string // the first value that needed the order
	firstAmbiguousLine int64
}

func (f *fileDateOrder) decided() bool { return f.order != orderUndecided }

// observe notes what one time cell on line says about the order and reports
// whether reading the cell must wait for the order to be decided.
func (f *fileDateOrder) observe(cell string, line int64) (mustWait bool) {
	if f.decided() || cell == "" {
		return false
	}
	if _, err := ParseTimestamp(cell); err == nil {
		return false
	}
	st, err := scanLocaleStamp(cell)
	if err != nil {
		return false // rejected when the row is converted
	}
	if p := st.proves(); p != orderUndecided {
		f.order = p
		f.basis = fmt.Sprintf("line %d has %q", line, cell)
		return false
	}
	if !st.needsOrder() {
		return false
	}
	if f.firstAmbiguous == "" {
		f.firstAmbiguous, f.firstAmbiguousLine = cell, line
	}
	return true
}

// assume settles the order without proof, as the first ambiguous value's
// style suggests; why says what stopped the wait.
func (f *fileDateOrder) assume(why string) {
	if f.decided() {
		return
	}
	st, err := scanLocaleStamp(f.firstAmbiguous)
	f.order = orderDayFirst
	if err == nil {
		f.order = st.defaultOrder()
	}
	f.basis = fmt.Sprintf("assumed from the style of %q on line %d: %s",
		f.firstAmbiguous, f.firstAmbiguousLine, why)
}

// parse reads one time cell under the file's order.
func (f *fileDateOrder) parse(cell string) (time.Time, error) {
	if t, err := ParseTimestamp(cell); err == nil {
		return t, nil
	}
	st, err := scanLocaleStamp(cell)
	if err != nil {
		return time.Time{}, err
	}
	if p := st.proves(); p != orderUndecided && f.decided() && p != f.order {
		return time.Time{}, fmt.Errorf("%q is not a timestamp: it can only be read %s, but this file's dates are %s (%s)",
			cell, p, f.order, f.basis)
	}
	order := f.order
	if order == orderUndecided {
		order = st.proves()
	}
	if order == orderUndecided {
		order = st.defaultOrder() // only values that need no order get here
	}
	return st.resolve(order)
}
