package formats

import (
	"encoding/json"
	"io"

	"github.com/guesthunt/guesthunt/data"
)

// CanonicalEncoder writes Records as one Log Analytics-shaped JSON object a
// line, the intermediate form every streamed format is loaded through.
type CanonicalEncoder struct {
	enc *json.Encoder
}

// NewCanonicalEncoder returns a CanonicalEncoder writing to w.
func NewCanonicalEncoder(w io.Writer) *CanonicalEncoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &CanonicalEncoder{enc: enc}
}

// canonicalRow mirrors AuditLogsColumns. Dynamic columns travel as JSON text
// inside a string, so a JSON string value is not mistaken for the JSON it spells.
type canonicalRow struct {
	TenantId            string  `json:"TenantId"`
	SourceSystem        string  `json:"SourceSystem"`
	TimeGenerated       string  `json:"TimeGenerated,omitempty"`
	ResourceId          string  `json:"ResourceId"`
	OperationName       string  `json:"OperationName"`
	OperationVersion    string  `json:"OperationVersion"`
	Category            string  `json:"Category"`
	ResultType          string  `json:"ResultType"`
	ResultSignature     string  `json:"ResultSignature"`
	ResultDescription   string  `json:"ResultDescription"`
	DurationMs          *int64  `json:"DurationMs,omitempty"`
	CorrelationId       string  `json:"CorrelationId"`
	Resource            string  `json:"Resource"`
	ResourceGroup       string  `json:"ResourceGroup"`
	ResourceProvider    string  `json:"ResourceProvider"`
	Identity            string  `json:"Identity"`
	Level               string  `json:"Level"`
	Location            string  `json:"Location"`
	AdditionalDetails   *string `json:"AdditionalDetails,omitempty"`
	Id                  string  `json:"Id"`
	InitiatedBy         *string `json:"InitiatedBy,omitempty"`
	LoggedByService     string  `json:"LoggedByService"`
	Result              string  `json:"Result"`
	ResultReason        string  `json:"ResultReason"`
	TargetResources     *string `json:"TargetResources,omitempty"`
	AADTenantId         string  `json:"AADTenantId"`
	ActivityDisplayName string  `json:"ActivityDisplayName"`
	ActivityDateTime    string  `json:"ActivityDateTime,omitempty"`
	AADOperationType    string  `json:"AADOperationType"`
	Type                string  `json:"Type"`
}

func canonicalDynamic(m json.RawMessage) *string {
	if m == nil {
		return nil
	}
	s := string(m)
	return &s
}

// Encode writes r as one line of canonical NDJSON.
func (c *CanonicalEncoder) Encode(r data.Record) error {
	return c.enc.Encode(canonicalRow{
		TenantId: r.TenantId, SourceSystem: r.SourceSystem, TimeGenerated: data.FormatTime(r.TimeGenerated),
		ResourceId: r.ResourceId, OperationName: r.OperationName, OperationVersion: r.OperationVersion,
		Category: r.Category, ResultType: r.ResultType, ResultSignature: r.ResultSignature,
		ResultDescription: r.ResultDescription, DurationMs: r.DurationMs, CorrelationId: r.CorrelationId,
		Resource: r.Resource, ResourceGroup: r.ResourceGroup, ResourceProvider: r.ResourceProvider,
		Identity: r.Identity, Level: r.Level, Location: r.Location,
		AdditionalDetails: canonicalDynamic(r.AdditionalDetails), Id: r.Id, InitiatedBy: canonicalDynamic(r.InitiatedBy),
		LoggedByService: r.LoggedByService, Result: r.Result, ResultReason: r.ResultReason,
		TargetResources: canonicalDynamic(r.TargetResources), AADTenantId: r.AADTenantId,
		ActivityDisplayName: r.ActivityDisplayName, ActivityDateTime: data.FormatTime(r.ActivityDateTime),
		AADOperationType: r.AADOperationType, Type: r.Type,
	})
}
