package ui

import (
	"testing"
	"time"

	"github.com/guesthunt/guesthunt/hunt"
)

func TestRowTimeIsTableTime(t *testing.T) {
	at := time.Date(2026, 10, 29, 14, 2, 5, 999999999, time.FixedZone("x", 3600))
	if got, want := at.UTC().Format(rowTime), hunt.TableTime(at); got != want {
		t.Fatalf("rowTime %q, hunt.TableTime %q", got, want)
	}
}
