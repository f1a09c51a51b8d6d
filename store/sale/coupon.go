package sale

import (
	"errors"
	"fmt"
	"time"

	"till/store/money"
)

// Coupon effects: what a redeemed pass of a campaign does to the sale.
const (
	EffectPercent = "percent" // Percent basis points off the items
	EffectAmount  = "amount"  // Amount off
	EffectItem    = "item"    // the catalog item SKU, free
)

// CouponEffect is the configured effect of one campaign's passes.
type CouponEffect struct {
	Kind    string       `json:"kind"`
	Percent int64        `json:"percent,omitempty"` // basis points: 1000 is 10%
	Amount  money.Amount `json:"amount,omitempty"`
	SKU     string       `json:"sku,omitempty"`
}

// Validate checks the effect is one of the three, with its value.
func (e CouponEffect) Validate() error {
	switch {
	case e.Kind == EffectPercent && e.Percent > 0 && e.Percent <= 10000:
	case e.Kind == EffectAmount && e.Amount > 0:
	case e.Kind == EffectItem && e.SKU != "":
	default:
		return fmt.Errorf("effect %q needs percent (0 to 100), amount (more than 0) or sku, as its kind says", e.Kind)
	}
	return nil
}

// Coupon statuses are a tender's: pending while the redeem is in flight,
// approved once the provider took the pass, declined (the line is voided
// with the provider's reason), unknown when the answer was lost.

// Coupon is a customer's pass redeemed on the sale. Lines share it with
// their clones, so it is replaced, never changed in place.
type Coupon struct {
	Provider string       `json:"provider"`
	Key      string       `json:"key"` // the redeem operation
	Model    string       `json:"model"`
	Campaign string       `json:"campaign"`
	Barcode  string       `json:"barcode"`
	Effect   CouponEffect `json:"effect"`
	Status   string       `json:"status"`
	Reason   string       `json:"reason,omitempty"`
	// UnredeemKey is the operation giving the pass back once the line
	// is voided.
	UnredeemKey string    `json:"unredeem_key,omitempty"`
	At          time.Time `json:"at"`
}

// moneyOff reports a coupon that takes money off rather than being an
// item itself.
func (c *Coupon) moneyOff() bool { return c != nil && c.Effect.Kind != EffectItem }

// ErrPassOnSale: a pass is redeemed once per sale.
var ErrPassOnSale = errors.New("this pass is already on the sale")

// AddCoupon puts a pass being redeemed on the sale, pending: a line named
// name, which for a free item is that item at price 0.
func (s *Sale) AddCoupon(name string, c Coupon, item *Item) (Line, error) {
	if len(s.Tenders) > 0 {
		return Line{}, ErrPaid
	}
	if err := c.Effect.Validate(); err != nil {
		return Line{}, err
	}
	for _, l := range s.Lines {
		if !l.Voided && l.Coupon != nil && l.Coupon.Barcode == c.Barcode {
			return Line{}, ErrPassOnSale
		}
	}
	c.Status = TenderPending
	l := Line{ID: s.NextLineID, Name: name, Code: c.Barcode, Qty: 1, Coupon: &c}
	if c.Effect.Kind == EffectItem {
		if item == nil || item.SKU != c.Effect.SKU {
			return Line{}, fmt.Errorf("the campaign's free item %s is not in the catalog", c.Effect.SKU)
		}
		l.SKU, l.TaxClass, l.Name = item.SKU, item.TaxClass, name+": "+item.Name
	}
	s.NextLineID++
	s.Lines = append(s.Lines, l)
	s.Rev++
	return l, nil
}

// SettleCoupon records what became of the redeem with key. A declined
// pass leaves the sale: its line is voided, the reason kept.
func (s *Sale) SettleCoupon(key, status, reason string) error {
	for i := range s.Lines {
		c := s.Lines[i].Coupon
		if c == nil || c.Key != key {
			continue
		}
		copied := *c
		copied.Status, copied.Reason = status, reason
		s.Lines[i].Coupon = &copied
		if status == TenderDeclined {
			s.Lines[i].Voided = true
		}
		s.Rev++
		return nil
	}
	return fmt.Errorf("no coupon with key %s", key)
}

// SetUnredeemKey records the operation that gives a voided coupon's pass
// back.
func (s *Sale) SetUnredeemKey(lineID int, key string) error {
	for i := range s.Lines {
		l := &s.Lines[i]
		if l.ID != lineID {
			continue
		}
		if l.Coupon == nil {
			return errors.New("the line is not a coupon")
		}
		copied := *l.Coupon
		copied.UnredeemKey = key
		l.Coupon = &copied
		s.Rev++
		return nil
	}
	return ErrNoLine
}

// OpenCoupons returns the coupons whose redeem has not settled.
func (s *Sale) OpenCoupons() []Coupon {
	var out []Coupon
	for _, l := range s.Lines {
		if c := l.Coupon; c != nil && !l.Voided && (c.Status == TenderPending || c.Status == TenderUnknown) {
			out = append(out, *c)
		}
	}
	return out
}

// couponsOff adds the approved money-off coupons to t.Discount: a percent
// of the gross total or an amount, together never more than it.
func (s *Sale) couponsOff(r TaxRules, taxes []TaxLine, t *Totals) error {
	var gross money.Amount
	for _, tl := range taxes {
		gross += tl.Base
		if r.Mode == TaxExclusive {
			gross += tl.Tax
		}
	}
	left := max(gross-t.Discount, 0)
	for _, l := range s.Lines {
		c := l.Coupon
		if l.Voided || !c.moneyOff() || c.Status != TenderApproved {
			continue
		}
		off := c.Effect.Amount
		if c.Effect.Kind == EffectPercent {
			var err error
			if off, err = money.MulDiv(gross, c.Effect.Percent, 10000); err != nil {
				return err
			}
		}
		off = min(off, left)
		left -= off
		t.Discount += off
		if t.Coupons == nil {
			t.Coupons = map[int]money.Amount{}
		}
		t.Coupons[l.ID] = off
	}
	return nil
}
