package ui

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/store"
	"till/store/sale"
)

var (
	ctrlR = tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	ctrlP = tea.KeyPressMsg{Code: 'p', Mod: tea.ModCtrl}
	space = tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	plus  = tea.KeyPressMsg{Code: '+', Text: "+"}
	minus = tea.KeyPressMsg{Code: '-', Text: "-"}
)

// cashSale rings up 3 teas and a gum (130.00) paid in cash, receipt
// 000001, and starts the next sale, in any language.
func (h *harness) cashSale() {
	h.typeText("3*4710088410122")
	h.enter()
	h.scan("036000291452")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.enter()
}

// openReturnOf opens the return screen and asks for receipt.
func (h *harness) openReturnOf(receipt string) {
	h.send(ctrlR)
	h.typeText(receipt)
	h.enter()
}

func TestReturnPartOfACashSaleInCash(t *testing.T) {
	p := &fakePrinter{}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) { o.Printer = p })
	h.cashSale()
	drawers := p.drawers
	h.openReturnOf("000001")
	h.wantScreen("Receipt 000001", "烏龍茶 Oolong tea 500ml", "Mint gum", "Nothing picked yet.")
	h.send(plus)
	h.send(plus)
	h.key(tea.KeyDown)
	h.send(space)
	h.wantScreen("Refund", "TWD 95.00", "Cash")
	h.send(minus) // the gum again: space took the whole line, minus puts it back
	h.wantScreen("TWD 70.00")
	h.send(space)
	h.enter()
	h.wantScreen("Return recorded: give the customer 95.00 in cash")
	if p.drawers != drawers+1 {
		t.Errorf("drawer opened %d times for a cash refund", p.drawers-drawers)
	}
	s, err := h.db.SaleByNumber(1)
	if err != nil || len(s.Returns) != 1 || s.Returns[0].Amount != 9500 || s.ReturnedQty(s.Lines[0].ID) != 2 || s.ReturnedQty(s.Lines[1].ID) != 1 {
		t.Fatalf("sale %+v, %v", s, err)
	}
	if a := s.Adjustments; len(a) != 1 || a[0].Method != sale.MethodCash || a[0].Status != sale.TenderApproved || a[0].Amount != 9500 || a[0].Return != 1 {
		t.Fatalf("adjustments %+v", a)
	}
	h.enter()
	h.wantScreen("Scan an item")

	// What is left: one tea. The gum cannot come back twice.
	h.openReturnOf("1")
	h.key(tea.KeyDown)
	h.send(plus)
	h.wantScreen("Nothing picked yet.")
	h.key(tea.KeyUp)
	h.send(space)
	h.wantScreen("TWD 35.00")
	h.enter()
	s, _ = h.db.SaleByNumber(1)
	var back int64
	for _, a := range s.Adjustments {
		back += int64(a.Amount)
	}
	if len(s.Returns) != 2 || back != int64(s.Total) {
		t.Fatalf("everything back, yet %d of %d refunded: %+v", back, s.Total, s.Returns)
	}
}

func TestReturnFindsTheReceiptOrSaysWhy(t *testing.T) {
	h := newHarness(t, nil)
	h.cashSale()
	h.openReturnOf("12x")
	h.wantScreen("Type the receipt number as printed")
	h.send(ctrlR) // nothing: still asking
	h.key(tea.KeyEscape)
	h.openReturnOf("7")
	h.wantScreen("No sale has that receipt number")
	h.key(tea.KeyEscape)
	h.send(ctrlR)
	h.scan("000001") // the receipt's number, scanned
	h.wantScreen("Mint gum")
	h.key(tea.KeyEscape)
	h.scan("4710088410122")
	h.send(ctrlR)
	h.wantScreen("Finish or void this sale before taking a return")
}

