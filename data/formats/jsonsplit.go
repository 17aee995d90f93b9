package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// A byte-level streaming JSON splitter. It walks a document through a
// sliding buffer (never the whole file: exports reach 1.5 GB), validates
// every value it passes exactly as JSON's grammar says, and knows the line,
// column and byte offset of any position it has seen. Unlike json.Decoder
// it can resume after damage: see tokStream.resync.

// jsonPos is a position in a file: 0-based byte offset, 1-based line and
// column (columns count characters, not bytes).
type jsonPos struct {
	Offset, Line, Column int64
}

func (p jsonPos) String() string {
	return fmt.Sprintf("line %d, column %d", p.Line, p.Column)
}

// maxJSONDepth bounds nesting, as encoding/json does.
const maxJSONDepth = 10000

// splitter is the byte layer: buffer, refill and positions.
type splitter struct {
	r       io.Reader
	buf     []byte
	base    int64 // offset of buf[0]
	pos     int   // index of the next unread byte
	keep    int   // bytes from buf[keep] on must stay in the buffer
	eof     bool
	readErr error // a read error other than io.EOF (sticky)

	// Checkpoint: the line and column at offset ck. Positions are counted
	// forward from it; it only moves forward and never past keep.
	ck            int64
	ckLine, ckCol int64

	stack []byte // scratch for scanValue
}

func newSplitter(r io.Reader, startOffset int64) *splitter {
	return &splitter{r: r, buf: make([]byte, 0, 256<<10), base: startOffset, ck: startOffset, ckLine: 1, ckCol: 1}
}

// offset is the absolute offset of buf[i].
func (s *splitter) offset(i int) int64 { return s.base + int64(i) }

// index is the buffer index of an absolute offset still in the buffer.
func (s *splitter) index(off int64) int { return int(off - s.base) }

