package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/guesthunt/guesthunt/hunt"
)

// The why-flagged text gives the distance to the latest earlier invite as
// people write it and the clearing baseline as a Kusto timespan, never float
// seconds.
func TestWhyLinesSpans(t *testing.T) {
	asOf := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	gap := 16*24*time.Hour + 3*time.Hour + 12*time.Minute + 3*time.Second + 100
	ex := &hunt.Explanation{
		Params: hunt.DefaultParams(), AsOf: asOf, Flagged: true,
		HasEarlierInvite: true, LatestEarlierInvite: asOf.Add(-gap),
		ClearingBaseline: gap, ClearingBaselineDays: 17,
		Coverage: hunt.Coverage{BaselineCovered: true, DataFrom: asOf.Add(-40 * 24 * time.Hour)},
	}
	text := ansi.Strip(strings.Join(whyLines(whyMsg{upn: "alice@contoso.com", ex: ex}, NewStyles(true, true), 200), "\n"))
	want := "it lies 16d 3h 12m before the as-of instant: a baseline of 17d or longer would reach it and clear this inviter"
	if !strings.Contains(text, want) {
		t.Errorf("why text lacks %q:\n%s", want, text)
	}
	if strings.Contains(text, "1391523.00000") {
		t.Errorf("float seconds in:\n%s", text)
	}
}
