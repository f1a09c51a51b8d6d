package ui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"till/providers"
	"till/store"
	"till/store/receipt"
	"till/store/sale"
)

// The zh-TW screens at the Linux console's 80x25, next to the English
// goldens: every line must fit and the columns line up.

func withZhTW(o *Options) { o.Language = TraditionalChinese }

func zhHarness(t *testing.T) *harness {
	t.Helper()
	h := newHarnessWith(t, testDB(t), nil, withZhTW)
	consoleSize(h)
	return h
}

// zhCart is the English goldens' cart, in zh-TW at 80x25.
func zhCart(t *testing.T) *harness { return fillCart(zhHarness(t)) }

// zhGolden compares the screen with its golden, after checking that no
// line is wider than the console.
func zhGolden(t *testing.T, h *harness) {
	t.Helper()
	screen := h.screen()
	for i, l := range strings.Split(screen, "\n") {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d columns wide: %q", i+1, w, l)
		}
	}
	golden.RequireEqual(t, screen)
}

func TestGoldenZhTWSaleEmpty80x25(t *testing.T) { zhGolden(t, zhHarness(t)) }

func TestGoldenZhTWSaleCart80x25(t *testing.T) { zhGolden(t, zhCart(t)) }

func TestGoldenZhTWSaleQuantityPrompt80x25(t *testing.T) {
	h := zhCart(t)
	h.key(tea.KeyF2)
	zhGolden(t, h)
}

func TestGoldenZhTWSaleError80x25(t *testing.T) {
	h := zhHarness(t)
	h.typeText("0*4710088410122")
	h.enter()
	zhGolden(t, h)
}

func TestGoldenZhTWSearch80x25(t *testing.T) {
	h := zhHarness(t)
	h.key(tea.KeyF3)
	h.typeText("a")
	h.key(tea.KeyDown)
	zhGolden(t, h)
}

func TestGoldenZhTWPaymentPartlyPaid80x25(t *testing.T) {
	h := zhCart(t)
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("100")
	h.enter()
	h.typeText("1")
	zhGolden(t, h)
}

func TestGoldenZhTWReceipt80x25(t *testing.T) {
	h := zhCart(t)
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("500")
	h.enter()
	zhGolden(t, h)
}

func TestGoldenZhTWReceiptWithCouponAndDiscount80x25(t *testing.T) {
	h, _ := passHarnessWith(t, "1248/381", withZhTW)
	consoleSize(h)
	h.key(tea.KeyF5)
	h.scan("P2U-OK-golden")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	zhGolden(t, h)
}

func TestGoldenZhTWJournal80x25(t *testing.T) {
	h := zhHarness(t)
	for _, e := range []store.JournalEntry{
		{Provider: "cancan", Kind: "void", Key: "void-1", SaleID: "sale-aaaa-1", Deferrable: true, State: store.OpQueued,
			Op: []byte(`{}`), Attempts: 3, LastError: "CANCAN did not answer"},
		{Provider: "ipass", Kind: "pay", Key: "pay-2", SaleID: "sale-bbbb-2", State: store.OpReview, Op: []byte(`{}`), Attempts: 2},
	} {
		if _, err := h.db.JournalAppend(e); err != nil {
			t.Fatal(err)
		}
	}
	h.key(tea.KeyF9)
	zhGolden(t, h)
}

func TestGoldenZhTWCoupons80x25(t *testing.T) {
	h, _ := passHarnessWith(t, "", withZhTW)
	consoleSize(h)
	h.key(tea.KeyF5)
	zhGolden(t, h)
}

func TestGoldenZhTWLogin80x25(t *testing.T) {
	h := staffHarness(t, withZhTW)
	consoleSize(h)
	h.typeText("ann")
	h.enter()
	h.typeText("56")
	zhGolden(t, h)
}

func TestGoldenZhTWManagerApproval80x25(t *testing.T) {
	h := staffHarness(t, func(o *Options) { withZhTW(o); o.Printer = &fakePrinter{} })
	consoleSize(h)
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.key(tea.KeyF11)
	zhGolden(t, h)
}

