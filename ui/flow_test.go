package ui

import (
	"errors"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/sale"
)

func TestCashSaleEndToEnd(t *testing.T) {
	h := newHarness(t, nil)
	h.typeText("3*4710088410122")
	h.enter()
	h.scan("036000291452")
	h.wantScreen("烏龍茶 Oolong tea 500ml", "105.00", "Mint gum", "TOTAL TWD 130.00")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("200")
	h.enter()
	h.wantScreen("Receipt 000001", "CHANGE DUE", "TWD 70.00")
	sales, err := h.db.Sales()
	if err != nil || len(sales) != 1 || sales[0].Total != 13000 || sales[0].Number != 1 {
		t.Fatalf("sales = %+v, %v", sales, err)
	}
	if open, _ := h.db.OpenSale(); open != nil {
		t.Errorf("open sale left behind: %+v", open)
	}
	h.enter()
	h.wantScreen("Scan an item")
	if h.m.screen != screenSale || h.m.shown != nil {
		t.Error("enter on the receipt must start an empty sale")
	}
}

func TestEverythingShownIsSaved(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("4710088410122")
	h.scan("5449000000996")
	open, err := h.db.OpenSale()
	if err != nil || open == nil || len(open.Lines) != 2 || open.Rev != h.m.shown.Rev {
		t.Fatalf("open sale on disk = %+v, %v; screen rev %d", open, err, h.m.shown.Rev)
	}
}

func TestUnknownAndInvalidCodesAddNothing(t *testing.T) {
	h := newHarness(t, nil)
	for code, want := range map[string]string{
		"4710088410123": "check digit is 3, expected 2",
		"NOPE":          `no item with code "NOPE"`,
		"0*GUM":         `"0" is not a quantity`,
		"x*GUM":         `"x" is not a quantity`,
		"3*":            "after 3*",
		"99999*GUM":     "quantity out of range",
	} {
		h.typeText(code)
		h.enter()
		h.wantScreen(want)
		if h.m.sale != nil && len(h.m.sale.Lines) > 0 {
			t.Fatalf("%q added a line", code)
		}
	}
}

func TestQuantityChangeAndVoid(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("4710088410122")
	h.scan("5449000000996")
	h.key(tea.KeyUp)
	h.key(tea.KeyF2)
	h.wantScreen("Quantity for 烏龍茶")
	h.key(tea.KeyBackspace)
	h.typeText("4")
	h.enter()
	if got := h.m.shown.Lines[0].Qty; got != 4 {
		t.Fatalf("qty = %d, want 4", got)
	}
	h.wantScreen("140.00", "TOTAL TWD 170.00")
	h.key(tea.KeyDelete)
	h.wantScreen("void", "TOTAL TWD 30.00", "Voided 烏龍茶")
	h.key(tea.KeyF2)
	if h.m.qtyLine != 0 {
		t.Error("F2 on a voided line opened the quantity prompt")
	}
	h.wantScreen("Select a line that is not voided")
	h.key(tea.KeyDown)
	h.key(tea.KeyF4)
	h.wantScreen("TOTAL TWD 0.00")
	h.key(tea.KeyF12)
	h.wantScreen("Nothing to pay")
}

func TestWeighedItemAsksForGrams(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("2100001")
	h.wantScreen("Weight in grams for Bananas")
	h.typeText("375")
	h.enter()
	// 70.00/kg x 0.375 kg = 26.25
	h.wantScreen("0.375 kg", "70.00/kg", "26.25")
	h.typeText("250*2100001")
	h.enter()
	h.wantScreen("0.250 kg", "17.50")
}

func TestPriceAndWeightEmbeddedCodes(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("2000001001509") // cake priced 150
	h.scan("2100001012342") // bananas, 1.234 kg
	h.wantScreen("Bakery cake", "150.00", "1.234 kg", "86.38")
	h.typeText("2*2100001012342")
	h.enter()
	h.wantScreen("already in the code")
}

func TestEscapeClearsTheCode(t *testing.T) {
	h := newHarness(t, nil)
	h.typeText("47100")
	h.key(tea.KeyEscape)
	if h.m.input.Value() != "" {
		t.Errorf("input = %q after esc", h.m.input.Value())
	}
}

