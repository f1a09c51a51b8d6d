package ui

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/google/uuid"

	"till/providers"
	"till/providers/swip"
	"till/providers/swip/swipsim"
	"till/providers/wallet"
	"till/store"
	"till/store/sale"
	"till/ui/qrcode"
)

// swipHarness is a till whose only wallet is SWiP, through the real
// adapter against the simulator; the payment's follow is held so the test
// can look at the QR screen and play the customer. The cart is tea and
// cola, 65.00.
func swipHarness(t *testing.T, opts ...swipsim.Option) (*harness, *swipsim.Sim) {
	t.Helper()
	sim := swipsim.New(opts...)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	client, err := swip.New(swip.Config{BaseURL: srv.URL, Token: swipsim.DefaultToken, MerchantID: swipsim.DefaultMerchantID,
		StoreID: "S1", CashID: "T1", Currency: "TWD", PollInterval: time.Millisecond, PayWindow: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) {
		o.Payments = map[string]providers.Payments{"swip": client.Payments()}
		o.Wallets = []wallet.Wallet{wallet.SWiP}
		o.NewID = uuid.NewString
		o.Now = time.Now // the pay window runs on the adapter's clock
		o.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
		o.DemoCustomer = func(provider, ref string, atTill bool) error {
			if atTill {
				return sim.Identify(ref, "member-001")
			}
			return sim.Pay(ref, "member-001")
		}
	})
	h.hold = true
	h.scan("4710088410122")
	h.scan("5449000000996")
	return h, sim
}

// showQR pays with SWiP (key 2) and returns the order the till created.
func showQR(t *testing.T, h *harness, sim *swipsim.Sim) swipsim.Order {
	t.Helper()
	h.key(tea.KeyF12)
	h.wantScreen("2  SWiP")
	h.typeText("2")
	orders := sim.Orders()
	if len(orders) != 1 || h.held == nil {
		t.Fatalf("orders %+v, follow held %v", orders, h.held != nil)
	}
	return orders[0]
}

func TestSWiPShowsTheSessionCodeAsAQRCode(t *testing.T) {
	h, sim := swipHarness(t)
	o := showQR(t, h, sim)
	if o.TotalOriginal != 6500 || len(o.Purchases) != 2 || o.Purchases[0].ProductID != "TEA-500" {
		t.Errorf("order %+v", o)
	}
	qr, err := qrcode.Render(o.SessionCode)
	if err != nil {
		t.Fatal(err)
	}
	screen := h.screen()
	for _, l := range qr {
		if !strings.Contains(screen, l) {
			t.Fatalf("the QR code of %q is not on screen:\n%s", o.SessionCode, screen)
		}
	}
	h.wantScreen("SWiP  TWD 65.00", "scan with the SWiP app", "esc cancel", "F2 demo: customer pays")
	if strings.Contains(screen, o.SessionCode) {
		t.Error("the session code is printed as text, not only drawn")
	}
	// Too small a window says so instead of drawing half a code.
	h.send(tea.WindowSizeMsg{Width: 60, Height: 15})
	h.wantScreen("Too small for the QR code")
}

func TestSWiPScenario1PaidInTheAppWithTheLoyaltyDiscount(t *testing.T) {
	h, sim := swipHarness(t)
	o := showQR(t, h, sim)
	h.key(tea.KeyF2) // demo: the member pays in the app
	h.run(h.held)
	// 10% member discount of 65.00 is 6.50, rounded by SWiP to 7.
	h.wantScreen("Receipt 000001", "SWiP loyalty discount", "-7.00", "TWD 58.00")
	s, err := h.db.SaleByNumber(1)
	if err != nil {
		t.Fatal(err)
	}
	tn := s.Tenders[0]
	if tn.Status != sale.TenderApproved || tn.Amount != 5800 || tn.Reference != o.ID || s.Total != 5800 ||
		len(s.Discounts) != 1 || s.Discounts[0].Amount != 700 || s.Discounts[0].AtTill != 0 {
		t.Errorf("sale %+v", s)
	}
	if got, _ := sim.Order(o.ID); got.Status != "CLOSED" || got.CloseAmount != 5800 || got.Closes != 1 {
		t.Errorf("order %+v", got)
	}
}

