package formats

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// newEntraCSVReader reads the Entra admin center's audit-log "Download" CSV
// (FormatEntraCSV): 86 fixed columns, matched by name, flattening what
// Graph nests. It rebuilds the nested columns as Graph spells them:
//
//   - Date (UTC) is TimeGenerated and ActivityDateTime (ISO, or a locale
//     spelling if the file went through a spreadsheet).
//   - InitiatedBy is {"user":{...}} when ActorType is "User" or a UPN is
//     present, {"app":{...}} for "App"/"ServicePrincipal" or a service
//     principal, null when every actor cell is empty. Empty cells become
//     JSON null, the UPN included: the download cannot tell "" from null
//     and Kusto's tostring gives "" for both. homeTenantId/homeTenantName
//     (user) and ipAddress (app) appear only when set, so nothing is lost.
//   - TargetResources lists Target1..3 up to the last one with any cell set;
//     an empty target before it stays as an all-null element, so Target1 is
//     always element [0] (the rule reads TargetResources[0]). Modified
//     properties with any cell set are kept in order; oldValue/newValue are
//     the cells' text as JSON strings, as Graph carries them.
//   - AdditionalDetails is {"key","value"} for each pair with a cell set
//     (empty cells are ""), after {"key":"User-Agent"} when User Agent is set.
//   - Empty lists are null. Id stays "" (the download has none: the loader
//     deduplicates such rows by content); Type is "AuditLogs".
func newEntraCSVReader(r io.Reader) RecordReader {
	return newCSVRecordReader(r, &entraCSVLayout{})
}

// Shape of the download: targets, modified properties per target, details.
const (
	entraDownloadTargets    = 3
	entraDownloadProperties = 5
	entraDownloadDetails    = 6
	entraDateColumn         = "Date (UTC)"
)

// entraTargetColumns are the cell indexes of one target's columns.
type entraTargetColumns struct {
	typ, displayName, objectID, upn int
	props                           [entraDownloadProperties][3]int // name, old value, new value
}

type entraCSVLayout struct {
	date, correlationID, service, category, activity, result, resultReason, userAgent int
	actorType, actorName, actorID, actorUPN, actorIP, actorTenantID, actorTenantName  int
	actorSPID, actorSPName                                                            int
	targets                                                                           [entraDownloadTargets]entraTargetColumns
	details                                                                           [entraDownloadDetails][2]int
}

func (l *entraCSVLayout) useHeader(cells []string, line int64) error {
	h := newCSVHeader(cells, strings.TrimSpace)
	col := h.index
	l.date = col(entraDateColumn)
	if l.date < 0 {
		return fmt.Errorf("%w: line %d: the CSV header has no %q column "+
			`(an Entra audit-log download starts "Date (UTC),CorrelationId,Service,Category,Activity,...")`,
			ErrNotAuditLog, line, entraDateColumn)
	}
	l.correlationID, l.service, l.category = col("CorrelationId"), col("Service"), col("Category")
	l.activity, l.result, l.resultReason = col("Activity"), col("Result"), col("ResultReason")
	l.userAgent, l.actorType, l.actorName = col("User Agent"), col("ActorType"), col("ActorDisplayName")
	l.actorID, l.actorUPN, l.actorIP = col("ActorObjectId"), col("ActorUserPrincipalName"), col("IPAddress")
	l.actorTenantID, l.actorTenantName = col("ActorHomeTenantId"), col("ActorHomeTenantName")
	l.actorSPID, l.actorSPName = col("ActorServicePrincipalId"), col("ActorServicePrincipalName")
	for n := range l.targets {
		t := &l.targets[n]
		p := fmt.Sprintf("Target%d", n+1)
		t.typ, t.displayName = col(p+"Type"), col(p+"DisplayName")
		t.objectID, t.upn = col(p+"ObjectId"), col(p+"UserPrincipalName")
		for m := range t.props {
			mp := fmt.Sprintf("%sModifiedProperty%d", p, m+1)
			t.props[m] = [3]int{col(mp + "Name"), col(mp + "OldValue"), col(mp + "NewValue")}
		}
	}
	for k := range l.details {
		d := fmt.Sprintf("AdditionalDetail%d", k+1)
		l.details[k] = [2]int{col(d + "Key"), col(d + "Value")}
	}
	return nil
}

func (l *entraCSVLayout) timeColumns() []int { return []int{l.date} }

func (l *entraCSVLayout) record(cells []string, dates *fileDateOrder) (data.Record, error) {
	cell := func(i int) string { return csvCell(cells, i) }
	date := cell(l.date)
	t, err := dates.parse(date)
	if err != nil {
		return data.Record{}, fmt.Errorf("%s %v", entraDateColumn, err)
	}
	rec := data.Record{
		TimeGenerated:       t,
		ActivityDateTime:    t,
		CorrelationId:       cell(l.correlationID),
		LoggedByService:     cell(l.service),
		Category:            cell(l.category),
		OperationName:       cell(l.activity),
		ActivityDisplayName: cell(l.activity),
		Result:              cell(l.result),
		ResultReason:        cell(l.resultReason),
		Type:                "AuditLogs",
	}
	if rec.InitiatedBy, err = l.initiatedBy(cell); err != nil {
		return data.Record{}, fmt.Errorf("InitiatedBy: %v", err)
	}
	if rec.TargetResources, err = l.targetResources(cell); err != nil {
		return data.Record{}, fmt.Errorf("TargetResources: %v", err)
	}
	if rec.AdditionalDetails, err = l.additionalDetails(cell); err != nil {
		return data.Record{}, fmt.Errorf("AdditionalDetails: %v", err)
	}
	return rec, nil
}

