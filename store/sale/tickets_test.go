package sale

import (
	"errors"
	"testing"
)

var (
	adult   = Item{SKU: "MUSEUM", Name: "Museum e-ticket", Price: 25000, TaxClass: "standard", TicketSaleID: "P-ADULT"}
	concert = Item{SKU: "CONCERT", Name: "Concert e-ticket", Price: 90000, TaxClass: "standard", TicketSaleID: "P-CONCERT"}
)

func TestTicketsAreIssuedOnceForTheSalesProduct(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, adult, 2)
	mustAdd(t, s, tea, 1)
	mustAdd(t, s, adult, 1) // merges with nothing: tea came between
	if _, err := s.Add(concert, "CONCERT", concert.Price, 1); !errors.Is(err, ErrTwoTicketProducts) {
		t.Fatalf("a second ticket product: %v", err)
	}
	if p, n := s.TicketProduct(); p != "P-ADULT" || n != 3 {
		t.Fatalf("%s × %d", p, n)
	}
	if err := s.IssueTickets("ticketbao", "k1", now); err != nil {
		t.Fatal(err)
	}
	if err := s.IssueTickets("ticketbao", "k2", now); err == nil {
		t.Error("tickets issued twice")
	}
	before := s.Clone()
	issued := Tickets{Status: TenderApproved, Order: "TB1", Vouchers: []Voucher{{Barcode: "1"}, {Barcode: "2"}, {Barcode: "3"}}}
	if err := s.SettleTickets("k2", issued); err == nil {
		t.Error("settled under another key")
	}
	if err := s.SettleTickets("k1", issued); err != nil {
		t.Fatal(err)
	}
	if s.Tickets.Order != "TB1" || len(s.Tickets.Vouchers) != 3 || s.Tickets.Qty != 3 || before.Tickets.Status != TenderPending {
		t.Errorf("%+v; the clone saw %+v", s.Tickets, before.Tickets)
	}
}

func TestASaleWithoutTicketsIssuesNone(t *testing.T) {
	s := cart(t)
	if err := s.IssueTickets("ticketbao", "k1", now); err == nil || s.Tickets != nil {
		t.Error("tickets for a sale without any")
	}
}

func TestTicketEmailMustBeAnAddress(t *testing.T) {
	s := New("s1", "TWD", now)
	for _, bad := range []string{"kan", "Kan <kan@example.com>", "kan@example.com\r\nBcc: x@y.z", "a@" + string(make([]byte, 260))} {
		if err := s.SetTicketEmail(bad); err == nil {
			t.Errorf("%q taken", bad)
		}
	}
	if err := s.SetTicketEmail("kan@example.com"); err != nil || s.TicketEmail != "kan@example.com" {
		t.Errorf("%v %q", err, s.TicketEmail)
	}
}