// fill reads more bytes; false at the end of input or on a read error.
// Bytes before keep may move or go.
func (s *splitter) fill() bool {
	if s.eof || s.readErr != nil {
		return false
	}
	if s.keep > 0 && (len(s.buf) == cap(s.buf) || s.keep >= len(s.buf)/2) {
		if s.ck < s.offset(s.keep) {
			s.advance(s.offset(s.keep))
		}
		n := copy(s.buf, s.buf[s.keep:])
		s.buf = s.buf[:n]
		s.base += int64(s.keep)
		s.pos -= s.keep
		s.keep = 0
	}
	if len(s.buf) == cap(s.buf) {
		grown := make([]byte, len(s.buf), 2*cap(s.buf))
		copy(grown, s.buf)
		s.buf = grown
	}
	for tries := 0; tries < 100; tries++ {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err == io.EOF {
			s.eof = true
		} else if err != nil {
			s.readErr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	s.readErr = io.ErrNoProgress
	return false
}

// peek returns the next byte without consuming it.
func (s *splitter) peek() (byte, bool) {
	if s.pos >= len(s.buf) && !s.fill() {
		return 0, false
	}
	return s.buf[s.pos], true
}

// skipSpace passes over JSON white space and returns the next byte.
func (s *splitter) skipSpace() (byte, bool) {
	for {
		for s.pos < len(s.buf) {
			switch c := s.buf[s.pos]; c {
			case ' ', '\t', '\r', '\n':
				s.pos++
			default:
				return c, true
			}
		}
		if !s.fill() {
			return 0, false
		}
	}
}

// endErr is why input stopped: the read error, or a cut-off document.
func (s *splitter) endErr() error {
	if s.readErr != nil {
		return s.readErr
	}
	return io.ErrUnexpectedEOF
}

// advance moves the checkpoint forward to off (which is in the buffer).
func (s *splitter) advance(off int64) {
	if off <= s.ck {
		return
	}
	s.ckLine, s.ckCol = countPos(s.buf[s.index(s.ck):s.index(off)], s.ckLine, s.ckCol)
	s.ck = off
}

// posAt is the position of off (not before the checkpoint), moving the
// checkpoint there when move is set.
func (s *splitter) posAt(off int64, move bool) jsonPos {
	if off < s.ck {
		off = s.ck // cannot happen: callers ask in order
	}
	if max := s.offset(len(s.buf)); off > max {
		off = max
	}
	if move {
		s.advance(off)
		return jsonPos{off, s.ckLine, s.ckCol}
	}
	line, col := countPos(s.buf[s.index(s.ck):s.index(off)], s.ckLine, s.ckCol)
	return jsonPos{off, line, col}
}

func countPos(b []byte, line, col int64) (int64, int64) {
	if n := bytes.Count(b, []byte{'\n'}); n > 0 {
		line += int64(n)
		b = b[bytes.LastIndexByte(b, '\n')+1:]
		col = 1
	}
	return line, col + int64(utf8.RuneCount(b))
}

// syntaxDamage is invalid JSON at an offset.
type syntaxDamage struct {
	off int64
	msg string
}

func (d *syntaxDamage) Error() string { return d.msg }

func (s *splitter) damage(format string, args ...any) *syntaxDamage {
	return &syntaxDamage{off: s.offset(s.pos), msg: fmt.Sprintf(format, args...)}
}

// describeByte names a byte for an error message.
func describeByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

// scanValue consumes one whole JSON value starting at the next non-space
// byte, checking its grammar. It returns the value's start offset. Errors
// are *syntaxDamage (invalid JSON), or endErr() when input ends inside the
// value. The buffer keeps the value's bytes until keep is moved.
func (s *splitter) scanValue() (int64, error) {
	c, ok := s.skipSpace()
	if !ok {
		return 0, s.endErr()
	}
	start := s.offset(s.pos)
	if s.keep > s.pos {
		s.keep = s.pos
	}
	_ = c
	stack := s.stack[:0]
	defer func() { s.stack = stack[:0] }()

	// States: expecting a value, a key or '}' (first in an object), a key
	// (after a comma), a colon, or a comma / closer after a value.
	const (
		stValue = iota
		stKeyOrEnd
		stKey
		stColon
		stAfter
		stValueOrEnd
	)
	state := stValue
	for {
		c, ok := s.skipSpace()
		if !ok {
			return start, s.endErr()
		}
		switch state {
		case stValue, stValueOrEnd:
			if state == stValueOrEnd && c == ']' {
				s.pos++
				stack = stack[:len(stack)-1]
				state = stAfter
				break
			}
			switch {
			case c == '{' || c == '[':
				if len(stack) >= maxJSONDepth {
					return start, s.damage("JSON nested too deeply")
				}
				s.pos++
				stack = append(stack, c)
				if c == '{' {
					state = stKeyOrEnd
				} else {
					state = stValueOrEnd
				}
				continue
			case c == '"':
				if err := s.scanString(); err != nil {
					return start, err
				}
			case c == 't':
				if err := s.scanLiteral("true"); err != nil {
					return start, err
				}
			case c == 'f':
				if err := s.scanLiteral("false"); err != nil {
					return start, err
				}
			case c == 'n':
				if err := s.scanLiteral("null"); err != nil {
					return start, err
				}
			case c == '-' || ('0' <= c && c <= '9'):
				if err := s.scanNumber(len(stack) == 0); err != nil {
					return start, err
				}
			default:
				return start, s.damage("invalid character %s looking for a value", describeByte(c))
			}
			state = stAfter
		case stKeyOrEnd, stKey:
			if c == '}' && state == stKeyOrEnd {
				s.pos++
				stack = stack[:len(stack)-1]
				state = stAfter
				break
			}
			if c != '"' {
				return start, s.damage("invalid character %s looking for an object key", describeByte(c))
			}
			if err := s.scanString(); err != nil {
				return start, err
			}
			state = stColon
			continue
		case stColon:
			if c != ':' {
				return start, s.damage("invalid character %s after an object key", describeByte(c))
			}
			s.pos++
			state = stValue
			continue
		case stAfter:
			top := stack[len(stack)-1]
			switch {
			case c == ',':
				s.pos++
				if top == '{' {
					state = stKey
				} else {
					state = stValue
				}
				continue
			case c == '}' && top == '{', c == ']' && top == '[':
				s.pos++
				stack = stack[:len(stack)-1]
			default:
				where := "an object"
				if top == '[' {
					where = "an array"
				}
				return start, s.damage("invalid character %s after a value in %s", describeByte(c), where)
			}
		}
		if state == stAfter && len(stack) == 0 {
			return start, nil
		}
	}
}

// scanString consumes a string whose opening quote is at pos.
func (s *splitter) scanString() error {
	s.pos++
	for {
		for s.pos < len(s.buf) {
			c := s.buf[s.pos]
			switch {
			case c == '"':
				s.pos++
				return nil
			case c == '\\':
				if err := s.scanEscape(); err != nil {
					return err
				}
				continue
			case c < 0x20:
				return s.damage("invalid character %s in a string (a quote may be missing)", describeByte(c))
			}
			s.pos++
		}
		if !s.fill() {
			return s.endErr()
		}
	}
}

func (s *splitter) scanEscape() error {
	s.pos++ // the backslash
	c, ok := s.peek()
	if !ok {
		return s.endErr()
	}
	switch c {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.pos++
		return nil
	case 'u':
		s.pos++
		for i := 0; i < 4; i++ {
			h, ok := s.peek()
			if !ok {
				return s.endErr()
			}
			if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
				return s.damage("invalid character %s in a \\u escape", describeByte(h))
			}
			s.pos++
		}
		return nil
	}
	return s.damage("invalid escape \\%s in a string", string(rune(c)))
}

func (s *splitter) scanLiteral(lit string) error {
	for i := 0; i < len(lit); i++ {
		c, ok := s.peek()
		if !ok {
			return s.endErr()
		}
		if c != lit[i] {
			return s.damage("invalid character %s in literal %s", describeByte(c), lit)
		}
		s.pos++
	}
	return nil
}

// scanNumber consumes a number. A number at the top level may end the input.
func (s *splitter) scanNumber(top bool) error {
	digits := func() (int, error) {
		n := 0
		for {
			c, ok := s.peek()
			if !ok {
				if s.readErr != nil || !top {
					return n, s.endErr()
				}
				return n, nil
			}
			if c < '0' || c > '9' {
				return n, nil
			}
			s.pos++
			n++
		}
	}
	if c, _ := s.peek(); c == '-' {
		s.pos++
	}
	c, ok := s.peek()
	if !ok {
		return s.endErr()
	}
	switch {
	case c == '0':
		s.pos++
	case '1' <= c && c <= '9':
		if _, err := digits(); err != nil {
			return err
		}
	default:
		return s.damage("invalid character %s in a number", describeByte(c))
	}
	c, ok = s.peek()
	if ok && c == '.' {
		s.pos++
		n, err := digits()
		if err != nil {
			return err
		}
		if n == 0 {
			return s.numberDamage()
		}
		c, ok = s.peek()
	}
	if ok && (c == 'e' || c == 'E') {
		s.pos++
		if c, ok := s.peek(); ok && (c == '+' || c == '-') {
			s.pos++
		}
		n, err := digits()
		if err != nil {
			return err
		}
		if n == 0 {
			return s.numberDamage()
		}
	}
	if !ok && (s.readErr != nil || !top) {
		return s.endErr()
	}
	return nil
}

func (s *splitter) numberDamage() error {
	c, ok := s.peek()
	if !ok {
		return s.endErr()
	}
	return s.damage("invalid character %s in a number", describeByte(c))
}

// tokStream walks the structure around the records token by token, like
// json.Decoder's Token/More/Decode, and hands over records (whole values)
// with their positions.
type tokStream struct {
	s        *splitter
	stack    []byte // open containers above the current position
	state    tokState
	pending  *pendingRecord // a record found by resync, not yet returned
	deferred error          // what the stream ends with after damage (sticky)
}

type tokState int

const (
	tokTopValue tokState = iota
	tokArrayStart
	tokArrayValue
	tokArrayComma
	tokObjectStart
	tokObjectKey
	tokObjectColon
	tokObjectValue
	tokObjectComma
)

// delimTok is a structural token: one of { } [ ].
type delimTok byte

// scalarTok is a scalar value other than a string (its JSON text).
type scalarTok string

func newTokStream(r io.Reader) *tokStream {
	r, bom := stripBOM(r)
	var start int64
	if bom {
		start = int64(len(byteOrderMark))
	}
	return &tokStream{s: newSplitter(r, start)}
}

func (t *tokStream) valueAllowed() bool {
	switch t.state {
	case tokTopValue, tokArrayStart, tokArrayValue, tokObjectValue:
		return true
	}
	return false
}

func (t *tokStream) valueEnd() {
	switch t.state {
	case tokArrayStart, tokArrayValue:
		t.state = tokArrayComma
	case tokObjectValue:
		t.state = tokObjectComma
	}
}

// release lets the buffer drop everything before the current position.
func (t *tokStream) release() { t.s.keep = t.s.pos }

// token returns the next token: delimTok, a string (key or value) or
// scalarTok. io.EOF only between top-level values.
func (t *tokStream) token() (any, error) {
	s := t.s
	for {
		t.release()
		c, ok := s.skipSpace()
		if !ok {
			if t.state == tokTopValue && len(t.stack) == 0 && s.readErr == nil {
				return nil, io.EOF
			}
			return nil, s.endErr()
		}
		switch c {
		case '[', '{':
			if !t.valueAllowed() {
				return nil, s.damage("unexpected %s", describeByte(c))
			}
			if len(t.stack) >= maxJSONDepth {
				return nil, s.damage("JSON nested too deeply")
			}
			s.pos++
			t.stack = append(t.stack, c)
			if c == '[' {
				t.state = tokArrayStart
			} else {
				t.state = tokObjectStart
			}
			return delimTok(c), nil
		case ']', '}':
			okState := t.state == tokArrayStart || t.state == tokArrayComma
			open := byte('[')
			if c == '}' {
				okState, open = t.state == tokObjectStart || t.state == tokObjectComma, '{'
			}
			if !okState || len(t.stack) == 0 || t.stack[len(t.stack)-1] != open {
				return nil, s.damage("unexpected %s", describeByte(c))
			}
			s.pos++
			t.pop()
			return delimTok(c), nil
		case ':':
			if t.state != tokObjectColon {
				return nil, s.damage("unexpected ':'")
			}
			s.pos++
			t.state = tokObjectValue
			continue
		case ',':
			switch t.state {
			case tokArrayComma:
				t.state = tokArrayValue
			case tokObjectComma:
				t.state = tokObjectKey
			default:
				return nil, s.damage("unexpected ','")
			}
			s.pos++
			continue
		case '"':
			if t.state == tokObjectStart || t.state == tokObjectKey {
				str, err := t.str()
				if err != nil {
					return nil, err
				}
				t.state = tokObjectColon
				return str, nil
			}
		}
		if !t.valueAllowed() {
			return nil, s.damage("unexpected %s", describeByte(c))
		}
		start, err := s.scanValue()
		if err != nil {
			return nil, err
		}
		text := s.buf[s.index(start):s.pos]
		t.valueEnd()
		if c == '"' {
			var str string
			if err := json.Unmarshal(text, &str); err != nil {
				return nil, &syntaxDamage{off: start, msg: err.Error()}
			}
			return str, nil
		}
		return scalarTok(text), nil
	}
}

func (t *tokStream) pop() {
	t.stack = t.stack[:len(t.stack)-1]
	if len(t.stack) == 0 {
		t.state = tokTopValue
	} else if t.stack[len(t.stack)-1] == '[' {
		t.state = tokArrayComma
	} else {
		t.state = tokObjectComma
	}
}

// closeArray takes the array being read as closed, as if its "]" had been
// read: the bracket that ended a damaged element was the array's own. It
// reports false when no array is open.
func (t *tokStream) closeArray() bool {
	if len(t.stack) == 0 || t.stack[len(t.stack)-1] != '[' {
		return false
	}
	t.pop()
	return true
}

// str reads a string token (an object key).
func (t *tokStream) str() (string, error) {
	s := t.s
	start := s.pos
	s.keep = start
	if err := s.scanString(); err != nil {
		return "", err
	}
	var str string
	if err := json.Unmarshal(s.buf[start:s.pos], &str); err != nil {
		return "", &syntaxDamage{off: s.offset(start), msg: err.Error()}
	}
	return str, nil
}

// more reports whether the current array or object has another element.
func (t *tokStream) more() bool {
	c, ok := t.s.skipSpace()
	return ok && c != ']' && c != '}'
}

// prepare consumes the separator before a value, as json.Decoder does.
func (t *tokStream) prepare() error {
	s := t.s
	switch t.state {
	case tokArrayComma, tokObjectColon:
		c, ok := s.skipSpace()
		if !ok {
			return s.endErr()
		}
		want := byte(',')
		if t.state == tokObjectColon {
			want = ':'
		}
		if c != want {
			return s.damage("invalid character %s, expected %q", describeByte(c), want)
		}
		s.pos++
		if t.state == tokArrayComma {
			t.state = tokArrayValue
		} else {
			t.state = tokObjectValue
		}
	}
	if !t.valueAllowed() {
		c, _ := s.skipSpace()
		return s.damage("unexpected %s", describeByte(c))
	}
	return nil
}

// value reads the next whole value (a copy of its bytes).
func (t *tokStream) value() ([]byte, jsonPos, error) {
	t.release()
	if err := t.prepare(); err != nil {
		return nil, jsonPos{}, err
	}
	s := t.s
	start, err := s.scanValue()
	if err != nil {
		return nil, jsonPos{}, err
	}
	t.valueEnd()
	return bytes.Clone(s.buf[s.index(start):s.pos]), s.posAt(start, true), nil
}

// skip passes over the next value without keeping it in memory.
func (t *tokStream) skip() error {
	t.release()
	if err := t.prepare(); err != nil {
		return err
	}
	s := t.s
	// scanValue keeps the value's bytes; for a big unwanted value that is
	// wasteful but bounded by the value. Members skipped here are envelope
	// metadata, never the records.
	if _, err := s.scanValue(); err != nil {
		return err
	}
	t.valueEnd()
	return nil
}

// fail turns an error into the reader's fatal error; after is the number of
// records returned so far.
func (t *tokStream) fail(err error, after int64) error {
	var d *syntaxDamage
	switch {
	case errors.As(err, &d):
		return fmt.Errorf("invalid JSON at %v (after record %d): %s", t.s.posAt(d.off, false), after, d.msg)
	case t.s.readErr != nil:
		return fmt.Errorf("after record %d: %w", after, t.s.readErr)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("truncated JSON document after record %d: %w", after, io.ErrUnexpectedEOF)
	}
	return err
}
