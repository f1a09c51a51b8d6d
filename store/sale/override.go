package sale

import (
	"errors"
	"time"

	"till/store/money"
)

// MaxOverride bounds an overridden unit price (in minor units), so that
// a slip of the finger cannot make a huge sale.
const MaxOverride money.Amount = 100_000_000

// Override records a manager's change of a line's unit price. Lines
// share it with their clones, so it is replaced, never changed in place.
type Override struct {
	Was money.Amount `json:"was"` // the price before the first override
	By  string       `json:"by,omitempty"`
	At  time.Time    `json:"at"`
}

// Errors of price overrides.
var (
	// ErrOverrideCoupon: a coupon's value comes from its campaign.
	ErrOverrideCoupon = errors.New("a coupon's price cannot be changed")
	// ErrPriceRange: a new price is from 0 to MaxOverride.
	ErrPriceRange = errors.New("the new price is out of range")
)

// OverridePrice sets a line's unit price (per kilogram when weighed),
// approved by the manager by, keeping the price it had before the first
// override.
func (s *Sale) OverridePrice(id int, price money.Amount, by string, now time.Time) error {
	if len(s.Tenders) > 0 {
		return ErrPaid
	}
	l, err := s.line(id)
	if err != nil {
		return err
	}
	switch {
	case l.Coupon != nil:
		return ErrOverrideCoupon
	case price < 0 || price > MaxOverride:
		return ErrPriceRange
	}
	was := l.UnitPrice
	if l.Override != nil {
		was = l.Override.Was
	}
	l.Override = &Override{Was: was, By: by, At: now}
	l.UnitPrice = price
	s.Rev++
	return nil
}
