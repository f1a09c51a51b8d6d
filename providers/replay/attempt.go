package replay

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"till/providers"
	"till/store"
)

// errChanged aborts a journal update when someone else moved the entry
// on since it was read: their word stands.
var errChanged = errors.New("the journal entry changed since it was read")

// errOffline stops an attempt whose provider's circuit opened while it
// waited its turn.
var errOffline = errors.New("the provider is offline")

// verdict is what an outcome means for its entry.
type verdict struct {
	state   store.OpState
	failure bool // the provider could not be reached: counts against its circuit
}

func (v verdict) final() bool {
	return v.state == store.OpDone || v.state == store.OpFailed || v.state == store.OpReview
}

// attempt makes one try at e and commits what came of it. A nil error
// means the result is in the journal; errChanged means someone else
// settled e first.
func (w *Worker) attempt(ctx context.Context, p *prov, e store.JournalEntry) (store.JournalEntry, verdict, error) {
	p.busy.Lock()
	defer p.busy.Unlock()
	w.mu.Lock()
	shut := p.open && p.openUntil.After(w.opt.Now())
	w.mu.Unlock()
	if shut {
		return e, verdict{}, errOffline
	}

	var op providers.Op
	if err := json.Unmarshal(e.Op, &op); err != nil || op.Kind == "" {
		out := providers.Outcome{Status: providers.Declined, Code: "invalid_operation",
			Reason: "The journaled operation cannot be read, so it was not sent."}
		return w.commit(p, e, e.State, out, verdict{state: store.OpFailed}, time.Time{})
	}
	if op.Key == "" {
		op.Key = e.Key
	}
	// A charge whose answer was lost is looked up, never sent again; a
	// void or refund is sent again, its key making a repeat harmless. A
	// provider without look-ups is sent the op again, told it may have
	// had it before.
	_, looksUp := p.p.(providers.Payments)
	lookup := looksUp && (e.State == store.OpUnknown || (e.State == store.OpSent && op.Kind == providers.KindPay))
	op.Resend = e.State != store.OpQueued || e.Attempts > 0
	if err := w.acquire(ctx, p); err != nil {
		return e, verdict{}, err
	}
	expect := e.State
	if e.State == store.OpQueued {
		// Marked sent before it leaves, so a crash mid-request ends in a
		// look-up or a harmless repeat, never in silence.
		claimed, err := w.j.JournalUpdate(e.Key, func(x *store.JournalEntry) error {
			if x.State != store.OpQueued {
				return errChanged
			}
			x.State = store.OpSent
			return nil
		})
		if err != nil {
			if !errors.Is(err, errChanged) {
				w.journalTrouble(p, w.opt.Now(), "the journal could not be written: "+err.Error())
			}
			return e, verdict{}, err
		}
		e, expect = claimed, store.OpSent
	}
	var out providers.Outcome
	if lookup {
		out = w.reconcile(ctx, p, op)
	} else {
		out = w.call(ctx, p, op)
	}
	v := judge(op.Kind, lookup, e.Deferrable, out)
	next := w.account(ctx, p, e, v, out)
	return w.commit(p, e, expect, out, v, next)
}

// acquire waits out the provider's Retry-After, then for the rate limit.
func (w *Worker) acquire(ctx context.Context, p *prov) error {
	now := w.opt.Now()
	w.mu.Lock()
	until := p.retryAfter
	w.mu.Unlock()
	if until.After(now) {
		if err := w.bo.Sleep(ctx, until.Sub(now)); err != nil {
			return err
		}
		now = w.opt.Now()
	}
	r := p.lim.ReserveN(now, 1)
	if !r.OK() {
		return errors.New("the rate limit lets no request through")
	}
	if d := r.DelayFrom(now); d > 0 {
		if err := w.bo.Sleep(ctx, d); err != nil {
			r.CancelAt(w.opt.Now())
			return err
		}
	}
	return ctx.Err()
}

func (w *Worker) call(ctx context.Context, p *prov, op providers.Op) providers.Outcome {
	cctx, cancel := context.WithTimeout(ctx, w.opt.OpTimeout)
	defer cancel()
	return providers.Do(cctx, p.p, op)
}

// reconcile looks up op and, if it is a payment still pending, follows it.
func (w *Worker) reconcile(ctx context.Context, p *prov, op providers.Op) providers.Outcome {
	q := providers.Op{
		Provider: op.Provider, Kind: providers.KindLookup, Target: op.Key, TargetKind: op.Kind, SaleID: op.SaleID,
		Wallet: op.Wallet, Currency: op.Currency, Created: w.opt.Now(),
	}
	out := w.call(ctx, p, q)
	pay, ok := p.p.(providers.Payments)
	if !ok || out.Status != providers.Pending || op.Kind != providers.KindPay || w.acquire(ctx, p) != nil {
		return out
	}
	cctx, cancel := context.WithTimeout(ctx, w.opt.OpTimeout)
	defer cancel()
	return pay.Follow(cctx, op)
}

