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

// Header is what the receipt says about the shop, and in which words.
type Header struct {
	StoreName string
	TillID    string
	Location  *time.Location // receipt times are local to the shop
	// Words are the receipt's fixed texts; an empty one is English.
	Words Words
}

// Words are the fixed texts of a receipt, so it can be printed in the
// till's language. Fields marked "format" are fmt formats with the same
// verbs as the English, so the word order may differ.
type Words struct {
	Till         string // "Till" before the till's id
	Receipt      string // "Receipt" before its number
	Total        string // "TOTAL"
	Tax          string // format: "Tax %s %s", the class and the rate
	Inclusive    string // " incl.", after Tax when prices include it
	CashTendered string // "Cash tendered"
	Cash         string // "Cash", a cash tender's method
	Ref          string // "Ref" before a payment's reference
	Change       string // "Change"
	Sale         string // "Sale" before the sale's id
	ThankYou     string // "Thank you"
	ETickets     string // format: "E-TICKETS x%d"
	Order        string // "Order" before the e-ticket order
	Passcode     string // "Passcode"
	NotIssued    string // "Not issued:" before the reason
	AskManager   string // "Ask a manager: the sale is paid."
	BeingIssued  string // "Being issued: they follow on a reprint."
	Free         string // "free", a coupon's free item
	// PriceWas is the note under a line whose price a manager changed.
	PriceWas string // format: "Price changed, was %s", the old unit price
	// Returned is a return listed on a reprint, with what it refunded.
	Returned string // format: "Returned #%d", the return's number
	// The return slip's words.
	Return         string // "RETURN", the slip's title
	Refund         string // "REFUND", before what the return gives back
	BeingRefunded  string // "being refunded", a refund its provider has not answered yet
	RefundDeclined string // format: "declined: %s", the provider's reason
	RefundUnknown  string // "outcome unknown: being checked", a refund whose answer was lost
	PassesBack     string // format: "Passes given back: %d", how many
	Signature      string // "Customer signature", above the line to sign on
}

// English are the receipt's words in English, the default.
var English = Words{
	Till: "Till", Receipt: "Receipt", Total: "TOTAL", Tax: "Tax %s %s", Inclusive: " incl.",
	CashTendered: "Cash tendered", Cash: "Cash", Ref: "Ref", Change: "Change", Sale: "Sale",
	ThankYou: "Thank you", ETickets: "E-TICKETS x%d", Order: "Order", Passcode: "Passcode",
	NotIssued: "Not issued:", AskManager: "Ask a manager: the sale is paid.",
	BeingIssued: "Being issued: they follow on a reprint.", Free: "free",
	PriceWas: "Price changed, was %s", Returned: "Returned #%d", Return: "RETURN", Refund: "REFUND",
	BeingRefunded: "being refunded", RefundDeclined: "declined: %s", RefundUnknown: "outcome unknown: being checked",
	PassesBack: "Passes given back: %d", Signature: "Customer signature",
}

// orEnglish fills the words left empty with the English ones.
func (w Words) orEnglish() Words {
	or := func(s *string, def string) {
		if *s == "" {
			*s = def
		}
	}
	e := English
	or(&w.Till, e.Till)
	or(&w.Receipt, e.Receipt)
	or(&w.Total, e.Total)
	or(&w.Tax, e.Tax)
	or(&w.Inclusive, e.Inclusive)
	or(&w.CashTendered, e.CashTendered)
	or(&w.Cash, e.Cash)
	or(&w.Ref, e.Ref)
	or(&w.Change, e.Change)
	or(&w.Sale, e.Sale)
	or(&w.ThankYou, e.ThankYou)
	or(&w.ETickets, e.ETickets)
	or(&w.Order, e.Order)
	or(&w.Passcode, e.Passcode)
	or(&w.NotIssued, e.NotIssued)
	or(&w.AskManager, e.AskManager)
	or(&w.BeingIssued, e.BeingIssued)
	or(&w.Free, e.Free)
	or(&w.PriceWas, e.PriceWas)
	or(&w.Returned, e.Returned)
	or(&w.Return, e.Return)
	or(&w.Refund, e.Refund)
	or(&w.BeingRefunded, e.BeingRefunded)
	or(&w.RefundDeclined, e.RefundDeclined)
	or(&w.RefundUnknown, e.RefundUnknown)
	or(&w.PassesBack, e.PassesBack)
	or(&w.Signature, e.Signature)
	return w
}

