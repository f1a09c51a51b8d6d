package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"till/store/barcode"
	"till/store/money"
	"till/store/sale"
)

var (
	twd = money.Currency{Code: "TWD", Exponent: 2}
	jpy = money.Currency{Code: "JPY", Exponent: 0}
	kwd = money.Currency{Code: "KWD", Exponent: 3}
)

func testOptions() Options {
	return Options{Currency: twd, TaxClasses: map[string]bool{"TX": true, "FREE": true}}
}

// gtin completes digits with their GS1 check digit.
func gtin(t testing.TB, digits string) string {
	t.Helper()
	d, err := barcode.CheckDigit(digits)
	if err != nil {
		t.Fatal(err)
	}
	return digits + string(d)
}

func importError(t *testing.T, err error) *ImportError {
	t.Helper()
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v (%T), want *ImportError", err, err)
	}
	return ie
}

func TestReadCSVRowRules(t *testing.T) {
	// Line 1 is the header and line 2 a good row that later rows clash with.
	const first = Header + "\nA1,4006381333931|036000291452,Milk,35,TX,,\n"
	type want struct {
		line  int
		field string
		in    string // substring of Reason
	}
	long := strings.Repeat("x", 65)
	cases := []struct {
		name string
		rows string
		want []want
	}{
		{"ok", "B1,96385074|2012345|INT-7,Tea,10.5,FREE,weighed|non_discountable,TB-1\n", nil},
		{"too few fields", "B1,,Tea,10,TX\n", []want{{3, "", "has 5 fields, want 7"}}},
		{"too many fields", "B1,,Tea,10,TX,,,\n", []want{{3, "", "has 8 fields"}}},
		{"sku empty", ",,Tea,10,TX,,\n", []want{{3, "sku", "empty"}}},
		{"sku 64 ok", strings.Repeat("s", 64) + ",,Tea,10,TX,,\n", nil},
		{"sku too long", long + ",,Tea,10,TX,,\n", []want{{3, "sku", "longer than 64"}}},
		{"sku space", "B 1,,Tea,10,TX,,\n", []want{{3, "sku", "whitespace"}}},
		{"sku tab", "\"B\t1\",,Tea,10,TX,,\n", []want{{3, "sku", "whitespace"}}},
		{"sku control", "B\x071,,Tea,10,TX,,\n", []want{{3, "sku", "control"}}},
		{"sku zero width", "B\u200b1,,Tea,10,TX,,\n", []want{{3, "sku", "control"}}},
		{"sku invalid utf8", "B\xff1,,Tea,10,TX,,\n", []want{{3, "sku", "UTF-8"}}},
		{"sku repeated", "A1,,Tea,10,TX,,\n", []want{{3, "sku", `"A1" repeated; first on line 2`}}},
		{"sku case differs", "a1,,Tea,10,TX,,\n", nil},
		{"barcode stray bar", "B1,96385074|,Tea,10,TX,,\n", []want{{3, "barcodes", "empty barcode"}}},
		{"barcode too long", "B1," + long + ",Tea,10,TX,,\n", []want{{3, "barcodes", "longer than 64 bytes"}}},
		{"barcode space", "B1,\"12 34\",Tea,10,TX,,\n", []want{{3, "barcodes", "whitespace"}}},
		{"ean13 check", "B1,4006381333932,Tea,10,TX,,\n", []want{{3, "barcodes", `"4006381333932": wrong EAN-13 check digit 2, expected 1`}}},
		{"ean8 check", "B1,96385075,Tea,10,TX,,\n", []want{{3, "barcodes", "wrong EAN-8 check digit"}}},
		{"upca check", "B1,036000291453,Tea,10,TX,,\n", []want{{3, "barcodes", "wrong UPC-A check digit"}}},
		{"other digits ok", "B1,12345|1234567890|2012345,Tea,10,TX,,\n", nil},
		{"barcode repeated", "B1,4006381333931,Tea,10,TX,,\n", []want{{3, "barcodes", `"4006381333931" already used by SKU "A1" on line 2`}}},
		{"ean13 of a upca", "B1,0036000291452,Tea,10,TX,,\n", []want{{3, "barcodes", `already used by SKU "A1" on line 2`}}},
		{"barcode twice in row", "B1,96385074|96385074,Tea,10,TX,,\n", []want{{3, "barcodes", `already used by SKU "B1" on line 3`}}},
		{"name empty", "B1,,,10,TX,,\n", []want{{3, "name", "empty"}}},
		{"name blank", "B1,,\"  \",10,TX,,\n", []want{{3, "name", "empty"}}},
		{"name invalid utf8", "B1,,\xa5\xd8\xa8\xa7,10,TX,,\n", []want{{3, "name", "UTF-8"}}},
		{"name 200 runes", "B1,," + strings.Repeat("茶", 200) + ",10,TX,,\n", nil},
		{"name 201 runes", "B1,," + strings.Repeat("茶", 201) + ",10,TX,,\n", []want{{3, "name", "longer than 200"}}},
		{"name comma quoted", "B1,,\"Tea, green\",10,TX,,\n", nil},
		{"price empty", "B1,,Tea,,TX,,\n", []want{{3, "price", "empty"}}},
		{"price decimals", "B1,,Tea,12.345,TX,,\n", []want{{3, "price", `"12.345" has more than 2 decimals for TWD`}}},
		{"price negative", "B1,,Tea,-1,TX,,\n", []want{{3, "price", "negative"}}},
		{"price malformed", "B1,,Tea,abc,TX,,\n", []want{{3, "price", `"abc" is not an amount`}}},
		{"price thousands", "B1,,Tea,\"1,000\",TX,,\n", []want{{3, "price", "not an amount"}}},
		{"price at max", "B1,,Tea,99999999.00,TX,,\n", nil},
		{"price above max", "B1,,Tea,99999999.01,TX,,\n", []want{{3, "price", "above 99999999"}}},
		{"price huge", "B1,,Tea,1234567890123,TX,,\n", []want{{3, "price", "too large"}}},
		{"price zero", "B1,,Tea,0,TX,,\n", nil},
		{"tax unknown", "B1,,Tea,10,VAT,,\n", []want{{3, "tax_class", `unknown class "VAT"`}}},
		{"tax empty", "B1,,Tea,10,,,\n", []want{{3, "tax_class", "empty"}}},
		{"flag unknown", "B1,,Tea,10,TX,frozen,\n", []want{{3, "flags", `unknown flag "frozen"`}}},
		{"flag stray bar", "B1,,Tea,10,TX,weighed|,\n", []want{{3, "flags", `unknown flag ""`}}},
		{"ticket too long", "B1,,Tea,10,TX,," + long + "\n", []want{{3, "ticket_sale_id", "longer than 64"}}},
		{"ticket space", "B1,,Tea,10,TX,,T 1\n", []want{{3, "ticket_sale_id", "whitespace"}}},
		{"several in a row", ",,,x,,,\n", []want{{3, "sku", "empty"}, {3, "name", "empty"}, {3, "price", "not an amount"}, {3, "tax_class", "empty"}}},
		{"multi-line name moves lines",
			"B1,,\"Tea\nwith\nmilk\",10,TX,,\nC1,,Coffee,abc,TX,,\n",
			[]want{{6, "price", "not an amount"}}},
		{"field after multi-line name", "B1,,\"Tea\nwith milk\",abc,TX,,\n", []want{{4, "price", "not an amount"}}},
		{"empty lines counted", "\n\nB1,,Tea,abc,TX,,\n", []want{{5, "price", "not an amount"}}},
		{"crlf", "B1,,Tea,10,TX,,\r\nC1,,Tea,abc,TX,,\r\n", []want{{4, "price", "not an amount"}}},
		{"bare quote", "B1,,Te\"a,10,TX,,\nC1,,Coffee,abc,TX,,\n", []want{{3, "", `bare "`}, {4, "price", "not an amount"}}},
		{"quote not closed", "B1,,\"Tea,10,TX,,\nC1,,Coffee,10,TX,,\n", []want{{4, "", "starting on line 3"}}},
		{"text after quote", "B1,,\"Tea\"x,10,TX,,\n", []want{{3, "", "column"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, err := ReadCSV(strings.NewReader(first+tc.rows), testOptions())
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if len(items) != 2 {
					t.Fatalf("got %d items, want 2", len(items))
				}
				return
			}
			if items != nil {
				t.Errorf("got %d items with errors, want nil", len(items))
			}
			ie := importError(t, err)
			if len(ie.Rows) != len(tc.want) || ie.More != 0 {
				t.Fatalf("got %d rows (+%d):\n%v\nwant %d", len(ie.Rows), ie.More, err, len(tc.want))
			}
			for i, w := range tc.want {
				got := ie.Rows[i]
				if got.Line != w.line || got.Field != w.field || !strings.Contains(got.Reason, w.in) {
					t.Errorf("row error %d = %q, want line %d, field %q, reason containing %q", i, got.Error(), w.line, w.field, w.in)
				}
			}
		})
	}
}

