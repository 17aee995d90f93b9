package formats

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestCSVScannerRawAndLines(t *testing.T) {
	// CRLF endings, a quoted CRLF inside a cell, blank lines and a BOM:
	// Raw is the row's own bytes, Line where it starts.
	in := "\ufeffTimeGenerated,Note\r\n" +
		"2023-09-07T06:03:23Z,\"a\r\nb\"\r\n" +
		"\r\n\n" +
		"2023-09-07T06:03:24Z,lone\rcr\r\n" +
		"2023-09-07T06:03:25Z,\"q\"\"uote\""
	got, fatal := readAllCSV(t, newCSVRecordReader(strings.NewReader(in), &laCSVLayout{}))
	if fatal != nil || len(got) != 3 {
		t.Fatalf("%v, %d records", fatal, len(got))
	}
	want := []struct {
		line int64
		raw  string
	}{
		{2, "2023-09-07T06:03:23Z,\"a\r\nb\""},
		{6, "2023-09-07T06:03:24Z,lone\rcr"},
		{7, "2023-09-07T06:03:25Z,\"q\"\"uote\""},
	}
	for i, w := range want {
		if got[i].err != nil || got[i].raw.Line != w.line || string(got[i].raw.Raw) != w.raw || got[i].raw.Ordinal != int64(i+1) {
			t.Errorf("row %d: %v line %d raw %q", i+1, got[i].err, got[i].raw.Line, got[i].raw.Raw)
		}
	}
}

// csvFailingReader gives its text, then an I/O error.
type csvFailingReader struct{ text string }

func (f *csvFailingReader) Read(p []byte) (int, error) {
	if f.text == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.text)
	f.text = f.text[n:]
	return n, nil
}

func TestCSVReaderIOErrorIsFatalAfterReadRows(t *testing.T) {
	rr := newLACSVReader(&csvFailingReader{text: "TimeGenerated\n2023-09-07T06:03:23Z\n"})
	if _, _, err := rr.Next(); err != nil {
		t.Fatalf("first row: %v", err)
	}
	for i := 0; i < 2; i++ { // the error stays
		_, _, err := rr.Next()
		var re *RecordError
		if err == nil || err == io.EOF || errors.As(err, &re) || !strings.Contains(err.Error(), "disk on fire") {
			t.Fatalf("got %v, want the I/O error", err)
		}
	}
	if _, _, err := newLACSVReader(&csvFailingReader{}).Next(); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("error before the header: %v", err)
	}
}
