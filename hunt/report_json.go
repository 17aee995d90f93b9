package hunt

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// The JSON report. Field names are part of the interface (scripts read
// them): change them only with a new "schema" value. Times are RFC 3339 UTC
// with 7 digits, or null; strings are the raw values from the data.

const reportSchema = "guesthunt.report/v1"

type reportJSON struct {
	Schema      string          `json:"schema"`
	Version     string          `json:"version"`
	GeneratedAt *string         `json:"generatedAt"`
	Data        reportDataJSON  `json:"data"`
	Parameters  reportParamJSON `json:"parameters"`
	Command     string          `json:"command"`
	KQL         string          `json:"kql"`
	Coverage    reportCovJSON   `json:"coverage"`
	Warnings    []warningJSON   `json:"warnings"`
	Triaged     int             `json:"invitersTriaged"`
	Inviters    []inviterJSON   `json:"inviters"`
}

type reportDataJSON struct {
	Source string   `json:"source"`
	Files  []string `json:"files"`
	Events int64    `json:"events"`
	From   *string  `json:"from"`
	To     *string  `json:"to"`
}

type reportParamJSON struct {
	AsOf         *string `json:"asOf"`
	Baseline     string  `json:"baseline"`
	Window       string  `json:"window"`
	FoldCase     bool    `json:"foldCase"`
	Matching     string  `json:"matching"`
	BaselineFrom *string `json:"baselineFrom"`
	BaselineTo   *string `json:"baselineTo"`
	WindowFrom   *string `json:"windowFrom"`
	WindowTo     *string `json:"windowTo"`
}

type reportCovJSON struct {
	BaselineCovered bool   `json:"baselineCovered"`
	Note            string `json:"note"`
}

// warningJSON is a Warning with its kind's stable name.
type warningJSON struct {
	Kind string `json:"kind"`
	Text string `json:"text"`
}

type triageJSON struct {
	Verdict   string  `json:"verdict"`
	Note      string  `json:"note"`
	Analyst   string  `json:"analyst"`
	TriagedAt *string `json:"triagedAt"`
}

type inviterJSON struct {
	UPN string `json:"upn"`
	triageJSON
	Invites             int      `json:"invites"`
	DistinctGuests      int      `json:"distinctGuests"`
	Guests              []string `json:"guests"`
	GuestDomains        []string `json:"guestDomains"`
	SourceIPs           []string `json:"sourceIPs"`
	FirstInvite         *string  `json:"firstInvite"`
	LastInvite          *string  `json:"lastInvite"`
	LatestEarlierInvite *string  `json:"latestEarlierInvite"`
	// Set only for a run in the workspace without history: then a null
	// latestEarlierInvite means unknown, not never.
	LatestEarlierNotQueried bool        `json:"latestEarlierNotQueried,omitempty"`
	EventsTriaged           int         `json:"eventsTriaged"`
	Events                  []eventJSON `json:"events"`
}

type eventJSON struct {
	triageJSON
	// Row is the alert row as "guesthunt hunt --format json" writes it.
	Row json.RawMessage `json:"row"`
}

// WriteReportJSON writes r as one JSON object.
func WriteReportJSON(w io.Writer, r Report) error {
	out := reportJSON{
		Schema:      reportSchema,
		Version:     r.Meta.Version,
		GeneratedAt: reportTime(r.Meta.GeneratedAt),
		Data: reportDataJSON{Source: r.Meta.Source, Files: nonNil(r.Meta.Files), Events: r.Meta.Events,
			From: reportTime(r.Coverage.DataFrom), To: reportTime(r.Coverage.DataTo)},
		Parameters: reportParamJSON{AsOf: reportTime(r.AsOf), Baseline: FormatTimespan(r.Params.Baseline),
			Window: FormatTimespan(r.Params.Window), FoldCase: r.Params.FoldCase, Matching: r.Matching,
			BaselineFrom: reportTime(r.Baseline[0]), BaselineTo: reportTime(r.Baseline[1]),
			WindowFrom: reportTime(r.Window[0]), WindowTo: reportTime(r.Window[1])},
		Command:  r.Command,
		KQL:      r.KQL,
		Coverage: reportCovJSON{BaselineCovered: r.Coverage.BaselineCovered, Note: r.Coverage.Note},
		Warnings: []warningJSON{},
		Triaged:  r.Triaged,
		Inviters: []inviterJSON{},
	}
	for _, w := range r.Warnings {
		out.Warnings = append(out.Warnings, warningJSON{Kind: w.Kind.String(), Text: w.Text})
	}
	for _, inv := range r.Inviters {
		ij := inviterJSON{UPN: inv.UPN, triageJSON: triageOf(inv.Triage), Invites: inv.Invites,
			DistinctGuests: inv.DistinctGuests, Guests: nonNil(inv.Guests), GuestDomains: nonNil(inv.GuestDomains),
			SourceIPs: nonNil(inv.SourceIPs), FirstInvite: reportTime(inv.FirstInvite), LastInvite: reportTime(inv.LastInvite),
			LatestEarlierInvite: reportTime(inv.LatestEarlierInvite), LatestEarlierNotQueried: inv.EarlierNotQueried,
			EventsTriaged: inv.EventsTriaged, Events: []eventJSON{}}
		for _, e := range inv.Events {
			row, err := alertJSON(e.Alert)
			if err != nil {
				return err
			}
			ij.Events = append(ij.Events, eventJSON{triageJSON: triageOf(e.Triage), Row: row})
		}
		out.Inviters = append(out.Inviters, ij)
	}
	return writeSafeJSON(w, out)
}

func triageOf(v Verdicted) triageJSON {
	return triageJSON{Verdict: string(v.Verdict), Note: v.Note, Analyst: v.Analyst, TriagedAt: reportTime(v.At)}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// alertJSON is one alert row as a JSON object in Sentinel's column order,
// the same bytes WriteJSON writes for it.
func alertJSON(a Alert) (json.RawMessage, error) {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	if err := writeObject(bw, AlertColumns(), a.Values()); err != nil {
		return nil, fmt.Errorf("event %s: %w", a.Id, err)
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeSafeJSON writes v indented, without HTML escaping (the values stay
// readable), and with the hostile runes that encoding/json passes through
// (textsafe.JSONEscape: C1, bidi, zero-width, lookalike spaces, tags)
// written as \u escapes: decoding gives the raw value back, and catting the
// file cannot drive or deceive a terminal.
func writeSafeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for _, r := range buf.String() {
		// encoding/json escapes C0 inside strings; the C0 left are the
		// encoder's own newlines and indentation.
		if r >= 0x7f && textsafe.JSONEscape(r) {
			textsafe.WriteJSONRune(bw, r)
			continue
		}
		bw.WriteRune(r)
	}
	return bw.Flush()
}
