package ticketbao

import (
	"context"
	"testing"

	"till/providers"
	"till/providers/ticketbao/ticketbaosim"
)

func TestTicketerIssuesOneOrderPerSale(t *testing.T) {
	e := newEnv(t, nil, nil)
	tk := e.c.Ticketer()
	op := providers.Op{Provider: "ticketbao", Kind: providers.KindTickets, Key: "k-1", SaleID: "sale-1",
		Tickets: &providers.TicketRequest{Product: ticketbaosim.ProductAdult, Qty: 2}}
	out := providers.Do(context.Background(), tk, op)
	if out.Status != providers.Approved || out.Tickets == nil || len(out.Tickets.Vouchers) != 2 ||
		out.Tickets.Vouchers[0].Barcode == "" || out.Tickets.Order != out.Reference {
		t.Fatalf("%+v %+v", out, out.Tickets)
	}
	// Sent again (a replay): the same order, not a second one.
	op.Resend = true
	again := providers.Do(context.Background(), tk, op)
	if again.Status != providers.Approved || again.Tickets.Order != out.Tickets.Order || len(e.sim.Orders()) != 1 {
		t.Fatalf("%+v; %d orders", again, len(e.sim.Orders()))
	}
	sold := providers.Do(context.Background(), tk, providers.Op{Kind: providers.KindTickets, Key: "k-2", SaleID: "sale-2",
		Tickets: &providers.TicketRequest{Product: ticketbaosim.ProductSoldOut, Qty: 1}})
	if sold.Status != providers.Declined || sold.Reason == "" || sold.Tickets != nil {
		t.Errorf("%+v", sold)
	}
}
