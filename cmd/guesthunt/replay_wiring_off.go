//go:build !replaywiring

package main

import (
	"context"

	"github.com/guesthunt/guesthunt/hunt"
)

// replayOf is nil until hunt.Engine.Replay is merged (issue 12): the
// workbench then says the timeline is not available.
func replayOf(*hunt.Engine) func(ctx context.Context, rp hunt.ReplayParams) (*hunt.Replay, error) {
	return nil
}
