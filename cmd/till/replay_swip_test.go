package main

import (
	"path/filepath"
	"testing"
	"time"

	"till/providers"
	"till/store"
	"till/store/money"
	"till/store/sale"
)

// A SWiP payment set aside and found approved after the sale was paid in
// cash took less than it asked, SWiP's loyalty discount off: the tender
// and the void that reverses it are for what it took, and the discount
// stays off a sale the customer paid in full.
func TestSetAsideSWiPPaymentIsReversedForWhatItTook(t *testing.T) {
	const asked, took, discount money.Amount = 3500, 3100, 400
	now := time.Now()
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("s1", "TWD", now)
	db, err := store.Open(filepath.Join(t.TempDir(), "till.db"))
	if err == nil {
		t.Cleanup(func() { db.Close() })
		_, err = s.Add(sale.Item{SKU: "TEA", Name: "Tea", Price: asked, TaxClass: "standard"}, "TEA", asked, 1)
	}
	for _, step := range []func() error{
		func() error { _, err := s.StartTender(tax, "SWiP", "swip", "swip", "order-1", asked, now); return err },
		func() error { return s.SettleTender("order-1", sale.TenderUnknown, "", "SWiP is not answering") },
		func() error { return s.SetAside("order-1") },
		func() error { _, err := s.PayCash(tax, asked, now); return err },
		func() error { return s.Settle(tax) },
		func() error { _, err := db.CompleteSale(s, now); return err },
	} {
		if err == nil {
			err = step()
		}
	}
	if err != nil {
		t.Fatal(err)
	}

	pay := store.JournalEntry{Provider: "swip", Kind: "pay", Key: "order-1", SaleID: "s1", State: store.OpDone, Op: []byte(`{}`)}
	found := providers.Outcome{Status: providers.Approved, Reference: "order-1", Amount: took, Discount: discount}
	if err := settleCompleted(db, pay, found); err != nil {
		t.Fatal(err)
	}
	got, err := db.SaleByNumber(1)
	if err != nil {
		t.Fatal(err)
	}
	if tn := got.Tenders[0]; tn.Status != sale.TenderReversing || tn.Amount != took {
		t.Errorf("tender %+v, want reversing for the %d SWiP took", tn, took)
	}
	if got.Total != asked || len(got.Discounts) != 0 {
		t.Errorf("total %d, discounts %+v: the sale was paid in full in cash", got.Total, got.Discounts)
	}
	queued, _ := db.Journal(store.OpQueued)
	if len(queued) != 1 || queued[0].Kind != "void" || opOf(t, queued[0]).Amount != took || opOf(t, queued[0]).Target != "order-1" {
		t.Fatalf("queued %s, want the void of %d of order-1", journalText(queued), took)
	}
}
