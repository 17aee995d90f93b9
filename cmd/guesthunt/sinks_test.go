package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
	"github.com/guesthunt/guesthunt/ui/textsafe"
	"github.com/guesthunt/guesthunt/ui/textsafe/textsafetest"
)

// TestEverySinkOnHostileStrings runs every output that can carry a string
// from the audit log (the workbench's cells, table output, stderr, the
// Markdown report, hunt and report CSV, hunt and report JSON, the
// clipboard) on the same hostile strings, and checks that none emits a raw
// dangerous rune (JSON only as \u escapes), that CSV and JSON decode back to
// the raw value, and that harmless text passes unchanged.
func TestEverySinkOnHostileStrings(t *testing.T) {
	for _, c := range textsafetest.Samples {
		s := c.S
		t.Run(c.Name, func(t *testing.T) {
			// Sinks for one line on a terminal.
			for sink, out := range map[string]string{
				"workbench":      safe.Line(s, 400),
				"workbench text": safe.Text(s),
				"stderr":         streams{}.safe(s),
				"clipboard":      textsafe.Clipboard(s),
			} {
				noHostile(t, sink, s, out, false)
				if c.Keep && out != s {
					t.Errorf("%s changed harmless %q to %q", sink, s, out)
				}
			}
			rec, _ := json.Marshal(map[string]string{"v": s})
			noHostile(t, "clipboard record", s, textsafe.ClipboardRecord(rec), false)

			// Multi-line documents: only their own line feeds.
			var tbl bytes.Buffer
			if err := writeTable(streams{out: &tbl}, "table", hunt.Table{Columns: []string{"c", s}, Rows: [][]any{{s, s}}}, 0); err != nil {
				t.Fatal(err)
			}
			noHostile(t, "table", s, tbl.String(), true)
			if n := strings.Count(tbl.String(), "\n"); n != 3 {
				t.Errorf("table output has %d lines, want 3:\n%s", n, tbl.String())
			}
			var lr bytes.Buffer
			rep := store.LoadReport{Files: []store.FileReport{{Path: s, Error: s, Rejected: 1,
				Rejections: []store.Problem{{Record: 1, Line: 1, Reason: s}}}}}
			if err := rep.WriteText(&lr, streams{}.safe); err != nil {
				t.Fatal(err)
			}
			noHostile(t, "load report", s, lr.String(), true)
			benign := store.LoadReport{Files: []store.FileReport{{Path: "x", Error: "x", Rejected: 1,
				Rejections: []store.Problem{{Record: 1, Line: 1, Reason: "x"}}}}}
			var lb bytes.Buffer
			benign.WriteText(&lb, streams{}.safe)
			if strings.Count(lr.String(), "\n") != strings.Count(lb.String(), "\n") {
				t.Errorf("the load report gained lines:\n%s", lr.String())
			}

			r := sinkReport(s)
			var md bytes.Buffer
			if err := hunt.WriteMarkdown(&md, r); err != nil {
				t.Fatal(err)
			}
			noHostile(t, "markdown", s, md.String(), true)
			var mdBenign bytes.Buffer
			hunt.WriteMarkdown(&mdBenign, sinkReport("x"))
			if strings.Count(md.String(), "\n") != strings.Count(mdBenign.String(), "\n") {
				t.Errorf("the Markdown report gained lines:\n%s", md.String())
			}
			if !strings.Contains(md.String(), textsafe.Markdown(s)) {
				t.Errorf("the Markdown report does not show %q as %q", s, textsafe.Markdown(s))
			}

			// CSV: no hostile rune, no formula, decodes back exactly.
			var hc bytes.Buffer
			if err := writeTable(streams{out: &hc}, "csv", hunt.Table{Columns: []string{"c"}, Rows: [][]any{{s}}}, 0); err != nil {
				t.Fatal(err)
			}
			checkCSV(t, "hunt csv", s, hc.String(), "c")
			var rc bytes.Buffer
			if err := hunt.WriteReportCSV(&rc, r); err != nil {
				t.Fatal(err)
			}
			checkCSV(t, "report csv", s, rc.String(), "TargetUserPrincipalName")
			checkCSV(t, "report csv note", s, rc.String(), "InviterNote")

			// JSON: lossless, hostile runes only as \u escapes.
			var hj bytes.Buffer
			if err := writeTable(streams{out: &hj}, "json", hunt.Table{Columns: []string{"c"}, Rows: [][]any{{s}}}, 0); err != nil {
				t.Fatal(err)
			}
			noHostile(t, "hunt json", s, hj.String(), true)
			var rows []map[string]string
			if err := json.Unmarshal(hj.Bytes(), &rows); err != nil || len(rows) != 1 || rows[0]["c"] != jsonValue(s) {
				t.Errorf("hunt json %q decodes to %v, %v", hj.String(), rows, err)
			}
			if c.Keep && !strings.Contains(hj.String(), s) {
				t.Errorf("hunt json escaped harmless %q: %s", s, hj.String())
			}
			var rj bytes.Buffer
			if err := hunt.WriteReportJSON(&rj, r); err != nil {
				t.Fatal(err)
			}
			noHostile(t, "report json", s, rj.String(), true)
			var got struct {
				Inviters []struct {
					UPN    string
					Note   string
					Events []struct{ Row map[string]any }
				}
			}
			if err := json.Unmarshal(rj.Bytes(), &got); err != nil || len(got.Inviters) != 1 {
				t.Fatalf("report json: %v", err)
			}
			inv := got.Inviters[0]
			if inv.UPN != jsonValue(s) || inv.Note != jsonValue(s) || inv.Events[0].Row["TargetUserPrincipalName"] != jsonValue(s) {
				t.Errorf("report json does not decode to the raw value: %+v", inv)
			}
		})
	}
}

