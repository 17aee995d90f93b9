package live

import (
	"testing"
	"time"
)

const wantColumns = "TenantId, SourceSystem, TimeGenerated, ResourceId, OperationName, OperationVersion, Category, " +
	"ResultType, ResultSignature, ResultDescription, DurationMs, CorrelationId, Resource, ResourceGroup, " +
	"ResourceProvider, Identity, Level, Location, AdditionalDetails, Id, InitiatedBy, LoggedByService, Result, " +
	"ResultReason, TargetResources, AADTenantId, ActivityDisplayName, ActivityDateTime, AADOperationType, Type"

func day(d int) time.Time { return time.Date(2026, 10, d, 0, 0, 0, 0, time.UTC) }

func TestKQLTime(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{day(17), "datetime(2026-10-17T00:00:00Z)"},
		{day(17).Add(123456700 * time.Nanosecond), "datetime(2026-10-17T00:00:00Z) + 1234567tick"},
		{day(17).Add(-100 * time.Nanosecond), "datetime(2026-10-16T23:59:59Z) + 9999999tick"},
		{day(17).Add(150 * time.Nanosecond), "datetime(2026-10-17T00:00:00Z) + 1tick"}, // truncated to the tick
		{time.Date(2026, 10, 17, 2, 0, 1, 0, time.FixedZone("x", 7200)), "datetime(2026-10-17T00:00:01Z)"},
	} {
		if got := KQLTime(c.at); got != c.want {
			t.Errorf("KQLTime(%s) = %q, want %q", c.at, got, c.want)
		}
	}
}

func TestChunkKQL(t *testing.T) {
	iv := Interval{day(17), day(18).Add(100 * time.Nanosecond)}
	got, err := ChunkKQL(ScopeInvites, iv)
	want := "AuditLogs\n| where TimeGenerated >= datetime(2026-10-17T00:00:00Z) and TimeGenerated < datetime(2026-10-18T00:00:00Z) + 1tick\n" +
		"| where OperationName =~ \"Invite external user\"\n| project " + wantColumns
	if err != nil || got != want {
		t.Errorf("invites:\n%s\nwant\n%s (%v)", got, want, err)
	}
	got, _ = ChunkKQL(ScopeAll, iv)
	want = "AuditLogs\n| where TimeGenerated >= datetime(2026-10-17T00:00:00Z) and TimeGenerated < datetime(2026-10-18T00:00:00Z) + 1tick\n" +
		"| project " + wantColumns
	if got != want {
		t.Errorf("all:\n%s\nwant\n%s", got, want)
	}
	got, _ = ChunkKQL(ScopeTrail, iv)
	want = "AuditLogs\n| where TimeGenerated >= datetime(2026-10-17T00:00:00Z) and TimeGenerated < datetime(2026-10-18T00:00:00Z) + 1tick\n" +
		`| where OperationName in~ ("Invite external user", "Redeem external user invite", "Update user", "Consent to application", ` +
		`"Add delegated permission grant", "Delete user", "Hard delete user") or OperationName matches regex @"(?i)^\s*add .*(group|role)"` +
		"\n| project " + wantColumns
	if got != want {
		t.Errorf("trail:\n%s\nwant\n%s", got, want)
	}
	if _, err := ChunkKQL("guests", iv); err == nil {
		t.Error("an unknown scope was accepted")
	}
	if _, err := ChunkKQL(ScopeAll, Interval{day(18), day(17)}); err == nil {
		t.Error("an empty interval was accepted")
	}
}

func TestSummaryKQL(t *testing.T) {
	iv := Interval{day(17).Add(5 * time.Second), day(18)}
	bounds := "AuditLogs\n| where TimeGenerated >= datetime(2026-10-17T00:00:05Z) and TimeGenerated < datetime(2026-10-18T00:00:00Z)\n"
	got, _ := PreflightKQL(iv)
	if want := bounds + "| summarize n=count(), lo=min(TimeGenerated), hi=max(TimeGenerated)"; got != want {
		t.Errorf("preflight:\n%s\nwant\n%s", got, want)
	}
	for bin, spelled := range map[time.Duration]string{time.Hour: "1h", time.Minute: "1m"} {
		got, _ = HistogramKQL(ScopeInvites, iv, bin)
		want := bounds + "| where OperationName =~ \"Invite external user\"\n" +
			"| summarize n=count(), sz=sum(estimate_data_size(" + wantColumns + ")) by bin(TimeGenerated, " + spelled + ")\n" +
			"| order by TimeGenerated asc"
		if got != want {
			t.Errorf("histogram %s:\n%s\nwant\n%s", spelled, got, want)
		}
	}
	got, _ = RefreshKQL(ScopeInvites, iv, day(18).Add(-5*time.Minute))
	want := bounds + "| where OperationName =~ \"Invite external user\"\n| where ingestion_time() > datetime(2026-10-17T23:55:00Z)\n| project " + wantColumns
	if got != want {
		t.Errorf("refresh:\n%s\nwant\n%s", got, want)
	}
}

func TestRebindKQL(t *testing.T) {
	pull := Interval{day(17), day(18)}
	chunk := Interval{day(17).Add(time.Hour), day(17).Add(2*time.Hour + 300)}
	rec, _ := RefreshKQL(ScopeInvites, pull, day(19))
	got, ok := RebindKQL(rec, pull, chunk)
	want, _ := RefreshKQL(ScopeInvites, chunk, day(19))
	if !ok || got != want {
		t.Errorf("rebound:\n%s\nwant\n%s", got, want)
	}
	if _, ok := RebindKQL("AuditLogs | take 1", pull, chunk); ok {
		t.Error("a text without the pull's bounds was rebound")
	}
}
