package store

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/guesthunt/guesthunt/data/formats"
)

// trickyTimestamps are spellings where DuckDB's cast and a hand-written
// parser are likely to part ways.
var trickyTimestamps = []string{
	"2021-08-02T13:29:25.9831234Z", "2021-08-02T13:29:25Z", "2021-08-02 13:29:25", "2021-08-02T13:29:25",
	"2021-08-02t13:29:25z", "2021-08-02T13:29:25z", "2021-08-02t13:29:25.5Z",
	"2021-08-02T13:29:25,123Z", "2021-08-02T13:29:25,1234567",
	"2021-08-02T13:29Z", "2021-08-02T13:29", "2021-08-02T13:29+02:00", "2021-08-02", "2021-08-02Z", "2021-08-02+02:00",
	"2021-08-02-0530", "2021-08-02T13:29:25.123456789Z", "2021-08-02T13:29:25.12345678Z", "2021-08-02T13:29:25.99999999Z",
	"2021-08-02T13:29:25.1234567890Z", "2021-08-02T13:29:25.Z", "2021-08-02T13:29:25.",
	"2021-08-02T13:29:60Z", "2021-08-02T23:59:60.5Z", "2016-12-31T23:59:60.9999999Z", "2021-08-02T13:29:61Z",
	"2021-08-02T13:29:25+02", "2021-08-02T13:29:25+0230", "2021-08-02T13:29:25-02:30", "2021-08-02T13:29:25+23:59",
	"2021-08-02T13:29:25+24:00", "2021-08-02T13:29:25+02:60", "2021-08-02T13:29:25+02:", "2021-08-02T13:29:25+2",
	"2021-08-02T13:29:25+02:00:00", "2021-08-02T13:29:25 +02:00", "2021-08-02T13:29:25-00:00", "2021-08-02T13:29:25 UTC",
	"2021-08-02T24:00:00Z", "2021-08-02T23:60:00Z", "2021-02-29T00:00:00Z", "2020-02-29T00:00:00Z", "2021-04-31",
	"1900-02-29", "2000-02-29", "2021-8-2", "2021-08-2", " 2021-08-02T13:29:25Z", "2021-08-02T13:29:25Z ",
	"2021-08-02T13:29:25Z\n", "2021-08-02_13:29:25", "20210802T132925Z", "2021/08/02 13:29:25",
	"9/7/2023, 6:03:23.829 AM", "", "null", "0", "1627910965",
	"1969-12-31T23:59:59.99999999Z", "1969-12-31T23:59:59.999999999Z", "1969-12-31T23:59:59.9999999Z", "1960-01-01T00:00:00.12345678Z",
	"0000-01-01", "0001-01-01T00:00:00Z", "1600-01-01T00:00:00Z", "1677-09-21T00:12:43.145225Z", "1677-09-21T00:12:43.1452249Z",
	"1677-09-21T00:12:43.145224999Z", "1677-09-21T00:12:43.145225001Z", "1677-09-21T00:12:43.1452250+00:01",
	"1677-09-20T23:30:00-01:00", "1677-09-21T01:12:43.1452249+01:00", "1678-01-01T00:00:00+23:59", "1677-12-31T23:59:59-23:59",
	"1677-09-22T00:00:00Z", "1677-09-21T23:59:59.9999999Z", "1677-09-22T00:30:00+01:00", "1677-09-21T23:30:00-01:00",
	"1677-09-22T00:00:00.00000001Z",
	"2262-04-11T23:47:16.8547758Z", "2262-04-11T23:47:16.85477589Z", "2262-04-11T23:47:16.8547759Z",
	"2262-04-12T00:47:16.8547758+01:00", "2262-04-11T22:47:16.8547758-01:00", "2262-04-11T23:47:16.8547758-00:01",
	"2262-04-12T00:30:00+01:00", "2263-01-01", "9999-12-31T23:59:59.9999999Z",
	"２０２１-08-02", "2021-08-02T13:29:25.１Z", "2021-08-02Ｔ13:29:25Z",
}

