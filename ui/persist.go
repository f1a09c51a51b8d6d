package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"till/store/sale"
)

// changed saves the working sale. One save runs at a time; when it lands
// and the sale has moved on, the newest state is saved next, so quick scans
// coalesce instead of racing each other to the disk.
func (m *Model) changed() tea.Cmd {
	if m.saving || m.sale == nil {
		return nil
	}
	if m.shown != nil && m.shown.ID == m.sale.ID && m.shown.Rev >= m.sale.Rev && len(m.journal) == 0 {
		return nil
	}
	m.saving = true
	changes := m.journal
	m.journal = nil
	return saveCmd(m.opt.Store, m.sale.Clone(), changes)
}

func (m *Model) onSaved(msg savedMsg) tea.Cmd {
	m.saving = false
	if msg.err != nil {
		// What was not saved is undone, so the screen and the disk agree.
		if m.shown != nil {
			m.sale = m.shown.Clone()
		} else {
			m.sale = nil
		}
		m.setError(m.t("Not saved, last change undone: ") + m.errText(msg.err))
		if m.wallet.active() && !m.wallet.sent {
			// The pending tender never reached the disk: nothing was sent.
			m.wallet = walletState{}
			m.payment.mode = payChoose
		}
		if m.redeem.op != nil && !m.redeem.sent {
			m.redeem.op = nil // likewise its coupon line
		}
		return nil
	}
	if msg.journal && m.opt.JournalChanged != nil {
		m.opt.JournalChanged()
	}
	if m.sale == nil || m.sale.ID != msg.sale.ID {
		return nil
	}
	grew := m.shown == nil || len(msg.sale.Lines) > len(m.shown.Lines)
	m.shown = msg.sale
	if grew {
		m.selected = len(m.shown.Lines) - 1
	}
	m.selected = min(max(m.selected, 0), max(len(m.shown.Lines)-1, 0))
	if m.sale.Rev > msg.sale.Rev {
		return m.changed()
	}
	if send := m.sendWallet(); send != nil {
		return send
	}
	if send := m.sendRedeem(); send != nil {
		return send
	}
	if m.screen == screenPayment && !m.wallet.active() && m.sale.Paid(m.opt.Tax) {
		return m.complete()
	}
	return nil
}

// complete writes the paid sale as completed, once every save has landed.
func (m *Model) complete() tea.Cmd {
	if m.completing || m.saving || m.sale == nil {
		return nil
	}
	if cmd, closing := m.closeAtTill(); closing {
		return cmd // saved with the sale first; completes when it lands
	}
	done := m.sale.Clone()
	if c := m.staff.clerk; c != nil {
		done.Clerk = c.ID
	}
	if err := done.Settle(m.opt.Tax); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	changes, err := m.issueTickets(done)
	if err != nil {
		m.setError(m.errText(err))
		return nil
	}
	m.completing = true
	return completeCmd(m.opt.Store, done, m.opt.Now, changes)
}

func (m *Model) onCompleted(msg completedMsg) tea.Cmd {
	m.completing = false
	if msg.err != nil {
		m.setError(fmt.Sprintf(m.t("Sale paid but not yet recorded: %s (enter retries)"), m.errText(msg.err)))
		return nil
	}
	if msg.journal && m.opt.JournalChanged != nil {
		m.opt.JournalChanged()
	}
	m.sale, m.shown, m.selected = nil, nil, 0
	m.receipt = receiptState{sale: msg.sale}
	m.screen = screenReceipt
	m.setSuccess(m.t("Sale complete"))
	return m.printReceipt(msg.sale)
}

// ensureSale starts a new sale when the first item arrives.
func (m *Model) ensureSale() {
	if m.sale == nil {
		m.sale = sale.New(m.opt.NewID(), m.opt.Currency.Code, m.opt.Now())
	}
}
