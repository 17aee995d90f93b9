package hunt

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
)

// WriteMarkdown writes r as an incident report: what was run and how to run
// it again, what the data covers, the verdicts, then each inviter's events.
// Every string from the data goes through mdText or mdCode.
func WriteMarkdown(w io.Writer, r Report) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("# Guest invitation report: new inviters\n\n")
	p("Microsoft Sentinel rule *Guest Users Invited to Tenant by New Inviters*, run offline by guesthunt")
	if r.Meta.Version != "" {
		p(" %s", mdText(r.Meta.Version))
	}
	if !r.Meta.GeneratedAt.IsZero() {
		p(" on %s", data.FormatTime(r.Meta.GeneratedAt))
	}
	p(".\n\n")

	// Warnings come first: they say whether the rest can be trusted.
	for _, w := range r.Warnings {
		p("> **Warning:** %s\n\n", mdText(w.Text))
	}
	writeMDParams(p, r)
	writeMDData(p, r)
	writeMDSummary(p, r)
	for i, inv := range r.Inviters {
		writeMDInviter(p, i+1, inv)
	}
	return bw.Flush()
}

type printer func(format string, args ...any)

func writeMDParams(p printer, r Report) {
	fold := "off (case-sensitive `!in`, as Sentinel)"
	if r.Params.FoldCase {
		fold = "**on**: `!in~`, not Sentinel's behaviour"
	}
	p("## Parameters\n\n")
	p("| Parameter | Value |\n| --- | --- |\n")
	p("| As-of (Kusto `now()`) | %s |\n", data.FormatTime(r.AsOf))
	p("| Baseline | %s: %s .. %s, both inclusive |\n", FormatTimespan(r.Params.Baseline), data.FormatTime(r.Baseline[0]), data.FormatTime(r.Baseline[1]))
	p("| Window | %s: after %s, up to %s |\n", FormatTimespan(r.Params.Window), data.FormatTime(r.Window[0]), data.FormatTime(r.Window[1]))
	p("| Fold-case | %s |\n", fold)
	p("| Matching | %s |\n\n", mdText(r.Matching))
	p("Re-run with guesthunt (the as-of instant is fixed, so later data does not change the rows):\n\n")
	code := mdCode(r.Command)
	fence := mdFence(code)
	p("%ssh\n%s\n%s\n\n", fence, code, fence)
	p("The query, for Sentinel, pinned at the as-of instant (`as_of`), so it covers the intervals above whenever it runs:\n\n")
	kql := mdCode(strings.TrimSuffix(r.KQL, "\n"))
	fence = mdFence(kql)
	p("%skusto\n%s\n%s\n\n", fence, kql, fence)
}

func writeMDData(p printer, r Report) {
	p("## Data and coverage\n\n")
	if r.Meta.Source != "" {
		p("- Source: %s\n", mdText(r.Meta.Source))
	}
	p("- Events loaded: %d\n", r.Meta.Events)
	if !r.Coverage.DataFrom.IsZero() {
		p("- Span: %s .. %s\n", data.FormatTime(r.Coverage.DataFrom), data.FormatTime(r.Coverage.DataTo))
	}
	if r.Coverage.BaselineCovered {
		p("- Baseline covered: yes\n")
	} else {
		p("- Baseline covered: **NO**. %s\n", mdText(r.Coverage.Note))
	}
	if len(r.Meta.Files) > 0 {
		p("- Files:\n")
		for _, f := range r.Meta.Files {
			p("  - %s\n", mdText(f))
		}
	}
	p("\n")
}

func writeMDSummary(p printer, r Report) {
	p("## Flagged inviters\n\n")
	p("%d alert rows from %d inviters; %s.\n\n", countRows(r), len(r.Inviters), progress(r.Triaged, len(r.Inviters)))
	if len(r.Inviters) == 0 {
		p("Nothing was flagged.\n\n")
		return
	}
	p("| # | Inviter | Invites | Guests | Source IPs | First invite | Verdict | Events triaged |\n")
	p("| ---: | --- | ---: | ---: | --- | --- | --- | --- |\n")
	for i, inv := range r.Inviters {
		p("| %d | %s | %d | %d | %s | %s | %s | %s |\n", i+1, mdText(inv.UPN), inv.Invites, inv.DistinctGuests,
			mdList(inv.SourceIPs), data.FormatTime(inv.FirstInvite), mdVerdict(inv.Triage),
			progress(inv.EventsTriaged, len(inv.Events)))
	}
	p("\n")
}

func writeMDInviter(p printer, n int, inv ReportInviter) {
	p("## %d. %s\n\n", n, mdText(inv.UPN))
	p("- Verdict: %s\n", mdVerdict(inv.Triage))
	if inv.Triage.Note != "" {
		p("- Note: %s\n", mdText(inv.Triage.Note))
	}
	if inv.Triage.Analyst != "" || !inv.Triage.At.IsZero() {
		p("- Recorded by: %s at %s\n", mdText(orDash(inv.Triage.Analyst)), orDash(data.FormatTime(inv.Triage.At)))
	}
	p("- Invites in the window: %d, %s .. %s\n", inv.Invites, data.FormatTime(inv.FirstInvite), data.FormatTime(inv.LastInvite))
	if inv.EarlierNotQueried {
		p("- Latest earlier invite: not queried (the rule ran in the workspace without --with-history)\n")
	} else if inv.HasEarlierInvite {
		p("- Latest earlier invite: %s\n", data.FormatTime(inv.LatestEarlierInvite))
	} else {
		p("- Latest earlier invite: never (in the loaded data)\n")
	}
	p("- Source IPs: %s\n", mdList(inv.SourceIPs))
	p("- Guests (%d):\n", len(inv.Guests))
	for _, g := range inv.Guests {
		p("  - %s\n", mdText(g))
	}
	p("\n| Time | Guest UPN | Target id | IP | Event Id | Event verdict |\n")
	p("| --- | --- | --- | --- | --- | --- |\n")
	for _, e := range inv.Events {
		verdict := ""
		if e.Triage.Triaged() {
			verdict = mdVerdict(e.Triage)
			if e.Triage.Note != "" {
				verdict += ": " + mdText(e.Triage.Note)
			}
		}
		p("| %s | %s | %s | %s | %s | %s |\n", data.FormatTime(e.TimeGenerated), mdText(e.TargetUserPrincipalName),
			mdText(e.TargetAadUserId), mdText(e.InitiatingIPAddress), mdText(e.Id), verdict)
	}
	p("\n")
}

func mdVerdict(v Verdicted) string {
	if !v.Triaged() {
		return "untriaged"
	}
	return "**" + mdText(string(v.Verdict)) + "**"
}

func mdList(items []string) string {
	if len(items) == 0 {
		return "-"
	}
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = mdText(s)
	}
	return strings.Join(out, ", ")
}

func progress(done, total int) string {
	return fmt.Sprintf("%d/%d triaged", done, total)
}

func countRows(r Report) int {
	n := 0
	for _, inv := range r.Inviters {
		n += len(inv.Events)
	}
	return n
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// reportTime is FormatTime for optional times in structured output: nil
// (JSON null) when zero.
func reportTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := data.FormatTime(t)
	return &s
}
