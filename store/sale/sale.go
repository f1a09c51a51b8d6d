package sale

import (
	"errors"
	"fmt"
	"time"

	"till/store/money"
)

// Quantity limits keep a mistyped quantity from becoming a huge sale.
const (
	MaxUnits = 9999
	MaxGrams = 99999
)

// Line is one row of a sale. It copies what it needs from the catalog so
// that a later catalog change never rewrites a sale.
type Line struct {
	ID              int          `json:"id"`
	SKU             string       `json:"sku"`
	Name            string       `json:"name"`
	Code            string       `json:"code,omitempty"` // as scanned or typed
	TaxClass        string       `json:"tax_class"`
	UnitPrice       money.Amount `json:"unit_price"` // per unit, or per kg when Weighed
	Qty             int64        `json:"qty"`        // units, or grams when Weighed
	Weighed         bool         `json:"weighed,omitempty"`
	NonDiscountable bool         `json:"non_discountable,omitempty"`
	// Override is set when a manager changed the unit price.
	Override     *Override `json:"override,omitempty"`
	TicketSaleID string    `json:"ticket_sale_id,omitempty"`
	Voided       bool      `json:"voided,omitempty"`
	// Coupon is set on a line that is a customer's redeemed pass: a free
	// item (priced 0) or money off the sale, which Totals works out.
	Coupon *Coupon `json:"coupon,omitempty"`
}

// Amount is the line's price: unit price times quantity, or for a weighed
// line the price per kilogram times the grams, rounded half up to the
// minor unit.
func (l Line) Amount() money.Amount {
	if l.Weighed {
		a, err := money.MulDiv(l.UnitPrice, l.Qty, 1000)
		if err != nil {
			return 0 // unreachable within MaxGrams and catalog price limits
		}
		return a
	}
	return l.UnitPrice * money.Amount(l.Qty)
}

// Tender statuses. Only approved tenders count towards the sale; pending
// and unknown ones block its completion until they are settled.
const (
	TenderApproved = "approved"
	TenderPending  = "pending"  // sent to its provider, no answer yet
	TenderDeclined = "declined" // no money moved
	TenderUnknown  = "unknown"  // the answer was lost: look it up or check by hand
	TenderVoided   = "voided"   // taken, then reversed
	// TenderSetAside is an unknown payment the clerk stopped waiting for
	// (a provider outage) to take another tender. It does not count and
	// does not block the sale; if it turns out approved it is reversed.
	TenderSetAside = "set_aside"
	// TenderReversing is a set-aside payment found approved, whose void
	// is on its way.
	TenderReversing = "reversing"
)

// Tender methods.
const (
	MethodCash = "cash"
)

// Tender is one payment towards a sale.
type Tender struct {
	Method   string       `json:"method"`
	Amount   money.Amount `json:"amount"`             // applied to the sale
	Tendered money.Amount `json:"tendered,omitempty"` // cash handed over
	Change   money.Amount `json:"change,omitempty"`   // cash given back
	Status   string       `json:"status"`
	Provider string       `json:"provider,omitempty"`
	Wallet   string       `json:"wallet,omitempty"`
	// Key is the idempotency key of the provider operation that took it.
	Key       string    `json:"key,omitempty"`
	Reference string    `json:"reference,omitempty"` // the provider's transaction id
	Reason    string    `json:"reason,omitempty"`    // why it was declined or is unknown
	At        time.Time `json:"at"`
}

