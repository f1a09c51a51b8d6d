package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/store"
	"till/store/sale"
	"till/store/sanitize"
)

// loyalty applies a provider's loyalty discount that came with a
// payment's outcome: off a payment approved for less, or off the sale
// when the customer pays the rest at the till. It reports whether it told
// the clerk.
func (m *Model) loyalty(op providers.Op, label, status string, out providers.Outcome) (bool, error) {
	atTill := out.Status == providers.Declined && out.Code == providers.CodePayAtTill
	if out.Discount <= 0 || (status != sale.TenderApproved && !atTill) {
		return false, nil
	}
	cur := m.opt.Currency
	d := sale.Discount{Provider: op.Provider, Key: op.Key, Label: fmt.Sprintf(m.t("%s loyalty discount"), label), Amount: out.Discount, At: m.opt.Now()}
	if atTill {
		d.AtTill = out.Amount
	}
	if err := m.sale.AddDiscount(m.opt.Tax, d); err != nil {
		return false, fmt.Errorf(m.t("the %s discount could not be applied: %w"), label, err)
	}
	if atTill {
		m.setSuccess(fmt.Sprintf(m.t("%s discount %s applied: take the %s due in cash (1)"), label, cur.Format(out.Discount), cur.Format(out.Amount)))
		return true, nil
	}
	if out.Amount > 0 && out.Amount < op.Amount {
		if err := m.sale.TakeLess(op.Key, out.Amount); err != nil {
			return false, err
		}
	}
	m.setSuccess(fmt.Sprintf(m.t("%s %s approved after a loyalty discount of %s"), label, cur.Format(out.Amount), cur.Format(out.Discount)))
	return true, nil
}

// closeAtTill journals, for every order the customer paid at the till,
// the close that tells its provider the amount taken; the replay worker
// sends it. It reports whether there was one, in which case the sale is
// saved with it before it completes.
func (m *Model) closeAtTill() (tea.Cmd, bool) {
	n := 0
	for _, d := range m.sale.Discounts {
		if d.AtTill <= 0 || d.CloseKey != "" {
			continue
		}
		op := providers.Op{Provider: d.Provider, Kind: providers.KindClose, Key: m.opt.NewID(), SaleID: m.sale.ID,
			Amount: d.AtTill, Currency: m.sale.Currency, Target: d.Key, Created: m.opt.Now()}
		if err := m.sale.SetCloseKey(d.Key, op.Key); err != nil {
			m.setError(m.errText(err))
			return nil, true
		}
		m.journalAppend(op, true, store.OpQueued)
		n++
	}
	if n == 0 {
		return nil, false
	}
	return m.changed(), true
}

// quoteState is the loyalty discount a provider offers every customer on
// the cart, good while the sale stays as it was asked about.
type quoteState struct {
	saleID string
	rev    uint64
	label  string
	out    providers.Outcome
	asking bool
}

type quoteMsg struct {
	saleID string
	rev    uint64
	label  string
	out    providers.Outcome
}

// quoter is the first wired provider that quotes loyalty discounts, with
// its wallet's name.
func (m *Model) quoter() (providers.Quoter, string, bool) {
	for _, w := range m.enabledWallets() {
		if q, ok := m.opt.Payments[w.Provider()].(providers.Quoter); ok {
			return q, w.Label(), true
		}
	}
	return nil, "", false
}

// askQuote asks for the anonymous loyalty discount on the saved cart.
func (m *Model) askQuote() tea.Cmd {
	q, label, ok := m.quoter()
	t, err := m.totals(m.shown)
	if !ok || err != nil || t.Items == 0 || m.quote.asking {
		return nil
	}
	op := providers.Op{Kind: providers.KindLookup, Key: m.opt.NewID(), SaleID: m.shown.ID, Amount: t.Due,
		Currency: m.opt.Currency.Code, Items: items(m.shown), Created: m.opt.Now()}
	m.quote = quoteState{saleID: m.shown.ID, rev: m.shown.Rev, label: label, asking: true}
	m.setInfo(fmt.Sprintf(m.t("Asking %s for its loyalty discount…"), label))
	timeout := min(m.opt.PayTimeout, 15*time.Second)
	saleID, rev := m.shown.ID, m.shown.Rev
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		return quoteMsg{saleID: saleID, rev: rev, label: label, out: q.Quote(ctx, op)}
	}
}

