package store

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// When two records are the same event (SEMANTICS.md): the same Id, or one
// of them without an Id (the Entra portal download has none), and agreement
// on every field both copies carry after the differences formats are known
// to introduce. A field one copy lacks is no disagreement.
//
// The store finds candidate pairs and settles the plain cases in SQL
// (dedup.go); whatever SQL cannot settle is decided here, on eventCopy.

// eventCopy is one stored record as the resolution compares it.
// newEventCopy sizes its columns.
type eventCopy struct {
	row, source int64
	// Quality order, computed in SQL so both sides agree: finer time first,
	// then more fields carried, then content (so ties never depend on load order).
	class, fields int64
	content       uint64
	// By data.AuditLogsColumns index: strings, numbers (times as epoch ns,
	// DurationMs; nil = absent) and dynamic text (nil = absent).
	strs []string
	nums []*int64
	dyns []*string
}

func newEventCopy() *eventCopy {
	n := len(data.AuditLogsColumns)
	return &eventCopy{strs: make([]string, n), nums: make([]*int64, n), dyns: make([]*string, n)}
}

func (c *eventCopy) id() string { return c.strs[columnIndex("Id")] }

// better reports whether c comes before o in the quality order.
func (c *eventCopy) better(o *eventCopy) bool {
	if c.class != o.class {
		return c.class > o.class
	}
	if c.fields != o.fields {
		return c.fields > o.fields
	}
	if c.content != o.content {
		return c.content < o.content
	}
	return c.row < o.row
}

// timeClass is the precision an instant was evidently written with, in
// fractional digits: 0 (seconds), 3 (milliseconds), 6 (microseconds) or 7
// (Kusto's 100 ns tick). A copy at 3 is compared with others at 3.
func timeClass(ns int64) int64 {
	switch {
	case ns%1_000_000_000 == 0:
		return 0
	case ns%1_000_000 == 0:
		return 3
	case ns%1_000 == 0:
		return 6
	}
	return 7
}

// classUnit is the length in nanoseconds of a class's last digit.
func classUnit(class int64) int64 {
	switch class {
	case 0:
		return 1_000_000_000
	case 3:
		return 1_000_000
	case 6:
		return 1_000
	}
	return 100
}

// sameInstant: the two times agree at the coarser copy's precision, whether
// the coarse copy was truncated or rounded.
func sameInstant(a, b int64) bool {
	unit := classUnit(min(timeClass(a), timeClass(b)))
	d := a - b
	return d < unit && -d < unit
}

// ignoredInComparison are columns whose value an export does not carry but
// a reader fills in (Type is "AuditLogs" for every Graph record).
func ignoredInComparison(name string) bool {
	return name == "Type"
}

// disagreement names the first field both copies carry on which they differ,
// or "" when they are the same event as far as their content goes.
func disagreement(a, b *eventCopy) string {
	for i, c := range data.AuditLogsColumns {
		if ignoredInComparison(c.Name) {
			continue
		}
		switch c.Type {
		case data.TypeString:
			x, y := a.strs[i], b.strs[i]
			if x == "" || y == "" || x == y {
				continue
			}
			switch c.Name {
			case "Result":
				if strings.ToLower(x) == strings.ToLower(y) {
					continue
				}
			case "Level":
				if normalLevel(x) == normalLevel(y) {
					continue
				}
			}
			return c.Name
		case data.TypeTime:
			x, y := a.nums[i], b.nums[i]
			if x == nil || y == nil || sameInstant(*x, *y) {
				continue
			}
			return c.Name
		case data.TypeLong:
			x, y := a.nums[i], b.nums[i]
			if x == nil || y == nil || *x == *y {
				continue
			}
			return c.Name
		case data.TypeDynamic:
			x, y := a.dyns[i], b.dyns[i]
			if x == nil || y == nil || *x == *y || dynamicAgree(*x, *y) {
				continue
			}
			return c.Name
		}
	}
	return ""
}

// normalLevel maps Azure Monitor's level names onto the numbers Log
// Analytics shows (4 = Informational), ignoring case.
func normalLevel(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "informational":
		return "4"
	case "warning":
		return "3"
	case "error":
		return "2"
	case "critical":
		return "1"
	}
	return strings.ToLower(strings.TrimSpace(s))
}