// Sale is an open or completed sale. Rev counts changes so that a save of
// an older state never overwrites a newer one.
type Sale struct {
	ID         string    `json:"id"`
	Rev        uint64    `json:"rev"`
	Number     uint64    `json:"number,omitempty"` // receipt number, set on completion
	Currency   string    `json:"currency"`
	Lines      []Line    `json:"lines"`
	Tenders    []Tender  `json:"tenders,omitempty"`
	NextLineID int       `json:"next_line_id"`
	Opened     time.Time `json:"opened"`
	Completed  time.Time `json:"completed,omitzero"`
	// Total and Tax are frozen by Settle when the sale completes, with
	// the tax rules it completed under, which returns weigh lines by.
	Total    money.Amount     `json:"total,omitempty"`
	Tax      money.Amount     `json:"tax,omitempty"`
	TaxMode  TaxMode          `json:"tax_mode,omitempty"`
	TaxRates map[string]int64 `json:"tax_rates,omitempty"`
	// Discounts are providers' loyalty discounts off the whole sale.
	Discounts []Discount `json:"discounts,omitempty"`
	// Adjustments are voids and refunds of its payments after completion.
	Adjustments []Adjustment `json:"adjustments,omitempty"`
	// Tickets are the e-tickets it bought, once being issued, and
	// TicketEmail where the customer wants them sent.
	Tickets     *Tickets `json:"tickets,omitempty"`
	TicketEmail string   `json:"ticket_email,omitempty"`
	// Returns are goods brought back after completion.
	Returns []Return `json:"returns,omitempty"`
	// Clerk is who rang the sale up, when the till has users.
	Clerk string `json:"clerk,omitempty"`
}

// New starts an empty sale.
func New(id, currency string, now time.Time) *Sale {
	return &Sale{ID: id, Currency: currency, NextLineID: 1, Opened: now}
}

// Clone returns a deep copy, so a saved state is never changed behind the
// store's back.
func (s *Sale) Clone() *Sale {
	c := *s
	c.Lines = append([]Line(nil), s.Lines...)
	c.Tenders = append([]Tender(nil), s.Tenders...)
	c.Discounts = append([]Discount(nil), s.Discounts...)
	c.Adjustments = append([]Adjustment(nil), s.Adjustments...)
	c.Returns = append([]Return(nil), s.Returns...)
	return &c
}

// Errors a clerk can act on.
var (
	ErrQuantity   = errors.New("quantity out of range")
	ErrNoLine     = errors.New("no such line")
	ErrLineVoided = errors.New("line is already voided")
	ErrPaid       = errors.New("sale has payments: take them back before changing lines")
	// ErrEmptySale: there is nothing on the sale to pay for.
	ErrEmptySale = errors.New("the sale is empty")
	// ErrCashTendered: cash tendered is a positive amount.
	ErrCashTendered = errors.New("cash tendered must be more than zero")
	// ErrNothingDue: the sale is paid already.
	ErrNothingDue = errors.New("nothing is due")
	// ErrPaymentOpen: a payment waits for its outcome; one at a time.
	ErrPaymentOpen = errors.New("another payment is still open")
	// ErrTenderAmount: a provider payment is for part or all of what is due.
	ErrTenderAmount = errors.New("amount must be between 0 and what is due")
	// ErrNotPaid: a sale is completed only once fully paid.
	ErrNotPaid = errors.New("the sale is not fully paid")
)

// CheckQty validates a quantity for an item sold by unit or by weight.
func CheckQty(qty int64, weighed bool) error {
	max, unit := int64(MaxUnits), ""
	if weighed {
		max, unit = MaxGrams, " g"
	}
	if qty < 1 || qty > max {
		return fmt.Errorf("%w: %d%s (1 to %d%s)", ErrQuantity, qty, unit, max, unit)
	}
	return nil
}

// Add puts qty of an item on the sale. An item scanned again right after
// itself adds to that line instead of a new one; weighed items and fixed
// (price-embedded) prices always get their own line.
func (s *Sale) Add(it Item, code string, unitPrice money.Amount, qty int64) (Line, error) {
	if len(s.Tenders) > 0 {
		return Line{}, ErrPaid
	}
	if err := CheckQty(qty, it.Weighed); err != nil {
		return Line{}, err
	}
	if err := s.checkTicket(it); err != nil {
		return Line{}, err
	}
	if n := len(s.Lines); n > 0 && !it.Weighed {
		last := &s.Lines[n-1]
		if !last.Voided && !last.Weighed && last.SKU == it.SKU && last.UnitPrice == unitPrice {
			if err := CheckQty(last.Qty+qty, false); err != nil {
				return Line{}, err
			}
			last.Qty += qty
			s.Rev++
			return *last, nil
		}
	}
	l := Line{
		ID: s.NextLineID, SKU: it.SKU, Name: it.Name, Code: code, TaxClass: it.TaxClass,
		UnitPrice: unitPrice, Qty: qty, Weighed: it.Weighed,
		NonDiscountable: it.NonDiscountable, TicketSaleID: it.TicketSaleID,
	}
	s.NextLineID++
	s.Lines = append(s.Lines, l)
	s.Rev++
	return l, nil
}

