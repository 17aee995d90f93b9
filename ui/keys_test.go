package ui

import (
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// pageSections are the bindings of every kind of page.
func pageSections(k KeyMap) map[string][]HelpSection {
	return map[string][]HelpSection{
		"main":  k.Sections(),
		"pager": pagerPage{kind: pageDetail, clip: &clipText{}}.Sections(k),
		"help":  helpPage{}.Sections(k),
	}
}

func TestEveryBindingIsInHelp(t *testing.T) {
	k := NewKeyMap()
	seen := map[string]int{}
	for page, secs := range pageSections(k) {
		once := map[string]int{}
		for _, s := range secs {
			for _, e := range s.Entries {
				seen[e.Binding.Help().Key]++
				once[e.Binding.Help().Key]++
			}
		}
		for b, n := range once {
			if n > 1 {
				t.Errorf("%s page lists %q %d times", page, b, n)
			}
		}
	}
	v := reflect.ValueOf(k)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		b := v.Field(i).Interface().(key.Binding)
		h := b.Help()
		if h.Key == "" || h.Desc == "" || len(b.Keys()) == 0 {
			t.Errorf("%s has no keys or help", name)
		}
		if seen[h.Key] == 0 {
			t.Errorf("%s (%q) appears on no page's help", name, h.Key)
		}
	}
}

// Within one page a key does one thing.
func TestNoKeyBoundTwiceOnAPage(t *testing.T) {
	k := NewKeyMap()
	for page, secs := range pageSections(k) {
		owner := map[string]string{}
		for _, s := range secs {
			for _, e := range s.Entries {
				for _, key := range e.Binding.Keys() {
					if o, ok := owner[key]; ok && o != e.Binding.Help().Key {
						t.Errorf("%s page: %q bound to %s and %s", page, key, o, e.Binding.Help().Key)
					}
					owner[key] = e.Binding.Help().Key
				}
			}
		}
	}
}
func TestKeysMatchRealPresses(t *testing.T) {
	k := NewKeyMap()
	cases := []struct {
		msg  tea.KeyPressMsg
		want key.Binding
	}{
		{tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, k.Quit},
		{tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, k.PrevPane},
		{tea.KeyPressMsg{Code: tea.KeyTab}, k.NextPane},
		{tea.KeyPressMsg{Code: '=', Text: "+", Mod: tea.ModShift}, k.BaselineUp},
		{tea.KeyPressMsg{Code: '=', Text: "="}, k.BaselineUp},
		{tea.KeyPressMsg{Code: 'g', Text: "G", Mod: tea.ModShift}, k.End},
		{tea.KeyPressMsg{Code: tea.KeyPgDown}, k.PageDown},
		{tea.KeyPressMsg{Code: tea.KeyEscape}, k.Back},
		{tea.KeyPressMsg{Code: tea.KeyEnter}, k.Detail},
		{tea.KeyPressMsg{Code: '/', Text: "/"}, k.Filter},
	}
	for _, c := range cases {
		if !key.Matches(c.msg, c.want) {
			t.Errorf("%q does not match %q", c.msg.String(), c.want.Help().Key)
		}
	}
}

func TestHelpScreenShowsEveryBinding(t *testing.T) {
	// At 80x20 the page's body is 15 lines: what does not fit is scrolled
	// to, never cut off.
	k := NewKeyMap()
	lines := helpLines("main", k.Sections(), NewStyles(true, false), 80, 15)
	for i := range lines {
		lines[i] = ansi.Strip(lines[i])
	}
	plain := strings.Join(lines, "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("help line %d is %d wide", i, w)
		}
	}
	for _, s := range k.Sections() {
		if !strings.Contains(plain, s.Title) {
			t.Errorf("section %s missing", s.Title)
		}
		for _, e := range s.Entries {
			h := e.Binding.Help()
			if !strings.Contains(plain, h.Key) || !strings.Contains(plain, h.Desc) {
				t.Errorf("help misses %q %q:\n%s", h.Key, h.Desc, plain)
			}
		}
	}
}

func TestHelpScreenClipsWhenTiny(t *testing.T) {
	out := ansi.Strip(HelpView("main", NewKeyMap().Sections(), NewStyles(true, true), 30, 6))
	lines := strings.Split(out, "\n")
	if len(lines) != 6 || lines[5] != "…" {
		t.Fatalf("tiny help not clipped: %q", lines)
	}
}

func TestHints(t *testing.T) {
	k := NewKeyMap()
	k.Why.SetEnabled(false)
	hints := k.Hints()
	if hints[0].Key != "?" {
		t.Fatalf("help is not the first hint: %v", hints)
	}
	for _, b := range hints {
		if b.Key == "w" {
			t.Fatal("disabled binding shown as hint")
		}
	}
	if len(k.Hints()) < 5 {
		t.Fatalf("only %d hints", len(k.Hints()))
	}
}
