package ui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"till/providers/wallet"
	"till/store/receipt"
	"till/store/sale"
	"till/store/sanitize"
)

type payMode int

const (
	payChoose      payMode = iota // pick a tender by its number key, or scan a wallet code
	payCash                       // type the cash handed over
	payWalletCode                 // scan or type the customer's payment code
	payWalletBusy                 // a wallet payment is in flight
	payTicketEmail                // type the customer's e-mail for their e-tickets
)

type paymentState struct {
	input  textinput.Model
	mode   payMode
	wallet wallet.Wallet // chosen before the code was scanned
	code   string        // scanned before the wallet was chosen
}

func (m *Model) updatePayment(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if m.payment.mode == payWalletBusy {
		switch {
		case !ok:
		case key.Matches(press, m.keys.Cancel):
			m.cancelWallet()
		case m.opt.DemoCustomer != nil && key.Matches(press, m.keys.DemoPay):
			return m.demoCustomer(false)
		case m.opt.DemoCustomer != nil && key.Matches(press, m.keys.DemoAtTill):
			return m.demoCustomer(true)
		}
		return nil
	}
	if m.completing || m.saving {
		// The sale is being written: the key waits for the answer.
		if ok {
			m.waitingKeys = append(m.waitingKeys, press)
		}
		return nil
	}
	if m.sale != nil && m.sale.Paid(m.opt.Tax) {
		if ok && key.Matches(press, m.keys.Apply) {
			return m.complete()
		}
		return nil
	}
	if m.payment.mode == payChoose {
		if ok {
			return m.chooseTender(press)
		}
		return nil
	}
	if ok {
		switch {
		case key.Matches(press, m.keys.Back):
			m.payment.mode, m.payment.wallet = payChoose, ""
			m.payment.input.Blur()
			return nil
		case m.payment.mode == payCash && key.Matches(press, m.keys.Exact):
			t, _ := m.totals(m.sale)
			return m.takeCash(m.opt.Currency.Plain(t.Due))
		case key.Matches(press, m.keys.Take):
			typed := strings.TrimSpace(m.payment.input.Value())
			switch m.payment.mode {
			case payWalletCode:
				return m.walletCode(typed)
			case payTicketEmail:
				return m.ticketEmail(typed)
			}
			return m.takeCash(typed)
		}
	}
	var cmd tea.Cmd
	m.payment.input, cmd = m.payment.input.Update(msg)
	return cmd
}

func (m *Model) chooseTender(press tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(press, m.keys.Back):
		m.screen = screenSale
		return m.input.Focus()
	case key.Matches(press, m.keys.Lookup):
		if m.sale != nil && m.sale.Unsettled() != nil {
			return m.lookupUnknown()
		}
		m.setError(m.t("No payment needs looking up"))
		return nil
	case key.Matches(press, m.keys.SetAside):
		return m.setAside()
	case key.Matches(press, m.keys.TicketEmail):
		if p, _ := m.sale.TicketProduct(); p == "" {
			m.setError(m.t("No e-tickets on this sale"))
			return nil
		}
		m.payment.mode = payTicketEmail
		m.payment.input.Prompt = m.t("E-mail for the e-tickets: ")
		m.payment.input.Placeholder = m.t("name@example.com, or empty for none")
		m.payment.input.SetValue(m.sale.TicketEmail)
		return m.payment.input.Focus()
	}
	if m.sale != nil && m.sale.Unsettled() != nil {
		m.setError(m.t("A payment's outcome is unknown: look it up (F7) before taking another"))
		return nil
	}
	if key.Matches(press, m.keys.Cash) {
		m.payment.mode, m.payment.code = payCash, ""
		m.payment.input.Prompt = m.t("Cash tendered: ")
		m.payment.input.Placeholder = m.t("amount")
		m.payment.input.Reset()
		return m.payment.input.Focus()
	}
	w, ok := m.walletForKey(press.String())
	if !ok {
		return nil
	}
	if w.ShowsCode() {
		m.payment.code = ""
		return m.startWallet(w, "")
	}
	if m.payment.code != "" {
		code := m.payment.code
		m.payment.code = ""
		m.payment.wallet = w
		return m.walletCode(code)
	}
	m.payment.mode, m.payment.wallet = payWalletCode, w
	m.payment.input.Prompt = fmt.Sprintf(m.t("%s code: "), w.Label())
	m.payment.input.Placeholder = m.t("scan the customer's payment code")
	m.payment.input.Reset()
	return m.payment.input.Focus()
}

func (m *Model) takeCash(typed string) tea.Cmd {
	amount, err := m.opt.Currency.Parse(typed)
	if err != nil {
		m.setError(fmt.Sprintf(m.t("Type the cash handed over, e.g. %s"), m.opt.Currency.Plain(50000)))
		return nil
	}
	tn, err := m.sale.PayCash(m.opt.Tax, amount, m.opt.Now())
	if err != nil {
		m.setError(m.errText(err))
		return nil
	}
	m.payment.input.Reset()
	m.payment.input.Blur()
	m.payment.mode = payChoose
	if tn.Change > 0 {
		m.setSuccess(fmt.Sprintf(m.t("Give change %s"), m.opt.Currency.Format(tn.Change)))
	} else {
		m.setSuccess(fmt.Sprintf(m.t("Cash %s taken"), m.opt.Currency.Format(tn.Amount)))
	}
	return tea.Batch(m.changed(), m.openDrawer())
}

