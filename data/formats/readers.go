package formats

import (
	"fmt"
	"io"
)

// NewRecordReader opens the Go reader for a format. Parquet is read through
// DuckDB (package store, Store.openRecords) and is not handled here.
func NewRecordReader(f Format, r io.Reader) (RecordReader, error) {
	switch f {
	case FormatLANDJSON, FormatLAJSON, FormatLAAPI, FormatGraph, FormatGraphArray, FormatGraphNDJSON, FormatDiag, FormatDiagRecords,
		FormatGraphExtractor, FormatGraphPS, FormatKustoV1, FormatKustoV2:
		return jsonReaderFor(f, r), nil
	case FormatLACSV, FormatLAPortalCSV:
		return newLACSVReader(r), nil
	case FormatEntraCSV:
		return newEntraCSVReader(r), nil
	}
	return nil, fmt.Errorf("no reader for format %q", f)
}
