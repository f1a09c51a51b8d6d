package report

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store/money"
	"till/store/sale"
)

var (
	twd = money.Currency{Code: "TWD", Exponent: 2}
	tax = sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"std": 500, "zero": 0}}
	day = time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
)

func at(h, m int) time.Time {
	return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func line(id int, class string, price money.Amount, qty int64) sale.Line {
	return sale.Line{ID: id, SKU: "SKU" + string(rune('A'+id)), Name: "item", TaxClass: class, UnitPrice: price, Qty: qty}
}

// settled completes s as the store would: numbered, stamped and with its
// total and tax frozen by Settle, which also checks it is fully paid.
func settled(t *testing.T, s *sale.Sale, number uint64, completed time.Time) *sale.Sale {
	t.Helper()
	if err := s.Settle(tax); err != nil {
		t.Fatalf("sale %s: %v", s.ID, err)
	}
	s.Number, s.Completed = number, completed
	return s
}

// fixture is a shift 10:00-18:00 on the 14th (Z 7, float 2,000.00,
// counted 2,050.00) and sales in and around it. Worked by hand, inclusive
// tax at 5% ("std") and 0% ("zero"), tax = round(gross × 500 / 10500):
//
//	#1 10:30  120.00 std, plus a voided line of 30.00 std
//	          tax round(571.43) = 5.71; total 120.00
//	          LINE Pay 70.00 (cancan, k1), then cash 100.00 handed over,
//	          50.00 applied, 50.00 change
//	          refund of 20.00 on k1 at 11:00, approved
//	          refund of 5.00 on k1 at 15:00, still pending
//	          refund of 1.00 on k1 at 11:30, declined
//	#2 12:00  200.00 std + 50.00 zero = 250.00 gross
//	          SWiP loyalty discount 15.00; coupon 10.00 off
//	          discount 25.00 spread 20.00 std / 5.00 zero:
//	          std 180.00, tax round(857.14) = 8.57; zero 45.00, tax 0
//	          total 225.00, tax 8.57; SWiP 225.00 (k2)
//	          void of k2 at 13:00, approved: 225.00
//	#3 14:00  35.00 std, tax round(166.67) = 1.67; a declined pass's
//	          coupon line, voided (not a voided line)
//	          WeChat Pay 35.00 reversed (voided), LINE Pay declined,
//	          cash 50.00 handed over, 35.00 applied, 15.00 change
//	          (key cash3); refund of 10.00 in cash at 16:30, approved
//	#4 09:00  before the shift: LINE Pay 80.00 (k4); refund of 30.00 on
//	          k4 at 16:00 (in the shift: counts), of 10.00 at 19:00 (not)
//	#5 18:00  at the close: the next shift's (cash 10.00)
//	open      not completed: never counts
func fixture(t *testing.T) ([]*sale.Sale, Shift) {
	t.Helper()
	s1 := sale.New("s1", "TWD", at(10, 20))
	l2 := line(2, "std", 3000, 1)
	l2.Voided = true
	s1.Lines = []sale.Line{line(1, "std", 12000, 1), l2}
	s1.Tenders = []sale.Tender{
		{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Key: "k1", Amount: 7000, Status: sale.TenderApproved},
		{Method: sale.MethodCash, Amount: 5000, Tendered: 10000, Change: 5000, Status: sale.TenderApproved},
	}
	settled(t, s1, 1, at(10, 30))
	s1.Adjustments = []sale.Adjustment{
		{Kind: sale.AdjustRefund, TenderKey: "k1", Key: "a1", Amount: 2000, Status: sale.TenderApproved, At: at(11, 0)},
		{Kind: sale.AdjustRefund, TenderKey: "k1", Key: "a2", Amount: 100, Status: sale.TenderDeclined, At: at(11, 30)},
		{Kind: sale.AdjustRefund, TenderKey: "k1", Key: "a3", Amount: 500, Status: sale.TenderPending, At: at(15, 0)},
	}

	s2 := sale.New("s2", "TWD", at(11, 50))
	s2.Lines = []sale.Line{line(1, "std", 20000, 1), line(2, "zero", 5000, 1),
		{ID: 3, Name: "Coupon", Code: "PASS1", Qty: 1, Coupon: &sale.Coupon{Provider: "pass2u", Key: "c1",
			Effect: sale.CouponEffect{Kind: sale.EffectAmount, Amount: 1000}, Status: sale.TenderApproved}}}
	s2.Discounts = []sale.Discount{{Provider: "swip", Key: "k2", Label: "SWiP points", Amount: 1500}}
	s2.Tenders = []sale.Tender{{Method: "SWiP", Provider: "swip", Wallet: "swip", Key: "k2", Amount: 22500, Status: sale.TenderApproved}}
	settled(t, s2, 2, at(12, 0))
	s2.Adjustments = []sale.Adjustment{{Kind: sale.AdjustVoid, TenderKey: "k2", Key: "a4", Amount: 22500, Status: sale.TenderApproved, At: at(13, 0)}}

	s3 := sale.New("s3", "TWD", at(13, 50))
	s3.Lines = []sale.Line{line(1, "std", 3500, 1),
		{ID: 2, Name: "Coupon", Code: "PASS2", Qty: 1, Voided: true, Coupon: &sale.Coupon{Provider: "pass2u", Key: "c2",
			Effect: sale.CouponEffect{Kind: sale.EffectAmount, Amount: 500}, Status: sale.TenderDeclined}}}
	s3.Tenders = []sale.Tender{
		{Method: "WeChat Pay", Provider: "cancan", Wallet: "wechat", Key: "k3", Amount: 3500, Status: sale.TenderVoided},
		{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Key: "k3b", Amount: 3500, Status: sale.TenderDeclined},
		{Method: sale.MethodCash, Key: "cash3", Amount: 3500, Tendered: 5000, Change: 1500, Status: sale.TenderApproved},
	}
	settled(t, s3, 3, at(14, 0))
	s3.Adjustments = []sale.Adjustment{{Kind: sale.AdjustRefund, TenderKey: "cash3", Key: "a5", Amount: 1000, Status: sale.TenderApproved, At: at(16, 30)}}

	s4 := sale.New("s4", "TWD", at(8, 55))
	s4.Lines = []sale.Line{line(1, "std", 8000, 1)}
	s4.Tenders = []sale.Tender{{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Key: "k4", Amount: 8000, Status: sale.TenderApproved}}
	settled(t, s4, 4, at(9, 0))
	s4.Adjustments = []sale.Adjustment{
		{Kind: sale.AdjustRefund, TenderKey: "k4", Key: "a6", Amount: 3000, Status: sale.TenderApproved, At: at(16, 0)},
		{Kind: sale.AdjustRefund, TenderKey: "k4", Key: "a7", Amount: 1000, Status: sale.TenderApproved, At: at(19, 0)},
	}

	s5 := sale.New("s5", "TWD", at(17, 59))
	s5.Lines = []sale.Line{line(1, "std", 1000, 1)}
	s5.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 1000, Tendered: 1000, Status: sale.TenderApproved}}
	settled(t, s5, 5, at(18, 0))

	open := sale.New("s6", "TWD", at(15, 0))
	open.Lines = []sale.Line{line(1, "std", 9900, 1)}
	open.Completed = at(15, 5) // even stamped, without a number it is not completed

	sh := Shift{Number: 7, ID: "shift-7", OpenedBy: "ann", Opened: at(10, 5), Since: at(10, 0), Float: 200000,
		ClosedBy: "bob", Closed: at(18, 0), Counted: 205000}
	return []*sale.Sale{s1, s2, s3, s4, s5, open}, sh
}

