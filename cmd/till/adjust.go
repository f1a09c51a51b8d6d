package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"till/providers"
	"till/store"
	"till/store/money"
	"till/store/sale"
	"till/store/sanitize"
	"till/ui"
)

// runAdjust voids or refunds a wallet payment of a completed sale:
//
//	till void --receipt N [--payment KEY] [--manager ID]
//	till refund --receipt N [--amount 12.50] [--payment KEY] [--manager ID]
//
// Once the till has users, a manager approves it with their PIN. The void
// or refund is recorded as pending before the provider is asked,
// and its outcome after, so a crash in between leaves it to look up.
func runAdjust(kind string, g globals, args []string, stdout, stderr io.Writer) error {
	var receipt uint64
	var amountText, tenderKey, manager string
	if _, err := subFlags(kind, &g, args, stderr, func(fs *flag.FlagSet) {
		fs.Uint64Var(&receipt, "receipt", 0, "receipt `number` of the sale")
		fs.StringVar(&tenderKey, "payment", "", "`key` of the payment when the sale has several (see till sales --json)")
		managerFlag(fs, &manager)
		if kind == sale.AdjustRefund {
			fs.StringVar(&amountText, "amount", "", "`amount` to refund in major units (default: all that is left)")
		}
	}); err != nil {
		return err
	}
	if receipt == 0 {
		return fmt.Errorf("usage: till %s --receipt N", kind)
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
	s, err := db.SaleByNumber(receipt)
	if err != nil {
		return err
	}
	tn, err := pickPayment(s, tenderKey)
	if err != nil {
		return err
	}
	pay, _, err := g.payments(&cfg)
	if err != nil {
		return err
	}
	p, ok := pay[tn.Provider]
	if !ok {
		return fmt.Errorf("provider %s is not configured (payments.wallets)", tn.Provider)
	}
	var amount money.Amount
	if amountText != "" {
		if amount, err = cfg.Currency.Parse(amountText); err != nil {
			return fmt.Errorf("--amount: %w", err)
		}
	} else if kind == sale.AdjustRefund {
		if amount, err = s.RefundLeft(tn.Key); err != nil {
			return err
		}
	}
	// Tried on the sale as read, which is not saved, so that what cannot be
	// done is refused before a manager is asked.
	trial, err := s.Adjust(kind, tn.Key, "", amount, time.Now())
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s of %s %s on receipt %06d", kind, cfg.Currency.Format(trial.Amount), tn.Method, receipt)
	// ActionRefund covers a void of a completed sale's payment too
	// (ActionVoidSale is cancelling a sale still at the till).
	if _, err := approve(db, pinInput, stderr, manager, store.ActionRefund, what); err != nil {
		return err
	}
	key := uuid.NewString()
	now := time.Now()
	var op providers.Op
	// The adjustment and its journal entry are committed together before
	// the provider is asked; if the till stops now, the replay finishes it.
	entry := store.JournalEntry{Key: key, SaleID: s.ID, Deferrable: true, State: store.OpSent, Created: now}
	if _, err := db.UpdateSale(receipt, func(s *sale.Sale) error {
		adj, err := s.Adjust(kind, tn.Key, key, amount, now)
		if err != nil {
			return err
		}
		op = ui.AdjustmentOp(s, adj, now)
		entry.Provider, entry.Kind = op.Provider, string(op.Kind)
		entry.Op, err = json.Marshal(op)
		return err
	}, store.JournalChange{Append: &entry}); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.PayTimeout)
	defer cancel()
	out := providers.Do(ctx, p, op)
	if out.Status == providers.Unknown || out.Status == providers.Pending {
		lookup := op
		lookup.Kind, lookup.Target, lookup.TargetKind = providers.KindLookup, op.Key, op.Kind
		if again := p.Lookup(ctx, lookup); again.Settled() {
			out = again
		}
	}
	status := map[providers.Status]string{providers.Approved: sale.TenderApproved, providers.Declined: sale.TenderDeclined,
		providers.Pending: sale.TenderPending, providers.Unknown: sale.TenderUnknown}[out.Status]
	journalState := store.OpDone
	if !out.Settled() {
		journalState = store.OpUnknown // the replay looks it up
	}
	outcome, _ := json.Marshal(out)
	if _, err := db.UpdateSale(receipt, func(s *sale.Sale) error {
		return s.SettleAdjustment(key, status, out.Reference, out.Reason)
	}, store.JournalChange{Key: key, Update: func(e *store.JournalEntry) error {
		e.State, e.Outcome = journalState, outcome
		e.Attempts++
		return nil
	}}); err != nil {
		return err
	}
	switch out.Status {
	case providers.Approved:
		fmt.Fprintf(stdout, "%s: done (reference %s)\n", what, sanitize.Text(out.Reference))
		return nil
	case providers.Declined:
		return fmt.Errorf("%s: declined: %s", what, sanitize.Text(out.Reason))
	default:
		return fmt.Errorf("%s: outcome %s: %s", what, out.Status, sanitize.Text(out.Reason))
	}
}

// pickPayment finds the approved provider payment to void or refund.
func pickPayment(s *sale.Sale, key string) (sale.Tender, error) {
	var found []sale.Tender
	for _, t := range s.Tenders {
		if t.Provider != "" && t.Status == sale.TenderApproved && (key == "" || t.Key == key) {
			found = append(found, t)
		}
	}
	switch len(found) {
	case 0:
		return sale.Tender{}, errors.New("the sale has no approved wallet payment to adjust (see till sales --json)")
	case 1:
		return found[0], nil
	}
	keys := ""
	for _, t := range found {
		keys += fmt.Sprintf("\n  %s  %s  %d", t.Key, t.Method, t.Amount)
	}
	return sale.Tender{}, errors.New("the sale has several wallet payments: choose one with --payment" + keys)
}
