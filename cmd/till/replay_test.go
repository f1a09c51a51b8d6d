package main

import (
	"path/filepath"
	"testing"
	"time"

	"till/providers"
	"till/store"
	"till/store/sale"
)

// A payment set aside during an outage, found approved once the provider
// is back, is reversed: the completed sale had been paid another way.
func TestSetAsidePaymentFoundApprovedIsReversed(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("s1", "TWD", time.Now())
	if _, err := s.Add(sale.Item{SKU: "A", Name: "A", Price: 1000, TaxClass: "standard"}, "A", 1000, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartTender(tax, "WeChat Pay", "cancan", "wechat", "pay-1", 1000, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTender("pay-1", sale.TenderUnknown, "", "no answer"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAside("pay-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayCash(tax, 1000, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CompleteSale(s, time.Now()); err != nil {
		t.Fatal(err)
	}
	entry := store.JournalEntry{Provider: "cancan", Kind: "pay", Key: "pay-1", SaleID: "s1", State: store.OpDone, Op: []byte(`{}`)}
	if err := settleCompleted(db, entry, providers.Outcome{Status: providers.Approved, Reference: "ref"}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.SaleByNumber(1)
	if got.Tenders[0].Status != sale.TenderReversing {
		t.Fatalf("tender = %+v", got.Tenders[0])
	}
	queued, _ := db.Journal(store.OpQueued)
	if len(queued) != 1 || queued[0].Kind != "void" || !queued[0].Deferrable {
		t.Fatalf("queued = %+v", queued)
	}
	void := queued[0]
	if err := settleCompleted(db, void, providers.Outcome{Status: providers.Approved}); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.SaleByNumber(1); got.Tenders[0].Status != sale.TenderVoided {
		t.Errorf("after the void: %+v", got.Tenders[0])
	}
}
