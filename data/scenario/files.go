package scenario

import (
	"slices"
	"strings"
	"time"

	"github.com/guesthunt/guesthunt/data"
	"github.com/guesthunt/guesthunt/data/formats"
)

// exportFile names recs as an export of format f would be named, by the span
// it covers, and adds sign-in records where the format carries the table.
func exportFile(opt Options, f formats.Format, recs []data.Record, extra ...signIn) File {
	if carriesTable(f) && len(recs) > 0 {
		recs = withSignIns(opt.Seed, recs, extra...)
	}
	return File{Name: exportName(f, recs), Format: f, Records: recs}
}

// exportName names an export by the days it covers, as collection scripts do.
func exportName(f formats.Format, recs []data.Record) string {
	name := "AuditLogs"
	if len(recs) > 0 {
		name += "_" + recs[0].TimeGenerated.Format("20060102") + "-" + recs[len(recs)-1].TimeGenerated.Format("20060102")
	}
	return name + extension(f)
}

// carriesTable reports whether f has a Type column, so a union export can
// hold sign-ins beside audit logs and the loader tells them apart.
func carriesTable(f formats.Format) bool {
	switch f {
	case formats.FormatLANDJSON, formats.FormatLAJSON, formats.FormatLAAPI, formats.FormatLACSV,
		formats.FormatLAPortalCSV, formats.FormatKustoV1, formats.FormatKustoV2, formats.FormatParquet:
		return true
	}
	return false
}

func extension(f formats.Format) string {
	switch f {
	case formats.FormatLANDJSON, formats.FormatGraphNDJSON:
		return ".ndjson"
	case formats.FormatLACSV, formats.FormatLAPortalCSV, formats.FormatEntraCSV:
		return ".csv"
	case formats.FormatParquet:
		return ".parquet"
	}
	return ".json"
}

// between keeps the records in [from, to], in order.
func between(recs []data.Record, from, to time.Time) []data.Record {
	return slices.DeleteFunc(slices.Clone(recs), func(r data.Record) bool {
		return r.TimeGenerated.Before(from) || r.TimeGenerated.After(to)
	})
}

// sortRecords orders by time, then Id, as the exports list them.
func sortRecords(recs []data.Record) {
	slices.SortStableFunc(recs, func(a, b data.Record) int {
		if c := a.TimeGenerated.Compare(b.TimeGenerated); c != 0 {
			return c
		}
		return strings.Compare(a.Id, b.Id)
	})
}
