package formats

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/guesthunt/guesthunt/data"
)

// DetectPeekSize is the most DetectFormat looks at. Pass a bufio.Reader at
// least this big to let it see a very long first record; smaller readers are
// peeked only as far as their buffer.
const DetectPeekSize = 4 << 20

// detectMaxLines bounds how many NDJSON lines are tried when the first
// record is unreadable.
const detectMaxLines = 100

// expectedExports is said in every "not an export" error.
const expectedExports = "expected Log Analytics rows, Graph directoryAudits or diagnostic-settings records"

// supportedJSONShapes follows expectedExports when JSON of another shape is
// refused: one short line a shape.
const supportedJSONShapes = `; supported JSON shapes: ` +
	`Log Analytics rows {"TimeGenerated":...,"OperationName":...}, one a line or in [...]; ` +
	`Log Analytics query API {"tables":[{"columns":[...],"rows":[...]}]}; ` +
	`Kusto REST v1 {"Tables":[...]} or v2 [{"FrameType":"DataSetHeader"},...]; ` +
	`Graph directoryAudits {"value":[...]}, [...], one a line, or PowerShell ConvertTo-Json output; ` +
	`diagnostic settings {"time","operationName","properties"}, one a line or in {"records":[...]}`

// otherGraphResource names the Graph resource an object is when it is one
// that collections hold beside directoryAudits ("" otherwise), so that a
// file of them is refused for what it is.
func otherGraphResource(o objectKeys) string {
	switch {
	case o.has("activityDisplayName") || o.has("initiatedBy") && !o.has("jobId"):
		return ""
	case o.has("createdDateTime") && (o.has("appDisplayName") || o.has("status") || o.has("conditionalAccessStatus")):
		return "signIns"
	case o.has("jobId") || o.has("cycleId") || o.has("provisioningAction"):
		return "provisioning"
	}
	return ""
}

// DetectFormat recognises an export's format from its content only, without
// consuming anything from br (it peeks). Content it does not recognise gives
// an error wrapping ErrNotAuditLog that says what it saw.
func DetectFormat(br *bufio.Reader) (Format, error) {
	n := min(br.Size(), DetectPeekSize)
	head, peekErr := br.Peek(n)
	if peekErr == bufio.ErrBufferFull || peekErr == io.EOF {
		peekErr = nil
	}
	if peekErr != nil && len(head) == 0 {
		return "", fmt.Errorf("reading the start of the file: %w", peekErr)
	}
	f, err := detectContent(head)
	if err != nil && peekErr != nil {
		// The read failure (a truncated gzip, say) explains more than the half-seen content.
		return "", fmt.Errorf("reading the start of the file: %w", peekErr)
	}
	return f, err
}

func detectContent(head []byte) (Format, error) {
	switch {
	case len(head) == 0:
		return "", notAuditLog("the file is empty")
	case bytes.HasPrefix(head, []byte("PAR1")):
		return FormatParquet, nil
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return "", notAuditLog("gzip-compressed data (decompress it first)")
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		return "", notAuditLog("UTF-16 text (save it as UTF-8)")
	}
	text := bytes.TrimPrefix(head, []byte(byteOrderMark))
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	if len(trimmed) == 0 {
		return "", notAuditLog("the file is empty (white space only)")
	}
	switch trimmed[0] {
	case '{':
		return detectJSONObjects(trimmed)
	case '[':
		return detectJSONArray(trimmed)
	}
	return detectCSV(text)
}

func notAuditLog(seen string) error {
	return fmt.Errorf("%w: %s", ErrNotAuditLog, seen)
}

// jsonKind is what one JSON object looks like.
type jsonKind int

const (
	kindUnknown jsonKind = iota
	kindLARow
	kindGraphRecord
	kindDiagRecord
	kindLAAPI       // {"tables":[...]}
	kindGraphPage   // {"value":[...]}
	kindDiagRecords // {"records":[...]}
	kindKustoV1     // {"Tables":[...]}
)

// objectKeys is what a look at an object's members found.
type objectKeys struct {
	keys     []string
	category string // the value of "category" when it is a string
	envelope string // "tables", "value" or "records" when that member is an array
}

