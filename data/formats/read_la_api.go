package formats

import (
	"bytes"
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
// row's array text. The same reader takes Kusto (Azure Data Explorer) v1
// responses, {"Tables":[{"TableName","Columns":[{"ColumnName","DataType"}],"Rows"}]}.
func newLAAPIReader(r io.Reader) RecordReader {
	src := &tableSource{t: newTokStream(r)}
	return &jsonRecordReader{src: src, toRecord: src.recordFromRow}
}

// newKustoV1Reader reads a Kusto REST v1 response (see newLAAPIReader).
func newKustoV1Reader(r io.Reader) RecordReader { return newLAAPIReader(r) }

// newKustoV2Reader reads a Kusto REST v2 response: a JSON array of frames,
// the rows in the "DataTable" frame of "TableKind":"PrimaryResult" (or, in
// progressive mode, in the "TableFragment" frames of the PrimaryResult
// "TableHeader"). Other frames are skipped.
func newKustoV2Reader(r io.Reader) RecordReader {
	src := &tableSource{t: newTokStream(r), wantFrames: true}
	return &jsonRecordReader{src: src, toRecord: src.recordFromRow}
}

// tableSource walks a response and yields the rows of one table: the first
// that is of kind PrimaryResult, or named PrimaryResult, has no name, or
// has a TimeGenerated column. Later tables (query statistics, completion
// information) are skipped.
type tableSource struct {
	stream
	t          *tokStream
	state      tableState
	frames     bool       // Kusto v2: the document is an array of frames
	wantFrames bool       // expect Kusto v2 (else {"tables":[...]})
	table      tableFrame // the table (frame) being walked
	columns    []string   // the chosen table's column names, once its rows start
	chosen     bool       // rows of a table were read
	header     *tableFrame
	seen       []string   // names of the tables passed over, for the error message
	respErr    error      // the response's own "error" member (a PartialError), reported at its end
	swallowed  []foundRow // rows read from inside a row that lost its closing bracket
}

// foundRow is a row and where it starts in the file.
type foundRow struct {
	raw []byte
	pos jsonPos
}

type tableState int

const (
	tableStart tableState = iota
	tableResponse
	tableTables
	tableMembers
	tableRows
	tableDone
)

// tableFrame is what is known of one table object (or v2 frame).
type tableFrame struct {
	name, kind, frameType, id string
	hasName                   bool
	columns                   []string
	hasColumns                bool
}

func (a *tableSource) next() ([]byte, jsonPos, error) { return a.stream.next(a.step) }

func (a *tableSource) step() ([]byte, jsonPos, error) {
	t := a.t
	for {
		switch a.state {
		case tableStart:
			tok, err := t.token()
			if err == io.EOF {
				return nil, jsonPos{}, errors.New(`the file is empty: expected {"tables":[...]}`)
			}
			if err != nil {
				return nil, jsonPos{}, t.fail(err, 0)
			}
			switch {
			case tok == delimTok('{') && !a.wantFrames:
				a.state = tableResponse
			case tok == delimTok('[') && a.wantFrames:
				a.frames = true
				a.state = tableTables
			case a.wantFrames:
				return nil, jsonPos{}, fmt.Errorf(`%w: expected a Kusto v2 response [{"FrameType":...},...], found %s`, ErrNotAuditLog, describeToken(tok))
			default:
				return nil, jsonPos{}, fmt.Errorf(`%w: expected {"tables":[...]}, found %s`, ErrNotAuditLog, describeToken(tok))
			}
		case tableResponse:
			tok, err := t.token()
			if err != nil {
				return nil, jsonPos{}, t.fail(err, a.count)
			}
			if tok == delimTok('}') {
				if err := a.end(); err != nil {
					return nil, jsonPos{}, err
				}
				continue
			}
			key, _ := tok.(string)
			if strings.EqualFold(key, "error") && !a.wantFrames {
				raw, _, err := t.value()
				if err != nil {
					return nil, jsonPos{}, t.fail(err, a.count)
				}
				a.respErr = responseError(raw)
				continue
			}
			if !strings.EqualFold(key, "tables") {
				if err := t.skip(); err != nil {
					return nil, jsonPos{}, t.fail(err, a.count)
				}
				continue
			}
			if err := a.expect('[', `"tables"`); err != nil {
				return nil, jsonPos{}, err
			}
			a.state = tableTables
		case tableTables:
			if !t.more() {
				if _, err := t.token(); err != nil { // the closing bracket
					return nil, jsonPos{}, t.fail(err, a.count)
				}
				if a.frames {
					if err := a.end(); err != nil {
						return nil, jsonPos{}, err
					}
				} else {
					a.state = tableResponse
				}
				continue
			}
			if err := a.expect('{', "a table"); err != nil {
				return nil, jsonPos{}, err
			}
			a.table = tableFrame{}
			a.state = tableMembers
		case tableMembers:
			if err := a.tableMember(); err != nil {
				return nil, jsonPos{}, err
			}
		case tableRows:
			if len(a.swallowed) > 0 {
				r := a.swallowed[0]
				a.swallowed = a.swallowed[1:]
				if len(a.swallowed) == 0 {
					a.state = tableMembers // the bracket that closed the damaged row was the rows' own
				}
				return r.raw, r.pos, nil
			}
			if t.pending != nil || t.deferred != nil || t.more() {
				raw, pos, err := t.recordOrFail(a.rowShape(), false, a.count)
				if err == nil {
					if span, rows := a.splitSwallowed(raw, pos); span != nil && t.closeArray() {
						a.swallowed = rows
						return nil, span.start, span
					}
				}
				return raw, pos, err
			}
			if _, err := t.token(); err != nil { // the closing bracket
				return nil, jsonPos{}, t.fail(err, a.count)
			}
			a.state = tableMembers
		case tableDone:
			if a.respErr != nil {
				// After the rows it did send: they load, and the file is
				// reported incomplete with the service's reason.
				return nil, jsonPos{}, a.respErr
			}
			if !a.chosen && len(a.seen) > 0 {
				return nil, jsonPos{}, fmt.Errorf("%w: no PrimaryResult table among %s", ErrNotAuditLog, quoteList(a.seen))
			}
			return nil, jsonPos{}, io.EOF
		}
	}
}

// end checks that nothing but white space follows the document.
func (a *tableSource) end() error {
	tok, err := a.t.token()
	switch {
	case err == io.EOF:
		a.state = tableDone
		return nil
	case err != nil:
		return a.t.fail(err, a.count)
	}
	return fmt.Errorf("unexpected data after the end of the JSON document (after record %d): %s", a.count, describeToken(tok))
}

// tableMember reads one member of a table object, or its end.
func (a *tableSource) tableMember() error {
	t := a.t
	tok, err := t.token()
	if err != nil {
		return t.fail(err, a.count)
	}
	if tok == delimTok('}') {
		isTable := a.table.frameType == "" || strings.EqualFold(a.table.frameType, "DataTable") ||
			strings.EqualFold(a.table.frameType, "TableHeader")
		switch {
		case strings.EqualFold(a.table.frameType, "TableHeader") && a.header == nil && !a.chosen && a.wanted():
			h := a.table
			a.header = &h
		case isTable && !a.chosen && len(a.seen) < 10: // enough to name them in an error
			a.seen = append(a.seen, a.table.name)
		}
		a.state = tableTables
		return nil
	}
	key, _ := tok.(string)
	switch {
	case strings.EqualFold(key, "name"), strings.EqualFold(key, "TableName"):
		name, err := a.stringMember("a table name")
		if err != nil {
			return err
		}
		a.table.name, a.table.hasName = name, true
	case strings.EqualFold(key, "TableKind"):
		if a.table.kind, err = a.stringMember("a table kind"); err != nil {
			return err
		}
	case strings.EqualFold(key, "FrameType"):
		if a.table.frameType, err = a.stringMember("a frame type"); err != nil {
			return err
		}
	case strings.EqualFold(key, "TableId"):
		raw, _, err := t.value()
		if err != nil {
			return t.fail(err, a.count)
		}
		a.table.id = strings.TrimSpace(string(raw))
	case strings.EqualFold(key, "columns"):
		raw, _, err := t.value()
		if err != nil {
			return t.fail(err, a.count)
		}
		var cols []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &cols); err != nil {
			return fmt.Errorf(`table columns are not a list of {"name","type"} (after record %d)`, a.count)
		}
		a.table.columns = make([]string, len(cols))
		for i, c := range cols {
			f := fields{exact: c}
			name := f.get("name")
			if name == nil {
				name = f.get("ColumnName")
			}
			a.table.columns[i] = stringValue(name)
		}
		a.table.hasColumns = true
	case strings.EqualFold(key, "rows") && a.rowsWanted():
		if !a.table.hasColumns {
			return fmt.Errorf("table %s lists its rows before its columns, which this reader cannot follow", quoteShort(a.table.name))
		}
		if err := a.expect('[', `"rows"`); err != nil {
			return err
		}
		a.chosen = true
		a.columns = a.table.columns
		a.state = tableRows
	default:
		if err := t.skip(); err != nil {
			return t.fail(err, a.count)
		}
	}
	return nil
}