func (m *Model) onQuote(msg quoteMsg) tea.Cmd {
	if msg.saleID != m.quote.saleID || msg.rev != m.quote.rev {
		return nil
	}
	m.quote.asking, m.quote.out = false, msg.out
	cur := m.opt.Currency
	switch {
	case msg.out.Status != providers.Approved:
		m.setError(fmt.Sprintf(m.t("%s loyalty: %s"), msg.label, orDefault(sanitize.Text(msg.out.Reason), m.t("no answer"))))
	case msg.out.Discount == 0:
		m.setInfo(fmt.Sprintf(m.t("%s offers no loyalty discount on this cart"), msg.label))
	default:
		m.setSuccess(fmt.Sprintf(m.t("%[1]s offers a loyalty discount of %[2]s when the customer pays with %[1]s"), msg.label, cur.Format(msg.out.Discount), msg.label))
	}
	return nil
}

// quoteNote is the offered discount for the totals line, while the cart
// is what was asked about.
func (m *Model) quoteNote() string {
	q := m.quote
	if m.shown == nil || q.saleID != m.shown.ID || q.rev != m.shown.Rev || q.asking || q.out.Status != providers.Approved || q.out.Discount == 0 {
		return ""
	}
	return fmt.Sprintf(m.t("%s offers −%s"), q.label, m.opt.Currency.Format(q.out.Discount))
}

// demoCustomer plays the customer's side of the code on screen (demo
// mode): paying in the app, or taking the discount to pay at the till.
func (m *Model) demoCustomer(atTill bool) tea.Cmd {
	if m.opt.DemoCustomer == nil || m.wallet.showCode == "" {
		return nil
	}
	customer, provider, ref := m.opt.DemoCustomer, m.wallet.op.Provider, m.wallet.op.Key
	failed, answered := m.t("Demo customer: "), m.t("Demo customer answered; waiting for SWiP…")
	return func() tea.Msg {
		if err := customer(provider, ref, atTill); err != nil {
			return NoticeMsg{Err: failed + err.Error()}
		}
		return NoticeMsg{Info: answered}
	}
}

// viewShowCode is the payment screen while the customer scans the code:
// the code drawn big, black on white, and what is being paid.
func (m *Model) viewShowCode() string {
	s := m.styles
	w := m.wallet
	var b strings.Builder
	b.WriteString(m.header(m.t("Payment")) + "\n")
	b.WriteString("  " + s.Title.Render(fmt.Sprintf("%s  %s %s", w.label, m.opt.Currency.Code, m.opt.Currency.Format(w.op.Amount))) +
		s.Dim.Render("  "+fmt.Sprintf(m.t("scan with the %s app"), w.label)) + "\n")
	room := m.height - 5 // header, title, progress, status, help
	qrW := 0
	if len(w.qr) > 0 {
		qrW = len([]rune(w.qr[0]))
	}
	switch {
	case len(w.qr) == 0:
		b.WriteString("\n" + s.Due.Render("  "+m.t("No QR code to show.")) + "\n")
	case len(w.qr) > room || qrW+2 > m.width:
		b.WriteString("\n" + s.Error.Render(" "+fmt.Sprintf(m.t("Too small for the QR code: %d×%d needed"), qrW+2, len(w.qr)+5)+" ") + "\n")
	default:
		pad := strings.Repeat(" ", max((m.width-qrW)/2, 2))
		for _, l := range w.qr {
			b.WriteString(pad + s.QR.Render(l) + "\n")
		}
	}
	b.WriteString("  " + s.Prompt.Render(m.walletProgress()) + "\n")
	keys := []key.Binding{m.keys.Cancel}
	if m.opt.DemoCustomer != nil {
		keys = append(keys, m.keys.DemoPay, m.keys.DemoAtTill)
	}
	return m.frame(b.String(), keys)
}
