package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Damage containment: a record that is not valid JSON costs only itself.
// The reader rejects the damaged span as one record and resynchronises at
// the next value that parses and has the shape of the file's records.

// recordShape says whether a valid JSON value is a record of the file being
// read (an LA row, a Graph record, an API row of the right width...).
type recordShape struct {
	open  byte // '{' for objects, '[' for API rows
	match func(raw []byte) bool
}

// maxDamagedRaw caps the text kept of a damaged span for read-back.
const maxDamagedRaw = 1 << 20

// damagedSpan is a stretch of a file that is not valid JSON, standing for
// one rejected record.
type damagedSpan struct {
	raw    []byte  // the span's text, cut at maxDamagedRaw
	start  jsonPos // where the damaged record starts
	at     jsonPos // the first invalid byte
	resume jsonPos // where reading resumed; Line 0 when nothing followed
	msg    string
}

func (d *damagedSpan) Error() string {
	s := fmt.Sprintf("invalid JSON at %v: %s; ", d.at, d.msg)
	if d.resume.Line == 0 {
		return s + "no further record follows"
	}
	return s + fmt.Sprintf("reading resumed at %v", d.resume)
}

// pendingRecord is a record found by resync, returned by the next record call.
type pendingRecord struct {
	start, end int64
}

// record reads the next element of the records container (or a top-level
// record): a whole value with its start position, or a *damagedSpan. Other
// errors are fatal. topLevel says bare records may sit at the top level
// between documents (PowerShell's appended output).
func (t *tokStream) record(shape recordShape, topLevel bool) ([]byte, jsonPos, error) {
	s := t.s
	if t.deferred != nil {
		err := t.deferred
		return nil, jsonPos{}, err
	}
	if p := t.pending; p != nil {
		t.pending = nil
		t.valueEnd()
		return bytes.Clone(s.buf[s.index(p.start):s.index(p.end)]), s.posAt(p.start, true), nil
	}
	t.release()
	var start int64
	err := t.prepare()
	if err == nil {
		start, err = s.scanValue()
		if err == nil {
			t.valueEnd()
			return bytes.Clone(s.buf[s.index(start):s.pos]), s.posAt(start, true), nil
		}
	} else {
		start = s.offset(s.pos) // a bad separator: the damage starts there
	}
	var d *syntaxDamage
	if !errors.As(err, &d) {
		return nil, jsonPos{}, err
	}
	return nil, jsonPos{}, t.resync(start, d, shape, topLevel)
}

// junkError is damage that does not begin like a record and that no record
// follows: trailing garbage, a stray comma. It stops the file.
type junkError struct{ span *damagedSpan }

func (j *junkError) Error() string {
	return fmt.Sprintf("invalid JSON at %v: %s", j.span.at, j.span.msg)
}

// resync looks for the next record after damage found at d in the value
// starting at start. It returns the damaged span; the record found (if
// any) is pending.
func (t *tokStream) resync(start int64, d *syntaxDamage, shape recordShape, topLevel bool) error {
	s := t.s
	span := &damagedSpan{msg: d.msg}
	span.start = s.posAt(start, true)
	span.at = s.posAt(d.off, false)
	// The span's text is copied as the search moves on, so that the buffer
	// can slide: a damaged stretch may be long.
	copied := start
	collect := func(upTo int64) {
		limit := start + maxDamagedRaw
		if upTo > limit {
			upTo = limit
		}
		if copied < upTo {
			span.raw = append(span.raw, s.buf[s.index(copied):s.index(upTo)]...)
			copied = upTo
		}
	}
	var last byte // the last non-space byte passed over
	s.pos = s.index(start) + 1
	for {
		i := indexByteFrom(s.buf, s.pos, shape.open)
		if i < 0 {
			last = lastNonSpace(s.buf[s.pos:], last)
			s.pos = len(s.buf)
			collect(s.offset(s.pos))
			s.keep = s.pos
			if !s.fill() {
				collect(s.offset(s.pos))
				return t.endAfterDamage(span, last, shape.open)
			}
			continue
		}
		last = lastNonSpace(s.buf[s.pos:i], last)
		cand := s.offset(i)
		collect(cand)
		s.keep, s.pos = i, i
		_, err := s.scanValue()
		var cd *syntaxDamage
		switch {
		case errors.As(err, &cd):
			s.pos = s.index(cand) + 1
			last = shape.open
			continue
		case err != nil: // input ended inside the candidate: cut off
			collect(s.offset(s.pos))
			t.deferred = err
			return span
		}
		end := s.offset(s.pos)
		text := s.buf[s.index(cand):s.pos]
		last = text[len(text)-1]
		if end <= d.off {
			// Inside the damaged record's readable part: nothing in it is a record.
			continue
		}
		if !shape.match(text) {
			// Some other value (a nested one, a page envelope): records may
			// sit inside it.
			s.pos = s.index(cand) + 1
			continue
		}
		follow, ok := t.follows(end, shape, topLevel)
		if !ok {
			s.pos = s.index(cand) + 1
			continue
		}
		span.resume = s.posAt(cand, false)
		// Where the record sits decides what the stream expects after it.
		switch follow {
		case ',', ']':
			if len(t.stack) == 0 || t.stack[len(t.stack)-1] != '[' {
				t.stack = append(t.stack, '[')
			}
			t.state = tokArrayValue
		default:
			t.stack = t.stack[:0]
			t.state = tokTopValue
		}
		t.pending = &pendingRecord{start: cand, end: end}
		return span
	}
}

