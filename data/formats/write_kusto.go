package formats

import (
	"bufio"

	"github.com/guesthunt/guesthunt/data"
)

// kustoV1Type is a column's DataType in a Kusto v1 response.
func kustoV1Type(duckType string) string {
	switch duckType {
	case data.TypeTime:
		return "DateTime"
	case data.TypeLong:
		return "Int64"
	case data.TypeDynamic:
		return "Object"
	}
	return "String"
}

// writeKustoV1 writes an Azure Data Explorer REST v1 response: the result in
// Table_0, then the query-status table v1 appends.
func writeKustoV1(w *bufio.Writer, recs []data.Record) error {
	columns := make([]any, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		columns[i] = jsonObject{{"ColumnName", c.Name}, {"DataType", kustoV1Type(c.Type)}, {"ColumnType", laAPIType(c.Type)}}
	}
	head, err := appendJSON(nil, columns)
	if err != nil {
		return err
	}
	w.WriteString(`{"Tables":[{"TableName":"Table_0","Columns":`)
	w.Write(head)
	w.WriteString(`,"Rows":`)
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return laAPICells(&recs[i]) }); err != nil {
		return err
	}
	w.WriteString(`},{"TableName":"Table_1","Columns":[{"ColumnName":"Timestamp","DataType":"DateTime","ColumnType":"datetime"},` +
		`{"ColumnName":"Severity","DataType":"Int32","ColumnType":"int"},{"ColumnName":"StatusDescription","DataType":"String","ColumnType":"string"}],` +
		`"Rows":[["2024-01-01T00:00:00Z",4,"Query completed successfully"]]}]}` + "\n")
	return nil
}

// kustoV2Cells is one row of a v2 PrimaryResult: dynamic values embedded as
// JSON, as v2 returns them.
func kustoV2Cells(r *data.Record) []any { return tableCells(r, embeddedDynamic) }

// writeKustoV2 writes an Azure Data Explorer REST v2 response: a JSON array
// of frames, the records in the PrimaryResult DataTable between the query
// properties and the completion information.
func writeKustoV2(w *bufio.Writer, recs []data.Record) error {
	columns := make([]any, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		columns[i] = jsonObject{{"ColumnName", c.Name}, {"ColumnType", laAPIType(c.Type)}}
	}
	head, err := appendJSON(nil, columns)
	if err != nil {
		return err
	}
	w.WriteString(`[{"FrameType":"DataSetHeader","IsProgressive":false,"Version":"v2.0","IsFragmented":false,"ErrorReportingPlacement":"InData"}` + "\n")
	w.WriteString(`,{"FrameType":"DataTable","TableId":0,"TableKind":"QueryProperties","TableName":"@ExtendedProperties",` +
		`"Columns":[{"ColumnName":"TableId","ColumnType":"int"},{"ColumnName":"Key","ColumnType":"string"},{"ColumnName":"Value","ColumnType":"dynamic"}],` +
		`"Rows":[[1,"Visualization",{"Visualization":null,"Title":null}]]}` + "\n")
	w.WriteString(`,{"FrameType":"DataTable","TableId":1,"TableKind":"PrimaryResult","TableName":"PrimaryResult","Columns":`)
	w.Write(head)
	w.WriteString(`,"Rows":`)
	if err := writeJSONArrayBody(w, len(recs), func(i int) any { return kustoV2Cells(&recs[i]) }); err != nil {
		return err
	}
	w.WriteString("}\n")
	w.WriteString(`,{"FrameType":"DataTable","TableId":2,"TableKind":"QueryCompletionInformation","TableName":"QueryCompletionInformation",` +
		`"Columns":[{"ColumnName":"Timestamp","ColumnType":"datetime"},{"ColumnName":"Level","ColumnType":"int"},{"ColumnName":"Payload","ColumnType":"string"}],` +
		`"Rows":[["2024-01-01T00:00:00Z",4,"{\"Count\":1}"]]}` + "\n")
	w.WriteString(`,{"FrameType":"DataSetCompletion","HasErrors":false,"Cancelled":false}` + "\n]\n")
	return nil
}
