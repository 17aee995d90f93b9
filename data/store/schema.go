package store

import (
	"strings"

	"github.com/guesthunt/guesthunt/data"
)

// QuotedColumnList is the canonical columns as a comma-separated SQL list.
func QuotedColumnList() string {
	q := make([]string, len(data.AuditLogsColumns))
	for i, c := range data.AuditLogsColumns {
		q[i] = quoteIdent(c.Name)
	}
	return strings.Join(q, ", ")
}

func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}
