package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/store"
	"till/store/money"
	"till/store/receipt"
	"till/store/sale"
	"till/store/sanitize"
)

// returnMode is where a return is: the receipt asked for, its lines
// picked, being written, done.
type returnMode int

const (
	returnAsk returnMode = iota
	returnPick
	returnSaving
	returnDone
)

// returnState is the return screen: goods of a completed sale brought
// back, refunded to the payments they were paid with or in cash.
type returnState struct {
	mode   returnMode
	sale   *sale.Sale
	picks  map[int]int64 // line id → quantity coming back
	cursor int           // index into returnLines
	toCash bool
	// done is the number of the return written; the sale is read again
	// as its refunds settle, so the slip shows where each stands.
	done int
	top  int // first slip line shown
}

type returnSaleMsg struct {
	sale *sale.Sale
	err  error
	// refresh is a read of the return on show, after a refund settled.
	refresh bool
}

type returnedMsg struct {
	sale *sale.Sale
	ret  sale.Return
	err  error
}

// cashedMsg is refused refunds paid in cash instead.
type cashedMsg struct {
	sale   *sale.Sale
	amount money.Amount
	err    error
}

// openReturn asks for the receipt of the goods brought back. A return
// is a transaction of its own: its key works with an empty cart only.
func (m *Model) openReturn() tea.Cmd {
	m.screen = screenReturn
	m.ret = returnState{}
	m.input.Blur()
	m.payment.input.Prompt, m.payment.input.Placeholder = m.t("Receipt number: "), m.t("scan or type it")
	m.payment.input.Reset()
	return m.payment.input.Focus()
}

// loadReturn reads the sale of the receipt number typed or scanned.
func (m *Model) loadReturn(entry string) tea.Cmd {
	n, err := strconv.ParseUint(strings.TrimSpace(entry), 10, 64)
	if err != nil || n == 0 {
		m.setError(m.t("Type the receipt number as printed, e.g. 000123"))
		return nil
	}
	return readReturnSale(m.opt.Store, n, false)
}

func readReturnSale(st Store, n uint64, refresh bool) tea.Cmd {
	return func() tea.Msg {
		s, err := st.SaleByNumber(n)
		return returnSaleMsg{sale: s, err: err, refresh: refresh}
	}
}

func (m *Model) onReturnSale(msg returnSaleMsg) tea.Cmd {
	if msg.refresh {
		// Only for the slip it was read for: the clerk may have moved on.
		if m.screen == screenReturn && m.ret.mode == returnDone && msg.err == nil && msg.sale.ID == m.ret.sale.ID {
			m.ret.sale = msg.sale
			m.tellDeclined()
		}
		return nil
	}
	if m.screen != screenReturn || m.ret.mode != returnAsk {
		return nil
	}
	switch {
	case errors.Is(msg.err, store.ErrNotFound):
		m.setError(m.t("No sale has that receipt number"))
		return nil
	case msg.err != nil:
		m.setError(m.t("The sale could not be read: ") + m.errText(msg.err))
		return nil
	}
	m.ret = returnState{mode: returnPick, sale: msg.sale, picks: map[int]int64{}}
	m.payment.input.Blur()
	switch {
	case len(m.returnLines()) == 0:
		m.setError(m.t("Nothing on this receipt can be returned"))
	default:
		m.setInfo(m.t("Pick what comes back: space takes a whole line, +/- one at a time"))
	}
	m.tellDeclined()
	return nil
}

// tellDeclined says when a provider refused a refund the customer is
// still owed, and how to pay it.
func (m *Model) tellDeclined() {
	d := m.ret.sale.DeclinedRefunds()
	if len(d) == 0 {
		return
	}
	reason := m.t("no reason given")
	if d[0].Reason != "" {
		reason = sanitize.Text(d[0].Reason)
	}
	m.setError(fmt.Sprintf(m.t("A refund was refused (%s): F6 pays it in cash"), reason))
}

// returnLines are the lines goods can come back from, in sale order.
func (m *Model) returnLines() []sale.Line {
	var out []sale.Line
	for _, l := range m.ret.sale.Lines {
		if sale.Returnable(l) {
			out = append(out, l)
		}
	}
	return out
}

