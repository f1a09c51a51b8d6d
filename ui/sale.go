package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"till/store/catalog"
	"till/store/receipt"
	"till/store/sale"
	"till/store/sanitize"
)

func (m *Model) updateSale(msg tea.Msg) tea.Cmd {
	if m.qtyLine != 0 || m.pendingItem != nil {
		return m.updateQtyPrompt(msg)
	}
	if m.priceLine != 0 {
		return m.updatePricePrompt(msg)
	}
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	m.syncSaleKeys()
	if key.Matches(press, m.keys.VoidSale) {
		return m.voidSale()
	}
	m.confirmVoid = false
	switch {
	case key.Matches(press, m.keys.Add):
		entry := strings.TrimSpace(m.input.Value())
		m.input.Reset()
		if entry == "" {
			return nil
		}
		return m.addEntry(entry)
	case key.Matches(press, m.keys.Up):
		m.selected = max(m.selected-1, 0)
	case key.Matches(press, m.keys.Down):
		if m.shown != nil {
			m.selected = min(m.selected+1, len(m.shown.Lines)-1)
		}
	case key.Matches(press, m.keys.Qty):
		if l, ok := m.selectedLine(); ok {
			m.qtyLine = l.ID
			m.qtyInput.Prompt = m.qtyPrompt(l.Name, l.Weighed)
			m.qtyInput.SetValue(strconv.FormatInt(l.Qty, 10))
			m.qtyInput.CursorEnd()
			m.input.Blur()
			return m.qtyInput.Focus()
		}
	case key.Matches(press, m.keys.Void):
		if l, ok := m.selectedLine(); ok {
			if l.Coupon != nil && l.Coupon.Status == sale.TenderPending {
				m.setError(m.t("The pass is being redeemed: wait for the answer before voiding it"))
				return nil
			}
			if err := m.sale.Void(l.ID); err != nil {
				m.setError(m.errText(err))
				return nil
			}
			m.unredeem(l)
			m.setInfo(fmt.Sprintf(m.t("Voided %s"), sanitize.Text(l.Name)))
			return m.changed()
		}
	case key.Matches(press, m.keys.PriceOverride):
		return m.openPriceOverride()
	case key.Matches(press, m.keys.Coupon):
		return m.openRedeem()
	case key.Matches(press, m.keys.Reports):
		return m.openReports()
	case key.Matches(press, m.keys.Return):
		return m.openReturn()
	case key.Matches(press, m.keys.NoSale):
		return m.noSale()
	case key.Matches(press, m.keys.Lock):
		return m.askLogin(m.t("Locked: log in to go on"))
	case key.Matches(press, m.keys.Search):
		m.screen = screenSearch
		m.search.input.Reset()
		m.search.cursor = 0
		m.search.results = m.opt.Catalog.Search("", searchLimit)
		m.input.Blur()
		return m.search.input.Focus()
	case key.Matches(press, m.keys.Reprint):
		return lastSaleCmd(m.opt.Store)
	case key.Matches(press, m.keys.Journal):
		return m.openJournal()
	case key.Matches(press, m.keys.Pay):
		return m.startPayment()
	case key.Matches(press, m.keys.Quote):
		return m.askQuote()
	case key.Matches(press, m.keys.Clear):
		m.input.Reset()
	case disabledMatch(press, m.keys.Pay):
		m.setError(m.t("Nothing to pay: scan an item first"))
	case disabledMatch(press, m.keys.Coupon):
		m.setError(m.t("No coupons here: no pass provider is configured, or payment has begun"))
	case disabledMatch(press, m.keys.Quote):
		m.setError(m.t("No loyalty discount to ask for: no loyalty provider, an empty cart, or payment has begun"))
	case disabledMatch(press, m.keys.Return):
		m.setError(m.t("Finish or void this sale before taking a return"))
	case disabledMatch(press, m.keys.Qty, m.keys.Void, m.keys.PriceOverride):
		m.setError(m.t("Select a line that is not voided first (↑/↓)"))
	default:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	return nil
}

// voidSale voids every line of an unpaid sale on a second press: the
// lines stay on it, marked, and redeemed passes are given back.
func (m *Model) voidSale() tea.Cmd {
	t, _ := m.totals(m.shown)
	switch {
	case t.Items == 0:
		m.setError(m.t("Nothing to void"))
		return nil
	case len(m.sale.Tenders) > 0:
		m.setError(m.t("The sale has payments: it cannot be voided here"))
		return nil
	case slices.ContainsFunc(m.sale.OpenCoupons(), func(c sale.Coupon) bool { return c.Status == sale.TenderPending }):
		m.setError(m.t("A pass is being redeemed: wait for its answer"))
		return nil
	case !m.confirmVoid:
		m.confirmVoid = true
		m.setError(fmt.Sprintf(m.t("Void all %d lines of this sale? Press F10 again to confirm"), len(m.sale.ActiveLines())))
		return nil
	}
	m.confirmVoid = false
	n := 0
	for _, l := range m.sale.ActiveLines() {
		if err := m.sale.Void(l.ID); err != nil {
			m.setError(m.errText(err))
			return m.changed()
		}
		m.unredeem(l)
		n++
	}
	m.setInfo(fmt.Sprintf(m.t("Sale voided: %d lines"), n))
	return m.changed()
}

// syncSaleKeys enables only what can be done now, so the help bar is true.
func (m *Model) syncSaleKeys() {
	_, hasLine := m.selectedLine()
	t, _ := m.totals(m.shown)
	m.keys.Qty.SetEnabled(hasLine)
	m.keys.Void.SetEnabled(hasLine)
	m.keys.PriceOverride.SetEnabled(hasLine && len(m.shown.Tenders) == 0)
	m.keys.Pay.SetEnabled(t.Items > 0)
	m.keys.NoSale.SetEnabled(m.opt.Printer != nil)
	m.keys.Reports.SetEnabled(m.opt.Reports != nil)
	m.keys.Return.SetEnabled(t.Items == 0)
	m.keys.Lock.SetEnabled(m.staff.on)
	m.keys.VoidSale.SetEnabled(t.Items > 0 && len(m.shown.Tenders) == 0)
	m.keys.Coupon.SetEnabled(m.opt.Redeemer != nil && (m.shown == nil || len(m.shown.Tenders) == 0))
	_, _, quotes := m.quoter()
	m.keys.Quote.SetEnabled(quotes && t.Items > 0 && len(m.shown.Tenders) == 0)
	m.keys.Up.SetEnabled(m.shown != nil && len(m.shown.Lines) > 1)
	m.keys.Down.SetEnabled(m.shown != nil && len(m.shown.Lines) > 1)
}

// disabledMatch reports a key press meant for an action that is disabled
// now, so the clerk is told why nothing happened.
func disabledMatch(press tea.KeyPressMsg, bindings ...key.Binding) bool {
	for _, b := range bindings {
		if b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			if press.String() == k {
				return true
			}
		}
	}
	return false
}

