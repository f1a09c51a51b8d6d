package catalog

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"till/store/barcode"
	"till/store/money"
	"till/store/sale"
)

var testRules = barcode.Rules{
	{Prefix: "20", Kind: barcode.EmbeddedPrice, Decimals: 2},
	{Prefix: "21", Kind: barcode.EmbeddedPrice, Decimals: 0},
	{Prefix: "22", Kind: barcode.EmbeddedWeight},
}

func resolveCatalog(t testing.TB) *Catalog {
	return New([]sale.Item{
		{SKU: "MILK", Barcodes: []string{"4006381333931"}, Name: "Milk", Price: 3500},
		{SKU: "COLA", Barcodes: []string{"0036000291452"}, Name: "Cola", Price: 3000},
		{SKU: "GUM", Barcodes: []string{"96385074"}, Name: "Gum", Price: 1500},
		{SKU: "CHEESE", Barcodes: []string{"2012345"}, Name: "Cheese", Price: 0},
		{SKU: "CAKE", Barcodes: []string{"2112345"}, Name: "Cake", Price: 0},
		{SKU: "APPLE", Barcodes: []string{"2212345"}, Name: "Apples 蘋果", Price: 19900, Weighed: true},
		{SKU: "BREAD", Barcodes: []string{"2254321"}, Name: "Bread", Price: 4500},
		{SKU: "DELI", Barcodes: []string{"2099999"}, Name: "Deli salad", Price: 29900, Weighed: true},
		{SKU: "PROMO", Barcodes: []string{gtin(t, "201234599999")}, Name: "Cheese promo pack", Price: 9900},
		{SKU: "5901234123458", Name: "SKU that looks like an EAN", Price: 100},
		{SKU: gtin(t, "978000000000"), Name: "SKU that is a valid EAN", Price: 200},
		{SKU: "T-100", Barcodes: []string{"INT-100"}, Name: "Tape", Price: 500},
		{SKU: "123456", Name: "Numeric SKU", Price: 600},
	})
}

