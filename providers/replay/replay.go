// Package replay carries out journaled provider operations that may wait:
// voids and refunds queued while a provider was unreachable, operations
// whose answer was lost, and operations a crash left on the wire. A charge
// is never sent again: one whose fate is unclear is looked up.
//
// A Worker runs one goroutine per provider. Each reads the journal, picks
// its earliest entry that is due and not held back by an earlier entry of
// the same sale, and sends it through the provider's rate limit and
// circuit breaker. Outcomes are committed to the journal before anyone is
// told of them.
package replay

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"till/providers"
	"till/providers/httpx"
	"till/store"
)

// Journal is the part of the store the worker needs; *store.DB has it.
type Journal interface {
	// Journal returns the entries in any of states, in Seq order.
	Journal(states ...store.OpState) ([]store.JournalEntry, error)
	// JournalUpdate changes one entry in a transaction; nothing is
	// written when fn fails, and fn's error is wrapped in the result.
	JournalUpdate(key string, fn func(*store.JournalEntry) error) (store.JournalEntry, error)
}

var _ Journal = (*store.DB)(nil)

// Settled is told of an entry that left the worker's hands (done, failed,
// or review) after that was committed, so the caller can update the sale
// and the screen. It runs on a worker goroutine: it should not block long.
type Settled func(e store.JournalEntry, out providers.Outcome)

// Options tune a Worker; the zero value gives the defaults.
type Options struct {
	// Backoff spaces out retries, per provider: capped exponential with
	// full jitter, never sooner than a Retry-After. Attempts is ignored:
	// the worker keeps trying until an entry settles or a person steps
	// in. Sleep must really wait (with Now's clock); Rand and Sleep are
	// what tests replace. Zero Base and Cap mean 1 s and 2 min.
	Backoff httpx.Backoff
	// Rate and Burst limit requests per provider; zero means 5/s, burst 5.
	Rate  rate.Limit
	Burst int
	// TripAfter consecutive failures open a provider's circuit; zero
	// means 5.
	TripAfter int
	// Cooldown is how long an open circuit sends nothing before one probe
	// goes through; zero means 30 s.
	Cooldown time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OpTimeout bounds each request to a provider; zero means 30 s.
	OpTimeout time.Duration
	// OnSettled, if set, is told of each entry that settles.
	OnSettled Settled
	// OnStatus, if set, is given every provider's status whenever one
	// changes. Calls come one at a time from a goroutine of their own.
	OnStatus func(map[string]Status)
}

// State is a provider's health as the replay sees it.
type State string

const (
	Online   State = "online"   // nothing failing, nothing held back
	Retrying State = "retrying" // the last attempt failed or entries wait on backoff
	Offline  State = "offline"  // circuit open: nothing is sent until the cooldown ends
)

// Status is one provider's replay state.
type Status struct {
	State State
	// Waiting is the number of entries the worker still has to settle.
	Waiting int
	// LastError is the last failure in plain words; empty once a request
	// gets through.
	LastError string
	// NextTry is when the next held-back entry becomes due (zero if none).
	NextTry time.Time
}

// Report is what a DrainOnce pass did.
type Report struct {
	Done, Failed, Review int
	// Waiting counts entries still to settle after the pass.
	Waiting int
	// Errors says, in plain words, why entries did not settle.
	Errors []string
}

// pending are the states that may still need the worker.
var pending = []store.OpState{store.OpQueued, store.OpSent, store.OpUnknown}

// Worker replays journaled operations. Build it with New.
type Worker struct {
	j         Journal
	opt       Options
	bo        httpx.Backoff
	start     time.Time
	provs     map[string]*prov
	names     []string
	running   atomic.Bool
	statusc   chan struct{} // coalesced "a status may have changed"
	mu        sync.Mutex    // guards the prov fields marked so
	emitMu    sync.Mutex    // one OnStatus call at a time
	lastShown map[string]Status
	// orphans are keys left sent because writing their outcome failed:
	// handled like entries a crash left sent. Guarded by mu.
	orphans map[string]bool
}

