package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/safe"
	"github.com/guesthunt/guesthunt/ui/textsafe"
)

// The JSON shape of one trail (README, issue 13).
type (
	trailJSON struct {
		Inviter   string       `json:"inviter"`
		Guest     string       `json:"guest"`
		Email     string       `json:"email"`
		InvitedAt string       `json:"invitedAt"`
		Steps     []stepJSON   `json:"steps"`
		Signals   []signalJSON `json:"signals"`
		// Only on a trail over a span pulled with scope invites: the steps
		// there were never fetched (hunt.Trail.NotPulled).
		NotPulled *notPulledJSON `json:"notPulled,omitempty"`
	}
	notPulledJSON struct {
		Text string `json:"text"`
		From string `json:"from"`
		To   string `json:"to"`
	}
	stepJSON struct {
		Time        string `json:"time"`
		Kind        string `json:"kind"`
		Operation   string `json:"operation"`
		Actor       string `json:"actor"`
		IP          string `json:"ip"`
		Detail      string `json:"detail"`
		SinceInvite string `json:"sinceInvite"` // Kusto timespan
	}
	signalJSON struct {
		Kind   string `json:"kind"`
		Detail string `json:"detail"`
	}
)

// writeTrailJSON writes an array with one object per guest; hostile runes
// are escaped as in hunt's JSON so the output is safe on a terminal.
func writeTrailJSON(w io.Writer, trails []hunt.Trail) error {
	out := make([]trailJSON, len(trails))
	for i, t := range trails {
		tj := trailJSON{Inviter: t.Inviter, Guest: t.Guest, Email: t.Email, InvitedAt: data.FormatTime(t.InvitedAt),
			Steps: make([]stepJSON, len(t.Steps)), Signals: make([]signalJSON, len(t.Signals))}
		for j, s := range t.Steps {
			tj.Steps[j] = stepJSON{Time: data.FormatTime(s.Time), Kind: string(s.Kind), Operation: s.Operation,
				Actor: s.Actor, IP: s.IP, Detail: s.Detail, SinceInvite: hunt.FormatTimespan(s.SinceInvite)}
		}
		for j, s := range t.Signals {
			tj.Signals[j] = signalJSON{Kind: string(s.Kind), Detail: s.Detail}
		}
		if t.NotPulled != "" {
			tj.NotPulled = &notPulledJSON{Text: t.NotPulled, From: data.FormatTime(t.NotPulledFrom), To: data.FormatTime(t.NotPulledTo)}
		}
		out[i] = tj
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, textsafe.EscapeJSON(b.String()))
	return err
}

// writeTrailTable prints one block per guest: who invited whom, the steps
// one a line, then the signals. Every text from the data is sanitised.
func writeTrailTable(ios streams, trails []hunt.Trail) error {
	w := ios.out
	for i, t := range trails {
		if i > 0 {
			fmt.Fprintln(w)
		}
		guest := t.Guest
		if guest == "" {
			guest = "(no target UPN logged)"
		}
		fmt.Fprintf(w, "%s invited %s\n  e-mail %s\n", safe.Line(t.Inviter, 80), safe.Line(guest, 100), safe.Line(t.Email, 80))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  Time "+hunt.TableTimeLabel+"\tKind\tActor\tIP\tDetail\tSince invite")
		for _, s := range t.Steps {
			since := "-"
			if s.Kind != hunt.StepInvite {
				since = "+" + hunt.FormatSpan(s.SinceInvite)
			}
			fmt.Fprintln(tw, strings.Join([]string{"  " + hunt.TableTime(s.Time), string(s.Kind),
				safe.Line(s.Actor, 60), safe.Line(s.IP, 40), safe.Line(s.Detail, 60), since}, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if t.NotPulled != "" {
			// Said where the missing steps would be, not left as silence.
			fmt.Fprintf(w, "  later steps: %s, %s to %s\n", t.NotPulled, hunt.TableTime(t.NotPulledFrom), hunt.TableTime(t.NotPulledTo))
		}
		switch {
		case len(t.Signals) == 0 && t.NotPulled != "":
			fmt.Fprintln(w, "  signals: none from the invite alone; the later steps were not pulled")
		case len(t.Signals) == 0:
			fmt.Fprintln(w, "  signals: none")
		}
		for _, s := range t.Signals {
			fmt.Fprintf(w, "  ! %s: %s\n", s.Kind, ios.safe(s.Detail))
		}
	}
	_, err := fmt.Fprintf(w, "(%d guests)\n", len(trails))
	return err
}
