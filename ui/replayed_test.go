package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/wallet"
	"till/store"
	"till/store/sale"
)

// swipLeftUnknown is a till whose SWiP payment (tea and cola, 65.00) the
// screen could not settle, SWiP not answering: the tender is unknown and
// the replay worker is left to find out. It returns the payment's key.
func swipLeftUnknown(t *testing.T) (*harness, string) {
	t.Helper()
	lost := providers.Outcome{Status: providers.Unknown, Retryable: true, Reason: "SWiP is not answering"}
	fw := &fakeWallet{name: "swip", pay: lost, lookup: lost}
	db, err := store.Open(t.TempDir() + "/till.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := newHarnessWith(t, db, nil, func(o *Options) {
		o.Payments = map[string]providers.Payments{"swip": fw}
		o.Wallets = []wallet.Wallet{wallet.SWiP}
		o.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	})
	h.scan("4710088410122")
	h.scan("5449000000996")
	h.key(tea.KeyF12)
	h.typeText("2")
	h.wantScreen("outcome unknown")
	return h, fw.calls[0].Key
}

// The replay worker finds the payment approved for less: SWiP's loyalty
// discount goes on the sale as when the screen follows the payment, so
// the till records what SWiP took, not what it asked.
func TestReplayedSWiPPaymentKeepsItsDiscount(t *testing.T) {
	h, key := swipLeftUnknown(t)
	h.send(OperationMsg{SaleID: h.m.sale.ID, Key: key, Kind: "pay", Status: "approved", Reference: key,
		Amount: 5800, Discount: 700})
	h.wantScreen("Receipt 000001", "SWiP loyalty discount", "TWD 58.00")
	s, err := h.db.SaleByNumber(1)
	if err != nil {
		t.Fatal(err)
	}
	if tn := s.Tenders[0]; len(s.Tenders) != 1 || tn.Status != sale.TenderApproved || tn.Amount != 5800 || tn.Reference != key {
		t.Errorf("tenders %+v, want SWiP's approved for 5800", s.Tenders)
	}
	if s.Total != 5800 || len(s.Discounts) != 1 || s.Discounts[0].Amount != 700 || s.Discounts[0].Key != key || s.Discounts[0].AtTill != 0 {
		t.Errorf("total %d, discounts %+v; want 5800 after SWiP's 700", s.Total, s.Discounts)
	}
}

// The replay worker finds the customer chose to pay at the till: the
// discount goes on, the clerk takes the rest, and the close that reports
// it to SWiP is queued with the sale.
func TestReplayedSWiPPayAtTillKeepsItsDiscount(t *testing.T) {
	h, key := swipLeftUnknown(t)
	h.send(OperationMsg{SaleID: h.m.sale.ID, Key: key, Kind: "pay", Status: "declined", Reference: key,
		Code: providers.CodePayAtTill, Amount: 5800, Discount: 700})
	h.wantScreen("take the 58.00 due in cash")
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001", "SWiP loyalty discount")
	s, err := h.db.SaleByNumber(1)
	if err != nil {
		t.Fatal(err)
	}
	if s.Total != 5800 || len(s.Discounts) != 1 || s.Discounts[0].AtTill != 5800 || s.Discounts[0].CloseKey == "" {
		t.Fatalf("total %d, discounts %+v; want SWiP's 700 off, 5800 paid at the till", s.Total, s.Discounts)
	}
	if s.Tenders[0].Status != sale.TenderDeclined || s.Tenders[1].Method != sale.MethodCash || s.Tenders[1].Amount != 5800 {
		t.Errorf("tenders %+v", s.Tenders)
	}
	e, err := h.db.JournalGet(s.Discounts[0].CloseKey)
	if err != nil || e.State != store.OpQueued || e.Kind != string(providers.KindClose) {
		t.Fatalf("close entry %+v, %v", e, err)
	}
	if op := decodeOp(t, e.Op); op.Target != key || op.Amount != 5800 {
		t.Errorf("close op %+v", op)
	}
}

// The clerk set the payment aside and the replay worker then finds it
// approved for less: what SWiP took is what is reversed, and its
// discount does not go on a sale the customer pays in full another way.
func TestReplayedSWiPPaymentSetAsideIsReversedForWhatItTook(t *testing.T) {
	h, key := swipLeftUnknown(t)
	h.key(tea.KeyF6)
	h.wantScreen("Set aside")
	h.send(OperationMsg{SaleID: h.m.sale.ID, Key: key, Kind: "pay", Status: "approved", Reference: key,
		Amount: 5800, Discount: 700})
	h.wantScreen("went through after all: reversing it")
	if tn := h.m.sale.Tenders[0]; tn.Status != sale.TenderReversing || tn.Amount != 5800 || len(h.m.sale.Discounts) != 0 {
		t.Fatalf("tender %+v, discounts %+v; want it reversing for the 5800 SWiP took, no discount", tn, h.m.sale.Discounts)
	}
	voids, _ := h.db.Journal(store.OpQueued)
	if len(voids) != 1 || voids[0].Kind != string(providers.KindVoid) || decodeOp(t, voids[0].Op).Amount != 5800 {
		t.Fatalf("queued %+v, want the void of 5800", voids)
	}
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001", "TWD 65.00")
}
