package main

import (
	"path/filepath"
	"testing"

	"till/store"
	"till/store/sale"
)

// The demo's SWiP loyalty: members get 10 %, everyone 5 % more, and SWiP
// rounds the discount half up to a whole major unit. Tea and cola come
// to 65.00: 15 % is 9.75, so the customer is given 10.00 off.
const (
	swipDemoCart     = 6500
	swipDemoDiscount = 1000
)

// swipDemoSale rings up tea and cola in the demo, pays with SWiP (key 6)
// and waits for the QR code; the demo customer then answers with key.
func swipDemoSale(t *testing.T, customerKey string) (tm *tmuxTerm, db string) {
	t.Helper()
	tm = newTerm(t)
	db = filepath.Join(tm.dir, "demo.db")
	tm.start("--demo", "--db", db)
	tm.waitFor(q("Demo Store"), q("Code:"))
	for _, code := range []string{"4710088410122", "5449000000996"} {
		tm.typeText(code)
		tm.keys("Enter")
	}
	tm.waitFor(q("TOTAL TWD 65.00"))
	tm.keys("F12")
	tm.waitFor(q("6  SWiP"))
	tm.typeText("6")
	tm.waitFor(q("scan with the SWiP app"))
	tm.keys(customerKey)
	return tm, db
}

// swipDemoReceipt waits for the receipt with SWiP's discount, starts the
// next sale, quits, and returns the one completed sale.
func swipDemoReceipt(t *testing.T, tm *tmuxTerm, db string) saleJSON {
	t.Helper()
	tm.waitFor(q("Receipt 000001"), q("SWiP loyalty discount"))
	tm.keys("Enter")
	tm.waitFor(q("TOTAL TWD 0.00"))
	tm.quit()
	sales := salesIn(t, tm.env, db)
	if len(sales) != 1 {
		t.Fatalf("sales --json lists %d sales, want 1: %+v", len(sales), sales)
	}
	return sales[0]
}

// TestSWiPPaidInTheApp: the demo customer, a loyalty member, pays in the
// SWiP app; the sale completes at what SWiP took, with its discount.
func TestSWiPPaidInTheApp(t *testing.T) {
	t.Parallel()
	tm, db := swipDemoSale(t, "F2")
	s := swipDemoReceipt(t, tm, db)
	const paid = swipDemoCart - swipDemoDiscount
	if s.Total != paid {
		t.Errorf("total %d, want %d: the cart less SWiP's discount", s.Total, paid)
	}
	if len(s.Tenders) != 1 {
		t.Fatalf("tenders = %+v, want the SWiP payment alone", s.Tenders)
	}
	tn := s.Tenders[0]
	if tn.Provider != "swip" || tn.Status != sale.TenderApproved || tn.Amount != paid || tn.Key == "" || tn.Reference != tn.Key {
		t.Errorf("tender = %+v; want SWiP approved for %d, its reference the order id (its key)", tn, paid)
	}
	if len(s.Discounts) != 1 {
		t.Fatalf("discounts = %+v, want SWiP's", s.Discounts)
	}
	if d := s.Discounts[0]; d.Provider != "swip" || d.Amount != swipDemoDiscount || d.Order != tn.Key || d.AtTill != 0 || d.Label != "SWiP loyalty discount" {
		t.Errorf("discount = %+v; want SWiP's %d on order %s, not at the till", d, swipDemoDiscount, tn.Key)
	}
}

// TestSWiPPaidAtTheTill: the demo customer takes the discount and pays the
// rest in cash; the till then closes the SWiP order with what it took.
func TestSWiPPaidAtTheTill(t *testing.T) {
	t.Parallel()
	tm, db := swipDemoSale(t, "F3")
	tm.waitFor(q("due in cash (1)"))
	tm.keys("1")
	tm.waitFor(q("Cash tendered:"))
	tm.keys("F5")
	s := swipDemoReceipt(t, tm, db)
	const atTill = swipDemoCart - swipDemoDiscount
	if s.Total != atTill || len(s.Discounts) != 1 {
		t.Fatalf("total %d, discounts %+v; want %d after SWiP's one discount", s.Total, s.Discounts, atTill)
	}
	d := s.Discounts[0]
	if d.Provider != "swip" || d.Amount != swipDemoDiscount || d.AtTill != atTill || d.Order == "" {
		t.Errorf("discount = %+v; want SWiP's %d, %d paid at the till", d, swipDemoDiscount, atTill)
	}
	var cash, declined int
	for _, tn := range s.Tenders {
		switch {
		case tn.Method == sale.MethodCash && tn.Status == sale.TenderApproved && tn.Amount == atTill:
			cash++
		case tn.Provider == "swip" && tn.Status == sale.TenderDeclined && tn.Key == d.Order:
			declined++ // the SWiP payment itself moved no money
		default:
			t.Errorf("unexpected tender %+v", tn)
		}
	}
	if cash != 1 || declined != 1 {
		t.Errorf("tenders = %+v; want the SWiP payment declined (paid at the till) and %d in cash", s.Tenders, atTill)
	}

	// The close that reports the cash to SWiP: done by the demo's replay
	// worker, or queued for the next start.
	closes := closeOps(journalIn(t, tm.env, db, true))
	if len(closes) != 1 || closes[0].Provider != "swip" || closes[0].SaleID != s.ID ||
		(closes[0].State != store.OpDone && closes[0].State != store.OpQueued) {
		t.Fatalf("close operations in the journal = %s; want one for the sale, done or queued", journalText(closes))
	}
	if op := opOf(t, closes[0]); op.Target != d.Order || op.Amount != atTill {
		t.Errorf("the close is for order %s with %d; want %s with %d", op.Target, op.Amount, d.Order, atTill)
	}
}
