//go:build !servewiring

package main

import "github.com/spf13/cobra"

// serveCommands is empty until the serve package is merged: cmd_serve.go,
// built with the servewiring tag, defines the serve command.
func serveCommands(streams) []*cobra.Command { return nil }