type prov struct {
	name string
	p    providers.Provider
	lim  *rate.Limiter
	// busy makes attempts to one provider take turns, so a half-open
	// circuit lets exactly one probe through even with DrainOnce running
	// beside Run.
	busy sync.Mutex

	// Guarded by Worker.mu.
	fails        int       // consecutive failures
	jfails       int       // consecutive journal failures
	open         bool      // circuit open (or half-open once openUntil passes)
	openUntil    time.Time // when the probe may go
	backoffUntil time.Time // after a failure; Kick clears it
	retryAfter   time.Time // the provider's own Retry-After; nothing clears it
	lastFailed   bool
	lastErr      string
	kickPending  bool            // Kick came: snapshot the waiting keys at the next scan
	kicked       map[string]bool // entries whose NextTry a Kick waived
	woken        bool            // a wake came since the last scan
	stopWait     context.CancelFunc
	status       Status
}

// New returns a worker over j for the given providers, keyed by the name
// journal entries carry in Provider. Entries left in "sent" by an earlier
// run (last written before New) are treated as unanswered; later ones are
// in flight in this process and left alone.
func New(j Journal, provs map[string]providers.Provider, opt Options) *Worker {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Rate <= 0 {
		opt.Rate = 5
	}
	if opt.Burst <= 0 {
		opt.Burst = 5
	}
	if opt.TripAfter <= 0 {
		opt.TripAfter = 5
	}
	if opt.Cooldown <= 0 {
		opt.Cooldown = 30 * time.Second
	}
	if opt.OpTimeout <= 0 {
		opt.OpTimeout = 30 * time.Second
	}
	bo := opt.Backoff
	if bo.Base <= 0 {
		bo.Base = time.Second
	}
	if bo.Cap <= 0 {
		bo.Cap = 2 * time.Minute
	}
	if bo.Rand == nil {
		bo.Rand = rand.Float64
	}
	if bo.Sleep == nil {
		bo.Sleep = httpx.Sleep
	}
	w := &Worker{
		j: j, opt: opt, bo: bo, start: opt.Now(),
		provs:   map[string]*prov{},
		statusc: make(chan struct{}, 1),
		orphans: map[string]bool{},
	}
	for name, pp := range provs {
		w.provs[name] = &prov{
			name: name, p: pp,
			lim:    rate.NewLimiter(opt.Rate, opt.Burst),
			status: Status{State: Online},
		}
		w.names = append(w.names, name)
	}
	slices.Sort(w.names)
	return w
}

// ErrRunning reports a second Run while one is going.
var ErrRunning = errors.New("the replay worker is already running")

// Run replays until ctx ends, then returns ctx's error once every
// goroutine it started has stopped. A worker sleeps until its earliest
// entry is due, or until Kick or Wake.
func (w *Worker) Run(ctx context.Context) error {
	if !w.running.CompareAndSwap(false, true) {
		return ErrRunning
	}
	defer w.running.Store(false)
	var wg sync.WaitGroup
	for _, name := range w.names {
		p := w.provs[name]
		wg.Go(func() { w.loop(ctx, p) })
	}
	if w.opt.OnStatus != nil {
		wg.Go(func() { w.announce(ctx) })
	}
	wg.Wait()
	return ctx.Err()
}

// Kick is the clerk's "retry now": every entry waiting on backoff becomes
// due at once, and a provider whose circuit is open gets one probe now
// instead of at the end of its cooldown. A failed probe re-opens the
// circuit for a full cooldown, so each Kick costs a failing provider one
// request. A provider's Retry-After and the rate limit still hold.
func (w *Worker) Kick() {
	now := w.opt.Now()
	w.mu.Lock()
	for _, p := range w.provs {
		p.kickPending = true
		p.backoffUntil = time.Time{}
		if p.open && p.openUntil.After(now) {
			p.openUntil = now
		}
	}
	w.mu.Unlock()
	w.wakeAll()
}