func TestResolve(t *testing.T) {
	c := resolveCatalog(t)
	cases := []struct {
		name     string
		code     string
		cur      money.Currency
		sku      string
		price    money.Amount
		qty      int64
		embedded bool
		weighed  bool
	}{
		{"ean13", "4006381333931", twd, "MILK", 3500, 0, false, false},
		{"ean13 with scanner cr", " 4006381333931\r\n", twd, "MILK", 3500, 0, false, false},
		{"upca", "036000291452", twd, "COLA", 3000, 0, false, false},
		{"upca as ean13", "0036000291452", twd, "COLA", 3000, 0, false, false},
		{"ean8", "96385074", twd, "GUM", 1500, 0, false, false},
		{"price 2 decimals", gtin(t, "201234501250"), twd, "CHEESE", 1250, 0, true, false},
		{"price 2 decimals jpy", gtin(t, "201234501200"), jpy, "CHEESE", 12, 0, true, false},
		{"price 2 decimals kwd", gtin(t, "201234501250"), kwd, "CHEESE", 12500, 0, true, false},
		{"price 0 decimals", gtin(t, "211234500125"), twd, "CAKE", 12500, 0, true, false},
		{"price on weighed item is one pack", gtin(t, "209999901999"), twd, "DELI", 1999, 0, true, false},
		{"weight", gtin(t, "221234500375"), twd, "APPLE", 19900, 375, true, true},
		{"exact code beats embedded rule", gtin(t, "201234599999"), twd, "PROMO", 9900, 0, false, false},
		{"bad check digit is an sku", "5901234123458", twd, "5901234123458", 100, 0, false, false},
		{"gtin not a barcode is an sku", gtin(t, "978000000000"), twd, gtin(t, "978000000000"), 200, 0, false, false},
		{"sku", "T-100", twd, "T-100", 500, 0, false, false},
		{"numeric sku", "123456", twd, "123456", 600, 0, false, false},
		{"internal barcode", "INT-100", twd, "T-100", 500, 0, false, false},
		{"stem typed", "2012345", twd, "CHEESE", 0, 0, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := c.Resolve(tc.code, testRules, tc.cur)
			if err != nil {
				t.Fatal(err)
			}
			if m.Item.SKU != tc.sku || m.UnitPrice != tc.price || m.Qty != tc.qty || m.Embedded != tc.embedded || m.Item.Weighed != tc.weighed {
				t.Errorf("Resolve(%q) = %+v", tc.code, m)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	c := resolveCatalog(t)
	cases := []struct {
		name string
		code string
		cur  money.Currency
		is   error  // nil: any error
		msg  string // substring
	}{
		{"bad check digit", "4006381333932", twd, barcode.ErrCheckDigit, `code "4006381333932": barcode: EAN-13 check digit is 2, expected 1`},
		{"bad upca check digit", "036000291453", twd, barcode.ErrCheckDigit, "UPC-A"},
		{"unknown ean13", "5901234123457", twd, ErrUnknown, `no item with code "5901234123457"`},
		{"unknown ean8", "73513537", twd, ErrUnknown, "73513537"},
		{"unknown stem", gtin(t, "200000001000"), twd, ErrUnknown, "(item 2000000)"},
		{"prefix without rule", gtin(t, "230000100100"), twd, ErrUnknown, "no item with code"},
		{"unknown sku", "NOPE", twd, ErrUnknown, `no item with code "NOPE"`},
		{"empty", "  \r\n", twd, barcode.ErrEmpty, "no code given"},
		{"weight on unit item", gtin(t, "225432100500"), twd, nil, `"Bread" ("BREAD") is not sold by weight`},
		{"zero weight", gtin(t, "221234500000"), twd, sale.ErrQuantity, "quantity out of range"},
		{"price below minor unit", gtin(t, "201234501250"), jpy, barcode.ErrPrecision, "loses precision"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := c.Resolve(tc.code, testRules, tc.cur)
			if err == nil {
				t.Fatalf("Resolve(%q) = %+v, want an error", tc.code, m)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
		})
	}
}

func TestResolveHostile(t *testing.T) {
	c := resolveCatalog(t)
	for _, code := range []string{
		strings.Repeat("A", 4096),
		strings.Repeat("9", 4096),
		strings.Repeat("茶", 4096),
		"\x1b[2J\x1b]0;pwned\x07MILK",
		"MILK\x00",
		"\xff\xfe\xfd",
		"4006381333931\x1b",
		strings.Repeat("\x1b[31m", 1000),
	} {
		_, err := c.Resolve(code, testRules, twd)
		if !errors.Is(err, ErrUnknown) {
			t.Errorf("Resolve(%.20q) = %v, want ErrUnknown", code, err)
			continue
		}
		msg := err.Error()
		if len(msg) > 200 {
			t.Errorf("message is %d bytes long", len(msg))
		}
		for _, r := range msg {
			if unicode.IsControl(r) {
				t.Errorf("message %q contains control character %U", msg, r)
			}
		}
	}
	// A long code is cut to 40 characters in messages.
	_, err := c.Resolve(strings.Repeat("茶", 100), testRules, twd)
	if want := `no item with code "` + strings.Repeat("茶", 40) + `"…`; err.Error() != want {
		t.Errorf("message = %q", err)
	}
}

func TestResolveNoRules(t *testing.T) {
	// Without rules, a 2x code is an ordinary EAN-13.
	c := resolveCatalog(t)
	if _, err := c.Resolve(gtin(t, "201234501250"), nil, twd); !errors.Is(err, ErrUnknown) {
		t.Errorf("got %v, want ErrUnknown", err)
	}
}

func BenchmarkResolve100k(b *testing.B) {
	c := bigCatalog(100_000)
	for _, code := range []string{"INT054321", "SKU054321", "4006381333931"} {
		b.Run(code, func(b *testing.B) {
			for b.Loop() {
				_, _ = c.Resolve(code, testRules, twd)
			}
		})
	}
}