func (m *Model) selectedLine() (sale.Line, bool) {
	if m.shown == nil || m.selected < 0 || m.selected >= len(m.shown.Lines) {
		return sale.Line{}, false
	}
	l := m.shown.Lines[m.selected]
	return l, !l.Voided
}

func (m *Model) qtyPrompt(name string, weighed bool) string {
	format := m.t("Quantity for %s: ")
	if weighed {
		format = m.t("Weight in grams for %s: ")
	}
	return fmt.Sprintf(format, ansi.Truncate(sanitize.Text(name), 30, "…"))
}

// linePrompt edits the sale screen's one-line prompt (quantity, price):
// esc closes it, enter submits it, anything else is typed into it.
func (m *Model) linePrompt(msg tea.Msg, closePrompt func()) (submitted bool, cmd tea.Cmd) {
	press, ok := msg.(tea.KeyPressMsg)
	switch {
	case ok && key.Matches(press, m.keys.Cancel):
		closePrompt()
		return false, m.input.Focus()
	case ok && key.Matches(press, m.keys.Apply):
		return true, nil
	}
	m.qtyInput, cmd = m.qtyInput.Update(msg)
	return false, cmd
}

func (m *Model) updateQtyPrompt(msg tea.Msg) tea.Cmd {
	if submitted, cmd := m.linePrompt(msg, m.closeQtyPrompt); !submitted {
		return cmd
	}
	qty, err := strconv.ParseInt(strings.TrimSpace(m.qtyInput.Value()), 10, 64)
	if err != nil {
		m.setError(m.t("Type a whole number"))
		return nil
	}
	lineID, pending := m.qtyLine, m.pendingItem
	m.closeQtyPrompt()
	focus := m.input.Focus()
	if pending != nil {
		return tea.Batch(focus, m.addMatch(*pending, pending.Item.SKU, qty))
	}
	if err := m.sale.SetQty(lineID, qty); err != nil {
		m.setError(m.errText(err))
		return focus
	}
	return tea.Batch(focus, m.changed())
}

