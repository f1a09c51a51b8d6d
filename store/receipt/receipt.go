// Package receipt lays a completed sale out as fixed-width text lines, the
// same for the screen and for a receipt printer.
package receipt

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store/money"
	"till/store/sale"
	"till/store/sanitize"
)

// Header is what the receipt says about the shop.
type Header struct {
	StoreName string
	TillID    string
	Location  *time.Location // receipt times are local to the shop
}

// Lines formats s in width columns (42 or 48 on a printer).
func Lines(s *sale.Sale, h Header, cur money.Currency, tax sale.TaxRules, width int) ([]string, error) {
	t, err := s.Totals(tax)
	if err != nil {
		return nil, err
	}
	loc := h.Location
	if loc == nil {
		loc = time.Local
	}
	var out []string
	add := func(l string) { out = append(out, l) }
	rule := strings.Repeat("-", width)
	add(Center(sanitize.Text(h.StoreName), width))
	if h.TillID != "" {
		add(Center("Till "+sanitize.Text(h.TillID), width))
	}
	when := s.Completed
	if when.IsZero() {
		when = s.Opened
	}
	add(Spread(fmt.Sprintf("Receipt %06d", s.Number), when.In(loc).Format("2006-01-02 15:04"), width))
	add(rule)
	for _, l := range s.ActiveLines() {
		amount := cur.Format(l.Amount())
		name := sanitize.Text(l.Name)
		if l.Coupon != nil {
			if amount = CouponValue(l, t, cur); l.Coupon.Status != sale.TenderApproved {
				amount = sanitize.Text(l.Coupon.Status)
			}
			add(Spread(name, amount, width))
			continue
		}
		if !l.Weighed && l.Qty == 1 {
			add(Spread(name, amount, width))
			continue
		}
		add(Fit(name, width))
		add(Spread("  "+Quantity(l, cur), amount, width))
	}
	add(rule)
	for _, d := range s.Discounts {
		add(Spread(sanitize.Text(d.Label), "-"+cur.Format(d.Amount), width))
	}
	add(Spread("TOTAL", cur.Code+" "+cur.Format(t.Total), width))
	for _, tl := range t.Taxes {
		label := fmt.Sprintf("Tax %s %s", sanitize.Text(tl.Class), Rate(tl.Rate))
		if tax.Mode == sale.TaxInclusive {
			label += " incl."
		}
		add(Spread(label, cur.Format(tl.Tax), width))
	}
	add(rule)
	for _, tn := range s.Tenders {
		if tn.Status != sale.TenderApproved {
			continue
		}
		label := Method(tn.Method)
		if tn.Method == sale.MethodCash {
			add(Spread(label+" tendered", cur.Format(tn.Tendered), width))
		} else {
			add(Spread(label, cur.Format(tn.Amount), width))
		}
		if tn.Reference != "" {
			add(Fit("  Ref "+sanitize.Text(tn.Reference), width))
		}
	}
	if t.Change > 0 {
		add(Spread("Change", cur.Format(t.Change), width))
	}
	add(rule)
	if s.Tickets != nil {
		for _, l := range tickets(s.Tickets) {
			// Addresses and barcodes are wrapped, not cut: a customer
			// types or scans them off the paper.
			for _, part := range wrap(l, width) {
				add(part)
			}
		}
		add(rule)
	}
	add(Center("Sale "+s.ID, width))
	add(Center("Thank you", width))
	return out, nil
}

// tickets is the receipt's e-ticket section: each voucher to scan at the
// gate, or the order's page and passcode, or why they are not there yet.
func tickets(t *sale.Tickets) []string {
	out := []string{fmt.Sprintf("E-TICKETS x%d", t.Qty)}
	switch t.Status {
	case sale.TenderApproved:
		out = append(out, "Order "+sanitize.Text(t.Order))
		for i, v := range t.Vouchers {
			out = append(out, fmt.Sprintf("%d. %s", i+1, sanitize.Text(v.Barcode)))
			if v.URL != "" {
				out = append(out, "   "+sanitize.Text(v.URL))
			}
		}
		if t.URL != "" {
			out = append(out, sanitize.Text(t.URL))
		}
		if t.Passcode != "" {
			out = append(out, "Passcode "+sanitize.Text(t.Passcode))
		}
	case sale.TenderDeclined:
		out = append(out, "Not issued: "+sanitize.Text(t.Reason), "Ask a manager: the sale is paid.")
	default:
		out = append(out, "Being issued: they follow on a reprint.")
	}
	return out
}

// CouponValue is what a coupon line does: "-6.50" off, or "free".
func CouponValue(l sale.Line, t sale.Totals, cur money.Currency) string {
	if l.Coupon.Effect.Kind == sale.EffectItem {
		return "free"
	}
	return "-" + cur.Format(t.Coupons[l.ID])
}

// Quantity describes a line's quantity and unit price: "3 x 35.00" or
// "0.375 kg x 199.00/kg".
func Quantity(l sale.Line, cur money.Currency) string {
	if l.Weighed {
		return fmt.Sprintf("%s kg x %s/kg", Grams(l.Qty), cur.Format(l.UnitPrice))
	}
	return fmt.Sprintf("%d x %s", l.Qty, cur.Format(l.UnitPrice))
}

// Grams writes grams as kilograms with three decimals.
func Grams(g int64) string {
	return fmt.Sprintf("%d.%03d", g/1000, g%1000)
}

// Rate writes basis points as a percentage: 500 is "5%", 750 "7.5%".
func Rate(bp int64) string {
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// Method names a tender method for people.
func Method(m string) string {
	if m == sale.MethodCash {
		return "Cash"
	}
	return sanitize.Text(m)
}

// Fit truncates s to width display columns (wide characters count two).
func Fit(s string, width int) string {
	return ansi.Truncate(s, width, "…")
}

// Spread puts left and right at the two edges, shortening left if needed.
func Spread(left, right string, width int) string {
	room := width - ansi.StringWidth(right) - 1
	if room < 1 {
		return Fit(right, width)
	}
	left = Fit(left, room)
	return left + strings.Repeat(" ", width-ansi.StringWidth(left)-ansi.StringWidth(right)) + right
}

// wrap breaks s into lines of width columns, continuation lines indented.
func wrap(s string, width int) []string {
	out := []string{ansi.Truncate(s, width, "")}
	for rest := ansi.Cut(s, width, ansi.StringWidth(s)); rest != ""; {
		line := ansi.Truncate(rest, width-3, "")
		if line == "" {
			break // a character wider than the room: leave it out
		}
		out = append(out, "   "+line)
		rest = ansi.Cut(rest, ansi.StringWidth(line), ansi.StringWidth(rest))
	}
	return out
}

// Center centres s in width columns.
func Center(s string, width int) string {
	s = Fit(s, width)
	pad := (width - ansi.StringWidth(s)) / 2
	return strings.Repeat(" ", pad) + s
}
