package hunt

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/demo"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

const (
	hostileNote = "=HYPERLINK(\"http://x\") | <img src=x onerror=alert(1)> `tick`\n# not a heading \x1b[2J\u202e"
	jonasUPN    = "jonas.berg@" + demo.Domain
	leeUPN      = "lee.novak@" + demo.Domain
)

// demoReport runs the rule on the demo tenant at the defaults and joins a
// hand-made triage: the compromised account malicious (one of its events
// confirmed too), the lapsed inviter recorded as untriaged.
func demoReport(t *testing.T) (*Result, Report) {
	t.Helper()
	e := newEngine(t, demo.Tenant(1)...)
	res := mustRun(t, e, DefaultParams())
	var jonasEvent Alert
	for _, a := range res.Rows {
		if a.InitiatingUserPrincipalName == jonasUPN {
			jonasEvent = a
			break
		}
	}
	if jonasEvent.Id == "" {
		t.Fatalf("the demo's compromised account %s is not flagged", jonasUPN)
	}
	at := time.Date(2026, 11, 2, 9, 30, 0, 1234500, time.UTC)
	triage := map[store.Subject]store.Triage{
		{Kind: store.SubjectInviter, Key: jonasUPN}:           {Verdict: store.VerdictMalicious, Note: hostileNote, Analyst: "ana", At: at},
		{Kind: store.SubjectInviter, Key: leeUPN}:             {Verdict: store.VerdictUntriaged, Note: "looked, not decided"},
		{Kind: store.SubjectEvent, Key: jonasEvent.Id}:        {Verdict: store.VerdictMalicious, Note: "confirmed with the user", Analyst: "ana", At: at},
		{Kind: store.SubjectInviter, Key: "nobody@elsewhere"}: {Verdict: store.VerdictBenign},
	}
	meta := ReportMeta{Source: "built-in demo tenant", Files: []string{"demo-tenant-seed1.ndjson"}, Events: 1234,
		GeneratedAt: at.Add(time.Hour), Version: "v0.test"}
	return res, NewReport(res, triage, meta)
}

func flaggedUPNs() []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range demo.Cases() {
		if c.Flagged() && !seen[c.InviterUPN] {
			seen[c.InviterUPN] = true
			out = append(out, c.InviterUPN)
		}
	}
	return out
}

func TestNewReportJoinsTriage(t *testing.T) {
	res, r := demoReport(t)
	if len(r.Inviters) != len(flaggedUPNs()) {
		t.Fatalf("%d inviters, want %d", len(r.Inviters), len(flaggedUPNs()))
	}
	if r.Triaged != 1 {
		t.Errorf("%d inviters triaged, want 1 (untriaged is no verdict)", r.Triaged)
	}
	rows := 0
	for _, inv := range r.Inviters {
		rows += len(inv.Events)
		want := 0
		if inv.UPN == jonasUPN {
			want = 1
			if inv.Triage.Verdict != store.VerdictMalicious || inv.Triage.Note != hostileNote {
				t.Errorf("jonas: %+v", inv.Triage)
			}
		}
		if inv.EventsTriaged != want {
			t.Errorf("%s: %d events triaged, want %d", inv.UPN, inv.EventsTriaged, want)
		}
	}
	if rows != len(res.Rows) {
		t.Errorf("%d event rows, want %d", rows, len(res.Rows))
	}
	if !strings.Contains(r.Command, "--as-of "+data.FormatTime(res.AsOf)) || !strings.HasPrefix(r.Command, "guesthunt hunt ") {
		t.Errorf("command %q", r.Command)
	}
	if r.KQL != KQLText(res.Params, res.AsOf) {
		t.Error("the report's KQL is not the rule's, pinned at the as-of")
	}
	empty := NewReport(res, nil, ReportMeta{})
	if empty.Triaged != 0 || empty.Inviters[0].Triage.Verdict != store.VerdictUntriaged {
		t.Error("a nil triage map should leave everything untriaged")
	}
}