// timestampCorpus builds several thousand strings from the grammar's pieces,
// valid and not, plus random mutations of them.
func timestampCorpus(seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	// Each piece is mostly valid (the first list) and sometimes not.
	pick := func(good, bad []string) string {
		if rng.IntN(10) == 0 {
			return bad[rng.IntN(len(bad))]
		}
		return good[rng.IntN(len(good))]
	}
	years := func() string {
		return pick([]string{"1677", "1678", "1969", "1970", "2000", "2016", "2021", "2100", "2262"},
			[]string{"0000", "1600", "2263", "9999", "202"})
	}
	months := func() string { return pick([]string{"01", "02", "04", "09", "12"}, []string{"00", "13", "1"}) }
	days := func() string {
		return pick([]string{"01", "09", "11", "20", "28", "29", "30", "31"}, []string{"00", "32", "1"})
	}
	seps := func() string { return pick([]string{"T", "T", "T", "t", " "}, []string{"_", "", "TT"}) }
	hours := func() string { return pick([]string{"00", "01", "11", "12", "23"}, []string{"24", "9"}) }
	mins := func() string { return pick([]string{"00", "29", "47", "59"}, []string{"60", "5"}) }
	secs := func() string { return pick([]string{"", "00", "16", "25", "59", "60"}, []string{"61", "5"}) }
	fracs := func() string {
		return pick([]string{"", "", ".1", ".12", ".123", ".123456", ".1234567", ".12345678", ".123456789",
			",5", ",9831234", ".99999999", ".0000001", ".8547758", ".85477589"}, []string{".1234567890", ".", ","})
	}
	zones := func() string {
		return pick([]string{"", "Z", "Z", "z", "+00", "+00:00", "-00:00", "+02:00", "-0230", "+0530", "-05", "+23:59",
			"-23:59", "+14:00", "-12"}, []string{"+24:00", "+02:60", "+02:", "+2", " +02:00", "UTC", "+02:00:00", "ZZ"})
	}
	var out []string
	for i := 0; i < 4000; i++ {
		s := years() + "-" + months() + "-" + days()
		switch rng.IntN(6) {
		case 0: // date only
		default:
			s += seps() + hours() + ":" + mins()
			if sec := secs(); sec != "" {
				s += ":" + sec + fracs()
			}
		}
		s += zones()
		out = append(out, s)
	}
	// Mutations: delete, duplicate, replace or insert one character.
	alphabet := "0123456789-:T tZz.,+/_"
	for i := 0; i < 3000; i++ {
		s := out[rng.IntN(len(out))]
		if len(s) == 0 {
			continue
		}
		j := rng.IntN(len(s))
		c := string(alphabet[rng.IntN(len(alphabet))])
		switch rng.IntN(4) {
		case 0:
			s = s[:j] + s[j+1:]
		case 1:
			s = s[:j] + s[j:j+1] + s[j:]
		case 2:
			s = s[:j] + c + s[j+1:]
		default:
			s = s[:j] + c + s[j:]
		}
		out = append(out, s)
	}
	return out
}

