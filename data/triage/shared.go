package triage

import (
	"context"
	"sync"
)

// subscriberBuffer is how many changes a subscriber may fall behind before
// it is dropped (its channel closed): a stuck session must not stall saves.
const subscriberBuffer = 256

// Shared is the Store over one Backend: it validates edits, serialises saves
// so that subscribers see changes in commit order, and fans them out.
type Shared struct {
	b Backend

	mu   sync.Mutex // held across a save and its delivery
	subs map[int]chan Change
	next int
}

// New returns the Store over b. Use one per verdict file in a process: two
// Shared values over one Backend would not see each other's changes live.
func New(b Backend) *Shared {
	return &Shared{b: b, subs: map[int]chan Change{}}
}

func (s *Shared) All(ctx context.Context) (map[Subject]Triage, error) { return s.b.Triages(ctx) }

func (s *Shared) History(ctx context.Context, subj Subject) ([]Triage, error) {
	return s.b.TriageHistory(ctx, subj)
}

func (s *Shared) Durable() bool { return s.b.TriageDurable() }

func (s *Shared) SetVerdict(ctx context.Context, subj Subject, v Verdict, expectRev int64, analyst string) (Triage, error) {
	return s.save(ctx, Edit{Subject: subj, Field: FieldVerdict, Verdict: v, ExpectRev: expectRev, Analyst: analyst})
}

func (s *Shared) SetNote(ctx context.Context, subj Subject, note string, expectRev int64, analyst string) (Triage, error) {
	return s.save(ctx, Edit{Subject: subj, Field: FieldNote, Note: note, ExpectRev: expectRev, Analyst: analyst})
}

func (s *Shared) save(ctx context.Context, e Edit) (Triage, error) {
	// Checked before the lock: a bad edit never waits behind good ones.
	if _, err := Apply(Untriaged(e.Subject), e, 1); err != nil {
		return Triage{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.b.SaveTriage(ctx, e)
	if err != nil {
		return Triage{}, err
	}
	ch := Change{Field: e.Field, State: t}
	for id, sub := range s.subs {
		select {
		case sub <- ch:
		default:
			delete(s.subs, id)
			close(sub)
		}
	}
	return t, nil
}

// Subscribe implements Store.
func (s *Shared) Subscribe(ctx context.Context) (<-chan Change, func()) {
	ch := make(chan Change, subscriberBuffer)
	s.mu.Lock()
	id := s.next
	s.next++
	s.subs[id] = ch
	s.mu.Unlock()
	var once sync.Once
	drop := func() {
		once.Do(func() {
			s.mu.Lock()
			defer s.mu.Unlock()
			if _, ok := s.subs[id]; ok { // not already dropped for lagging
				delete(s.subs, id)
				close(ch)
			}
		})
	}
	stop := context.AfterFunc(ctx, drop)
	return ch, func() { stop(); drop() }
}