func TestWriteMarkdown(t *testing.T) {
	res, r := demoReport(t)
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, upn := range flaggedUPNs() {
		if !strings.Contains(md, "## ") || !strings.Contains(md, mdText(upn)) {
			t.Errorf("inviter %s is not named", upn)
		}
	}
	for _, want := range []string{
		"1/5 triaged",
		"guesthunt hunt --as-of " + data.FormatTime(res.AsOf) + " --baseline 14d --window 1d\n",
		"| As-of (Kusto `now()`) | " + data.FormatTime(res.AsOf) + " |",
		"- Verdict: **malicious**",
		"- Recorded by: ana at 2026-11-02T09:30:00.0012345Z",
		"untriaged",
		"1/6 triaged", // jonas's events
		"confirmed with the user",
		"203.0.113.66",
		"```kusto\n" + strings.TrimSuffix(KQLText(res.Params, res.AsOf), "\n") + "\n```",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	// Hostile data and notes are shown, escaped, never raw.
	for _, raw := range []string{"\x1b", "\u202e", "\u200b", "\n# not a heading"} {
		if strings.Contains(md, raw) {
			t.Errorf("markdown carries %q raw", raw)
		}
	}
	// Outside the KQL block (which has its own > and =~), < and > only escaped.
	prose := strings.Replace(md, strings.TrimSuffix(KQLText(res.Params, res.AsOf), "\n"), "", 1)
	if regexp.MustCompile(`(^|[^\\])[<>]`).MatchString(prose) {
		t.Error("markdown carries an unescaped < or >")
	}
	for _, esc := range []string{"‹RLO›", "‹ZWSP›", "␛", `\<img`, "\\`tick\\`", `\|`, `␊\# not a heading`} {
		if !strings.Contains(md, esc) {
			t.Errorf("markdown lacks the escaped form %q", esc)
		}
	}
	// Every table row has the same number of cell breaks as its header.
	cells := regexp.MustCompile(`(^|[^\\])\|`)
	var header int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		n := len(cells.FindAllString(line, -1))
		if header == 0 {
			header = n
		} else if n != header {
			t.Errorf("table row has %d cell breaks, header %d: %s", n, header, line)
		}
	}
}

