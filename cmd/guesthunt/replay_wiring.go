//go:build replaywiring

package main

import (
	"context"

	"github.com/guesthunt/guesthunt/hunt"
)

// replayOf is the workbench's timeline replay: the engine's. The build tag
// goes once hunt.Engine.Replay is merged (issue 12).
func replayOf(e *hunt.Engine) func(ctx context.Context, rp hunt.ReplayParams) (*hunt.Replay, error) {
	return e.Replay
}
