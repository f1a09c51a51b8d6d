package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/wallet"
	"till/store"
	"till/store/sale"
)

// fakeWallet answers as told and records what it was asked.
type fakeWallet struct {
	mu       sync.Mutex
	name     string
	pay      providers.Outcome
	follow   providers.Outcome
	lookup   providers.Outcome
	void     providers.Outcome
	block    chan struct{} // when set, Follow waits on it or on ctx
	calls    []providers.Op
	onPay    func() // runs inside Pay, e.g. to check what is on disk
	payCount int
}

func (f *fakeWallet) Name() string { return f.name }
func (f *fakeWallet) record(op providers.Op) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, op)
}
func (f *fakeWallet) Pay(ctx context.Context, op providers.Op) providers.Outcome {
	f.record(op)
	f.payCount++
	if f.onPay != nil {
		f.onPay()
	}
	return f.pay
}
func (f *fakeWallet) Follow(ctx context.Context, op providers.Op) providers.Outcome {
	f.record(op)
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			return providers.Outcome{Status: providers.Unknown, Reason: "cancelled"}
		}
	}
	return f.follow
}
func (f *fakeWallet) Void(ctx context.Context, op providers.Op) providers.Outcome {
	f.record(op)
	return f.void
}
func (f *fakeWallet) Refund(ctx context.Context, op providers.Op) providers.Outcome {
	f.record(op)
	return providers.Outcome{Status: providers.Declined}
}
func (f *fakeWallet) Lookup(ctx context.Context, op providers.Op) providers.Outcome {
	f.record(op)
	return f.lookup
}

func newHarnessWithPayments(t *testing.T, open *sale.Sale, fw *fakeWallet, journal ...store.JournalEntry) *harness {
	db, err := store.Open(t.TempDir() + "/till.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, e := range journal {
		if _, err := db.JournalAppend(e); err != nil {
			t.Fatal(err)
		}
	}
	return newHarnessWith(t, db, open, func(o *Options) {
		o.Payments = map[string]providers.Payments{"cancan": fw, "ipass": fw}
		o.Wallets = wallet.All
		o.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
	})
}

// waitFor polls cond; for the one test that must act while a payment runs.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(time.Millisecond)
	}
}

func walletHarness(t *testing.T, fw *fakeWallet) *harness {
	h := newHarnessWithPayments(t, nil, fw)
	h.scan("4710088410122")
	h.scan("5449000000996")
	h.key(tea.KeyF12)
	return h
}

const wechatCode = "134567890123456789"
const alipayCode = "2845678901234567"

func TestWeChatPaymentApprovedAfterPending(t *testing.T) {
	fw := &fakeWallet{name: "cancan",
		pay:    providers.Outcome{Status: providers.Pending},
		follow: providers.Outcome{Status: providers.Approved, Reference: "cc-ref-1"}}
	h := walletHarness(t, fw)
	h.wantScreen("2  WeChat Pay", "3  Alipay", "4  LINE Pay", "5  iPASS")
	fw.onPay = func() {
		open, err := h.db.OpenSale()
		if err != nil || len(open.Tenders) != 1 || open.Tenders[0].Status != sale.TenderPending {
			t.Errorf("the pending tender was not on disk before the request left: %+v, %v", open, err)
		}
	}
	h.typeText("2")
	h.wantScreen("WeChat Pay code:")
	h.typeText(wechatCode)
	h.enter()
	h.wantScreen("Receipt 000001", "WeChat Pay", "65.00", "Ref cc-ref-1")
	if len(fw.calls) != 2 || fw.calls[0].Kind != providers.KindPay || fw.calls[0].Amount != 6500 ||
		fw.calls[0].PaymentCode != wechatCode || fw.calls[0].Wallet != "wechat" {
		t.Fatalf("calls = %+v", fw.calls)
	}
	s, _ := h.db.SaleByNumber(1)
	if s.Tenders[0].Reference != "cc-ref-1" || s.Tenders[0].Provider != "cancan" || s.Tenders[0].Status != sale.TenderApproved {
		t.Errorf("tender = %+v", s.Tenders[0])
	}
}