// Wake makes the workers read the journal again without waiving any
// delay. Call it after journaling an entry the worker should see
// (a deferrable op queued, an op left unknown).
func (w *Worker) Wake() { w.wakeAll() }

// Status returns every provider's status.
func (w *Worker) Status() map[string]Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]Status, len(w.provs))
	for name, p := range w.provs {
		out[name] = p.status
	}
	return out
}

// loop is one provider's worker.
func (w *Worker) loop(ctx context.Context, p *prov) {
	for ctx.Err() == nil {
		w.mu.Lock()
		p.woken = false
		w.mu.Unlock()
		now := w.opt.Now()
		entries, err := w.j.Journal(pending...)
		if err != nil {
			w.wait(ctx, p, w.journalTrouble(p, now, "the journal could not be read: "+err.Error()))
			continue
		}
		pl := w.plan(entries)
		w.mu.Lock()
		if p.kickPending {
			p.kickPending = false
			p.kicked = map[string]bool{}
			for _, e := range pl.ours[p.name] {
				p.kicked[e.Key] = true
			}
		}
		batch, next := w.pick(p, pl, now)
		w.refresh(p, pl, now)
		w.mu.Unlock()
		w.changed()
		if len(batch) == 0 {
			w.wait(ctx, p, next)
			continue
		}
		// Every entry due now is tried before the journal is read again:
		// at most one a sale (later ones wait behind it), so a backlog
		// costs a scan a round, not one an entry. An entry that stopped
		// being due (the provider failed, its circuit opened) ends it.
		for i, e := range batch {
			if ctx.Err() != nil {
				return
			}
			if i > 0 {
				w.mu.Lock()
				due := !w.due(p, e).After(w.opt.Now())
				w.mu.Unlock()
				if !due {
					break
				}
			}
			w.attempt(ctx, p, e)
		}
	}
}

// wait blocks until until (forever if zero), a wake, or ctx's end.
func (w *Worker) wait(ctx context.Context, p *prov, until time.Time) {
	w.mu.Lock()
	if p.woken {
		w.mu.Unlock()
		return
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p.stopWait = cancel
	w.mu.Unlock()
	if until.IsZero() {
		<-wctx.Done()
	} else if d := until.Sub(w.opt.Now()); d > 0 {
		_ = w.bo.Sleep(wctx, d) // an early return is a wake or the end: both rescan
	}
	w.mu.Lock()
	p.stopWait = nil
	w.mu.Unlock()
}

func (w *Worker) wakeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.provs {
		p.woken = true
		if p.stopWait != nil {
			p.stopWait()
		}
	}
}

// journalTrouble records a journal failure and returns when to try again:
// the backoff ceiling without jitter, so a failing disk is not hammered.
func (w *Worker) journalTrouble(p *prov, now time.Time, msg string) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	p.jfails++ // cleared by the next journal write that succeeds
	n := min(p.jfails-1, 30)
	until := now.Add(min(w.bo.Cap, w.bo.Base<<n))
	p.lastErr = msg
	p.lastFailed = true
	p.backoffUntil = later(p.backoffUntil, until)
	p.status.State = Retrying
	p.status.LastError = msg
	return until
}

// plan is one reading of the journal.
type plan struct {
	// blocked holds keys of entries behind an earlier unsettled entry of
	// the same sale.
	blocked map[string]bool
	// ours holds, per configured provider in Seq order, the entries the
	// worker has to settle; unconfigured holds those of other providers.
	ours         map[string][]store.JournalEntry
	unconfigured []store.JournalEntry
	// order holds all of ours, in Seq order.
	order []store.JournalEntry
}

