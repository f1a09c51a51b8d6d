package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"till/store/catalog"
	"till/store/sale"
	"till/store/sanitize"
)

// searchLimit bounds how many matches are listed and kept.
const searchLimit = 200

type searchState struct {
	input   textinput.Model
	results []sale.Item
	cursor  int
}

func (m *Model) updateSearch(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if ok {
		switch {
		case key.Matches(press, m.keys.Back):
			return m.leaveSearch()
		case key.Matches(press, m.keys.ListUp):
			m.search.cursor = max(m.search.cursor-1, 0)
			return nil
		case key.Matches(press, m.keys.ListDown):
			m.search.cursor = min(m.search.cursor+1, max(len(m.search.results)-1, 0))
			return nil
		case key.Matches(press, m.keys.Pick):
			if len(m.search.results) == 0 {
				m.setError(m.t("No item matches: change the search or press esc"))
				return nil
			}
			it := m.search.results[m.search.cursor]
			focus := m.leaveSearch()
			match := catalog.Match{Item: it, UnitPrice: it.Price}
			if it.Weighed {
				m.pendingItem = &match
				m.qtyInput.Prompt = m.qtyPrompt(it.Name, true)
				m.input.Blur()
				return m.qtyInput.Focus()
			}
			return tea.Batch(focus, m.addMatch(match, it.SKU, 1))
		}
	}
	before := m.search.input.Value()
	var cmd tea.Cmd
	m.search.input, cmd = m.search.input.Update(msg)
	if q := m.search.input.Value(); q != before {
		m.search.results = m.opt.Catalog.Search(q, searchLimit)
		m.search.cursor = 0
	}
	return cmd
}

func (m *Model) leaveSearch() tea.Cmd {
	m.screen = screenSale
	m.search.input.Blur()
	return m.input.Focus()
}

func (m *Model) viewSearch() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(m.header(m.t("Search items")) + "\n")
	b.WriteString(s.Prompt.Render(inputView(m.search.input)) + "\n")
	nameW := max(m.width-colNo-colQty-colAmount-colPrice, 10)
	b.WriteString(s.TableHead.Render(cell("", colNo, false)+cell(m.t("Item"), nameW, false)+
		cell(m.t("SKU"), colQty, false)+cell(m.t("Tax"), colPrice, false)+cell(m.t("Price"), colAmount, true)) + "\n")
	rows := max(m.height-6, 1)
	start := 0
	if m.search.cursor >= rows {
		start = m.search.cursor - rows + 1
	}
	shown := 0
	for i := start; i < len(m.search.results) && shown < rows; i++ {
		it := m.search.results[i]
		price := m.opt.Currency.Format(it.Price)
		if it.Weighed {
			price += "/kg"
		}
		marker := ""
		if i == m.search.cursor {
			marker = "›"
		}
		row := cell(marker, colNo, false) + cell(sanitize.Text(it.Name), nameW, false) +
			cell(sanitize.Text(it.SKU), colQty, false) + cell(sanitize.Text(it.TaxClass), colPrice, false) +
			cell(price, colAmount, true)
		if i == m.search.cursor {
			row = s.Selected.Render(row)
		}
		b.WriteString(row + "\n")
		shown++
	}
	if len(m.search.results) == 0 {
		b.WriteString(s.Dim.Render("  "+m.t("No item matches.")) + "\n")
		shown++
	}
	k := m.keys
	return m.frame(b.String(), []key.Binding{k.Pick, k.ListUp, k.Back})
}
