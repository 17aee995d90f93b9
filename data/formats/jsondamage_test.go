package formats

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// damageTestRecords are n plain records with Ids rec-1..rec-n.
func damageTestRecords(n int) []data.Record {
	base := writeTestRecords()[0]
	recs := make([]data.Record, n)
	for i := range recs {
		recs[i] = base
		recs[i].Id = fmt.Sprintf("rec-%d", i+1)
		recs[i].TimeGenerated = base.TimeGenerated.Add(time.Duration(i) * time.Minute)
		recs[i].ActivityDateTime = recs[i].TimeGenerated
	}
	return recs
}

// damageTestOpen is each single-document format's reader.
var damageTestFormats = []struct {
	f    Format
	open func(io.Reader) RecordReader
}{
	{FormatLAJSON, newLAArrayReader},
	{FormatLAAPI, newLAAPIReader},
	{FormatKustoV1, newKustoV1Reader},
	{FormatKustoV2, newKustoV2Reader},
	{FormatGraph, newGraphPageReader},
	{FormatGraphArray, newGraphArrayReader},
	{FormatDiagRecords, newDiagRecordsReader},
}

// lineOf returns the 1-based line and column of offset off in b.
func lineOf(b []byte, off int) (int64, int64) {
	line := int64(1 + bytes.Count(b[:off], []byte("\n")))
	start := bytes.LastIndexByte(b[:off], '\n') + 1
	return line, int64(off - start + 1)
}

// A damaged byte in the middle of a single-document export costs only the
// record it is in: the rejection says where the record starts, where the
// damage is and where reading resumed, and the records after it load.
func TestDamageCostsOneRecord(t *testing.T) {
	damages := []struct {
		name string
		do   func(rec []byte) []byte // damages the text of record 3
	}{
		{"comma becomes #", func(rec []byte) []byte {
			i := bytes.Index(rec[20:], []byte(`,"`)) + 20
			rec[i] = '#'
			return rec
		}},
		{"quote removed", func(rec []byte) []byte { // the string state flips
			i := bytes.Index(rec, []byte(`rec-3"`)) + len("rec-3")
			return append(rec[:i:i], rec[i+1:]...)
		}},
		{"closing brace removed", func(rec []byte) []byte {
			return rec[:len(rec)-1]
		}},
		{"cut short and restarted", func(rec []byte) []byte {
			return append([]byte(nil), rec[:len(rec)/2]...)
		}},
	}
	for _, f := range damageTestFormats {
		for _, d := range damages {
			t.Run(string(f.f)+"/"+d.name, func(t *testing.T) {
				clean := writeTestBytes(t, f.f, damageTestRecords(5))
				// Record 3 is the one-line element holding rec-3.
				at := bytes.Index(clean, []byte(`rec-3"`))
				start := bytes.LastIndexByte(clean[:at], '\n') + 1
				end := start + bytes.IndexByte(clean[start:], '\n')
				for end > start && clean[end-1] == ',' {
					end--
				}
				rec := d.do(append([]byte(nil), clean[start:end]...))
				file := append(append(append([]byte(nil), clean[:start]...), rec...), clean[end:]...)
				results, fatal := drainJSONReader(t, f.open(bytes.NewReader(file)), 100)
				if fatal != nil {
					t.Fatalf("fatal: %v", fatal)
				}
				if len(results) != 5 {
					for _, r := range results {
						t.Logf("%d line %d: %v", r.raw.Ordinal, r.raw.Line, r.err)
					}
					t.Fatalf("%d records, want 5", len(results))
				}
				for i, r := range results {
					if i == 2 {
						continue
					}
					if r.err != nil || r.rec.Id != fmt.Sprintf("rec-%d", i+1) {
						t.Errorf("record %d: %v %q", i+1, r.err, r.rec.Id)
					}
				}
				var re *RecordError
				if !errors.As(results[2].err, &re) {
					t.Fatalf("record 3 not rejected: %v", results[2].err)
				}
				line, col := lineOf(file, start)
				if re.Line != line || re.Column != col || results[2].raw.Line != line {
					t.Errorf("rejection at line %d, column %d; want %d, %d", re.Line, re.Column, line, col)
				}
				nextLine, _ := lineOf(file, start+len(rec)+2)
				wantPrefix := fmt.Sprintf("line %d, column %d: invalid JSON at line ", line, col)
				if msg := re.Error(); !strings.HasPrefix(msg, wantPrefix) ||
					!strings.HasSuffix(msg, fmt.Sprintf("reading resumed at line %d, column 1", nextLine)) {
					t.Errorf("message %q", msg)
				}
				if !bytes.HasPrefix(results[2].raw.Raw, rec[:10]) {
					t.Errorf("raw %q", results[2].raw.Raw)
				}
			})
		}
	}
}

