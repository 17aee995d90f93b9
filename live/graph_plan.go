package live

import (
	"errors"
	"fmt"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
	"github.com/guesthunt/guesthunt/data/store"
)

// The plan of a Graph pull.
//
// Graph's $filter on activityDateTime has ge, le and eq but no lt or gt, and
// its comparison precision is not documented. So each chunk's request is an
// inclusive window on whole seconds, and neighbouring requests overlap by
// one second: chunk i asks for [B_i, B_{i+1}], chunk i+1 for
// [B_{i+1}, B_{i+2}]. Whatever the server's precision (ticks, seconds,
// rounded or truncated), each request returns a superset of its chunk.
//
// A chunk is stored (store.PullChunk) as the half-open [From, To) its spool
// keeps, exactly as for Log Analytics: of the records a request returns, the
// spool holds those whose activityDateTime is in [From, To). An event on a
// shared boundary second is therefore written once, into the later chunk,
// and the chunks tile the pull's [p.From, p.To) (the store's dedup by Id is
// only a second guard). A chunk's request window is [floor_s(From),
// ceil_s(To)]: inclusive, whole seconds. To include an instant T, end the
// pull at T plus one tick, as the Log Analytics pull does.

// DefaultGraphChunk is the span of one Graph chunk.
const DefaultGraphChunk = 24 * time.Hour

// graphInviteActivity is the rule's operation, as Graph names it.
const graphInviteActivity = "Invite external user"

// Retention of the directory audit log in Entra ID.
const (
	entraRetentionFree    = 7 * 24 * time.Hour
	entraRetentionPremium = 30 * 24 * time.Hour
)

// GraphFilter is the $filter for the inclusive window [a, b], which must be
// whole seconds. ScopeInvites adds the rule's activity; ScopeAll and
// ScopeTrail add nothing: Graph's activityDisplayName supports only eq and
// startswith (no in), so the trail's several operations are fetched with
// everything else (see GraphScopeNote).
func GraphFilter(a, b time.Time, scope Scope) (string, error) {
	if !a.Equal(floorSecond(a)) || !b.Equal(floorSecond(b)) {
		return "", fmt.Errorf("graph filter: the window %s .. %s is not on whole seconds", a.Format(time.RFC3339Nano), b.Format(time.RFC3339Nano))
	}
	if b.Before(a) {
		return "", fmt.Errorf("graph filter: the window ends (%s) before it starts (%s)", b.Format(graphTimeLayout), a.Format(graphTimeLayout))
	}
	f := "activityDateTime ge " + a.UTC().Format(graphTimeLayout) + " and activityDateTime le " + b.UTC().Format(graphTimeLayout)
	switch scope {
	case ScopeInvites:
		f += " and activityDisplayName eq '" + graphInviteActivity + "'"
	case ScopeAll, ScopeTrail:
	default:
		return "", fmt.Errorf("graph filter: unknown scope %q (want invites, trail or all)", scope)
	}
	return f, nil
}

// GraphQueryText is the $filter template kept in the pull's record.
func GraphQueryText(scope Scope) string {
	f := "activityDateTime ge {from} and activityDateTime le {to}"
	if scope == ScopeInvites {
		f += " and activityDisplayName eq '" + graphInviteActivity + "'"
	}
	return f
}

// GraphScopeNote says what a scope costs on Graph ("" when nothing to say).
func GraphScopeNote(scope Scope) string {
	if scope == ScopeTrail {
		return "Graph's $filter cannot ask for several activities at once (activityDisplayName has eq and startswith, no in), so the trail scope fetches every directory audit record, as scope all does"
	}
	return ""
}

// GraphRetentionNote warns when [from, ...) reaches further back than
// Entra ID keeps audit logs: 7 days on the Free tier, 30 days with P1/P2.
// "" when from is within the last 7 days.
func GraphRetentionNote(from, now time.Time) string {
	switch {
	case from.Before(now.Add(-entraRetentionPremium)):
		return fmt.Sprintf("coverage may be short: the pull starts %s, more than 30 days ago, and Entra ID keeps audit logs 30 days (P1/P2) or 7 days (Free); Graph cannot return older records (a Log Analytics workspace keeps them longer)", from.UTC().Format(graphTimeLayout))
	case from.Before(now.Add(-entraRetentionFree)):
		return fmt.Sprintf("coverage may be short on the Free tier: the pull starts %s, more than 7 days ago, and Entra ID Free keeps audit logs 7 days (P1/P2: 30 days)", from.UTC().Format(graphTimeLayout))
	}
	return ""
}

// PlanGraph cuts [p.From, p.To) into chunks of at most span (default one
// day) whose inner boundaries are whole seconds: p.From floored to the
// second plus multiples of span. The chunks tile [p.From, p.To) exactly;
// Seq counts from 1.
func PlanGraph(p store.Pull, span time.Duration) ([]store.PullChunk, error) {
	if span <= 0 {
		span = DefaultGraphChunk
	}
	if span < time.Second || span%time.Second != 0 {
		return nil, fmt.Errorf("graph plan: a chunk span of %s is not a whole number of seconds", span)
	}
	from, to := data.ToTick(p.From), data.ToTick(p.To)
	if from.IsZero() || to.IsZero() {
		return nil, errors.New("graph plan: the pull has no From or To")
	}
	if !from.Before(to) {
		return nil, fmt.Errorf("graph plan: the pull's span %s .. %s is empty", from.Format(time.RFC3339Nano), to.Format(time.RFC3339Nano))
	}
	const maxChunks = 100000
	if to.Sub(from)/span >= maxChunks {
		return nil, fmt.Errorf("graph plan: %s .. %s in chunks of %s is more than %d chunks", from.Format(graphTimeLayout), to.Format(graphTimeLayout), span, maxChunks)
	}
	var chunks []store.PullChunk
	start := from
	for b := floorSecond(from).Add(span); ; b = b.Add(span) {
		end := b
		if !end.Before(to) {
			end = to
		}
		chunks = append(chunks, store.PullChunk{PullID: p.ID, Seq: int64(len(chunks) + 1), From: start, To: end, State: store.ChunkPlanned})
		if end.Equal(to) {
			return chunks, nil
		}
		start = end
	}
}

// parseGraphTime reads activityDateTime as the loader does.
func parseGraphTime(s string) (time.Time, error) { return formats.ParseTimestamp(s) }
