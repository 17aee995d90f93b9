package formats

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

func gzipBytes(t testing.TB, members ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, m := range members {
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write([]byte(m)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestDecompress(t *testing.T) {
	cases := []struct {
		name           string
		input          []byte
		want           string
		wantCompressed bool
	}{
		{"plain", []byte(`{"a":1}`), `{"a":1}`, false},
		{"empty", nil, "", false},
		{"one byte of magic", []byte{0x1f}, "\x1f", false},
		{"gzip", gzipBytes(t, "hello\n"), "hello\n", true},
		{"multi-member gzip", gzipBytes(t, "first\n", "second\n"), "first\nsecond\n", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, compressed, err := Decompress(bytes.NewReader(c.input))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil || string(got) != c.want || compressed != c.wantCompressed {
				t.Errorf("got %q compressed=%v err=%v", got, compressed, err)
			}
		})
	}
}

func TestDecompressTruncated(t *testing.T) {
	full := gzipBytes(t, strings.Repeat("audit log line\n", 200))
	for cut := 2; cut < len(full); cut++ {
		r, _, err := Decompress(bytes.NewReader(full[:cut]))
		if err == nil {
			_, err = io.ReadAll(r)
		}
		if err == nil || !strings.Contains(err.Error(), "truncated gzip") || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("cut at %d of %d: %v", cut, len(full), err)
		}
	}
}

func TestDecompressCorrupt(t *testing.T) {
	bad := gzipBytes(t, "hello\n")
	bad[len(bad)-8] ^= 0xff // the CRC
	r, _, err := Decompress(bytes.NewReader(bad))
	if err == nil {
		_, err = io.ReadAll(r)
	}
	if err == nil || !strings.Contains(err.Error(), "corrupt gzip") {
		t.Errorf("got %v", err)
	}
}

// A truncated gzip under a JSON reader reports the gzip, not bad JSON, after
// the records that could be read.
func TestTruncatedGzipUnderReaders(t *testing.T) {
	lines := strings.Repeat(`{"TimeGenerated":"2024-01-01T00:00:00Z","OperationName":"Add user","ResultReason":"padding padding padding"}`+"\n", 2000)
	array := "[" + strings.TrimSuffix(strings.ReplaceAll(lines, "\n", ",\n"), ",\n") + "]"
	cases := []struct {
		name  string
		input string
		open  func(io.Reader) RecordReader
	}{
		{"ndjson", lines, newLANDJSONReader},
		{"array", array, newLAArrayReader},
		{"graph page", `{"value":` + strings.ReplaceAll(array, "TimeGenerated", "activityDateTime") + `}`, newGraphPageReader},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z := gzipBytes(t, c.input)
			r, _, err := Decompress(bytes.NewReader(z[:len(z)/2]))
			if err != nil {
				t.Fatal(err)
			}
			results, fatal := drainJSONReader(t, c.open(r), 3000)
			if len(results) == 0 || len(results) >= 2000 || fatal == nil || !strings.Contains(fatal.Error(), "truncated gzip") {
				t.Errorf("got %d records, then %v", len(results), fatal)
			}
			for _, res := range results {
				if res.err != nil {
					t.Fatalf("record %d rejected: %v", res.raw.Ordinal, res.err)
				}
			}
		})
	}
}