// follows checks what comes after a candidate record ending at end, so
// that a nested value that happens to look like a record (a targetResources
// entry, say) is not taken for one: the next element (',' then another
// value of the record shape: a few are checked), the end of the records
// array (']' then what may follow the records array there), or, where bare
// records may sit at the top level, another document or the end of the
// file. It returns the byte that follows the candidate (0 at the end).
func (t *tokStream) follows(end int64, shape recordShape, topLevel bool) (byte, bool) {
	s := t.s
	first := byte(0)
	for siblings := 0; ; siblings++ {
		c, next, ok := s.peekSpaceFrom(end)
		if siblings == 0 {
			first = c
		}
		if !ok {
			return first, topLevel || len(t.stack) > 0 // cut off or the end: the next read says which
		}
		switch c {
		case ',':
			c2, at, ok := s.peekSpaceFrom(next)
			if !ok || siblings == 3 {
				return first, true
			}
			if c2 != shape.open {
				return first, false
			}
			saved := s.offset(s.pos)
			s.pos = s.index(at - 1)
			_, err := s.scanValue()
			sibEnd := s.offset(s.pos)
			text := s.buf[s.index(at-1):s.pos]
			s.pos = s.index(saved)
			if err != nil {
				return first, true // damaged too, or cut off: the record level is still the likeliest
			}
			if !shape.match(text) {
				return first, false
			}
			end = sibEnd
		case ']':
			c2, next2, ok := s.peekSpaceFrom(next)
			switch {
			case !ok:
				return first, true
			case len(t.stack) <= 1:
				// The records array is top-level: a document or the end follows.
				return first, c2 == '[' || c2 == '{'
			case c2 == '}':
				return first, true
			case c2 == ',':
				// Only annotations (@odata.nextLink) follow a page's records.
				c3, next3, ok := s.peekSpaceFrom(next2)
				if !ok || c3 != '"' {
					return first, !ok
				}
				c4, _, ok := s.peekSpaceFrom(next3)
				return first, !ok || c4 == '@'
			}
			return first, false
		case '{', '[':
			return first, topLevel && siblings == 0
		default:
			return first, false
		}
	}
}

// endAfterDamage ends the stream after a damaged span that no record
// follows: cleanly when the last thing seen closes a document, else as a
// cut-off document.
func (t *tokStream) endAfterDamage(span *damagedSpan, last, open byte) error {
	if len(span.raw) > 0 && span.raw[0] != open {
		t.deferred = &junkError{span}
		return t.deferred
	}
	switch {
	case t.s.readErr != nil:
		t.deferred = t.s.readErr
	case last == ']' || last == '}':
		t.deferred = io.EOF
	default:
		t.deferred = io.ErrUnexpectedEOF
	}
	return span
}

// peekSpaceFrom returns the first non-space byte at or after off, and the
// offset after it, without consuming anything.
func (s *splitter) peekSpaceFrom(off int64) (byte, int64, bool) {
	for {
		i := s.index(off)
		for i < len(s.buf) {
			switch c := s.buf[i]; c {
			case ' ', '\t', '\r', '\n':
				i++
			default:
				return c, s.offset(i) + 1, true
			}
		}
		off = s.offset(i)
		if !s.fill() {
			return 0, off, false
		}
	}
}

func indexByteFrom(b []byte, from int, c byte) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}

func lastNonSpace(b []byte, last byte) byte {
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c
		}
	}
	return last
}

// Shapes of the records of each format, for resync.

func objectShape(kinds ...jsonKind) recordShape {
	return recordShape{open: '{', match: func(raw []byte) bool {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil || obj == nil {
			return false
		}
		var o objectKeys
		for k, v := range obj {
			o.keys = append(o.keys, k)
			if s, ok := jsonString(v); ok && asciiLower(k) == "category" {
				o.category = s
			}
		}
		k := o.kind()
		for _, want := range kinds {
			if k == want {
				return true
			}
		}
		return false
	}}
}

var (
	laRowShape       = objectShape(kindLARow)
	graphRecordShape = objectShape(kindGraphRecord)
	diagRecordShape  = objectShape(kindDiagRecord)
)

func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}
