package formats

import "fmt"

// Format names one export format. The names double as the demo command's
// --format values, so keep them stable.
type Format string

const (
	FormatLANDJSON    Format = "la-ndjson"     // Log Analytics JSON export, one row a line
	FormatLAJSON      Format = "la-json"       // Log Analytics JSON export, one array of rows
	FormatLAAPI       Format = "la-api"        // Log Analytics query API response {"tables":[...]}
	FormatKustoV1     Format = "kusto-v1"      // Azure Data Explorer REST v1 response {"Tables":[...]}
	FormatKustoV2     Format = "kusto-v2"      // Azure Data Explorer REST v2 response, an array of frames
	FormatLACSV       Format = "la-csv"        // Log Analytics CSV export, plain column names
	FormatLAPortalCSV Format = "la-portal-csv" // portal "Export to CSV": "TimeGenerated [UTC]", locale times
	FormatGraph       Format = "graph"         // Graph directoryAudits API page {"value":[...]}
	FormatGraphArray  Format = "graph-array"   // JSON array of directoryAudit records
	FormatGraphNDJSON Format = "graph-ndjson"  // one directoryAudit record a line
	// Microsoft-Extractor-Suite: pretty-printed pages appended to one file,
	// one-record pages as bare objects; UTF-8 BOM, CRLF.
	FormatGraphExtractor Format = "graph-extractor"
	// Graph PowerShell SDK (Get-MgAuditLogDirectoryAudit | ConvertTo-Json):
	// PascalCase names at every level; UTF-16LE, CRLF.
	FormatGraphPS     Format = "graph-ps"
	FormatDiag        Format = "diag"         // diagnostic settings, one record a line (PT1H.json)
	FormatDiagRecords Format = "diag-records" // Event Hub envelope {"records":[...]}
	FormatEntraCSV    Format = "entra-csv"    // Entra admin center "Download" CSV
	FormatParquet     Format = "parquet"      // Parquet with the canonical columns
)

// Formats lists every supported format in a stable order.
var Formats = []Format{
	FormatLANDJSON, FormatLAJSON, FormatLAAPI, FormatLACSV, FormatLAPortalCSV,
	FormatGraph, FormatGraphArray, FormatGraphNDJSON, FormatDiag, FormatDiagRecords,
	FormatEntraCSV, FormatParquet,
	FormatGraphExtractor, FormatGraphPS, FormatKustoV1, FormatKustoV2,
}

// ParseFormat accepts a format name as printed by Formats.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (want one of %v)", s, Formats)
}

// Description says in a few words what the format is, for help texts and reports.
func (f Format) Description() string {
	switch f {
	case FormatLANDJSON:
		return "Log Analytics JSON (NDJSON)"
	case FormatLAJSON:
		return "Log Analytics JSON (array)"
	case FormatLAAPI:
		return "Log Analytics query API response"
	case FormatLACSV:
		return "Log Analytics CSV"
	case FormatLAPortalCSV:
		return "Log Analytics portal CSV ([UTC] headers, locale times)"
	case FormatGraph:
		return "Microsoft Graph directoryAudits API page"
	case FormatGraphArray:
		return "Microsoft Graph directoryAudits (JSON array)"
	case FormatGraphNDJSON:
		return "Microsoft Graph directoryAudits (NDJSON)"
	case FormatGraphExtractor:
		return "Microsoft-Extractor-Suite Graph pages (appended ConvertTo-Json arrays)"
	case FormatGraphPS:
		return "Graph PowerShell SDK ConvertTo-Json (PascalCase)"
	case FormatKustoV1:
		return "Azure Data Explorer (Kusto) REST v1 response"
	case FormatKustoV2:
		return "Azure Data Explorer (Kusto) REST v2 response (frames)"
	case FormatDiag:
		return "diagnostic settings (NDJSON, PT1H.json)"
	case FormatDiagRecords:
		return "diagnostic settings (Event Hub records envelope)"
	case FormatEntraCSV:
		return "Entra admin center download CSV"
	case FormatParquet:
		return "Parquet, canonical AuditLogs columns"
	}
	return string(f)
}