func TestGoldenZhTWXReport80x25(t *testing.T) {
	h := staffHarness(t, func(o *Options) { withZhTW(o); o.Printer = &fakePrinter{} })
	h.m.opt.Reports = storeReports{db: h.db}
	consoleSize(h)
	h.login("ann", "5678")
	h.typeText("0")
	h.enter()
	h.key(tea.KeyF7)
	zhGolden(t, h)
}

// Switching the language changes the sale screen's words and the
// receipt's, and nothing else about them.
func TestLanguageSwitchesSaleScreenAndReceipt(t *testing.T) {
	pay := func(h *harness) {
		h.scan("4710088410122")
		h.key(tea.KeyF12)
		h.typeText("1")
		h.typeText("100")
		h.enter()
	}
	en := newHarness(t, nil)
	zh := newHarnessWith(t, testDB(t), nil, withZhTW)
	for _, h := range []*harness{en, zh} {
		h.scan("4710088410122")
	}
	enSale, zhSale := en.screen(), zh.screen()
	for _, w := range []string{"Sale", "Item", "Qty", "Price", "Amount", "TOTAL", "Items", "pay", "search"} {
		if !strings.Contains(enSale, w) {
			t.Errorf("the English sale screen lacks %q", w)
		}
	}
	for _, w := range []string{"銷售", "品名", "數量", "單價", "金額", "合計", "件數", "付款", "搜尋", "掃描或輸入條碼", "已加入"} {
		if !strings.Contains(zhSale, w) {
			t.Errorf("the zh-TW sale screen lacks %q:\n%s", w, zhSale)
		}
	}
	for _, w := range []string{"TOTAL", "Qty", "Amount", "search", "Added"} {
		if strings.Contains(zhSale, w) {
			t.Errorf("the zh-TW sale screen still says %q:\n%s", w, zhSale)
		}
	}
	// The name from the catalog is the same in both.
	if !strings.Contains(zhSale, "烏龍茶 Oolong tea") {
		t.Errorf("the item's name changed:\n%s", zhSale)
	}

	en = newHarness(t, nil)
	zh = newHarnessWith(t, testDB(t), nil, withZhTW)
	pay(en)
	pay(zh)
	enRcpt, zhRcpt := strings.Join(en.m.receiptLines(), "\n"), strings.Join(zh.m.receiptLines(), "\n")
	for _, w := range []string{"Receipt 000001", "TOTAL", "Tax standard 5% incl.", "Cash tendered", "Change", "Thank you"} {
		if !strings.Contains(enRcpt, w) {
			t.Errorf("the English receipt lacks %q:\n%s", w, enRcpt)
		}
	}
	for _, w := range []string{"收據 000001", "合計", "稅額 standard 5%(內含)", "收現", "找零", "謝謝光臨", "收銀機 T1"} {
		if !strings.Contains(zhRcpt, w) {
			t.Errorf("the zh-TW receipt lacks %q:\n%s", w, zhRcpt)
		}
	}
	for _, w := range []string{"Receipt", "TOTAL", "Tax", "Cash", "Change", "Thank you"} {
		if strings.Contains(zhRcpt, w) {
			t.Errorf("the zh-TW receipt still says %q:\n%s", w, zhRcpt)
		}
	}
	for _, l := range zh.m.receiptLines() {
		if w := ansi.StringWidth(l); w > receiptWidth {
			t.Errorf("receipt line %q is %d columns wide", l, w)
		}
	}
	if zh.m.keys.Pay.Help().Key != "F12" || zh.m.keys.Pay.Help().Desc != "付款" {
		t.Errorf("pay key help = %+v", zh.m.keys.Pay.Help())
	}
}

