// Package sale holds the checkout's domain rules: catalog items, the lines
// and tenders of a sale, quantities, tax and totals. It does no I/O.
package sale

import "till/store/money"

// Item is one catalog entry.
type Item struct {
	SKU      string       `json:"sku"`
	Barcodes []string     `json:"barcodes,omitempty"`
	Name     string       `json:"name"`
	Price    money.Amount `json:"price"` // per unit, or per kilogram when Weighed
	TaxClass string       `json:"tax_class"`
	// NonDiscountable marks goods such as tobacco and alcohol that no
	// discount may touch.
	NonDiscountable bool `json:"non_discountable,omitempty"`
	// Weighed items are sold by the gram at a price per kilogram.
	Weighed bool `json:"weighed,omitempty"`
	// TicketSaleID is the TicketBao productSaleId of an e-ticket.
	TicketSaleID string `json:"ticket_sale_id,omitempty"`
}

// Flag names as they appear in catalog files.
const (
	FlagNonDiscountable = "non_discountable"
	FlagWeighed         = "weighed"
)