func approvals() []Approval {
	return []Approval{
		{Seq: 1, At: at(9, 59), By: "bob", Action: "no-sale"},
		{Seq: 2, At: at(11, 0), By: "bob", For: "ann", Action: "no-sale"},
		{Seq: 3, At: at(12, 0), By: "bob", Action: "no-sale"},
		{Seq: 4, At: at(16, 0), By: "bob", For: "ann", Action: "refund"},
		{Seq: 5, At: at(18, 0), By: "bob", Action: "no-sale"},
	}
}

func amt(a money.Amount) *money.Amount { return &a }

func TestBuildZ(t *testing.T) {
	sales, sh := fixture(t)
	from, to := Window(&sh, at(20, 0))
	if !from.Equal(at(10, 0)) || !to.Equal(at(18, 0)) {
		t.Fatalf("Window = %v, %v; want the shift's since and close", from, to)
	}
	r := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Approvals: approvals(), Waiting: 2, Tax: tax,
		Currency: "TWD", Store: "Shop", Till: "T1", At: at(18, 0)})

	want := Report{
		Kind: KindZ, Number: 7, Store: "Shop", Till: "T1", Currency: "TWD", From: at(10, 0), To: at(18, 0), At: at(18, 0),
		Shift: &sh,
		Sales: 3,
		Gross: 12000 + 22500 + 3500,
		Tax:   571 + 857 + 167,
		Taxes: []TaxClass{
			{Class: "std", Rate: 500, Base: 12000 + 18000 + 3500, Tax: 571 + 857 + 167},
			{Class: "zero", Rate: 0, Base: 4500, Tax: 0},
		},
		Discounts:   Tally{Count: 2, Amount: 1500 + 1000},
		Coupons:     Tally{Count: 1, Amount: 1000},
		VoidedLines: Tally{Count: 1, Amount: 3000},
		Takings: []MethodTakings{
			{Method: "cash", Tally: Tally{Count: 2, Amount: 5000 + 3500}},
			{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Tally: Tally{Count: 1, Amount: 7000}},
			{Method: "SWiP", Provider: "swip", Wallet: "swip", Tally: Tally{Count: 1, Amount: 22500}},
		},
		Providers: []ProviderTally{
			{Provider: "cancan", Tally: Tally{Count: 1, Amount: 7000}},
			{Provider: "swip", Tally: Tally{Count: 1, Amount: 22500}},
		},
		TakingsTotal: 38000,
		Voids: Adjustments{Tally: Tally{Count: 1, Amount: 22500},
			ByProvider: []ProviderTally{{Provider: "swip", Tally: Tally{Count: 1, Amount: 22500}}}},
		Refunds: Adjustments{Tally: Tally{Count: 3, Amount: 2000 + 1000 + 3000},
			ByProvider: []ProviderTally{
				{Provider: "", Tally: Tally{Count: 1, Amount: 1000}},
				{Provider: "cancan", Tally: Tally{Count: 2, Amount: 2000 + 3000}},
			}},
		AdjustmentsOpen: 1,
		Net:             38000 - 22500 - 6000,
		Cash: Cash{Float: 200000, Takings: 8500, Out: 1000, Expected: 200000 + 8500 - 1000,
			Counted: amt(205000), Difference: amt(205000 - 207500)},
		Clerks:    []ClerkTally{},
		Approvals: []ActionCount{{Action: "no-sale", Count: 2}, {Action: "refund", Count: 1}},
		Waiting:   2,
	}
	if !reflect.DeepEqual(r, want) {
		got, _ := json.MarshalIndent(r, "", "  ")
		exp, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("report differs\n got: %s\nwant: %s", got, exp)
	}
	// The sales are the tenders: a check on the fixture itself.
	if r.Gross != r.TakingsTotal {
		t.Errorf("gross %d, takings %d", r.Gross, r.TakingsTotal)
	}
}

