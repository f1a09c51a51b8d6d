package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"till/providers"
	"till/store"
)

// guard bounds how long a test waits for the worker before failing; it
// only ever fires on a hang.
const guard = 10 * time.Second

var t0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

// clock is a fake clock. In auto mode Sleep moves time on at once, as if
// the wait had passed; otherwise Sleep blocks until Advance or its
// context ends.
type clock struct {
	mu      sync.Mutex
	now     time.Time
	auto    bool
	sleeps  []time.Duration // every Sleep asked for, in order
	waiters []*sleeper
	poke    chan struct{} // closed and replaced when sleeps grows
	onSleep func(d time.Duration)
}

type sleeper struct {
	until time.Time
	ch    chan struct{}
}

func newClock(auto bool) *clock { return &clock{now: t0, auto: auto, poke: make(chan struct{})} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	hook := c.onSleep
	if c.auto {
		c.mu.Unlock()
		if hook != nil {
			hook(d)
		}
		c.mu.Lock()
		c.now = c.now.Add(max(d, 0))
		c.signal()
		c.mu.Unlock()
		return nil
	}
	s := &sleeper{until: c.now.Add(d), ch: make(chan struct{})}
	c.waiters = append(c.waiters, s)
	c.signal()
	c.mu.Unlock()
	select {
	case <-s.ch:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.waiters = slices.DeleteFunc(c.waiters, func(x *sleeper) bool { return x == s })
		c.mu.Unlock()
		return ctx.Err()
	}
}

func (c *clock) signal() {
	close(c.poke)
	c.poke = make(chan struct{})
}

// Advance moves time on and releases the sleepers it reaches.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.waiters = slices.DeleteFunc(c.waiters, func(s *sleeper) bool {
		if s.until.After(c.now) {
			return false
		}
		close(s.ch)
		return true
	})
}

// waitSleeps blocks until Sleep has been called n times and returns the
// nth duration.
func (c *clock) waitSleeps(t *testing.T, n int) time.Duration {
	t.Helper()
	timeout := time.After(guard)
	for {
		c.mu.Lock()
		if len(c.sleeps) >= n {
			d := c.sleeps[n-1]
			c.mu.Unlock()
			return d
		}
		poke := c.poke
		c.mu.Unlock()
		select {
		case <-poke:
		case <-timeout:
			t.Fatalf("the worker never slept %d times", n)
		}
	}
}

func (c *clock) sleepCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sleeps)
}

// seq returns a Rand that yields vals in turn, over and over.
func seq(vals ...float64) func() float64 {
	var mu sync.Mutex
	i := 0
	return func() float64 {
		mu.Lock()
		defer mu.Unlock()
		v := vals[i%len(vals)]
		i++
		return v
	}
}

// fakeJournal keeps the journal in memory with the store's rules.
type fakeJournal struct {
	mu      sync.Mutex
	clock   *clock
	seq     uint64
	entries map[string]store.JournalEntry
	readErr error
	// writeErr, if set, may refuse a write of the entry as fn left it.
	writeErr func(e store.JournalEntry) error
}

func newJournal(c *clock) *fakeJournal {
	return &fakeJournal{clock: c, entries: map[string]store.JournalEntry{}}
}

// add appends op as an entry in state.
func (j *fakeJournal) add(op providers.Op, state store.OpState, deferrable bool) store.JournalEntry {
	raw, err := json.Marshal(op)
	if err != nil {
		panic(err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, dup := j.entries[op.Key]; dup {
		panic("duplicate key " + op.Key)
	}
	j.seq++
	now := j.clock.Now()
	e := store.JournalEntry{
		Seq: j.seq, Provider: op.Provider, Kind: string(op.Kind), Key: op.Key, SaleID: op.SaleID,
		Deferrable: deferrable, State: state, Op: raw, Created: now, Updated: now,
	}
	j.entries[op.Key] = e
	return e
}

func (j *fakeJournal) Journal(states ...store.OpState) ([]store.JournalEntry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.readErr != nil {
		return nil, j.readErr
	}
	var out []store.JournalEntry
	for _, e := range j.entries {
		if len(states) == 0 || slices.Contains(states, e.State) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b store.JournalEntry) int { return int(a.Seq) - int(b.Seq) })
	return out, nil
}

func (j *fakeJournal) JournalUpdate(key string, fn func(*store.JournalEntry) error) (store.JournalEntry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	e, ok := j.entries[key]
	if !ok {
		return store.JournalEntry{}, fmt.Errorf("updating journal entry %q: %w", key, store.ErrNotFound)
	}
	before := e
	if err := fn(&e); err != nil {
		return store.JournalEntry{}, fmt.Errorf("updating journal entry %q: %w", key, err)
	}
	if e.Seq != before.Seq || e.Key != before.Key || e.Provider != before.Provider ||
		e.SaleID != before.SaleID || e.Kind != before.Kind || !e.Created.Equal(before.Created) {
		return store.JournalEntry{}, errors.New("immutable field changed")
	}
	if j.writeErr != nil {
		if err := j.writeErr(e); err != nil {
			return store.JournalEntry{}, fmt.Errorf("updating journal entry %q: %w", key, err)
		}
	}
	e.Updated = j.clock.Now()
	j.entries[key] = e
	return e, nil
}

func (j *fakeJournal) get(key string) store.JournalEntry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.entries[key]
}

