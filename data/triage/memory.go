package triage

import (
	"context"
	"maps"
	"slices"
	"sync"
)

// Memory is a Backend that keeps verdicts for the life of the process only:
// the demo, tests, and a session whose verdict file is held elsewhere.
type Memory struct {
	mu   sync.Mutex
	cur  map[Subject]Triage
	hist []Triage
	seq  int64
}

// NewMemory returns an empty in-memory Backend.
func NewMemory() *Memory { return &Memory{cur: map[Subject]Triage{}} }

func (m *Memory) Triages(context.Context) (map[Subject]Triage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.cur), nil
}

func (m *Memory) TriageHistory(_ context.Context, s Subject) ([]Triage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Triage
	for _, t := range m.hist {
		if t.Subject == s {
			out = append(out, t)
		}
	}
	return slices.Clip(out), nil
}

func (m *Memory) SaveTriage(_ context.Context, e Edit) (Triage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.cur[e.Subject]
	if !ok {
		cur = Untriaged(e.Subject)
	}
	if cur.Seq != e.ExpectRev {
		return Triage{}, &ConflictError{Edit: e, Current: cur}
	}
	t, err := Apply(cur, e, m.seq+1)
	if err != nil {
		return Triage{}, err
	}
	m.seq++
	m.cur[e.Subject] = t
	m.hist = append(m.hist, t)
	return t, nil
}

func (m *Memory) TriageDurable() bool { return false }