func TestWriteReportJSON(t *testing.T) {
	res, r := demoReport(t)
	var buf bytes.Buffer
	if err := WriteReportJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"\x1b", "\u202e", "\u200b"} {
		if strings.Contains(buf.String(), raw) {
			t.Errorf("JSON carries %q raw", raw)
		}
	}
	var got struct {
		Schema     string
		Parameters struct{ AsOf, Baseline, Window string }
		Command    string
		KQL        string
		Triaged    int `json:"invitersTriaged"`
		Inviters   []struct {
			UPN, Verdict, Note string
			Guests             []string
			Events             []struct {
				Verdict string
				Row     map[string]any
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if got.Schema != reportSchema || got.Parameters.AsOf != data.FormatTime(res.AsOf) || got.Parameters.Baseline != "14d" ||
		got.Parameters.Window != "1d" || got.Triaged != 1 || got.KQL != r.KQL {
		t.Errorf("header: %+v", got)
	}
	hostile := false
	for _, inv := range got.Inviters {
		if inv.UPN == jonasUPN && (inv.Verdict != "malicious" || inv.Note != hostileNote) {
			t.Errorf("jonas: %s %q", inv.Verdict, inv.Note)
		}
		for _, g := range inv.Guests {
			hostile = hostile || strings.Contains(g, "\u200b\u202e")
		}
		for _, e := range inv.Events {
			if e.Row["InitiatingUserPrincipalName"] != inv.UPN {
				t.Errorf("row of %s under %s", e.Row["InitiatingUserPrincipalName"], inv.UPN)
			}
			if ts, _ := e.Row["TimeGenerated"].(string); !regexp.MustCompile(`\.\d{7}Z$`).MatchString(ts) {
				t.Errorf("TimeGenerated %q", ts)
			}
		}
	}
	if !hostile {
		t.Error("the hostile guest address did not survive raw through JSON")
	}
}

func TestWriteReportCSV(t *testing.T) {
	res, r := demoReport(t)
	var buf bytes.Buffer
	if err := WriteReportCSV(&buf, r); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(res.Rows)+1 {
		t.Fatalf("%d records, want header + %d", len(recs), len(res.Rows))
	}
	if recs[0][0] != "InviterVerdict" || recs[0][8] != "TimeGenerated" {
		t.Errorf("header %v", recs[0][:9])
	}
	neutralised := false
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
		if strings.HasPrefix(rec[1], "'=HYPERLINK") {
			back, err := textsafe.UnCSV(rec[1])
			neutralised = err == nil && back == hostileNote
		}
		for _, raw := range []string{"\x1b", "\u202e", "\n"} {
			if strings.Contains(rec[1], raw) {
				t.Errorf("CSV note carries %q raw: %q", raw, rec[1])
			}
		}
	}
	if !neutralised {
		t.Error("the formula-looking note is not neutralised")
	}
}

func TestWriteBookmarks(t *testing.T) {
	res, r := demoReport(t)
	var buf bytes.Buffer
	if err := WriteBookmarks(&buf, r); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Name       string
		Properties struct {
			DisplayName, Query, QueryResult, Notes  string
			QueryStartTime, QueryEndTime, EventTime string
			Labels, Tactics, Techniques             []string
			EntityMappings                          []struct {
				EntityType    string
				FieldMappings []struct{ Identifier, Value string }
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if len(got) != len(res.Rows) {
		t.Fatalf("%d bookmarks, want %d", len(got), len(res.Rows))
	}
	for _, key := range []string{`"displayName"`, `"query"`, `"queryResult"`, `"queryStartTime"`, `"queryEndTime"`,
		`"eventTime"`, `"labels"`, `"notes"`, `"entityMappings"`, `"tactics"`, `"techniques"`} {
		if !strings.Contains(buf.String(), key) {
			t.Errorf("no %s", key)
		}
	}
	names := map[string]bool{}
	for _, b := range got {
		p := b.Properties
		if names[b.Name] || !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(b.Name) {
			t.Errorf("name %q repeated or not a UUID", b.Name)
		}
		names[b.Name] = true
		if p.Query != r.KQL || p.QueryStartTime != data.FormatTime(res.BaselineFrom) || p.QueryEndTime != data.FormatTime(res.AsOf) {
			t.Errorf("query fields: %s .. %s", p.QueryStartTime, p.QueryEndTime)
		}
		var row map[string]any
		if err := json.Unmarshal([]byte(p.QueryResult), &row); err != nil || row["TimeGenerated"] != p.EventTime {
			t.Errorf("queryResult %q (%v) does not match eventTime %s", p.QueryResult, err, p.EventTime)
		}
		if len(p.Tactics) != 1 || p.Tactics[0] != "Persistence" || len(p.Techniques) != 1 || p.Techniques[0] != "T1078.004" {
			t.Errorf("tactics %v techniques %v", p.Tactics, p.Techniques)
		}
		if len(p.Labels) != 2 || p.Labels[0] != "guesthunt" {
			t.Errorf("labels %v", p.Labels)
		}
		inviter := row["InitiatingUserPrincipalName"]
		if len(p.EntityMappings) == 0 || p.EntityMappings[0].EntityType != "Account" ||
			p.EntityMappings[0].FieldMappings[0] != (struct{ Identifier, Value string }{"FullName", inviter.(string)}) {
			t.Errorf("first entity is not the inviter account: %+v", p.EntityMappings)
		}
		if inviter == jonasUPN {
			if p.Labels[1] != "malicious" || !strings.HasPrefix(p.Notes, hostileNote) {
				t.Errorf("jonas bookmark: %v %q", p.Labels, p.Notes)
			}
			last := p.EntityMappings[len(p.EntityMappings)-1]
			if last.EntityType != "IP" || last.FieldMappings[0].Value != "203.0.113.66" {
				t.Errorf("no IP entity: %+v", last)
			}
			if len(p.EntityMappings) != 3 || p.EntityMappings[1].FieldMappings[0].Identifier != "FullName" {
				t.Errorf("no guest account: %+v", p.EntityMappings)
			}
		}
	}
}

func TestMarkdownEscaping(t *testing.T) {
	cases := map[string]string{
		"alice@x.com":        "alice@x.com",
		"a|b":                `a\|b`,
		"# head":             `\# head`,
		"<script>":           `\<script\>`,
		"`x`":                "\\`x\\`",
		"line\nbreak":        "line␊break",
		"rlo\u202eexe":       "rlo‹RLO›exe",
		"zw\u200bsp":         "zw‹ZWSP›sp",
		"c1\u0085":           "c1‹U+0085›",
		"nb\u00a0sp":         "nb‹NBSP›sp",
		"bom\ufeff":          "bom‹BOM›",
		"[link](http://x)":   `\[link\](http://x)`,
		"bad\xffutf8":        "bad‹0xFF›utf8",
		"tag\U000E0041":      "tag‹U+E0041›",
		"a_b*c~d&amp;e!f\\g": `a\_b\*c\~d\&amp;e\!f\\g`,
	}
	for in, want := range cases {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
	if f := mdFence("a ``` b ```` c"); f != "`````" {
		t.Errorf("fence %q", f)
	}
	if got := mdCode("x\x1by\nz"); got != "x␛y\nz" {
		t.Errorf("mdCode %q", got)
	}
}

func TestRerunCommandQuotes(t *testing.T) {
	p := DefaultParams()
	p.FoldCase = true
	p.Baseline = 36 * time.Hour
	at := time.Date(2026, 10, 31, 12, 0, 0, 100, time.UTC)
	got := rerunCommand(p, at, []string{"exports/a b.ndjson", "it's.json", "--db", "case.duckdb"})
	want := `guesthunt hunt 'exports/a b.ndjson' 'it'\''s.json' --db case.duckdb --as-of 2026-10-31T12:00:00.0000001Z --baseline 36h --window 1d --fold-case`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
