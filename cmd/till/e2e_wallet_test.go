package main

import (
	"path/filepath"
	"testing"
)

// TestWalletSalesInTheDemo pays one sale by WeChat Pay, typed after
// choosing the wallet, and one by iPASS, scanned on the payment screen and
// recognised by its form, against the demo's in-process simulators.
func TestWalletSalesInTheDemo(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	fifo := newFIFO(tm)
	db := filepath.Join(tm.dir, "demo.db")
	tm.start("--demo", "--db", db, "--scanner", "file:"+string(fifo))
	tm.waitFor(q("Demo Store"), q("Code:"))

	fifo.scan(t, "4710088410122")
	tm.waitFor(q("TOTAL TWD 35.00"))
	tm.keys("F12")
	tm.waitFor(q("2  WeChat Pay"), q("5  iPASS"))
	tm.typeText("2")
	tm.waitFor(q("WeChat Pay code:"))
	tm.typeText("134567890123450000")
	tm.keys("Enter")
	tm.waitFor(q("Receipt 000001"), q("WeChat Pay"), q("Ref "))
	tm.keys("Enter")

	fifo.scan(t, "5449000000996", "5449000000996")
	tm.waitFor(q("TOTAL TWD 60.00"))
	tm.keys("F12")
	tm.waitFor(q("5  iPASS"))
	fifo.scan(t, "96A1OABQAAFmIVAV1234")
	tm.waitFor(q("Receipt 000002"), q("iPASS"))
	tm.keys("Enter")
	tm.quit()

	sales := readSales(t, tm.env, db)
	if len(sales) != 2 {
		t.Fatalf("want 2 sales, got %d", len(sales))
	}
	for i, want := range []struct {
		provider, wallet string
		amount           int64
	}{{"cancan", "wechat", 3500}, {"ipass", "ipass", 6000}} {
		s := sales[i]
		if len(s.Tenders) != 1 {
			t.Fatalf("sale %d tenders = %+v", i+1, s.Tenders)
		}
		tn := s.Tenders[0]
		if tn.Provider != want.provider || tn.Wallet != want.wallet || tn.Amount != want.amount ||
			tn.Status != "approved" || tn.Reference == "" || s.Total != want.amount {
			t.Errorf("sale %d: total %d, tender %+v; want %s/%s %d approved with a reference",
				i+1, s.Total, tn, want.provider, want.wallet, want.amount)
		}
	}
}

// TestDeclinedWalletKeepsTheSale declines a WeChat payment by the
// simulator's magic code and then takes cash for the same cart.
func TestDeclinedWalletKeepsTheSale(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	db := filepath.Join(tm.dir, "demo.db")
	tm.start("--demo", "--db", db)
	tm.waitFor(q("Code:"))
	tm.typeText("4710088410122")
	tm.keys("Enter")
	tm.waitFor(q("TOTAL TWD 35.00"))
	tm.keys("F12")
	tm.typeText("2")
	tm.waitFor(q("WeChat Pay code:"))
	tm.typeText("134567890123459003") // 9003: customer_insufficient_balance_failure
	tm.keys("Enter")
	tm.waitFor(q("WeChat Pay declined"), q("too little money"), q("TWD 35.00"))
	tm.typeText("1")
	tm.keys("F5")
	tm.waitFor(q("Receipt 000001"))
	tm.keys("Enter")
	tm.quit()
	sales := readSales(t, tm.env, db)
	if len(sales) != 1 || len(sales[0].Tenders) != 2 || sales[0].Tenders[0].Status != "declined" ||
		sales[0].Tenders[1].Method != "cash" || sales[0].Tenders[1].Amount != 3500 {
		t.Fatalf("sales = %+v", sales)
	}
}
