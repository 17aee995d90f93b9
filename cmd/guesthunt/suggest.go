package main

import (
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// mistypedCommand catches a misspelt subcommand before it is taken for a
// file path ("guesthunt hunts"): the first argument names no file, looks
// like a word rather than a path, and is close to a command's name.
func mistypedCommand(root *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	word := args[0]
	if word == "-" || strings.ContainsAny(word, `/\.`) {
		return nil
	}
	if _, err := os.Stat(word); err == nil {
		return nil
	}
	best, bestDist := "", 3
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		d := editDistance(strings.ToLower(word), c.Name())
		if strings.HasPrefix(c.Name(), strings.ToLower(word)) && len(word) >= 2 {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = c.Name(), d
		}
	}
	if best == "" {
		return nil
	}
	return usagef("unknown command %q (and no file of that name): did you mean %q? See guesthunt --help", word, best)
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}
