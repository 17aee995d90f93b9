package ui

import (
	"charm.land/bubbles/v2/key"
	"github.com/guesthunt/guesthunt/ui/table"
)

// KeyMap is every binding of the workbench. The help screen and the hint bar
// are generated from Sections, so documentation cannot drift from behaviour.
//
// Choices: + and - move the baseline one day (= also works, so no shift is
// needed on US layouts), > and < seven days; s cycles the sort column and S
// reverses it; W types the window (ctrl+w is eaten by some terminals);
// t (triage) sets a verdict, K shows the KQL (k is taken by vi-style up);
// F follows the guest (its trail; f is fold-case), a page like T and K.
type KeyMap struct {
	// Navigation
	Up, Down, PageUp, PageDown, Home, End, Left, Right key.Binding
	// Panes
	NextPane, PrevPane, Filter, Sort, SortReverse, Detail, Back, Why, Pivot, RowPage key.Binding
	// Parameters
	BaselineUp, BaselineDown, BaselineWeekUp, BaselineWeekDown, Baseline key.Binding
	Window, AsOfBack, AsOfForward, AsOf, AsOfReset, FoldCase             key.Binding
	// Triage
	Verdict, Note, VerdictFilter, Export, KQL, LoadReport, Submit, Timeline, Trail key.Binding
	// Other
	Copy, Retry, Help, Quit key.Binding
	// On pages above the main one
	Close, ForceQuit key.Binding
}

// HelpEntry is one binding as shown in help. A non-empty Hint is the short
// description that also puts it in the status bar's hints.
type HelpEntry struct {
	Binding key.Binding
	Hint    string
}

// HelpSection is a titled group of bindings.
type HelpSection struct {
	Title   string
	Entries []HelpEntry
}

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// NewKeyMap returns the default bindings.
func NewKeyMap() KeyMap {
	return KeyMap{
		Up:       bind("↑/k", "previous row", "up", "k"),
		Down:     bind("↓/j", "next row", "down", "j"),
		PageUp:   bind("pgup", "page up", "pgup"),
		PageDown: bind("pgdn", "page down", "pgdown"),
		Home:     bind("g/home", "first row", "g", "home"),
		End:      bind("G/end", "last row", "G", "end"),
		Left:     bind("←/h", "previous column (scrolls)", "left", "h"),
		Right:    bind("→/l", "next column (scrolls)", "right", "l"),

		NextPane:    bind("tab", "next pane", "tab"),
		PrevPane:    bind("shift+tab", "previous pane", "shift+tab"),
		Filter:      bind("/", "filter this pane (any column)", "/"),
		Sort:        bind("s", "sort by next column", "s"),
		SortReverse: bind("S", "reverse sort order", "S"),
		Detail:      bind("enter", "event detail", "enter"),
		Back:        bind("esc", "back / clear filter", "esc"),
		Why:         bind("w", "why was this inviter flagged", "w"),
		Pivot:       bind("p", "pivot on the cell (IP, domain)", "p"),
		RowPage:     bind("o", "open the row: every full value", "o"),

		BaselineUp:       bind("+", "baseline one day longer", "+", "="),
		BaselineDown:     bind("-", "baseline one day shorter", "-"),
		BaselineWeekUp:   bind(">", "baseline seven days longer", ">"),
		BaselineWeekDown: bind("<", "baseline seven days shorter", "<"),
		Baseline:         bind("b", "type baseline (e.g. 14d, 36h)", "b"),
		Window:           bind("W", "type window (e.g. 1d, 12h)", "W"),
		AsOfBack:         bind("[", "as-of one day earlier", "["),
		AsOfForward:      bind("]", "as-of one day later", "]"),
		AsOf:             bind("a", "type as-of (RFC 3339 or now)", "a"),
		AsOfReset:        bind("r", "as-of = end of data", "r"),
		FoldCase:         bind("f", "toggle fold-case comparison", "f"),

		Verdict:       bind("t", "set verdict (inviter/event)", "t"),
		Note:          bind("n", "edit note (same subject)", "n"),
		VerdictFilter: bind("v", "filter by verdict", "v"),
		Export:        bind("e", "export the report", "e"),
		KQL:           bind("K", "show + copy the rule's KQL", "K"),
		LoadReport:    bind("L", "load report and all warnings", "L"),
		Submit:        bind("X", "submit the exercise: score it", "X"),
		Timeline:      bind("T", "timeline: the rule day by day", "T"),
		Trail:         bind("F", "follow the guest: its trail", "F"),

		Copy:  bind("y", "copy cell/record (OSC 52)", "y"),
		Retry: bind("R", "retry failed queries", "R"),
		Help:  bind("?", "help", "?"),
		Quit:  bind("q/ctrl+c", "quit", "q", "ctrl+c"),

		Close:     bind("esc/q", "close this page", "esc", "q"),
		ForceQuit: bind("ctrl+c", "quit guesthunt", "ctrl+c"),
	}
}