func (s *Sale) line(id int) (*Line, error) {
	for i := range s.Lines {
		if s.Lines[i].ID == id {
			if s.Lines[i].Voided {
				return nil, ErrLineVoided
			}
			return &s.Lines[i], nil
		}
	}
	return nil, ErrNoLine
}

// SetQty changes a line's quantity.
func (s *Sale) SetQty(id int, qty int64) error {
	if len(s.Tenders) > 0 {
		return ErrPaid
	}
	l, err := s.line(id)
	if err != nil {
		return err
	}
	if err := CheckQty(qty, l.Weighed); err != nil {
		return err
	}
	l.Qty = qty
	s.Rev++
	return nil
}

// Void cancels a line. It stays on the sale, marked, so the journal of
// what was scanned is complete.
func (s *Sale) Void(id int) error {
	if len(s.Tenders) > 0 {
		return ErrPaid
	}
	l, err := s.line(id)
	if err != nil {
		return err
	}
	l.Voided = true
	s.Rev++
	return nil
}

// ActiveLines returns the lines that count, in order.
func (s *Sale) ActiveLines() []Line {
	out := make([]Line, 0, len(s.Lines))
	for _, l := range s.Lines {
		if !l.Voided {
			out = append(out, l)
		}
	}
	return out
}

// Totals is what the sale comes to.
type Totals struct {
	Items int          // active lines
	Lines money.Amount // sum of line amounts
	// Discount is the providers' discounts and the coupons off the sale;
	// Taxes are worked out on what is left.
	Discount money.Amount
	// Coupons is what each money-off coupon line takes off, by line id.
	Coupons map[int]money.Amount
	Taxes   []TaxLine
	Tax     money.Amount
	Total   money.Amount // what the customer owes
	Paid    money.Amount // tenders applied
	Due     money.Amount // Total - Paid, never negative
	Change  money.Amount // cash given back
}

// Totals adds the sale up under the given tax rules.
func (s *Sale) Totals(r TaxRules) (Totals, error) {
	var t Totals
	bases := map[string]money.Amount{}
	for _, l := range s.Lines {
		if l.Voided || l.Coupon.moneyOff() {
			continue
		}
		a := l.Amount()
		t.Items++
		t.Lines += a
		bases[l.TaxClass] += a
	}
	taxes, err := r.Taxes(bases)
	if err != nil {
		return Totals{}, err
	}
	for _, d := range s.Discounts {
		t.Discount += d.Amount
	}
	if err := s.couponsOff(r, taxes, &t); err != nil {
		return Totals{}, err
	}
	if t.Discount > 0 {
		if taxes, err = r.Discounted(taxes, t.Discount); err != nil {
			return Totals{}, err
		}
	}
	t.Taxes = taxes
	for _, tl := range taxes {
		t.Tax += tl.Tax
		t.Total += tl.Base
		if r.Mode == TaxExclusive {
			t.Total += tl.Tax
		}
	}
	for _, tn := range s.Tenders {
		if tn.Status == TenderApproved {
			t.Paid += tn.Amount
			t.Change += tn.Change
		}
	}
	if t.Paid < t.Total {
		t.Due = t.Total - t.Paid
	}
	return t, nil
}

// PayCash records cash handed over. It applies at most what is due; the
// rest is change. Less than what is due is a partial (split) payment.
func (s *Sale) PayCash(r TaxRules, tendered money.Amount, now time.Time) (Tender, error) {
	t, err := s.Totals(r)
	if err != nil {
		return Tender{}, err
	}
	if t.Items == 0 {
		return Tender{}, ErrEmptySale
	}
	if tendered <= 0 {
		return Tender{}, ErrCashTendered
	}
	if t.Due == 0 {
		return Tender{}, ErrNothingDue
	}
	if s.Unsettled() != nil {
		return Tender{}, ErrPaymentOpen
	}
	tn := Tender{Method: MethodCash, Tendered: tendered, Amount: min(tendered, t.Due), Status: TenderApproved, At: now}
	tn.Change = tendered - tn.Amount
	s.Tenders = append(s.Tenders, tn)
	s.Rev++
	return tn, nil
}

