package sale

import (
	"errors"
	"fmt"
	"math/big"
	"time"

	"till/store/money"
)

// Discount is money off the whole sale that a provider's loyalty program
// gave the customer (SWiP).
type Discount struct {
	Provider string       `json:"provider"`
	Key      string       `json:"key"` // the payment operation it came with
	Label    string       `json:"label"`
	Amount   money.Amount `json:"amount"`
	// AtTill is what the customer pays at the till for the provider's
	// order after the discount (SWiP scenario 2); once the sale is paid
	// the till reports it to the provider, which closes the order. Zero
	// when the discount came with a payment through the provider.
	AtTill money.Amount `json:"at_till,omitempty"`
	// CloseKey is the operation that reports AtTill, once journaled.
	CloseKey string    `json:"close_key,omitempty"`
	At       time.Time `json:"at"`
}

// AddDiscount records a provider's discount, at most what is due. A
// discount already recorded under the same key is replaced, so a payment
// looked up twice is not discounted twice.
func (s *Sale) AddDiscount(r TaxRules, d Discount) error {
	if d.Amount <= 0 || d.Key == "" {
		return errors.New("a discount needs an amount and a key")
	}
	kept := s.Discounts[:0:0]
	for _, x := range s.Discounts {
		if x.Key != d.Key {
			kept = append(kept, x)
		}
	}
	prev := s.Discounts
	s.Discounts = kept
	t, err := s.Totals(r)
	if err == nil && d.Amount > t.Due {
		err = fmt.Errorf("a discount of %d is more than the %d due", d.Amount, t.Due)
	}
	if err != nil {
		s.Discounts = prev
		return err
	}
	s.Discounts = append(s.Discounts, d)
	s.Rev++
	return nil
}

// SetCloseKey records the operation that reports a discount's AtTill.
func (s *Sale) SetCloseKey(key, closeKey string) error {
	for i := range s.Discounts {
		if s.Discounts[i].Key == key {
			s.Discounts[i].CloseKey = closeKey
			s.Rev++
			return nil
		}
	}
	return fmt.Errorf("no discount with key %s", key)
}

// Discounted spreads a discount off the gross total over the tax classes
// in proportion to their gross, and takes each share's tax out of its
// class: a discount lowers the price, so it lowers the tax in it. The
// shares add up to the discount exactly (largest remainder).
func (r TaxRules) Discounted(taxes []TaxLine, discount money.Amount) ([]TaxLine, error) {
	gross := make([]money.Amount, len(taxes))
	var all money.Amount
	for i, tl := range taxes {
		gross[i] = tl.Base
		if r.Mode == TaxExclusive {
			gross[i] += tl.Tax
		}
		all += gross[i]
	}
	if discount < 0 || discount > all {
		return nil, fmt.Errorf("a discount of %d is more than the %d total", discount, all)
	}
	shares := spread(discount, gross, all)
	out := make([]TaxLine, len(taxes))
	for i, tl := range taxes {
		share := shares[i]
		shareTax, err := money.MulDiv(share, tl.Rate, 10000+tl.Rate)
		if err != nil {
			return nil, err
		}
		if r.Mode == TaxInclusive {
			// One rounding, over what the class now comes to.
			tl.Base -= share
			if tl.Tax, err = money.MulDiv(tl.Base, tl.Rate, 10000+tl.Rate); err != nil {
				return nil, err
			}
		} else {
			tl.Tax -= shareTax
			tl.Base -= share - shareTax
		}
		out[i] = tl
	}
	return out, nil
}

// spread splits amount in proportion to weights (which sum to all),
// rounding down and giving what is left, a unit each, to the largest
// remainders. Big integers: amount × weight may exceed 64 bits.
func spread(amount money.Amount, weights []money.Amount, all money.Amount) []money.Amount {
	out := make([]money.Amount, len(weights))
	if all == 0 {
		return out
	}
	rems := make([]*big.Int, len(weights))
	left := amount
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(int64(w))), big.NewInt(int64(all)), new(big.Int))
		out[i], rems[i] = money.Amount(q.Int64()), r
		left -= out[i]
	}
	for ; left > 0; left-- {
		best := -1
		for i, r := range rems {
			if r != nil && (best < 0 || r.Cmp(rems[best]) > 0) {
				best = i
			}
		}
		out[best]++
		rems[best] = nil
	}
	return out
}
