package main

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestReturnsInTheDemo sells tea and cola by WeChat Pay and a cola by
// iPASS in the demo, then returns the first sale's cola, refunded to
// WeChat Pay through the journal and the simulator, and the iPASS cola,
// refunded in cash (iPASS takes payments only); `till sales --json`
// shows both returns and their refunds settled.
func TestReturnsInTheDemo(t *testing.T) {
	t.Parallel()
	tm := newTerm(t)
	db := filepath.Join(tm.dir, "demo.db")
	tm.start("--demo", "--db", db)
	tm.waitFor(q("Code:"))
	sell := func(pay func()) {
		for _, code := range []string{"4710088410122", "5449000000996"} {
			tm.typeText(code)
			tm.keys("Enter")
		}
		tm.waitFor(q("TOTAL TWD 65.00"))
		tm.keys("F12")
		pay()
		tm.waitFor(q("Receipt 0000"))
		tm.keys("Enter")
		tm.waitFor(q("Scan an item"))
	}
	sell(func() {
		tm.typeText("2")
		tm.waitFor(q("WeChat Pay code:"))
		tm.typeText("134567890123450000")
		tm.keys("Enter")
	})
	sell(func() {
		tm.typeText("5")
		tm.waitFor(q("iPASS code:"))
		tm.typeText("96A1OABQAAFmIVAV1234")
		tm.keys("Enter")
	})

	tm.keys("C-r")
	tm.waitFor(q("Receipt number:"))
	tm.typeText("000001")
	tm.keys("Enter")
	tm.waitFor(q("Coca-Cola 330ml"))
	tm.keys("Down", "Space")
	tm.waitFor(q("Refund"), q("TWD 30.00"), q("WeChat Pay"))
	tm.keys("Enter")
	tm.waitFor(q("Return recorded"), q("RETURN"))
	tm.keys("Enter")

	tm.keys("C-r")
	tm.waitFor(q("Receipt number:"))
	tm.typeText("2")
	tm.keys("Enter")
	tm.waitFor(q("Coca-Cola 330ml"))
	tm.keys("Down", "+")
	tm.waitFor(q("TWD 30.00"), q("Cash"))
	tm.keys("Enter")
	tm.waitFor(q("give the customer 30.00 in cash"))
	tm.keys("Enter")
	tm.waitFor(q("Scan an item"))
	// The wallet refund goes through the replay worker: wait until the
	// journal has nothing left to send before quitting.
	tm.keys("F9")
	tm.waitFor(q("Nothing is waiting"))
	tm.keys("Escape")
	tm.waitFor(q("Scan an item"))
	tm.quit()

	var sales []struct {
		Number  uint64 `json:"number"`
		Tenders []struct {
			Key    string `json:"key"`
			Wallet string `json:"wallet"`
		} `json:"tenders"`
		Returns []struct {
			Amount  int64    `json:"amount"`
			Refunds []string `json:"refunds"`
			Lines   []struct {
				LineID int   `json:"line_id"`
				Qty    int64 `json:"qty"`
			} `json:"lines"`
		} `json:"returns"`
		Adjustments []struct {
			Key       string `json:"key"`
			TenderKey string `json:"tender_key"`
			Method    string `json:"method"`
			Amount    int64  `json:"amount"`
			Status    string `json:"status"`
			Reference string `json:"reference"`
		} `json:"adjustments"`
	}
	out := tillCmd(t, tm.env, "sales", "--json", "--db", db)
	if err := json.Unmarshal([]byte(out), &sales); err != nil || len(sales) != 2 {
		t.Fatalf("sales: %v\n%s", err, out)
	}
	for i, s := range sales {
		if len(s.Returns) != 1 || s.Returns[0].Amount != 3000 || len(s.Returns[0].Lines) != 1 || s.Returns[0].Lines[0].Qty != 1 ||
			len(s.Adjustments) != 1 || s.Adjustments[0].Amount != 3000 || s.Adjustments[0].Status != "approved" {
			t.Fatalf("sale %d: %s", i+1, out)
		}
	}
	if a := sales[0].Adjustments[0]; a.TenderKey != sales[0].Tenders[0].Key || a.Reference == "" {
		t.Errorf("the WeChat Pay refund did not go to its payment through CANCAN: %+v", a)
	}
	if a := sales[1].Adjustments[0]; a.Method != "cash" || a.TenderKey != "" {
		t.Errorf("the iPASS sale was not refunded in cash: %+v", a)
	}
}
