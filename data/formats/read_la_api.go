package formats

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// newLAAPIReader reads a Log Analytics query API response:
// {"tables":[{"name":"PrimaryResult","columns":[{"name","type"}],"rows":[[...]]}]}.
// Rows stream; each maps onto AuditLogs by its columns' names. Raw is the
// row's array text.
func newLAAPIReader(r io.Reader) RecordReader {
	src := &laAPISource{s: newJSONStream(r)}
	return &jsonRecordReader{src: src, toRecord: src.recordFromRow}
}

// laAPISource walks the response and yields the rows of one table: the first
// that is named PrimaryResult, has no name, or has a TimeGenerated column.
// Later tables (query statistics in older responses) are skipped.
type laAPISource struct {
	s       *jsonStream
	state   laAPIState
	table   laAPITable // the table being walked
	columns []string   // the chosen table's column names, once its rows start
	chosen  bool
	seen    []string // names of the tables passed over, for the error message
	sticky
}

type laAPIState int

const (
	laAPIStart laAPIState = iota
	laAPIResponse
	laAPITables
	laAPITableMembers
	laAPIRows
	laAPIDone
)

type laAPITable struct {
	name       string
	hasName    bool
	columns    []string
	hasColumns bool
}

type laAPIColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

func (a *laAPISource) next() ([]byte, int64, error) { return a.sticky.next(a.step) }

func (a *laAPISource) step() ([]byte, int64, error) {
	for {
		switch a.state {
		case laAPIStart:
			tok, err := a.s.token()
			if err == io.EOF {
				return nil, 0, errors.New(`the file is empty: expected {"tables":[...]}`)
			}
			if err != nil {
				return nil, 0, a.s.fail(err, 0)
			}
			if tok != json.Delim('{') {
				return nil, 0, fmt.Errorf(`%w: expected {"tables":[...]}, found %s`, ErrNotAuditLog, describeToken(tok))
			}
			a.state = laAPIResponse
		case laAPIResponse:
			tok, err := a.s.token()
			if err != nil {
				return nil, 0, a.s.fail(err, a.count)
			}
			if tok == json.Delim('}') {
				if err := a.s.end(a.count); err != nil {
					return nil, 0, err
				}
				a.state = laAPIDone
				continue
			}
			if key, _ := tok.(string); !strings.EqualFold(key, "tables") {
				if err := a.s.skip(); err != nil {
					return nil, 0, a.s.fail(err, a.count)
				}
				continue
			}
			if err := a.expect('[', `"tables"`); err != nil {
				return nil, 0, err
			}
			a.state = laAPITables
		case laAPITables:
			if !a.s.more() {
				if _, err := a.s.token(); err != nil { // the closing bracket
					return nil, 0, a.s.fail(err, a.count)
				}
				a.state = laAPIResponse
				continue
			}
			if err := a.expect('{', "a table"); err != nil {
				return nil, 0, err
			}
			a.table = laAPITable{}
			a.state = laAPITableMembers
		case laAPITableMembers:
			if err := a.tableMember(); err != nil {
				return nil, 0, err
			}
		case laAPIRows:
			if a.s.more() {
				raw, line, err := a.s.value()
				if err != nil {
					return nil, 0, a.s.fail(err, a.count)
				}
				return raw, line, nil
			}
			if _, err := a.s.token(); err != nil { // the closing bracket
				return nil, 0, a.s.fail(err, a.count)
			}
			a.state = laAPITableMembers
		case laAPIDone:
			if !a.chosen && len(a.seen) > 0 {
				return nil, 0, fmt.Errorf("%w: no PrimaryResult table among %s", ErrNotAuditLog, quoteList(a.seen))
			}
			return nil, 0, io.EOF
		}
	}
}

// tableMember reads one member of a table object, or its end.
func (a *laAPISource) tableMember() error {
	tok, err := a.s.token()
	if err != nil {
		return a.s.fail(err, a.count)
	}
	if tok == json.Delim('}') {
		if !a.chosen && len(a.seen) < 10 { // enough to name them in an error
			a.seen = append(a.seen, a.table.name)
		}
		a.state = laAPITables
		return nil
	}
	key, _ := tok.(string)
	switch {
	case strings.EqualFold(key, "name"):
		tok, err := a.s.token()
		if err != nil {
			return a.s.fail(err, a.count)
		}
		name, ok := tok.(string)
		if !ok {
			return fmt.Errorf("a table name is %s, not a string (after record %d)", describeToken(tok), a.count)
		}
		a.table.name, a.table.hasName = name, true
	case strings.EqualFold(key, "columns"):
		var cols []laAPIColumn
		if err := a.s.dec.Decode(&cols); err != nil {
			var typeErr *json.UnmarshalTypeError
			if errors.As(err, &typeErr) {
				return fmt.Errorf(`table columns are not a list of {"name","type"} (after record %d)`, a.count)
			}
			return a.s.fail(err, a.count)
		}
		a.table.columns = make([]string, len(cols))
		for i, c := range cols {
			a.table.columns[i] = c.Name
		}
		a.table.hasColumns = true
	case strings.EqualFold(key, "rows") && !a.chosen && a.wanted():
		if !a.table.hasColumns {
			return fmt.Errorf("table %s lists its rows before its columns, which this reader cannot follow", quoteShort(a.table.name))
		}
		if err := a.expect('[', `"rows"`); err != nil {
			return err
		}
		a.chosen = true
		a.columns = a.table.columns
		a.state = laAPIRows
	default:
		if err := a.s.skip(); err != nil {
			return a.s.fail(err, a.count)
		}
	}
	return nil
}

// wanted says whether the table being walked is the one to read.
func (a *laAPISource) wanted() bool {
	if !a.table.hasName || a.table.name == "PrimaryResult" {
		return true
	}
	for _, c := range a.table.columns {
		if strings.EqualFold(c, "TimeGenerated") {
			return true
		}
	}
	return false
}

func (a *laAPISource) expect(delim json.Delim, what string) error {
	tok, err := a.s.token()
	if err != nil {
		return a.s.fail(err, a.count)
	}
	if tok != delim {
		return fmt.Errorf("%s: expected %q, found %s (after record %d)", what, string(delim), describeToken(tok), a.count)
	}
	return nil
}

// recordFromRow maps one row array by the chosen table's column names.
func (a *laAPISource) recordFromRow(raw []byte) (data.Record, error) {
	var values []json.RawMessage
	if err := json.Unmarshal(raw, &values); err != nil || values == nil {
		return data.Record{}, errors.New("not a JSON array")
	}
	if len(values) != len(a.columns) {
		return data.Record{}, fmt.Errorf("row has %d values for %d columns", len(values), len(a.columns))
	}
	obj := make(map[string]json.RawMessage, len(values))
	for i, v := range values {
		obj[a.columns[i]] = v
	}
	return RecordFromLA(obj)
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quoteShort(n)
	}
	return "[" + strings.Join(q, " ") + "]"
}