func (o objectKeys) has(name string) bool {
	for _, k := range o.keys {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// kind classifies an object by its member names. Envelopes are told by their
// array member; diagnostic records before LA rows (both may have
// operationName), LA rows before Graph records (LA has ActivityDateTime too).
func (o objectKeys) kind() jsonKind {
	switch {
	case o.envelope == "Tables":
		return kindKustoV1
	case strings.EqualFold(o.envelope, "tables"):
		return kindLAAPI
	case strings.EqualFold(o.envelope, "value"), o.has("@odata.context"):
		return kindGraphPage
	case strings.EqualFold(o.envelope, "records"):
		return kindDiagRecords
	case o.has("time") && o.has("properties") && (o.has("operationName") || strings.EqualFold(o.category, "AuditLogs")):
		return kindDiagRecord
	case o.has("TimeGenerated"), o.has("OperationName") && o.laColumns() >= 2:
		return kindLARow
	case o.has("activityDateTime"), o.has("activityDisplayName"):
		return kindGraphRecord
	}
	return kindUnknown
}

// pascal says the record is spelled as PowerShell writes .NET objects.
func (o objectKeys) pascal() bool {
	exact := func(name string) bool {
		for _, k := range o.keys {
			if k == name {
				return true
			}
		}
		return false
	}
	return (exact("ActivityDateTime") || exact("ActivityDisplayName")) && !exact("activityDateTime") && !exact("activityDisplayName")
}

func (o objectKeys) laColumns() int {
	n := 0
	for _, c := range data.AuditLogsColumns {
		if o.has(c.Name) {
			n++
		}
	}
	return n
}

func (o objectKeys) String() string {
	const max = 20
	keys := o.keys
	more := ""
	if len(keys) > max {
		keys, more = keys[:max], fmt.Sprintf(" and %d more", len(o.keys)-max)
	}
	return quoteList(keys) + more
}

// scanObjectKeys reads an object's member names after its opening brace,
// stepping over values token by token. It stops early at an envelope's array
// member. A document cut off by the peek limit gives what was seen with the
// decoder's error; callers decide whether that is enough.
func scanObjectKeys(dec *json.Decoder) (objectKeys, error) {
	var o objectKeys
	for {
		tok, err := dec.Token()
		if err != nil {
			return o, err
		}
		if tok == json.Delim('}') {
			return o, nil
		}
		key, _ := tok.(string)
		if len(o.keys) < 1000 {
			o.keys = append(o.keys, key)
		}
		val, err := dec.Token()
		if err != nil {
			return o, err
		}
		if val == json.Delim('[') && isEnvelopeKey(key) {
			o.envelope = key
			return o, nil
		}
		if s, ok := val.(string); ok && strings.EqualFold(key, "category") {
			o.category = s
		}
		if val == json.Delim('{') || val == json.Delim('[') {
			if err := skipTokens(dec.Token); err != nil {
				return o, err
			}
		}
	}
}

func isEnvelopeKey(key string) bool {
	return strings.EqualFold(key, "tables") || strings.EqualFold(key, "value") || strings.EqualFold(key, "records")
}

// isTruncation says the decoder ran out of peeked bytes rather than met bad JSON.
func isTruncation(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// detectJSONObjects handles content starting with '{': one object (maybe
// pretty-printed, maybe huge) or NDJSON.
func detectJSONObjects(text []byte) (Format, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.Token() // the opening brace, known to be there
	keys, err := scanObjectKeys(dec)
	if k := keys.kind(); (k == kindLARow || k == kindGraphRecord) && prettyPrinted(text) {
		// A bare record written by ConvertTo-Json: read as an array would be.
		switch {
		case k == kindLARow:
			return FormatLAJSON, nil
		case keys.pascal():
			return FormatGraphPS, nil
		}
		return FormatGraphExtractor, nil
	}
	if f, ok := objectFormat(keys.kind()); ok {
		return f, nil
	}
	// The first record may be one bad line of an NDJSON file: try the next ones.
	if f, ok := detectNDJSONLines(text); ok {
		return f, nil
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) && len(keys.keys) == 0 {
		return "", notAuditLog(fmt.Sprintf("invalid JSON at byte %d: %v", syntax.Offset, err))
	}
	if kind := otherGraphResource(keys); kind != "" {
		return "", notAuditLog(fmt.Sprintf("Microsoft Graph %s records, which are not audit events (only directoryAudits are)", kind))
	}
	return "", notAuditLog(fmt.Sprintf("JSON object with keys %v; %s%s", keys, expectedExports, supportedJSONShapes))
}

// prettyPrinted says the first value of text spans lines rather than being
// one line of NDJSON. A value cut off by the peek limit whose first line is
// not whole counts as spanning lines.
func prettyPrinted(text []byte) bool {
	first := text
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	if json.Valid(bytes.TrimSpace(first)) {
		return false
	}
	var raw json.RawMessage
	err := json.NewDecoder(bytes.NewReader(text)).Decode(&raw)
	if err != nil {
		return isTruncation(err)
	}
	return bytes.IndexByte(raw, '\n') >= 0
}

// moreDocuments says another JSON value follows the first one in text.
func moreDocuments(text []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(text))
	var raw json.RawMessage
	if dec.Decode(&raw) != nil {
		return false
	}
	_, err := dec.Token()
	return err == nil
}

func objectFormat(k jsonKind) (Format, bool) {
	switch k {
	case kindLARow:
		return FormatLANDJSON, true
	case kindGraphRecord:
		return FormatGraphNDJSON, true
	case kindDiagRecord:
		return FormatDiag, true
	case kindLAAPI:
		return FormatLAAPI, true
	case kindGraphPage:
		return FormatGraph, true
	case kindDiagRecords:
		return FormatDiagRecords, true
	case kindKustoV1:
		return FormatKustoV1, true
	}
	return "", false
}

// detectNDJSONLines classifies the first recognisable line after the first.
// The last line of a full peek buffer may be cut off; a cut-off object still
// shows its first keys, which is all that is needed.
func detectNDJSONLines(text []byte) (Format, bool) {
	lines := bytes.Split(text, []byte("\n"))
	for i := 1; i < len(lines) && i <= detectMaxLines; i++ {
		line := bytes.TrimSpace(lines[i])
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.Token()
		keys, err := scanObjectKeys(dec)
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			continue
		}
		if f, ok := objectFormat(keys.kind()); ok {
			return f, true
		}
	}
	return "", false
}

// detectJSONArray classifies an array by its first element.
func detectJSONArray(text []byte) (Format, error) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.Token() // the opening bracket
	tok, err := dec.Token()
	switch {
	case err != nil && isTruncation(err):
		return "", notAuditLog("a JSON array cut off before its first element")
	case err != nil:
		return "", notAuditLog(fmt.Sprintf("invalid JSON: %v", err))
	case tok == json.Delim(']'):
		return FormatLAJSON, nil // no records; any array reader would say the same
	case tok != json.Delim('{'):
		return "", notAuditLog(fmt.Sprintf("JSON array whose first element is %s; %s%s", describeToken(tok), expectedExports, supportedJSONShapes))
	}
	keys, err := scanObjectKeys(dec)
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) && len(keys.keys) == 0 {
		return "", notAuditLog(fmt.Sprintf("invalid JSON at byte %d: %v", syntax.Offset, err))
	}
	if keys.has("FrameType") {
		return FormatKustoV2, nil
	}
	switch keys.kind() {
	case kindLARow:
		return FormatLAJSON, nil
	case kindGraphRecord:
		switch {
		case keys.pascal():
			return FormatGraphPS, nil
		case moreDocuments(text):
			return FormatGraphExtractor, nil
		}
		return FormatGraphArray, nil
	case kindDiagRecord:
		return "", notAuditLog("JSON array of diagnostic-settings records; expected them one a line or in {\"records\":[...]}")
	}
	if kind := otherGraphResource(keys); kind != "" {
		return "", notAuditLog(fmt.Sprintf("a JSON array of Microsoft Graph %s records, which are not audit events (only directoryAudits are)", kind))
	}
	return "", notAuditLog(fmt.Sprintf("JSON array whose first element has keys %v; %s%s", keys, expectedExports, supportedJSONShapes))
}

