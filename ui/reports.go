package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/money"
	"till/store/report"
)

// Reports builds the X report of the shift open now and closes it with a
// Z report.
type Reports interface {
	X() (report.Report, error)
	Z(by string, counted money.Amount) (report.Report, error)
}

// reportState is the report screen: an X report, or the counted cash
// asked for a Z.
type reportState struct {
	lines    []string
	z        bool // the lines are a Z report
	counting bool // asking for the counted cash
	top      int
}

type reportMsg struct {
	r   report.Report
	z   bool
	err error
}

// openReports shows the X report.
func (m *Model) openReports() tea.Cmd {
	r := m.opt.Reports
	m.screen = screenReport
	m.report = reportState{}
	m.input.Blur()
	return func() tea.Msg {
		x, err := r.X()
		return reportMsg{r: x, err: err}
	}
}

func (m *Model) onReport(msg reportMsg) tea.Cmd {
	if msg.err != nil {
		m.setError(m.t("The report could not be made: ") + m.errText(msg.err))
		return nil
	}
	m.report.lines, m.report.z = msg.r.Lines(m.opt.Currency, report.Width, ReportWords(m.opt.Language)), msg.z
	if msg.z {
		m.staff.shift = nil // closed: the next login opens one
		m.setSuccess(m.t("Shift closed: Z report printed"))
		return m.printLines(m.report.lines)
	}
	return nil
}

func (m *Model) updateReport(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if m.report.counting {
		switch {
		case ok && key.Matches(press, m.keys.Back):
			m.report.counting = false
			m.payment.input.Blur()
			return nil
		case ok && key.Matches(press, m.keys.Apply):
			return m.closeShift(strings.TrimSpace(m.payment.input.Value()))
		}
		var cmd tea.Cmd
		m.payment.input, cmd = m.payment.input.Update(msg)
		return cmd
	}
	if !ok {
		return nil
	}
	switch {
	case key.Matches(press, m.keys.Back):
		m.screen = screenSale
		if m.report.z && m.staff.on {
			return m.askLogin(m.t("Shift closed: log in to open the next one"))
		}
		return m.input.Focus()
	case key.Matches(press, m.keys.ListUp):
		m.report.top = max(m.report.top-1, 0)
	case key.Matches(press, m.keys.ListDown):
		keys, below := m.reportKeys()
		m.report.top = min(m.report.top+1, max(len(m.report.lines)-m.boxRoom(below, keys), 0))
	case m.opt.Printer != nil && key.Matches(press, m.keys.Print):
		return m.printLines(m.report.lines)
	case !m.report.z && key.Matches(press, m.keys.CloseShift):
		if !m.staff.on || m.staff.shift == nil {
			m.setError(m.t("No shift is open: shifts come with logins (till users add)"))
			return nil
		}
		m.report.counting = true
		m.payment.input.Prompt, m.payment.input.Placeholder = m.t("Cash counted in the drawer: "), m.t("amount")
		m.payment.input.Reset()
		return m.payment.input.Focus()
	}
	return nil
}

// closeShift closes the shift with the counted cash, once a manager
// approves, and shows and prints the Z report.
func (m *Model) closeShift(typed string) tea.Cmd {
	counted, err := m.opt.Currency.Parse(typed)
	if err != nil || counted < 0 {
		m.setError(fmt.Sprintf(m.t("Type the cash counted in the drawer, e.g. %s"), m.opt.Currency.Plain(500000)))
		return nil
	}
	m.report.counting = false
	m.payment.input.Blur()
	return m.needManager(store.ActionCloseShift, about("counted %s", m.opt.Currency.Format(counted)), func(m *Model, _ string) tea.Cmd {
		r, by := m.opt.Reports, m.staff.clerk.ID
		m.screen = screenReport
		return func() tea.Msg {
			z, err := r.Z(by, counted)
			return reportMsg{r: z, z: true, err: err}
		}
	})
}

// printLines prints a report on the receipt printer.
func (m *Model) printLines(lines []string) tea.Cmd {
	p := m.opt.Printer
	if p == nil {
		return nil
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), printTimeout)
		defer cancel()
		err := p.PrintLines(ctx, lines)
		if errors.Is(err, context.DeadlineExceeded) {
			err = errors.New("the printer did not answer in time")
		}
		return printedMsg{err: err}
	}
}

func (m *Model) viewReport() string {
	s := m.styles
	var b strings.Builder
	title := m.t("X report")
	if m.report.z {
		title = m.t("Z report")
	}
	b.WriteString(m.header(title) + "\n")
	lines := m.report.lines
	if len(lines) == 0 {
		lines = []string{m.t("Adding up…")}
	}
	keys, below := m.reportKeys()
	b.WriteString(m.boxed(lines, m.report.top, below, keys) + "\n")
	if m.report.counting {
		b.WriteString("  " + s.Prompt.Render(inputView(m.payment.input)) + "\n")
	}
	return m.frame(b.String(), keys)
}

// reportKeys are the report screen's keys, and the lines it has under
// the report (the counted-cash prompt).
func (m *Model) reportKeys() ([]key.Binding, int) {
	if m.report.counting {
		return []key.Binding{m.keys.Apply, m.keys.Back}, 1
	}
	keys := []key.Binding{m.keys.ListUp, m.keys.Back}
	if !m.report.z {
		keys = append([]key.Binding{m.keys.CloseShift}, keys...)
	}
	if m.opt.Printer != nil {
		keys = append([]key.Binding{m.keys.Print}, keys...)
	}
	return keys, 0
}
