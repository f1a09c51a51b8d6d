package ui

import (
	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/store"
)

// issueTickets journals, once the sale is paid, the operation issuing its
// e-tickets; the replay worker sends it. It reports whether there was
// one, in which case the sale is saved with it before it completes.
func (m *Model) issueTickets() (tea.Cmd, bool) {
	product, qty := m.sale.TicketProduct()
	if product == "" || m.sale.Tickets != nil || m.opt.Ticketer == nil {
		return nil, false
	}
	op := providers.Op{Provider: m.opt.Ticketer.Name(), Kind: providers.KindTickets, Key: m.opt.NewID(), SaleID: m.sale.ID,
		Tickets: &providers.TicketRequest{Product: product, Qty: qty}, Created: m.opt.Now()}
	if err := m.sale.IssueTickets(op.Provider, op.Key, op.Created); err != nil {
		m.setError(err.Error())
		return nil, true
	}
	m.journalAppend(op, true, store.OpQueued)
	return m.changed(), true
}

// ticketsIssued shows a receipt again once the worker has issued its
// tickets (or given up), so the vouchers appear without a reprint.
func (m *Model) ticketsIssued(msg OperationMsg) tea.Cmd {
	if providers.Kind(msg.Kind) != providers.KindTickets || m.screen != screenReceipt ||
		m.receipt.sale == nil || m.receipt.sale.ID != msg.SaleID {
		return nil
	}
	if msg.Status == string(providers.Approved) {
		m.setSuccess("E-tickets issued")
	} else {
		m.setError("E-tickets: " + orDefault(msg.Reason, string(msg.Status)))
	}
	return lastSaleCmd(m.opt.Store)
}
