package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"till/providers"
	"till/providers/ticketbao"
	"till/store"
	"till/store/sale"
	"till/store/sanitize"
)

// runTickets shows a sale's e-ticket order as TicketBao has it now, and
// refunds some of its tickets:
//
//	till tickets --receipt N [--refund QTY [--manager ID]]
//
// Once the till has users, a manager approves a refund with their PIN.
// What TicketBao says is written into the sale, so a reprint shows the
// tickets' states.
func runTickets(g globals, args []string, stdout, stderr io.Writer) error {
	var receipt uint64
	var refund int
	var manager string
	if _, err := subFlags("tickets", &g, args, stderr, func(fs *flag.FlagSet) {
		fs.Uint64Var(&receipt, "receipt", 0, "receipt `number` of the sale")
		fs.IntVar(&refund, "refund", 0, "refund this `many` of its tickets")
		managerFlag(fs, &manager)
	}); err != nil {
		return err
	}
	if receipt == 0 || refund < 0 {
		return errors.New("usage: till tickets --receipt N [--refund QTY [--manager ID]]")
	}
	cfg, err := g.config()
	if err != nil {
		return err
	}
	if g.demo {
		if _, err := startSimulators(&cfg); err != nil {
			return err
		}
	}
	client, err := ticketClient(cfg)
	if err != nil {
		return err
	}
	if client == nil {
		return errors.New("no ticket provider is configured ([providers.ticketbao] api_key)")
	}
	db, err := g.openDB()
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := db.SaleByNumber(receipt)
	if err != nil {
		return err
	}
	if s.Tickets == nil {
		return fmt.Errorf("receipt %06d has no e-tickets", receipt)
	}
	if refund > 0 {
		// Asked before TicketBao is, so that its time-out does not run while
		// the manager types.
		what := fmt.Sprintf("refund of %d e-ticket(s) on receipt %06d", refund, receipt)
		if _, err := approve(db, pinInput, stderr, manager, store.ActionRefund, what); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.PayTimeout)
	defer cancel()
	q := ticketbao.QueryRequest{ChannelOrderID: s.ID, ProductSaleID: s.Tickets.Product, PickupType: ticketbao.PickupVoucher}
	o, err := client.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("TicketBao: %w", err)
	}
	if refund > 0 {
		out := client.RefundOutcome(ctx, ticketbao.RefundRequest{Pass2UOrderID: o.Pass2UOrderID, ChannelOrderID: s.ID, ProductSaleID: s.Tickets.Product,
			Quantity: refund, Before: o.Refunded(), PickupType: ticketbao.PickupVoucher})
		if out.Status != providers.Approved {
			return fmt.Errorf("refund of %d ticket(s): %s: %s", refund, out.Status, sanitize.Text(out.Reason))
		}
		fmt.Fprintf(stdout, "refunded %d ticket(s) of order %s\n", refund, sanitize.Text(o.Pass2UOrderID))
		if o, err = client.Query(ctx, q); err != nil {
			return fmt.Errorf("TicketBao, after the refund: %w", err)
		}
	}
	issued := sale.Tickets{Status: sale.TenderApproved, Order: o.Pass2UOrderID, URL: o.OrderURL, Passcode: o.OrderPasscode}
	fmt.Fprintf(stdout, "order %s: %d ticket(s), %d refunded\n", sanitize.Text(o.Pass2UOrderID), len(o.Vouchers), o.Refunded())
	for i, v := range o.Vouchers {
		issued.Vouchers = append(issued.Vouchers, sale.Voucher{Barcode: v.BarcodeMessage, URL: v.VoucherURL, Status: string(v.Status)})
		fmt.Fprintf(stdout, "  %d. %s  %s\n", i+1, sanitize.Text(v.BarcodeMessage), sanitize.Text(string(v.Status)))
	}
	_, err = db.UpdateSale(receipt, func(s *sale.Sale) error { return s.RecordTickets(issued) })
	return err
}

// issuedTickets is a tickets op's outcome as the sale keeps it.
func issuedTickets(status string, out providers.Outcome) sale.Tickets {
	t := sale.Tickets{Status: status, Reason: sanitize.Text(out.Reason)}
	if o := out.Tickets; o != nil {
		t.Order, t.URL, t.Passcode = o.Order, o.URL, o.Passcode
		for _, v := range o.Vouchers {
			t.Vouchers = append(t.Vouchers, sale.Voucher{Barcode: v.Barcode, URL: v.URL, Status: v.Status})
		}
	}
	return t
}