func TestRowErrorMessage(t *testing.T) {
	in := Header + "\n"
	for i := 2; i < 12; i++ {
		in += fmt.Sprintf("S%d,,Tea,1,TX,,\n", i)
	}
	in += "S12,,Tea,12.345,TX,,\n"
	_, err := ReadCSV(strings.NewReader(in), testOptions())
	ie := importError(t, err)
	if got, want := ie.Rows[0].Error(), `line 12: price: "12.345" has more than 2 decimals for TWD`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := err.Error(); !strings.HasPrefix(got, "catalog not imported: 1 problem\nline 12: price:") {
		t.Errorf("ImportError = %q", got)
	}
	if got := (RowError{Line: 3, Reason: "has 5 fields"}).Error(); got != "line 3: has 5 fields" {
		t.Errorf("row-level error = %q", got)
	}
}

func TestReadCSVItems(t *testing.T) {
	in := "\uFEFF" + Header + "\n" +
		"A1,4006381333931|036000291452,鮮乳 Fresh Milk 936ml,35,TX,,\n" +
		"B2,,\"茶葉蛋, 2 入\",20.5,FREE,non_discountable,\n" +
		"C3,2212345,Bananas 香蕉,59.90,TX,weighed,\n" +
		"D4,INT-7,Concert ticket,1200,TX,non_discountable|weighed,TB-2024-001\n"
	items, err := ReadCSV(strings.NewReader(in), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	want := []sale.Item{
		{SKU: "A1", Barcodes: []string{"4006381333931", "0036000291452"}, Name: "鮮乳 Fresh Milk 936ml", Price: 3500, TaxClass: "TX"},
		{SKU: "B2", Name: "茶葉蛋, 2 入", Price: 2050, TaxClass: "FREE", NonDiscountable: true},
		{SKU: "C3", Barcodes: []string{"2212345"}, Name: "Bananas 香蕉", Price: 5990, TaxClass: "TX", Weighed: true},
		{SKU: "D4", Barcodes: []string{"INT-7"}, Name: "Concert ticket", Price: 120000, TaxClass: "TX", NonDiscountable: true, Weighed: true, TicketSaleID: "TB-2024-001"},
	}
	if len(items) != len(want) {
		t.Fatalf("got %d items, want %d", len(items), len(want))
	}
	for i := range want {
		if fmt.Sprint(items[i]) != fmt.Sprint(want[i]) {
			t.Errorf("item %d = %+v\nwant %+v", i, items[i], want[i])
		}
	}
	// The arena must not let one item's barcodes grow into the next's.
	_ = append(items[0].Barcodes, "X")
	if items[2].Barcodes[0] != "2212345" {
		t.Error("appending to one item's barcodes changed another item")
	}
}

func TestReadCSVHeader(t *testing.T) {
	cases := []struct {
		name, in string
		err      string // empty: no error and no items
	}{
		{"header only", Header + "\n", ""},
		{"header without newline", Header, ""},
		{"bom header only", "\uFEFF" + Header + "\r\n", ""},
		{"empty file", "", "line 1: the file is empty"},
		{"bom only", "\uFEFF", "line 1: the file is empty"},
		{"wrong header", "sku,name,price\nA,Tea,1\n", `line 1: the first row is "sku,name,price"`},
		{"header case", strings.ToUpper(Header) + "\n", "line 1: the first row"},
		{"header spaces", strings.ReplaceAll(Header, ",", ", ") + "\n", "line 1: the first row"},
		{"no header", "A1,,Tea,10,TX,,\n", "line 1: the first row"},
		{"bad quote in header", "\"sku,barcodes\n", "line 1: column"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			items, err := ReadCSV(strings.NewReader(tc.in), testOptions())
			if tc.err == "" {
				if err != nil || items == nil || len(items) != 0 {
					t.Fatalf("got %v, %v; want no items and no error", items, err)
				}
				return
			}
			ie := importError(t, err)
			if len(ie.Rows) != 1 || !strings.HasPrefix(ie.Rows[0].Error(), tc.err) {
				t.Errorf("got %v, want %q", err, tc.err)
			}
		})
	}
}