// judge maps an outcome to the entry's next state. lookup says out is a
// look-up's (or follow's) answer about the entry rather than the answer
// to sending it.
func judge(kind providers.Kind, lookup, deferrable bool, out providers.Outcome) verdict {
	// Where an entry waits after a failed try: queued to be sent again
	// when that is safe, else unknown to be looked up.
	retry := store.OpUnknown
	if !lookup && deferrable && (kind != providers.KindPay || out.Status == providers.Declined) {
		retry = store.OpQueued
	}
	switch out.Status {
	case providers.Approved:
		return verdict{state: store.OpDone}
	case providers.Declined:
		switch {
		case out.Retryable: // not sent, or turned away for now
			return verdict{state: retry, failure: true}
		case malformed(out) && lookup:
			// The look-up could not be asked: the original's fate is open.
			return verdict{state: store.OpReview}
		case malformed(out):
			return verdict{state: store.OpFailed}
		}
		return verdict{state: store.OpDone}
	case providers.Pending:
		return verdict{state: store.OpUnknown}
	case providers.Unknown:
		switch {
		case out.Retryable:
			return verdict{state: retry, failure: true}
		case lookup: // no look-up will tell: a person must
			return verdict{state: store.OpReview}
		}
		return verdict{state: store.OpUnknown}
	}
	return verdict{state: store.OpReview}
}

// malformed reports a refusal of the operation itself, which no retry
// can mend: the codes the contract and adapters use for it, and CANCAN's
// "not sent" refusals, which carry no code.
func malformed(out providers.Outcome) bool {
	switch out.Code {
	case "invalid_operation", "invalid_request", "unsupported":
		return true
	case "":
		return strings.HasPrefix(out.Detail, "not sent")
	}
	return false
}

// account updates the provider's circuit and backoff after an attempt
// and returns the entry's NextTry.
func (w *Worker) account(ctx context.Context, p *prov, e store.JournalEntry, v verdict, out providers.Outcome) time.Time {
	now := w.opt.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(p.kicked, e.Key)
	if out.RetryAfter > 0 {
		p.retryAfter = later(p.retryAfter, now.Add(out.RetryAfter))
	}
	switch {
	case v.failure && ctx.Err() != nil:
		// Cut short by shutdown: that says nothing about the provider.
		return now.Add(out.RetryAfter)
	case v.failure:
		p.fails++
		p.lastFailed = true
		p.lastErr = plain(p.name, out)
		next := now.Add(w.bo.Delay(p.fails-1, out.RetryAfter))
		if p.open || p.fails >= w.opt.TripAfter {
			// Open, or a failed probe: the cooldown replaces the backoff.
			p.open = true
			p.openUntil = now.Add(w.opt.Cooldown)
			next = later(now.Add(out.RetryAfter), p.openUntil)
		}
		p.backoffUntil = next
		return next
	}
	p.fails, p.open, p.lastFailed, p.lastErr = 0, false, false, ""
	p.backoffUntil = time.Time{}
	if v.final() {
		return time.Time{}
	}
	return now.Add(w.bo.Delay(e.Attempts, out.RetryAfter))
}

// commit writes the attempt's result if e is still in state expect, then
// tells OnSettled of a final one.
func (w *Worker) commit(p *prov, e store.JournalEntry, expect store.OpState, out providers.Outcome, v verdict, next time.Time) (store.JournalEntry, verdict, error) {
	raw, err := json.Marshal(out)
	if err != nil {
		return e, v, err // plain fields: cannot happen
	}
	msg := ""
	if v.state != store.OpDone {
		msg = plain(p.name, out)
	}
	stored, err := w.j.JournalUpdate(e.Key, func(x *store.JournalEntry) error {
		if x.State != expect {
			return errChanged
		}
		x.State, x.Outcome, x.NextTry, x.LastError = v.state, raw, next, msg
		x.Attempts++
		return nil
	})
	if err != nil {
		if !errors.Is(err, errChanged) {
			w.journalTrouble(p, w.opt.Now(), "the journal could not be written: "+err.Error())
			if expect == store.OpSent {
				w.mu.Lock()
				w.orphans[e.Key] = true
				w.mu.Unlock()
			}
		}
		return e, v, err
	}
	w.mu.Lock()
	p.jfails = 0
	delete(w.orphans, e.Key)
	w.mu.Unlock()
	if v.final() {
		if w.opt.OnSettled != nil {
			w.opt.OnSettled(stored, out)
		}
		w.wakeAll() // later entries of the sale may go now
	}
	return stored, v, nil
}

// plain is an outcome's reason in plain words.
func plain(provider string, out providers.Outcome) string {
	if out.Reason != "" {
		return out.Reason
	}
	switch out.Status {
	case providers.Pending:
		return provider + " is still processing it"
	case providers.Declined:
		if out.Retryable {
			return provider + " could not take it yet"
		}
		return provider + " refused it"
	case providers.Unknown:
		return "no answer from " + provider
	}
	return provider + " gave an answer the till does not understand"
}