// Tender is the payment with key, or a zero Tender.
func (s *Sale) Tender(key string) Tender {
	for _, t := range s.Tenders {
		if t.Key == key && key != "" {
			return t
		}
	}
	return Tender{}
}

// Paid reports whether the sale is fully settled and can be completed.
func (s *Sale) Paid(r TaxRules) bool {
	t, err := s.Totals(r)
	return err == nil && t.Items > 0 && t.Due == 0 && s.Unsettled() == nil
}

// SetAside moves an unknown payment out of the sale's way.
func (s *Sale) SetAside(key string) error {
	for _, t := range s.Tenders {
		if t.Key == key && t.Status != TenderUnknown {
			return fmt.Errorf("only a payment whose outcome is unknown can be set aside; this one is %s", t.Status)
		}
	}
	return s.SettleTender(key, TenderSetAside, "", "outcome unknown: reversed automatically if it went through")
}

// Unsettled returns the tenders still pending or unknown.
func (s *Sale) Unsettled() []Tender {
	var out []Tender
	for _, t := range s.Tenders {
		if t.Status == TenderPending || t.Status == TenderUnknown {
			out = append(out, t)
		}
	}
	return out
}

// StartTender records a provider payment as pending before it is sent, so
// that a crash while it is in flight leaves a trace to reconcile.
func (s *Sale) StartTender(r TaxRules, method, provider, wallet, key string, amount money.Amount, now time.Time) (Tender, error) {
	t, err := s.Totals(r)
	if err != nil {
		return Tender{}, err
	}
	switch {
	case t.Items == 0:
		return Tender{}, ErrEmptySale
	case s.Unsettled() != nil:
		return Tender{}, ErrPaymentOpen
	case amount <= 0 || amount > t.Due:
		return Tender{}, ErrTenderAmount
	}
	tn := Tender{Method: method, Provider: provider, Wallet: wallet, Key: key, Amount: amount, Status: TenderPending, At: now}
	s.Tenders = append(s.Tenders, tn)
	s.Rev++
	return tn, nil
}

// SettleTender records what became of the tender with the given key. A
// voided tender stays voided: a later look-up of the payment it reversed
// reads as declined, which is true but says less.
func (s *Sale) SettleTender(key, status, reference, reason string) error {
	for i := range s.Tenders {
		t := &s.Tenders[i]
		if t.Key != key {
			continue
		}
		if t.Status == TenderVoided {
			return nil
		}
		t.Status, t.Reason = status, reason
		if reference != "" {
			t.Reference = reference
		}
		s.Rev++
		return nil
	}
	return fmt.Errorf("no tender with key %s", key)
}

// TakeLess records that a provider took less than was asked for the
// tender with key: its loyalty discount came off the payment.
func (s *Sale) TakeLess(key string, amount money.Amount) error {
	for i := range s.Tenders {
		t := &s.Tenders[i]
		if t.Key != key {
			continue
		}
		if amount <= 0 || amount > t.Amount {
			return fmt.Errorf("a provider cannot take %d for a payment of %d", amount, t.Amount)
		}
		t.Amount = amount
		s.Rev++
		return nil
	}
	return fmt.Errorf("no tender with key %s", key)
}

// Settle freezes what a fully paid sale came to, so that history keeps its
// totals whatever the tax configuration later says.
func (s *Sale) Settle(r TaxRules) error {
	t, err := s.Totals(r)
	if err != nil {
		return err
	}
	if t.Items == 0 || t.Due != 0 {
		return ErrNotPaid
	}
	s.Total, s.Tax, s.TaxMode = t.Total, t.Tax, r.Mode
	s.TaxRates = map[string]int64{}
	for _, l := range s.Lines {
		if rate, ok := r.Rates[l.TaxClass]; ok && l.TaxClass != "" {
			s.TaxRates[l.TaxClass] = rate
		}
	}
	return nil
}