func (m *Model) closeQtyPrompt() {
	m.qtyLine, m.pendingItem = 0, nil
	m.qtyInput.Reset()
	m.qtyInput.Blur()
}

// addEntry adds what the clerk typed or scanned: a code, optionally led by
// "N*" for N units (or N grams of a weighed item).
func (m *Model) addEntry(entry string) tea.Cmd {
	qty := int64(0)
	if n, code, ok := strings.Cut(entry, "*"); ok {
		q, err := strconv.ParseInt(n, 10, 64)
		if err != nil || q < 1 {
			m.setError(fmt.Sprintf(m.t("%q is not a quantity: type N*code, e.g. 3*%s"), sanitize.Text(n), "4710088410122"))
			return nil
		}
		if strings.TrimSpace(code) == "" {
			m.setError(fmt.Sprintf(m.t("Type or scan a code after %s*"), n))
			return nil
		}
		qty, entry = q, strings.TrimSpace(code)
	}
	match, err := m.opt.Catalog.Resolve(entry, m.opt.Embedded, m.opt.Currency)
	if err != nil {
		m.setError(m.errText(err))
		return nil
	}
	if match.Qty > 0 && qty > 0 {
		m.setError(m.t("The weight is already in the code: scan it without N*"))
		return nil
	}
	if qty == 0 {
		qty = match.Qty
	}
	if qty == 0 && match.Item.Weighed {
		m.pendingItem = &match
		m.qtyInput.Prompt = m.qtyPrompt(match.Item.Name, true)
		m.input.Blur()
		return m.qtyInput.Focus()
	}
	return m.addMatch(match, entry, max(qty, 1))
}

func (m *Model) addMatch(match catalog.Match, code string, qty int64) tea.Cmd {
	m.ensureSale()
	l, err := m.sale.Add(match.Item, sanitize.Code(code), match.UnitPrice, qty)
	if err != nil {
		if errors.Is(err, sale.ErrPaid) {
			m.setError(m.t("Payment has started: finish it (F12) before adding items"))
		} else {
			m.setError(m.errText(err))
		}
		return nil
	}
	m.setSuccess(fmt.Sprintf(m.t("Added %s  %s"), sanitize.Text(l.Name), receipt.Quantity(l, m.opt.Currency)))
	return m.changed()
}

// onScan handles a code from a scanner: on the sale screen it is added
// like a typed code; on a receipt it starts the next sale.
func (m *Model) onScan(msg ScanMsg) tea.Cmd {
	code := strings.TrimSpace(msg.Code)
	if code == "" {
		return nil
	}
	switch {
	case m.locked() || m.screen == screenStaff:
		m.setError(m.t("Scan ignored: log in first"))
		return nil
	case m.screen == screenPayment && (m.payment.mode == payChoose || m.payment.mode == payWalletCode):
		return m.walletCode(code)
	case m.screen == screenRedeem && m.redeem.chosen != nil:
		return m.redeemPass(code)
	case m.screen == screenReturn && m.ret.mode == returnAsk:
		return m.loadReturn(code)
	case m.screen == screenReceipt:
		m.leaveReceipt()
	case m.screen != screenSale || m.qtyLine != 0 || m.pendingItem != nil || m.priceLine != 0:
		m.setError(m.t("Scan ignored: finish this screen first"))
		return nil
	}
	return m.addEntry(code)
}

func (m *Model) startPayment() tea.Cmd {
	t, err := m.totals(m.sale)
	if err != nil {
		m.setError(m.errText(err))
		return nil
	}
	if t.Items == 0 {
		m.setError(m.t("Nothing to pay: scan an item first"))
		return nil
	}
	if p, _ := m.sale.TicketProduct(); p != "" && m.opt.Ticketer == nil {
		m.setError(m.t("This sale has e-tickets, but no ticket provider is configured ([providers.ticketbao])"))
		return nil
	}
	if len(m.sale.OpenCoupons()) > 0 {
		m.setError(m.t("A pass is still being redeemed: wait for its answer, or void its line (F4)"))
		return nil
	}
	m.screen = screenPayment
	m.payment.mode = payChoose
	m.payment.wallet, m.payment.code = "", ""
	m.input.Blur()
	return nil
}