func TestBuildX(t *testing.T) {
	sales, sh := fixture(t)
	sh.Number, sh.ClosedBy, sh.Closed, sh.Counted = 0, "", time.Time{}, 0
	from, to := Window(&sh, at(12, 30))
	if !from.Equal(at(10, 0)) || !to.Equal(at(12, 30)) {
		t.Fatalf("Window of an open shift = %v, %v", from, to)
	}
	r := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Tax: tax, Currency: "TWD", Reprint: true})
	if r.Kind != KindX || r.Number != 0 || r.Reprint {
		t.Errorf("kind %q number %d reprint %v; want an X report, not numbered, not a reprint", r.Kind, r.Number, r.Reprint)
	}
	// #1 and #2; the refund of 20.00 at 11:00; the void is at 13:00.
	if r.Sales != 2 || r.Gross != 12000+22500 || r.Refunds.Amount != 2000 || r.Voids.Count != 0 || r.AdjustmentsOpen != 0 {
		t.Errorf("sales %d gross %d refunds %d voids %d open %d", r.Sales, r.Gross, r.Refunds.Amount, r.Voids.Count, r.AdjustmentsOpen)
	}
	if r.Cash.Counted != nil || r.Cash.Difference != nil {
		t.Error("an X report has a count")
	}
	if r.Cash.Expected != 200000+5000 {
		t.Errorf("expected cash %d, want %d", r.Cash.Expected, 200000+5000)
	}
	if !r.At.Equal(at(12, 30)) {
		t.Errorf("At = %v, want To when not given", r.At)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	var cash map[string]any
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(top["cash"], &cash); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"number", "reprint", "warnings"} {
		if _, ok := top[absent]; ok {
			t.Errorf("X report JSON has %s: %s", absent, b)
		}
	}
	for _, absent := range []string{"counted", "difference"} {
		if _, ok := cash[absent]; ok {
			t.Errorf("X report JSON has cash.%s: %s", absent, b)
		}
	}
}

