package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/guesthunt/guesthunt/hunt"
)

// whyLines turns the engine's explanation of one inviter into lines: the
// verdict first, then the evidence for it, then what would change it.
func whyLines(w whyMsg, st Styles, width int) []string {
	title := st.Title.Render("Why flagged: ") + styled(w.upn, st.Value, st.Marker)
	if w.err != nil {
		return wrapWords([]string{title, "", st.Error.Render("cannot explain: ") + styled(w.err.Error(), st.Value, st.Marker)}, width)
	}
	x := w.ex
	ts := x.AsOf.UTC().Format(kustoTime)
	verdict := st.Warning.Render("FLAGGED")
	if !x.Flagged {
		verdict = st.Value.Render("not flagged")
	}
	lines := []string{
		title,
		"",
		st.Label.Render("Verdict   ") + verdict + st.Label.Render(" at as-of ") + st.Value.Render(ts),
		st.Label.Render("Rule      ") + styled(x.Params.String(), st.Value, st.Marker),
		st.Label.Render("Matching  ") + styled(x.Matching, st.Value, st.Marker),
		"",
		st.HelpSection.Render("Detection window"),
		fmt.Sprintf("  (%s, %s]: %s by exactly this UPN",
			x.BaselineTo.UTC().Format(kustoTime), ts, plural(x.WindowInvites, "qualifying invite")),
		"",
		st.HelpSection.Render("Baseline"),
		fmt.Sprintf("  [%s, %s]", x.BaselineFrom.UTC().Format(kustoTime), x.BaselineTo.UTC().Format(kustoTime)),
		"  " + plural(x.BaselineInvites, "successful invite") + " by exactly this UPN",
		"  " + plural(x.BaselineFailedInvites, "invite") + " that did not succeed (the rule ignores them)",
		"  " + plural(x.BaselineOtherOperations, "other operation") + " initiated by this UPN (the rule ignores them)",
	}
	if x.OtherOperationsNotPulled != "" {
		// A count of what was never fetched is no count: say so in place.
		lines[len(lines)-1] = "  other operations initiated by this UPN: " + st.Warning.Render(x.OtherOperationsNotPulled)
		if x.BaselineOtherOperations > 0 {
			lines[len(lines)-1] += st.Dim.Render(fmt.Sprintf(" (%d counted where files or wider pulls hold them)", x.BaselineOtherOperations))
		}
	}
	if x.BaselineCaseVariantInvites > 0 {
		lines = append(lines, "  "+plural(x.BaselineCaseVariantInvites, "successful invite")+
			" by another spelling: "+styled(strings.Join(x.CaseVariants, ", "), st.Value, st.Marker))
		if !x.Params.FoldCase {
			lines = append(lines, "  "+st.Warning.Render("Sentinel's !in is case-sensitive: with fold-case (f) they would clear this inviter"))
		}
	}
	lines = append(lines, "", st.HelpSection.Render("History"))
	if x.HasEarlierInvite {
		lines = append(lines,
			"  latest earlier successful invite: "+st.Value.Render(x.LatestEarlierInvite.UTC().Format(kustoTime)),
			fmt.Sprintf("  it lies %s before the as-of instant: a baseline of %s or longer would reach it and clear this inviter",
				hunt.FormatSpan(x.ClearingBaseline), hunt.FormatTimespan(time.Duration(x.ClearingBaselineDays)*24*time.Hour)))
	} else {
		lines = append(lines, "  no successful invite before the window anywhere in the data: flagged at every baseline length")
	}
	lines = append(lines, "", st.HelpSection.Render("Coverage"))
	if x.Coverage.BaselineCovered {
		lines = append(lines, "  the data covers the baseline interval (it starts "+
			st.Value.Render(x.Coverage.DataFrom.UTC().Format(kustoTime))+")")
	} else {
		lines = append(lines, "  "+st.Warning.Render("⚠ ")+styled(x.Coverage.Note, st.Warning, st.Marker))
	}
	return wrapWords(lines, width)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// newWhyPage awaits the engine's explanation (request seq).
func newWhyPage(seq int) pagerPage {
	return pagerPage{kind: pageWhy, seq: seq, accept: func(msg tea.Msg, seq int) (func(Styles, int) []string, *clipText, bool) {
		w, ok := msg.(whyMsg)
		if !ok || w.seq != seq {
			return nil, nil, false
		}
		return func(st Styles, width int) []string { return whyLines(w, st, width) }, clipOf("the inviter UPN", w.upn), true
	}}
}