func (m *Model) viewPayment() string {
	if m.payment.mode == payWalletBusy && m.wallet.showCode != "" {
		return m.viewShowCode()
	}
	s := m.styles
	cur := m.opt.Currency
	var b strings.Builder
	b.WriteString(m.header(m.t("Payment")) + "\n\n")
	t, err := m.totals(m.shown)
	if err != nil {
		b.WriteString(s.Error.Render(m.errText(err)) + "\n")
	}
	row := func(label, value string) {
		b.WriteString("  " + s.Label.Render(cell(m.t(label), 16, false)) + cell(value, 18, true) + "\n")
	}
	row("Items", strconv.Itoa(t.Items))
	if t.Discount > 0 {
		row("Discount", "-"+cur.Format(t.Discount))
	}
	row("Total", cur.Code+" "+cur.Format(t.Total))
	row("Tax included", cur.Format(t.Tax))
	row("Paid", cur.Format(t.Paid))
	b.WriteString("  " + s.Due.Render(cell(m.t("Due"), 16, false)+cell(cur.Code+" "+cur.Format(t.Due), 18, true)) + "\n")
	if t.Change > 0 {
		b.WriteString("  " + s.Total.Render(cell(m.t("Change"), 16, false)+cell(cur.Code+" "+cur.Format(t.Change), 18, true)) + "\n")
	}
	b.WriteString("\n" + s.Title.Render("  "+m.t("Tenders taken")) + "\n")
	lines := 0
	if m.shown != nil {
		for _, tn := range m.shown.Tenders {
			b.WriteString("    " + m.tenderLine(tn) + "\n")
			lines++
		}
	}
	if lines == 0 {
		b.WriteString(s.Dim.Render("    "+m.t("none yet")) + "\n")
		lines++
	}
	b.WriteString("\n" + s.Title.Render("  "+m.t("Choose a tender")) + "\n")
	b.WriteString("    " + s.Key.Render("1") + "  " + m.t("Cash") + "\n")
	for i, w := range m.enabledWallets() {
		b.WriteString("    " + s.Key.Render(strconv.Itoa(i+2)) + "  " + w.Label() + "\n")
	}
	b.WriteString("\n")
	var keys []key.Binding
	switch {
	case m.payment.mode == payWalletBusy:
		b.WriteString("  " + s.Prompt.Render(m.walletProgress()) + "\n")
		keys = []key.Binding{m.keys.Cancel}
	case m.completing || (m.sale != nil && m.sale.Paid(m.opt.Tax)):
		b.WriteString(s.Prompt.Render("  "+m.t("Recording the sale…")) + "\n")
		keys = []key.Binding{m.keys.Apply}
	case m.payment.mode == payCash:
		b.WriteString("  " + s.Prompt.Render(inputView(m.payment.input)) + "\n")
		keys = []key.Binding{m.keys.Take, m.keys.Exact, m.keys.Back}
	case m.payment.mode == payWalletCode || m.payment.mode == payTicketEmail:
		b.WriteString("  " + s.Prompt.Render(inputView(m.payment.input)) + "\n")
		keys = []key.Binding{m.keys.Apply, m.keys.Back}
	case m.sale != nil && m.sale.Unsettled() != nil:
		b.WriteString(s.Due.Render("  "+m.t("A payment's outcome is unknown: look it up, or set it aside to take another tender.")) + "\n")
		keys = []key.Binding{m.keys.Lookup, m.keys.SetAside, m.keys.Back}
	default:
		hint := m.t("Press a tender's number.")
		if len(m.enabledWallets()) > 0 {
			hint = m.t("Press a tender's number, or scan the customer's payment code.")
		}
		b.WriteString(s.Dim.Render("  "+hint) + "\n")
		keys = []key.Binding{m.keys.Tenders, m.keys.Back, m.keys.Quit}
		if m.hasTickets() {
			if m.shown.TicketEmail != "" {
				b.WriteString(s.Dim.Render("  "+fmt.Sprintf(m.t("E-tickets go to %s"), sanitize.Text(m.shown.TicketEmail))) + "\n")
			}
			keys = append(keys[:1], append([]key.Binding{m.keys.TicketEmail}, keys[1:]...)...)
		}
	}
	return m.frame(b.String(), keys)
}

// tenderLine describes one tender taken (or tried) on the sale.
func (m *Model) tenderLine(tn sale.Tender) string {
	cur := m.opt.Currency
	method := receipt.Method(tn.Method)
	if tn.Method == sale.MethodCash {
		method = m.t("Cash")
	}
	desc := method + " " + cur.Format(tn.Amount)
	if tn.Change > 0 {
		desc += fmt.Sprintf(m.t("  (tendered %s, change %s)"), cur.Format(tn.Tendered), cur.Format(tn.Change))
	}
	if tn.Reference != "" {
		desc += "  " + m.t("ref") + " " + sanitize.Text(tn.Reference)
	}
	status := m.t(sanitize.Text(tn.Status))
	if tn.Reason != "" {
		status += ": " + sanitize.Text(tn.Reason)
	}
	switch tn.Status {
	case sale.TenderApproved:
		return desc + "  " + m.styles.Success.Render(status)
	case sale.TenderUnknown, sale.TenderPending:
		return desc + "  " + m.styles.Due.Render(status)
	default:
		return m.styles.Dim.Render(desc + "  " + status)
	}
}

// setAside moves unknown payments out of the way during an outage: the
// journal keeps looking them up, and one found approved is reversed.
func (m *Model) setAside() tea.Cmd {
	if m.sale == nil {
		return nil
	}
	n := 0
	for _, t := range m.sale.Unsettled() {
		if t.Status != sale.TenderUnknown {
			continue
		}
		if err := m.sale.SetAside(t.Key); err != nil {
			m.setError(m.errText(err))
			return nil
		}
		n++
	}
	if n == 0 {
		m.setError(m.t("No payment's outcome is unknown"))
		return nil
	}
	m.setInfo(m.t("Set aside: the till keeps checking it and reverses it if it went through. Take another tender."))
	return m.changed()
}
