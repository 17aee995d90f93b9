package formats

import (
	"errors"
	"fmt"

	"github.com/guesthunt/guesthunt/data"
)

// RawRecord is where a record sits in its file and what it looked like there.
type RawRecord struct {
	Ordinal int64  // 1-based record number within the file, counting rejected records too
	Line    int64  // 1-based line on which the record starts
	Raw     []byte // the record's original text (a JSON object, a CSV row, an API row array)
}

// RecordReader streams the records of one export file in file order.
//
// Next returns io.EOF at the end. A *RecordError means this one record is bad
// (the reader stays usable and the next call moves on); any other error means
// the file cannot be read further (truncated gzip or JSON document, I/O error).
type RecordReader interface {
	Next() (RawRecord, data.Record, error)
}

// RecordError explains why one record was rejected.
type RecordError struct {
	Ordinal int64
	Line    int64
	Reason  string
}

func (e *RecordError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("record %d: %s", e.Ordinal, e.Reason)
}

// ErrNotAuditLog is wrapped by errors about files that are not audit-log exports.
var ErrNotAuditLog = errors.New("not an Entra ID audit-log export")
