package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/charmbracelet/x/term"
)

// keySource is where the workbench reads the analyst's keys from.
type keySource int

const (
	keysFromStdin keySource = iota // standard input is the terminal and carries no data
	keysFromTTY                    // standard input carries data or is no terminal: the controlling terminal
	keysNowhere                    // no terminal can be read: the workbench cannot run
)

// chooseKeySource decides where keys come from. Standard input that carried
// the data ("cat x | guesthunt -") is drained, and one that is not a
// terminal (a pipe, /dev/null) never types a key: keys then come from
// /dev/tty, which Bubble Tea puts in raw mode like any terminal.
func chooseKeySource(stdinIsTerminal, stdinCarriesData, ttyOpens bool) keySource {
	switch {
	case stdinIsTerminal && !stdinCarriesData:
		return keysFromStdin
	case ttyOpens:
		return keysFromTTY
	}
	return keysNowhere
}

// errNoTerminal is wrapped by the error when no terminal can be read.
var errNoTerminal = errors.New("the workbench needs a terminal to read keys from")

// openKeyInput returns the reader the workbench takes keys from and what
// closes it afterwards. args are the command's paths: "-" means standard
// input carries the data.
func openKeyInput(in io.Reader, args []string) (io.Reader, func(), error) {
	f, isFile := in.(*os.File)
	stdinTerminal := isFile && term.IsTerminal(f.Fd())
	carriesData := slices.Contains(args, "-")
	if chooseKeySource(stdinTerminal, carriesData, true) == keysFromStdin {
		return in, func() {}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if chooseKeySource(stdinTerminal, carriesData, err == nil) == keysFromTTY {
		return tty, func() { tty.Close() }, nil
	}
	return nil, func() {}, usageError{fmt.Errorf("%w (standard input carries the data or is not one, and /dev/tty cannot be opened: %v); "+
		"print the hunt instead with: guesthunt hunt ...", errNoTerminal, err)}
}
