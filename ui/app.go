package ui

import (
	"context"
	"strconv"

	tea "charm.land/bubbletea/v2"
	"github.com/guesthunt/guesthunt/data/store"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui/table"
)

// Deps is what a workbench session needs from outside. One value per
// session: SSH sessions each get their own.
type Deps struct {
	// Engine answers the rule, the sensitivity curve and why-flagged: a
	// *hunt.Engine over loaded data, or a *hunt.Remote over a workspace.
	Engine hunt.Backend
	Store  *store.Store // for the original records in the detail view
	Data   DataSetInfo
	Params hunt.Params
	// IsDark is the guess until the terminal answers tea.RequestBackgroundColor.
	IsDark bool
	// NoColor forces plain styles; NO_COLOR in the program's environment
	// (tea.EnvMsg, the client's environment over SSH) also turns colour off.
	NoColor bool
	// Context bounds every engine call; nil means context.Background().
	Context context.Context

	// Triage is where verdicts are kept; nil means triage is unavailable
	// (the header says so and t/n refuse).
	Triage TriageStore
	// Analyst is recorded with each verdict (user name, or the SSH user).
	Analyst string
	// TriageLocation says where verdicts are stored, for the header (the
	// case file's path, or e.g. "not saved: in memory").
	TriageLocation string
	// TriageDurable is true when verdicts survive the session (a case file);
	// when false the location is shown as a warning.
	TriageDurable bool
	// KQL gives the rule's KQL for a baseline and window (hunt.KQL); nil
	// disables K.
	KQL KQLFunc
	// ExportDir is where e offers to write reports (the working directory).
	ExportDir string
	// ExportRemote: the analyst is not on the machine reports are written
	// on (an SSH session). e then writes into ExportDir without asking (no
	// other directory of the server is theirs to choose) and shows the
	// report on a page, where y copies it whole through OSC 52.
	ExportRemote bool
	// Exercise, when set, runs the workbench as a training exercise (EXERCISE
	// label and clock, X submits and scores, every action logged).
	Exercise *Exercise
	// Load, when set, is the data being loaded in the background: each call
	// is a command that yields the next store.LoadProgress or, at the end,
	// an OpenedMsg. Engine, Store and the verdict store then come from it.
	Load func() tea.Cmd
	// Export writes the report and returns the path written; nil disables e.
	Export ExportFunc
	// Replay replays the rule day by day (hunt.Engine.Replay) for the
	// timeline (T); nil disables it.
	Replay ReplayFunc
	// Trails follows the flagged inviters' guests (hunt.Engine.Trails) for
	// the trail page (F) and the Signal columns; nil disables them.
	Trails TrailsFunc
}

type pane int

const (
	paneInviters pane = iota
	paneGuests
)

type promptKind int

const (
	promptNone promptKind = iota
	promptBaseline
	promptWindow
	promptAsOf
	promptNote
	promptExportDir
)

// Model is the workbench's root model.
type Model struct {
	deps   Deps
	keys   KeyMap
	styles Styles

	isDark, envNoColor bool
	width, height      int
	laidHeader         int // the header height the panes were laid out for

	params   hunt.Params // what the latest request asked for
	sensFor  hunt.Params // what the latest sensitivity request asked for
	res      *hunt.Result
	byUPN    map[string]guestRows // res.Rows by inviter, built once per result
	sens     []hunt.SensitivityPoint
	sensNote string // why there is no strip (a remote workspace): drawn in its place
	req      requests
	runBusy  bool
	sensBusy bool

	inviters    table.Model
	guests      table.Model
	rows        inviterRows
	hay         []string // inviterHaystacks(res.Inviters): what / searches
	selected    string   // the selected inviter's UPN, kept across re-runs
	focus       pane
	filter      lineInput // the inviters pane's
	guestFilter lineInput // the guests pane's
	filtering   bool
	filterPane  pane // whose filter is being typed
	sortCol     int
	sortDesc    bool

	pages   pageStack // views above the main page, top last
	prompt  lineInput
	history map[promptKind][]string // values typed at each prompt, oldest first
	asking  promptKind
	message string
	msgErr  bool

	opening  bool        // Deps.Load's data is not in yet
	loadView LoadingView // its progress
	openErr  string      // why nothing could be loaded
	// report is the load's outcome (the L page); nil when not known.
	report *store.LoadReport

	tri       triageState
	picker    verdictPicker
	noteFor   store.Subject // what the note prompt edits
	quitArmed bool          // q was pressed with verdicts unsaved: the next q quits
	ex        exerciseState
	// exportDir is where e writes reports, asked for once a session.
	exportDir string
	replay    replayState // the timeline's last replay and the one in flight
	trails    trailState  // the guests' trails for the latest result, and the request in flight
}

// New builds the workbench. Nothing runs until Init.
func New(deps Deps) Model {
	if deps.Context == nil {
		deps.Context = context.Background()
	}
	if deps.Params == (hunt.Params{}) {
		deps.Params = hunt.DefaultParams()
	}
	m := Model{
		deps:        deps,
		keys:        NewKeyMap(),
		isDark:      deps.IsDark,
		params:      deps.Params,
		sortCol:     -1,
		filter:      newLineInput("/", "", nil),
		guestFilter: newLineInput("/ guests: ", "", nil),
	}
	m.styles = NewStyles(m.isDark, m.noColor())
	m.inviters = table.New(inviterColumns(), m.keys.Table(), m.styles.Table)
	m.inviters.SetEmptyText("running the rule…")
	m.guests = table.New(guestColumns(), m.keys.Table(), m.styles.Table)
	m.guests.SetEmptyText("no inviter selected")
	m.guests.Blur()
	m.setSignalColumns()
	m.opening = deps.Load != nil
	m.keys.Submit.SetEnabled(deps.Exercise != nil)
	if _, remote := m.remoteWorkspace(); remote {
		// A workspace has no "end of data" to reset to: latest is now there.
		m.keys.AsOfReset.SetHelp("r", "as-of = now (in the workspace)")
	}
	return m
}