// ReceiptWords fills every word, so a printer handed them prints no
// English; English is receipt.English itself.
func TestReceiptWords(t *testing.T) {
	if ReceiptWords(English) != receipt.English {
		t.Errorf("English words = %+v", ReceiptWords(English))
	}
	zh := ReceiptWords(TraditionalChinese)
	en := receipt.English
	for i, pair := range [][2]string{
		{zh.Till, en.Till}, {zh.Receipt, en.Receipt}, {zh.Total, en.Total}, {zh.Tax, en.Tax},
		{zh.Inclusive, en.Inclusive}, {zh.CashTendered, en.CashTendered}, {zh.Cash, en.Cash}, {zh.Ref, en.Ref},
		{zh.Change, en.Change}, {zh.Sale, en.Sale}, {zh.ThankYou, en.ThankYou}, {zh.ETickets, en.ETickets},
		{zh.Order, en.Order}, {zh.Passcode, en.Passcode}, {zh.NotIssued, en.NotIssued},
		{zh.AskManager, en.AskManager}, {zh.BeingIssued, en.BeingIssued}, {zh.Free, en.Free},
		{zh.PriceWas, en.PriceWas}, {zh.Returned, en.Returned}, {zh.Return, en.Return}, {zh.Refund, en.Refund},
		{zh.BeingRefunded, en.BeingRefunded}, {zh.RefundDeclined, en.RefundDeclined}, {zh.RefundUnknown, en.RefundUnknown},
		{zh.PassesBack, en.PassesBack}, {zh.Signature, en.Signature},
	} {
		if pair[0] == "" || pair[0] == pair[1] {
			t.Errorf("word %d is not translated: %q", i, pair[1])
		}
	}
}

// Every entry of the table is an English text the UI's source uses, as a
// Go string literal: a key with a typo, or left over, would never be
// shown. Every help description is translated.
func TestNoDeadTranslations(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var src strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "lang.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src.Write(b)
	}
	// The receipt's words are looked up in lang.go itself.
	lang, err := os.ReadFile("lang.go")
	if err != nil {
		t.Fatal(err)
	}
	_, after, _ := strings.Cut(string(lang), "func ReceiptWords")
	body, _, _ := strings.Cut(after, "\n}\n")
	src.WriteString(body)
	for k := range zhTW {
		if !strings.Contains(src.String(), strconv.Quote(k)) {
			t.Errorf("zhTW has %q, which no UI source uses", k)
		}
	}
	km := DefaultKeyMap()
	for _, b := range []string{km.Pay.Help().Desc, km.Void.Help().Desc, km.SetAside.Help().Desc, km.DemoAtTill.Help().Desc} {
		if _, ok := zhTW[b]; !ok {
			t.Errorf("help %q is not translated", b)
		}
	}
	// The state words are other packages' values: each one is still one.
	states := []string{sale.TenderApproved, sale.TenderPending, sale.TenderDeclined, sale.TenderUnknown, sale.TenderVoided,
		sale.TenderSetAside, sale.TenderReversing,
		string(store.OpQueued), string(store.OpSent), string(store.OpDone), string(store.OpFailed), string(store.OpUnknown), string(store.OpReview),
		string(providers.KindPay), string(providers.KindVoid), string(providers.KindRefund), string(providers.KindLookup),
		string(providers.KindClose), string(providers.KindRedeem), string(providers.KindUnredeem), string(providers.KindTickets),
		"connected", "disconnected", "failed", "printing", "ok", "online", "retrying", "offline"}
	for _, s := range states {
		if TraditionalChinese.T(s) == s {
			t.Errorf("state %q is not translated", s)
		}
	}
	for k := range zhTWStates {
		if !slices.Contains(states, k) {
			t.Errorf("zhTWStates has %q, which is no state the screens show", k)
		}
	}
}

