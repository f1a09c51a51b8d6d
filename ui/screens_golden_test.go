package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/wallet"
)

// Golden views of the screens of login, shifts, reports, returns and
// price overrides, in English and in zh-TW, at the Linux console's 80x25.
// The login's PIN prompt, the no-sale approval and the campaign list have
// goldens of their own in both languages (TestGoldenLogin80x25,
// TestGoldenManagerApproval80x25, TestGoldenCoupons80x25 and their ZhTW
// twins), as has the zh-TW X report of a shift with nothing sold.

// consoleGolden compares the screen with its golden, after checking that
// no line is wider than the console: zhGolden, for either language.
func consoleGolden(t *testing.T, h *harness) { t.Helper(); zhGolden(t, h) }

// goldenLangs are the languages every screen is drawn in; each adjusts a
// harness's options.
var goldenLangs = []struct {
	name string
	set  func(*Options)
}{
	{"en", func(o *Options) { o.Language = English }},
	{"zh-TW", withZhTW},
}

// A shift's screens: a till with staff, a printer and reports over its
// database, at 80x25, nobody logged in yet.
func shiftHarness(t *testing.T, lang func(*Options)) *harness {
	h := staffHarness(t, func(o *Options) { lang(o); o.Printer = &fakePrinter{} })
	h.m.opt.Reports = storeReports{db: h.db}
	consoleSize(h)
	return h
}

// openShift logs the clerk in and opens the shift with no float.
func openShift(h *harness) {
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
}

// consoleHarness is a till without login, with a printer, at 80x25.
func consoleHarness(t *testing.T, lang func(*Options)) *harness {
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) { lang(o); o.Printer = &fakePrinter{} })
	consoleSize(h)
	return h
}

// walletConsoleHarness is newHarnessWithPayments in lang, at 80x25.
func walletConsoleHarness(t *testing.T, lang func(*Options)) *harness {
	fw := &fakeWallet{name: "cancan", pay: providers.Outcome{Status: providers.Approved, Reference: "cc-ref-1"}}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) {
		o.Payments = map[string]providers.Payments{"cancan": fw, "ipass": fw}
		o.Wallets = wallet.All
		o.Tick = func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }
		o.Printer = &fakePrinter{}
		lang(o)
	})
	consoleSize(h)
	return h
}

// walletSale is a tea and a cola paid with WeChat Pay, receipt 000001.
func walletSale(h *harness) {
	h.scan("4710088410122")
	h.scan("5449000000996")
	h.key(tea.KeyF12)
	h.typeText("2")
	h.typeText(wechatCode)
	h.enter()
	h.enter()
}

// pickCashReturn picks two of the three teas and the gum of cashSale.
func pickCashReturn(h *harness) {
	h.openReturnOf("000001")
	h.send(plus)
	h.send(plus)
	h.key(tea.KeyDown)
	h.send(space)
}

// newPrice types price over the price prompt's current one.
func newPrice(h *harness, price string) {
	for range 10 {
		h.key(tea.KeyBackspace)
	}
	h.typeText(price)
}

// down presses the down arrow n times, to scroll a report or slip.
func down(h *harness, n int) {
	for range n {
		h.key(tea.KeyDown)
	}
}

// busyShift is a shift with a sale, a return and a price override in
// it, opened and worked by the manager, so nothing waits for approval.
func busyShift(h *harness) {
	h.login("boss", "1234")
	h.typeText("5000")
	h.enter()
	h.cashSale()
	pickCashReturn(h)
	h.enter()
	h.run(h.held)
	h.enter()
	h.scan("5449000000996")
	h.send(ctrlP)
	newPrice(h, "25")
	h.enter()
	h.run(h.held)
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.enter()
}

// closedShift is busyShift closed by the clerk with 135.00 counted.
func closedShift(h *harness) {
	busyShift(h)
	h.key(tea.KeyF1)
	h.login("ann", "5678")
	h.key(tea.KeyF7)
	h.key(tea.KeyF10)
	h.typeText("135")
	h.enter()
	h.login("boss", "1234")
	h.run(h.held)
}