func TestWindowWithoutShift(t *testing.T) {
	loc := time.FixedZone("TST", 8*3600)
	now := time.Date(2025, 3, 14, 1, 30, 0, 0, loc)
	from, to := Window(nil, now)
	if want := time.Date(2025, 3, 14, 0, 0, 0, 0, loc); !from.Equal(want) || !to.Equal(now) {
		t.Errorf("Window(nil) = %v, %v; want local midnight %v to now", from, to, want)
	}
}

func TestBuildEmpty(t *testing.T) {
	r := Build(Input{From: at(0, 0), To: at(1, 0), Currency: "TWD"})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	// Lists are empty, not null, for JSON readers.
	for _, want := range []string{`"taxes":[]`, `"takings":[]`, `"providers":[]`, `"by_provider":[]`, `"approvals":[]`, `"clerks":[]`, `"returns":{"count":0,"amount":0}`, `"overrides":{"count":0,"amount":0}`, `"kind":"x"`, `"sales":0`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	for _, l := range r.Lines(twd, 0, Words{}) {
		if w := ansi.StringWidth(l); w > Width {
			t.Errorf("line %q is %d wide", l, w)
		}
	}
}

// A sale whose tax class is no longer configured still counts, with its
// frozen total and tax and its loyalty discounts; what needs the rules is
// left out, and said.
func TestBuildUnknownTaxClass(t *testing.T) {
	s := sale.New("s", "TWD", at(10, 0))
	s.Lines = []sale.Line{line(1, "gone", 1000, 1),
		{ID: 2, Name: "Coupon", Qty: 1, Coupon: &sale.Coupon{Effect: sale.CouponEffect{Kind: sale.EffectAmount, Amount: 100}, Status: sale.TenderApproved}}}
	s.Discounts = []sale.Discount{{Provider: "swip", Key: "d", Amount: 50}}
	s.Number, s.Completed, s.Total, s.Tax = 9, at(10, 5), 850, 40
	s.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 850, Tendered: 1000, Change: 150, Status: sale.TenderApproved}}
	r := Build(Input{Sales: []*sale.Sale{s}, From: at(10, 0), To: at(11, 0), Tax: tax, Currency: "TWD"})
	if r.Sales != 1 || r.Gross != 850 || r.Tax != 40 || r.Discounts != (Tally{Count: 1, Amount: 50}) || len(r.Taxes) != 0 {
		t.Errorf("sales %d gross %d tax %d discounts %+v taxes %v", r.Sales, r.Gross, r.Tax, r.Discounts, r.Taxes)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], `receipt 000009: tax class "gone" is not configured`) {
		t.Errorf("warnings %q", r.Warnings)
	}
	text := strings.Join(r.Lines(twd, Width, English), "\n")
	if !strings.Contains(text, "! receipt 000009") {
		t.Errorf("the warning is not printed:\n%s", text)
	}
}

