package serve

import (
	"strings"
	"testing"
)

func TestLoneEscBecomesKittyEsc(t *testing.T) {
	read := func(chunks ...string) string {
		var out strings.Builder
		for _, c := range chunks {
			p := make([]byte, 64)
			n, _ := escKey{strings.NewReader(c)}.Read(p)
			out.Write(p[:n])
		}
		return out.String()
	}
	if got := read("\x1b"); got != kittyEsc {
		t.Fatalf("lone esc read as %q", got)
	}
	// Sequences and alt+key keep their bytes.
	for _, in := range []string{"\x1b[A", "\x1bj", "j", "\x1b\x1b"} {
		if got := read(in); got != in {
			t.Fatalf("%q read as %q", in, got)
		}
	}
}
