package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/store"
	"till/store/sale"
	"till/store/sanitize"
)

// issueTickets records on the paid sale done that its e-tickets are being
// issued, and returns the operation doing it, to be journaled with the
// sale's completion: the replay worker sends it once the sale is
// completed, so what it brings back finds the sale.
func (m *Model) issueTickets(done *sale.Sale) ([]store.JournalChange, error) {
	product, qty := done.TicketProduct()
	if product == "" || done.Tickets != nil || m.opt.Ticketer == nil {
		return nil, nil
	}
	op := providers.Op{Provider: m.opt.Ticketer.Name(), Kind: providers.KindTickets, Key: m.opt.NewID(), SaleID: done.ID,
		Tickets: &providers.TicketRequest{Product: product, Qty: qty, Email: done.TicketEmail}, Created: m.opt.Now()}
	if err := done.IssueTickets(op.Provider, op.Key, op.Created); err != nil {
		return nil, err
	}
	return []store.JournalChange{journalEntry(op, true, store.OpQueued)}, nil
}

// hasTickets reports e-tickets on the shown sale.
func (m *Model) hasTickets() bool {
	if m.shown == nil {
		return false
	}
	p, _ := m.shown.TicketProduct()
	return p != ""
}

// ticketEmail takes the customer's address for their e-tickets.
func (m *Model) ticketEmail(addr string) tea.Cmd {
	if err := m.sale.SetTicketEmail(addr); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	m.payment.mode = payChoose
	m.payment.input.Reset()
	m.payment.input.Blur()
	if addr == "" {
		m.setInfo(m.t("The e-tickets are not e-mailed"))
	} else {
		m.setSuccess(fmt.Sprintf(m.t("The e-tickets go to %s as well"), sanitize.Text(addr)))
	}
	return m.changed()
}

// ticketsIssued shows a receipt again once the worker has issued its
// tickets (or given up), so the vouchers appear without a reprint.
func (m *Model) ticketsIssued(msg OperationMsg) tea.Cmd {
	if providers.Kind(msg.Kind) != providers.KindTickets || m.screen != screenReceipt ||
		m.receipt.sale == nil || m.receipt.sale.ID != msg.SaleID {
		return nil
	}
	if msg.Status == string(providers.Approved) {
		m.setSuccess(m.t("E-tickets issued"))
	} else {
		m.setError(m.t("E-tickets: ") + orDefault(msg.Reason, m.t(string(msg.Status))))
	}
	return lastSaleCmd(m.opt.Store)
}