func (a *tableSource) stringMember(what string) (string, error) {
	tok, err := a.t.token()
	if err != nil {
		return "", a.t.fail(err, a.count)
	}
	s, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("%s is %s, not a string (after record %d)", what, describeToken(tok), a.count)
	}
	return s, nil
}

// rowsWanted says whether the rows member now reached are the ones to read.
func (a *tableSource) rowsWanted() bool {
	if strings.EqualFold(a.table.frameType, "TableFragment") {
		if a.header == nil || a.table.id != a.header.id {
			return false
		}
		a.table.columns, a.table.hasColumns = a.header.columns, true
		return true
	}
	return !a.chosen && a.header == nil && a.wanted()
}

// wanted says whether the table being walked is the one to read.
func (a *tableSource) wanted() bool {
	if a.table.kind != "" {
		return strings.EqualFold(a.table.kind, "PrimaryResult")
	}
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

func (a *tableSource) expect(delim byte, what string) error {
	tok, err := a.t.token()
	if err != nil {
		return a.t.fail(err, a.count)
	}
	if tok != delimTok(delim) {
		return fmt.Errorf("%s: expected %q, found %s (after record %d)", what, string(delim), describeToken(tok), a.count)
	}
	return nil
}

// rowShape: a row is an array with one value a column.
func (a *tableSource) rowShape() recordShape {
	return recordShape{open: '[', match: func(raw []byte) bool {
		var values []json.RawMessage
		if json.Unmarshal(raw, &values) != nil || len(values) != len(a.columns) {
			return false
		}
		_, err := a.recordFromRow(raw)
		return err == nil
	}}
}

// splitSwallowed recognises a row that lost its closing bracket: the rows
// after it then parse as values nested in it, valid JSON up to the bracket
// that should have closed the rows. It returns the damaged span standing for
// the row (its own values) and the rows found inside it, or nil when raw is
// not such a row.
func (a *tableSource) splitSwallowed(raw []byte, pos jsonPos) (*damagedSpan, []foundRow) {
	if len(a.columns) == 0 {
		return nil, nil
	}
	spans, ok := arrayElements(raw)
	if !ok || len(spans) == len(a.columns) {
		return nil, nil
	}
	shape := a.rowShape()
	isRow := func(sp [2]int) bool { return raw[sp[0]] == '[' && shape.match(raw[sp[0]:sp[1]]) }
	first := -1
	for i := 1; i < len(spans); i++ {
		if isRow(spans[i]) {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, nil
	}
	var rows []foundRow
	for _, sp := range spans[first:] {
		if !isRow(sp) {
			return nil, nil // something else is wrong with it: a row of the wrong width
		}
		// Slices of raw, not copies: the swallowed rows may be most of the file.
		rows = append(rows, foundRow{raw: raw[sp[0]:sp[1]:sp[1]], pos: posWithin(pos, raw, sp[0])})
	}
	own := bytes.TrimRight(raw[:spans[first][0]], " \t\r\n,")
	span := &damagedSpan{
		raw:    bytes.Clone(own),
		start:  pos,
		at:     posWithin(pos, raw, spans[first-1][1]),
		resume: rows[0].pos,
		msg:    fmt.Sprintf(`the row has no closing "]" after its %d values; the rows after it were read from inside it`, first),
	}
	return span, rows
}

// arrayElements gives the start and end offsets of each element of the JSON
// array raw, or false when raw is not one.
func arrayElements(raw []byte) ([][2]int, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, false
	}
	var spans [][2]int
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		end := int(dec.InputOffset())
		spans = append(spans, [2]int{end - len(v), end})
	}
	return spans, true
}

