package formats

import (
	"fmt"
	"io"
	"time"
)

// NewRecordReader opens the Go reader for a format. Parquet is read through
// DuckDB (package store, Store.openRecords) and is not handled here. tz is
// the zone of a portal CSV's "[Local Time]" columns (nil when not given).
func NewRecordReader(f Format, r io.Reader, tz *time.Location) (RecordReader, error) {
	switch f {
	case FormatLANDJSON, FormatLAJSON, FormatLAAPI, FormatGraph, FormatGraphArray, FormatGraphNDJSON, FormatDiag, FormatDiagRecords,
		FormatGraphExtractor, FormatGraphPS, FormatKustoV1, FormatKustoV2:
		return jsonReaderFor(f, r), nil
	case FormatLACSV, FormatLAPortalCSV:
		return newLACSVReaderIn(r, tz), nil
	case FormatEntraCSV:
		return newEntraCSVReader(r), nil
	}
	return nil, fmt.Errorf("no reader for format %q", f)
}