// returnPicks are the quantities picked, in sale order.
func (m *Model) returnPicks() []sale.ReturnLine {
	var out []sale.ReturnLine
	for _, l := range m.returnLines() {
		if q := m.ret.picks[l.ID]; q > 0 {
			out = append(out, sale.ReturnLine{LineID: l.ID, Qty: q})
		}
	}
	return out
}

// canRefund reports a configured provider that gives money back.
func (m *Model) canRefund(provider string) bool {
	p, ok := m.opt.Payments[provider]
	return ok && providers.CanRefund(p)
}

func (m *Model) updateReturn(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	switch m.ret.mode {
	case returnAsk:
		switch {
		case ok && key.Matches(press, m.keys.Back):
			return m.leaveReturn()
		case ok && key.Matches(press, m.keys.Apply):
			return m.loadReturn(m.payment.input.Value())
		}
		var cmd tea.Cmd
		m.payment.input, cmd = m.payment.input.Update(msg)
		return cmd
	case returnSaving:
		return nil
	case returnDone:
		switch {
		case !ok:
		case key.Matches(press, m.keys.RefundDeclined):
			return m.payDeclinedInCash()
		case key.Matches(press, m.keys.NextSale), key.Matches(press, m.keys.Back):
			return m.leaveReturn()
		case key.Matches(press, m.keys.ListUp):
			m.ret.top = max(m.ret.top-1, 0)
		case key.Matches(press, m.keys.ListDown):
			m.ret.top = min(m.ret.top+1, max(len(m.returnSlip())-m.boxRoom(0, m.slipKeys()), 0))
		case m.opt.Printer != nil && key.Matches(press, m.keys.Print):
			return m.printLines(m.returnSlip())
		}
		return nil
	}
	if ok {
		return m.pickReturn(press)
	}
	return nil
}

// pickReturn changes what comes back of the selected line, or confirms.
func (m *Model) pickReturn(press tea.KeyPressMsg) tea.Cmd {
	lines := m.returnLines()
	if len(lines) == 0 {
		if key.Matches(press, m.keys.Back) {
			return m.leaveReturn()
		}
		return nil
	}
	m.ret.cursor = min(m.ret.cursor, len(lines)-1)
	l := lines[m.ret.cursor]
	left := l.Qty - m.ret.sale.ReturnedQty(l.ID)
	picked := m.ret.picks[l.ID]
	switch {
	case key.Matches(press, m.keys.Back):
		return m.leaveReturn()
	case key.Matches(press, m.keys.ListUp):
		m.ret.cursor = max(m.ret.cursor-1, 0)
	case key.Matches(press, m.keys.ListDown):
		m.ret.cursor = min(m.ret.cursor+1, len(lines)-1)
	case left == 0 && (key.Matches(press, m.keys.ReturnLine) || key.Matches(press, m.keys.ReturnMore)):
		m.setInfo(m.t("All of this line has come back already"))
	case key.Matches(press, m.keys.ReturnLine):
		picked = left - picked // all of it, or none again
	case key.Matches(press, m.keys.ReturnMore):
		picked = min(picked+1, left)
		if l.Weighed {
			picked = left // weighed goods come back whole
		}
	case key.Matches(press, m.keys.ReturnLess):
		picked = max(picked-1, 0)
		if l.Weighed {
			picked = 0
		}
	case key.Matches(press, m.keys.RefundCash):
		m.ret.toCash = !m.ret.toCash
	case key.Matches(press, m.keys.RefundDeclined):
		return m.payDeclinedInCash()
	case key.Matches(press, m.keys.Apply):
		return m.confirmReturn()
	}
	if picked > 0 {
		m.ret.picks[l.ID] = picked
	} else {
		delete(m.ret.picks, l.ID)
	}
	return nil
}

func (m *Model) leaveReturn() tea.Cmd {
	m.ret = returnState{}
	m.payment.input.Blur()
	m.screen = screenSale
	return m.input.Focus()
}

// returnPlan is what the picks refund, and where the money goes.
func (m *Model) returnPlan() ([]sale.RefundPart, money.Amount, error) {
	value, err := m.ret.sale.ReturnValue(m.returnPicks())
	if err != nil {
		return nil, 0, err
	}
	return m.ret.sale.PlanRefund(value, m.ret.toCash, m.canRefund), value, nil
}