func TestReadCSVOptions(t *testing.T) {
	in := Header + "\nA,,Tea,1,TX,,\n"
	for _, opt := range []Options{
		{TaxClasses: map[string]bool{"TX": true}},
		{Currency: money.Currency{Code: "TWD", Exponent: -1}, TaxClasses: map[string]bool{"TX": true}},
		{Currency: twd},
	} {
		_, err := ReadCSV(strings.NewReader(in), opt)
		var ie *ImportError
		if err == nil || errors.As(err, &ie) {
			t.Errorf("ReadCSV with %+v: %v, want a configuration error", opt, err)
		}
	}
}

func TestReadCSVCurrencyExponent(t *testing.T) {
	in := Header + "\nA,,Tea,120,TX,,\nB,,Coffee,1.5,TX,,\n"
	opt := testOptions()
	opt.Currency = jpy
	_, err := ReadCSV(strings.NewReader(in), opt)
	ie := importError(t, err)
	if len(ie.Rows) != 1 || ie.Rows[0].Line != 3 || !strings.Contains(ie.Rows[0].Reason, "more than 0 decimals for JPY") {
		t.Errorf("JPY: %v", err)
	}
	opt.Currency = kwd
	items, err := ReadCSV(strings.NewReader(in), opt)
	if err != nil || items[0].Price != 120000 || items[1].Price != 1500 {
		t.Errorf("KWD: %+v, %v", items, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadCSVReadError(t *testing.T) {
	r := io.MultiReader(strings.NewReader(Header+"\nA,,Tea,1,TX,,\n"), errReader{})
	_, err := ReadCSV(r, testOptions())
	var ie *ImportError
	if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "disk on fire") {
		t.Errorf("got %v, want the read error", err)
	}
}

func TestReadCSVOneBadRowRejectsAll(t *testing.T) {
	var b strings.Builder
	b.WriteString(Header + "\n")
	for i := range 1000 {
		price := "10"
		if i == 700 {
			price = "ten"
		}
		fmt.Fprintf(&b, "S%04d,,Item %d,%s,TX,,\n", i, i, price)
	}
	items, err := ReadCSV(strings.NewReader(b.String()), testOptions())
	if items != nil {
		t.Errorf("got %d items, want none", len(items))
	}
	ie := importError(t, err)
	if len(ie.Rows) != 1 || ie.Rows[0].Line != 702 || ie.More != 0 {
		t.Errorf("got %v", err)
	}
}

func TestReadCSVManyBadRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(Header + "\n")
	for i := range 60 {
		tax := "TX"
		if i%12 != 0 { // 55 bad rows among 5 good ones
			tax = "NOPE"
		}
		fmt.Fprintf(&b, "S%02d,,Item,1,%s,,\n", i, tax)
	}
	_, err := ReadCSV(strings.NewReader(b.String()), testOptions())
	ie := importError(t, err)
	if len(ie.Rows) != 50 || ie.More != 5 {
		t.Fatalf("got %d rows + %d more, want 50 + 5", len(ie.Rows), ie.More)
	}
	if ie.Rows[0].Line != 3 || ie.Rows[49].Line != 56 {
		t.Errorf("first/last lines %d, %d", ie.Rows[0].Line, ie.Rows[49].Line)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "catalog not imported: 55 problems\n") || !strings.HasSuffix(msg, "\n... and 5 more") {
		t.Errorf("message = %q", msg)
	}
}

// genCSV writes a catalog of n items with EAN-13 barcodes, mixed names
// and flags.
func genCSV(tb testing.TB, n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 80)
	b.WriteString("\uFEFF" + Header + "\r\n")
	names := []string{"鮮乳 Fresh Milk", "Green Tea 綠茶", "Instant Noodles 泡麵", "Chips, salted", "Apple 蘋果"}
	for i := range n {
		flags := ""
		switch i % 10 {
		case 3:
			flags = "weighed"
		case 7:
			flags = "non_discountable"
		}
		code := gtin(tb, fmt.Sprintf("471%09d", i))
		fmt.Fprintf(&b, "SKU%06d,%s,\"%s %d\",%d.%02d,TX,%s,\r\n", i, code, names[i%len(names)], i, i%5000, i%100, flags)
	}
	return b.Bytes()
}

