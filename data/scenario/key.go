package scenario

import (
	"bytes"
	"encoding/json"

	"github.com/guesthunt/guesthunt/data/triage"
)

// Key is an exercise's answer key: the rule's parameters and, per inviter the
// rule flags there and per decoy, whether it is flagged and the right verdict.
type Key struct {
	Scenario string `json:"scenario"`
	Seed     int64  `json:"seed"`
	AsOf     string `json:"asOf"`     // the as-of instant, data.TimeLayout
	Baseline string `json:"baseline"` // Kusto timespans
	Window   string `json:"window"`
	Cases    []Case `json:"cases"`
}

// Case is one subject of the key.
type Case struct {
	Subject     string         `json:"subject"` // the inviter's UPN as logged (an app's display name when an app invited)
	Kind        string         `json:"kind"`    // "inviter"
	Flagged     bool           `json:"flagged"` // the rule flags it at the key's parameters
	Verdict     triage.Verdict `json:"verdict"`
	Explanation string         `json:"explanation"`
	EventIDs    []string       `json:"eventIds,omitempty"`
}

// Flagged lists the subjects the rule flags, in key order.
func (k Key) Flagged() []string {
	var out []string
	for _, c := range k.Cases {
		if c.Flagged {
			out = append(out, c.Subject)
		}
	}
	return out
}

// JSON is the key as written to disk: indented, without HTML escaping, with
// a final newline. The same key always gives the same bytes.
func (k Key) JSON() []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(k) // strings, bools and ints only: cannot fail
	return buf.Bytes()
}