func TestSWiPScenario2DiscountThenCashThenTheOrderIsClosed(t *testing.T) {
	h, sim := swipHarness(t)
	o := showQR(t, h, sim)
	h.key(tea.KeyF3) // demo: the member takes the discount, pays at the till
	h.run(h.held)
	h.wantScreen("discount 7.00 applied: take the 58.00 due in cash", "Discount", "-7.00")
	if got, _ := sim.Order(o.ID); got.Status != "OPEN" {
		t.Fatalf("closed before the till took the money: %+v", got)
	}
	h.typeText("1")
	h.key(tea.KeyF5) // exact cash
	h.wantScreen("Receipt 000001", "SWiP loyalty discount", "TWD 58.00")
	s, _ := h.db.SaleByNumber(1)
	if len(s.Discounts) != 1 || s.Discounts[0].AtTill != 5800 || s.Discounts[0].CloseKey == "" || s.Total != 5800 {
		t.Fatalf("sale %+v", s)
	}
	// The close waits in the journal for the replay worker, saved with
	// the sale before it completed.
	e, err := h.db.JournalGet(s.Discounts[0].CloseKey)
	if err != nil || e.State != store.OpQueued || e.Kind != string(providers.KindClose) || !e.Deferrable {
		t.Fatalf("close entry %+v, %v", e, err)
	}
	op := decodeOp(t, e.Op)
	if op.Target != o.ID || op.Amount != 5800 {
		t.Errorf("close op %+v", op)
	}
	out := providers.Do(t.Context(), h.m.opt.Payments["swip"], op)
	if got, _ := sim.Order(o.ID); out.Status != providers.Approved || got.CloseAmount != 5800 || got.Paid != 0 {
		t.Errorf("%+v %+v", out, got)
	}
}

func TestSWiPCancelClosesTheOrderWithZero(t *testing.T) {
	h, sim := swipHarness(t)
	o := showQR(t, h, sim)
	h.key(tea.KeyEscape)
	h.run(h.held)
	h.wantScreen("cancelled", "Due")
	if got, _ := sim.Order(o.ID); got.Status != "CLOSED" || got.CloseAmount != 0 {
		t.Errorf("order %+v", got)
	}
	if h.m.sale.Tenders[0].Status != sale.TenderVoided {
		t.Errorf("tender %+v", h.m.sale.Tenders[0])
	}
}

func TestSWiPNotPaidInTimeIsCancelled(t *testing.T) {
	h, sim := swipHarness(t)
	o := showQR(t, h, sim)
	h.run(h.held) // nobody pays within the (2 s) window
	h.wantScreen("SWiP declined", "Not paid within")
	if got, _ := sim.Order(o.ID); got.Status != "CLOSED" || got.CloseAmount != 0 {
		t.Errorf("order %+v", got)
	}
}

func TestLoyaltyQuoteShowsTheAnonymousDiscountInTheCart(t *testing.T) {
	h, sim := swipHarness(t, swipsim.WithAnonymousDiscount(5))
	h.key(tea.KeyF6)
	// 5% of 65.00 is 3.25, rounded by SWiP to 3.
	h.wantScreen("SWiP offers a loyalty discount of 3.00", "SWiP offers −3.00", "TOTAL TWD 65.00")
	if len(sim.Orders()) != 0 {
		t.Error("a quote made an order")
	}
	// The cart changes: the quote no longer stands.
	h.scan("0036000291452")
	if strings.Contains(h.screen(), "SWiP offers −3.00") {
		t.Error("a quote for another cart is still shown")
	}
}

func decodeOp(t *testing.T, raw []byte) providers.Op {
	t.Helper()
	var op providers.Op
	if err := json.Unmarshal(raw, &op); err != nil {
		t.Fatal(err)
	}
	return op
}