// translated reports a call whose first argument the screen shows
// translated: m.t(s), and about(format, …) for an approval's detail.
func translated(fun ast.Expr) bool {
	if id, ok := fun.(*ast.Ident); ok {
		return id.Name == "about"
	}
	sel, ok := fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "t" {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "m"
}

// Every string literal the UI's source hands m.t or about has a translation, so no
// screen text is left in English by a missing entry.
func TestEveryScreenStringTranslated(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset, n := token.NewFileSet(), 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 || !translated(call.Fun) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			n++
			if _, ok := zhTW[s]; !ok {
				t.Errorf("%s: m.t(%s) has no zh-TW translation", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
	if n < 100 {
		t.Errorf("found only %d m.t string literals: is the parse looking in the right place?", n)
	}
}

// Every help description of the key map has a translation.
func TestEveryKeyHelpTranslated(t *testing.T) {
	en, zh := DefaultKeyMap(), KeyMapFor(TraditionalChinese)
	if KeyMapFor(English).Pay.Help() != en.Pay.Help() {
		t.Error("the English key map changed")
	}
	for _, p := range []struct{ e, z string }{
		{en.Add.Help().Desc, zh.Add.Help().Desc}, {en.Up.Help().Desc, zh.Up.Help().Desc},
		{en.Coupon.Help().Desc, zh.Coupon.Help().Desc}, {en.TicketEmail.Help().Desc, zh.TicketEmail.Help().Desc},
		{en.Reports.Help().Desc, zh.Reports.Help().Desc}, {en.CloseShift.Help().Desc, zh.CloseShift.Help().Desc},
		{en.NoSale.Help().Desc, zh.NoSale.Help().Desc}, {en.Lock.Help().Desc, zh.Lock.Help().Desc},
		{en.Print.Help().Desc, zh.Print.Help().Desc}, {en.VoidSale.Help().Desc, zh.VoidSale.Help().Desc},
		{en.Qty.Help().Desc, zh.Qty.Help().Desc}, {en.Void.Help().Desc, zh.Void.Help().Desc},
		{en.Search.Help().Desc, zh.Search.Help().Desc}, {en.Reprint.Help().Desc, zh.Reprint.Help().Desc},
		{en.Pay.Help().Desc, zh.Pay.Help().Desc}, {en.Clear.Help().Desc, zh.Clear.Help().Desc},
		{en.Quit.Help().Desc, zh.Quit.Help().Desc}, {en.Back.Help().Desc, zh.Back.Help().Desc},
		{en.Pick.Help().Desc, zh.Pick.Help().Desc}, {en.Cash.Help().Desc, zh.Cash.Help().Desc},
		{en.Exact.Help().Desc, zh.Exact.Help().Desc}, {en.Take.Help().Desc, zh.Take.Help().Desc},
		{en.Apply.Help().Desc, zh.Apply.Help().Desc}, {en.Cancel.Help().Desc, zh.Cancel.Help().Desc},
		{en.NextSale.Help().Desc, zh.NextSale.Help().Desc}, {en.Lookup.Help().Desc, zh.Lookup.Help().Desc},
		{en.Journal.Help().Desc, zh.Journal.Help().Desc}, {en.SetAside.Help().Desc, zh.SetAside.Help().Desc},
		{en.RetryNow.Help().Desc, zh.RetryNow.Help().Desc}, {en.Refresh.Help().Desc, zh.Refresh.Help().Desc},
		{en.Quote.Help().Desc, zh.Quote.Help().Desc}, {en.DemoPay.Help().Desc, zh.DemoPay.Help().Desc},
		{en.DemoAtTill.Help().Desc, zh.DemoAtTill.Help().Desc}, {en.Tenders.Help().Desc, zh.Tenders.Help().Desc},
	} {
		if p.e == p.z {
			t.Errorf("help %q is not translated", p.e)
		}
	}
	if zh.Pay.Help().Key != "F12" {
		t.Errorf("the key's name changed: %q", zh.Pay.Help().Key)
	}
}

// Every action a manager approves has words on screen, in both languages.
func TestEveryActionHasWords(t *testing.T) {
	m := New(Options{Language: TraditionalChinese})
	for _, a := range []string{store.ActionVoidSale, store.ActionRefund, store.ActionPriceOverride, store.ActionNoSale,
		store.ActionResolve, store.ActionLeaveKiosk, store.ActionCloseShift} {
		en, ok := actionWords[a]
		if !ok || en == a {
			t.Errorf("action %q has no words", a)
		}
		if zh := m.action(a); zh == en || zh == "" {
			t.Errorf("action %q is not translated", a)
		}
	}
}