func TestLines(t *testing.T) {
	sales, sh := fixture(t)
	from, to := Window(&sh, at(20, 0))
	r := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Approvals: approvals(), Waiting: 2, Tax: tax,
		Currency: "TWD", Store: "Shop", Till: "T1", At: at(18, 30), Reprint: true})
	got := strings.Join(r.Lines(twd, Width, English), "\n")
	want := strings.Join([]string{
		"             Z REPORT 000007",
		"                 REPRINT",
		"                   Shop",
		"                 Till T1",
		"From                      2025-03-14 10:00",
		"To                        2025-03-14 18:00",
		"Printed                   2025-03-14 18:30",
		"Opened by ann             2025-03-14 10:05",
		"Closed by bob             2025-03-14 18:00",
		"------------------------------------------",
		"SALES",
		"Sales                                    3",
		"Gross sales                         380.00",
		"Tax                                  15.95",
		"  std 5% on 335.00                   15.95",
		"  zero 0% on 45.00                    0.00",
		"Discounts (2)                        25.00",
		"  of which coupons (1)               10.00",
		"Voided lines (1)                     30.00",
		"Price overrides (0)                   0.00",
		"------------------------------------------",
		"TAKINGS",
		"Cash (2)                             85.00",
		"LINE Pay (1)                         70.00",
		"SWiP (1)                            225.00",
		"Total takings                       380.00",
		"By provider",
		"  cancan (1)                         70.00",
		"  swip (1)                          225.00",
		"------------------------------------------",
		"VOIDS AND REFUNDS",
		"Payment voids (1)                   225.00",
		"  swip (1)                          225.00",
		"Returns (0)                           0.00",
		"Refunds (3)                          60.00",
		"  cash (1)                           10.00",
		"  cancan (2)                         50.00",
		"Outcome still open                       1",
		"Net takings                          95.00",
		"------------------------------------------",
		"CASH",
		"Float                             2,000.00",
		"Cash takings                         85.00",
		"Cash paid out                        10.00",
		"Expected in drawer                2,075.00",
		"Counted                           2,050.00",
		"Difference (short)                  -25.00",
		"------------------------------------------",
		"APPROVALS",
		"  no-sale                                2",
		"  refund                                 1",
		"Operations waiting                       2",
	}, "\n")
	if got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
	for _, l := range r.Lines(twd, 32, English) {
		if w := ansi.StringWidth(l); w > 32 {
			t.Errorf("at width 32, line %q is %d wide", l, w)
		}
	}
}

// returnsFixture is an open shift from 10:00 (float 1,000.00) read at
// 18:00, with returns, price overrides and clerks:
//
//	#1 09:00  ann, before the shift: 2 × 50.00 std by LINE Pay 100.00
//	          (cancan, k1). Return 1 at 11:00 by bob of one: 50.00, back
//	          30.00 on k1 (approved) and 20.00 in cash. Return 2 at 19:00,
//	          after the report: 50.00 in cash.
//	#2 12:00  bob: 80.00 overridden from 100.00, 30.00 overridden from
//	          25.00, a voided 10.00 overridden from 50.00; cash 200.00
//	          handed over, 110.00 applied. Return at 13:00 by ann of the
//	          30.00, all in cash.
//	#3 14:00  ann: 45.00 in cash.
//	#4 15:00  no clerk (a till without users): 20.00 in cash, returned
//	          whole at 16:00 in cash, by no clerk.
func returnsFixture(t *testing.T) ([]*sale.Sale, Shift) {
	t.Helper()
	n := 0
	key := func() string { n++; return fmt.Sprintf("r%d", n) }
	cash := func(a money.Amount) []sale.RefundPart {
		return []sale.RefundPart{{Method: sale.MethodCash, Amount: a}}
	}
	ret := func(s *sale.Sale, lineID int, qty int64, parts []sale.RefundPart, clerk string, when time.Time) {
		t.Helper()
		if _, _, err := s.AddReturn([]sale.ReturnLine{{LineID: lineID, Qty: qty}}, parts, key, clerk, when); err != nil {
			t.Fatalf("return on %s: %v", s.ID, err)
		}
	}

	s1 := sale.New("s1", "TWD", at(8, 55))
	s1.Clerk = "ann"
	s1.Lines = []sale.Line{line(1, "std", 5000, 2)}
	s1.Tenders = []sale.Tender{{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Key: "k1", Amount: 10000, Status: sale.TenderApproved}}
	settled(t, s1, 1, at(9, 0))
	ret(s1, 1, 1, []sale.RefundPart{{TenderKey: "k1", Method: "LINE Pay", Amount: 3000}, cash(2000)[0]}, "bob", at(11, 0))
	if err := s1.SettleAdjustment("r1", sale.TenderApproved, "ref", ""); err != nil {
		t.Fatal(err)
	}
	ret(s1, 1, 1, cash(5000), "bob", at(19, 0))

	s2 := sale.New("s2", "TWD", at(11, 50))
	s2.Clerk = "bob"
	over := func(l sale.Line, was money.Amount) sale.Line {
		l.Override = &sale.Override{Was: was, By: "boss", At: at(11, 55)}
		return l
	}
	voided := over(line(3, "std", 1000, 1), 5000)
	voided.Voided = true
	s2.Lines = []sale.Line{over(line(1, "std", 8000, 1), 10000), over(line(2, "std", 3000, 1), 2500), voided}
	s2.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 11000, Tendered: 20000, Change: 9000, Status: sale.TenderApproved}}
	settled(t, s2, 2, at(12, 0))
	ret(s2, 2, 1, cash(3000), "ann", at(13, 0))

	s3 := sale.New("s3", "TWD", at(13, 55))
	s3.Clerk = "ann"
	s3.Lines = []sale.Line{line(1, "std", 4500, 1)}
	s3.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 4500, Tendered: 4500, Status: sale.TenderApproved}}
	settled(t, s3, 3, at(14, 0))

	s4 := sale.New("s4", "TWD", at(14, 55))
	s4.Lines = []sale.Line{line(1, "std", 2000, 1)}
	s4.Tenders = []sale.Tender{{Method: sale.MethodCash, Amount: 2000, Tendered: 2000, Status: sale.TenderApproved}}
	settled(t, s4, 4, at(15, 0))
	ret(s4, 1, 1, cash(2000), "", at(16, 0))

	sh := Shift{ID: "shift-8", OpenedBy: "ann", Opened: at(10, 0), Since: at(10, 0), Float: 100000}
	return []*sale.Sale{s1, s2, s3, s4}, sh
}

