package ui

import (
	"net/http/httptest"
	"testing"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/ticketbao"
	"till/providers/ticketbao/ticketbaosim"
	"till/store"
	"till/store/catalog"
	"till/store/sale"
)

var museum = sale.Item{SKU: "MUSEUM", Barcodes: []string{"MUSEUM"}, Name: "Museum e-ticket", Price: 25000,
	TaxClass: "standard", TicketSaleID: ticketbaosim.ProductAdult}

func TestPaidTicketsAreIssuedThroughTheJournal(t *testing.T) {
	sim := ticketbaosim.New()
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	client, err := ticketbao.New(ticketbao.Config{BaseURL: srv.URL + ticketbaosim.DefaultBasePath, APIKey: ticketbaosim.DefaultAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) {
		o.Catalog = catalog.New(append([]sale.Item{museum}, testItems...))
		o.Ticketer = client.Ticketer()
	})
	h.typeText("2*MUSEUM")
	h.enter()
	h.key(tea.KeyF12)
	h.key(tea.KeyF3)
	h.typeText("not an address")
	h.enter()
	h.wantScreen("that is not an e-mail address")
	h.m.payment.input.Reset()
	h.typeText("kan@example.com")
	h.enter()
	h.wantScreen("E-tickets go to kan@example.com")
	h.typeText("1")
	h.key(tea.KeyF5)
	h.wantScreen("Receipt 000001", "E-TICKETS x2", "Being issued")
	s, _ := h.db.SaleByNumber(1)
	if s.Tickets == nil || s.Tickets.Status != sale.TenderPending || s.Tickets.Qty != 2 {
		t.Fatalf("tickets %+v", s.Tickets)
	}
	e, err := h.db.JournalGet(s.Tickets.Key)
	if err != nil || e.State != store.OpQueued || !e.Deferrable || e.Kind != string(providers.KindTickets) {
		t.Fatalf("entry %+v, %v", e, err)
	}
	// The replay worker issues them and writes them into the sale; the
	// receipt on screen shows them.
	out := providers.Do(t.Context(), h.m.opt.Ticketer, decodeOp(t, e.Op))
	if out.Status != providers.Approved || len(out.Tickets.Vouchers) != 2 {
		t.Fatalf("%+v", out)
	}
	if o, ok := sim.OrderFor(s.ID); !ok || o.MailTo != "kan@example.com" {
		t.Errorf("order %+v", o)
	}
	if _, err := h.db.UpdateSale(1, func(s *sale.Sale) error {
		return s.SettleTickets(e.Key, sale.Tickets{Status: sale.TenderApproved, Order: out.Tickets.Order,
			Vouchers: []sale.Voucher{{Barcode: out.Tickets.Vouchers[0].Barcode}, {Barcode: out.Tickets.Vouchers[1].Barcode}}})
	}); err != nil {
		t.Fatal(err)
	}
	h.send(OperationMsg{SaleID: s.ID, Key: e.Key, Kind: string(providers.KindTickets), Status: string(providers.Approved)})
	h.wantScreen("E-tickets issued", "Order "+out.Tickets.Order, "1. "+out.Tickets.Vouchers[0].Barcode)
	if h.m.receipt.reprint {
		t.Error("the receipt shown again reads as a reprint")
	}
	// On a short screen the receipt scrolls to its end.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 16})
	h.wantScreen("more lines")
	for range 40 {
		h.key(tea.KeyDown)
	}
	h.wantScreen("Thank you", "2. "+out.Tickets.Vouchers[1].Barcode)
}

func TestTicketsNeedATicketProvider(t *testing.T) {
	h := newHarnessWith(t, testDB(t), nil, func(o *Options) {
		o.Catalog = catalog.New(append([]sale.Item{museum}, testItems...))
	})
	h.scan("MUSEUM")
	h.key(tea.KeyF12)
	h.wantScreen("no ticket provider is configured")
}
