package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store/money"
	"till/store/receipt"
	"till/store/sanitize"
)

// Width is the receipt printer's width in columns, the report's default.
const Width = 42

// timeLayout is how the report writes times, in their own location (the
// till's local time when they were taken).
const timeLayout = "2006-01-02 15:04"

// Lines lays the report out in width columns (Width when 0 or less), the
// same for the screen and the printer: headings, then one figure a line
// with its amount at the right edge.
func (r Report) Lines(cur money.Currency, width int) []string {
	if width <= 0 {
		width = Width
	}
	var out []string
	add := func(l string) { out = append(out, l) }
	pair := func(label, value string) { add(receipt.Spread(label, value, width)) }
	amount := func(label string, a money.Amount) { pair(label, cur.Format(a)) }
	counted := func(label string, t Tally) { amount(fmt.Sprintf("%s (%d)", label, t.Count), t.Amount) }
	rule := func() { add(strings.Repeat("-", width)) }
	when := func(t time.Time) string { return t.Format(timeLayout) }

	title := "X REPORT"
	if r.Kind == KindZ {
		title = fmt.Sprintf("Z REPORT %06d", r.Number)
	}
	add(receipt.Center(title, width))
	if r.Reprint {
		add(receipt.Center("REPRINT", width))
	}
	if r.Store != "" {
		add(receipt.Center(sanitize.Text(r.Store), width))
	}
	if r.Till != "" {
		add(receipt.Center("Till "+sanitize.Text(r.Till), width))
	}
	pair("From", when(r.From))
	pair("To", when(r.To))
	if r.Reprint || !r.At.Equal(r.To) {
		pair("Printed", when(r.At))
	}
	if sh := r.Shift; sh != nil {
		pair("Opened by "+sanitize.Text(sh.OpenedBy), when(sh.Opened))
		if sh.Number != 0 {
			pair("Closed by "+sanitize.Text(sh.ClosedBy), when(sh.Closed))
		} else {
			pair("Shift", "open")
		}
	} else {
		pair("Shift", "none open")
	}
	rule()

	add("SALES")
	pair("Sales", fmt.Sprint(r.Sales))
	amount("Gross sales", r.Gross)
	amount("Tax", r.Tax)
	for _, tc := range r.Taxes {
		amount(fmt.Sprintf("  %s %s on %s", sanitize.Text(tc.Class), receipt.Rate(tc.Rate), cur.Format(tc.Base)), tc.Tax)
	}
	counted("Discounts", r.Discounts)
	if r.Coupons.Count > 0 {
		counted("  of which coupons", r.Coupons)
	}
	counted("Voided lines", r.VoidedLines)
	rule()

	add("TAKINGS")
	for _, m := range r.Takings {
		counted(receipt.Method(m.Method), m.Tally)
	}
	amount("Total takings", r.TakingsTotal)
	if len(r.Providers) > 0 {
		add("By provider")
		for _, p := range r.Providers {
			counted("  "+provider(p.Provider), p.Tally)
		}
	}
	rule()

	add("VOIDS AND REFUNDS")
	counted("Payment voids", r.Voids.Tally)
	for _, p := range r.Voids.ByProvider {
		counted("  "+provider(p.Provider), p.Tally)
	}
	counted("Refunds", r.Refunds.Tally)
	for _, p := range r.Refunds.ByProvider {
		counted("  "+provider(p.Provider), p.Tally)
	}
	if r.AdjustmentsOpen > 0 {
		pair("Outcome still open", fmt.Sprint(r.AdjustmentsOpen))
	}
	amount("Net takings", r.Net)
	rule()

	add("CASH")
	amount("Float", r.Cash.Float)
	amount("Cash takings", r.Cash.Takings)
	amount("Cash paid out", r.Cash.Out)
	amount("Expected in drawer", r.Cash.Expected)
	if r.Cash.Counted != nil {
		amount("Counted", *r.Cash.Counted)
	}
	if d := r.Cash.Difference; d != nil {
		v := cur.Format(*d)
		label := "Difference"
		switch {
		case *d > 0:
			v, label = "+"+v, "Difference (over)"
		case *d < 0:
			label = "Difference (short)"
		}
		pair(label, v)
	}
	rule()

	if len(r.Approvals) > 0 {
		add("APPROVALS")
		for _, a := range r.Approvals {
			pair("  "+sanitize.Text(a.Action), fmt.Sprint(a.Count))
		}
	}
	pair("Operations waiting", fmt.Sprint(r.Waiting))
	for _, w := range r.Warnings {
		for _, l := range wrap("! "+sanitize.Text(w), width) {
			add(l)
		}
	}
	return out
}

func provider(p string) string {
	if p == "" {
		return "cash"
	}
	return sanitize.Text(p)
}

// wrap breaks s at spaces into lines of at most width columns; a word
// longer than a line is cut.
func wrap(s string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= width:
			line += " " + w
		default:
			out = append(out, receipt.Fit(line, width))
			line = "  " + w
		}
	}
	if line != "" {
		out = append(out, receipt.Fit(line, width))
	}
	return out
}
