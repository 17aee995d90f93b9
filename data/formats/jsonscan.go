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

// valueSource yields the raw text of each record in file order and the line
// it starts on. io.EOF ends the stream; any other error is fatal.
type valueSource interface {
	next() (raw []byte, line int64, err error)
}

// jsonRecordReader is the RecordReader of every JSON format.
type jsonRecordReader struct {
	src      valueSource
	toRecord func(raw []byte) (data.Record, error) // an error rejects only this record
	ordinal  int64
}

func (r *jsonRecordReader) Next() (RawRecord, data.Record, error) {
	raw, line, err := r.src.next()
	if err != nil {
		return RawRecord{}, data.Record{}, err
	}
	r.ordinal++
	rr := RawRecord{Ordinal: r.ordinal, Line: line, Raw: raw}
	rec, err := r.toRecord(raw)
	if err != nil {
		return rr, data.Record{}, &RecordError{Ordinal: r.ordinal, Line: line, Reason: err.Error()}
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
	case FormatGraphArray:
		return newGraphArrayReader(r)
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

func (s *lineSource) next() ([]byte, int64, error) {
	for s.err == nil {
		b, err := s.br.ReadBytes('\n')
		if err != nil {
			if err != io.EOF {
				// A partial last line is not a record: the read error explains what happened.
				s.err = fmt.Errorf("reading line %d: %w", s.line+1, err)
				return nil, 0, s.err
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
		return b, s.line, nil
	}
	return nil, 0, s.err
}

func trimLineEnd(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// jsonStream walks JSON documents token by token, so that arrays of any size
// stream, and knows the line on which each value starts.
type jsonStream struct {
	dec   *json.Decoder
	lines *lineTracker
}

func newJSONStream(r io.Reader) *jsonStream {
	t := &lineTracker{r: skipBOM(r), line: 1}
	return &jsonStream{dec: json.NewDecoder(t), lines: t}
}

// token reads the next token and forgets the line bookkeeping before it.
func (s *jsonStream) token() (json.Token, error) {
	tok, err := s.dec.Token()
	if err == nil {
		s.lines.lineAt(s.dec.InputOffset())
	}
	return tok, err
}

// more reports whether the current array or object has another element.
func (s *jsonStream) more() bool { return s.dec.More() }

// value decodes the next whole value and the line on which it starts.
func (s *jsonStream) value() (json.RawMessage, int64, error) {
	var raw json.RawMessage
	if err := s.dec.Decode(&raw); err != nil {
		return nil, 0, err
	}
	// RawMessage holds the value's bytes exactly, without surrounding space.
	start := s.dec.InputOffset() - int64(len(raw))
	return raw, s.lines.lineAt(start), nil
}

// skip passes over the next value token by token, so a huge unwanted value
// is never held in memory.
func (s *jsonStream) skip() error {
	tok, err := s.token()
	if err != nil || (tok != json.Delim('{') && tok != json.Delim('[')) {
		return err
	}
	return skipTokens(s.token)
}

// skipTokens finishes the object or array whose opening token was just read,
// reading tokens with next (a json.Decoder's Token, or jsonStream.token).
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

// fail turns a decoder error into the reader's fatal error. after is the
// number of records already returned.
func (s *jsonStream) fail(err error, after int64) error {
	if s.lines.readErr != nil {
		// Reading failed underneath (truncated gzip, I/O): that is the cause, not the JSON.
		return fmt.Errorf("after record %d: %w", after, s.lines.readErr)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated JSON document after record %d: %w", after, io.ErrUnexpectedEOF)
	}
	line := s.lines.lineAt(s.dec.InputOffset())
	return fmt.Errorf("invalid JSON on or after line %d, after record %d: %v", line, after, err)
}

// end checks that nothing but white space follows the document.
func (s *jsonStream) end(after int64) error {
	tok, err := s.dec.Token()
	switch {
	case err == io.EOF:
		return nil
	case err != nil:
		return s.fail(err, after)
	}
	line := s.lines.lineAt(s.dec.InputOffset())
	return fmt.Errorf("unexpected data after the end of the JSON document (line %d, after record %d): %s",
		line, after, describeToken(tok))
}

// describeToken names a token for error messages without echoing hostile text at length.
func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			return "a JSON object"
		case '[':
			return "a JSON array"
		}
		return fmt.Sprintf("%q", string(v))
	case string:
		return "the string " + quoteShort(v)
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case float64, json.Number:
		return "a number"
	}
	return "an unexpected token"
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

// lineTracker sits under a json.Decoder and counts the newlines in the bytes
// the decoder has consumed, so a value's start offset can be turned into a
// line number without keeping the file in memory.
type lineTracker struct {
	r       io.Reader
	pending []byte // bytes read but not yet counted; pending[0] is at offset base
	base    int64
	line    int64 // line number at offset base
	readErr error // first read error other than io.EOF
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.pending = append(t.pending, p[:n]...)
	if err != nil && err != io.EOF && t.readErr == nil {
		t.readErr = err
	}
	return n, err
}

// lineAt returns the line on which offset off lies. Offsets must not go
// backwards between calls; one that does gets the current line.
func (t *lineTracker) lineAt(off int64) int64 {
	k := off - t.base
	if k <= 0 {
		return t.line
	}
	if k > int64(len(t.pending)) {
		k = int64(len(t.pending))
	}
	t.line += int64(bytes.Count(t.pending[:k], []byte{'\n'}))
	t.pending = t.pending[k:]
	t.base += k
	return t.line
}

// skipBOM drops a leading UTF-8 byte-order mark, which json.Decoder rejects.
func skipBOM(r io.Reader) io.Reader {
	br := bufio.NewReader(r)
	head, err := br.Peek(len(byteOrderMark))
	if string(head) == byteOrderMark {
		br.Discard(len(byteOrderMark))
		return br
	}
	if err != nil && err != io.EOF {
		// Peek swallowed the error: hand the bytes back, then the error.
		return io.MultiReader(bytes.NewReader(append([]byte(nil), head...)), errReader{err})
	}
	return br
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

// envelopeSource yields the elements of the array under key (matched
// ignoring case) in a sequence of JSON objects: one Graph API page or Event
// Hub envelope, or several back to back or one a line, as tools save them.
// Other members (@odata.context, @odata.nextLink) are skipped.
type envelopeSource struct {
	s     *jsonStream
	key   string
	state envelopeState
	docs  int
	sticky
}

type envelopeState int

const (
	envelopeBetweenDocs envelopeState = iota
	envelopeInObject
	envelopeInArray
)

func newEnvelopeSource(r io.Reader, key string) *envelopeSource {
	return &envelopeSource{s: newJSONStream(r), key: key}
}

func (e *envelopeSource) next() ([]byte, int64, error) { return e.sticky.next(e.step) }

func (e *envelopeSource) step() ([]byte, int64, error) {
	for {
		switch e.state {
		case envelopeBetweenDocs:
			tok, err := e.s.token()
			if err == io.EOF {
				if e.docs == 0 {
					return nil, 0, fmt.Errorf("the file is empty: expected a JSON object with %q", e.key)
				}
				return nil, 0, io.EOF
			}
			if err != nil {
				return nil, 0, e.s.fail(err, e.count)
			}
			if tok != json.Delim('{') {
				return nil, 0, fmt.Errorf("%w: expected a JSON object with %q, found %s (after record %d)",
					ErrNotAuditLog, e.key, describeToken(tok), e.count)
			}
			e.docs++
			e.state = envelopeInObject
		case envelopeInObject:
			tok, err := e.s.token()
			if err != nil {
				return nil, 0, e.s.fail(err, e.count)
			}
			if tok == json.Delim('}') {
				e.state = envelopeBetweenDocs
				continue
			}
			if key, _ := tok.(string); !strings.EqualFold(key, e.key) {
				if err := e.s.skip(); err != nil {
					return nil, 0, e.s.fail(err, e.count)
				}
				continue
			}
			tok, err = e.s.token()
			if err != nil {
				return nil, 0, e.s.fail(err, e.count)
			}
			if tok != json.Delim('[') {
				return nil, 0, fmt.Errorf("%q holds %s, not an array (after record %d)", e.key, describeToken(tok), e.count)
			}
			e.state = envelopeInArray
		case envelopeInArray:
			if e.s.more() {
				raw, line, err := e.s.value()
				if err != nil {
					return nil, 0, e.s.fail(err, e.count)
				}
				return raw, line, nil
			}
			if _, err := e.s.token(); err != nil { // the closing bracket
				return nil, 0, e.s.fail(err, e.count)
			}
			e.state = envelopeInObject
		}
	}
}

// sticky is the bookkeeping the JSON sources share: it counts the records
// step yields and, after step's first error, gives that error forever.
type sticky struct {
	count int64
	err   error
}

func (s *sticky) next(step func() ([]byte, int64, error)) ([]byte, int64, error) {
	if s.err != nil {
		return nil, 0, s.err
	}
	raw, line, err := step()
	if err != nil {
		s.err = err
		return nil, 0, err
	}
	s.count++
	return raw, line, nil
}