func TestReturnToTheWalletIsJournaledForTheWorker(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved, Reference: "cc-ref-1"}}
	woken := 0
	h := newHarnessWithPayments(t, nil, fw)
	h.m.opt.JournalChanged = func() { woken++ }
	walletSale(h)
	calls := len(fw.calls)

	h.openReturnOf("1")
	h.key(tea.KeyDown)
	h.send(space)
	h.wantScreen("TWD 30.00", "WeChat Pay")
	h.key(tea.KeyF5)
	h.wantScreen("Cash")
	h.key(tea.KeyF5) // back to the payment it came from
	woken = 0
	h.enter()
	h.wantScreen("Return recorded: the refund goes back to the customer's payment")
	if len(fw.calls) != calls {
		t.Error("the screen called the provider itself: refunds go through the journal")
	}
	if woken == 0 {
		t.Error("the replay worker was not woken")
	}
	s, _ := h.db.SaleByNumber(1)
	if len(s.Adjustments) != 1 {
		t.Fatalf("adjustments %+v", s.Adjustments)
	}
	a := s.Adjustments[0]
	if a.Status != sale.TenderPending || a.TenderKey != s.Tenders[0].Key || a.Amount != 3000 {
		t.Fatalf("adjustment %+v", a)
	}
	e, err := h.db.JournalGet(a.Key)
	if err != nil || e.State != store.OpQueued || !e.Deferrable || e.Kind != string(providers.KindRefund) {
		t.Fatalf("journal %+v, %v", e, err)
	}
	var op providers.Op
	if err := json.Unmarshal(e.Op, &op); err != nil || op.Target != s.Tenders[0].Key || op.Amount != 3000 || op.Returned != 0 || op.Provider != "cancan" {
		t.Fatalf("op %+v, %v", op, err)
	}

	// The worker's answer reaches the slip.
	if _, err := h.db.UpdateSale(1, func(s *sale.Sale) error { return s.SettleAdjustment(a.Key, sale.TenderApproved, "rf-1", "") }); err != nil {
		t.Fatal(err)
	}
	h.send(OperationMsg{SaleID: s.ID, Key: a.Key, Kind: e.Kind, Status: string(providers.Approved)})
	if got := h.m.ret.sale.Adjustments[0].Status; got != sale.TenderApproved {
		t.Errorf("the slip still shows the refund %s", got)
	}
}