func TestScannedCodePicksTheWalletOrAsks(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved, Reference: "r"}}
	h := walletHarness(t, fw)
	h.scan(alipayCode) // only Alipay has this form
	h.wantScreen("Receipt 000001", "Alipay")

	h = walletHarness(t, &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved}})
	h.scan(wechatCode)
	h.wantScreen("could be WeChat Pay or LINE Pay: press its number")
	h.typeText("4")
	h.wantScreen("Receipt 000001", "LINE Pay")
}

func TestWalletMismatchIsRefused(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved}}
	h := walletHarness(t, fw)
	h.typeText("2")
	h.scan(alipayCode)
	h.wantScreen("code looks like Alipay, not WeChat Pay")
	if len(fw.calls) != 0 {
		t.Error("a request was sent")
	}
}

func TestDeclinedPaymentKeepsTheCartAndSaysWhy(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Declined,
		Code: "customer_insufficient_balance_failure", Reason: "The customer's wallet has too little money.\x1b[31m"}}
	h := walletHarness(t, fw)
	h.typeText("3")
	h.scan(alipayCode)
	h.wantScreen("Alipay declined: The customer's wallet has too little money.", "Due", "TWD 65.00", "declined")
	if h.m.screen != screenPayment || h.m.payment.mode != payChoose {
		t.Fatal("a decline must return to the tender choice")
	}
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001")
	s, _ := h.db.SaleByNumber(1)
	if len(s.Tenders) != 2 || s.Tenders[0].Status != sale.TenderDeclined || s.Total != 6500 {
		t.Errorf("sale = %+v", s)
	}
}

func TestUnknownOutcomeIsLookedUpAndBlocksTheSale(t *testing.T) {
	fw := &fakeWallet{name: "cancan",
		pay:    providers.Outcome{Status: providers.Unknown, Reason: "no answer"},
		lookup: providers.Outcome{Status: providers.Unknown, Reason: "CANCAN did not answer the look-up"}}
	h := walletHarness(t, fw)
	h.typeText("2")
	h.scan(wechatCode)
	if len(fw.calls) != 2 || fw.calls[1].Kind != providers.KindLookup || fw.calls[1].Target != fw.calls[0].Key {
		t.Fatalf("an unknown outcome must be looked up at once: %+v", fw.calls)
	}
	h.wantScreen("outcome unknown", "look it up, or set it aside")
	h.typeText("1")
	h.wantScreen("look it up (F7) before taking another")
	fw.lookup = providers.Outcome{Status: providers.Approved, Reference: "found"}
	h.key(tea.KeyF7)
	h.wantScreen("Receipt 000001", "Ref found")
}

func TestCancelVoidsThePendingPayment(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Pending},
		void: providers.Outcome{Status: providers.Approved}, block: make(chan struct{})}
	h := walletHarness(t, fw)
	h.typeText("2")
	h.typeText(wechatCode)
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	// The save runs; the payment then blocks in Follow until cancelled.
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.run(cmd)
	}()
	waitFor(t, func() bool { fw.mu.Lock(); defer fw.mu.Unlock(); return len(fw.calls) >= 2 })
	h.m.cancelWallet() // what esc does
	<-done
	h.wantScreen("cancelled and reversed", "TWD 65.00")
	last := fw.calls[len(fw.calls)-1]
	if last.Kind != providers.KindVoid || last.Target != fw.calls[0].Key {
		t.Fatalf("cancel must void the payment: %+v", fw.calls)
	}
	if h.m.sale.Tenders[0].Status != sale.TenderVoided {
		t.Errorf("tender = %+v", h.m.sale.Tenders[0])
	}
	void, err := h.db.JournalGet(last.Key)
	if err != nil || void.State != store.OpDone || !void.Deferrable || void.Kind != "void" {
		t.Errorf("the void's journal entry = %+v, %v", void, err)
	}
}