// Lines formats s in width columns (42 or 48 on a printer).
func Lines(s *sale.Sale, h Header, cur money.Currency, tax sale.TaxRules, width int) ([]string, error) {
	t, err := s.Totals(tax)
	if err != nil {
		return nil, err
	}
	w := h.Words.orEnglish()
	out := shop(h, w, width)
	add := func(l string) { out = append(out, l) }
	rule := strings.Repeat("-", width)
	when := s.Completed
	if when.IsZero() {
		when = s.Opened
	}
	add(Spread(fmt.Sprintf("%s %06d", w.Receipt, s.Number), h.local(when), width))
	add(rule)
	for _, l := range s.ActiveLines() {
		amount := cur.Format(l.Amount())
		name := sanitize.Text(l.Name)
		if l.Coupon != nil {
			if amount = couponValue(l, t, cur, w); l.Coupon.Status != sale.TenderApproved {
				amount = sanitize.Text(l.Coupon.Status)
			}
			add(Spread(name, amount, width))
			continue
		}
		if !l.Weighed && l.Qty == 1 {
			add(Spread(name, amount, width))
		} else {
			add(Fit(name, width))
			add(Spread("  "+Quantity(l, cur), amount, width))
		}
		// A price set back to what it was needs no note.
		if o := l.Override; o != nil && o.Was != l.UnitPrice {
			was := cur.Format(o.Was)
			if l.Weighed {
				was += "/kg"
			}
			add(Fit("  "+fmt.Sprintf(w.PriceWas, was), width))
		}
	}
	add(rule)
	for _, d := range s.Discounts {
		add(Spread(sanitize.Text(d.Label), "-"+cur.Format(d.Amount), width))
	}
	add(Spread(w.Total, cur.Code+" "+cur.Format(t.Total), width))
	for _, tl := range t.Taxes {
		label := fmt.Sprintf(w.Tax, sanitize.Text(tl.Class), Rate(tl.Rate))
		if tax.Mode == sale.TaxInclusive {
			label += w.Inclusive
		}
		add(Spread(label, cur.Format(tl.Tax), width))
	}
	add(rule)
	for _, tn := range s.Tenders {
		if tn.Status != sale.TenderApproved {
			continue
		}
		if tn.Method == sale.MethodCash {
			add(Spread(w.CashTendered, cur.Format(tn.Tendered), width))
		} else {
			add(Spread(Method(tn.Method), cur.Format(tn.Amount), width))
		}
		if tn.Reference != "" {
			add(Fit("  "+w.Ref+" "+sanitize.Text(tn.Reference), width))
		}
	}
	if t.Change > 0 {
		add(Spread(w.Change, cur.Format(t.Change), width))
	}
	for _, r := range s.Returns {
		add(Spread(fmt.Sprintf(w.Returned, r.Number), "-"+cur.Format(r.Amount), width))
	}
	add(rule)
	if s.Tickets != nil {
		for _, l := range tickets(s.Tickets, w) {
			// Addresses and barcodes are wrapped, not cut: a customer
			// types or scans them off the paper.
			for _, part := range wrap(l, width) {
				add(part)
			}
		}
		add(rule)
	}
	add(Center(w.Sale+" "+s.ID, width))
	add(Center(w.ThankYou, width))
	return out, nil
}

