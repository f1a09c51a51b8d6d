package receipt

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store/money"
	"till/store/sale"
)

func TestLinesFitTheWidthAndAddUp(t *testing.T) {
	cur := money.Currency{Code: "TWD", Exponent: 2}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("sale-1", "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
	tea := sale.Item{SKU: "TEA", Name: "烏龍茶 Oolong tea 500ml with a very long name indeed", Price: 3500, TaxClass: "standard"}
	rice := sale.Item{SKU: "RICE", Name: "Rice\x1b[2J", Price: 19900, TaxClass: "standard", Weighed: true}
	if _, err := s.Add(tea, "TEA", tea.Price, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(rice, "RICE", rice.Price, 375); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayCash(tax, 20000, s.Opened); err != nil {
		t.Fatal(err)
	}
	s.Number = 12
	for _, width := range []int{42, 48} {
		lines, err := Lines(s, Header{StoreName: "Demo Store", TillID: "T1", Location: time.FixedZone("TPE", 8*3600)}, cur, tax, width)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(lines, "\n")
		for _, want := range []string{"Receipt 000012", "2026-11-21 14:02", "3 x 35.00", "105.00",
			"0.375 kg x 199.00/kg", "74.63", "TWD 179.63", "Tax standard 5% incl.", "8.55", "Cash tendered", "Change", "20.37"} {
			if !strings.Contains(text, want) {
				t.Errorf("width %d: receipt lacks %q:\n%s", width, want, text)
			}
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > width {
				t.Errorf("line %q is %d columns wide, more than %d", l, w, width)
			}
		}
		if strings.Contains(text, "\x1b") {
			t.Error("an escape sequence from an item name reached the receipt")
		}
	}
}

func TestDiscountIsPrintedAboveTheTotal(t *testing.T) {
	cur := money.Currency{Code: "TWD", Exponent: 2}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("sale-2", "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
	tea := sale.Item{SKU: "TEA", Name: "Tea", Price: 20000, TaxClass: "standard"}
	if _, err := s.Add(tea, "TEA", tea.Price, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.AddDiscount(tax, sale.Discount{Provider: "swip", Key: "o1", Label: "SWiP loyalty\x1b[2J", Amount: 2000}); err != nil {
		t.Fatal(err)
	}
	lines, err := Lines(s, Header{StoreName: "Demo Store"}, cur, tax, 42)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(lines, "\n")
	i, j := strings.Index(text, "SWiP loyalty"), strings.Index(text, "TOTAL")
	if i < 0 || j < i || !strings.Contains(text, "-20.00") || !strings.Contains(text, "TWD 180.00") || !strings.Contains(text, "8.57") {
		t.Errorf("receipt:\n%s", text)
	}
	if strings.Contains(text, "\x1b") {
		t.Error("an escape sequence from a discount label reached the receipt")
	}
}

func TestRateAndGrams(t *testing.T) {
	for bp, want := range map[int64]string{500: "5%", 750: "7.5%", 0: "0%", 1234: "12.34%", 10000: "100%"} {
		if got := Rate(bp); got != want {
			t.Errorf("Rate(%d) = %q, want %q", bp, got, want)
		}
	}
	if got := Grams(1234); got != "1.234" {
		t.Errorf("Grams = %q", got)
	}
	if got := Grams(5); got != "0.005" {
		t.Errorf("Grams = %q", got)
	}
}

func TestCouponLinesSayWhatTheyTookOff(t *testing.T) {
	cur := money.Currency{Code: "TWD", Exponent: 2}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("sale-3", "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
	cake := sale.Item{SKU: "CAKE", Name: "Cake", Price: 20000, TaxClass: "standard"}
	coffee := sale.Item{SKU: "COFFEE", Name: "Americano", Price: 4500, TaxClass: "standard"}
	s.Add(cake, "CAKE", cake.Price, 1)
	for i, e := range []sale.CouponEffect{{Kind: sale.EffectPercent, Percent: 1000}, {Kind: sale.EffectItem, SKU: "COFFEE"}} {
		key := fmt.Sprint("r", i)
		if _, err := s.AddCoupon("Coupon", sale.Coupon{Key: key, Barcode: key, Effect: e}, &coffee); err != nil {
			t.Fatal(err)
		}
		s.SettleCoupon(key, sale.TenderApproved, "")
	}
	lines, err := Lines(s, Header{StoreName: "Demo Store"}, cur, tax, 42)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"Coupon  ", "-20.00", "Coupon: Americano", "free", "TWD 180.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
}

func TestTicketsArePrintedOrPromised(t *testing.T) {
	cur := money.Currency{Code: "TWD", Exponent: 2}
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("sale-4", "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
	museum := sale.Item{SKU: "MUSEUM", Name: "Museum", Price: 25000, TaxClass: "standard", TicketSaleID: "P1"}
	s.Add(museum, "MUSEUM", museum.Price, 2)
	s.IssueTickets("ticketbao", "k1", s.Opened)
	text := func() string {
		lines, err := Lines(s, Header{StoreName: "Demo Store"}, cur, tax, 42)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(lines, "\n")
	}
	if got := text(); !strings.Contains(got, "E-TICKETS x2") || !strings.Contains(got, "Being issued") {
		t.Errorf("pending:\n%s", got)
	}
	s.SettleTickets("k1", sale.Tickets{Status: sale.TenderApproved, Order: "TB000000000001",
		Vouchers: []sale.Voucher{{Barcode: "000001001", URL: "https://pass2u.example/v/1"}, {Barcode: "000001002\x1b[2J"}}})
	got := text()
	for _, want := range []string{"Order TB000000000001", "1. 000001001", "https://pass2u.example/v/1", "2. 000001002"} {
		if !strings.Contains(got, want) {
			t.Errorf("issued: lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "\x1b") {
		t.Error("an escape sequence from a voucher reached the receipt")
	}
}

func TestLongVoucherAddressesWrap(t *testing.T) {
	url := "https://pass2u.example/v/000001001?token=" + strings.Repeat("abcdef", 12)
	got := wrap(url, 42)
	joined := got[0]
	for i, l := range got {
		if ansi.StringWidth(l) > 42 {
			t.Errorf("line %d is %d wide", i, ansi.StringWidth(l))
		}
		if i > 0 {
			joined += strings.TrimPrefix(l, "   ")
		}
	}
	if joined != url || len(got) < 3 {
		t.Errorf("%q", got)
	}
	if got := wrap("short", 42); len(got) != 1 || got[0] != "short" {
		t.Errorf("%q", got)
	}
}

var (
	twd   = money.Currency{Code: "TWD", Exponent: 2}
	tpe   = time.FixedZone("TPE", 8*3600)
	rules = sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500, "zero": 0}}
)

// returnedSale is 3 teas, rice by weight and a cake whose price a manager
// lowered, less a 10% coupon, paid by wallet and in cash, then brought
// back in two returns: the first refund through the wallet declined, the
// second's outcome unknown.
func returnedSale(t *testing.T) *sale.Sale {
	t.Helper()
	s := sale.New("sale-9", "TWD", time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC))
	for _, a := range []struct {
		it  sale.Item
		qty int64
	}{
		{sale.Item{SKU: "TEA", Name: "烏龍茶 Oolong tea", Price: 3500, TaxClass: "standard"}, 3},
		{sale.Item{SKU: "RICE", Name: "Rice\x1b[2J", Price: 19900, TaxClass: "zero", Weighed: true}, 375},
		{sale.Item{SKU: "CAKE", Name: "Cake", Price: 12000, TaxClass: "standard"}, 1},
	} {
		if _, err := s.Add(a.it, a.it.SKU, a.it.Price, a.qty); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.OverridePrice(3, 10000, "boss", s.Opened); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCoupon("10% off", sale.Coupon{Key: "c1", Barcode: "P-1", Effect: sale.CouponEffect{Kind: sale.EffectPercent, Percent: 1000}}, nil); err != nil {
		t.Fatal(err)
	}
	s.SettleCoupon("c1", sale.TenderApproved, "")
	if _, err := s.StartTender(rules, "WeChat Pay\x1b[31m", "cancan", "wechat", "pay-1", 10000, s.Opened); err != nil {
		t.Fatal(err)
	}
	s.SettleTender("pay-1", sale.TenderApproved, "4200001", "")
	if _, err := s.PayCash(rules, 20000, s.Opened); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(rules); err != nil {
		t.Fatal(err)
	}
	s.Number, s.Completed = 123, time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC)
	n := 0
	newKey := func() string { n++; return fmt.Sprint("k", n) }
	for i, picks := range [][]sale.ReturnLine{{{LineID: 1, Qty: 2}, {LineID: 2, Qty: 375}}, {{LineID: 1, Qty: 1}, {LineID: 3, Qty: 1}}} {
		v, err := s.ReturnValue(picks)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 22, 1+i, 30, 0, 0, time.UTC)
		r, _, err := s.AddReturn(picks, s.PlanRefund(v, false, func(string) bool { return true }), newKey, "ann", at)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			s.SettleAdjustment(r.Refunds[0], sale.TenderDeclined, "", "refund_not_allowed\x1b[2J")
		} else {
			s.SettleAdjustment(r.Refunds[0], sale.TenderUnknown, "", "")
		}
	}
	return s
}

// golden compares lines with want, line by line, and checks the width.
func golden(t *testing.T, got, want []string, width int) {
	t.Helper()
	for i, l := range got {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("line %q is %d columns wide, more than %d", l, w, width)
		}
		if i >= len(want) || l != want[i] {
			t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			return
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d lines, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
}

func TestReturnSlip(t *testing.T) {
	s := returnedSale(t)
	h := Header{StoreName: "Demo Store\x1b[2J", TillID: "T1", Location: tpe}
	golden(t, ReturnLines(s, s.Returns[0], h, twd, 42), []string{
		"                Demo Store",
		"                 Till T1",
		"                  RETURN",
		"Receipt 000123            2026-11-22 09:30",
		"------------------------------------------",
		"2 x 烏龍茶 Oolong tea",
		"0.375 kg Rice",
		"------------------------------------------",
		"REFUND                          TWD 130.17",
		"WeChat Pay                          100.00",
		"  declined: refund_not_allowed",
		"Cash                                 30.17",
		"------------------------------------------",
		"Customer signature",
		"",
		"__________________________________________",
	}, 42)
	// The last of the sale: the coupon's pass goes back with it.
	golden(t, ReturnLines(s, s.Returns[1], h, twd, 42), []string{
		"                Demo Store",
		"                 Till T1",
		"                  RETURN",
		"Receipt 000123            2026-11-22 10:30",
		"------------------------------------------",
		"1 x 烏龍茶 Oolong tea",
		"1 x Cake",
		"------------------------------------------",
		"REFUND                          TWD 121.50",
		"WeChat Pay                          100.00",
		"  outcome unknown: being checked",
		"Cash                                 21.50",
		"------------------------------------------",
		"Passes given back: 1",
		"Customer signature",
		"",
		"__________________________________________",
	}, 42)
	s.SettleAdjustment(s.Returns[1].Refunds[0], sale.TenderPending, "", "")
	golden(t, ReturnLines(s, s.Returns[1], h, twd, 48), []string{
		"                   Demo Store",
		"                    Till T1",
		"                     RETURN",
		"Receipt 000123                  2026-11-22 10:30",
		"------------------------------------------------",
		"1 x 烏龍茶 Oolong tea",
		"1 x Cake",
		"------------------------------------------------",
		"REFUND                                TWD 121.50",
		"WeChat Pay                                100.00",
		"  being refunded",
		"Cash                                       21.50",
		"------------------------------------------------",
		"Passes given back: 1",
		"Customer signature",
		"",
		"________________________________________________",
	}, 48)
}

// A reprint says what the price was before the manager changed it, and
// what the returns gave back.
func TestReprintListsReturnsAndOverrides(t *testing.T) {
	s := returnedSale(t)
	lines, err := Lines(s, Header{StoreName: "Demo Store", TillID: "T1", Location: tpe}, twd, rules, 42)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, lines, []string{
		"                Demo Store",
		"                 Till T1",
		"Receipt 000123            2026-11-21 14:02",
		"------------------------------------------",
		"烏龍茶 Oolong tea",
		"  3 x 35.00                         105.00",
		"Rice",
		"  0.375 kg x 199.00/kg               74.63",
		"Cake                                100.00",
		"  Price changed, was 120.00",
		"10% off                             -27.96",
		"------------------------------------------",
		"TOTAL                           TWD 251.67",
		"Tax standard 5% incl.                 8.79",
		"Tax zero 0% incl.                     0.00",
		"------------------------------------------",
		"WeChat Pay                          100.00",
		"  Ref 4200001",
		"Cash tendered                       200.00",
		"Change                               48.33",
		"Returned #1                        -130.17",
		"Returned #2                        -121.50",
		"------------------------------------------",
		"               Sale sale-9",
		"                Thank you",
	}, 42)
}

func TestOverrideNotes(t *testing.T) {
	s := sale.New("sale-10", "TWD", time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC))
	tea := sale.Item{SKU: "TEA", Name: "Tea", Price: 3500, TaxClass: "standard"}
	rice := sale.Item{SKU: "RICE", Name: "Rice", Price: 19900, TaxClass: "zero", Weighed: true}
	s.Add(tea, "TEA", tea.Price, 2)
	s.Add(rice, "RICE", rice.Price, 500)
	s.OverridePrice(1, 3000, "boss", s.Opened)
	s.OverridePrice(1, 3500, "boss", s.Opened) // set back: nothing to say
	s.OverridePrice(2, 15000, "boss", s.Opened)
	w := Words{PriceWas: "原價 %s"}
	lines, err := Lines(s, Header{StoreName: "Demo Store", Location: tpe, Words: w}, twd, rules, 42)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, lines[2:9], []string{
		"------------------------------------------",
		"Tea",
		"  2 x 35.00                          70.00",
		"Rice",
		"  0.500 kg x 150.00/kg               75.00",
		"  原價 199.00/kg",
		"------------------------------------------",
	}, 42)
}

// Words a till leaves empty are English; long ones are cut to the width.
func TestReturnSlipWords(t *testing.T) {
	s := returnedSale(t)
	w := Words{Return: "退貨單", Refund: "退款", Cash: "現金", Signature: "顧客簽名 " + strings.Repeat("_", 60)}
	got := ReturnLines(s, s.Returns[0], Header{StoreName: "Demo Store", Location: tpe, Words: w}, twd, 42)
	golden(t, got[1:4], []string{
		"                  退貨單",
		"Receipt 000123            2026-11-22 09:30",
		"------------------------------------------",
	}, 42)
	golden(t, got[7:], []string{
		"退款                            TWD 130.17",
		"WeChat Pay                          100.00",
		"  declined: refund_not_allowed",
		"現金                                 30.17",
		"------------------------------------------",
		"顧客簽名 ________________________________…",
		"",
		"__________________________________________",
	}, 42)
}
