package hunt

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// VerifyReport is the difference between the rule's rows computed locally
// (on a case file) and in the workspace, at the same as-of, by event Id and
// all 41 columns (times to the 100 ns tick, dynamic columns as JSON values).
type VerifyReport struct {
	LocalRows, RemoteRows int
	Matched               int // rows equal in every column

	OnlyLocal  []Alert   // rows guesthunt flagged and the workspace did not return
	OnlyRemote []Alert   // rows the workspace returned and guesthunt did not flag
	Differ     []RowDiff // the same Id, different columns
	// Duplicates are rows the workspace returned more than once, all
	// copies equal, which guesthunt counts once: the known, explained
	// difference.
	Duplicates []DuplicateRow
	// Respelled counts dynamic cells equal as JSON values but spelled
	// differently (key order, spacing, escapes): no difference.
	Respelled int
}

// RowDiff is one event both sides returned with different columns.
type RowDiff struct {
	Id      string
	Columns []ColumnDiff
}

// ColumnDiff is one column of a RowDiff, its values as the analyst reads them.
type ColumnDiff struct {
	Column        string
	Local, Remote string
}

// DuplicateRow is an event the workspace returned Copies times.
type DuplicateRow struct {
	Id     string
	Copies int
}

// Equal says whether the two sides agree up to explained differences.
func (r VerifyReport) Equal() bool {
	return len(r.OnlyLocal) == 0 && len(r.OnlyRemote) == 0 && len(r.Differ) == 0
}

// Verify diffs local against remote rows. Rows are paired by Id; of several
// rows with one Id (a conflict both sides keep), equal rows pair first.
func Verify(local, remote []Alert) VerifyReport {
	rep := VerifyReport{LocalRows: len(local), RemoteRows: len(remote)}
	byID := func(rows []Alert) (map[string][]Alert, []string) {
		m := map[string][]Alert{}
		var order []string
		for _, a := range rows {
			if _, ok := m[a.Id]; !ok {
				order = append(order, a.Id)
			}
			m[a.Id] = append(m[a.Id], a)
		}
		return m, order
	}
	lm, lorder := byID(local)
	rm, rorder := byID(remote)
	ids := lorder
	for _, id := range rorder {
		if _, ok := lm[id]; !ok {
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		rep.verifyID(id, lm[id], rm[id])
	}
	return rep
}

// verifyID pairs the rows of one Id: equal pairs first, then remote rows
// equal to an already paired row (a row stored twice), then whatever is
// left one to one as column differences, the rest one-sided.
func (rep *VerifyReport) verifyID(id string, local, remote []Alert) {
	usedR := make([]bool, len(remote))
	var leftL, paired []Alert
	for _, l := range local {
		found := false
		for j, r := range remote {
			if !usedR[j] && rep.sameRow(l, r) {
				usedR[j], found = true, true
				paired = append(paired, r)
				rep.Matched++
				break
			}
		}
		if !found {
			leftL = append(leftL, l)
		}
	}
	var leftR []Alert
	copies := 0
	for j, r := range remote {
		if usedR[j] {
			continue
		}
		if slices.ContainsFunc(paired, func(p Alert) bool { return columnDiffs(p, r, nil) == nil }) {
			copies++
			continue
		}
		leftR = append(leftR, r)
	}
	if copies > 0 {
		rep.Duplicates = append(rep.Duplicates, DuplicateRow{Id: id, Copies: copies + 1})
	}
	n := min(len(leftL), len(leftR))
	for i := 0; i < n; i++ {
		rep.Differ = append(rep.Differ, RowDiff{Id: id, Columns: columnDiffs(leftL[i], leftR[i], nil)})
	}
	rep.OnlyLocal = append(rep.OnlyLocal, leftL[n:]...)
	rep.OnlyRemote = append(rep.OnlyRemote, leftR[n:]...)
}

// sameRow compares all columns, counting respelled dynamic cells.
func (rep *VerifyReport) sameRow(l, r Alert) bool {
	respelled := 0
	if columnDiffs(l, r, &respelled) != nil {
		return false
	}
	rep.Respelled += respelled
	return true
}

// columnDiffs lists the columns where l and r differ, in AlertColumns order.
func columnDiffs(l, r Alert, respelled *int) []ColumnDiff {
	var out []ColumnDiff
	lv, rv := l.Values(), r.Values()
	for i, name := range AlertColumns() {
		same, spelled := sameCell(lv[i], rv[i])
		if !same {
			out = append(out, ColumnDiff{Column: name, Local: cellText(lv[i]), Remote: cellText(rv[i])})
		} else if spelled && respelled != nil {
			*respelled++
		}
	}
	return out
}

// sameCell compares one cell: times to the tick, longs by value, dynamic
// as JSON values. respelled: equal values, different text.
func sameCell(a, b any) (same, respelled bool) {
	switch x := a.(type) {
	case time.Time:
		return data.ToTick(x).Equal(data.ToTick(b.(time.Time))), false
	case *int64:
		y := b.(*int64)
		return (x == nil) == (y == nil) && (x == nil || *x == *y), false
	case json.RawMessage:
		y := b.(json.RawMessage)
		if bytes.Equal(x, y) {
			return true, false
		}
		if x == nil || y == nil {
			return false, false
		}
		xv, xok := decodeJSON(x)
		yv, yok := decodeJSON(y)
		if xok && yok && reflect.DeepEqual(xv, yv) {
			return true, true
		}
		return false, false
	}
	return a == b, false
}

func decodeJSON(m json.RawMessage) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(m))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// cellText shows a cell for a sentence: strings quoted, times in Kusto's
// seven digits, null as null; long values shortened.
func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return quoteCell(x)
	case time.Time:
		if x.IsZero() {
			return "null"
		}
		return data.FormatTime(x)
	case *int64:
		if x == nil {
			return "null"
		}
		return strconv.FormatInt(*x, 10)
	case json.RawMessage:
		if x == nil {
			return "null"
		}
		s := string(x)
		if len(s) > 80 {
			s = s[:80] + "…"
		}
		return s
	}
	return fmt.Sprint(v)
}
