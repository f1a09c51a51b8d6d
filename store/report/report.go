// Package report works out the till's X and Z reports from completed
// sales: what was sold, taken, voided, refunded and should be in the cash
// drawer. It does no I/O: the caller reads the database and passes what
// is needed in, so a report can be built for the screen, the printer or
// JSON alike, and tested by hand-worked figures.
//
// An X report reads a period (the shift so far, or a day) and closes
// nothing; a Z report is the report of a closed shift, numbered by it.
// Every amount is in integer minor units of the till's currency.
package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"till/store/money"
	"till/store/sale"
)

// Shift is a shift as the store keeps it. It has store.Shift's fields,
// in the same order and of the same types, so that one converts to the
// other (report.Shift(s)) without this package depending on the store.
type Shift struct {
	Number   uint64       `json:"number,omitempty"` // Z number; 0 while open
	ID       string       `json:"id"`
	OpenedBy string       `json:"opened_by"`
	Opened   time.Time    `json:"opened"`
	Since    time.Time    `json:"since"` // where its reports start
	Float    money.Amount `json:"float"`
	ClosedBy string       `json:"closed_by,omitempty"`
	Closed   time.Time    `json:"closed,omitzero"`
	Counted  money.Amount `json:"counted"`
}

// Approval is a manager's approval as the store keeps it; it converts
// from store.Approval likewise.
type Approval struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	For    string    `json:"for,omitempty"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// Kinds of report.
const (
	KindX = "x" // a reading: closes nothing
	KindZ = "z" // the report of a closed shift
)

// Input is what a report is built from.
type Input struct {
	// Sales are completed sales: all of them, or at least those completed
	// in the window and those with a void, refund or return made in it.
	Sales []*sale.Sale
	// From and To are the window [From, To); see Window.
	From, To time.Time
	// Shift is the shift reported, nil for a period without one. A
	// closed shift makes a Z report.
	Shift *Shift
	// Approvals are managers' approvals; those given in the window are
	// counted by action.
	Approvals []Approval
	// Waiting is the number of provider operations still waiting in the
	// journal (queued, sent, unknown or needing review).
	Waiting int
	// Tax is the tax configuration, for the discounts (coupons) and the
	// tax per class, which sales do not keep. Totals and tax are the
	// sales' own, frozen when they completed.
	Tax sale.TaxRules
	// Currency is the till's currency code; Store and Till head the report.
	Currency    string
	Store, Till string
	// At is when the report is made (To when zero); Reprint marks a Z
	// report printed again.
	At      time.Time
	Reprint bool
}

// Tally is a number of things and what they come to.
type Tally struct {
	Count  int          `json:"count"`
	Amount money.Amount `json:"amount"`
}

func (t *Tally) add(a money.Amount) { t.Count++; t.Amount += a }

// TaxClass is the tax of one class over the sales.
type TaxClass struct {
	Class string       `json:"class"`
	Rate  int64        `json:"rate"` // basis points
	Base  money.Amount `json:"base"` // gross when prices include tax, net otherwise
	Tax   money.Amount `json:"tax"`
}

// MethodTakings is what one tender method took: approved tenders, cash
// as applied to the sale (what was handed over less the change).
type MethodTakings struct {
	Method   string `json:"method"`             // "cash", or the wallet's name as on the receipt
	Provider string `json:"provider,omitempty"` // empty for cash
	Wallet   string `json:"wallet,omitempty"`
	Tally
}

// ProviderTally is a tally for one payment provider ("" is cash).
type ProviderTally struct {
	Provider string `json:"provider"`
	Tally
}

// Adjustments are the approved voids or refunds of payments made in the
// window, whichever sale they belong to.
type Adjustments struct {
	Tally
	ByProvider []ProviderTally `json:"by_provider"`
}

// Cash is what the drawer should hold. Expected is Float + Takings - Out.
// Counted and Difference (Counted - Expected: negative when cash is
// short) are only in a Z report.
type Cash struct {
	Float      money.Amount  `json:"float"`
	Takings    money.Amount  `json:"takings"`
	Out        money.Amount  `json:"out"` // voids and refunds paid back in cash
	Expected   money.Amount  `json:"expected"`
	Counted    *money.Amount `json:"counted,omitempty"`
	Difference *money.Amount `json:"difference,omitempty"`
}

// ClerkTally is what one clerk did in the window: the sales they rang up
// that completed in it, and the returns they took in it.
type ClerkTally struct {
	Clerk   string `json:"clerk"`
	Sales   Tally  `json:"sales"`
	Returns Tally  `json:"returns"`
}

// ActionCount is how many approvals of one action were given.
type ActionCount struct {
	Action string `json:"action"`
	Count  int    `json:"count"`
}

// Report is an X or Z report. Sales figures are over the sales completed
// in [From, To); voids and refunds over those made in it, whichever sale
// they belong to, so that each is counted once, in the period it was made.
type Report struct {
	Kind     string    `json:"kind"`             // KindX or KindZ
	Number   uint64    `json:"number,omitempty"` // the Z number
	Reprint  bool      `json:"reprint,omitempty"`
	Store    string    `json:"store,omitempty"`
	Till     string    `json:"till,omitempty"`
	Currency string    `json:"currency"`
	From     time.Time `json:"from"`
	To       time.Time `json:"to"`
	At       time.Time `json:"at"` // when the report was made
	Shift    *Shift    `json:"shift,omitempty"`

	Sales int          `json:"sales"` // completed sales
	Gross money.Amount `json:"gross"` // what they came to: the sum of their totals
	Tax   money.Amount `json:"tax"`   // the tax in (or on) them
	Taxes []TaxClass   `json:"taxes"` // the tax by class and rate
	// Discounts are what loyalty discounts and coupons took off the
	// sales (Gross is after them); Coupons the part the coupons took.
	Discounts Tally `json:"discounts"`
	Coupons   Tally `json:"coupons"`
	// VoidedLines are lines cancelled before payment, coupon lines aside.
	VoidedLines Tally `json:"voided_lines"`
	// Overrides are the sold lines whose price a manager changed, and what
	// the changes took off (negative when they put prices up on the whole).
	Overrides Tally `json:"overrides"`

	// Takings are the approved payments by method, cash first; Providers
	// the provider ones by provider; TakingsTotal all of them.
	Takings      []MethodTakings `json:"takings"`
	Providers    []ProviderTally `json:"providers"`
	TakingsTotal money.Amount    `json:"takings_total"`
	Voids        Adjustments     `json:"voids"`
	Refunds      Adjustments     `json:"refunds"`
	// Returns are goods brought back in the window, whichever sale they
	// belong to; their money goes back through Refunds.
	Returns Tally `json:"returns"`
	// AdjustmentsOpen are voids and refunds made in the window whose
	// outcome is still pending or unknown: counted nowhere yet.
	AdjustmentsOpen int `json:"adjustments_open"`
	// Net is TakingsTotal less approved voids and refunds.
	Net  money.Amount `json:"net"`
	Cash Cash         `json:"cash"`

	// Clerks are the figures of each clerk, by id; sales rung up without
	// a user (a till without users) are in no clerk's.
	Clerks []ClerkTally `json:"clerks"`

	Approvals []ActionCount `json:"approvals"`
	Waiting   int           `json:"waiting"` // provider operations still waiting
	// Warnings are figures the report could not work out in full.
	Warnings []string `json:"warnings,omitempty"`
}

// Window is the period a report covers: for a shift, from its Since to
// its close, or to now while it is open; without a shift, today so far
// (from midnight in now's location).
func Window(sh *Shift, now time.Time) (from, to time.Time) {
	if sh == nil {
		y, m, d := now.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, now.Location()), now
	}
	if sh.Number != 0 {
		return sh.Since, sh.Closed
	}
	return sh.Since, now
}

func inWindow(t, from, to time.Time) bool {
	return !t.Before(from) && t.Before(to)
}

// Build works the report out. It never fails: what it cannot work out
// (a sale whose tax class is no longer configured) it leaves out and says
// so in Warnings.
func Build(in Input) Report {
	r := Report{
		Kind: KindX, Store: in.Store, Till: in.Till, Currency: in.Currency,
		From: in.From, To: in.To, At: in.At, Reprint: in.Reprint,
		Taxes: []TaxClass{}, Takings: []MethodTakings{}, Providers: []ProviderTally{},
		Voids: Adjustments{ByProvider: []ProviderTally{}}, Refunds: Adjustments{ByProvider: []ProviderTally{}},
		Clerks: []ClerkTally{}, Approvals: []ActionCount{}, Waiting: in.Waiting,
	}
	if r.At.IsZero() {
		r.At = in.To
	}
	if in.Shift != nil {
		sh := *in.Shift
		r.Shift = &sh
		r.Cash.Float = sh.Float
		if sh.Number != 0 {
			r.Kind, r.Number = KindZ, sh.Number
		}
	}
	if !r.Reprint || r.Kind != KindZ {
		r.Reprint = false
	}

	taxes := map[[2]string]*TaxClass{}
	methods := map[[3]string]*MethodTakings{}
	providers := map[string]*Tally{}
	voids, refunds := map[string]*Tally{}, map[string]*Tally{}
	clerks := map[string]*ClerkTally{}
	clerk := func(id string) *ClerkTally {
		c := clerks[id]
		if c == nil {
			c = &ClerkTally{Clerk: id}
			clerks[id] = c
		}
		return c
	}

	for _, s := range in.Sales {
		if s == nil || s.Number == 0 {
			continue
		}
		if inWindow(s.Completed, in.From, in.To) {
			r.sale(s, in.Tax, taxes, methods, providers)
			if s.Clerk != "" {
				clerk(s.Clerk).Sales.add(s.Total)
			}
		}
		for _, rt := range s.Returns {
			if !inWindow(rt.At, in.From, in.To) {
				continue
			}
			r.Returns.add(rt.Amount)
			if rt.Clerk != "" {
				clerk(rt.Clerk).Returns.add(rt.Amount)
			}
		}
		for _, a := range s.Adjustments {
			if !inWindow(a.At, in.From, in.To) {
				continue
			}
			switch a.Status {
			case sale.TenderApproved:
			case sale.TenderPending, sale.TenderUnknown:
				r.AdjustmentsOpen++
				continue
			default:
				continue // declined: nothing moved
			}
			var tn sale.Tender
			for _, t := range s.Tenders {
				if t.Key != "" && t.Key == a.TenderKey {
					tn = t
				}
			}
			by := voids
			total := &r.Voids.Tally
			if a.Kind == sale.AdjustRefund {
				by, total = refunds, &r.Refunds.Tally
			}
			total.add(a.Amount)
			tally(by, tn.Provider).add(a.Amount)
			// Money given back through a cash tender, or in cash for a
			// return, leaves the drawer.
			if tn.Method == sale.MethodCash || a.Method == sale.MethodCash {
				r.Cash.Out += a.Amount
			}
		}
	}

	for _, tc := range taxes {
		r.Taxes = append(r.Taxes, *tc)
	}
	slices.SortFunc(r.Taxes, func(a, b TaxClass) int {
		return cmp.Or(cmp.Compare(a.Class, b.Class), cmp.Compare(a.Rate, b.Rate))
	})
	for _, m := range methods {
		r.Takings = append(r.Takings, *m)
		r.TakingsTotal += m.Amount
	}
	slices.SortFunc(r.Takings, func(a, b MethodTakings) int {
		// Cash first, then by name.
		return cmp.Or(cmp.Compare(cashFirst(a.Method), cashFirst(b.Method)), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Provider, b.Provider), cmp.Compare(a.Wallet, b.Wallet))
	})
	r.Providers = byProvider(providers)
	r.Voids.ByProvider = byProvider(voids)
	r.Refunds.ByProvider = byProvider(refunds)
	for _, c := range clerks {
		r.Clerks = append(r.Clerks, *c)
	}
	slices.SortFunc(r.Clerks, func(a, b ClerkTally) int { return cmp.Compare(a.Clerk, b.Clerk) })
	r.Net = r.TakingsTotal - r.Voids.Amount - r.Refunds.Amount
	r.Cash.Expected = r.Cash.Float + r.Cash.Takings - r.Cash.Out
	if r.Kind == KindZ {
		counted := in.Shift.Counted
		diff := counted - r.Cash.Expected
		r.Cash.Counted, r.Cash.Difference = &counted, &diff
	}

	actions := map[string]int{}
	for _, a := range in.Approvals {
		if inWindow(a.At, in.From, in.To) {
			actions[a.Action]++
		}
	}
	for action, n := range actions {
		r.Approvals = append(r.Approvals, ActionCount{Action: action, Count: n})
	}
	slices.SortFunc(r.Approvals, func(a, b ActionCount) int { return cmp.Compare(a.Action, b.Action) })
	return r
}

// sale adds one sale completed in the window.
func (r *Report) sale(s *sale.Sale, tax sale.TaxRules, taxes map[[2]string]*TaxClass,
	methods map[[3]string]*MethodTakings, providers map[string]*Tally) {
	r.Sales++
	r.Gross += s.Total
	r.Tax += s.Tax
	for _, l := range s.Lines {
		switch {
		case l.Voided && l.Coupon == nil:
			r.VoidedLines.add(l.Amount())
		case !l.Voided && l.Override != nil:
			was := l
			was.UnitPrice = l.Override.Was
			r.Overrides.add(was.Amount() - l.Amount())
		}
	}
	for _, tn := range s.Tenders {
		if tn.Status != sale.TenderApproved {
			continue
		}
		k := [3]string{tn.Method, tn.Provider, tn.Wallet}
		m := methods[k]
		if m == nil {
			m = &MethodTakings{Method: tn.Method, Provider: tn.Provider, Wallet: tn.Wallet}
			methods[k] = m
		}
		// Amount is what was applied to the sale: for cash, what was
		// handed over less the change.
		m.add(tn.Amount)
		if tn.Method == sale.MethodCash {
			r.Cash.Takings += tn.Amount
		}
		if tn.Provider != "" {
			tally(providers, tn.Provider).add(tn.Amount)
		}
	}
	t, err := s.Totals(tax)
	if err != nil {
		// The loyalty discounts are on the sale; the coupons and the tax
		// by class need the tax rules.
		for _, d := range s.Discounts {
			r.Discounts.add(d.Amount)
		}
		r.Warnings = append(r.Warnings, fmt.Sprintf("receipt %06d: %v: its coupons and its tax by class are left out", s.Number, err))
		return
	}
	r.Discounts.Count += len(s.Discounts)
	r.Discounts.Amount += t.Discount
	for _, l := range s.Lines {
		if off, ok := t.Coupons[l.ID]; ok && off > 0 {
			r.Discounts.Count++
			r.Coupons.add(off)
		}
	}
	for _, tl := range t.Taxes {
		k := [2]string{tl.Class, fmt.Sprint(tl.Rate)}
		tc := taxes[k]
		if tc == nil {
			tc = &TaxClass{Class: tl.Class, Rate: tl.Rate}
			taxes[k] = tc
		}
		tc.Base += tl.Base
		tc.Tax += tl.Tax
	}
}

// cashFirst orders cash before other methods.
func cashFirst(method string) int {
	if method == sale.MethodCash {
		return 0
	}
	return 1
}

func tally(m map[string]*Tally, key string) *Tally {
	t := m[key]
	if t == nil {
		t = &Tally{}
		m[key] = t
	}
	return t
}

func byProvider(m map[string]*Tally) []ProviderTally {
	out := make([]ProviderTally, 0, len(m))
	for p, t := range m {
		out = append(out, ProviderTally{Provider: p, Tally: *t})
	}
	slices.SortFunc(out, func(a, b ProviderTally) int { return cmp.Compare(a.Provider, b.Provider) })
	return out
}