// Init asks the terminal for its background and starts the first run.
func (m Model) Init() tea.Cmd {
	if m.deps.Exercise != nil {
		return tea.Batch(m.init(), clockTick())
	}
	return m.init()
}

func (m Model) init() tea.Cmd {
	if m.opening {
		return tea.Batch(tea.RequestBackgroundColor, m.deps.Load())
	}
	// Init has a value receiver: the sequence numbers it issues must match
	// those the model will expect, so the first requests are numbered here
	// and in the model identically (1 and 2).
	run := m.runRequest(1)
	sens := m.sensRequest(2)
	var tri tea.Cmd
	if m.deps.Triage != nil {
		tri = fetchTriagesCmd(m.deps.Context, m.deps.Triage, 1) // expectInitial counts it
	}
	return tea.Batch(tea.RequestBackgroundColor, run, sens, tri, m.triageFeed())
}

// The first run and sensitivity requests are issued by Init with fixed
// sequence numbers; a fresh model expects exactly those.
func (m *Model) expectInitial() {
	if m.req.seq == 0 && !m.opening && m.openErr == "" {
		m.req.seq, m.req.run, m.req.sens = 2, 1, 2
		m.sensFor = m.params
		m.runBusy, m.sensBusy = true, true
		if m.deps.Triage != nil && m.tri.fetch == 0 {
			m.tri.fetch = 1
		}
	}
}

func (m Model) runRequest(seq int) tea.Cmd {
	if m.deps.Engine == nil {
		return nil
	}
	return runCmd(m.deps.Context, m.deps.Engine, seq, m.params)
}

func (m Model) sensRequest(seq int) tea.Cmd {
	if m.deps.Engine == nil {
		return nil
	}
	return sensCmd(m.deps.Context, m.deps.Engine, seq, m.params)
}

func (m Model) noColor() bool { return m.deps.NoColor || m.envNoColor }

// restyle rebuilds the styles after the background or NO_COLOR became known.
func (m *Model) restyle() {
	m.styles = NewStyles(m.isDark, m.noColor())
	m.inviters.SetStyles(m.styles.Table)
	m.guests.SetStyles(m.styles.Table)
	m.relayout()
}

// Update routes a message: answers from the engine, terminal facts, then
// keys (focused input first, then global keys, then the active view). The
// header grows and shrinks with its warnings, so the panes are laid out
// again whenever its height changed.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	if n, ok := next.(Model); ok && n.width > 0 {
		if h := n.headerHeight(); h != n.laidHeader {
			n.relayout()
			return n, cmd
		}
	}
	return next, cmd
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.expectInitial()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.relayout()
		return m, nil
	case tea.EnvMsg:
		// Only a value that parses as true counts, as NO_COLOR's users expect.
		m.envNoColor, _ = strconv.ParseBool(msg.Getenv("NO_COLOR"))
		m.restyle()
		return m, nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.restyle()
		return m, nil
	case runMsg:
		fresh := msg.seq == m.req.run && msg.err == nil
		m = m.onRun(msg)
		if fresh {
			// Other analysts may have recorded verdicts on this case file;
			// the new result's guests are followed for their signals.
			m, trails := m.askTrails(msg.params)
			return m, tea.Batch(m.fetchTriages(), trails)
		}
		return m, nil
	case store.LoadProgress:
		return m.onLoadProgress(msg)
	case OpenedMsg:
		return m.onOpened(msg)
	case clockMsg:
		return m.onClock(msg)
	case triageFeedMsg:
		return m.onTriageFeed(msg)
	case triagesMsg:
		return m.onTriages(msg), nil
	case triageSavedMsg:
		return m.onTriageSaved(msg), nil
	case exportMsg:
		return m.onExport(msg)
	case reportTextMsg:
		return m.openReportPage(msg), nil
	case sensMsg:
		return m.onSens(msg), nil
	case remoteTickMsg:
		return m.onRemoteTick(msg)
	case detailMsg, whyMsg:
		return m.deliver(msg)
	case replayMsg:
		return m.onReplay(msg)
	case timelinePickMsg:
		return m.onTimelinePick(msg)
	case trailsMsg:
		return m.onTrails(msg)
	case trailPivotMsg:
		return m.openTrailStep(msg)
	case statusMsg:
		m.say(msg.text, msg.isErr)
		return m, nil
	case table.HeaderClickMsg:
		m = m.sortBy(msg.Col, m.sortCol == msg.Col && !m.sortDesc)
		return m, nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		switch {
		case m.asking != promptNone:
			m.prompt.update(msg)
		case m.filtering:
			m.typedFilter().update(msg)
			m.applyFilter()
		}
		return m, nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return m.onMouse(msg.(tea.MouseMsg))
	}
	return m, nil
}

// say puts a line in the message line; isErr shows it as an error.
func (m *Model) say(text string, isErr bool) {
	m.message, m.msgErr = text, isErr
}
