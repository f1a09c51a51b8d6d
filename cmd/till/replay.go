package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/uuid"

	"till/providers"
	"till/providers/replay"
	"till/store"
	"till/store/money"
	"till/store/sale"
	"till/ui"
)

// startReplay runs the replay worker for the life of the program; what it
// settles is written into its sale and told to the screen.
func startReplay(ctx context.Context, db *store.DB, pay map[string]providers.Provider, p *tea.Program) *replay.Worker {
	start := time.Now()
	var w *replay.Worker
	wake := func() { w.Wake() }
	w = replay.New(db, pay, replay.Options{
		OnSettled: func(e store.JournalEntry, out providers.Outcome) {
			if err := settleCompleted(db, e, out); err != nil && !errors.Is(err, store.ErrNotFound) {
				p.Send(ui.NoticeMsg{Err: fmt.Sprintf("operation %s settled but its sale was not updated: %v", e.Key, err)})
			}
			wake() // a reversal may have been queued
			p.Send(ui.OperationMsg{SaleID: e.SaleID, Key: e.Key, Kind: e.Kind, Target: target(e),
				Status: string(out.Status), Reference: out.Reference, Reason: out.Reason,
				Code: out.Code, Amount: out.Amount, Discount: out.Discount})
		},
		OnStatus: func(st map[string]replay.Status) { p.Send(providerStates(st)) },
	})
	go func() {
		defer func() { recover() }() //nolint:errcheck // the till keeps selling; the status line goes stale
		if err := catchUp(db); err != nil {
			p.Send(ui.NoticeMsg{Err: "settled operations not yet written into their sales: " + err.Error()})
		}
		lost, err := unanswered(db, start)
		if err != nil {
			p.Send(ui.NoticeMsg{Err: err.Error()})
		}
		for _, msg := range lost {
			p.Send(msg) // before the worker can settle them
		}
		w.Run(ctx) //nolint:errcheck // ends with ctx
	}()
	go p.Send(providerStates(w.Status())) // the status line from the start
	return w
}

func target(e store.JournalEntry) string {
	var op providers.Op
	if json.Unmarshal(e.Op, &op) != nil {
		return ""
	}
	return op.Target
}

func providerStates(st map[string]replay.Status) ui.ProvidersMsg {
	out := make(ui.ProvidersMsg, 0, len(st))
	for name, s := range st {
		out = append(out, ui.ProviderState{Name: name, State: string(s.State), Waiting: s.Waiting})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return out
}

// tenderStatus is the sale's word for a provider outcome.
func tenderStatus(out providers.Outcome) string {
	switch out.Status {
	case providers.Approved:
		return sale.TenderApproved
	case providers.Declined:
		return sale.TenderDeclined
	}
	return sale.TenderUnknown
}

// settleCompleted writes a replayed outcome into a completed sale: a void
// or refund's adjustment, a void that reversed a payment, or a payment
// found by a look-up. ErrNotFound means the sale is still open.
func settleCompleted(db *store.DB, e store.JournalEntry, out providers.Outcome) error {
	status := tenderStatus(out)
	if e.State == store.OpReview {
		status = sale.TenderUnknown
	}
	s, err := db.CompletedByID(e.SaleID)
	if err != nil {
		return err
	}
	var changes []store.JournalChange
	void, took, reverse := reversal(s, e, out)
	if reverse {
		changes = append(changes, store.JournalChange{Append: &void})
	}
	_, err = db.UpdateSale(s.Number, func(s *sale.Sale) error {
		switch {
		case s.SettleAdjustment(e.Key, status, out.Reference, out.Reason) == nil:
			return nil
		case reverse:
			// What the payment took, after a loyalty discount, is what
			// goes back.
			if err := s.TakeLess(e.Key, took); err != nil {
				return err
			}
			return s.SettleTender(e.Key, sale.TenderReversing, out.Reference, "went through after it was set aside: being reversed")
		case providers.Kind(e.Kind) == providers.KindVoid && out.Status == providers.Approved:
			return s.SettleTender(target(e), sale.TenderVoided, "", "reversed")
		case providers.Kind(e.Kind) == providers.KindPay:
			return s.SettleTender(e.Key, status, out.Reference, out.Reason)
		case providers.Kind(e.Kind) == providers.KindTickets:
			return s.SettleTickets(e.Key, issuedTickets(status, out))
		}
		return nil
	}, changes...)
	return err
}

// unanswered tells the screen of the redeems an earlier run left without
// an answer (sent or unknown, last written before start): their coupons,
// restored "being redeemed", are unknown, as after any lost answer, so
// the clerk may void them (the unredeem then waits for the worker's
// redeem) instead of waiting until Pass2U answers the worker.
func unanswered(db *store.DB, start time.Time) ([]ui.OperationMsg, error) {
	entries, err := db.Journal(store.OpSent, store.OpUnknown)
	if err != nil {
		return nil, err
	}
	var out []ui.OperationMsg
	for _, e := range entries {
		if providers.Kind(e.Kind) == providers.KindRedeem && !e.Updated.After(start) {
			out = append(out, ui.OperationMsg{SaleID: e.SaleID, Key: e.Key, Kind: e.Kind, Status: string(providers.Unknown),
				Reason: "The till stopped before the answer came."})
		}
	}
	return out, nil
}

// catchUp writes into completed sales what the journal holds settled but
// they do not show yet. The worker commits an outcome to the journal
// before OnSettled writes it into the sale, so a crash in between leaves
// the sale behind for good: its e-tickets "being issued", a refund
// pending that blocks the next, a set-aside payment never reversed. It
// runs before the worker does. Operations settled by hand (till resolve)
// are left as they are.
func catchUp(db *store.DB) error {
	entries, err := db.Journal(store.OpDone, store.OpFailed, store.OpReview)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if e.ResolvedBy != "" || e.SaleID == "" {
			continue
		}
		s, err := db.CompletedByID(e.SaleID)
		if errors.Is(err, store.ErrNotFound) {
			continue // open: the screen settles it
		}
		var out providers.Outcome
		if err == nil && (json.Unmarshal(e.Outcome, &out) != nil || !behind(s, e, out)) {
			continue
		}
		if err == nil {
			err = settleCompleted(db, e, out)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("operation %s: %w", e.Key, err))
		}
	}
	return errors.Join(errs...)
}

