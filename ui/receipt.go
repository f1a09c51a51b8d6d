package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"till/store/receipt"
	"till/store/sale"
)

// receiptWidth is a printer's width, so the screen shows what prints.
const receiptWidth = 42

type receiptState struct {
	sale    *sale.Sale
	reprint bool
	top     int // first receipt line shown, when it is taller than the screen
}

func (m *Model) onLastSale(msg lastSaleMsg) tea.Cmd {
	switch {
	case msg.err != nil:
		m.setError(m.t("Cannot read the last receipt: ") + m.errText(msg.err))
	case msg.sale == nil:
		m.setError(m.t("No sale has been completed yet"))
	default:
		// The receipt on screen shown again (its tickets came) stays
		// what it was; any other is a reprint.
		same := m.screen == screenReceipt && m.receipt.sale != nil && m.receipt.sale.ID == msg.sale.ID
		m.receipt = receiptState{sale: msg.sale, reprint: !same || m.receipt.reprint}
		m.screen = screenReceipt
		m.input.Blur()
	}
	return nil
}

func (m *Model) updateReceipt(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(press, m.keys.NextSale) || key.Matches(press, m.keys.Back):
		return m.leaveReceipt()
	case m.opt.Printer != nil && key.Matches(press, m.keys.Print):
		m.setInfo(m.t("Printing…"))
		return m.printReceipt(m.receipt.sale)
	case key.Matches(press, m.keys.ListUp):
		m.receipt.top = max(m.receipt.top-1, 0)
	case key.Matches(press, m.keys.ListDown):
		m.receipt.top = min(m.receipt.top+1, max(len(m.receiptLines())-m.receiptRoom()+1, 0))
	}
	return nil
}

func (m *Model) leaveReceipt() tea.Cmd {
	if !m.receipt.reprint {
		m.setInfo("")
	}
	m.receipt = receiptState{}
	m.screen = screenSale
	return m.input.Focus()
}

// receiptLines is the receipt on screen as text.
func (m *Model) receiptLines() []string {
	lines, err := receipt.Lines(m.receipt.sale, receipt.Header{StoreName: m.opt.StoreName, TillID: m.opt.TillID, Words: m.receiptWords()},
		m.opt.Currency, m.opt.Tax, receiptWidth)
	if err != nil {
		lines = []string{m.errText(err)}
	}
	if m.receipt.reprint {
		lines = append([]string{receipt.Center(m.t("COPY"), receiptWidth)}, lines...)
	}
	return lines
}

// receiptRoom is how many receipt lines fit in the window.
func (m *Model) receiptRoom() int { return max(m.height-4, 3) }

// boxRoom is how many lines of a boxed document (a report, a slip) fit
// between the screen's header, the box's borders, below more lines under
// it, the status line and the help rows of keys.
func (m *Model) boxRoom(below int, keys []key.Binding) int {
	return max(m.height-4-below-len(m.helpRows(keys)), 1)
}

// boxed draws what fits of lines from top in the receipt's box.
func (m *Model) boxed(lines []string, top, below int, keys []key.Binding) string {
	room := m.boxRoom(below, keys)
	top = min(top, max(len(lines)-room, 0))
	return m.styles.Receipt.Render(strings.Join(lines[top:min(top+room, len(lines))], "\n"))
}

func (m *Model) viewReceipt() string {
	s := m.styles
	var b strings.Builder
	title := m.t("Receipt")
	if m.receipt.reprint {
		title = m.t("Receipt (copy)")
	}
	b.WriteString(m.header(title) + "\n")
	lines, room := m.receiptLines(), m.receiptRoom()
	keys := []key.Binding{m.keys.NextSale, m.keys.Quit}
	if m.receipt.reprint {
		keys[0] = m.keys.Back
	}
	if m.opt.Printer != nil {
		keys = append([]key.Binding{m.keys.Print}, keys...)
	}
	if len(lines) > room {
		// Too tall: a window onto it, moved with the arrows.
		top := min(m.receipt.top, len(lines)-room+1)
		shown := append([]string(nil), lines[top:top+room-1]...)
		more := fmt.Sprintf(m.t("↑↓ %d more lines"), len(lines)-len(shown))
		lines = append(shown, strings.Repeat(" ", max((receiptWidth-ansi.StringWidth(more))/2, 0))+more)
		keys = append([]key.Binding{m.keys.ListUp}, keys...)
	}
	box := s.Receipt.Render(strings.Join(lines, "\n"))
	side := ""
	if t, err := m.totals(m.receipt.sale); err == nil && t.Change > 0 && !m.receipt.reprint {
		side = s.Due.Render(m.t("CHANGE DUE")) + "\n" + s.Total.Render(m.opt.Currency.Code+" "+m.opt.Currency.Format(t.Change))
	}
	body := lipgloss.JoinHorizontal(lipgloss.Top, box, "    ", side)
	b.WriteString(body + "\n")
	return m.frame(b.String(), keys)
}