func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("EVIL")
	h.scan("\x1b]0;pwned\x07\x1b[2J\u202Ebad\r\x9b31m" + strings.Repeat("A", 4096))
	raw := h.m.View().Content
	for _, bad := range []string{"\x07", "\x1b]", "\x1b[2J", "\u202E", "\r", "\b", "\x9b", "pwned\x07"} {
		if strings.Contains(raw, bad) {
			t.Errorf("view contains %q", bad)
		}
	}
	h.wantScreen("Evil", "no item with code")
}

func TestSearchAddsTheChosenItem(t *testing.T) {
	h := newHarness(t, nil)
	h.key(tea.KeyF3)
	h.typeText("cola")
	h.wantScreen("Find: cola", "Coca-Cola 330ml")
	if len(h.m.search.results) != 1 {
		t.Fatalf("results = %+v", h.m.search.results)
	}
	h.enter()
	h.wantScreen("Added Coca-Cola 330ml", "TOTAL TWD 30.00")
	h.key(tea.KeyF3)
	h.typeText("烏龍")
	h.wantScreen("烏龍茶 Oolong tea 500ml")
	h.key(tea.KeyEscape)
	if h.m.screen != screenSale || len(h.m.shown.Lines) != 1 {
		t.Error("esc from search must add nothing")
	}
	h.key(tea.KeyF3)
	h.typeText("zzz")
	h.wantScreen("No item matches")
	h.enter()
	h.wantScreen("No item matches: change the search")
}

// The arrows move through the results even when the cart has fewer than
// two lines (where they move nothing on the sale screen).
func TestSearchArrowsWorkWithAnEmptyCart(t *testing.T) {
	h := newHarness(t, nil)
	h.key(tea.KeyF3)
	h.key(tea.KeyDown)
	h.key(tea.KeyDown)
	h.key(tea.KeyUp)
	h.enter()
	want := h.m.opt.Catalog.Search("", searchLimit)[1].Name
	h.wantScreen("Added " + want)
}

func TestSplitCashAndExactKey(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("4710088410122")
	h.scan("5449000000996")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("50")
	h.enter()
	h.wantScreen("Paid", "50.00", "TWD 15.00", "Cash 50.00")
	h.key(tea.KeyEscape)
	h.wantScreen("DUE TWD 15.00")
	h.scan("036000291452")
	h.wantScreen("finish it (F12)")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001", "Cash tendered", "50.00", "15.00")
	s, err := h.db.SaleByNumber(1)
	if err != nil || len(s.Tenders) != 2 || s.Tenders[1].Amount != 1500 || s.Total != 6500 {
		t.Fatalf("sale = %+v, %v", s, err)
	}
}

func TestBadCashAmount(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("4710088410122")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("12.345")
	h.enter()
	h.wantScreen("Type the cash handed over")
	if len(h.m.sale.Tenders) != 0 {
		t.Error("a bad amount took a tender")
	}
	h.key(tea.KeyEscape)
	h.key(tea.KeyEscape)
	if h.m.screen != screenSale {
		t.Error("esc twice must return to the sale")
	}
}

func TestReprintAndScanOnReceipt(t *testing.T) {
	h := newHarness(t, nil)
	h.key(tea.KeyF8)
	h.wantScreen("No sale has been completed yet")
	h.scan("4710088410122")
	h.key(tea.KeyF12)
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001")
	h.scan("5449000000996") // the next customer's first item
	h.wantScreen("Coca-Cola 330ml", "TOTAL TWD 30.00")
	h.key(tea.KeyF8)
	h.wantScreen("Receipt (copy)", "COPY", "Receipt 000001", "烏龍茶")
	h.key(tea.KeyEscape)
	h.wantScreen("Coca-Cola 330ml")
}

func TestRestoredSaleIsShownAndAPaidOneCompletes(t *testing.T) {
	open := sale.New("restored-sale", "TWD", testNow)
	if _, err := open.Add(testItems[0], "TEA-500", 3500, 2); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, open)
	h.wantScreen("Open sale restored", "TOTAL TWD 70.00")

	if _, err := open.PayCash(taxIncl, 7000, testNow); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, open)
	h2.wantScreen("Receipt 000001")
	if s, err := h2.db.SaleByNumber(1); err != nil || s.ID != "restored-sale" {
		t.Fatalf("sale = %+v, %v", s, err)
	}
}

// failingStore refuses writes, as a full disk would.
type failingStore struct {
	Store
	fail bool
}