// jsonValue is what JSON keeps of s: everything but invalid UTF-8, which
// becomes U+FFFD as encoding/json writes it.
func jsonValue(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// noHostile fails when out carries a hostile rune raw; multiLine allows the
// document's own line feeds.
func noHostile(t *testing.T, sink, in, out string, multiLine bool) {
	t.Helper()
	for i, r := range out {
		if r == '\n' && multiLine {
			continue
		}
		if textsafe.Hostile(r) || r == '\x1b' || r == '\r' {
			t.Errorf("%s output for %q keeps U+%04X at byte %d:\n%q", sink, in, r, i, out)
			return
		}
	}
}

func checkCSV(t *testing.T, sink, s, out, column string) {
	t.Helper()
	noHostile(t, sink, s, out, true)
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("%s: %v, %d records:\n%s", sink, err, len(recs), out)
	}
	col := -1
	for i, h := range recs[0] {
		if h == column {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("%s: no column %s", sink, column)
	}
	cell := recs[1][col]
	if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
		t.Errorf("%s: cell %q starts a formula", sink, cell)
	}
	back, err := textsafe.UnCSV(cell)
	if err != nil || back != s {
		t.Errorf("%s: cell %q decodes to %q, %v; want %q", sink, cell, back, err, s)
	}
}

// sinkReport is a one-inviter report that carries s in its UPN, note and
// guest fields.
func sinkReport(s string) hunt.Report {
	at := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	a := hunt.Alert{Record: data.Record{TimeGenerated: at, Id: "ev1", OperationName: "Invite external user"},
		TargetUserPrincipalName: s, InitiatingUserPrincipalName: s, InitiatingIPAddress: s}
	return hunt.Report{
		Params: hunt.DefaultParams(), AsOf: at, Command: "guesthunt hunt", KQL: "AuditLogs",
		Inviters: []hunt.ReportInviter{{
			InviterSummary: hunt.InviterSummary{UPN: s, Invites: 1, DistinctGuests: 1, Guests: []string{s},
				SourceIPs: []string{s}, FirstInvite: at, LastInvite: at},
			Triage: hunt.Verdicted{Verdict: store.VerdictMalicious, Note: s, Analyst: s, At: at},
			Events: []hunt.ReportEvent{{Alert: a}},
		}},
	}
}
