package hunt

import "context"

// Backend is what the workbench asks of the data: the rule, the
// sensitivity curve and why an inviter was flagged. *Engine answers from
// loaded events; *Remote runs the rule where the events are (a Log
// Analytics workspace) and refuses, in words, what needs the events.
type Backend interface {
	Run(ctx context.Context, p Params) (*Result, error)
	Sensitivity(ctx context.Context, p Params, maxDays int) ([]SensitivityPoint, error)
	Explain(ctx context.Context, p Params, upn string) (*Explanation, error)
}

var (
	_ Backend = (*Engine)(nil)
	_ Backend = (*Remote)(nil)
)
