package sale

import (
	"errors"
	"fmt"
	"time"

	"till/store/money"
)

// ReturnLine is a quantity of one line the customer brings back: units,
// or for a weighed line all its grams (weighed goods come back whole).
type ReturnLine struct {
	LineID int   `json:"line_id"`
	Qty    int64 `json:"qty"`
}

// Return is goods of a completed sale brought back, and how their value
// went back to the customer.
type Return struct {
	Number int          `json:"number"` // 1, 2, … within the sale
	Lines  []ReturnLine `json:"lines"`
	Amount money.Amount `json:"amount"`
	// Refunds are the keys of the adjustments that pay Amount back.
	Refunds []string `json:"refunds"`
	// Passes are the coupon lines whose passes go back to the customer,
	// once the whole sale has come back.
	Passes []int     `json:"passes,omitempty"`
	Clerk  string    `json:"clerk,omitempty"`
	At     time.Time `json:"at"`
}

// RefundPart is one way a return's money goes back: through the provider
// of the payment with TenderKey, or in cash when TenderKey is empty.
type RefundPart struct {
	TenderKey string       `json:"tender_key,omitempty"`
	Method    string       `json:"method"`
	Amount    money.Amount `json:"amount"`
}

// Errors of returns a clerk can act on.
var (
	ErrNotCompleted  = errors.New("only a completed sale can be returned")
	ErrNothingPicked = errors.New("pick at least one item to return")
	ErrCouponReturn  = errors.New("a coupon goes back with the whole sale, not on its own")
	ErrWeighedWhole  = errors.New("a weighed item comes back whole")
	ErrNothingLeft   = errors.New("everything paid on this sale has been given back")
	// ErrNoDeclinedRefund: only a refused refund is paid in cash instead.
	ErrNoDeclinedRefund = errors.New("no refused refund of a return has that key")
	// ErrTicketReturn: an e-ticket's money goes back once its provider
	// has cancelled the ticket, which the return screen cannot ask yet.
	ErrTicketReturn = errors.New("an e-ticket cannot be returned at the till: cancel it with till tickets --refund, then refund it with till refund")
)

// Returnable reports a line goods can come back from: sold, not voided,
// not a coupon.
func Returnable(l Line) bool { return !l.Voided && l.Coupon == nil }

// ReturnedQty is how much of the line has come back so far.
func (s *Sale) ReturnedQty(lineID int) int64 {
	var n int64
	for _, r := range s.Returns {
		for _, rl := range r.Lines {
			if rl.LineID == lineID {
				n += rl.Qty
			}
		}
	}
	return n
}

// portion is the price of qty of a line before discounts.
func portion(l Line, qty int64) money.Amount {
	if l.Weighed && qty > 0 {
		return l.Amount()
	}
	return l.UnitPrice * money.Amount(qty)
}

// weight is what qty of a line counts for in its share of the total: its
// price, with its tax where tax comes on top, so a zero-rated item and a
// taxed one each get back what they cost.
func (s *Sale) weight(l Line, qty int64) int64 {
	w := portion(l, qty)
	if s.TaxMode == TaxExclusive {
		// Within MaxUnits and catalog prices this cannot fail.
		w, _ = money.MulDiv(w, 10000+s.TaxRates[l.TaxClass], 10000)
	}
	return int64(w)
}

// ReturnValue is what bringing back picks refunds: their share of what
// the customer paid, so that discounts and coupons come off returns as
// they came off the sale. Shares are taken cumulatively, so returning
// everything, however many returns it takes, refunds the total exactly.
func (s *Sale) ReturnValue(picks []ReturnLine) (money.Amount, error) {
	share, err := s.returnShare(picks)
	return min(share, s.givenBackLeft()), err
}

