package hunt

import (
	"strings"
	"time"
)

// ruleQuery is the query of the Sentinel rule, byte for byte as the rule's
// YAML "query: |" block holds it (de-indented, with the one trailing newline
// the block's clip chomping keeps). kql_test.go checks it against the rule
// file, so an analyst can paste it into Sentinel and get what guesthunt got.
const ruleQuery = `let inviting_users = (AuditLogs
  | where TimeGenerated between(ago(14d)..ago(1d))
  | where OperationName =~ "Invite external user"
  | where Result =~ "success"
  | extend InitiatingUserPrincipalName = tostring(parse_json(tostring(InitiatedBy.user)).userPrincipalName)
  | where isnotempty(InitiatingUserPrincipalName)
  | summarize by InitiatingUserPrincipalName);
  AuditLogs
  | where TimeGenerated > ago(1d)
  | where OperationName =~ "Invite external user"
  | where Result =~ "success"
  | extend InitiatingUserPrincipalName = tostring(parse_json(tostring(InitiatedBy.user)).userPrincipalName)
  | extend InitiatingAadUserId = tostring(InitiatedBy.user.id)
  | extend InitiatingIPAddress = tostring(InitiatedBy.user.ipAddress)
  | where isnotempty(InitiatingUserPrincipalName) and InitiatingUserPrincipalName !in (inviting_users)
  | extend TargetUserPrincipalName = tostring(TargetResources[0].userPrincipalName)
  | extend TargetAadUserId = tostring(TargetResources[0].id)
  | extend invitingUser = InitiatingUserPrincipalName, invitedUserPrincipalName = TargetUserPrincipalName
  | extend InitiatingAccountName = tostring(split(InitiatingUserPrincipalName, "@")[0]), InitiatingAccountUPNSuffix = tostring(split(InitiatingUserPrincipalName, "@")[1])
  | extend TargetAccountName = tostring(split(TargetUserPrincipalName, "@")[0]), TargetAccountUPNSuffix = tostring(split(TargetUserPrincipalName, "@")[1])
  | project-reorder TimeGenerated, OperationName, Result, TargetUserPrincipalName, TargetAadUserId, InitiatingUserPrincipalName, InitiatingAadUserId, InitiatingIPAddress
`

// KQL returns the rule's query with the given baseline and window, written
// as Kusto timespan literals (FormatTimespan: 14d, 36h, 90m, 0.5s), so the
// hunt guesthunt ran can be re-run in Sentinel. At 14d and 1d it is the
// rule's text unchanged.
//
// The rule uses ago(1d) twice, as the baseline's upper bound and as the
// detection window's lower bound; both are the window. The replacer works
// in one pass, so a baseline spelled "1d" is never rewritten again.
// The inviter comparison stays Kusto's case-sensitive !in: fold-case is
// guesthunt's option, not the rule's (see Params.String for !in~).
func KQL(baseline, window time.Duration) string {
	r := strings.NewReplacer(
		"ago(14d)", "ago("+FormatTimespan(baseline)+")",
		"ago(1d)", "ago("+FormatTimespan(window)+")",
	)
	return r.Replace(ruleQuery)
}

// KQLFor is KQL for a run's parameters. With fold-case it writes Kusto's
// case-insensitive !in~, which is what guesthunt then compares with; the
// query is then no longer Sentinel's rule, and says so in a comment line.
func KQLFor(p Params) string {
	return withFoldCase(KQL(p.Baseline, p.Window), p.FoldCase)
}

// withFoldCase turns q's !in into !in~ when foldCase is on, with the
// comment line that says the query is no longer Sentinel's rule.
func withFoldCase(q string, foldCase bool) string {
	if !foldCase {
		return q
	}
	q = strings.Replace(q, " !in (inviting_users)", " !in~ (inviting_users)", 1)
	return "// guesthunt --fold-case: !in~ compares inviter UPNs case-insensitively; Sentinel's rule uses !in\n" + q
}