// confirmReturn asks a manager's approval, then writes the return.
func (m *Model) confirmReturn() tea.Cmd {
	_, value, err := m.returnPlan()
	if err != nil {
		m.setError(m.errText(err))
		return nil
	}
	detail := about("return of %s on receipt %06d", m.opt.Currency.Format(value), m.ret.sale.Number)
	number, picks, toCash := m.ret.sale.Number, m.returnPicks(), m.ret.toCash
	return m.needManager(store.ActionRefund, detail, func(m *Model, _ string) tea.Cmd {
		if !m.onReturnOf(number) {
			return nil
		}
		m.ret.mode = returnSaving
		clerk := ""
		if c := m.staff.clerk; c != nil {
			clerk = c.ID
		}
		return returnCmd(m.opt.Store, number, picks, toCash, m.canRefund, m.opt.NewID, clerk, m.opt.Now())
	})
}

// AdjustmentOp is the provider operation of a void or refund a just
// recorded on s. It carries what of the payment was given back before,
// by which SWiP tells a refund sent again after a crash.
func AdjustmentOp(s *sale.Sale, a sale.Adjustment, now time.Time) providers.Op {
	tn := s.Tender(a.TenderKey)
	left, _ := s.Refundable(a.TenderKey) // a included
	kind := providers.KindRefund
	if a.Kind == sale.AdjustVoid {
		kind = providers.KindVoid
	}
	return providers.Op{Provider: tn.Provider, Kind: kind, Key: a.Key, SaleID: s.ID, Wallet: tn.Wallet, Currency: s.Currency,
		Target: tn.Key, Amount: a.Amount, Returned: max(tn.Amount-left-a.Amount, 0), Created: now}
}

// returnCmd records the return on the stored sale with its provider
// refunds and the passes it gives back journaled in the same
// transaction: the replay worker sends them, so a return taken during an
// outage waits in the journal instead of being lost.
func returnCmd(st Store, number uint64, picks []sale.ReturnLine, toCash bool, canRefund func(string) bool,
	newID func() string, clerk string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		var ret sale.Return
		s, err := st.UpdateSaleJournal(number, func(s *sale.Sale) ([]store.JournalChange, error) {
			value, err := s.ReturnValue(picks)
			if err != nil {
				return nil, err
			}
			r, adjs, err := s.AddReturn(picks, s.PlanRefund(value, toCash, canRefund), newID, clerk, now)
			if err != nil {
				return nil, err
			}
			ret = r
			var changes []store.JournalChange
			for _, a := range adjs {
				if a.TenderKey == "" {
					continue // cash, handed over now
				}
				changes = append(changes, journalEntry(AdjustmentOp(s, a, now), true, store.OpQueued))
			}
			for _, l := range s.Lines {
				if l.Coupon == nil || !slices.Contains(r.Passes, l.ID) {
					continue
				}
				op := unredeemOp(l.Coupon, s.ID, newID(), now)
				if err := s.SetUnredeemKey(l.ID, op.Key); err != nil {
					return nil, err
				}
				changes = append(changes, journalEntry(op, true, store.OpQueued))
			}
			return changes, nil
		})
		return returnedMsg{sale: s, ret: ret, err: err}
	}
}

func (m *Model) onReturned(msg returnedMsg) tea.Cmd {
	if msg.err != nil {
		m.ret.mode = returnPick
		m.setError(m.t("The return was not recorded: ") + m.errText(msg.err))
		return nil
	}
	m.ret.mode, m.ret.sale, m.ret.done, m.ret.top = returnDone, msg.sale, msg.ret.Number, 0
	if m.opt.JournalChanged != nil {
		m.opt.JournalChanged()
	}
	var cash money.Amount
	for _, a := range msg.sale.Adjustments {
		if a.Return == msg.ret.Number && a.Method == sale.MethodCash {
			cash += a.Amount
		}
	}
	cmds := []tea.Cmd{m.printLines(m.returnSlip())}
	if cash > 0 {
		m.setSuccess(fmt.Sprintf(m.t("Return recorded: give the customer %s in cash"), m.opt.Currency.Format(cash)))
		cmds = append(cmds, m.openDrawer())
	} else {
		m.setSuccess(m.t("Return recorded: the refund goes back to the customer's payment"))
	}
	return tea.Batch(cmds...)
}