// Sections groups the bindings for the help screen and the hint bar.
func (k KeyMap) Sections() []HelpSection {
	e := func(b key.Binding) HelpEntry { return HelpEntry{Binding: b} }
	h := func(b key.Binding, hint string) HelpEntry { return HelpEntry{Binding: b, Hint: hint} }
	return []HelpSection{
		{Title: "Navigation", Entries: []HelpEntry{
			e(k.Up), e(k.Down), e(k.PageUp), e(k.PageDown), e(k.Home), e(k.End), e(k.Left), e(k.Right),
		}},
		{Title: "Panes", Entries: []HelpEntry{
			h(k.NextPane, "pane"), e(k.PrevPane), h(k.Filter, "filter"), h(k.Sort, "sort"),
			e(k.SortReverse), h(k.Detail, "detail"), e(k.Back), h(k.Why, "why"), h(k.Pivot, "pivot"), e(k.RowPage),
		}},
		{Title: "Parameters", Entries: []HelpEntry{
			h(k.BaselineUp, "baseline+1d"), h(k.BaselineDown, "baseline-1d"),
			e(k.BaselineWeekUp), e(k.BaselineWeekDown),
			e(k.Baseline), e(k.Window), e(k.AsOfBack), e(k.AsOfForward), e(k.AsOf),
			e(k.AsOfReset), e(k.FoldCase),
		}},
		// One section for both keeps the help within 80x20.
		{Title: "Triage and other", Entries: []HelpEntry{
			h(k.Verdict, "verdict"), h(k.Note, "note"), e(k.VerdictFilter), h(k.Export, "export"), e(k.KQL), e(k.LoadReport), h(k.Submit, "submit"), e(k.Timeline), e(k.Trail),
			h(k.Copy, "copy"), e(k.Retry), h(k.Help, "help"), h(k.Quit, "quit"),
		}},
	}
}

// Hint is one key hint for the status bar.
type Hint struct{ Key, Desc string }

// Hints are the main page's hints (see HintsOf).
func (k KeyMap) Hints() []Hint { return HintsOf(k.Sections(), k.Help) }

// HintsOf are the enabled bindings of a page's sections that have a hint,
// in the order they should be dropped last-first when space runs out: help
// comes first, because it leads to everything else. A binding listed twice
// (help closing help) is hinted once.
func HintsOf(sections []HelpSection, help key.Binding) []Hint {
	var out []Hint
	seen := map[string]bool{}
	for _, s := range sections {
		for _, e := range s.Entries {
			if e.Hint == "" || !e.Binding.Enabled() {
				continue
			}
			hint := Hint{Key: e.Binding.Help().Key, Desc: e.Hint}
			if seen[hint.Key] {
				continue
			}
			seen[hint.Key] = true
			if e.Binding.Help() == help.Help() {
				out = append([]Hint{hint}, out...)
			} else {
				out = append(out, hint)
			}
		}
	}
	return out
}

// Table is the subset the table component acts on.
func (k KeyMap) Table() table.KeyMap {
	return table.KeyMap{Up: k.Up, Down: k.Down, PageUp: k.PageUp, PageDown: k.PageDown, Home: k.Home, End: k.End, Left: k.Left, Right: k.Right}
}