// Column widths of the cart table; the name takes what is left.
const (
	colNo     = 4
	colQty    = 16
	colPrice  = 12
	colAmount = 13
)

func (m *Model) viewSale() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(m.header(m.t("Sale")) + "\n")
	nameW := max(m.width-colNo-colQty-colPrice-colAmount, 10)
	b.WriteString(s.TableHead.Render(cell("#", colNo, false)+cell(m.t("Item"), nameW, false)+
		cell(m.t("Qty"), colQty, true)+cell(m.t("Price"), colPrice, true)+cell(m.t("Amount"), colAmount, true)) + "\n")

	m.syncSaleKeys()
	k := m.keys
	keys := []key.Binding{k.Pay, k.Search, k.Qty, k.Void, k.PriceOverride, k.Coupon, k.Quote, k.Journal, k.Reprint, k.Return,
		k.VoidSale, k.Reports, k.NoSale, k.Lock, k.Quit}
	// Header, table head, rule, totals, input and status, then the help.
	rows := max(m.height-6-len(m.helpRows(keys)), 1)
	var lines []sale.Line
	if m.shown != nil {
		lines = m.shown.Lines
	}
	t, _ := m.totals(m.shown) // an error is on the totals line
	start := 0
	if m.selected >= rows {
		start = m.selected - rows + 1
	}
	for i := start; i < len(lines) && i < start+rows; i++ {
		l := lines[i]
		qty := strconv.FormatInt(l.Qty, 10)
		price := m.opt.Currency.Format(l.UnitPrice)
		if l.Override != nil {
			price = "*" + price // a manager changed it
		}
		if l.Weighed {
			qty = receipt.Grams(l.Qty) + " kg"
			price += "/kg"
		}
		amount := m.opt.Currency.Format(l.Amount())
		if c := l.Coupon; c != nil {
			qty, price = m.t("coupon"), ""
			amount = map[string]string{sale.TenderPending: m.t("redeeming…"), sale.TenderUnknown: m.t("unknown"),
				sale.TenderDeclined: m.t("refused")}[c.Status]
			if c.Status == sale.TenderApproved {
				amount = receipt.CouponValueIn(l, t, m.opt.Currency, m.receiptWords())
			}
		}
		if l.Voided && (l.Coupon == nil || l.Coupon.Status != sale.TenderDeclined) {
			amount = m.t("void")
		}
		no := strconv.Itoa(i + 1)
		if i == m.selected {
			no = "›" + no // visible without colour too
		}
		row := cell(no, colNo, false) + cell(sanitize.Text(l.Name), nameW, false) +
			cell(qty, colQty, true) + cell(price, colPrice, true) + cell(amount, colAmount, true)
		switch {
		case i == m.selected:
			row = s.Selected.Render(row)
		case l.Voided:
			row = s.Voided.Render(row)
		}
		b.WriteString(row + "\n")
	}
	for i := len(lines) - start; i < rows; i++ {
		if i == 0 && len(lines) == 0 {
			b.WriteString(s.Dim.Render("  "+m.t("Scan an item or type its code, then enter.")) + "\n")
			continue
		}
		b.WriteString("\n")
	}
	b.WriteString(s.Rule.Render(strings.Repeat("─", m.width)) + "\n")
	b.WriteString(m.totalsLine(m.shown) + "\n")
	if m.qtyLine != 0 || m.pendingItem != nil || m.priceLine != 0 {
		b.WriteString(s.Prompt.Render(inputView(m.qtyInput)) + "\n")
	} else {
		b.WriteString(inputView(m.input) + "\n")
	}
	return m.frame(b.String(), keys)
}

func (m *Model) totalsLine(sl *sale.Sale) string {
	t, err := m.totals(sl)
	if err != nil {
		return m.styles.Error.Render(m.errText(err))
	}
	cur := m.opt.Currency
	parts := []string{
		m.styles.Label.Render(m.t("Items")+" ") + strconv.Itoa(t.Items),
		m.styles.Label.Render(m.t("Tax")+" ") + cur.Format(t.Tax),
	}
	if note := m.quoteNote(); note != "" {
		parts = append([]string{m.styles.Success.Render(note)}, parts...)
	}
	if t.Discount > 0 {
		parts = append(parts, m.styles.Label.Render(m.t("Discount")+" ")+"-"+cur.Format(t.Discount))
	}
	if t.Paid > 0 {
		parts = append(parts, m.styles.Label.Render(m.t("Paid")+" ")+cur.Format(t.Paid),
			m.styles.Due.Render(m.t("DUE")+" "+cur.Code+" "+cur.Format(t.Due)))
	}
	parts = append(parts, m.styles.Total.Render(m.t("TOTAL")+" "+cur.Code+" "+cur.Format(t.Total)))
	line := strings.Join(parts, "   ")
	return strings.Repeat(" ", max(m.width-lipgloss.Width(line)-1, 0)) + line
}