func TestBuildReturnsOverridesClerks(t *testing.T) {
	sales, sh := returnsFixture(t)
	from, to := Window(&sh, at(18, 0))
	r := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Tax: tax, Currency: "TWD"})

	// #2-#4: 110.00 + 45.00 + 20.00, all in cash.
	if r.Sales != 3 || r.Gross != 17500 || r.TakingsTotal != 17500 || r.Cash.Takings != 17500 {
		t.Errorf("sales %d gross %d takings %d cash takings %d", r.Sales, r.Gross, r.TakingsTotal, r.Cash.Takings)
	}
	// #1's first return (its sale before the shift), #2's and #4's; not
	// #1's second, after the report.
	if want := (Tally{Count: 3, Amount: 5000 + 3000 + 2000}); r.Returns != want {
		t.Errorf("returns %+v, want %+v", r.Returns, want)
	}
	// They are paid back by 30.00 on LINE Pay and 20.00 + 30.00 + 20.00
	// in cash, which leaves the drawer.
	wantRefunds := Adjustments{Tally: Tally{Count: 4, Amount: 10000}, ByProvider: []ProviderTally{
		{Provider: "", Tally: Tally{Count: 3, Amount: 7000}},
		{Provider: "cancan", Tally: Tally{Count: 1, Amount: 3000}},
	}}
	if !reflect.DeepEqual(r.Refunds, wantRefunds) {
		t.Errorf("refunds %+v, want %+v", r.Refunds, wantRefunds)
	}
	if r.Voids.Count != 0 || r.AdjustmentsOpen != 0 {
		t.Errorf("voids %+v, open %d", r.Voids, r.AdjustmentsOpen)
	}
	if r.Net != 17500-10000 {
		t.Errorf("net %d, want %d", r.Net, 17500-10000)
	}
	if want := (Cash{Float: 100000, Takings: 17500, Out: 7000, Expected: 100000 + 17500 - 7000}); r.Cash != want {
		t.Errorf("cash %+v, want %+v", r.Cash, want)
	}
	// 20.00 off the first line, 5.00 on the second; the voided line was
	// not sold.
	if want := (Tally{Count: 2, Amount: 2000 - 500}); r.Overrides != want {
		t.Errorf("overrides %+v, want %+v", r.Overrides, want)
	}
	if want := (Tally{Count: 1, Amount: 1000}); r.VoidedLines != want {
		t.Errorf("voided lines %+v, want %+v", r.VoidedLines, want)
	}
	// #4 and its return have no clerk.
	wantClerks := []ClerkTally{
		{Clerk: "ann", Sales: Tally{Count: 1, Amount: 4500}, Returns: Tally{Count: 1, Amount: 3000}},
		{Clerk: "bob", Sales: Tally{Count: 1, Amount: 11000}, Returns: Tally{Count: 1, Amount: 5000}},
	}
	if !reflect.DeepEqual(r.Clerks, wantClerks) {
		t.Errorf("clerks %+v, want %+v", r.Clerks, wantClerks)
	}

	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"returns":{"count":3,"amount":10000}`,
		`"overrides":{"count":2,"amount":1500}`,
		`"clerks":[{"clerk":"ann","sales":{"count":1,"amount":4500},"returns":{"count":1,"amount":3000}},`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}

// A refund in cash, with no tender behind it, comes out of the drawer
// and off the net takings.
func TestCashRefundsLowerExpectedCash(t *testing.T) {
	sales, sh := returnsFixture(t)
	from, to := Window(&sh, at(18, 0))
	before := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Tax: tax, Currency: "TWD"})
	s3 := sales[2]
	s3.Adjustments = append(s3.Adjustments, sale.Adjustment{Kind: sale.AdjustRefund, Method: sale.MethodCash, Key: "x",
		Amount: 500, Status: sale.TenderApproved, At: at(17, 0)})
	after := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Tax: tax, Currency: "TWD"})
	if after.Cash.Expected != before.Cash.Expected-500 || after.Cash.Out != before.Cash.Out+500 || after.Net != before.Net-500 {
		t.Errorf("a cash refund of 5.00: expected %d → %d, out %d → %d, net %d → %d",
			before.Cash.Expected, after.Cash.Expected, before.Cash.Out, after.Cash.Out, before.Net, after.Net)
	}
}

func TestLinesReturnsOverridesClerks(t *testing.T) {
	sales, sh := returnsFixture(t)
	from, to := Window(&sh, at(18, 0))
	r := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Tax: tax, Currency: "TWD"})
	got := strings.Join(r.Lines(twd, Width, English), "\n")
	for _, want := range []string{
		"Voided lines (1)                     10.00\nPrice overrides (2)                  15.00\n",
		"Payment voids (0)                     0.00\nReturns (3)                         100.00\nRefunds (4)                         100.00\n" +
			"  cash (3)                           70.00\n  cancan (1)                         30.00\n",
		"Cash paid out                        70.00\nExpected in drawer                1,105.00\n",
		"CLERKS\nann\n  Sales (1)                          45.00\n  Returns (1)                        30.00\n" +
			"bob\n  Sales (1)                         110.00\n  Returns (1)                        50.00\n" +
			"------------------------------------------\nOperations waiting                       0",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lines lack\n%s\nin:\n%s", want, got)
		}
	}
}

// Words replace the English ones, wide characters counted two columns
// wide; those left empty stay English.
func TestLinesWords(t *testing.T) {
	sales, sh := returnsFixture(t)
	from, to := Window(&sh, at(18, 0))
	r := Build(Input{Sales: sales, From: from, To: to, Shift: &sh, Tax: tax, Currency: "TWD", Till: "T1"})
	w := Words{XReport: "X 報表", Till: "收銀機", OpenedBy: "開班 %s", Returns: "退貨", Clerks: "收銀員",
		Overrides: "改價", Expected: "應有現金"}
	lines := r.Lines(twd, Width, w)
	got := strings.Join(lines, "\n")
	for _, want := range []string{
		"                  X 報表\n",
		"               收銀機 T1\n",
		"開班 ann                  2025-03-14 10:00\n",
		"改價 (2)                             15.00\n",
		"退貨 (3)                            100.00\n",
		"應有現金                          1,105.00\n",
		"收銀員\n",
		"  退貨 (1)                           30.00\n",
		"Net takings                          75.00\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lines lack %q in:\n%s", want, got)
		}
	}
	for _, width := range []int{Width, 32} {
		for _, l := range r.Lines(twd, width, w) {
			if lw := ansi.StringWidth(l); lw > width {
				t.Errorf("at width %d, line %q is %d wide", width, l, lw)
			}
		}
	}
}

// Every word has an English default, so an empty Words is English.
func TestWordsOrEnglish(t *testing.T) {
	if got := (Words{}).orEnglish(); got != English {
		t.Errorf("empty words = %+v, want English", got)
	}
	v := reflect.ValueOf(English)
	for i := range v.NumField() {
		if v.Field(i).String() == "" {
			t.Errorf("English.%s is empty", v.Type().Field(i).Name)
		}
	}
}