// dynamicAgree compares two dynamic values the way exports differ: member
// order and spacing, the case of member names (camelCase vs PascalCase), and
// members one copy lacks or gives as null (a narrower export: the Entra
// download rebuilds InitiatedBy from a few columns) are no disagreement.
// Lists agree element by element; a shorter non-empty list may be a prefix
// of the other, since exports cap them (the Entra download keeps three
// targets with five modified properties each). Text that is not JSON is a
// string, as parse_json would keep it.
func dynamicAgree(a, b string) bool {
	return jsonAgree(parseDynamic(a), parseDynamic(b))
}

func parseDynamic(s string) any {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return s
	}
	return v
}

func jsonAgree(a, b any) bool {
	if a == nil || b == nil {
		return true
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		folded := make(map[string]any, len(y))
		for k, v := range y {
			folded[strings.ToLower(k)] = v
		}
		for k, v := range x {
			if !jsonAgree(v, folded[strings.ToLower(k)]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || (len(x) == 0) != (len(y) == 0) {
			return false
		}
		if kx, ok := keyValues(x); ok {
			if ky, ok := keyValues(y); ok {
				for k, v := range kx {
					if w, both := ky[k]; both && !jsonAgree(v, w) {
						return false
					}
				}
				return true
			}
		}
		for i := range min(len(x), len(y)) {
			if !jsonAgree(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// keyValues reads a list of {"key": k, "value": v} entries (AdditionalDetails)
// as the map it stands for: exports keep its entries in different orders.
func keyValues(list []any) (map[string]any, bool) {
	m := make(map[string]any, len(list))
	for _, e := range list {
		obj, ok := e.(map[string]any)
		if !ok || len(obj) > 2 {
			return nil, false
		}
		var key, value any
		for k, v := range obj {
			switch strings.ToLower(k) {
			case "key":
				key = v
			case "value":
				value = v
			default:
				return nil, false
			}
		}
		ks, ok := key.(string)
		if !ok {
			return nil, false
		}
		if _, dup := m[ks]; dup {
			return nil, false
		}
		m[ks] = value
	}
	return m, true
}

func columnIndex(name string) int {
	for i, c := range data.AuditLogsColumns {
		if c.Name == name {
			return i
		}
	}
	panic("no column " + name)
}

// linked reports whether two copies may be the same event at all: the same
// Id, or no Id on one side (then the store has matched them by correlation).
func linked(a, b *eventCopy) bool {
	return a.id() == "" || b.id() == "" || a.id() == b.id()
}

// resolution is what settleCopies decided for a set of linked copies.
type resolution struct {
	duplicateOf map[int64]int64 // row -> the kept row it repeats
	conflicts   []conflict
}

type conflict struct {
	row, other int64
	field      string
}

// settleCopies decides which copies are kept, in quality order: a copy that
// agrees with a copy already kept (and linked to it) repeats it; any other
// copy is kept, and if it shares its Id with a kept copy it disagrees with,
// both are kept and reported as a conflict. links says which copies were
// matched as candidates (same Id, or the same correlation with one lacking
// an Id); the order of copies does not matter.
func settleCopies(copies []*eventCopy, links func(a, b *eventCopy) bool) resolution {
	sorted := slices.Clone(copies)
	slices.SortFunc(sorted, func(a, b *eventCopy) int {
		if a.better(b) {
			return -1
		}
		if b.better(a) {
			return 1
		}
		return 0
	})
	res := resolution{duplicateOf: map[int64]int64{}}
	var kept []*eventCopy
	for _, c := range sorted {
		var repeats *eventCopy
		var clashes []conflict
		for _, k := range kept {
			if !links(c, k) || !linked(c, k) {
				continue
			}
			field := disagreement(c, k)
			if field == "" {
				repeats = k
				break
			}
			if c.id() != "" && c.id() == k.id() {
				clashes = append(clashes, conflict{row: c.row, other: k.row, field: field})
			}
		}
		if repeats != nil {
			res.duplicateOf[c.row] = repeats.row
			continue
		}
		kept = append(kept, c)
		res.conflicts = append(res.conflicts, clashes...)
	}
	return res
}