// ReturnLines formats the slip of return r of s: what came back, how its
// money went back, and a line for the customer to sign.
func ReturnLines(s *sale.Sale, r sale.Return, h Header, cur money.Currency, width int) []string {
	w := h.Words.orEnglish()
	out := shop(h, w, width)
	add := func(l string) { out = append(out, l) }
	rule := strings.Repeat("-", width)
	add(Center(w.Return, width))
	add(Spread(fmt.Sprintf("%s %06d", w.Receipt, s.Number), h.local(r.At), width))
	add(rule)
	for _, rl := range r.Lines {
		for _, l := range s.Lines {
			if l.ID != rl.LineID {
				continue
			}
			qty := fmt.Sprintf("%d x", rl.Qty)
			if l.Weighed {
				qty = Grams(rl.Qty) + " kg"
			}
			add(Fit(qty+" "+sanitize.Text(l.Name), width))
		}
	}
	add(rule)
	add(Spread(w.Refund, cur.Code+" "+cur.Format(r.Amount), width))
	for _, key := range r.Refunds {
		for _, a := range s.Adjustments {
			if a.Key != key {
				continue
			}
			add(Spread(refundMethod(s, a, w), cur.Format(a.Amount), width))
			switch a.Status {
			case sale.TenderPending:
				add(Fit("  "+w.BeingRefunded, width))
			case sale.TenderDeclined:
				add(Fit("  "+fmt.Sprintf(w.RefundDeclined, sanitize.Text(a.Reason)), width))
			case sale.TenderUnknown:
				add(Fit("  "+w.RefundUnknown, width))
			}
		}
	}
	add(rule)
	if len(r.Passes) > 0 {
		add(Fit(fmt.Sprintf(w.PassesBack, len(r.Passes)), width))
	}
	add(Fit(w.Signature, width))
	add("") // room to sign
	add(strings.Repeat("_", width))
	return out
}

// refundMethod names how a refund went back: in cash, or through the
// payment it gives back.
func refundMethod(s *sale.Sale, a sale.Adjustment, w Words) string {
	if a.TenderKey == "" {
		return w.Cash
	}
	for _, tn := range s.Tenders {
		if tn.Key == a.TenderKey {
			return Method(tn.Method)
		}
	}
	return ""
}

// shop is the top of every slip: the shop's name and the till's id.
func shop(h Header, w Words, width int) []string {
	out := []string{Center(sanitize.Text(h.StoreName), width)}
	if h.TillID != "" {
		out = append(out, Center(w.Till+" "+sanitize.Text(h.TillID), width))
	}
	return out
}

// local writes t in the shop's time.
func (h Header) local(t time.Time) string {
	loc := h.Location
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// tickets is the receipt's e-ticket section: each voucher to scan at the
// gate, or the order's page and passcode, or why they are not there yet.
func tickets(t *sale.Tickets, w Words) []string {
	out := []string{fmt.Sprintf(w.ETickets, t.Qty)}
	switch t.Status {
	case sale.TenderApproved:
		out = append(out, w.Order+" "+sanitize.Text(t.Order))
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
			out = append(out, w.Passcode+" "+sanitize.Text(t.Passcode))
		}
	case sale.TenderDeclined:
		out = append(out, w.NotIssued+" "+sanitize.Text(t.Reason), w.AskManager)
	default:
		out = append(out, w.BeingIssued)
	}
	return out
}

// CouponValue is what a coupon line does: "-6.50" off, or "free".
func CouponValue(l sale.Line, t sale.Totals, cur money.Currency) string {
	return couponValue(l, t, cur, English)
}

// CouponValueIn is CouponValue with "free" in the given words.
func CouponValueIn(l sale.Line, t sale.Totals, cur money.Currency, w Words) string {
	return couponValue(l, t, cur, w.orEnglish())
}

func couponValue(l sale.Line, t sale.Totals, cur money.Currency, w Words) string {
	if l.Coupon.Effect.Kind == sale.EffectItem {
		return w.Free
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
