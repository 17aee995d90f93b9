package formats

import (
	"bufio"
	"bytes"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/guesthunt/guesthunt/data"
)

// PowerShell-made exports: ConvertTo-Json pretty-prints with two-space
// indentation (PowerShell 7), Out-File on Windows writes CRLF.

// psJSON is v as ConvertTo-Json prints it: indented, CRLF line ends.
func psJSON(v any) ([]byte, error) {
	compact, err := appendJSON(nil, v)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, compact, "", "  "); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte("\n"), []byte("\r\n")), nil
}

// extractorPageSizes is how many records each page of a graph-extractor
// file holds, in turn: one-record pages are written as bare objects.
var extractorPageSizes = []int{1, 100, 100, 1, 57}

// writeGraphExtractor writes what Microsoft-Extractor-Suite leaves behind:
// each Graph page ConvertTo-Json'd and appended to one file (Out-File
// -Append -Encoding UTF8: a UTF-8 byte-order mark, CRLF).
func writeGraphExtractor(w *bufio.Writer, recs []data.Record) error {
	w.WriteString(byteOrderMark)
	for i, page := 0, 0; i < len(recs); page++ {
		n := min(extractorPageSizes[page%len(extractorPageSizes)], len(recs)-i)
		var v any
		if n == 1 {
			v = directoryAudit(&recs[i])
		} else {
			items := make([]any, n)
			for j := range items {
				items[j] = directoryAudit(&recs[i+j])
			}
			v = items
		}
		text, err := psJSON(v)
		if err != nil {
			return err
		}
		w.Write(text)
		w.WriteString("\r\n")
		i += n
	}
	return nil
}

// pascalName spells a Graph name as the PowerShell SDK's .NET models do.
func pascalName(k string) string {
	switch k {
	case "ipAddress":
		return "IPAddress"
	case "":
		return k
	}
	if 'a' <= k[0] && k[0] <= 'z' {
		return string(k[0]-'a'+'A') + k[1:]
	}
	return k
}

// psModelMembers are the members the SDK's models know; others land in the
// model's AdditionalProperties bag under their Graph names.
var psModelMembers = map[string]bool{
	"id": true, "displayName": true, "userPrincipalName": true, "ipAddress": true, "homeTenantId": true,
	"homeTenantName": true, "appId": true, "servicePrincipalId": true, "servicePrincipalName": true,
	"type": true, "groupType": true, "modifiedProperties": true, "oldValue": true, "newValue": true,
	"key": true, "value": true, "user": true, "app": true, "userType": true,
}

// pascalValue turns a dynamic value into what the SDK's objects serialise
// to: PascalCase names, an AdditionalProperties bag on every object.
func pascalValue(v any) any {
	switch v := v.(type) {
	case jsonObject:
		out := make(jsonObject, 0, len(v)+1)
		bag := jsonObject{}
		for _, f := range v {
			if psModelMembers[f.Key] {
				out = append(out, jsonField{pascalName(f.Key), pascalValue(f.Value)})
			} else {
				bag = append(bag, f)
			}
		}
		return append(out, jsonField{"AdditionalProperties", bag})
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = pascalValue(item)
		}
		return out
	}
	return v
}

// pascalDynamic is a dynamic column as the SDK writes it.
func pascalDynamic(raw json.RawMessage) any {
	e := embeddedDynamic(raw)
	r, ok := e.(json.RawMessage)
	if !ok {
		return e
	}
	dec := json.NewDecoder(bytes.NewReader(r))
	dec.UseNumber()
	v, err := readOrdered(dec, 0)
	if err != nil {
		return e
	}
	return pascalValue(v)
}

// psDirectoryAudit is r as Get-MgAuditLogDirectoryAudit's objects serialise.
func psDirectoryAudit(r *data.Record) jsonObject {
	return jsonObject{
		{"ActivityDateTime", firstTime(r.ActivityDateTime, r.TimeGenerated)},
		{"ActivityDisplayName", firstString(r.ActivityDisplayName, r.OperationName)},
		{"AdditionalDetails", pascalDynamic(r.AdditionalDetails)},
		{"Category", r.Category},
		{"CorrelationId", r.CorrelationId},
		{"Id", r.Id},
		{"InitiatedBy", pascalDynamic(r.InitiatedBy)},
		{"LoggedByService", r.LoggedByService},
		{"OperationType", r.AADOperationType},
		{"Result", r.Result},
		{"ResultReason", r.ResultReason},
		{"TargetResources", pascalDynamic(r.TargetResources)},
		{"AdditionalProperties", jsonObject{}},
	}
}

// writeGraphPS writes Get-MgAuditLogDirectoryAudit | ConvertTo-Json |
// Out-File -Encoding Unicode: one array (a bare object for one record),
// PascalCase, UTF-16LE with a byte-order mark, CRLF.
func writeGraphPS(w *bufio.Writer, recs []data.Record) error {
	w.Write([]byte{0xff, 0xfe})
	emit := func(b []byte) {
		var units [2]byte
		for len(b) > 0 {
			r, size := utf8.DecodeRune(b)
			b = b[size:]
			for _, u := range utf16.AppendRune(nil, r) {
				units[0], units[1] = byte(u), byte(u>>8)
				w.Write(units[:])
			}
		}
	}
	if len(recs) == 1 {
		text, err := psJSON(psDirectoryAudit(&recs[0]))
		if err != nil {
			return err
		}
		emit(text)
		emit([]byte("\r\n"))
		return nil
	}
	emit([]byte("["))
	for i := range recs {
		text, err := psJSON(psDirectoryAudit(&recs[i]))
		if err != nil {
			return err
		}
		if i > 0 {
			emit([]byte(","))
		}
		emit([]byte("\r\n  "))
		emit(bytes.ReplaceAll(text, []byte("\r\n"), []byte("\r\n  ")))
	}
	emit([]byte("\r\n]\r\n"))
	return nil
}
