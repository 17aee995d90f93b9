package hunt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/guesthunt/guesthunt/data/formats"
)

// The cell decoders accept every encoding the Log Analytics API (and
// encoding/json on the client) is known to produce: strings, float64,
// json.Number, bool, nil, and decoded objects/arrays for dynamic. Kusto
// strings are never null, so null is "" (tostring(null)), as the loaders
// store it.

// maxExactFloat is the largest magnitude below which every whole float64 is
// the long it stands for (2^53).
const maxExactFloat = 1 << 53

func remoteString(cell any) (string, error) {
	switch v := cell.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case json.Number:
		return string(v), nil
	case bool:
		return strconv.FormatBool(v), nil
	case float64:
		// As the loaders do for a number in a string column (Level may be
		// 4): its JSON text.
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("string: %v is no JSON number", v)
		}
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int:
		return strconv.Itoa(v), nil
	}
	return "", fmt.Errorf("string: got %s", describeCell(cell))
}

// remoteLong reads a long exactly: a string or json.Number by its digits,
// a float64 only when it is whole and below 2^53 (above that the decoder
// has already rounded it, and guessing would be wrong).
func remoteLong(cell any) (*int64, error) {
	var s string
	switch v := cell.(type) {
	case nil:
		return nil, nil
	case string:
		s = strings.TrimSpace(v)
	case json.Number:
		s = string(v)
	case float64:
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("long: %v is not a whole number", v)
		}
		if math.Abs(v) > maxExactFloat {
			return nil, fmt.Errorf("long: %v arrived as a float64 above 2^53, so its last digits may be lost; decode numbers with json.Number", v)
		}
		n := int64(v)
		return &n, nil
	case int64:
		return &v, nil
	case int:
		n := int64(v)
		return &n, nil
	default:
		return nil, fmt.Errorf("long: got %s", describeCell(cell))
	}
	if s == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		return &n, nil
	}
	// "1.0" or "1e3": whole, and small enough for float64 to be exact.
	f, ferr := strconv.ParseFloat(s, 64)
	if ferr == nil && f == math.Trunc(f) && math.Abs(f) <= maxExactFloat {
		n = int64(f)
		return &n, nil
	}
	return nil, fmt.Errorf("long: %s is not a whole number in range", quoteCell(s))
}

// remoteDynamic gives a dynamic cell the text the loaders store, by
// handing the cell's JSON to the loaders' own mapping (formats.RecordFromLA):
// JSON text inside a string is kept verbatim (DuckDB stores it as is); a
// string that is not JSON stays a JSON string, as parse_json gives it back;
// a decoded value is its JSON. null, "" and the JSON null are nil. A
// decoded object has lost its key order in a Go map: it comes back with
// sorted keys, which Verify treats as the same value.
func remoteDynamic(cell any) (json.RawMessage, error) {
	if cell == nil {
		return nil, nil
	}
	if f, ok := cell.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return nil, fmt.Errorf("dynamic: %v is no JSON number", f)
	}
	raw, ok := cell.(json.RawMessage) // the exact text, as the live client hands it over
	if !ok {
		var err error
		if raw, err = marshalDynamic(cell); err != nil {
			return nil, err
		}
	}
	rec, err := formats.RecordFromLA(map[string]json.RawMessage{"TimeGenerated": loaderTime, "InitiatedBy": raw})
	if err != nil { // cannot happen: the time is fixed
		return nil, fmt.Errorf("dynamic: %v", err)
	}
	return rec.InitiatedBy, nil
}

// loaderTime satisfies RecordFromLA's one required column.
var loaderTime = json.RawMessage(`"2000-01-01T00:00:00Z"`)

// marshalDynamic writes v as compact JSON without HTML escaping (the
// loaders keep <, > and & as they are).
func marshalDynamic(v any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		var unsupported *json.UnsupportedValueError
		if errors.As(err, &unsupported) {
			return nil, fmt.Errorf("dynamic: %v", unsupported)
		}
		return nil, fmt.Errorf("dynamic: got %s: %v", describeCell(v), err)
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// describeCell names a cell's kind for an error, quoting a short value.
func describeCell(cell any) string {
	switch v := cell.(type) {
	case nil:
		return "null"
	case string:
		return "the string " + quoteCell(v)
	case float64:
		return "the number " + strconv.FormatFloat(v, 'g', -1, 64)
	case json.Number:
		return "the number " + string(v)
	case bool:
		return "the boolean " + strconv.FormatBool(v)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a %T", cell)
}

func quoteCell(s string) string {
	const max = 40
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
