package sale

import (
	"fmt"
	"sort"

	"till/store/money"
)

// TaxMode says whether catalog prices already include tax.
type TaxMode string

const (
	// TaxInclusive prices are what the customer pays; tax is the part of
	// them that the rate gives (Taiwan, most of Asia and Europe).
	TaxInclusive TaxMode = "inclusive"
	// TaxExclusive prices are net; tax is added on top.
	TaxExclusive TaxMode = "exclusive"
)

// TaxRules are the tax mode and the rate of each tax class in basis points
// (500 is 5%).
type TaxRules struct {
	Mode  TaxMode
	Rates map[string]int64
}

// Validate checks the mode and that every rate lies between 0% and 100%.
func (r TaxRules) Validate() error {
	if r.Mode != TaxInclusive && r.Mode != TaxExclusive {
		return fmt.Errorf("tax mode %q is neither %q nor %q", r.Mode, TaxInclusive, TaxExclusive)
	}
	if len(r.Rates) == 0 {
		return fmt.Errorf("no tax classes are defined")
	}
	for class, bp := range r.Rates {
		if bp < 0 || bp > 10000 {
			return fmt.Errorf("tax class %q: rate %d basis points is outside 0..10000", class, bp)
		}
	}
	return nil
}

// TaxLine is the tax of one class on a sale.
type TaxLine struct {
	Class string
	Rate  int64        // basis points
	Base  money.Amount // what the rate applied to: gross when inclusive, net when exclusive
	Tax   money.Amount
}

// Taxes computes tax per class. Tax is rounded once per class over the sum
// of its lines, half away from zero, rather than per line, so that a long
// receipt does not drift by accumulated rounding:
//
//	inclusive: tax = round(gross × rate / (10000 + rate))
//	exclusive: tax = round(net × rate / 10000)
func (r TaxRules) Taxes(bases map[string]money.Amount) ([]TaxLine, error) {
	classes := make([]string, 0, len(bases))
	for c := range bases {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	out := make([]TaxLine, 0, len(classes))
	for _, c := range classes {
		rate, ok := r.Rates[c]
		if !ok {
			return nil, fmt.Errorf("tax class %q is not configured", c)
		}
		den := int64(10000)
		if r.Mode == TaxInclusive {
			den += rate
		}
		tax, err := money.MulDiv(bases[c], rate, den)
		if err != nil {
			return nil, err
		}
		out = append(out, TaxLine{Class: c, Rate: rate, Base: bases[c], Tax: tax})
	}
	return out, nil
}
