package main

import "testing"

func TestChooseKeySource(t *testing.T) {
	for _, c := range []struct {
		terminal, data, tty bool
		want                keySource
	}{
		{terminal: true, data: false, tty: true, want: keysFromStdin},
		{terminal: true, data: false, tty: false, want: keysFromStdin},
		// "guesthunt -" typed at a terminal: the terminal is read for data.
		{terminal: true, data: true, tty: true, want: keysFromTTY},
		// cat x | guesthunt -
		{terminal: false, data: true, tty: true, want: keysFromTTY},
		{terminal: false, data: true, tty: false, want: keysNowhere},
		// guesthunt x.ndjson < /dev/null
		{terminal: false, data: false, tty: true, want: keysFromTTY},
		{terminal: false, data: false, tty: false, want: keysNowhere},
	} {
		if got := chooseKeySource(c.terminal, c.data, c.tty); got != c.want {
			t.Errorf("terminal %v, data %v, tty %v: %v, want %v", c.terminal, c.data, c.tty, got, c.want)
		}
	}
}
