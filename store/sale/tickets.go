package sale

import (
	"errors"
	"net/mail"
	"time"
)

// Tickets are the e-tickets a sale bought: issued by their provider once
// the sale is paid, printed on the receipt.
type Tickets struct {
	Provider string `json:"provider"`
	Key      string `json:"key"` // the operation issuing them
	Product  string `json:"product"`
	Qty      int    `json:"qty"`
	// Status is a tender's: pending until issued (approved), declined
	// with a reason, unknown while the answer is lost.
	Status   string    `json:"status"`
	Reason   string    `json:"reason,omitempty"`
	Order    string    `json:"order,omitempty"`
	URL      string    `json:"url,omitempty"`
	Passcode string    `json:"passcode,omitempty"`
	Vouchers []Voucher `json:"vouchers,omitempty"`
	At       time.Time `json:"at"`
}

// Voucher is one e-ticket: the barcode scanned at the gate, and its page.
type Voucher struct {
	Barcode string `json:"barcode"`
	URL     string `json:"url,omitempty"`
	// Status is the provider's word, from its last look: notPickedup,
	// pickedup, redeemed, refunded or expired.
	Status string `json:"status,omitempty"`
}

// ErrEmail: the address for the e-tickets is not a bare e-mail address.
var ErrEmail = errors.New("that is not an e-mail address: type it like name@example.com")

// SetTicketEmail records the customer's e-mail address, to which the
// ticket provider sends the order; "" clears it.
func (s *Sale) SetTicketEmail(addr string) error {
	if addr != "" {
		a, err := mail.ParseAddress(addr)
		if err != nil || a.Name != "" || a.Address != addr || len(addr) > 254 {
			return ErrEmail
		}
	}
	s.TicketEmail = addr
	s.Rev++
	return nil
}

// ErrTwoTicketProducts: the ticket provider issues one product per sale.
var ErrTwoTicketProducts = errors.New("one kind of e-ticket per sale: sell the other in a sale of its own")

// TicketProduct is the e-ticket product the sale's lines buy, and how
// many; "" when it buys none.
func (s *Sale) TicketProduct() (product string, qty int) {
	for _, l := range s.ActiveLines() {
		if l.TicketSaleID != "" && l.Coupon == nil {
			product = l.TicketSaleID
			qty += int(l.Qty)
		}
	}
	return product, qty
}

// checkTicket refuses a line whose e-ticket product differs from the
// sale's.
func (s *Sale) checkTicket(it Item) error {
	if it.TicketSaleID == "" {
		return nil
	}
	if p, _ := s.TicketProduct(); p != "" && p != it.TicketSaleID {
		return ErrTwoTicketProducts
	}
	return nil
}

// IssueTickets records, once the sale is paid, that its tickets are being
// issued by the operation key.
func (s *Sale) IssueTickets(provider, key string, now time.Time) error {
	product, qty := s.TicketProduct()
	switch {
	case product == "":
		return errors.New("the sale has no e-tickets")
	case s.Tickets != nil:
		return errors.New("the sale's e-tickets are already being issued")
	}
	s.Tickets = &Tickets{Provider: provider, Key: key, Product: product, Qty: qty, Status: TenderPending, At: now}
	s.Rev++
	return nil
}

// SettleTickets records what became of the issue: the order, or why not.
func (s *Sale) SettleTickets(key string, issued Tickets) error {
	if s.Tickets == nil || s.Tickets.Key != key {
		return errors.New("no e-tickets are being issued under that key")
	}
	return s.RecordTickets(issued)
}

// RecordTickets records the sale's ticket order as its provider last
// told it.
func (s *Sale) RecordTickets(issued Tickets) error {
	if s.Tickets == nil {
		return errors.New("the sale has no e-tickets")
	}
	t := *s.Tickets
	t.Status, t.Reason = issued.Status, issued.Reason
	if issued.Status == TenderApproved {
		t.Order, t.URL, t.Passcode, t.Vouchers = issued.Order, issued.URL, issued.Passcode, issued.Vouchers
	}
	s.Tickets = &t
	s.Rev++
	return nil
}
