package catalog

import (
	"errors"
	"fmt"
	"strings"

	"till/store/barcode"
	"till/store/money"
	"till/store/sale"
)

// Match is what a scanned or typed code stands for.
type Match struct {
	Item      sale.Item
	UnitPrice money.Amount // catalog price, or the embedded price
	Qty       int64        // 0 when the code gives none; an embedded weight gives grams
	Embedded  bool         // price or weight came from the label
}

// ErrUnknown reports a code that matches no item.
var ErrUnknown = errors.New("no item with code")

// Resolve finds the item for a scanned or typed code. Surrounding spaces
// (and scanner line endings) are ignored. A GTIN is looked up by its key,
// then as a price- or weight-embedded label under rules, then as an SKU.
// A code with a wrong check digit is tried as an SKU before it is refused.
// Anything else is an SKU or an internal barcode.
func (c *Catalog) Resolve(code string, rules barcode.Rules, cur money.Currency) (Match, error) {
	code = strings.TrimSpace(code)
	pc, err := barcode.Parse(code)
	switch {
	case errors.Is(err, barcode.ErrCheckDigit):
		if it, ok := c.BySKU(code); ok {
			return plain(it), nil
		}
		return Match{}, fmt.Errorf("code %s: %w", quote(code), err)
	case errors.Is(err, barcode.ErrEmpty):
		return Match{}, fmt.Errorf("no code given: %w", err)
	case err != nil:
		return Match{}, fmt.Errorf("code %s: %w", quote(code), err)
	}

	if pc.Symbology == barcode.Other {
		if it, ok := c.BySKU(code); ok {
			return plain(it), nil
		}
		if it, ok := c.byKey(pc.Key); ok {
			return plain(it), nil
		}
		return Match{}, unknown(code)
	}

	// An exact barcode beats the embedded rule: it was listed on purpose.
	if it, ok := c.byKey(pc.Key); ok {
		return plain(it), nil
	}
	if e, ok := rules.Match(pc); ok {
		return c.embedded(code, e, cur)
	}
	if it, ok := c.BySKU(code); ok {
		return plain(it), nil
	}
	return Match{}, unknown(code)
}

func (c *Catalog) embedded(code string, e barcode.Embedded, cur money.Currency) (Match, error) {
	it, ok := c.byKey(e.Stem)
	if !ok {
		return Match{}, fmt.Errorf("%w %s (item %s)", ErrUnknown, quote(code), e.Stem)
	}
	switch e.Kind {
	case barcode.EmbeddedPrice:
		minor, err := e.MinorUnits(cur.Exponent)
		if err != nil {
			return Match{}, fmt.Errorf("code %s: %w", quote(code), err)
		}
		// The label fixes the price of this pack, so even goods sold by
		// weight become one unit at that price.
		it.Weighed = false
		return Match{Item: it, UnitPrice: money.Amount(minor), Embedded: true}, nil
	case barcode.EmbeddedWeight:
		if !it.Weighed {
			return Match{}, fmt.Errorf("code %s carries a weight, but %s (%s) is not sold by weight", quote(code), quote(it.Name), quote(it.SKU))
		}
		if err := sale.CheckQty(e.Value, true); err != nil {
			return Match{}, fmt.Errorf("code %s: %w", quote(code), err)
		}
		return Match{Item: it, UnitPrice: it.Price, Qty: e.Value, Embedded: true}, nil
	}
	return Match{}, fmt.Errorf("code %s: embedded %s is not supported", quote(code), e.Kind)
}

// byKey looks up an already-normalised barcode key.
func (c *Catalog) byKey(key string) (sale.Item, bool) {
	if c == nil {
		return sale.Item{}, false
	}
	i, ok := c.byCode[key]
	if !ok {
		return sale.Item{}, false
	}
	return c.items[i], true
}

func plain(it sale.Item) Match {
	return Match{Item: it, UnitPrice: it.Price}
}

func unknown(code string) error {
	return fmt.Errorf("%w %s", ErrUnknown, quote(code))
}
