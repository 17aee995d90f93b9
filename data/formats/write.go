package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/guesthunt/guesthunt/data"
)

// WriteRecords writes recs to w in format f, shaped like the real export so
// that the matching reader maps it back onto the same Records (as far as the
// format carries the data). Parquet needs a file path: use store.WriteFile.
func WriteRecords(w io.Writer, f Format, recs []data.Record) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var err error
	switch f {
	case FormatLANDJSON:
		err = writeLANDJSON(bw, recs)
	case FormatLAJSON:
		err = writeLAJSON(bw, recs)
	case FormatLAAPI:
		err = writeLAAPI(bw, recs)
	case FormatLACSV:
		err = writeLACSV(bw, recs, false)
	case FormatLAPortalCSV:
		err = writeLACSV(bw, recs, true)
	case FormatGraph:
		err = writeGraphPage(bw, recs)
	case FormatGraphArray:
		err = writeGraphArray(bw, recs)
	case FormatGraphNDJSON:
		err = writeGraphNDJSON(bw, recs)
	case FormatDiag:
		err = writeDiagNDJSON(bw, recs)
	case FormatDiagRecords:
		err = writeDiagRecords(bw, recs)
	case FormatEntraCSV:
		err = writeEntraCSV(bw, recs)
	case FormatGraphExtractor:
		err = writeGraphExtractor(bw, recs)
	case FormatGraphPS:
		err = writeGraphPS(bw, recs)
	case FormatKustoV1:
		err = writeKustoV1(bw, recs)
	case FormatKustoV2:
		err = writeKustoV2(bw, recs)
	case FormatParquet:
		return errors.New("parquet is written to a file: use store.WriteFile")
	default:
		return fmt.Errorf("cannot write format %q", f)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// WriteFile writes recs to a new file at path (replacing any file there) in
// format f. Parquet is written through DuckDB: use store.WriteFile.
func WriteFile(path string, f Format, recs []data.Record) error {
	if f == FormatParquet {
		return errors.New("parquet is written through DuckDB: use store.WriteFile")
	}
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := WriteRecords(file, f, recs); err != nil {
		file.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return file.Close()
}

// jsonField is one member of a jsonObject.
type jsonField struct {
	Key   string
	Value any
}

// jsonObject marshals its members in the given order; exports are read by
// people, and Log Analytics keeps its schema order, so map order won't do.
type jsonObject []jsonField

func (o jsonObject) MarshalJSON() ([]byte, error) {
	return appendJSON(nil, o)
}

// marshalNoHTMLEscape is json.Marshal without turning <, > and & into \u003c
// and friends, which real exports don't do.
func marshalNoHTMLEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// writeJSONLines writes one JSON value a line.
func writeJSONLines(w *bufio.Writer, n int, value func(i int) any) error {
	var buf []byte
	for i := 0; i < n; i++ {
		var err error
		if buf, err = appendJSON(buf[:0], value(i)); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
		w.Write(buf)
		w.WriteByte('\n')
	}
	return nil
}

// writeJSONArrayBody writes the values as a JSON array, one element a line,
// so that large exports stay diffable and greppable.
func writeJSONArrayBody(w *bufio.Writer, n int, value func(i int) any) error {
	w.WriteByte('[')
	var buf []byte
	for i := 0; i < n; i++ {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
		var err error
		if buf, err = appendJSON(buf[:0], value(i)); err != nil {
			return fmt.Errorf("record %d: %w", i+1, err)
		}
		w.Write(buf)
	}
	if n > 0 {
		w.WriteByte('\n')
	}
	w.WriteByte(']')
	return nil
}

// appendJSON appends v's JSON encoding, without HTML escaping. The shapes
// the writers build are encoded directly, since going through an Encoder per
// value made writing about ten times slower; anything else falls back to it.
func appendJSON(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendJSONString(dst, v), nil
	case int64:
		return strconv.AppendInt(dst, v, 10), nil
	case json.RawMessage:
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return nil, err
		}
		return append(dst, buf.Bytes()...), nil
	case jsonObject:
		dst = append(dst, '{')
		for i, f := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, f.Key)
			dst = append(dst, ':')
			var err error
			if dst, err = appendJSON(dst, f.Value); err != nil {
				return nil, fmt.Errorf("field %s: %w", f.Key, err)
			}
		}
		return append(dst, '}'), nil
	case []any:
		dst = append(dst, '[')
		for i, item := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJSON(dst, item); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	}
	b, err := marshalNoHTMLEscape(v)
	return append(dst, b...), err
}

// appendJSONString quotes s exactly as encoding/json does with HTML
// escaping off: C0 controls, quote and backslash escaped, U+2028/U+2029
// escaped, invalid UTF-8 replaced by U+FFFD; everything else verbatim.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// isNullDynamic reports whether a dynamic column holds nothing.
func isNullDynamic(raw json.RawMessage) bool {
	trimmed := bytes.TrimSpace(raw)
	return len(trimmed) == 0 || string(trimmed) == "null"
}

// dynamicText is a dynamic column as Log Analytics exports it: its JSON text
// as a string. Only null/absent gives ok=false.
func dynamicText(raw json.RawMessage) (string, bool) {
	if isNullDynamic(raw) {
		return "", false
	}
	return string(raw), true
}

// embeddedDynamic is a dynamic column as Graph and diagnostic settings carry
// it: a JSON object or array embedded as is; any other text (not JSON, or a
// JSON scalar) becomes a JSON string so the output stays well formed.
func embeddedDynamic(raw json.RawMessage) any {
	if isNullDynamic(raw) {
		return nil
	}
	trimmed := bytes.TrimSpace(raw)
	if (trimmed[0] == '{' || trimmed[0] == '[') && json.Valid(trimmed) {
		var compact bytes.Buffer
		if err := json.Compact(&compact, trimmed); err == nil {
			return json.RawMessage(compact.Bytes())
		}
	}
	return string(raw)
}

// levelValue writes a numeric level as a number, as diagnostic settings do,
// and anything else ("Informational") as a string.
func levelValue(level string) any {
	if n, err := strconv.ParseInt(strings.TrimSpace(level), 10, 64); err == nil {
		return n
	}
	return level
}

// initiator splits an InitiatedBy value into its kind ("user" or "app") and
// that object's members; kind is "" when neither is present.
func initiator(raw json.RawMessage) (kind string, fields map[string]json.RawMessage) {
	var by map[string]json.RawMessage
	if isNullDynamic(raw) || json.Unmarshal(raw, &by) != nil {
		return "", nil
	}
	for _, k := range []string{"user", "app"} {
		var obj map[string]json.RawMessage
		if json.Unmarshal(by[k], &obj) == nil && obj != nil {
			return k, obj
		}
	}
	return "", nil
}

// jsonText is a JSON member as a CSV cell or plain string: a string's
// content, "" for null or missing, any other value's JSON text.
func jsonText(fields map[string]json.RawMessage, key string) string {
	raw, ok := fields[key]
	if !ok || isNullDynamic(raw) {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(raw))
}