func (w *Worker) plan(entries []store.JournalEntry) plan {
	entries = slices.Clone(entries)
	slices.SortStableFunc(entries, func(a, b store.JournalEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	pl := plan{blocked: map[string]bool{}, ours: map[string][]store.JournalEntry{}}
	sales := map[string]bool{}
	for _, e := range entries {
		// Anything unsettled holds back later entries of its sale, even an
		// entry this worker does not handle (one in flight in the UI).
		if e.SaleID != "" {
			if sales[e.SaleID] {
				pl.blocked[e.Key] = true
			}
			sales[e.SaleID] = true
		}
		if !w.handles(e) {
			continue
		}
		if _, ok := w.provs[e.Provider]; !ok {
			pl.unconfigured = append(pl.unconfigured, e)
			continue
		}
		pl.ours[e.Provider] = append(pl.ours[e.Provider], e)
		pl.order = append(pl.order, e)
	}
	return pl
}

// handles reports whether e is the worker's to settle: a deferrable op
// still queued, an op whose answer is unknown, or one a crash left sent.
func (w *Worker) handles(e store.JournalEntry) bool {
	switch e.State {
	case store.OpQueued:
		return e.Deferrable
	case store.OpUnknown:
		return true
	case store.OpSent:
		if !e.Updated.After(w.start) {
			return true
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.orphans[e.Key]
	}
	return false
}

// due is when e may next be sent, Kick and the circuit considered. Called
// with w.mu held.
func (w *Worker) due(p *prov, e store.JournalEntry) time.Time {
	t := p.backoffUntil
	if !p.kicked[e.Key] {
		t = later(t, e.NextTry)
	}
	t = later(t, p.retryAfter)
	if p.open {
		t = later(t, p.openUntil)
	}
	return t
}

// pick returns p's entries that are due and free to go, in journal
// order, or, when none is, when the next one becomes due (zero: none
// will, so wait for a wake). Called with w.mu held.
func (w *Worker) pick(p *prov, pl plan, now time.Time) ([]store.JournalEntry, time.Time) {
	var due []store.JournalEntry
	var next time.Time
	for _, e := range pl.ours[p.name] {
		if pl.blocked[e.Key] {
			continue
		}
		d := w.due(p, e)
		if !d.After(now) {
			due = append(due, e)
			continue
		}
		if next.IsZero() || d.Before(next) {
			next = d
		}
	}
	if len(due) > 0 {
		return due, time.Time{}
	}
	return nil, next
}

// refresh recomputes p's status from pl. Called with w.mu held.
func (w *Worker) refresh(p *prov, pl plan, now time.Time) {
	st := Status{Waiting: len(pl.ours[p.name]), LastError: p.lastErr}
	for _, e := range pl.ours[p.name] {
		if pl.blocked[e.Key] {
			continue
		}
		if d := w.due(p, e); d.After(now) && (st.NextTry.IsZero() || d.Before(st.NextTry)) {
			st.NextTry = d
		}
	}
	switch {
	case p.open:
		st.State = Offline
	case p.lastFailed || !st.NextTry.IsZero():
		st.State = Retrying
	default:
		st.State = Online
	}
	p.status = st
}

// changed tells the announcer a status may have changed.
func (w *Worker) changed() {
	select {
	case w.statusc <- struct{}{}:
	default:
	}
}

// announce calls OnStatus from its own goroutine, so a slow screen never
// holds up replay.
func (w *Worker) announce(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.statusc:
			w.emit()
		}
	}
}

func (w *Worker) emit() {
	if w.opt.OnStatus == nil {
		return
	}
	w.emitMu.Lock()
	defer w.emitMu.Unlock()
	s := w.Status()
	if w.lastShown != nil && maps.EqualFunc(s, w.lastShown, sameStatus) {
		return
	}
	w.lastShown = s
	w.opt.OnStatus(maps.Clone(s))
}

func sameStatus(a, b Status) bool {
	return a.State == b.State && a.Waiting == b.Waiting && a.LastError == b.LastError && a.NextTry.Equal(b.NextTry)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
