package sale

import (
	"fmt"

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
