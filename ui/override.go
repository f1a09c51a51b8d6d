package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"till/store"
	"till/store/sale"
	"till/store/sanitize"
)

// openPriceOverride asks the selected line's new unit price.
func (m *Model) openPriceOverride() tea.Cmd {
	l, ok := m.selectedLine()
	switch {
	case !ok:
		return nil
	case l.Coupon != nil:
		m.setError(m.errText(sale.ErrOverrideCoupon))
		return nil
	}
	format := m.t("New price for %s: ")
	if l.Weighed {
		format = m.t("New price per kg for %s: ")
	}
	m.priceLine = l.ID
	m.qtyInput.Prompt = fmt.Sprintf(format, ansi.Truncate(sanitize.Text(l.Name), 30, "…"))
	m.qtyInput.SetValue(m.opt.Currency.Plain(l.UnitPrice))
	m.qtyInput.CursorEnd()
	m.input.Blur()
	return m.qtyInput.Focus()
}

func (m *Model) updatePricePrompt(msg tea.Msg) tea.Cmd {
	if submitted, cmd := m.linePrompt(msg, m.closePricePrompt); !submitted {
		return cmd
	}
	price, err := m.opt.Currency.Parse(strings.TrimSpace(m.qtyInput.Value()))
	if err != nil || price < 0 || price > sale.MaxOverride {
		m.setError(fmt.Sprintf(m.t("Type the new price, e.g. %s"), m.opt.Currency.Plain(9900)))
		return nil
	}
	id := m.priceLine
	l, _ := m.selectedLine()
	m.closePricePrompt()
	focus := m.input.Focus()
	if l.ID != id || price == l.UnitPrice {
		return focus
	}
	detail := about("%s: %s to %s", sanitize.Text(l.Name), m.opt.Currency.Format(l.UnitPrice), m.opt.Currency.Format(price))
	saleID := m.sale.ID
	return tea.Batch(focus, m.needManager(store.ActionPriceOverride, detail, func(m *Model, by string) tea.Cmd {
		if m.sale == nil || m.sale.ID != saleID {
			m.setError(m.t("The sale changed before the price was approved: nothing was done"))
			return nil
		}
		if err := m.sale.OverridePrice(id, price, by, m.opt.Now()); err != nil {
			m.setError(m.errText(err))
			return nil
		}
		m.setSuccess(fmt.Sprintf(m.t("Price of %s changed to %s"), sanitize.Text(l.Name), m.opt.Currency.Format(price)))
		return m.changed()
	}))
}

func (m *Model) closePricePrompt() {
	m.priceLine = 0
	m.qtyInput.Reset()
	m.qtyInput.Blur()
}
