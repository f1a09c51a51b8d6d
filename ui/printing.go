package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"till/store/sale"
)

// Printer is the receipt printer and its cash drawer.
type Printer interface {
	PrintReceipt(ctx context.Context, s *sale.Sale) error
	// PrintLines prints a document already laid out (a report).
	PrintLines(ctx context.Context, lines []string) error
	OpenDrawer(ctx context.Context) error
}

// printTimeout bounds a print or a drawer pulse; the printer package
// keeps its own, shorter, limits on each step.
const printTimeout = 30 * time.Second

type printedMsg struct {
	number uint64
	err    error
}

type drawerMsg struct{ err error }

// printReceipt prints s in the background; the sale is recorded whatever
// the printer says.
func (m *Model) printReceipt(s *sale.Sale) tea.Cmd {
	p := m.opt.Printer
	if p == nil || s == nil {
		return nil
	}
	m.printing = "printing"
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
		defer cancel()
		return printedMsg{number: s.Number, err: p.PrintReceipt(ctx, s)}
	}
}

func (m *Model) onPrinted(msg printedMsg) tea.Cmd {
	if msg.err != nil {
		m.printing = "failed"
		m.setError(fmt.Sprintf(m.t("Receipt not printed: %s. The sale is recorded: F8 on the receipt prints it again"), m.errText(msg.err)))
		return nil
	}
	m.printing = "ok"
	return nil
}

// openDrawer pulses the cash drawer in the background.
func (m *Model) openDrawer() tea.Cmd {
	p := m.opt.Printer
	if p == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
		defer cancel()
		return drawerMsg{err: p.OpenDrawer(ctx)}
	}
}

func (m *Model) onDrawer(msg drawerMsg) tea.Cmd {
	if msg.err != nil {
		m.setError(fmt.Sprintf(m.t("Cash drawer did not open: %s. Use its key"), m.errText(msg.err)))
	}
	return nil
}