// detectCSV classifies text by its first line as a CSV header.
func detectCSV(text []byte) (Format, error) {
	first := text
	if i := bytes.IndexByte(first, '\n'); i >= 0 {
		first = first[:i]
	}
	first = bytes.TrimSuffix(first, []byte("\r"))
	if !utf8.Valid(first) || bytes.IndexByte(first, 0) >= 0 {
		return "", notAuditLog(fmt.Sprintf("binary data starting % x", first[:min(len(first), 8)]))
	}
	cr := csv.NewReader(bytes.NewReader(first))
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1
	cells, err := cr.Read()
	if err == nil {
		header := make(map[string]bool, len(cells))
		portal := false // "TimeGenerated [UTC]", "[Local Time]", "[UTC+02:00]"
		for _, c := range cells {
			header[strings.TrimSpace(c)] = true
			if name, zone := portalHeader(c); name == "TimeGenerated" && zone != "" {
				portal = true
			}
		}
		switch {
		case header["Date (UTC)"] && (header["ActorUserPrincipalName"] || header["Activity"]):
			return FormatEntraCSV, nil
		case portal:
			return FormatLAPortalCSV, nil
		case header["TimeGenerated"] && header["OperationName"]:
			return FormatLACSV, nil
		}
	}
	return "", notAuditLog(fmt.Sprintf("text whose first line is %s; %s, or a CSV header with "+
		"TimeGenerated and OperationName, or Date (UTC) and Activity", quoteShort(string(first)), expectedExports))
}
