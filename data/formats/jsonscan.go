package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guesthunt/guesthunt/data"
)

// Shared machinery of the JSON readers: a source yields each record's raw
// text and start line; jsonRecordReader numbers them and maps them to Records.

const byteOrderMark = "\xef\xbb\xbf"

// valueSource yields the raw text of each record in file order and where it
// starts (Column 0 when only the line is known). io.EOF ends the stream; a
// *damagedSpan stands for one unreadable record; any other error is fatal.
type valueSource interface {
	next() (raw []byte, pos jsonPos, err error)
}

// jsonRecordReader is the RecordReader of every JSON format.
type jsonRecordReader struct {
	src      valueSource
	toRecord func(raw []byte) (data.Record, error) // an error rejects only this record
	ordinal  int64
}

func (r *jsonRecordReader) Next() (RawRecord, data.Record, error) {
	raw, pos, err := r.src.next()
	var span *damagedSpan
	if errors.As(err, &span) {
		r.ordinal++
		rr := RawRecord{Ordinal: r.ordinal, Line: span.start.Line, Column: span.start.Column, Offset: span.start.Offset, Raw: span.raw}
		return rr, data.Record{}, &RecordError{Ordinal: r.ordinal, Line: span.start.Line, Column: span.start.Column,
			Offset: span.start.Offset, Reason: span.Error()}
	}
	if err != nil {
		return RawRecord{}, data.Record{}, err
	}
	r.ordinal++
	rr := RawRecord{Ordinal: r.ordinal, Line: pos.Line, Column: pos.Column, Offset: pos.Offset, Raw: raw}
	rec, err := r.toRecord(raw)
	var skip *SkipError
	if errors.As(err, &skip) {
		skip.Ordinal, skip.Line = r.ordinal, pos.Line
		return rr, data.Record{}, skip
	}
	if err != nil {
		return rr, data.Record{}, &RecordError{Ordinal: r.ordinal, Line: pos.Line, Column: pos.Column, Offset: pos.Offset, Reason: err.Error()}
	}
	return rr, rec, nil
}

// jsonReaderFor returns the reader of a JSON-based format, or nil when f is
// not one (CSV, Parquet).
func jsonReaderFor(f Format, r io.Reader) RecordReader {
	switch f {
	case FormatLANDJSON:
		return newLANDJSONReader(r)
	case FormatLAJSON:
		return newLAArrayReader(r)
	case FormatLAAPI:
		return newLAAPIReader(r)
	case FormatGraph:
		return newGraphPageReader(r)
	case FormatGraphArray, FormatGraphExtractor, FormatGraphPS:
		return newGraphArrayReader(r)
	case FormatKustoV1:
		return newKustoV1Reader(r)
	case FormatKustoV2:
		return newKustoV2Reader(r)
	case FormatGraphNDJSON:
		return newGraphNDJSONReader(r)
	case FormatDiag:
		return newDiagReader(r)
	case FormatDiagRecords:
		return newDiagRecordsReader(r)
	}
	return nil
}

// lineSource yields the non-blank lines of an NDJSON file, each without its
// line ending. Lines may be any length (bufio.Scanner would cap them).
type lineSource struct {
	br   *bufio.Reader
	line int64
	err  error // sticky: io.EOF or the read error that stopped us
}

func newLineSource(r io.Reader) *lineSource {
	return &lineSource{br: bufio.NewReaderSize(r, 64<<10)}
}

func (s *lineSource) next() ([]byte, jsonPos, error) {
	for s.err == nil {
		b, err := s.br.ReadBytes('\n')
		if err != nil {
			if err != io.EOF {
				// A partial last line is not a record: the read error explains what happened.
				s.err = fmt.Errorf("reading line %d: %w", s.line+1, err)
				return nil, jsonPos{}, s.err
			}
			s.err = io.EOF
			if len(b) == 0 {
				break
			}
		}
		s.line++
		if s.line == 1 {
			b = bytes.TrimPrefix(b, []byte(byteOrderMark))
		}
		b = trimLineEnd(b)
		if len(bytes.TrimLeft(b, " \t\r\n")) == 0 {
			continue
		}
		return b, jsonPos{Line: s.line}, nil
	}
	return nil, jsonPos{}, s.err
}

func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// quoteShort quotes a value from the log for an error message: escaped
// (control and bidi characters become visible) and cut to a readable length.
func quoteShort(s string) string {
	const max = 80
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}