// returnShare is ReturnValue before what was already given back caps it.
func (s *Sale) returnShare(picks []ReturnLine) (money.Amount, error) {
	if s.Number == 0 {
		return 0, ErrNotCompleted
	}
	if len(picks) == 0 {
		return 0, ErrNothingPicked
	}
	var gross, before, now int64
	byID := map[int]Line{}
	for _, l := range s.Lines {
		if Returnable(l) {
			gross += s.weight(l, l.Qty)
			before += s.weight(l, s.ReturnedQty(l.ID))
			byID[l.ID] = l
		}
	}
	seen := map[int]bool{}
	for _, p := range picks {
		l, ok := byID[p.LineID]
		switch {
		case seen[p.LineID]:
			return 0, fmt.Errorf("line %d is picked twice", p.LineID)
		case !ok && s.hasCoupon(p.LineID):
			return 0, ErrCouponReturn
		case !ok:
			return 0, ErrNoLine
		case l.TicketSaleID != "":
			return 0, ErrTicketReturn
		case l.Weighed && p.Qty != l.Qty:
			return 0, ErrWeighedWhole
		}
		seen[p.LineID] = true
		if left := l.Qty - s.ReturnedQty(l.ID); p.Qty < 1 || p.Qty > left {
			return 0, fmt.Errorf("%w: %d of %s (%d left to return)", ErrQuantity, p.Qty, l.Name, left)
		}
		now += s.weight(l, p.Qty)
	}
	if gross == 0 {
		return 0, nil
	}
	share := func(w int64) (money.Amount, error) { return money.MulDiv(s.Total, w, gross) }
	was, err := share(before)
	if err != nil {
		return 0, err
	}
	will, err := share(before + now)
	if err != nil {
		return 0, err
	}
	return will - was, nil
}

func (s *Sale) hasCoupon(lineID int) bool {
	for _, l := range s.Lines {
		if l.ID == lineID && l.Coupon != nil {
			return true
		}
	}
	return false
}

// givenBackLeft is what the customer paid less every void and refund
// not declined: the most anything further can give back.
func (s *Sale) givenBackLeft() money.Amount {
	var left money.Amount
	for _, t := range s.Tenders {
		if t.Status == TenderApproved {
			left += t.Amount
		}
	}
	for _, a := range s.Adjustments {
		if a.Status != TenderDeclined {
			left -= a.Amount
		}
	}
	return max(left, 0)
}

// PlanRefund splits amount over the sale's payments: first the approved
// provider payments, in the order they were taken, each up to what is
// left of it, skipping those whose provider cannot refund (canRefund) or
// that have a void or refund still open; the rest in cash. toCash puts
// it all in cash.
func (s *Sale) PlanRefund(amount money.Amount, toCash bool, canRefund func(provider string) bool) []RefundPart {
	var parts []RefundPart
	for _, tn := range s.Tenders {
		if toCash || amount <= 0 || tn.Provider == "" || tn.Key == "" || !canRefund(tn.Provider) || s.adjustmentOpen(tn.Key) {
			continue
		}
		left, err := s.RefundLeft(tn.Key)
		if err != nil || left <= 0 {
			continue
		}
		take := min(left, amount)
		parts = append(parts, RefundPart{TenderKey: tn.Key, Method: tn.Method, Amount: take})
		amount -= take
	}
	if amount > 0 {
		parts = append(parts, RefundPart{Method: MethodCash, Amount: amount})
	}
	return parts
}

func (s *Sale) adjustmentOpen(tenderKey string) bool {
	for _, a := range s.Adjustments {
		if a.TenderKey == tenderKey && (a.Status == TenderPending || a.Status == TenderUnknown) {
			return true
		}
	}
	return false
}

