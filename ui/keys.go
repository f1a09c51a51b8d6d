package ui

import (
	"reflect"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key the till answers to. The help bar is drawn from it,
// and a key that does nothing right now is disabled, not silently ignored.
type KeyMap struct {
	Add key.Binding
	// Up and Down move through the cart; ListUp and ListDown through a
	// list (search results, the journal, campaigns), always enabled.
	Up       key.Binding
	Down     key.Binding
	ListUp   key.Binding
	ListDown key.Binding
	Qty      key.Binding
	Void     key.Binding
	Search   key.Binding
	Reprint  key.Binding
	Pay      key.Binding
	Clear    key.Binding
	Quit     key.Binding
	Back     key.Binding
	Pick     key.Binding
	Cash     key.Binding
	Exact    key.Binding
	Take     key.Binding
	Apply    key.Binding
	Cancel   key.Binding
	NextSale key.Binding
	Lookup   key.Binding
	Tenders  key.Binding
	Journal  key.Binding
	SetAside key.Binding
	RetryNow key.Binding
	Refresh  key.Binding
	// Coupon redeems a customer's pass.
	Coupon key.Binding
	// TicketEmail takes the address the e-tickets are mailed to.
	TicketEmail key.Binding
	// Reports shows the X report; CloseShift closes the shift with a Z.
	Reports    key.Binding
	CloseShift key.Binding
	// NoSale opens the drawer without a sale (a manager approves).
	NoSale key.Binding
	// Lock logs the clerk out, leaving the sale as it is.
	Lock key.Binding
	// Print prints the receipt on screen.
	Print key.Binding
	// VoidSale voids every line of an unpaid sale (pressed twice).
	VoidSale key.Binding
	// Return takes goods of a completed sale back; on its screen
	// ReturnLine takes all of a line (or none again), ReturnMore and
	// ReturnLess one more or one fewer, RefundCash pays it all in cash.
	Return     key.Binding
	ReturnLine key.Binding
	ReturnMore key.Binding
	ReturnLess key.Binding
	RefundCash key.Binding
	// RefundDeclined pays a return's refund its provider refused in cash.
	RefundDeclined key.Binding
	// PriceOverride sells the selected line at another price (a manager
	// approves).
	PriceOverride key.Binding
	// Quote asks a loyalty provider for the discount every customer gets.
	Quote key.Binding
	// DemoPay and DemoAtTill play the customer in demo mode.
	DemoPay    key.Binding
	DemoAtTill key.Binding
}

// KeyMapFor is DefaultKeyMap with its help descriptions in lang; the keys'
// names (F12, esc, enter) stay as they are.
func KeyMapFor(lang Lang) KeyMap {
	km := DefaultKeyMap()
	v := reflect.ValueOf(&km).Elem()
	for i := range v.NumField() {
		b, ok := v.Field(i).Addr().Interface().(*key.Binding)
		if !ok {
			continue
		}
		if h := b.Help(); h.Desc != "" {
			b.SetHelp(h.Key, lang.T(h.Desc))
		}
	}
	return km
}

// DefaultKeyMap is the till's standard layout: function keys for actions,
// so that typed and scanned codes never collide with a command.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Add:            key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add")),
		Up:             key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "select")),
		Down:           key.NewBinding(key.WithKeys("down")),
		ListUp:         key.NewBinding(key.WithKeys("up"), key.WithHelp("↑/↓", "select")),
		ListDown:       key.NewBinding(key.WithKeys("down")),
		Coupon:         key.NewBinding(key.WithKeys("f5"), key.WithHelp("F5", "coupon")),
		TicketEmail:    key.NewBinding(key.WithKeys("f3"), key.WithHelp("F3", "e-mail tickets")),
		Reports:        key.NewBinding(key.WithKeys("f7"), key.WithHelp("F7", "reports")),
		CloseShift:     key.NewBinding(key.WithKeys("f10"), key.WithHelp("F10", "close shift (Z)")),
		NoSale:         key.NewBinding(key.WithKeys("f11"), key.WithHelp("F11", "no sale")),
		Lock:           key.NewBinding(key.WithKeys("f1"), key.WithHelp("F1", "lock")),
		Print:          key.NewBinding(key.WithKeys("f8"), key.WithHelp("F8", "print")),
		VoidSale:       key.NewBinding(key.WithKeys("f10"), key.WithHelp("F10", "void sale")),
		Qty:            key.NewBinding(key.WithKeys("f2"), key.WithHelp("F2", "qty")),
		Void:           key.NewBinding(key.WithKeys("f4", "delete"), key.WithHelp("F4", "void")),
		Search:         key.NewBinding(key.WithKeys("f3"), key.WithHelp("F3", "search")),
		Reprint:        key.NewBinding(key.WithKeys("f8"), key.WithHelp("F8", "reprint")),
		Pay:            key.NewBinding(key.WithKeys("f12"), key.WithHelp("F12", "pay")),
		Clear:          key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		Quit:           key.NewBinding(key.WithKeys("ctrl+c", "ctrl+q"), key.WithHelp("ctrl+q", "quit")),
		Back:           key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Pick:           key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "add item")),
		Cash:           key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "cash")),
		Exact:          key.NewBinding(key.WithKeys("f5"), key.WithHelp("F5", "exact cash")),
		Take:           key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "take cash")),
		Apply:          key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")),
		Cancel:         key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
		NextSale:       key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next sale")),
		Lookup:         key.NewBinding(key.WithKeys("f7"), key.WithHelp("F7", "look up payment")),
		Journal:        key.NewBinding(key.WithKeys("f9"), key.WithHelp("F9", "journal")),
		SetAside:       key.NewBinding(key.WithKeys("f6"), key.WithHelp("F6", "set aside, take another tender")),
		RetryNow:       key.NewBinding(key.WithKeys("f5"), key.WithHelp("F5", "retry now")),
		Refresh:        key.NewBinding(key.WithKeys("f6"), key.WithHelp("F6", "refresh")),
		Return:         key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "return")),
		ReturnLine:     key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "whole line")),
		ReturnMore:     key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "one more/less")),
		ReturnLess:     key.NewBinding(key.WithKeys("-")),
		RefundCash:     key.NewBinding(key.WithKeys("f5"), key.WithHelp("F5", "cash/original payment")),
		RefundDeclined: key.NewBinding(key.WithKeys("f6"), key.WithHelp("F6", "refused refund in cash")),
		PriceOverride:  key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p", "price")),
		Quote:          key.NewBinding(key.WithKeys("f6"), key.WithHelp("F6", "loyalty")),
		DemoPay:        key.NewBinding(key.WithKeys("f2"), key.WithHelp("F2", "demo: customer pays")),
		DemoAtTill:     key.NewBinding(key.WithKeys("f3"), key.WithHelp("F3", "demo: pays at till")),
		Tenders:        key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "tender")),
	}
}
