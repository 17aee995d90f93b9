package formats

import (
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// ParseTimestamp reads the ISO 8601 spellings real exports use:
// "2021-08-02T13:29:25.9831234Z", a space instead of T, "Z", an offset
// (+00:00, +0000, +00) or none (taken as UTC), 0 to 9 fractional digits.
// The result is UTC, truncated to Kusto's 100 ns tick.
func ParseTimestamp(s string) (time.Time, error) {
	p := tsParser{s: s}
	t, ok := p.parse()
	if !ok {
		return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
	}
	return t, nil
}

type tsParser struct {
	s   string
	pos int
}

func (p *tsParser) digits(n int) (int, bool) {
	if p.pos+n > len(p.s) {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		c := p.s[p.pos+i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	p.pos += n
	return v, true
}

func (p *tsParser) byte(c byte) bool {
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *tsParser) parse() (time.Time, bool) {
	year, ok1 := p.digits(4)
	ok2 := p.byte('-')
	month, ok3 := p.digits(2)
	ok4 := p.byte('-')
	day, ok5 := p.digits(2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return time.Time{}, false
	}
	var hour, min, sec, nsec int
	if p.byte('T') || p.byte('t') || p.byte(' ') {
		var ok bool
		if hour, ok = p.digits(2); !ok || !p.byte(':') {
			return time.Time{}, false
		}
		if min, ok = p.digits(2); !ok {
			return time.Time{}, false
		}
		if p.byte(':') {
			if sec, ok = p.digits(2); !ok {
				return time.Time{}, false
			}
			if p.byte('.') || p.byte(',') {
				n := 0
				scale := 100000000
				for p.pos < len(p.s) && p.s[p.pos] >= '0' && p.s[p.pos] <= '9' {
					if n < 9 {
						nsec += int(p.s[p.pos]-'0') * scale
						scale /= 10
					}
					n++
					p.pos++
				}
				if n == 0 || n > 9 {
					return time.Time{}, false
				}
			}
		}
	}
	offset := 0
	switch {
	case p.pos == len(p.s):
	case p.byte('Z') || p.byte('z'):
	case p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-'):
		sign := 1
		if p.s[p.pos] == '-' {
			sign = -1
		}
		p.pos++
		oh, ok := p.digits(2)
		if !ok {
			return time.Time{}, false
		}
		om := 0
		if p.byte(':') {
			if om, ok = p.digits(2); !ok {
				return time.Time{}, false
			}
		} else if p.pos < len(p.s) {
			if om, ok = p.digits(2); !ok {
				return time.Time{}, false
			}
		}
		if oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset = sign * (oh*3600 + om*60)
	default:
		return time.Time{}, false
	}
	if p.pos != len(p.s) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || hour > 23 || min > 59 || sec > 60 {
		return time.Time{}, false
	}
	if sec == 60 { // a leap second, as some exports spell it, is the next second's start
		sec = 59
		nsec = 999999900
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, nsec, time.UTC)
	if t.Day() != day { // 31 February and the like
		return time.Time{}, false
	}
	return data.ToTick(t.Add(-time.Duration(offset) * time.Second)), true
}