// posWithin is the file position of offset off in raw, which starts at base.
func posWithin(base jsonPos, raw []byte, off int) jsonPos {
	line, col := countPos(raw[:off], base.Line, base.Column)
	return jsonPos{Offset: base.Offset + int64(off), Line: line, Column: col}
}

// recordFromRow maps one row array by the chosen table's column names.
func (a *tableSource) recordFromRow(raw []byte) (data.Record, error) {
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

// ErrPartialResponse is wrapped by the error a Log Analytics response
// carrying an "error" member ends with: the service says its rows are cut
// short (PartialError) or that it failed. The rows before it are read; the
// file is incomplete, like a truncated one.
var ErrPartialResponse = errors.New("the response carries the service's error")

// responseError reads a response's "error" member: {"code","message",
// "details":[...],"innererror":{...}}. null is no error. The service's text
// is quoted and shortened: it is not ours.
func responseError(raw []byte) error {
	if strings.TrimSpace(string(raw)) == "null" {
		return nil
	}
	type apiError struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		Details    []apiError `json:"details"`
		InnerError *apiError  `json:"innererror"`
	}
	var e apiError
	if err := json.Unmarshal(raw, &e); err != nil || (e.Code == "" && e.Message == "") {
		return fmt.Errorf("%w, its rows may be cut short: %s", ErrPartialResponse, quoteShort(string(raw)))
	}
	describe := func(e apiError) string {
		return strings.TrimSpace(e.Code + " " + quoteShort(e.Message))
	}
	// The codes that say why (E_QUERY_RESULT_SET_TOO_LARGE, ...) are inside.
	var why []string
	var walk func(e apiError, depth int)
	walk = func(e apiError, depth int) {
		if depth > 8 || len(why) >= 5 {
			return
		}
		if depth > 0 && (e.Code != "" || e.Message != "") {
			why = append(why, describe(e))
		}
		for _, d := range e.Details {
			walk(d, depth+1)
		}
		if e.InnerError != nil {
			walk(*e.InnerError, depth+1)
		}
	}
	walk(e, 0)
	text := describe(e)
	if len(why) > 0 {
		text += " (" + strings.Join(why, "; ") + ")"
	}
	return fmt.Errorf("%w, its rows may be cut short: %s", ErrPartialResponse, text)
}