// header is the top bar: the shop, the till and the screen's name.
func (m *Model) header(title string) string {
	left := " " + sanitize.Text(m.opt.StoreName)
	if m.opt.TillID != "" {
		left += " · " + m.t("till") + " " + sanitize.Text(m.opt.TillID)
	}
	if c := m.staff.clerk; c != nil {
		left += " · " + sanitize.Text(c.Name)
	}
	right := title + " "
	if m.shown != nil && (m.screen == screenSale || m.screen == screenPayment) {
		right = fmt.Sprintf("%s %s ", title, shortID(m.shown.ID))
	}
	gap := max(m.width-ansi.StringWidth(left)-ansi.StringWidth(right), 1)
	return m.styles.Header.Render(ansi.Truncate(left+strings.Repeat(" ", gap)+right, m.width, ""))
}

// frame lays a screen out at the terminal's height: its body on top,
// cut or padded, then the status line and the help bar at the bottom.
func (m *Model) frame(body string, keys []key.Binding) string {
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	help := m.helpRows(keys)
	room := max(m.height-1-len(help), 1)
	if len(lines) > room {
		lines = lines[:room]
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, m.width, "…")
	}
	for len(lines) < room {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n") + "\n" + m.statusLine() + "\n" + strings.Join(help, "\n")
}

// helpRows lays the enabled keys out on one row, or two when one is too
// narrow for them, so no key is cut off a small console.
func (m *Model) helpRows(keys []key.Binding) []string {
	var on []key.Binding
	for _, k := range keys {
		if k.Enabled() {
			on = append(on, k)
		}
	}
	width := func(ks []key.Binding) int {
		w := 0
		for i, k := range ks {
			w += ansi.StringWidth(k.Help().Key) + 1 + ansi.StringWidth(k.Help().Desc)
			if i > 0 {
				w += 3 // " • "
			}
		}
		return w
	}
	// Wrapped, not cut: a clerk must see every key there is.
	var rows []string
	for len(on) > 0 {
		n := len(on)
		for n > 1 && width(on[:n]) > m.width {
			n--
		}
		rows = append(rows, m.help.ShortHelpView(on[:n]))
		on = on[n:]
	}
	return rows
}

func (m *Model) statusLine() string {
	var msg string
	switch m.status.kind {
	case statusError:
		msg = m.styles.Error.Render(" " + m.status.text + " ")
	case statusSuccess:
		msg = m.styles.Success.Render(m.status.text)
	default:
		msg = m.styles.Info.Render(m.status.text)
	}
	parts := []string{}
	if m.scanner != "" {
		parts = append(parts, m.t("scanner")+" "+m.t(m.scanner))
	}
	if m.printing != "" {
		parts = append(parts, m.t("printer")+" "+m.t(m.printing))
	}
	if len(m.providers) == 0 {
		parts = append(parts, m.t("cash only"))
	}
	for _, p := range m.providers {
		part := p.Name + " " + m.t(p.State)
		if p.Waiting > 0 {
			part += fmt.Sprintf(m.t(" (%d waiting)"), p.Waiting)
		}
		parts = append(parts, part)
	}
	// The clerk's message comes first; the states give way to it.
	msg = ansi.Truncate(msg, m.width, "…")
	right := m.styles.Dim.Render(ansi.Truncate(strings.Join(parts, " · "), max(m.width-lipgloss.Width(msg)-2, 0), "…"))
	gap := max(m.width-lipgloss.Width(msg)-lipgloss.Width(right), 1)
	return msg + strings.Repeat(" ", gap) + right
}

func shortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

// cell fits s into w display columns, padded left or right; wide (CJK)
// characters count two columns so the table stays aligned.
func cell(s string, w int, right bool) string {
	s = ansi.Truncate(s, w-1, "…")
	pad := strings.Repeat(" ", max(w-ansi.StringWidth(s)-1, 0))
	if right {
		return pad + s + " "
	}
	return s + pad + " "
}
