package ui

import (
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"till/store/receipt"
	"till/store/sanitize"
)

type payMode int

const (
	payChoose payMode = iota // pick a tender by its number key
	payCash                  // type the cash handed over
)

type paymentState struct {
	input textinput.Model
	mode  payMode
}

func (m *Model) updatePayment(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if m.completing || m.saving {
		return nil // the sale is being written; keys wait for the answer
	}
	if m.sale != nil && m.sale.Paid(m.opt.Tax) {
		if ok && key.Matches(press, m.keys.Apply) {
			return m.complete()
		}
		return nil
	}
	if m.payment.mode == payChoose {
		if !ok {
			return nil
		}
		switch {
		case key.Matches(press, m.keys.Back):
			m.screen = screenSale
			return m.input.Focus()
		case key.Matches(press, m.keys.Cash):
			m.payment.mode = payCash
			m.payment.input.Reset()
			return m.payment.input.Focus()
		}
		return nil
	}
	if ok {
		switch {
		case key.Matches(press, m.keys.Back):
			m.payment.mode = payChoose
			m.payment.input.Blur()
			return nil
		case key.Matches(press, m.keys.Exact):
			t, _ := m.totals(m.sale)
			return m.takeCash(m.opt.Currency.Plain(t.Due))
		case key.Matches(press, m.keys.Take):
			return m.takeCash(strings.TrimSpace(m.payment.input.Value()))
		}
	}
	var cmd tea.Cmd
	m.payment.input, cmd = m.payment.input.Update(msg)
	return cmd
}

func (m *Model) takeCash(typed string) tea.Cmd {
	amount, err := m.opt.Currency.Parse(typed)
	if err != nil {
		m.setError("Type the cash handed over, e.g. " + m.opt.Currency.Plain(50000))
		return nil
	}
	tn, err := m.sale.PayCash(m.opt.Tax, amount, m.opt.Now())
	if err != nil {
		m.setError(err.Error())
		return nil
	}
	m.payment.input.Reset()
	m.payment.input.Blur()
	m.payment.mode = payChoose
	if tn.Change > 0 {
		m.setSuccess("Give change " + m.opt.Currency.Format(tn.Change))
	} else {
		m.setSuccess("Cash " + m.opt.Currency.Format(tn.Amount) + " taken")
	}
	return m.changed()
}

func (m *Model) viewPayment() string {
	s := m.styles
	cur := m.opt.Currency
	var b strings.Builder
	b.WriteString(m.header("Payment") + "\n\n")
	t, err := m.totals(m.shown)
	if err != nil {
		b.WriteString(s.Error.Render(sanitize.Text(err.Error())) + "\n")
	}
	row := func(label, value string) {
		b.WriteString("  " + s.Label.Render(cell(label, 16, false)) + cell(value, 18, true) + "\n")
	}
	row("Items", strconv.Itoa(t.Items))
	row("Total", cur.Code+" "+cur.Format(t.Total))
	row("Tax included", cur.Format(t.Tax))
	row("Paid", cur.Format(t.Paid))
	b.WriteString("  " + s.Due.Render(cell("Due", 16, false)+cell(cur.Code+" "+cur.Format(t.Due), 18, true)) + "\n")
	if t.Change > 0 {
		b.WriteString("  " + s.Total.Render(cell("Change", 16, false)+cell(cur.Code+" "+cur.Format(t.Change), 18, true)) + "\n")
	}
	b.WriteString("\n" + s.Title.Render("  Tenders taken") + "\n")
	lines := 0
	if m.shown != nil {
		for _, tn := range m.shown.Tenders {
			desc := receipt.Method(tn.Method) + " " + cur.Format(tn.Amount)
			if tn.Change > 0 {
				desc += "  (tendered " + cur.Format(tn.Tendered) + ", change " + cur.Format(tn.Change) + ")"
			}
			b.WriteString("    " + desc + "  " + s.Dim.Render(sanitize.Text(tn.Status)) + "\n")
			lines++
		}
	}
	if lines == 0 {
		b.WriteString(s.Dim.Render("    none yet") + "\n")
	}
	b.WriteString("\n" + s.Title.Render("  Choose a tender") + "\n")
	b.WriteString("    " + s.Key.Render("1") + "  Cash\n\n")
	used := 14 + lines + 2
	var keys []key.Binding
	switch {
	case m.completing || (m.sale != nil && m.sale.Paid(m.opt.Tax)):
		b.WriteString(s.Prompt.Render("  Recording the sale…") + "\n")
		keys = []key.Binding{m.keys.Apply}
	case m.payment.mode == payCash:
		b.WriteString("  " + s.Prompt.Render(m.payment.input.View()) + "\n")
		keys = []key.Binding{m.keys.Take, m.keys.Exact, m.keys.Back}
	default:
		b.WriteString(s.Dim.Render("  Press a tender's number.") + "\n")
		keys = []key.Binding{m.keys.Cash, m.keys.Back, m.keys.Quit}
	}
	for i := used; i < m.height-2; i++ {
		b.WriteString("\n")
	}
	b.WriteString(m.statusLine() + "\n")
	b.WriteString(m.help.ShortHelpView(keys))
	return b.String()
}
