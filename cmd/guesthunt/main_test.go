package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/guesthunt/guesthunt/data/demo"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, streams{in: strings.NewReader(stdin), out: &out, err: &errb})
	return result{code, out.String(), errb.String()}
}

func TestHuntDemoJSON(t *testing.T) {
	r := runCLI(t, "", "hunt", "--format", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("json: %v\n%s", err, r.stdout)
	}
	want := 0
	for _, c := range demo.Cases() {
		want += c.FlaggedRows
	}
	if len(rows) != want {
		t.Fatalf("%d rows, want %d (the planted cases)", len(rows), want)
	}
	seven := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$`)
	for _, row := range rows {
		if ts, _ := row["TimeGenerated"].(string); !seven.MatchString(ts) {
			t.Errorf("TimeGenerated %q is not RFC 3339 UTC with 7 digits", ts)
		}
		if _, ok := row["TargetUserPrincipalName"].(string); !ok {
			t.Errorf("TargetUserPrincipalName is %v, want a string (\"\" where Kusto gives \"\")", row["TargetUserPrincipalName"])
		}
	}
	// Keys come in Sentinel's column order.
	first := strings.Index(r.stdout, `"TimeGenerated"`)
	last := strings.Index(r.stdout, `"TargetAccountUPNSuffix"`)
	ip := strings.Index(r.stdout, `"InitiatingIPAddress"`)
	tenant := strings.Index(r.stdout, `"TenantId"`)
	if !(first < ip && ip < tenant && tenant < last) {
		t.Error("columns out of order")
	}
	if !strings.Contains(r.stderr, "DEMO") {
		t.Error("the demo tenant is not labelled")
	}
	if strings.ContainsRune(r.stdout, 0x1b) || strings.ContainsRune(r.stdout, 0x202e) {
		t.Error("JSON output carries a raw ESC or RLO from the data")
	}
}

func TestHuntExitStatuses(t *testing.T) {
	dir := t.TempDir()
	notExport := filepath.Join(dir, "notes.txt")
	os.WriteFile(notExport, []byte("hello\n"), 0o644)
	cases := []struct {
		args []string
		want int
	}{
		{[]string{"hunt", "--baseline", "fortnight"}, exitUsage},
		{[]string{"hunt", "--format", "xml"}, exitUsage},
		{[]string{"hunt", "--nonsense"}, exitUsage},
		{[]string{"hunt", notExport}, exitUsage},
		{[]string{"hunt", filepath.Join(dir, "missing.ndjson")}, exitUsage},
		{[]string{"hunt", "--as-of", "2026-10-01T00:00:00Z", "--format", "csv"}, exitOK}, // nothing flagged is still success
		{[]string{"load", notExport}, exitUsage},                                         // no --db
	}
	for _, c := range cases {
		if r := runCLI(t, "", c.args...); r.code != c.want {
			t.Errorf("%v: exit %d, want %d (%s)", c.args, r.code, c.want, r.stderr)
		}
	}
}

func TestDemoLoadHuntCSVFromStdin(t *testing.T) {
	dir := t.TempDir()
	export := runCLI(t, "", "demo", "--format", "graph", "--seed", "3")
	if export.code != exitOK || !strings.Contains(export.stdout, "@odata.context") {
		t.Fatalf("demo: %d %s", export.code, export.stderr)
	}
	again := runCLI(t, "", "demo", "--format", "graph", "--seed", "3")
	if again.stdout != export.stdout {
		t.Error("the demo is not deterministic for a seed")
	}
	caseFile := filepath.Join(dir, "case.duckdb")
	load := runCLI(t, export.stdout, "load", "-", "--db", caseFile, "--format", "json")
	if load.code != exitOK {
		t.Fatalf("load: %d %s", load.code, load.stderr)
	}
	var report struct {
		Files []struct {
			Format string
			Loaded int64
		}
	}
	if err := json.Unmarshal([]byte(load.stdout), &report); err != nil || report.Files[0].Format != "graph" || report.Files[0].Loaded == 0 {
		t.Fatalf("report %s (%v)", load.stdout, err)
	}
	hunt := runCLI(t, "", "hunt", "--db", caseFile, "--format", "csv")
	if hunt.code != exitOK {
		t.Fatalf("hunt: %d %s", hunt.code, hunt.stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(hunt.stdout)).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "TimeGenerated" {
		t.Fatalf("csv: %v %v", err, rows)
	}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q would run as a spreadsheet formula", cell)
			}
		}
	}
}

func TestSQLIsReadOnly(t *testing.T) {
	r := runCLI(t, "", "sql", "SELECT count(*) AS n FROM AuditLogs", "--format", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"n":`) {
		t.Fatalf("select: %d %s %s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, "", "sql", "DELETE FROM _Events")
	if r.code != exitUsage || !strings.Contains(r.stderr, "refused: DELETE changes the case file; sql only reads") {
		t.Fatalf("delete: %d %s", r.code, r.stderr)
	}
}

// A file that breaks off is loaded up to the break, and every hunt over it
// says INCOMPLETE, also from a case file later; --strict refuses it (exit 2).
func TestIncompleteFileIsSaid(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(dir, "full.ndjson")
	if r := runCLI(t, "", "demo", "--format", "la-ndjson", "--out", full); r.code != exitOK {
		t.Fatalf("demo: %s", r.stderr)
	}
	body, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write(body)
	zw.Close()
	cut := filepath.Join(dir, "cut.ndjson.gz")
	if err := os.WriteFile(cut, zipped.Bytes()[:zipped.Len()*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "hunt", cut, "--format", "csv")
	if r.code != exitOK || !strings.Contains(r.stderr, "INCOMPLETE") || !strings.Contains(r.stderr, "truncated gzip") {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	db := filepath.Join(dir, "case.duckdb")
	if r := runCLI(t, "", "load", cut, "--db", db); r.code != exitOK {
		t.Fatalf("load: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "", "hunt", "--db", db); !strings.Contains(r.stderr, "INCOMPLETE") {
		t.Errorf("hunt from the case file does not say INCOMPLETE:\n%s", r.stderr)
	}
	if r := runCLI(t, "", "hunt", cut, "--strict"); r.code != exitUsage {
		t.Errorf("--strict on a truncated file: exit %d, want %d", r.code, exitUsage)
	}
}

// A portal CSV export in local time is refused without --tz (saying how to
// export in UTC) and hunted with it; a bad --tz is a usage error.
func TestTimeZoneFlag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.csv")
	csvText := "TimeGenerated [Local Time],OperationName,Result,InitiatedBy,Id\n" +
		`"9/7/2023, 8:03:23.829 AM",Invite external user,success,"{""user"":{""userPrincipalName"":""bob@contoso.com""}}",a` + "\n"
	os.WriteFile(path, []byte(csvText), 0o644)

	r := runCLI(t, "", "hunt", path, "--format", "json")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--tz") || !strings.Contains(r.stderr, "UTC") {
		t.Errorf("without --tz: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, "", "hunt", path, "--tz", "Europe/Berlin", "--format", "json")
	if r.code != exitOK || !strings.Contains(r.stdout, `"TimeGenerated":"2023-09-07T06:03:23.8290000Z"`) ||
		!strings.Contains(r.stdout, "bob@contoso.com") {
		t.Errorf("with --tz: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	db := filepath.Join(t.TempDir(), "case.duckdb")
	if r := runCLI(t, "", "load", path, "--db", db, "--tz", "+02:00"); r.code != exitOK {
		t.Errorf("load --tz: exit %d\n%s", r.code, r.stderr)
	}
	if r := runCLI(t, "", "hunt", path, "--tz", "Mars/Olympus"); r.code != exitUsage || !strings.Contains(r.stderr, "--tz") {
		t.Errorf("bad --tz: exit %d\n%s", r.code, r.stderr)
	}
}

// A misspelt subcommand is not taken for a file; a file of that name is.
func TestMistypedCommand(t *testing.T) {
	r := runCLI(t, "", "hunts")
	if r.code != exitUsage || !strings.Contains(r.stderr, `did you mean "hunt"`) {
		t.Errorf("hunts: exit %d\n%s", r.code, r.stderr)
	}
	if r := runCLI(t, "", "reprot"); !strings.Contains(r.stderr, `did you mean "report"`) {
		t.Errorf("reprot: %s", r.stderr)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if r := runCLI(t, "", "demo", "--out", "hunts"); r.code != exitOK {
		t.Fatal(r.stderr)
	}
	if r := runCLI(t, "", "hunts"); r.code != exitOK || strings.Contains(r.stderr, "did you mean") {
		t.Errorf("a file called hunts: exit %d\n%s", r.code, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := runCLI(t, "", "--version")
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "guesthunt version ") {
		t.Errorf("exit %d: %q %q", r.code, r.stdout, r.stderr)
	}
}