func TestRestartLooksUpAPaymentInFlight(t *testing.T) {
	open := sale.New("restored", "TWD", testNow)
	if _, err := open.Add(testItems[0], "TEA-500", 3500, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := open.StartTender(taxIncl, "WeChat Pay", "cancan", "wechat", "op-1", 3500, testNow); err != nil {
		t.Fatal(err)
	}
	fw := &fakeWallet{name: "cancan", lookup: providers.Outcome{Status: providers.Approved, Reference: "late"}}
	// The crash left the payment journaled as sent, with its tender.
	h := newHarnessWithPayments(t, open, fw, store.JournalEntry{Provider: "cancan", Kind: "pay", Key: "op-1",
		SaleID: "restored", State: store.OpSent, Op: []byte(`{}`)})
	h.wantScreen("Receipt 000001", "Ref late")
	if len(fw.calls) != 1 || fw.calls[0].Kind != providers.KindLookup || fw.calls[0].Target != "op-1" {
		t.Fatalf("calls = %+v", fw.calls)
	}
	if e, err := h.db.JournalGet("op-1"); err != nil || e.State != store.OpDone {
		t.Errorf("journal entry = %+v, %v; want done", e, err)
	}
}

func TestPaymentIsJournaledBeforeItIsSent(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved, Reference: "r1"}}
	h := walletHarness(t, fw)
	fw.onPay = func() {
		sent, err := h.db.Journal(store.OpSent)
		if err != nil || len(sent) != 1 || sent[0].Kind != "pay" || sent[0].Provider != "cancan" {
			t.Errorf("journal before the request: %+v, %v", sent, err)
		}
	}
	h.typeText("2")
	h.scan(wechatCode)
	h.wantScreen("Receipt 000001")
	all, err := h.db.Journal()
	if err != nil || len(all) != 1 || all[0].State != store.OpDone || !strings.Contains(string(all[0].Outcome), `"r1"`) {
		t.Fatalf("journal after: %+v, %v", all, err)
	}
	if strings.Contains(string(all[0].Op), "api_key") {
		t.Error("credentials in the journal")
	}
}

func TestSetAsideDuringAnOutageThenReversed(t *testing.T) {
	fw := &fakeWallet{name: "cancan",
		pay:    providers.Outcome{Status: providers.Unknown, Retryable: true, Reason: "CANCAN is not answering"},
		lookup: providers.Outcome{Status: providers.Unknown, Retryable: true, Reason: "CANCAN is not answering"}}
	h := walletHarness(t, fw)
	h.typeText("2")
	h.scan(wechatCode)
	h.wantScreen("outcome unknown")
	h.key(tea.KeyF6)
	h.wantScreen("Set aside", "set_aside")
	payKey := fw.calls[0].Key
	if e, _ := h.db.JournalGet(payKey); e.State != store.OpUnknown {
		t.Fatalf("the set-aside payment must stay in the journal to be looked up: %+v", e)
	}
	// The provider comes back: the replay finds the payment went through,
	// after the customer had already paid another way.
	h.send(OperationMsg{SaleID: h.m.sale.ID, Key: payKey, Kind: "pay", Status: "approved", Reference: "late"})
	h.wantScreen("went through after all: reversing it", "reversing")
	voids, _ := h.db.Journal(store.OpQueued)
	if len(voids) != 1 || voids[0].Kind != "void" || !voids[0].Deferrable || !strings.Contains(string(voids[0].Op), payKey) {
		t.Fatalf("a void must be queued for the worker: %+v", voids)
	}
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001")
	s, _ := h.db.SaleByNumber(1)
	if s.Total != 6500 || s.Tenders[0].Status != sale.TenderReversing || s.Tenders[1].Amount != 6500 {
		t.Errorf("sale = %+v", s)
	}
}

// After a crash, a look-up reads a cancelled payment as declined; the void
// that reversed it, replayed later, has the last word.
func TestReplayedVoidMarksADeclinedPaymentVoided(t *testing.T) {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Declined, Reason: "The wallet did not accept the payment."}}
	h := walletHarness(t, fw)
	h.typeText("2")
	h.scan(wechatCode)
	key := fw.calls[0].Key
	h.send(OperationMsg{SaleID: h.m.sale.ID, Key: "void-1", Kind: "void", Target: key, Status: "approved"})
	if got := h.m.sale.Tenders[0].Status; got != sale.TenderVoided {
		t.Errorf("tender status %s, want voided", got)
	}
}