func (f *failingStore) SaveOpenSaleJournal(s *sale.Sale, changes ...store.JournalChange) (bool, error) {
	if f.fail {
		return false, errors.New("write /var/lib/till/till.db: no space left on device")
	}
	return f.Store.SaveOpenSaleJournal(s, changes...)
}

func TestAFailedSaveUndoesTheChange(t *testing.T) {
	h := newHarness(t, nil)
	fs := &failingStore{Store: h.db}
	h.m.opt.Store = fs
	h.scan("4710088410122")
	fs.fail = true
	h.scan("5449000000996")
	h.wantScreen("Not saved, last change undone", "no space left on device", "TOTAL TWD 35.00")
	if len(h.m.sale.Lines) != 1 {
		t.Fatal("the unsaved line was kept")
	}
	fs.fail = false
	h.scan("5449000000996")
	h.wantScreen("TOTAL TWD 65.00")
}

func TestQuitKeys(t *testing.T) {
	h := newHarness(t, nil)
	for _, k := range []tea.KeyPressMsg{{Code: 'c', Mod: tea.ModCtrl}, {Code: 'q', Mod: tea.ModCtrl}} {
		_, cmd := h.m.Update(k)
		if cmd == nil {
			t.Fatalf("%s does nothing", k)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Errorf("%s does not quit", k)
		}
	}
}

func TestScannerStateOnStatusLine(t *testing.T) {
	h := newHarness(t, nil)
	h.send(ScannerMsg{State: "disconnected", Err: "open /dev/ttyACM0: no such file\x1b[31m"})
	h.wantScreen("scanner disconnected", "Scanner: open /dev/ttyACM0: no such file")
	if strings.Contains(h.m.View().Content, "\x1b[31m") {
		t.Error("raw escape from a scanner error reached the view")
	}
	h.send(ScannerMsg{State: "connected"})
	h.wantScreen("scanner connected")
}

func TestProviderStatesOnStatusLine(t *testing.T) {
	h := newHarness(t, nil)
	h.wantScreen("cash only")
	h.send(ProvidersMsg{{Name: "cancan", State: "online"}, {Name: "ipass", State: "offline", Waiting: 2}})
	h.wantScreen("cancan online · ipass offline (2 waiting)")
}

func TestJournalScreenRetriesNow(t *testing.T) {
	retried := 0
	db, err := store.Open(t.TempDir() + "/till.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h := newHarnessWith(t, db, nil, func(o *Options) { o.RetryNow = func() { retried++ } })
	h.key(tea.KeyF9)
	h.wantScreen("Nothing is waiting")
	h.key(tea.KeyF5)
	if retried != 1 {
		t.Errorf("F5 retried %d times", retried)
	}
	h.wantScreen("Retrying every waiting operation now")
	h.key(tea.KeyEscape)
	if h.m.screen != screenSale {
		t.Error("esc must return to the sale")
	}
}

func TestKioskKeysCannotQuit(t *testing.T) {
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) { o.Kiosk = true })
	for _, k := range []tea.KeyPressMsg{{Code: 'c', Mod: tea.ModCtrl}, {Code: 'q', Mod: tea.ModCtrl}, {Code: 'z', Mod: tea.ModCtrl}, {Code: '\\', Mod: tea.ModCtrl}} {
		_, cmd := h.m.Update(k)
		if cmd != nil {
			if _, ok := cmd().(tea.QuitMsg); ok {
				t.Errorf("%s quits a kiosk", k)
			}
		}
	}
	h.wantScreen("kiosk mode: it cannot be left from the keyboard")
	if strings.Contains(h.screen(), "quit") {
		t.Error("the help bar offers quit in a kiosk")
	}
}

// A key pressed on the payment screen while the sale is being written is
// handled once it is, not dropped.
func TestKeysDuringASaveWait(t *testing.T) {
	h := newHarness(t, nil)
	h.scan("4710088410122")
	h.key(tea.KeyF12)
	h.m.saving = true // a save under way (a settled operation, say)
	h.send(tea.KeyPressMsg{Code: '1', Text: "1"})
	if h.m.payment.mode == payCash {
		t.Fatal("handled while saving")
	}
	h.m.saving = false
	h.send(savedMsg{sale: h.m.shown.Clone()})
	h.wantScreen("Cash tendered:")
}
