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
	Column  int64  // 1-based column (in characters) at which it starts; 0 when the format is line-based
	Offset  int64  // byte offset at which it starts in the (decompressed, UTF-8) text; 0 when not known
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
	Line    int64 // where the record starts: 0 when not known
	Column  int64 // 0 when not known (line-based formats)
	Offset  int64 // byte offset, used when the line is not known
	Reason  string
}

func (e *RecordError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Reason)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	case e.Offset > 0:
		return fmt.Sprintf("byte offset %d: %s", e.Offset, e.Reason)
	}
	return fmt.Sprintf("record %d: %s", e.Ordinal, e.Reason)
}

// SkipError says a record is not an audit event (a sign-in, a provisioning
// record, a row of another Log Analytics table). It is counted by Kind and
// kept out of AuditLogs; the reader stays usable.
type SkipError struct {
	Ordinal int64
	Line    int64
	Kind    string // e.g. "SignInLogs", "signIns"
}

func (e *SkipError) Error() string {
	return fmt.Sprintf("record %d: a %s record, not an audit event", e.Ordinal, e.Kind)
}

// ErrNotAuditLog is wrapped by errors about files that are not audit-log exports.
var ErrNotAuditLog = errors.New("not an Entra ID audit-log export")
