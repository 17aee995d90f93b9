package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

func utf16LE(s string) []byte {
	out := []byte{0xff, 0xfe}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// Raw read-back shows a record's text in UTF-16 and BOM+CRLF files, and the
// damaged span's text for a rejected one.
func TestRawRecordReadBackPowerShell(t *testing.T) {
	dir := t.TempDir()
	base := demo.Tenant(1)[0]
	recs := make([]data.Record, 3)
	for i := range recs {
		recs[i] = base
		recs[i].Id = fmt.Sprintf("rec-%d", i+1)
	}
	writeTestBytes := func(t *testing.T, f formats.Format, recs []data.Record) []byte {
		var b bytes.Buffer
		if err := formats.WriteRecords(&b, f, recs); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	const byteOrderMark = "\xef\xbb\xbf"
	var ps bytes.Buffer
	if err := formats.WriteRecords(&ps, formats.FormatGraphPS, recs); err != nil {
		t.Fatal(err)
	}
	ext := writeTestBytes(t, formats.FormatGraphExtractor, recs)
	bad := bytes.Replace(ext, []byte(`"id": "rec-2",`), []byte(`"id": "rec-2" #`), 1)
	ndjson := append([]byte(byteOrderMark), bytes.ReplaceAll(writeTestBytes(t, formats.FormatGraphNDJSON, recs), []byte("\n"), []byte("\r\n"))...)
	files := map[string][]byte{"ps.json": ps.Bytes(), "ext.json": ext, "bad.json": bad, "nd.json": utf16LE(string(ndjson))}
	s := open(t, "")
	ctx := context.Background()
	for name, b := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := s.Load(ctx, []string{path}, store.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		fr := rep.Files[0]
		if fr.Records != 3 || fr.Error != "" {
			t.Fatalf("%s: %+v", name, fr)
		}
		raw, err := s.RawRecord(ctx, fr.SourceID, 2)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Contains(raw.Raw, []byte(`rec-2`)) || bytes.HasPrefix(raw.Raw, []byte(byteOrderMark)) {
			t.Errorf("%s: raw %q", name, raw.Raw)
		}
		if name == "bad.json" {
			if fr.Rejected != 1 || !strings.Contains(fr.Rejections[0].Reason, "reading resumed at line") {
				t.Errorf("bad.json: %+v", fr)
			}
			continue
		}
		var obj map[string]json.RawMessage
		if name != "nd.json" && json.Unmarshal(raw.Raw, &obj) != nil {
			t.Errorf("%s: raw is not the record: %q", name, raw.Raw)
		}
	}
}