// AddReturn records a return and the adjustments that pay it back, one a
// part, keyed by newKey: provider refunds pending (their operations are
// journaled with the sale), cash approved, as it is handed over now. Once
// every item has come back, the coupon lines' passes go back too: their
// lines are listed in Passes for the caller to give back.
func (s *Sale) AddReturn(picks []ReturnLine, parts []RefundPart, newKey func() string, clerk string, now time.Time) (Return, []Adjustment, error) {
	share, err := s.returnShare(picks)
	if err != nil {
		return Return{}, nil, err
	}
	// Goods worth nothing (given away) still come back; goods whose money
	// went back already, by a refund, do not.
	value := min(share, s.givenBackLeft())
	if value == 0 && share > 0 {
		return Return{}, nil, ErrNothingLeft
	}
	var sum money.Amount
	for _, p := range parts {
		if p.Amount <= 0 {
			return Return{}, nil, errors.New("every part of a refund must be more than zero")
		}
		sum += p.Amount
	}
	if sum != value {
		return Return{}, nil, fmt.Errorf("the refund's parts come to %d, the return to %d", sum, value)
	}
	r := Return{Number: len(s.Returns) + 1, Lines: append([]ReturnLine(nil), picks...), Amount: value, Clerk: clerk, At: now}
	var adjs []Adjustment
	had := len(s.Adjustments)
	for _, p := range parts {
		var a Adjustment
		if p.TenderKey == "" {
			a = Adjustment{Kind: AdjustRefund, Method: MethodCash, Key: newKey(), Amount: p.Amount, Status: TenderApproved, At: now}
			s.Adjustments = append(s.Adjustments, a)
		} else if a, err = s.Adjust(AdjustRefund, p.TenderKey, newKey(), p.Amount, now); err != nil {
			s.Adjustments = s.Adjustments[:had] // a refused return leaves no refunds behind
			return Return{}, nil, err
		}
		s.Adjustments[len(s.Adjustments)-1].Return = r.Number
		a.Return = r.Number
		adjs = append(adjs, a)
		r.Refunds = append(r.Refunds, a.Key)
	}
	s.Returns = append(s.Returns, r)
	if s.allReturned() {
		for _, l := range s.Lines {
			if l.Coupon != nil && !l.Voided && l.Coupon.Status != TenderDeclined && l.Coupon.UnredeemKey == "" {
				s.Returns[len(s.Returns)-1].Passes = append(s.Returns[len(s.Returns)-1].Passes, l.ID)
			}
		}
		r = s.Returns[len(s.Returns)-1]
	}
	s.Rev++
	return r, adjs, nil
}

// allReturned reports that every item sold has come back.
func (s *Sale) allReturned() bool {
	for _, l := range s.Lines {
		if Returnable(l) && s.ReturnedQty(l.ID) < l.Qty {
			return false
		}
	}
	return true
}

// DeclinedRefunds are the returns' provider refunds that were refused and
// not yet paid in cash instead: money the customer is still owed.
func (s *Sale) DeclinedRefunds() []Adjustment {
	var out []Adjustment
	for _, a := range s.Adjustments {
		if a.Return != 0 && a.TenderKey != "" && a.Status == TenderDeclined && !s.replaced(a.Key) {
			out = append(out, a)
		}
	}
	return out
}

func (s *Sale) replaced(key string) bool {
	for _, a := range s.Adjustments {
		if a.Replaces == key {
			return true
		}
	}
	return false
}

// RefundInCash pays a return's refused refund in cash instead, under key
// newKey, approved as it is handed over.
func (s *Sale) RefundInCash(key, newKey string, now time.Time) (Adjustment, error) {
	for _, d := range s.DeclinedRefunds() {
		if d.Key != key {
			continue
		}
		// The payment may have been refunded since, another way.
		if d.Amount > s.givenBackLeft() {
			return Adjustment{}, ErrNothingLeft
		}
		a := Adjustment{Kind: AdjustRefund, Method: MethodCash, Key: newKey, Amount: d.Amount, Status: TenderApproved,
			Return: d.Return, Replaces: d.Key, At: now}
		s.Adjustments = append(s.Adjustments, a)
		for i := range s.Returns {
			if r := &s.Returns[i]; r.Number == d.Return {
				r.Refunds = append(r.Refunds[:len(r.Refunds):len(r.Refunds)], newKey)
			}
		}
		s.Rev++
		return a, nil
	}
	return Adjustment{}, ErrNoDeclinedRefund
}