// describeToken names a token for error messages without echoing hostile text at length.
// describeValue names what the JSON value raw is, as describeToken does.
func describeValue(raw []byte) string {
	if raw[0] == '{' || raw[0] == '[' {
		return describeToken(delimTok(raw[0]))
	}
	return describeToken(scalarTok(raw))
}

func describeToken(tok any) string {
	switch v := tok.(type) {
	case json.Delim:
		return describeToken(delimTok(v))
	case delimTok:
		switch v {
		case '{':
			return "a JSON object"
		case '[':
			return "a JSON array"
		}
		return fmt.Sprintf("%q", string(rune(v)))
	case string:
		return "the string " + quoteShort(v)
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case float64, json.Number:
		return "a number"
	case scalarTok:
		switch {
		case v == "null":
			return "null"
		case v == "true" || v == "false":
			return string(v)
		}
		return "a number"
	}
	return "an unexpected token"
}

// stripBOM drops a leading UTF-8 byte-order mark and says whether there was one.
func stripBOM(r io.Reader) (io.Reader, bool) {
	br := bufio.NewReader(r)
	head, err := br.Peek(len(byteOrderMark))
	if string(head) == byteOrderMark {
		br.Discard(len(byteOrderMark))
		return br, true
	}
	if err != nil && err != io.EOF {
		// Peek swallowed the error: hand the bytes back, then the error.
		return io.MultiReader(bytes.NewReader(append([]byte(nil), head...)), errReader{err}), false
	}
	return br, false
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// parseObject decodes one record's text as a JSON object, explaining why not.
func parseObject(raw []byte) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	err := json.Unmarshal(raw, &obj)
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		return nil, fmt.Errorf("invalid JSON at byte %d: %v", syntax.Offset, err)
	case err != nil:
		return nil, errors.New("not a JSON object")
	case obj == nil: // the literal null decodes into a nil map without complaint
		return nil, errors.New("not a JSON object")
	}
	return obj, nil
}

// fields looks up an object's members by name: exactly first, then ignoring
// case, because exports disagree on spelling ("Type" vs "type", "level").
type fields struct {
	exact  map[string]json.RawMessage
	folded map[string]json.RawMessage // built on the first miss
}