func TestReadCSV100k(t *testing.T) {
	if testing.Short() {
		t.Skip("large file")
	}
	const n = 100_000
	data := genCSV(t, n)
	opt := testOptions()
	var calls []int
	opt.Progress = func(rows int) { calls = append(calls, rows) }
	items, err := ReadCSV(bytes.NewReader(data), opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != n {
		t.Fatalf("got %d items", len(items))
	}
	if len(calls) != 20 || calls[0] != 5000 || calls[19] != 100_000 {
		t.Errorf("progress calls %v", calls)
	}
	it := items[12343]
	if it.SKU != "SKU012343" || it.Name != "Chips, salted 12343" || it.Price != 234343 || !it.Weighed ||
		len(it.Barcodes) != 1 || it.Barcodes[0] != gtin(t, "471000012343") {
		t.Errorf("item 12345 = %+v", it)
	}
	c := New(items)
	if got, ok := c.ByBarcode(gtin(t, "471000099999")); !ok || got.SKU != "SKU099999" {
		t.Errorf("ByBarcode = %+v, %v", got, ok)
	}
}

func BenchmarkReadCSV100k(b *testing.B) {
	data := genCSV(b, 100_000)
	opt := testOptions()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		items, err := ReadCSV(bytes.NewReader(data), opt)
		if err != nil || len(items) != 100_000 {
			b.Fatal(len(items), err)
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte(Header + "\nA1,4006381333931,Milk,35,TX,,\n"))
	f.Add([]byte("\uFEFF" + Header + "\r\nB2,,\"茶\n葉蛋\",20.5,FREE,non_discountable|weighed,T1\r\n"))
	f.Add([]byte(Header + "\nB1,,Te\"a,10,TX,,\n"))
	f.Add([]byte(Header + "\nC,2012345|036000291452,x,-0,TX,,\n,,,,,,\n"))
	f.Add([]byte(Header + "\n\"A\",\"\",\"\x00\",\"0.001\",TX,weighed|,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := ReadCSV(bytes.NewReader(data), testOptions())
		if err != nil {
			if items != nil {
				t.Fatal("items returned with an error")
			}
			var ie *ImportError
			if !errors.As(err, &ie) || len(ie.Rows) == 0 || len(ie.Rows) > MaxImportRows {
				t.Fatalf("error %v (%T)", err, err)
			}
			return
		}
		for _, it := range items {
			if it.SKU == "" || it.Name == "" || it.Price < 0 || !utf8.ValidString(it.Name) {
				t.Fatalf("bad item accepted: %+v", it)
			}
		}
		New(items) // and the index builds
	})
}
