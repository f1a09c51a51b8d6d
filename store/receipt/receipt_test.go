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
