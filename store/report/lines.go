package report

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store/money"
	"till/store/receipt"
	"till/store/sale"
	"till/store/sanitize"
)

// Width is the receipt printer's width in columns, the report's default.
const Width = 42

// timeLayout is how the report writes times, in their own location (the
// till's local time when they were taken).
const timeLayout = "2006-01-02 15:04"

// Words are the fixed texts of a report, so it can be printed in the
// till's language. Fields marked "format" are fmt formats with the same
// verbs as the English, so the word order may differ.
type Words struct {
	XReport     string // "X REPORT"
	ZReport     string // format: "Z REPORT %06d", the Z number
	Reprint     string // "REPRINT"
	Till        string // "Till" before the till's id
	From        string // "From"
	To          string // "To"
	Printed     string // "Printed", when the report was made
	OpenedBy    string // format: "Opened by %s", the user
	ClosedBy    string // format: "Closed by %s", the user
	Shift       string // "Shift"
	ShiftOpen   string // "open", the shift
	NoShift     string // "none open", the shift
	SalesTitle  string // "SALES"
	Sales       string // "Sales", how many
	Gross       string // "Gross sales"
	Tax         string // "Tax"
	TaxClass    string // format: "%s %s on %s", the class, the rate and the base
	Discounts   string // "Discounts"
	Coupons     string // "of which coupons"
	VoidedLines string // "Voided lines"
	Overrides   string // "Price overrides"
	Takings     string // "TAKINGS"
	Cash        string // "Cash", the cash tender method
	Total       string // "Total takings"
	ByProvider  string // "By provider"
	CashDrawer  string // "cash", the provider of what is paid in cash
	Adjustments string // "VOIDS AND REFUNDS"
	Voids       string // "Payment voids"
	Returns     string // "Returns"
	Refunds     string // "Refunds"
	Open        string // "Outcome still open"
	Net         string // "Net takings"
	CashTitle   string // "CASH"
	Float       string // "Float"
	CashTakings string // "Cash takings"
	CashOut     string // "Cash paid out"
	Expected    string // "Expected in drawer"
	Counted     string // "Counted"
	Difference  string // "Difference"
	Over        string // "Difference (over)"
	Short       string // "Difference (short)"
	Clerks      string // "CLERKS"
	Approvals   string // "APPROVALS"
	Waiting     string // "Operations waiting"
}

// English are the report's words in English, the default.
var English = Words{
	XReport: "X REPORT", ZReport: "Z REPORT %06d", Reprint: "REPRINT", Till: "Till",
	From: "From", To: "To", Printed: "Printed", OpenedBy: "Opened by %s", ClosedBy: "Closed by %s",
	Shift: "Shift", ShiftOpen: "open", NoShift: "none open",
	SalesTitle: "SALES", Sales: "Sales", Gross: "Gross sales", Tax: "Tax", TaxClass: "%s %s on %s",
	Discounts: "Discounts", Coupons: "of which coupons", VoidedLines: "Voided lines", Overrides: "Price overrides",
	Takings: "TAKINGS", Cash: "Cash", Total: "Total takings", ByProvider: "By provider", CashDrawer: "cash",
	Adjustments: "VOIDS AND REFUNDS", Voids: "Payment voids", Returns: "Returns", Refunds: "Refunds",
	Open: "Outcome still open", Net: "Net takings",
	CashTitle: "CASH", Float: "Float", CashTakings: "Cash takings", CashOut: "Cash paid out",
	Expected: "Expected in drawer", Counted: "Counted", Difference: "Difference",
	Over: "Difference (over)", Short: "Difference (short)",
	Clerks: "CLERKS", Approvals: "APPROVALS", Waiting: "Operations waiting",
}

// orEnglish fills the words left empty with the English ones.
func (w Words) orEnglish() Words {
	or := func(s *string, def string) {
		if *s == "" {
			*s = def
		}
	}
	e := English
	or(&w.XReport, e.XReport)
	or(&w.ZReport, e.ZReport)
	or(&w.Reprint, e.Reprint)
	or(&w.Till, e.Till)
	or(&w.From, e.From)
	or(&w.To, e.To)
	or(&w.Printed, e.Printed)
	or(&w.OpenedBy, e.OpenedBy)
	or(&w.ClosedBy, e.ClosedBy)
	or(&w.Shift, e.Shift)
	or(&w.ShiftOpen, e.ShiftOpen)
	or(&w.NoShift, e.NoShift)
	or(&w.SalesTitle, e.SalesTitle)
	or(&w.Sales, e.Sales)
	or(&w.Gross, e.Gross)
	or(&w.Tax, e.Tax)
	or(&w.TaxClass, e.TaxClass)
	or(&w.Discounts, e.Discounts)
	or(&w.Coupons, e.Coupons)
	or(&w.VoidedLines, e.VoidedLines)
	or(&w.Overrides, e.Overrides)
	or(&w.Takings, e.Takings)
	or(&w.Cash, e.Cash)
	or(&w.Total, e.Total)
	or(&w.ByProvider, e.ByProvider)
	or(&w.CashDrawer, e.CashDrawer)
	or(&w.Adjustments, e.Adjustments)
	or(&w.Voids, e.Voids)
	or(&w.Returns, e.Returns)
	or(&w.Refunds, e.Refunds)
	or(&w.Open, e.Open)
	or(&w.Net, e.Net)
	or(&w.CashTitle, e.CashTitle)
	or(&w.Float, e.Float)
	or(&w.CashTakings, e.CashTakings)
	or(&w.CashOut, e.CashOut)
	or(&w.Expected, e.Expected)
	or(&w.Counted, e.Counted)
	or(&w.Difference, e.Difference)
	or(&w.Over, e.Over)
	or(&w.Short, e.Short)
	or(&w.Clerks, e.Clerks)
	or(&w.Approvals, e.Approvals)
	or(&w.Waiting, e.Waiting)
	return w
}

