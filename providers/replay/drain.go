package replay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"till/store"
)

// DrainOnce makes one pass for `till replay`: each entry the worker
// handles is tried at most once, in Seq order, whatever its NextTry. The
// circuit, Retry-After and rate limit still hold: a provider whose circuit
// is open and cooling down is skipped, and one whose cooldown is over gets
// its single probe. An entry held back by an earlier one of its sale goes
// in the same pass once that one settles.
func (w *Worker) DrainOnce(ctx context.Context) (Report, error) {
	var rep Report
	tried := map[string]bool{}
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		entries, err := w.j.Journal(pending...)
		if err != nil {
			return rep, fmt.Errorf("reading the journal: %w", err)
		}
		pl := w.plan(entries)
		e, p, ok := w.nextToDrain(pl, w.opt.Now(), tried)
		if !ok {
			w.finish(&rep, pl)
			w.emit()
			return rep, nil
		}
		tried[e.Key] = true
		stored, v, err := w.attempt(ctx, p, e)
		switch {
		case errors.Is(err, errChanged), errors.Is(err, errOffline):
			continue // someone else settled it, or it waits for the circuit
		case ctx.Err() != nil:
			return rep, ctx.Err()
		case err != nil:
			rep.Errors = append(rep.Errors, describe(e, err.Error()))
			continue
		}
		switch v.state {
		case store.OpDone:
			rep.Done++
		case store.OpFailed:
			rep.Failed++
			rep.Errors = append(rep.Errors, describe(stored, stored.LastError))
		case store.OpReview:
			rep.Review++
			rep.Errors = append(rep.Errors, describe(stored, stored.LastError))
		default:
			rep.Errors = append(rep.Errors, describe(stored, stored.LastError))
		}
	}
}

// nextToDrain picks the first untried entry free to go and refreshes
// every provider's status.
func (w *Worker) nextToDrain(pl plan, now time.Time, tried map[string]bool) (store.JournalEntry, *prov, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, p := range w.provs {
		w.refresh(p, pl, now)
	}
	for _, e := range pl.order {
		p := w.provs[e.Provider]
		if tried[e.Key] || pl.blocked[e.Key] || (p.open && p.openUntil.After(now)) {
			continue
		}
		return e, p, true
	}
	return store.JournalEntry{}, nil, false
}

// finish counts what is left and says why.
func (w *Worker) finish(rep *Report, pl plan) {
	rep.Waiting = len(pl.order) + len(pl.unconfigured)
	w.mu.Lock()
	for _, name := range w.names {
		if p := w.provs[name]; p.open && len(pl.ours[name]) > 0 {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s is offline: %d waiting, next try at %s",
				name, len(pl.ours[name]), p.openUntil.Format(time.TimeOnly)))
		}
	}
	w.mu.Unlock()
	for _, e := range pl.unconfigured {
		rep.Errors = append(rep.Errors, describe(e, "the till has no provider "+e.Provider+" configured"))
	}
}

func describe(e store.JournalEntry, msg string) string {
	if msg == "" {
		msg = "not settled yet"
	}
	return fmt.Sprintf("%s %s %s (sale %s): %s", e.Provider, e.Kind, e.Key, e.SaleID, msg)
}
