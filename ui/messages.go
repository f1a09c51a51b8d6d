package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/money"
	"till/store/sale"
)

// ScanMsg is a code read by a scanner (not typed at the keyboard).
type ScanMsg struct {
	Code   string
	Source string
}

// ScannerMsg reports a scanner's state for the status line.
type ScannerMsg struct {
	State string // "connected", "disconnected"
	Err   string
}

// ProviderState is a payment provider's state for the status line.
type ProviderState struct {
	Name    string
	State   string // "online", "retrying", "offline"
	Waiting int    // operations queued for it in the journal
}

// ProvidersMsg reports every provider's state, sorted by name.
type ProvidersMsg []ProviderState

// OperationMsg says the replay worker settled a journaled operation.
type OperationMsg struct {
	SaleID, Key, Kind string
	Target            string // the payment a void or refund was about
	Status            string // a providers.Status
	Reference, Reason string
	// Code, Amount and Discount are the outcome's: a payment approved
	// for less after a loyalty discount, or a discount taken to pay at
	// the till (Code providers.CodePayAtTill), as the screen applies them
	// when it follows the payment itself.
	Code             string
	Amount, Discount money.Amount
}

// NoticeMsg puts a message from the background on the status line.
type NoticeMsg struct{ Info, Err string }

type savedMsg struct {
	sale    *sale.Sale
	journal bool // journal entries were committed with it
	err     error
}

type completedMsg struct {
	sale    *sale.Sale
	err     error
	journal bool // journal entries were committed with it
}

type lastSaleMsg struct {
	sale *sale.Sale
	err  error
}

func saveCmd(st Store, s *sale.Sale, changes []store.JournalChange) tea.Cmd {
	return func() tea.Msg {
		_, err := st.SaveOpenSaleJournal(s, changes...)
		return savedMsg{sale: s, journal: len(changes) > 0, err: err}
	}
}

func completeCmd(st Store, s *sale.Sale, now func() time.Time, changes []store.JournalChange) tea.Cmd {
	return func() tea.Msg {
		done, err := st.CompleteSale(s, now(), changes...)
		return completedMsg{sale: done, err: err, journal: len(changes) > 0}
	}
}

func lastSaleCmd(st Store) tea.Cmd {
	return func() tea.Msg {
		s, err := st.LastSale()
		return lastSaleMsg{sale: s, err: err}
	}
}