// onReturnOf reports that the return of receipt number is still on show
// when its approval comes: the clerk may have left it meanwhile.
func (m *Model) onReturnOf(number uint64) bool {
	if m.screen != screenReturn || m.ret.sale == nil || m.ret.sale.Number != number {
		m.setError(m.t("The return was left before it was approved: nothing was done"))
		return false
	}
	return true
}

// payDeclinedInCash pays the sale's refused return refunds in cash
// instead, once a manager approves.
func (m *Model) payDeclinedInCash() tea.Cmd {
	var owed money.Amount
	for _, a := range m.ret.sale.DeclinedRefunds() {
		owed += a.Amount
	}
	if owed == 0 {
		m.setInfo(m.t("No refused refund is owed on this receipt"))
		return nil
	}
	number := m.ret.sale.Number
	detail := about("cash for a refused refund of %s on receipt %06d", m.opt.Currency.Format(owed), number)
	return m.needManager(store.ActionRefund, detail, func(m *Model, _ string) tea.Cmd {
		if !m.onReturnOf(number) {
			return nil
		}
		st, newID, now := m.opt.Store, m.opt.NewID, m.opt.Now()
		return func() tea.Msg {
			var paid money.Amount
			s, err := st.UpdateSaleJournal(number, func(s *sale.Sale) ([]store.JournalChange, error) {
				for _, d := range s.DeclinedRefunds() {
					a, err := s.RefundInCash(d.Key, newID(), now)
					if err != nil {
						return nil, err
					}
					paid += a.Amount
				}
				return nil, nil
			})
			return cashedMsg{sale: s, amount: paid, err: err}
		}
	})
}

func (m *Model) onCashed(msg cashedMsg) tea.Cmd {
	if msg.err != nil {
		m.setError(m.t("The refund was not recorded: ") + m.errText(msg.err))
		return nil
	}
	if m.screen == screenReturn && m.ret.sale != nil && m.ret.sale.ID == msg.sale.ID {
		m.ret.sale = msg.sale
	}
	if msg.amount == 0 {
		m.setInfo(m.t("No refused refund is owed on this receipt"))
		return nil
	}
	m.setSuccess(fmt.Sprintf(m.t("Give the customer %s in cash"), m.opt.Currency.Format(msg.amount)))
	cmds := []tea.Cmd{m.openDrawer()}
	if m.ret.mode == returnDone {
		cmds = append(cmds, m.printLines(m.returnSlip()))
	}
	return tea.Batch(cmds...)
}

// returnSettled reads the sale of the return on show again when one of
// its operations settles, so the slip shows the refund's outcome.
func (m *Model) returnSettled(msg OperationMsg) tea.Cmd {
	if m.screen != screenReturn || m.ret.mode != returnDone || m.ret.sale == nil || m.ret.sale.ID != msg.SaleID {
		if msg.Kind == string(providers.KindRefund) && msg.Status == string(providers.Declined) && m.sale == nil {
			// Refused after the clerk left the slip: the customer may be
			// owed the money still.
			m.setError(fmt.Sprintf(m.t("A refund was refused (%s): a return's is paid in cash with F6 on its return (ctrl+r)"),
				sanitize.Text(orDefault(msg.Reason, m.t("no reason given")))))
		}
		return nil
	}
	return readReturnSale(m.opt.Store, m.ret.sale.Number, true)
}

// returnSlip is the return as printed for the customer to sign.
func (m *Model) returnSlip() []string {
	i := slices.IndexFunc(m.ret.sale.Returns, func(r sale.Return) bool { return r.Number == m.ret.done })
	if i < 0 {
		return nil
	}
	return receipt.ReturnLines(m.ret.sale, m.ret.sale.Returns[i], receipt.Header{StoreName: m.opt.StoreName, TillID: m.opt.TillID, Words: m.receiptWords()},
		m.opt.Currency, receiptWidth)
}