func TestAWholeReturnGivesThePassesBack(t *testing.T) {
	db := testDB(t)
	s := sale.New("sale-c", "TWD", testNow)
	if _, err := s.Add(testItems[0], "4710088410122", 3500, 2); err != nil {
		t.Fatal(err)
	}
	c := sale.Coupon{Provider: "pass2u", Key: "redeem-1", Model: "1248", Campaign: "381", Barcode: "P2U-OK-1",
		Effect: sale.CouponEffect{Kind: sale.EffectPercent, Percent: 1000}}
	cl, err := s.AddCoupon("10% off", c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SettleCoupon(c.Key, sale.TenderApproved, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayCash(taxIncl, 6300, testNow); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(taxIncl); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CompleteSale(s, testNow); err != nil {
		t.Fatal(err)
	}
	h := newHarnessWith(t, db, nil, nil)
	h.openReturnOf("1")
	h.send(plus)
	h.enter()
	got, _ := db.SaleByNumber(1)
	if len(got.Returns[0].Passes) != 0 {
		t.Fatal("a pass went back with half the sale")
	}
	h.enter()
	h.openReturnOf("1")
	h.send(space)
	h.wantScreen("TWD 31.50")
	h.enter()
	got, _ = db.SaleByNumber(1)
	r := got.Returns[1]
	if len(r.Passes) != 1 || r.Passes[0] != cl.ID {
		t.Fatalf("return %+v: the pass was not given back", r)
	}
	key := got.Lines[1].Coupon.UnredeemKey
	e, err := db.JournalGet(key)
	var op providers.Op
	if err != nil || e.Kind != string(providers.KindUnredeem) || e.State != store.OpQueued || json.Unmarshal(e.Op, &op) != nil ||
		op.Pass == nil || op.Pass.Barcode != "P2U-OK-1" || op.Target != "redeem-1" {
		t.Fatalf("unredeem %+v (%+v), %v", e, op, err)
	}
	if got.Returns[0].Amount+got.Returns[1].Amount != got.Total {
		t.Errorf("returns %d + %d of %d", got.Returns[0].Amount, got.Returns[1].Amount, got.Total)
	}
}

func TestAReturnNeedsAManager(t *testing.T) {
	h := staffHarness(t, nil)
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.cashSale()
	h.openReturnOf("1")
	h.send(space)
	h.enter()
	h.wantScreen("Manager approval", "refund")
	h.login("boss", "1234")
	h.run(h.held)
	h.wantScreen("Return recorded")
	s, _ := h.db.SaleByNumber(1)
	if s.Clerk != "ann" || len(s.Returns) != 1 || s.Returns[0].Clerk != "ann" {
		t.Fatalf("sale clerk %q, returns %+v", s.Clerk, s.Returns)
	}
	as, err := h.db.Approvals(time.Time{}, testNow.Add(time.Hour))
	if err != nil || len(as) != 1 || as[0].By != "boss" || as[0].For != "ann" || as[0].Action != store.ActionRefund {
		t.Fatalf("approvals %+v, %v", as, err)
	}
}

func TestAPriceOverrideNeedsAManager(t *testing.T) {
	h := staffHarness(t, nil)
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.scan("4710088410122")
	h.send(ctrlP)
	h.wantScreen("New price for 烏龍茶 Oolong tea 500ml: 35.00")
	for range 5 {
		h.key(tea.KeyBackspace)
	}
	h.typeText("x")
	h.enter()
	h.wantScreen("Type the new price")
	h.key(tea.KeyBackspace)
	h.typeText("30")
	h.enter()
	h.wantScreen("Manager approval", "a price override")
	h.login("boss", "1234")
	h.run(h.held)
	h.wantScreen("Price of 烏龍茶 Oolong tea 500ml changed to 30.00", "*30.00", "TOTAL TWD 30.00")
	open, _ := h.db.OpenSale()
	o := open.Lines[0].Override
	if open.Lines[0].UnitPrice != 3000 || o == nil || o.Was != 3500 || o.By != "boss" {
		t.Fatalf("line %+v, override %+v", open.Lines[0], o)
	}
	as, _ := h.db.Approvals(time.Time{}, testNow.Add(time.Hour))
	if len(as) != 1 || as[0].Action != store.ActionPriceOverride || as[0].For != "ann" {
		t.Fatalf("approvals %+v", as)
	}
	// Esc at the manager prompt leaves the price as it is.
	h.send(ctrlP)
	h.key(tea.KeyBackspace)
	h.typeText("5")
	h.enter()
	h.key(tea.KeyEscape)
	h.wantScreen("Not approved: nothing was done", "TOTAL TWD 30.00")
}

func TestARefusedRefundIsPaidInCash(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved, Reference: "cc-ref-1"}}
	h := newHarnessWithPayments(t, nil, fw)
	p := &fakePrinter{}
	h.m.opt.Printer = p
	walletSale(h)
	h.openReturnOf("1")
	h.key(tea.KeyDown)
	h.send(space) // the cola
	h.enter()
	s, _ := h.db.SaleByNumber(1)
	key := s.Adjustments[0].Key
	if _, err := h.db.UpdateSale(1, func(s *sale.Sale) error {
		return s.SettleAdjustment(key, sale.TenderDeclined, "", "refund window closed\x1b[2J")
	}); err != nil {
		t.Fatal(err)
	}
	h.send(OperationMsg{SaleID: s.ID, Key: key, Kind: string(providers.KindRefund), Status: string(providers.Declined)})
	h.wantScreen("A refund was refused (refund window closed", "F6 pays it in cash", "F6 refused refund in cash")
	drawers := p.drawers
	h.key(tea.KeyF6)
	h.wantScreen("Give the customer 30.00 in cash")
	if p.drawers != drawers+1 {
		t.Error("the drawer did not open for the cash")
	}
	s, _ = h.db.SaleByNumber(1)
	if len(s.Adjustments) != 2 || s.Adjustments[1].Replaces != key || s.Adjustments[1].Method != sale.MethodCash || len(s.DeclinedRefunds()) != 0 {
		t.Fatalf("adjustments %+v", s.Adjustments)
	}
	h.key(tea.KeyF6) // nothing more is owed
	if s2, _ := h.db.SaleByNumber(1); len(s2.Adjustments) != 2 {
		t.Fatal("paid twice")
	}
	// Opened again later, the return shows nothing owed.
	h.enter()
	h.openReturnOf("1")
	if h.m.status.kind == statusError {
		t.Errorf("status %q", h.m.status.text)
	}
}

