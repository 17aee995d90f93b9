package hunt

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// kustoLiteralSQL is the rule spelled the way the Kusto reads, straight
// from AuditLogs with no cache: a baseline set of inviters and an anti-join
// with NOT IN. It is the oracle that ruleSQL and the cache are checked
// against. $1 = T-baseline, $2 = T-window, $3 = T, $4/$5 = the lower-case
// operation and result.
func kustoLiteralSQL(foldCase bool) string {
	key := "upn"
	if foldCase {
		key = "lower(upn)"
	}
	upn := kustoToStringSQL(inviterUPNJSONSQL(userJSONSQL("InitiatedBy")))
	where := asciiEqualFoldSQL("OperationName", "$4") + " AND " + asciiEqualFoldSQL("Result", "$5")
	return fmt.Sprintf(`WITH inviting_users AS (
	SELECT DISTINCT %[1]s AS k FROM (
		SELECT %[2]s AS upn FROM AuditLogs
		WHERE TimeGenerated BETWEEN make_timestamp_ns($1) AND make_timestamp_ns($2) AND %[3]s
	) WHERE upn <> ''
)
SELECT Id FROM (
	SELECT Id, TimeGenerated, _SourceId, _SourceRecord, %[2]s AS upn FROM AuditLogs
	WHERE TimeGenerated > make_timestamp_ns($2) AND TimeGenerated <= make_timestamp_ns($3) AND %[3]s
) WHERE upn <> '' AND %[1]s NOT IN (SELECT k FROM inviting_users)
ORDER BY TimeGenerated, _SourceId, _SourceRecord`, key, upn, where)
}

func TestRuleMatchesLiteralKusto(t *testing.T) {
	e := newEngine(t, mixedTenant(11, 800)...)
	total := 0
	for _, fold := range []bool{false, true} {
		for _, b := range []time.Duration{6 * time.Hour, day, 3 * day, 14 * day, 15*day + 6*time.Hour, 60 * day} {
			for _, w := range []time.Duration{6 * time.Hour, day, 2 * day} {
				p := fixedParams()
				p.Baseline, p.Window, p.FoldCase = b, w, fold
				got := ids(mustRun(t, e, p).Rows)
				want, err := queryStrings(context.Background(), e.store.DB(), kustoLiteralSQL(fold),
					ago(b).UnixNano(), ago(w).UnixNano(), asOfT().UnixNano(), inviteOperationLower, successResultLower)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("fold %v baseline %v window %v:\n got %v\nwant %v", fold, b, w, got, want)
				}
				total += len(want)
			}
		}
	}
	if total < 20 {
		t.Errorf("only %d alerts over all cases: the fixture is too weak to compare", total)
	}
}