func (f *fields) get(name string) json.RawMessage {
	if v, ok := f.exact[name]; ok {
		return v
	}
	if f.folded == nil {
		f.folded = make(map[string]json.RawMessage, len(f.exact))
		chosen := make(map[string]string, len(f.exact))
		for k, v := range f.exact {
			lk := asciiLower(k)
			// Of keys differing only in case, the smallest wins, so the result does not depend on map order.
			if prev, dup := chosen[lk]; !dup || k < prev {
				chosen[lk] = k
				f.folded[lk] = v
			}
		}
	}
	return f.folded[asciiLower(name)]
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Value conversions shared by the mappings: Kusto strings are never null, so
// null and absent both become "".

// stringValue is a string column's value: a JSON string as is, any other value
// as its JSON text (Level may be the number 4), null or absent as "".
func stringValue(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// dynamicValue is a dynamic column's value. Exports write dynamic values as
// JSON text inside a string; that text is what Kusto's parse_json sees. A
// string that is not JSON stays a string (parse_json gives it back), kept
// as its original literal. null, absent and "" are nil.
func dynamicValue(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if raw[0] != '"' {
		return append(json.RawMessage(nil), raw...)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return nil
	}
	if inner := bytes.TrimSpace([]byte(s)); json.Valid(inner) {
		if string(inner) == "null" {
			return nil
		}
		return json.RawMessage(s)
	}
	return append(json.RawMessage(nil), raw...)
}

// longValue reads a number or numeric string as a whole number; anything else
// is absent rather than a reason to reject the record.
func longValue(raw json.RawMessage) *int64 {
	s := stringValue(raw)
	if s == "" {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return &n
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return nil
	}
	n := int64(f)
	return &n
}

// requiredTime reads the column that stands for TimeGenerated.
func requiredTime(name string, raw json.RawMessage) (time.Time, error) {
	s := stringValue(raw)
	if s == "" {
		return time.Time{}, fmt.Errorf("no %s", name)
	}
	t, err := ParseTimestamp(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %s is not a timestamp", name, quoteShort(s))
	}
	return t, nil
}

// optionalTime reads a time that may be absent or unreadable (zero then).
func optionalTime(raw json.RawMessage) time.Time {
	t, err := ParseTimestamp(stringValue(raw))
	if err != nil {
		return time.Time{}
	}
	return t
}

// stream is what the single-document sources share: how many records they
// have given, and the error that stopped them. A damaged span counts as a
// record and the stream goes on; any other error stops it for good.
type stream struct {
	count int64
	err   error
}

func (s *stream) next(step func() ([]byte, jsonPos, error)) ([]byte, jsonPos, error) {
	if s.err != nil {
		return nil, jsonPos{}, s.err
	}
	raw, pos, err := step()
	var span *damagedSpan
	switch {
	case errors.As(err, &span):
		s.count++
		return nil, pos, err
	case err != nil:
		s.err = err
		return nil, jsonPos{}, err
	}
	s.count++
	return raw, pos, nil
}

// envelopeSource yields the elements of the array under key (matched
// ignoring case) in a sequence of JSON objects: one Graph API page or Event
// Hub envelope, or several back to back or one a line, as tools save them.
// Other members (@odata.context, @odata.nextLink) are skipped.
type envelopeSource struct {
	stream
	t     *tokStream
	key   string
	shape recordShape
	state envelopeState
	docs  int
}

type envelopeState int

const (
	envelopeBetweenDocs envelopeState = iota
	envelopeInObject
	envelopeInArray
)

func newEnvelopeSource(r io.Reader, key string, shape recordShape) *envelopeSource {
	return &envelopeSource{t: newTokStream(r), key: key, shape: shape}
}

func (e *envelopeSource) next() ([]byte, jsonPos, error) { return e.stream.next(e.step) }

func (e *envelopeSource) step() ([]byte, jsonPos, error) {
	t := e.t
	for {
		switch e.state {
		case envelopeBetweenDocs:
			tok, err := t.token()
			if err == io.EOF {
				if e.docs == 0 {
					return nil, jsonPos{}, fmt.Errorf("the file is empty: expected a JSON object with %q", e.key)
				}
				return nil, jsonPos{}, io.EOF
			}
			if err != nil {
				return nil, jsonPos{}, t.fail(err, e.count)
			}
			if tok != delimTok('{') {
				return nil, jsonPos{}, fmt.Errorf("%w: expected a JSON object with %q, found %s (after record %d)",
					ErrNotAuditLog, e.key, describeToken(tok), e.count)
			}
			e.docs++
			e.state = envelopeInObject
		case envelopeInObject:
			tok, err := t.token()
			if err != nil {
				return nil, jsonPos{}, t.fail(err, e.count)
			}
			if tok == delimTok('}') {
				e.state = envelopeBetweenDocs
				continue
			}
			if key, _ := tok.(string); !strings.EqualFold(key, e.key) {
				if err := t.skip(); err != nil {
					return nil, jsonPos{}, t.fail(err, e.count)
				}
				continue
			}
			tok, err = t.token()
			if err != nil {
				return nil, jsonPos{}, t.fail(err, e.count)
			}
			if tok != delimTok('[') {
				return nil, jsonPos{}, fmt.Errorf("%q holds %s, not an array (after record %d)", e.key, describeToken(tok), e.count)
			}
			e.state = envelopeInArray
		case envelopeInArray:
			if t.pending != nil || t.deferred != nil || t.more() {
				return t.recordOrFail(e.shape, false, e.count)
			}
			tok, err := t.token() // the closing bracket
			if err != nil {
				return nil, jsonPos{}, t.fail(err, e.count)
			}
			if tok != delimTok(']') {
				return nil, jsonPos{}, t.fail(fmt.Errorf("unexpected %s", describeToken(tok)), e.count)
			}
			e.state = envelopeInObject
		}
	}
}

// recordOrFail is record with errors made ready for a source to return:
// damage and io.EOF as they are, anything else as the fatal error.
func (t *tokStream) recordOrFail(shape recordShape, topLevel bool, after int64) ([]byte, jsonPos, error) {
	raw, pos, err := t.record(shape, topLevel)
	var span *damagedSpan
	switch {
	case err == nil:
		return raw, pos, nil
	case errors.As(err, &span):
		return nil, span.start, span
	case err == io.EOF:
		return nil, jsonPos{}, io.EOF
	}
	var junk *junkError
	if errors.As(err, &junk) {
		return nil, jsonPos{}, fmt.Errorf("%v (after record %d)", junk, after)
	}
	return nil, jsonPos{}, t.fail(err, after)
}

// skipTokens finishes the object or array whose opening token was just read,
// reading tokens with next (a json.Decoder's Token).
func skipTokens(next func() (json.Token, error)) error {
	for depth := 1; depth > 0; {
		tok, err := next()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}
