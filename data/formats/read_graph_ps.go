package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"strconv"
	"strings"
	"time"
)

// PowerShell-made Graph records. The Graph PowerShell SDK and the AzureAD
// module serialise .NET objects, so every name is PascalCase
// (InitiatedBy.User.UserPrincipalName) and each object carries an
// AdditionalProperties bag; Windows PowerShell 5.1 writes DateTime values as
// "\/Date(1694066603829)\/". The rule reads the dynamic columns with Graph's
// camelCase names, so those are rewritten; nothing else is.

// camelName spells a PascalCase name as Graph does: the leading capitals are
// lowered, all but the last when a lower-case letter follows them
// (Id -> id, IPAddress -> ipAddress, UserPrincipalName -> userPrincipalName).
func camelName(k string) string {
	n := 0
	for n < len(k) && 'A' <= k[n] && k[n] <= 'Z' {
		n++
	}
	switch {
	case n == 0:
		return k
	case n == len(k):
		return asciiLower(k)
	case n > 1 && 'a' <= k[n] && k[n] <= 'z':
		n-- // the last capital starts the next word
	}
	return asciiLower(k[:n]) + k[n:]
}

// camelJSON rewrites every object name in a JSON value with camelName and
// merges each AdditionalProperties object into its parent (members the
// parent already has win; an empty or null bag is dropped). Values,
// numbers included, are kept as written; member order is kept.
func camelJSON(raw json.RawMessage) (json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := readOrdered(dec, 0)
	if err != nil {
		return nil, err
	}
	return appendJSON(nil, camelValue(v))
}

// readOrdered decodes one value keeping object member order.
func readOrdered(dec *json.Decoder, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := jsonObject{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := readOrdered(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj = append(obj, jsonField{k.(string), v})
		}
		_, err := dec.Token()
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			v, err := readOrdered(dec, depth+1)
			if err != nil {
				return nil, err
			}
			arr = append(arr, v)
		}
		_, err := dec.Token()
		return arr, err
	}
	return tok, nil
}

func camelValue(v any) any {
	switch v := v.(type) {
	case jsonObject:
		out := make(jsonObject, 0, len(v))
		var bags []jsonObject
		have := map[string]bool{}
		for _, f := range v {
			if strings.EqualFold(f.Key, "AdditionalProperties") {
				if bag, ok := f.Value.(jsonObject); ok {
					bags = append(bags, bag)
					continue
				}
				if f.Value == nil {
					continue
				}
			}
			k := camelName(f.Key)
			have[k] = true
			out = append(out, jsonField{k, camelValue(f.Value)})
		}
		for _, bag := range bags {
			for _, f := range camelValue(bag).(jsonObject) {
				if !have[f.Key] {
					have[f.Key] = true
					out = append(out, f)
				}
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = camelValue(item)
		}
		return out
	}
	return v
}

// camelDynamic is a dynamic column of a PascalCase record, rewritten; a
// value that is not JSON stays as it is.
func camelDynamic(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return nil
	}
	if out, err := camelJSON(raw); err == nil {
		return out
	}
	return raw
}

// parseMSDate reads the "/Date(ms)/" spelling of Windows PowerShell 5.1's
// ConvertTo-Json (and .NET's DataContractJsonSerializer): milliseconds since
// the Unix epoch, optionally followed by an offset such as +0200 that says
// which zone the value was shown in but does not change the instant.
func parseMSDate(s string) (time.Time, error) {
	body, ok := strings.CutPrefix(s, "/Date(")
	if ok {
		body, ok = strings.CutSuffix(body, ")/")
	}
	if !ok {
		return time.Time{}, fmt.Errorf("%s is not /Date(ms)/", quoteShort(s))
	}
	digits := body
	if i := strings.LastIndexAny(body, "+-"); i > 0 {
		offset := body[i+1:]
		if len(offset) != 4 || strings.Trim(offset, "0123456789") != "" {
			return time.Time{}, fmt.Errorf("%s has a bad offset", quoteShort(s))
		}
		digits = body[:i]
	}
	if d := strings.TrimPrefix(digits, "-"); d == "" || strings.Trim(d, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("%s is not /Date(ms)/", quoteShort(s))
	}
	ms, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || ms < -62135596800000 || ms > 253402300799999 { // years 1 to 9999
		return time.Time{}, fmt.Errorf("%s is not /Date(ms)/", quoteShort(s))
	}
	return time.UnixMilli(ms).UTC(), nil
}

// graphTime reads activityDateTime: a timestamp, or PowerShell 5.1's /Date(ms)/.
func graphTime(raw json.RawMessage) (time.Time, error) {
	t, err := requiredTime("activityDateTime", raw)
	if err == nil {
		return t, nil
	}
	if s := stringValue(raw); strings.HasPrefix(s, "/Date(") {
		if t, err := parseMSDate(s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// isPascalRecord says a Graph record was written from a .NET object.
func isPascalRecord(obj map[string]json.RawMessage) bool {
	o := objectKeys{keys: make([]string, 0, len(obj))}
	for k := range obj {
		o.keys = append(o.keys, k)
	}
	return o.pascal()
}
