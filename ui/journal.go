package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/sanitize"
)

// journalState is the journal screen: provider operations still waiting,
// unknown or needing review.
type journalState struct {
	entries []store.JournalEntry
	err     error
	cursor  int
}

type journalMsg struct {
	entries []store.JournalEntry
	err     error
}

// JournalReader is the part of the store the journal screen reads.
type JournalReader interface {
	Journal(states ...store.OpState) ([]store.JournalEntry, error)
}

var openStates = []store.OpState{store.OpQueued, store.OpSent, store.OpUnknown, store.OpReview}

func journalCmd(st Store) tea.Cmd {
	return func() tea.Msg {
		r, ok := st.(JournalReader)
		if !ok {
			return journalMsg{}
		}
		entries, err := r.Journal(openStates...)
		return journalMsg{entries: entries, err: err}
	}
}

func (m *Model) openJournal() tea.Cmd {
	m.screen = screenJournal
	m.input.Blur()
	return journalCmd(m.opt.Store)
}

func (m *Model) onJournal(msg journalMsg) tea.Cmd {
	m.journalView.entries, m.journalView.err = msg.entries, msg.err
	m.journalView.cursor = min(m.journalView.cursor, max(len(msg.entries)-1, 0))
	return nil
}

func (m *Model) updateJournal(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(press, m.keys.Back):
		m.screen = screenSale
		return m.input.Focus()
	case key.Matches(press, m.keys.ListUp):
		m.journalView.cursor = max(m.journalView.cursor-1, 0)
	case key.Matches(press, m.keys.ListDown):
		m.journalView.cursor = min(m.journalView.cursor+1, max(len(m.journalView.entries)-1, 0))
	case key.Matches(press, m.keys.RetryNow):
		if m.opt.RetryNow == nil {
			m.setError(m.t("No provider is configured: nothing to retry"))
			return nil
		}
		m.opt.RetryNow()
		m.setInfo(m.t("Retrying every waiting operation now"))
		return journalCmd(m.opt.Store)
	case key.Matches(press, m.keys.Refresh):
		return journalCmd(m.opt.Store)
	}
	return nil
}

func (m *Model) viewJournal() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(m.header(m.t("Journal")) + "\n")
	b.WriteString(s.TableHead.Render(cell("#", 6, false)+cell(m.t("State"), 9, false)+cell(m.t("Provider"), 9, false)+
		cell(m.t("Kind"), 7, false)+cell(m.t("Sale"), 10, false)+cell(m.t("Tries"), 6, true)+" "+m.t("Last error / note")) + "\n")
	j := m.journalView
	switch {
	case j.err != nil:
		b.WriteString(s.Error.Render(" "+m.t("Cannot read the journal: ")+m.errText(j.err)+" ") + "\n")
	case len(j.entries) == 0:
		b.WriteString(s.Dim.Render("  "+m.t("Nothing is waiting: every provider operation is settled.")) + "\n")
	}
	rows := max(m.height-6, 1)
	start := 0
	if j.cursor >= rows {
		start = j.cursor - rows + 1
	}
	for i := start; i < len(j.entries) && i < start+rows; i++ {
		e := j.entries[i]
		detail := e.LastError
		if e.State == store.OpReview {
			detail = fmt.Sprintf(m.t("needs a manager: till resolve %s"), e.Key)
		}
		no := fmt.Sprint(e.Seq)
		if i == j.cursor {
			no = "›" + no
		}
		row := cell(no, 6, false) + cell(m.t(string(e.State)), 9, false) + cell(sanitize.Text(e.Provider), 9, false) +
			cell(m.t(sanitize.Text(e.Kind)), 7, false) + cell(shortID(sanitize.Text(e.SaleID)), 10, false) +
			cell(fmt.Sprint(e.Attempts), 6, true) + " " + sanitize.Text(detail)
		if i == j.cursor {
			row = s.Selected.Render(row)
		}
		b.WriteString(row + "\n")
	}
	k := m.keys
	return m.frame(b.String(), []key.Binding{k.RetryNow, k.Refresh, k.ListUp, k.Back})
}
