package hunt

import "testing"

// FuzzParseTimespan: any input either fails or gives a duration on a 100 ns
// tick whose shortest spelling reads back to the same duration.
func FuzzParseTimespan(f *testing.F) {
	for _, s := range []string{"14d", "36h", "90m", "1.5d", "1.12:00:00", "00:30:00", "100ms", "10tick", "-1d", "", "1e9d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseTimespan(s)
		if err != nil {
			return
		}
		if d%100 != 0 {
			t.Fatalf("%q: %v is not on a 100 ns tick", s, d)
		}
		back, err := ParseTimespan(FormatTimespan(d))
		if err != nil || back != d {
			t.Fatalf("%q: %v spelled %q reads back as %v (%v)", s, d, FormatTimespan(d), back, err)
		}
	})
}