// Lines lays the report out in width columns (Width when 0 or less), the
// same for the screen and the printer, in the words w (English where
// empty): headings, then one figure a line with its amount at the right
// edge.
func (r Report) Lines(cur money.Currency, width int, w Words) []string {
	if width <= 0 {
		width = Width
	}
	w = w.orEnglish()
	var out []string
	add := func(l string) { out = append(out, l) }
	pair := func(label, value string) { add(receipt.Spread(label, value, width)) }
	amount := func(label string, a money.Amount) { pair(label, cur.Format(a)) }
	counted := func(label string, t Tally) { amount(fmt.Sprintf("%s (%d)", label, t.Count), t.Amount) }
	rule := func() { add(strings.Repeat("-", width)) }
	heading := func(h string) { add(receipt.Fit(h, width)) }
	when := func(t time.Time) string { return t.Format(timeLayout) }
	provider := func(p string) string {
		if p == "" {
			return w.CashDrawer
		}
		return sanitize.Text(p)
	}

	title := w.XReport
	if r.Kind == KindZ {
		title = fmt.Sprintf(w.ZReport, r.Number)
	}
	add(receipt.Center(title, width))
	if r.Reprint {
		add(receipt.Center(w.Reprint, width))
	}
	if r.Store != "" {
		add(receipt.Center(sanitize.Text(r.Store), width))
	}
	if r.Till != "" {
		add(receipt.Center(w.Till+" "+sanitize.Text(r.Till), width))
	}
	pair(w.From, when(r.From))
	pair(w.To, when(r.To))
	if r.Reprint || !r.At.Equal(r.To) {
		pair(w.Printed, when(r.At))
	}
	if sh := r.Shift; sh != nil {
		pair(fmt.Sprintf(w.OpenedBy, sanitize.Text(sh.OpenedBy)), when(sh.Opened))
		if sh.Number != 0 {
			pair(fmt.Sprintf(w.ClosedBy, sanitize.Text(sh.ClosedBy)), when(sh.Closed))
		} else {
			pair(w.Shift, w.ShiftOpen)
		}
	} else {
		pair(w.Shift, w.NoShift)
	}
	rule()

	heading(w.SalesTitle)
	pair(w.Sales, fmt.Sprint(r.Sales))
	amount(w.Gross, r.Gross)
	amount(w.Tax, r.Tax)
	for _, tc := range r.Taxes {
		amount("  "+fmt.Sprintf(w.TaxClass, sanitize.Text(tc.Class), receipt.Rate(tc.Rate), cur.Format(tc.Base)), tc.Tax)
	}
	counted(w.Discounts, r.Discounts)
	if r.Coupons.Count > 0 {
		counted("  "+w.Coupons, r.Coupons)
	}
	counted(w.VoidedLines, r.VoidedLines)
	counted(w.Overrides, r.Overrides)
	rule()

	heading(w.Takings)
	for _, m := range r.Takings {
		name := sanitize.Text(m.Method)
		if m.Method == sale.MethodCash {
			name = w.Cash
		}
		counted(name, m.Tally)
	}
	amount(w.Total, r.TakingsTotal)
	if len(r.Providers) > 0 {
		heading(w.ByProvider)
		for _, p := range r.Providers {
			counted("  "+provider(p.Provider), p.Tally)
		}
	}
	rule()

	heading(w.Adjustments)
	counted(w.Voids, r.Voids.Tally)
	for _, p := range r.Voids.ByProvider {
		counted("  "+provider(p.Provider), p.Tally)
	}
	counted(w.Returns, r.Returns)
	counted(w.Refunds, r.Refunds.Tally)
	for _, p := range r.Refunds.ByProvider {
		counted("  "+provider(p.Provider), p.Tally)
	}
	if r.AdjustmentsOpen > 0 {
		pair(w.Open, fmt.Sprint(r.AdjustmentsOpen))
	}
	amount(w.Net, r.Net)
	rule()

	heading(w.CashTitle)
	amount(w.Float, r.Cash.Float)
	amount(w.CashTakings, r.Cash.Takings)
	amount(w.CashOut, r.Cash.Out)
	amount(w.Expected, r.Cash.Expected)
	if r.Cash.Counted != nil {
		amount(w.Counted, *r.Cash.Counted)
	}
	if d := r.Cash.Difference; d != nil {
		v := cur.Format(*d)
		label := w.Difference
		switch {
		case *d > 0:
			v, label = "+"+v, w.Over
		case *d < 0:
			label = w.Short
		}
		pair(label, v)
	}
	rule()

	if len(r.Clerks) > 0 {
		heading(w.Clerks)
		for _, c := range r.Clerks {
			add(receipt.Fit(sanitize.Text(c.Clerk), width))
			counted("  "+w.Sales, c.Sales)
			counted("  "+w.Returns, c.Returns)
		}
		rule()
	}
	if len(r.Approvals) > 0 {
		heading(w.Approvals)
		for _, a := range r.Approvals {
			pair("  "+sanitize.Text(a.Action), fmt.Sprint(a.Count))
		}
	}
	pair(w.Waiting, fmt.Sprint(r.Waiting))
	for _, warning := range r.Warnings {
		for _, l := range wrap("! "+sanitize.Text(warning), width) {
			add(l)
		}
	}
	return out
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