// The column of the damage is exact, in characters.
func TestDamageColumn(t *testing.T) {
	file := "[\n  {\"TimeGenerated\":\"2024-01-01T00:00:00Z\",\"OperationName\":\"é\"},\n" +
		"  {\"TimeGenerated\":\"2024-01-01T00:00:00Z\",\"OperationName\":\"é\" x},\n" +
		"  {\"TimeGenerated\":\"2024-01-01T00:00:00Z\"}\n]\n"
	results, fatal := drainJSONReader(t, newLAArrayReader(strings.NewReader(file)), 10)
	if fatal != nil || len(results) != 3 {
		t.Fatalf("%d records, %v", len(results), fatal)
	}
	var re *RecordError
	if !errors.As(results[1].err, &re) {
		t.Fatal(results[1].err)
	}
	want := "line 3, column 3: invalid JSON at line 3, column 63: invalid character 'x' after a value in an object; reading resumed at line 4, column 3"
	if re.Error() != want || re.Offset != int64(strings.Index(file, "\n  {\"TimeGenerated\":\"2024-01-01T00:00:00Z\",\"OperationName\":\"é\" x")+3) {
		t.Errorf("got  %q (offset %d)\nwant %q", re.Error(), re.Offset, want)
	}
	if results[2].raw.Line != 4 || results[2].raw.Column != 3 {
		t.Errorf("next record at %d:%d", results[2].raw.Line, results[2].raw.Column)
	}
}

// A damaged record whose nested targetResources look like records (they even
// carry activityDateTime) is not split into fake records.
func TestDamageNestedLookalikes(t *testing.T) {
	rec := func(id, extra string) string {
		return `  {
    "id": "` + id + `",
    "activityDateTime": "2024-01-01T00:00:00Z",
    "activityDisplayName": "Add user",` + extra + `
    "targetResources": [
      {"id": "fake-1", "activityDateTime": "2024-01-01T00:00:00Z", "activityDisplayName": "x"},
      {"id": "fake-2", "activityDateTime": "2024-01-01T00:00:00Z", "activityDisplayName": "y"}
    ],
    "additionalDetails": []
  }`
	}
	damaged := rec("r2", `
    "result": "success,`) // the closing quote is gone
	for _, c := range []struct {
		name string
		file string
		open func(io.Reader) RecordReader
	}{
		{"array", "[\n" + rec("r1", "") + ",\n" + damaged + ",\n" + rec("r3", "") + "\n]\n", newGraphArrayReader},
		{"page", `{"value": [` + "\n" + rec("r1", "") + ",\n" + damaged + ",\n" + rec("r3", "") + "\n], \"@odata.nextLink\": \"x\"}\n", newGraphPageReader},
		{"last in page", `{"value": [` + "\n" + rec("r1", "") + ",\n" + damaged + "\n]}\n", newGraphPageReader},
		{"next page", `{"value": [` + "\n" + rec("r1", "") + ",\n" + damaged + "\n]}\n" + `{"@odata.context": "x", "value": [` + rec("r3", "") + "]}\n", newGraphPageReader},
	} {
		t.Run(c.name, func(t *testing.T) {
			results, fatal := drainJSONReader(t, c.open(strings.NewReader(c.file)), 10)
			if fatal != nil {
				t.Fatal(fatal)
			}
			var ids []string
			for _, r := range results {
				if r.err != nil {
					ids = append(ids, "rejected")
				} else {
					ids = append(ids, r.rec.Id)
				}
			}
			want := "r1 rejected r3"
			if c.name == "last in page" {
				want = "r1 rejected"
			}
			if strings.Join(ids, " ") != want {
				t.Errorf("got %v, want %s", ids, want)
			}
		})
	}
}

// A document cut off is still fatal, with the records before the cut loaded,
// also after a damaged record.
func TestDamageThenTruncation(t *testing.T) {
	clean := writeTestBytes(t, FormatGraph, damageTestRecords(5))
	i := bytes.Index(clean, []byte(`rec-2"`))
	file := append([]byte(nil), clean...)
	file[i+len("rec-2")+1] = '#' // the comma after the id
	cut := bytes.Index(file, []byte(`rec-4"`))
	results, fatal := drainJSONReader(t, newGraphPageReader(bytes.NewReader(file[:cut])), 10)
	if fatal == nil || !errors.Is(fatal, io.ErrUnexpectedEOF) || !strings.Contains(fatal.Error(), "truncated") {
		t.Fatalf("fatal = %v", fatal)
	}
	if len(results) != 3 || results[0].err != nil || results[1].err == nil || results[2].err != nil {
		t.Fatalf("results %+v", results)
	}
}

// Junk after the end of a document that no record follows stops the file
// with the position of the junk.
func TestDamageTrailingJunk(t *testing.T) {
	results, fatal := drainJSONReader(t, newGraphArrayReader(strings.NewReader("[{\"activityDateTime\":\"2024-01-01T00:00:00Z\"}]\n\nxyz\n")), 10)
	if len(results) != 1 || fatal == nil || !strings.Contains(fatal.Error(), "invalid JSON at line 3, column 1") {
		t.Fatalf("%d records, %v", len(results), fatal)
	}
}
