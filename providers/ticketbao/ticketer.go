package ticketbao

import (
	"context"

	"till/providers"
)

// Ticketer is providers.Ticketer over c: op.SaleID is the
// channelOrderId, so sending it again never issues a second order.
func (c *Client) Ticketer() providers.Ticketer { return ticketer{c} }

type ticketer struct{ c *Client }

func (t ticketer) Name() string { return t.c.Name() }

func (t ticketer) Tickets(ctx context.Context, op providers.Op) providers.Outcome {
	var req GenerateRequest
	if op.Tickets != nil {
		req = GenerateRequest{ChannelOrderID: op.SaleID, ProductSaleID: op.Tickets.Product, Quantity: op.Tickets.Qty, MailTo: op.Tickets.Email}
	}
	out, o := t.c.GenerateOutcome(ctx, req)
	if out.Status == providers.Approved {
		issued := &providers.TicketOrder{Order: o.Pass2UOrderID, URL: o.OrderURL, Passcode: o.OrderPasscode}
		for _, v := range o.Vouchers {
			issued.Vouchers = append(issued.Vouchers, providers.TicketVoucher{Barcode: v.BarcodeMessage, URL: v.VoucherURL, Status: string(v.Status)})
		}
		out.Tickets = issued
	}
	return out
}