// overridePrompt asks the price of the cola of fillCart's cart, 28.50
// typed over its 30.00.
func overridePrompt(h *harness) {
	openShift(h)
	fillCart(h)
	h.send(ctrlP)
	newPrice(h, "28.50")
}

func TestGoldenScreens80x25(t *testing.T) {
	for _, tc := range []struct {
		name string
		// want is on the English screen: the drive got where it meant to.
		want  string
		drive func(t *testing.T, lang func(*Options)) *harness
	}{
		{"login-id", "Your id: an", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			h.typeText("an")
			return h
		}},
		{"opening-float", "Opening float:", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			h.login("ann", "5678")
			return h
		}},
		{"x-report", "X REPORT", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			busyShift(h)
			h.key(tea.KeyF7)
			return h
		}},
		{"x-report-end", "Returns (1)", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			busyShift(h)
			h.key(tea.KeyF7)
			down(h, 40)
			return h
		}},
		{"z-counted-cash", "X REPORT", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			busyShift(h)
			h.key(tea.KeyF7)
			h.key(tea.KeyF10)
			h.typeText("135")
			if !h.m.report.counting {
				t.Error("the report does not ask for the counted cash")
			}
			return h
		}},
		{"z-approval", "A manager approves: closing the shift", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			openShift(h)
			h.key(tea.KeyF7)
			h.key(tea.KeyF10)
			h.typeText("135")
			h.enter()
			return h
		}},
		{"z-report", "Z REPORT 000001", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			closedShift(h)
			return h
		}},
		{"z-report-end", "Shift closed: Z report printed", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			closedShift(h)
			down(h, 40)
			return h
		}},
		{"return-receipt-number", "Receipt number:", func(t *testing.T, lang func(*Options)) *harness {
			h := consoleHarness(t, lang)
			h.cashSale()
			h.send(ctrlR)
			return h
		}},
		{"return-pick-cash", "TWD 95.00", func(t *testing.T, lang func(*Options)) *harness {
			h := consoleHarness(t, lang)
			h.cashSale()
			pickCashReturn(h)
			return h
		}},
		{"return-pick-wallet", "WeChat Pay", func(t *testing.T, lang func(*Options)) *harness {
			h := walletConsoleHarness(t, lang)
			walletSale(h)
			h.openReturnOf("1")
			h.send(space)
			h.key(tea.KeyDown)
			h.send(plus)
			return h
		}},
		{"return-approval", "A manager approves: a refund or a return", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			openShift(h)
			h.cashSale()
			pickCashReturn(h)
			h.enter()
			return h
		}},
		{"return-slip-cash", "give the customer 95.00 in cash", func(t *testing.T, lang func(*Options)) *harness {
			h := consoleHarness(t, lang)
			h.cashSale()
			pickCashReturn(h)
			h.enter()
			return h
		}},
		{"return-slip-wallet", "being refunded", func(t *testing.T, lang func(*Options)) *harness {
			h := walletConsoleHarness(t, lang)
			walletSale(h)
			h.openReturnOf("1")
			h.key(tea.KeyDown)
			h.send(space)
			h.enter()
			return h
		}},
		{"price-override-prompt", "New price for Coca-Cola 330ml: 28.50", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			overridePrompt(h)
			return h
		}},
		{"price-override-approval", "A manager approves: a price override", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			overridePrompt(h)
			h.enter()
			return h
		}},
		{"price-overridden", "*28.50", func(t *testing.T, lang func(*Options)) *harness {
			h := shiftHarness(t, lang)
			overridePrompt(h)
			h.enter()
			h.login("boss", "1234")
			h.run(h.held)
			return h
		}},
	} {
		for _, l := range goldenLangs {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				h := tc.drive(t, l.set)
				if l.name == "en" && !strings.Contains(h.screen(), tc.want) {
					t.Errorf("the screen lacks %q", tc.want)
				}
				consoleGolden(t, h)
			})
		}
	}
}
