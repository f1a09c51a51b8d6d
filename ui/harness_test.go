package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"till/store"
	"till/store/barcode"
	"till/store/catalog"
	"till/store/money"
	"till/store/sale"
)

var (
	testNow = time.Date(2026, 11, 21, 14, 2, 0, 0, time.UTC)
	twd     = money.Currency{Code: "TWD", Exponent: 2}
	taxIncl = sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500, "zero": 0}}
	rules   = barcode.Rules{
		{Prefix: "20", Kind: barcode.EmbeddedPrice},
		{Prefix: "21", Kind: barcode.EmbeddedWeight},
	}
	testItems = []sale.Item{
		{SKU: "TEA-500", Barcodes: []string{"4710088410122"}, Name: "烏龍茶 Oolong tea 500ml", Price: 3500, TaxClass: "standard"},
		{SKU: "COLA-330", Barcodes: []string{"5449000000996"}, Name: "Coca-Cola 330ml", Price: 3000, TaxClass: "standard"},
		{SKU: "GUM", Barcodes: []string{"0036000291452"}, Name: "Mint gum", Price: 2500, TaxClass: "standard"},
		{SKU: "BANANA", Barcodes: []string{"2100001"}, Name: "Bananas (per kg)", Price: 7000, TaxClass: "zero", Weighed: true},
		{SKU: "CAKE", Barcodes: []string{"2000001"}, Name: "Bakery cake", Price: 0, TaxClass: "standard"},
		{SKU: "EVIL", Barcodes: []string{"EVIL"}, Name: "Evil\x1b[31m\x1b]0;pwned\x07 \u202Ename\r\bx", Price: 100, TaxClass: "standard"},
	}
)

// harness drives the model the way the program does, running each command
// to completion and feeding its message back, with a real database.
type harness struct {
	t  *testing.T
	m  *Model
	db *store.DB
	// hold keeps the follow of a payment waiting for its customer in
	// held, so a test can look at the screen and act as the customer
	// before it runs.
	hold bool
	held tea.Cmd
}

func newHarness(t *testing.T, open *sale.Sale) *harness {
	t.Helper()
	return newHarnessWith(t, testDB(t), open, nil)
}

// testDB is a fresh database, closed when the test ends.
func testDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir() + "/till.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newHarnessWith(t *testing.T, db *store.DB, open *sale.Sale, adjust func(*Options)) *harness {
	t.Helper()
	ids := 0
	opt := Options{
		Store: db, Catalog: catalog.New(testItems), Currency: twd, Tax: taxIncl, Embedded: rules,
		StoreName: "Demo Store", TillID: "T1", OpenSale: open,
		NewID: func() string { ids++; return fmt.Sprintf("sale-%d-0000-0000", ids) },
		Now:   func() time.Time { return testNow },
	}
	if adjust != nil {
		adjust(&opt)
	}
	m := New(opt)
	h := &harness{t: t, m: m, db: db}
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.run(m.Init())
	return h
}

// run executes a command and everything it leads to.
func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		h.t.Helper()
		if steps > 1000 {
			h.t.Fatal("commands do not settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := h.runWithTimeout(c).(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case approvedMsg:
			// What was approved may quit the program: its command is
			// left in held for the test to look at.
			_, next := h.m.Update(msg)
			h.held = next
		case walletPendingMsg:
			_, next := h.m.Update(msg)
			if h.hold {
				h.held = next
				continue
			}
			queue = append(queue, next)
		case savedMsg, completedMsg, lastSaleMsg, walletDoneMsg, walletVoidMsg, journalMsg, quoteMsg, NoticeMsg,
			campaignsMsg, redeemDoneMsg, printedMsg, drawerMsg, staffInitMsg, pinCheckedMsg, shiftOpenedMsg, reportMsg,
			returnSaleMsg, returnedMsg, cashedMsg:
			_, next := h.m.Update(msg)
			queue = append(queue, next)
		default:
			h.t.Fatalf("unexpected message %T", msg)
		}
	}
}

// runWithTimeout runs c; a command that does not answer in time is a
// bug (the till has no timers of its own yet).
func (h *harness) runWithTimeout(c tea.Cmd) tea.Msg {
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(10 * time.Second):
		h.t.Fatal("a command did not return")
		return nil
	}
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// typeText types s and presses enter when enter is true.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (h *harness) enter()        { h.key(tea.KeyEnter) }
func (h *harness) key(code rune) { h.send(tea.KeyPressMsg{Code: code}) }

func (h *harness) scan(code string) { h.send(ScanMsg{Code: code, Source: "test"}) }

// screen is the view as plain text.
func (h *harness) screen() string {
	return ansi.Strip(h.m.View().Content)
}

func (h *harness) wantScreen(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}
