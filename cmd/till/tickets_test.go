package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"till/cmd/till/config"
	"till/providers"
	"till/providers/sims"
	"till/providers/ticketbao/ticketbaosim"
	"till/store"
	"till/store/sale"
)

// ticketSale completes a sale of three museum tickets, issued by
// TicketBao through the simulators, and returns the database, a config
// pointing at them, and the server.
func ticketSale(t *testing.T) (db, cfgPath string, srv *sims.Server) {
	t.Helper()
	isolate(t)
	srv, url := simsOn(t)
	dir := t.TempDir()
	cfgPath = tillConfig(t, dir, ticketBaoTOML(url))
	tax := fixtureTax
	museum := sale.Item{SKU: "MUSEUM", Name: "Museum", Price: 25000, TaxClass: "standard", TicketSaleID: ticketbaosim.ProductAdult}
	s := sale.New("sale-tickets-1", "TWD", time.Now())
	s.Add(museum, "MUSEUM", museum.Price, 3)
	s.PayCash(tax, 75000, time.Now())
	s.Settle(tax)
	s.IssueTickets("ticketbao", "k1", time.Now())
	c, _ := ticketClient(mustConfig(t, cfgPath))
	op := providers.Op{Kind: providers.KindTickets, Key: "k1", SaleID: s.ID, Tickets: &providers.TicketRequest{Product: museum.TicketSaleID, Qty: 3}}
	if out := c.Ticketer().Tickets(context.Background(), op); out.Status != providers.Approved {
		t.Fatalf("%+v", out)
	}
	return completedDB(t, dir, s), cfgPath, srv
}

// A manager looks a sale's e-tickets up and refunds one: TicketBao's
// order changes once, and the sale keeps what TicketBao said.
func TestTicketsQueryAndRefund(t *testing.T) {
	db, cfgPath, srv := ticketSale(t)
	code, out, errOut := runTill(t, "--config", cfgPath, "--db", db, "tickets", "--receipt", "1", "--refund", "1")
	if code != 0 || !strings.Contains(out, "refunded 1 ticket(s)") || !strings.Contains(out, "3 ticket(s), 1 refunded") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if n := len(srv.TicketBao.Ledger()); n != 2 { // the generate and one refund
		t.Errorf("ledger holds %d entries", n)
	}
	st, _ := store.Open(db)
	defer st.Close()
	got, _ := st.SaleByNumber(1)
	refunded := 0
	for _, v := range got.Tickets.Vouchers {
		if v.Status == "refunded" || v.Status == "refund" {
			refunded++
		}
	}
	if len(got.Tickets.Vouchers) != 3 || refunded != 1 {
		t.Errorf("tickets %+v", got.Tickets)
	}
	if code, _, errOut := runTill(t, "--config", cfgPath, "--db", db, "tickets", "--receipt", "1", "--refund", "9"); code == 0 || errOut == "" {
		t.Errorf("refunding more than is left: exit %d", code)
	}
}

func mustConfig(t *testing.T, path string) (c config.Config) {
	t.Helper()
	c, err := globals{configPath: path}.config()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