// Graph's identity shapes, in Graph's member order.
type entraUserIdentity struct {
	ID                *string  `json:"id"`
	DisplayName       *string  `json:"displayName"`
	UserPrincipalName *string  `json:"userPrincipalName"`
	IPAddress         *string  `json:"ipAddress"`
	Roles             []string `json:"roles"`
	HomeTenantID      *string  `json:"homeTenantId,omitempty"`
	HomeTenantName    *string  `json:"homeTenantName,omitempty"`
}

type entraAppIdentity struct {
	AppID                *string `json:"appId"`
	DisplayName          *string `json:"displayName"`
	ServicePrincipalID   *string `json:"servicePrincipalId"`
	ServicePrincipalName *string `json:"servicePrincipalName"`
	IPAddress            *string `json:"ipAddress,omitempty"`
}

type entraInitiatedBy struct {
	User *entraUserIdentity `json:"user,omitempty"`
	App  *entraAppIdentity  `json:"app,omitempty"`
}

func (l *entraCSVLayout) initiatedBy(cell func(int) string) (json.RawMessage, error) {
	kind := strings.TrimSpace(cell(l.actorType))
	upn, spID, spName := cell(l.actorUPN), cell(l.actorSPID), cell(l.actorSPName)
	isUser := strings.EqualFold(kind, "User") || upn != ""
	isApp := strings.EqualFold(kind, "App") || strings.EqualFold(kind, "ServicePrincipal") || spID != "" || spName != ""
	anyActor := cell(l.actorName) != "" || cell(l.actorID) != "" || cell(l.actorIP) != "" ||
		cell(l.actorTenantID) != "" || cell(l.actorTenantName) != ""
	var by entraInitiatedBy
	switch {
	case isUser || (!isApp && anyActor): // an untyped identity is a user's, as in Graph
		by.User = &entraUserIdentity{
			ID: entraNullable(cell(l.actorID)), DisplayName: entraNullable(cell(l.actorName)),
			UserPrincipalName: entraNullable(upn), IPAddress: entraNullable(cell(l.actorIP)),
			Roles:        []string{},
			HomeTenantID: entraNullable(cell(l.actorTenantID)), HomeTenantName: entraNullable(cell(l.actorTenantName)),
		}
	case isApp:
		by.App = &entraAppIdentity{
			DisplayName:        entraNullable(cell(l.actorName)),
			ServicePrincipalID: entraNullable(spID), ServicePrincipalName: entraNullable(spName),
			IPAddress: entraNullable(cell(l.actorIP)),
		}
	default:
		return nil, nil
	}
	return csvJSON(by)
}

type entraModifiedProperty struct {
	DisplayName *string `json:"displayName"`
	OldValue    *string `json:"oldValue"`
	NewValue    *string `json:"newValue"`
}

type entraTargetResource struct {
	ID                  *string                 `json:"id"`
	DisplayName         *string                 `json:"displayName"`
	Type                *string                 `json:"type"`
	UserPrincipalName   *string                 `json:"userPrincipalName"`
	ModifiedProperties  []entraModifiedProperty `json:"modifiedProperties"`
	AdministrativeUnits []string                `json:"administrativeUnits"`
}

func (l *entraCSVLayout) targetResources(cell func(int) string) (json.RawMessage, error) {
	var targets []entraTargetResource
	used := 0 // targets up to the last one with a cell set
	for n, tc := range l.targets {
		t := entraTargetResource{
			ID: entraNullable(cell(tc.objectID)), DisplayName: entraNullable(cell(tc.displayName)),
			Type: entraNullable(cell(tc.typ)), UserPrincipalName: entraNullable(cell(tc.upn)),
			ModifiedProperties: []entraModifiedProperty{}, AdministrativeUnits: []string{},
		}
		set := t.ID != nil || t.DisplayName != nil || t.Type != nil || t.UserPrincipalName != nil
		for _, pc := range tc.props {
			name, oldValue, newValue := cell(pc[0]), cell(pc[1]), cell(pc[2])
			if name == "" && oldValue == "" && newValue == "" {
				continue
			}
			set = true
			t.ModifiedProperties = append(t.ModifiedProperties, entraModifiedProperty{
				DisplayName: entraNullable(name), OldValue: entraNullable(oldValue), NewValue: entraNullable(newValue),
			})
		}
		targets = append(targets, t)
		if set {
			used = n + 1
		}
	}
	if used == 0 {
		return nil, nil
	}
	return csvJSON(targets[:used])
}

type entraDetail struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (l *entraCSVLayout) additionalDetails(cell func(int) string) (json.RawMessage, error) {
	var details []entraDetail
	if ua := cell(l.userAgent); ua != "" {
		details = append(details, entraDetail{Key: "User-Agent", Value: ua})
	}
	for _, dc := range l.details {
		if key, value := cell(dc[0]), cell(dc[1]); key != "" || value != "" {
			details = append(details, entraDetail{Key: key, Value: value})
		}
	}
	if len(details) == 0 {
		return nil, nil
	}
	return csvJSON(details)
}

// entraNullable is s for JSON, with "" as null.
func entraNullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