// An approval that comes after the clerk left the return does nothing.
func TestAReturnLeftBeforeItsApprovalIsNotRecorded(t *testing.T) {
	h := staffHarness(t, nil)
	h.login("boss", "1234")
	h.typeText("0")
	h.enter()
	h.cashSale()
	h.openReturnOf("1")
	h.send(space)
	_, approve := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // a logged-in manager: recorded in the background
	h.key(tea.KeyEscape)
	h.run(approve)
	h.run(h.held)
	h.wantScreen("The return was left before it was approved: nothing was done")
	if s, _ := h.db.SaleByNumber(1); len(s.Returns) != 0 {
		t.Fatalf("returns %+v", s.Returns)
	}
	// Staying on it, the manager's own approval records it.
	h.openReturnOf("1")
	h.send(space)
	h.enter()
	h.run(h.held)
	h.wantScreen("Return recorded")
	if s, _ := h.db.SaleByNumber(1); len(s.Returns) != 1 || s.Returns[0].Clerk != "boss" {
		t.Fatalf("returns %+v", s.Returns)
	}
}

// A second refund of the same payment tells SWiP what went back before.
func TestASecondWalletReturnCarriesWhatWentBackBefore(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved, Reference: "cc-ref-1"}}
	h := newHarnessWithPayments(t, nil, fw)
	walletSale(h)
	h.openReturnOf("1")
	h.send(space) // the tea, 35.00
	h.enter()
	s, _ := h.db.SaleByNumber(1)
	first := s.Adjustments[0].Key
	if _, err := h.db.UpdateSale(1, func(s *sale.Sale) error { return s.SettleAdjustment(first, sale.TenderApproved, "rf-1", "") }); err != nil {
		t.Fatal(err)
	}
	h.enter()
	h.openReturnOf("1")
	h.key(tea.KeyDown)
	h.send(space) // the cola, 30.00
	h.enter()
	s, _ = h.db.SaleByNumber(1)
	e, err := h.db.JournalGet(s.Adjustments[1].Key)
	var op providers.Op
	if err != nil || json.Unmarshal(e.Op, &op) != nil || op.Amount != 3000 || op.Returned != 3500 {
		t.Fatalf("second refund %+v, %v", op, err)
	}
}

// A refund refused while the clerk sells on is told on the status line.
func TestARefundRefusedLaterIsTold(t *testing.T) {
	h := newHarness(t, nil)
	h.send(OperationMsg{SaleID: "s-old", Key: "k", Kind: string(providers.KindRefund), Status: string(providers.Declined), Reason: "too late\x1b[31m"})
	h.wantScreen("A refund was refused (too late", "F6 on its return (ctrl+r)")
	if strings.Contains(h.m.View().Content, "late\x1b") || strings.Contains(h.screen(), "[31m") {
		t.Error("the provider's reason reached the terminal raw")
	}
}