// duckTimes runs every string through timeSQL in an in-memory DuckDB and
// returns its result per string (ok=false for NULL).
func duckTimes(t *testing.T, inputs []string) ([]int64, []bool) {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE ts (i INTEGER, s VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	for start := 0; start < len(inputs); start += 500 {
		var values []string
		for i := start; i < min(start+500, len(inputs)); i++ {
			values = append(values, fmt.Sprintf("(%d, %s)", i, sqlString(inputs[i])))
		}
		if _, err := db.Exec("INSERT INTO ts VALUES " + strings.Join(values, ", ")); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query("SELECT i, epoch_ns(" + timeSQL("s") + ") FROM ts ORDER BY i")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	ns := make([]int64, len(inputs))
	ok := make([]bool, len(inputs))
	for rows.Next() {
		var i int
		var v sql.NullInt64
		if err := rows.Scan(&i, &v); err != nil {
			t.Fatal(err)
		}
		ns[i], ok[i] = v.Int64, v.Valid
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ns, ok
}

// TestTimeSQLMatchesParseTimestamp: the native load's time conversion and
// ParseTimestamp accept exactly the same texts and give the same instant,
// to the 100 ns tick, for tricky spellings and a generated corpus.
func TestTimeSQLMatchesParseTimestamp(t *testing.T) {
	inputs := append(append(append([]string(nil), trickyTimestamps...), timestampCorpus(1)...), plainShapes(4)...)
	ns, ok := duckTimes(t, inputs)
	accepted, failures := 0, 0
	for i, s := range inputs {
		got, err := formats.ParseTimestamp(s)
		goOK := err == nil
		if goOK != ok[i] {
			failures++
			if failures <= 20 {
				t.Errorf("%q: ParseTimestamp accepts=%v (%v), DuckDB accepts=%v (%v)", s, goOK, got, ok[i], time.Unix(0, ns[i]).UTC())
			}
			continue
		}
		if !goOK {
			continue
		}
		accepted++
		if got.UnixNano() != ns[i] {
			failures++
			if failures <= 20 {
				t.Errorf("%q: ParseTimestamp %s, DuckDB %s", s, got.Format(time.RFC3339Nano), time.Unix(0, ns[i]).UTC().Format(time.RFC3339Nano))
			}
		}
	}
	if failures > 0 {
		t.Errorf("%d of %d strings disagree", failures, len(inputs))
	}
	// The corpus must exercise both sides, not only refusals.
	if accepted < len(inputs)/10 || accepted > len(inputs)*9/10 {
		t.Errorf("%d of %d accepted: the corpus is lopsided", accepted, len(inputs))
	}
	t.Logf("%d strings, %d accepted by both", len(inputs), accepted)
}

// TestParseTimestampRange: instants outside TIMESTAMP_NS are refused, so
// they never turn into a NULL TimeGenerated in the table.
func TestParseTimestampRange(t *testing.T) {
	for _, s := range []string{"1677-09-22T00:00:00Z", "1677-12-31T23:59:59.9999999Z", "1678-01-01T00:00:00+23:59", "2262-04-11T23:47:16.8547758Z", "2262-04-11T23:47:16.854775899Z"} {
		if _, err := formats.ParseTimestamp(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"1677-09-21T00:12:43.145225Z", "1677-09-21T23:59:59.9999999Z", "2262-04-11T23:47:16.8547759Z", "0001-01-01", "9999-12-31"} {
		if _, err := formats.ParseTimestamp(s); err == nil {
			t.Errorf("%q: want an error", s)
		}
	}
}

// TestSpellingsLoadAlikeOnBothPaths: an LA NDJSON file whose records use
// every accepted spelling (and some refused ones in ActivityDateTime, which
// is optional) loads natively; a copy with one bad TimeGenerated goes through
// the Go reader. The good records get the same times either way.
func TestSpellingsLoadAlikeOnBothPaths(t *testing.T) {
	var accepted []string
	for _, s := range append(append([]string(nil), trickyTimestamps...), timestampCorpus(2)...) {
		if _, err := formats.ParseTimestamp(s); err == nil {
			accepted = append(accepted, s)
		}
	}
	var lines []string
	for i, s := range accepted {
		activity := trickyTimestamps[i%len(trickyTimestamps)] // accepted or not: never a reason to reject
		lines = append(lines, fmt.Sprintf(`{"TimeGenerated":%q,"ActivityDateTime":%q,"Id":"e%d","OperationName":"Add user"}`,
			s, activity, i))
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ndjson")
	bad := filepath.Join(dir, "bad.ndjson")
	os.WriteFile(good, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
	os.WriteFile(bad, []byte(strings.Join(lines, "\n")+"\n"+`{"TimeGenerated":"2021-08-02 13:29:25 UTC","Id":"bad"}`+"\n"), 0o600)

	times := func(path, via string) map[string][2]sql.NullInt64 {
		s := openTestStore(t, "")
		rep := loadPaths(t, s, path)
		f := rep.Files[0]
		if f.Via != via || f.Loaded != int64(len(accepted)) {
			t.Fatalf("%s: report %+v, want via %s and %d loaded", path, f, via, len(accepted))
		}
		rows, err := s.DB().Query(`SELECT Id, epoch_ns(TimeGenerated), epoch_ns(ActivityDateTime) FROM AuditLogs`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][2]sql.NullInt64{}
		for rows.Next() {
			var id string
			var tg, adt sql.NullInt64
			if err := rows.Scan(&id, &tg, &adt); err != nil {
				t.Fatal(err)
			}
			out[id] = [2]sql.NullInt64{tg, adt}
		}
		return out
	}
	native, streamed := times(good, "duckdb"), times(bad, "go")
	for i, s := range accepted {
		id := fmt.Sprintf("e%d", i)
		want, _ := formats.ParseTimestamp(s)
		if n := native[id]; n != streamed[id] || n[0].Int64 != want.UnixNano() {
			t.Errorf("%q: native %v, Go reader %v, ParseTimestamp %d", s, native[id], streamed[id], want.UnixNano())
		}
	}
	t.Logf("%d spellings", len(accepted))
}

// plainShapes are strings of the plain spellings' shape with every field
// at or just past the ends of its range, mostly inside.
func plainShapes(seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	field := func(good, bad []string) string {
		if rng.IntN(8) == 0 {
			return bad[rng.IntN(len(bad))]
		}
		return good[rng.IntN(len(good))]
	}
	var out []string
	for range 3000 {
		s := field([]string{"1678", "1999", "2021", "2262", "2999"}, []string{"1677", "0000", "3000", "9999"}) + "-" +
			field([]string{"01", "09", "10", "12"}, []string{"00", "13", "19", "99"}) + "-" +
			field([]string{"01", "09", "10", "28", "31"}, []string{"00", "32", "40", "99"}) +
			field([]string{"T", " "}, []string{"t", "_"}) +
			field([]string{"00", "09", "19", "23"}, []string{"24", "29", "99"}) + ":" +
			field([]string{"00", "09", "59"}, []string{"60", "99"}) + ":" +
			field([]string{"00", "09", "59"}, []string{"60", "61", "99"})
		if n := rng.IntN(9); n > 0 {
			s += "." + fmt.Sprint(rng.Int64N(10_000_000_000))[:min(n, 7)]
		}
		s += field([]string{"", "Z"}, []string{"z", "+00:00"})
		out = append(out, s)
	}
	return out
}
