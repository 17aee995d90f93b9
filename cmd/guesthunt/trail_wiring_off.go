//go:build !trailwiring

package main

import (
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// trailsOf is nil until hunt.Engine.Trails exists (built with the
// trailwiring tag it is the engine's): the trail page then says it is not
// available in this build.
func trailsOf(*hunt.Engine) ui.TrailsFunc { return nil }