func (m *Model) viewReturn() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(m.header(m.t("Return")) + "\n\n")
	switch m.ret.mode {
	case returnAsk:
		b.WriteString("  " + s.Prompt.Render(inputView(m.payment.input)) + "\n")
		b.WriteString(s.Dim.Render("  "+m.t("Scan the receipt's number or type it, then enter.")) + "\n")
		return m.frame(b.String(), []key.Binding{m.keys.Apply, m.keys.Back})
	case returnDone:
		keys := m.slipKeys()
		b.Reset()
		b.WriteString(m.header(m.t("Return")) + "\n")
		b.WriteString(m.boxed(m.returnSlip(), m.ret.top, 0, keys) + "\n")
		return m.frame(b.String(), keys)
	}
	keys := []key.Binding{m.keys.ListUp, m.keys.ReturnLine, m.keys.ReturnMore, m.keys.RefundCash, m.keys.Apply, m.keys.Back}
	if len(m.ret.sale.DeclinedRefunds()) > 0 {
		keys = append(keys, m.keys.RefundDeclined)
	}
	return m.frame(b.String()+m.viewReturnPick(keys), keys)
}

// slipKeys are the keys of the return slip on screen.
func (m *Model) slipKeys() []key.Binding {
	keys := []key.Binding{m.keys.NextSale, m.keys.ListUp}
	if len(m.ret.sale.DeclinedRefunds()) > 0 {
		keys = append(keys, m.keys.RefundDeclined)
	}
	if m.opt.Printer != nil {
		keys = append(keys, m.keys.Print)
	}
	return keys
}

// viewReturnPick is the receipt's lines with what comes back of each,
// and where the refund goes.
func (m *Model) viewReturnPick(keys []key.Binding) string {
	st, sl, cur := m.styles, m.ret.sale, m.opt.Currency
	var b strings.Builder
	when := sl.Completed.Local().Format("2006-01-02 15:04")
	b.WriteString("  " + st.Title.Render(fmt.Sprintf(m.t("Receipt %06d · %s · %s"), sl.Number, when, cur.Format(sl.Total))) + "\n\n")
	row := func(name, sold, back, picked string) string {
		return cell(name, 36, false) + cell(sold, 10, true) + cell(back, 10, true) + cell(picked, 12, true)
	}
	b.WriteString(st.Dim.Render("    "+row(m.t("Item"), m.t("Sold"), m.t("Back"), m.t("Returning"))) + "\n")
	lines := m.returnLines()
	// As many rows as fit above the refund, the cursor's among them.
	room := max(m.height-12-len(m.helpRows(keys)), 1)
	start := max(m.ret.cursor-room+1, 0)
	for i := start; i < len(lines) && i < start+room; i++ {
		l := lines[i]
		back := m.ret.sale.ReturnedQty(l.ID)
		picked := m.ret.picks[l.ID]
		qty := func(q int64) string {
			if l.Weighed {
				return receipt.Grams(q)
			}
			return strconv.FormatInt(q, 10)
		}
		shown := ""
		if picked > 0 {
			shown = qty(picked)
		}
		r := row(sanitize.Text(l.Name), qty(l.Qty), qty(back), shown)
		switch {
		case i == m.ret.cursor:
			r = st.Selected.Render("› " + r)
		case back >= l.Qty:
			r = st.Dim.Render("  " + r)
		default:
			r = "  " + r
		}
		b.WriteString("  " + r + "\n")
	}
	b.WriteString("\n")
	parts, value, err := m.returnPlan()
	switch {
	case m.ret.mode == returnSaving:
		b.WriteString(st.Dim.Render("  "+m.t("Recording the return…")) + "\n")
	case errors.Is(err, sale.ErrNothingPicked):
		b.WriteString(st.Dim.Render("  "+m.t("Nothing picked yet.")) + "\n")
	case err != nil:
		b.WriteString("  " + st.Error.Render(m.errText(err)) + "\n")
	default:
		b.WriteString("  " + st.Total.Render(receipt.Spread(m.t("Refund"), cur.Code+" "+cur.Format(value), 40)) + "\n")
		for _, p := range parts {
			method := m.t("Cash")
			if p.TenderKey != "" {
				method = receipt.Method(p.Method)
			}
			b.WriteString("    " + receipt.Spread(method, cur.Format(p.Amount), 38) + "\n")
		}
	}
	return b.String()
}