// behind reports a completed sale that does not show the settled entry
// e, of outcome out, as settleCompleted would have written it.
func behind(s *sale.Sale, e store.JournalEntry, out providers.Outcome) bool {
	open := func(status string) bool {
		return status == sale.TenderPending || status == sale.TenderUnknown && e.State != store.OpReview
	}
	for _, a := range s.Adjustments {
		if a.Key == e.Key {
			return open(a.Status)
		}
	}
	switch providers.Kind(e.Kind) {
	case providers.KindTickets:
		return s.Tickets != nil && s.Tickets.Key == e.Key && open(s.Tickets.Status)
	case providers.KindPay, providers.KindVoid:
		key, was := e.Key, sale.TenderSetAside // a payment found after it was set aside
		if providers.Kind(e.Kind) == providers.KindVoid {
			key, was = target(e), sale.TenderReversing // the void that reverses it
		}
		for _, t := range s.Tenders {
			if t.Key == key && t.Status == was {
				return e.State == store.OpDone && (was == sale.TenderSetAside || out.Status == providers.Approved)
			}
		}
	}
	return false
}

// reversal is the void to queue when a payment the clerk set aside turns
// out approved: the sale was paid another way, so the money goes back:
// all it took, which a loyalty discount may have made less than asked.
func reversal(s *sale.Sale, e store.JournalEntry, out providers.Outcome) (store.JournalEntry, money.Amount, bool) {
	if providers.Kind(e.Kind) != providers.KindPay || out.Status != providers.Approved {
		return store.JournalEntry{}, 0, false
	}
	for _, t := range s.Tenders {
		if t.Key != e.Key || t.Status != sale.TenderSetAside {
			continue
		}
		took := t.Amount
		if out.Amount > 0 && out.Amount < took {
			took = out.Amount
		}
		op := providers.Op{Provider: t.Provider, Kind: providers.KindVoid, Key: uuid.NewString(), SaleID: s.ID,
			Wallet: t.Wallet, Amount: took, Currency: s.Currency, Target: t.Key, Created: time.Now()}
		raw, err := json.Marshal(op)
		if err != nil {
			return store.JournalEntry{}, 0, false
		}
		return store.JournalEntry{Provider: op.Provider, Kind: string(op.Kind), Key: op.Key, SaleID: s.ID,
			Deferrable: true, State: store.OpQueued, Op: raw, Created: op.Created}, took, true
	}
	return store.JournalEntry{}, 0, false
}

// runReplay drains the queue once, for `till replay`.
func runReplay(g globals, args []string, stdout, stderr io.Writer) error {
	if _, err := subFlags("replay", &g, args, stderr, nil); err != nil {
		return err
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	pay, _, err := g.payments(&cfg)
	if err != nil {
		return err
	}
	passes, err := redeemer(cfg)
	if err != nil {
		return err
	}
	tickets, err := ticketer(cfg)
	if err != nil {
		return err
	}
	if err := catchUp(db); err != nil {
		fmt.Fprintf(stderr, "settled operations not yet written into their sales: %v\n", err)
	}
	w := replay.New(db, replayable(pay, passes, tickets), replay.Options{OnSettled: func(e store.JournalEntry, out providers.Outcome) {
		if err := settleCompleted(db, e, out); err != nil && !errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(stderr, "operation %s settled but its sale was not updated: %v\n", e.Key, err)
		}
	}})
	ctx, cancel := context.WithTimeout(context.Background(), cfg.PayTimeout)
	defer cancel()
	rep, err := w.DrainOnce(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Replayed: %d done, %d failed, %d need review, %d still waiting.\n", rep.Done, rep.Failed, rep.Review, rep.Waiting)
	for _, e := range rep.Errors {
		fmt.Fprintln(stdout, "  "+e)
	}
	if rep.Waiting > 0 {
		return errors.New("some operations are still waiting: see till queue")
	}
	return nil
}
