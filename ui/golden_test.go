package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"till/store"
)

// Golden screens at 100x30, colours stripped so a diff reads as the clerk
// sees it. `make golden` rewrites them after a deliberate change.

func TestGoldenSaleEmpty(t *testing.T) {
	h := newHarness(t, nil)
	golden.RequireEqual(t, h.screen())
}

func cartHarness(t *testing.T) *harness { return fillCart(newHarness(t, nil)) }

// fillCart rings up the goldens' cart: a Chinese name, a weighed item, a
// priced code and a voided line, the selection moved up.
func fillCart(h *harness) *harness {
	h.typeText("3*4710088410122")
	h.enter()
	h.scan("375*2100001")
	h.scan("2000001001509")
	h.scan("5449000000996")
	h.scan("036000291452")
	h.key(tea.KeyDelete)
	h.key(tea.KeyUp)
	return h
}

func TestGoldenSaleCart(t *testing.T) {
	golden.RequireEqual(t, cartHarness(t).screen())
}

func TestGoldenSaleQuantityPrompt(t *testing.T) {
	h := cartHarness(t)
	h.key(tea.KeyF2)
	golden.RequireEqual(t, h.screen())
}

func TestGoldenSaleError(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("4710088410123")
	golden.RequireEqual(t, h.screen())
}

func TestGoldenSearch(t *testing.T) {
	h := newHarness(t, nil)
	h.key(tea.KeyF3)
	h.typeText("a")
	h.key(tea.KeyDown)
	golden.RequireEqual(t, h.screen())
}

func TestGoldenPaymentPartlyPaid(t *testing.T) {
	h := cartHarness(t)
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("100")
	h.enter()
	h.typeText("1")
	golden.RequireEqual(t, h.screen())
}

func TestGoldenReceipt(t *testing.T) {
	h := cartHarness(t)
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("500")
	h.enter()
	golden.RequireEqual(t, h.screen())
}

func TestGoldenReceiptSmallTerminal(t *testing.T) {
	h := cartHarness(t)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 25})
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	golden.RequireEqual(t, h.screen())
}

func TestGoldenSaleSmallTerminal(t *testing.T) {
	h := cartHarness(t)
	h.send(tea.WindowSizeMsg{Width: 80, Height: 25})
	golden.RequireEqual(t, h.screen())
}

func TestGoldenJournal(t *testing.T) {
	h := newHarness(t, nil)
	for _, e := range []store.JournalEntry{
		{Provider: "cancan", Kind: "void", Key: "void-1", SaleID: "sale-aaaa-1", Deferrable: true, State: store.OpQueued,
			Op: []byte(`{}`), Attempts: 3, LastError: "CANCAN did not answer"},
		{Provider: "ipass", Kind: "pay", Key: "pay-2", SaleID: "sale-bbbb-2", State: store.OpReview, Op: []byte(`{}`), Attempts: 2},
		{Provider: "cancan", Kind: "pay", Key: "pay-3", SaleID: "sale-cccc-3", State: store.OpDone, Op: []byte(`{}`)},
	} {
		if _, err := h.db.JournalAppend(e); err != nil {
			t.Fatal(err)
		}
	}
	h.key(tea.KeyF9)
	golden.RequireEqual(t, h.screen())
}

// Each screen added since, at the Linux console's 80x25.
func consoleSize(h *harness) { h.send(tea.WindowSizeMsg{Width: 80, Height: 25}) }

func TestGoldenLogin80x25(t *testing.T) {
	h := staffHarness(t, nil)
	consoleSize(h)
	h.typeText("ann")
	h.enter()
	h.typeText("56")
	golden.RequireEqual(t, h.screen())
}

func TestGoldenManagerApproval80x25(t *testing.T) {
	h := staffHarness(t, func(o *Options) { o.Printer = &fakePrinter{} })
	consoleSize(h)
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.key(tea.KeyF11)
	golden.RequireEqual(t, h.screen())
}

func TestGoldenCoupons80x25(t *testing.T) {
	h, _ := passHarness(t, "")
	consoleSize(h)
	h.key(tea.KeyF5)
	golden.RequireEqual(t, h.screen())
}

func TestGoldenReceiptWithCouponAndDiscount80x25(t *testing.T) {
	h, _ := passHarness(t, "1248/381")
	consoleSize(h)
	h.key(tea.KeyF5)
	h.scan("P2U-OK-golden")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	golden.RequireEqual(t, h.screen())
}
