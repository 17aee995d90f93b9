package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/guesthunt/guesthunt/data/scenario"
	"github.com/guesthunt/guesthunt/data/triage"
	"github.com/guesthunt/guesthunt/hunt"
	"github.com/guesthunt/guesthunt/ui"
)

// A classroom: "guesthunt serve --exercise-code CODE --exercise-key KEY"
// runs every exercise login as a training exercise on the served tenant.
// Each trainee's verdicts are their own (the serve package gives exercise
// sessions a private store), X scores them against the key, and the score
// goes on the classroom's board, which a trainer (a key login) lists with
// "ssh HOST scores". Each session's actions go to a log of its own.

// classroom holds the key and the scores of one serve run.
type classroom struct {
	key    scenario.Key
	params hunt.Params // the key's
	logDir string      // one session log per exercise session
	board  string      // scores.jsonl: every submission, appended

	mu     sync.Mutex
	scores []classScore
}

// classScore is one trainee's submission.
type classScore struct {
	User  string         `json:"user"`
	Addr  string         `json:"addr"`
	At    time.Time      `json:"at"`
	Took  string         `json:"took"`
	Score scenario.Score `json:"score"`
}

func newClassroom(key scenario.Key, stateDir string) (*classroom, error) {
	dir := filepath.Join(stateDir, "serve", "exercises")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &classroom{key: key, logDir: dir, board: filepath.Join(dir, "scores.jsonl")}, nil
}

// exercise is the ui.Exercise for one trainee's session.
func (c *classroom) exercise(s serveSession) *ui.Exercise {
	started := time.Now()
	grade := grader(c.key)
	logPath := filepath.Join(c.logDir, fmt.Sprintf("%s-%s-%s.jsonl", c.key.Scenario, exportFolderName(s.User), started.UTC().Format("20060102T150405.000Z")))
	return &ui.Exercise{
		Name: c.key.Scenario, Started: started,
		Grade: func(v map[triage.Subject]triage.Triage) scenario.Score {
			sc := grade(v)
			c.record(classScore{User: s.User, Addr: s.RemoteAddr, At: time.Now().UTC(), Took: time.Since(started).Round(time.Second).String(), Score: sc})
			return sc
		},
		Log: func(a ui.Action) { appendJSONLine(logPath, a) },
	}
}

// record keeps a submission and appends it to the board file.
func (c *classroom) record(s classScore) {
	c.mu.Lock()
	c.scores = append(c.scores, s)
	c.mu.Unlock()
	appendJSONLine(c.board, s)
}

// list is every submission of this run, best first.
func (c *classroom) list() []classScore {
	c.mu.Lock()
	out := slices.Clone(c.scores)
	c.mu.Unlock()
	slices.SortStableFunc(out, func(a, b classScore) int { return b.Score.Score - a.Score.Score })
	return out
}

// writeScores prints the board for the trainer; user names are the
// clients' and sanitized.
func (c *classroom) writeScores(w io.Writer, safe func(string) string, format string) error {
	scores := c.list()
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(scores)
	}
	fmt.Fprintf(w, "exercise %s (seed %d): %d submitted\n", safe(c.key.Scenario), c.key.Seed, len(scores))
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "USER\tSCORE\tTP\tFP\tMISSED\tWRONG\tUNTRIAGED\tTOOK\tFROM")
	for _, s := range scores {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", safe(s.User), s.Score.Score, s.Score.TruePositives,
			s.Score.FalsePositives, s.Score.Missed, s.Score.WrongVerdicts, s.Score.Untriaged, s.Took, safe(s.Addr))
	}
	return tw.Flush()
}

// appendJSONLine appends v to path (0600), opening it for this one line so
// a session that ends leaves nothing open. Lost lines are not fatal to the
// exercise; the error is dropped.
func appendJSONLine(path string, v any) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	json.NewEncoder(f).Encode(v)
}

// openClassroom reads the key a classroom grades against.
func openClassroom(keyPath, stateDir string) (*classroom, error) {
	k, err := readKey(keyPath)
	if err != nil {
		return nil, err
	}
	p, err := exerciseParams(k)
	if err != nil {
		return nil, usagef("%s: %v", keyPath, err)
	}
	c, err := newClassroom(k, stateDir)
	if err != nil {
		return nil, err
	}
	c.params = p
	return c, nil
}