// kindFollow marks a Follow in a fake's call log.
const kindFollow providers.Kind = "follow"

type call struct {
	Kind       providers.Kind
	Key        string
	Target     string
	TargetKind providers.Kind
	At         time.Time
	Out        providers.Outcome
}

// fakePay is a provider whose answers a test scripts. answer gets the
// call and how many calls came before it; nil answers Approved.
type fakePay struct {
	name   string
	clock  *clock
	answer func(kind providers.Kind, op providers.Op, n int) providers.Outcome
	mu     sync.Mutex
	calls  []call
}

func (f *fakePay) do(kind providers.Kind, op providers.Op) providers.Outcome {
	f.mu.Lock()
	n := len(f.calls)
	f.calls = append(f.calls, call{Kind: kind, Key: op.Key, Target: op.Target, TargetKind: op.TargetKind, At: f.clock.Now()})
	answer := f.answer
	f.mu.Unlock()
	out := providers.Outcome{Status: providers.Approved, Reference: "ref-" + op.Key}
	if answer != nil {
		out = answer(kind, op, n)
	}
	f.mu.Lock()
	f.calls[n].Out = out
	f.mu.Unlock()
	return out
}

func (f *fakePay) log() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakePay) Name() string { return f.name }
func (f *fakePay) Pay(_ context.Context, op providers.Op) providers.Outcome {
	return f.do(providers.KindPay, op)
}
func (f *fakePay) Follow(_ context.Context, op providers.Op) providers.Outcome {
	return f.do(kindFollow, op)
}
func (f *fakePay) Void(_ context.Context, op providers.Op) providers.Outcome {
	return f.do(providers.KindVoid, op)
}
func (f *fakePay) Refund(_ context.Context, op providers.Op) providers.Outcome {
	return f.do(providers.KindRefund, op)
}
func (f *fakePay) Lookup(_ context.Context, op providers.Op) providers.Outcome {
	return f.do(providers.KindLookup, op)
}

// noAnswer is a transport failure.
var noAnswer = providers.Outcome{Status: providers.Unknown, Reason: "no answer from the provider", Retryable: true}

func op(provider string, kind providers.Kind, key, sale string) providers.Op {
	o := providers.Op{Provider: provider, Kind: kind, Key: key, SaleID: sale, Amount: 100, Currency: "TWD", Created: t0}
	if kind != providers.KindPay {
		o.Target = "pay-" + sale
	}
	return o
}

// harness runs a worker under test.
type harness struct {
	t       *testing.T
	clock   *clock
	j       *fakeJournal
	w       *Worker
	settled chan store.JournalEntry
	status  chan map[string]Status
	cancel  context.CancelFunc
	done    chan error
}

// newHarness builds a worker over j for pays; opt's clock, sleep and
// callbacks are filled in.
func newHarness(t *testing.T, c *clock, j *fakeJournal, pays []*fakePay, opt Options) *harness {
	h := &harness{t: t, clock: c, j: j, settled: make(chan store.JournalEntry, 1000), status: make(chan map[string]Status, 1000)}
	m := map[string]providers.Provider{}
	for _, p := range pays {
		m[p.name] = p
	}
	opt.Now = c.Now
	opt.Backoff.Sleep = c.Sleep
	if opt.Backoff.Rand == nil {
		opt.Backoff.Rand = seq(0.5)
	}
	opt.OnSettled = func(e store.JournalEntry, out providers.Outcome) {
		// Committed first: the journal already holds what we are told.
		if got := j.get(e.Key); got.State != e.State || !got.Updated.Equal(e.Updated) {
			t.Errorf("OnSettled(%s) before its commit: journal has %s", e.Key, got.State)
		}
		h.settled <- e
	}
	opt.OnStatus = func(s map[string]Status) { h.status <- s }
	h.w = New(j, m, opt)
	return h
}

func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.w.Run(ctx) }()
	h.t.Cleanup(h.stop)
}

// stop ends Run and waits for it.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if !errors.Is(err, context.Canceled) {
			h.t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(guard):
		h.t.Fatal("Run did not return after cancel")
	}
}

// waitSettled returns the next n settled entries.
func (h *harness) waitSettled(n int) []store.JournalEntry {
	h.t.Helper()
	var out []store.JournalEntry
	timeout := time.After(guard)
	for len(out) < n {
		select {
		case e := <-h.settled:
			out = append(out, e)
		case <-timeout:
			h.t.Fatalf("%d of %d entries settled", len(out), n)
		}
	}
	return out
}

// waitStatus waits for OnStatus to report what ok accepts.
func (h *harness) waitStatus(ok func(map[string]Status) bool) map[string]Status {
	h.t.Helper()
	timeout := time.After(guard)
	for {
		select {
		case s := <-h.status:
			if ok(s) {
				return s
			}
		case <-timeout:
			h.t.Fatalf("status never came; now %+v", h.w.Status())
		}
	}
}
