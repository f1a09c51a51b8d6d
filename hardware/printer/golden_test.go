package printer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"

	"till/store/money"
	"till/store/receipt"
	"till/store/sale"
)

var (
	testCur    = money.Currency{Code: "TWD", Exponent: 2}
	testTax    = sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	testHeader = receipt.Header{StoreName: "Demo Store 示範商店", TillID: "T1", Location: time.FixedZone("TPE", 8*3600)}
)

// testSale is a paid sale of items with the given names, a weighed item
// and two e-tickets, issued with vouchers and/or an order page when either
// is given.
func testSale(t testing.TB, names []string, vouchers []sale.Voucher, orderURL string) *sale.Sale {
	t.Helper()
	s := sale.New("sale-1", "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
	add := func(it sale.Item, qty int64) {
		t.Helper()
		if _, err := s.Add(it, it.SKU, it.Price, qty); err != nil {
			t.Fatal(err)
		}
	}
	for i, n := range names {
		add(sale.Item{SKU: string(rune('A' + i)), Name: n, Price: money.Amount(3500 + 1000*i), TaxClass: "standard"}, int64(1+i%2))
	}
	add(sale.Item{SKU: "RICE", Name: "Rice 米", Price: 19900, TaxClass: "standard", Weighed: true}, 375)
	add(sale.Item{SKU: "MUSEUM", Name: "Museum 博物館", Price: 25000, TaxClass: "standard", TicketSaleID: "P1"}, 2)
	if _, err := s.PayCash(testTax, 200000, s.Opened); err != nil {
		t.Fatal(err)
	}
	s.Number, s.Completed = 12, s.Opened.Add(time.Minute)
	if vouchers == nil && orderURL == "" {
		return s
	}
	if err := s.IssueTickets("ticketbao", "k1", s.Opened); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTickets("k1", sale.Tickets{Status: sale.TenderApproved, Order: "TB000000000001",
		URL: orderURL, Passcode: "1234", Vouchers: vouchers}); err != nil {
		t.Fatal(err)
	}
	return s
}

var (
	chineseNames = []string{"烏龍茶 Oolong tea", "珍珠奶茶（大）", "乌龙茶 simplified", "Café crème brûlée", "Ελληνικός καφές"}
	twoVouchers  = []sale.Voucher{{Barcode: "000001001", URL: "https://pass2u.example/v/1"}, {Barcode: "000001002"}}
)

func render(t testing.TB, s *sale.Sale, opt Options) []byte {
	t.Helper()
	b, err := Render(s, testHeader, testCur, testTax, opt)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkReceipt checks a rendered receipt's structure: initialised once at
// the start, double-byte mode as the encoding wants, every line within
// the width, the receipt number's barcode (see checkBarcode), the QR
// codes wanted with model 2, size and level M, and the cut last.
func checkReceipt(t *testing.T, b []byte, opt Options, number string, qr []string) []token {
	t.Helper()
	toks := mustParse(t, b, opt.Encoding)
	checkBarcode(t, toks, number)
	if toks[0].cmd != "ESC @" || count(toks, "ESC @") != 1 {
		t.Errorf("not one ESC @ at the start:\n%s", dump(b, opt.Encoding))
	}
	if want := opt.Encoding != ASCII; (count(toks, "FS &") == 1) != want {
		t.Errorf("FS & sent %d times for %s", count(toks, "FS &"), opt.Encoding)
	}
	last := toks[len(toks)-1]
	wantCut := map[Cut]string{CutPartial: "GS V B\x00", CutFull: "GS V A\x00", CutNone: "ESC d \x06"}[opt.Cut]
	if last.cmd+" "+string(last.args) != wantCut || count(toks, "GS V")+count(toks, "ESC d") != 1 {
		t.Errorf("does not end with one %q: %s", wantCut, last)
	}
	if n := count(toks, "ESC p") + count(toks, "DLE EOT") + count(toks, "DLE DC4"); n != 0 {
		t.Errorf("%d drawer or real-time commands in a receipt", n)
	}
	var stored []string
	for i, tk := range toks {
		switch tk.cmd {
		case "text":
			if c := columns(tk.args, opt.Encoding); c > opt.Width {
				t.Errorf("a line prints %d columns, more than %d: %q", c, opt.Width, tk.args)
			}
		case "QR store":
			stored = append(stored, string(tk.args))
			if i < 3 || toks[i-3].cmd != "QR model" || toks[i-2].cmd != "QR size" || toks[i-1].cmd != "QR level" ||
				!bytes.Equal(toks[i-3].args, []byte{50, 0}) || toks[i-1].args[0] != 49 || toks[i+1].cmd != "QR print" {
				t.Errorf("QR code not set up as model 2, level M, then printed:\n%s", dump(b, opt.Encoding))
			}
		}
	}
	if strings.Join(stored, "\n") != strings.Join(qr, "\n") {
		t.Errorf("QR codes %q, want %q", stored, qr)
	}
	return toks
}

// printedText decodes a stream's text runs back to UTF-8, one line each.
func printedText(t *testing.T, toks []token, enc Encoding) string {
	t.Helper()
	var dec *encoding.Decoder
	switch enc {
	case Big5:
		dec = traditionalchinese.Big5.NewDecoder()
	case GB18030:
		dec = simplifiedchinese.GB18030.NewDecoder()
	default:
		dec = encoding.Nop.NewDecoder()
	}
	var s strings.Builder
	for _, tk := range toks {
		if tk.cmd == "text" {
			u, err := dec.Bytes(tk.args)
			if err != nil {
				t.Fatal(err)
			}
			s.Write(u)
			s.WriteByte('\n')
		}
	}
	return s.String()
}

// The golden receipts: Chinese item names in Big5 and in GB18030 with
// voucher QR codes, and a 48-column ASCII one with the order's QR code.
func TestGoldenReceipts(t *testing.T) {
	for _, c := range []struct {
		golden   string
		opt      Options
		vouchers []sale.Voucher
		orderURL string
		qr       []string
		says     []string
	}{
		{"receipt_big5", Options{Width: 42, Encoding: Big5, Cut: CutPartial}, twoVouchers, "",
			[]string{"https://pass2u.example/v/1", "000001002"},
			[]string{"示範商店", "烏龍茶 Oolong tea", "珍珠奶茶（大）", "？？茶 simplified", "Cafe creme brulee",
				"????????? ?????", "Museum 博物館", "Ticket 1: 000001001", "Ticket 2: 000001002", "TWD "}},
		{"receipt_gb18030", Options{Width: 42, Encoding: GB18030, Cut: CutFull}, twoVouchers, "",
			[]string{"https://pass2u.example/v/1", "000001002"},
			[]string{"示範商店", "烏龍茶 Oolong tea", "乌龙茶 simplified", "珍珠奶茶（大）", "Cafe creme brulee", "Ticket 2: 000001002"}},
		{"receipt_48", Options{Width: 48, Encoding: ASCII, Cut: CutNone}, nil, "https://ticketbao.example/o/TB000000000001",
			[]string{"https://ticketbao.example/o/TB000000000001"},
			[]string{"Demo Store ????????", "?????? Oolong tea", "Cafe creme brulee", "Order TB000000000001", "Passcode 1234"}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			b := render(t, testSale(t, chineseNames, c.vouchers, c.orderURL), c.opt)
			checkGolden(t, c.golden, b, c.opt.Encoding)
			toks := checkReceipt(t, b, c.opt, "000012", c.qr)
			text := printedText(t, toks, c.opt.Encoding)
			for _, want := range c.says {
				if !strings.Contains(text, want) {
					t.Errorf("receipt lacks %q:\n%s", want, text)
				}
			}
			// The rules run the full width: the layout is the one asked for.
			if rule := "\n" + strings.Repeat("-", c.opt.Width) + "\n"; !strings.Contains(text, rule) {
				t.Errorf("no %d-column rule:\n%s", c.opt.Width, text)
			}
		})
	}
}

func TestGoldenDrawerPulse(t *testing.T) {
	checkGolden(t, "drawer", DrawerPulse(DrawerPin2), ASCII)
	if got := DrawerPulse(DrawerPin2); string(got) != "\x1bp\x00\x19\xfa" {
		t.Errorf("pin 2 pulse % x", got)
	}
	if got := DrawerPulse(DrawerPin5); string(got) != "\x1bp\x01\x19\xfa" {
		t.Errorf("pin 5 pulse % x", got)
	}
	if got := DrawerPulse(DrawerPin2 | DrawerPin5); string(got) != "\x1bp\x00\x19\xfa\x1bp\x01\x19\xfa" {
		t.Errorf("both pins % x", got)
	}
	if got := DrawerPulse(NoDrawer); len(got) != 0 {
		t.Errorf("no drawer % x", got)
	}
}

func TestPendingTicketsPrintNoQRCode(t *testing.T) {
	s := testSale(t, []string{"Tea"}, nil, "")
	if err := s.IssueTickets("ticketbao", "k1", s.Opened); err != nil {
		t.Fatal(err)
	}
	opt := Options{Width: 42, Encoding: Big5, Cut: CutPartial}
	checkReceipt(t, render(t, s, opt), opt, "000012", nil)
	s.SettleTickets("k1", sale.Tickets{Status: sale.TenderDeclined, Reason: "sold out", URL: "https://x.example/"})
	checkReceipt(t, render(t, s, opt), opt, "000012", nil)
}

func TestQRCodeFallsBackToTheBarcode(t *testing.T) {
	long := "https://pass2u.example/v/1?token=" + strings.Repeat("x", MaxQRData)
	s := testSale(t, []string{"Tea"}, []sale.Voucher{{Barcode: "000001001", URL: long}, {Barcode: " ", URL: ""}}, "https://order.example/")
	opt := Options{Width: 48, Encoding: ASCII, Cut: CutPartial}
	b := render(t, s, opt)
	// The long URL is too much for a QR code: its barcode stands in; the
	// voucher with neither gets none; the order page is not needed.
	toks := checkReceipt(t, b, opt, "000012", []string{"000001001"})
	if !strings.Contains(printedText(t, toks, ASCII), "token=xxx") {
		t.Error("the long URL is not printed as text")
	}
}

func TestRenderRefusesBadOptions(t *testing.T) {
	s := testSale(t, []string{"Tea"}, nil, "")
	for _, opt := range []Options{{}, {Width: 40, Encoding: ASCII, Cut: CutFull}, {Width: 42, Encoding: "utf8", Cut: CutFull}, {Width: 42, Encoding: ASCII, Cut: "half"}} {
		if _, err := Render(s, testHeader, testCur, testTax, opt); err == nil {
			t.Errorf("%+v accepted", opt)
		}
	}
}

// checkBarcode checks that a stream holds the receipt number's barcode
// once, or no barcode command at all when number is "": CODE128 of "{B"
// and the number, after the last text line and before any QR code, set
// up with a scannable height, module width 2 and the text below, centred,
// and left alignment restored right after it.
func checkBarcode(t *testing.T, toks []token, number string) {
	t.Helper()
	n := count(toks, "GS k")
	if number == "" {
		if n+count(toks, "GS h")+count(toks, "GS w")+count(toks, "GS H") != 0 {
			t.Errorf("barcode commands in a stream that wants none:\n%s", tokens(toks))
		}
		return
	}
	if n != 1 || count(toks, "GS h") != 1 || count(toks, "GS w") != 1 || count(toks, "GS H") != 1 {
		t.Errorf("%d barcodes, want one of %s:\n%s", n, number, tokens(toks))
		return
	}
	i := 0
	for toks[i].cmd != "GS k" {
		i++
	}
	data := "{B" + number
	if want := append([]byte{73, byte(len(data))}, data...); !bytes.Equal(toks[i].args, want) {
		t.Errorf("barcode % x, want % x", toks[i].args, want)
	}
	if i < 6 || i+1 >= len(toks) ||
		toks[i-5].cmd != "LF" || toks[i-4].cmd != "ESC a" || toks[i-4].args[0] != 1 ||
		toks[i-3].cmd != "GS h" || toks[i-3].args[0] < 60 || toks[i-3].args[0] > 80 ||
		toks[i-2].cmd != "GS w" || toks[i-2].args[0] != 2 ||
		toks[i-1].cmd != "GS H" || toks[i-1].args[0] != 2 ||
		toks[i+1].cmd != "ESC a" || toks[i+1].args[0] != 0 {
		t.Errorf("barcode not centred with height, module width 2 and text below, then left again:\n%s", tokens(toks))
	}
	// No QR code before it; no text after it but the QR codes' captions.
	qr := false
	for j, tk := range toks {
		qr = qr || strings.HasPrefix(tk.cmd, "QR ")
		if j < i && qr || j > i && !qr && tk.cmd == "text" {
			t.Errorf("barcode not between the text and the QR codes:\n%s", tokens(toks))
			break
		}
	}
}

func tokens(toks []token) string {
	var s strings.Builder
	for _, tk := range toks {
		s.WriteString(tk.String() + "\n")
	}
	return s.String()
}

// A receipt carries its number as a barcode for the return screen's
// scanner; a sale without a number, and reports and slips made by Compose,
// carry none.
func TestReceiptNumberBarcode(t *testing.T) {
	for _, opt := range []Options{{Width: 42, Encoding: Big5, Cut: CutPartial}, {Width: 48, Encoding: ASCII, Cut: CutNone}} {
		s := testSale(t, []string{"Tea"}, twoVouchers, "")
		s.Number = 123
		b := render(t, s, opt)
		if n := bytes.Count(b, []byte("\x1dkI\x08{B000123")); n != 1 || bytes.Count(b, []byte("\x1dk")) != 1 {
			t.Errorf("%s: GS k 73 8 {B000123 %d times in\n%s", opt.Encoding, n, dump(b, opt.Encoding))
		}
		toks := checkReceipt(t, b, opt, "000123", []string{"https://pass2u.example/v/1", "000001002"})
		if !strings.Contains(printedText(t, toks, opt.Encoding), "Receipt 000123") {
			t.Errorf("%s: the number the barcode holds is not the one printed", opt.Encoding)
		}

		s = testSale(t, []string{"Tea"}, nil, "")
		s.Number = 1234567
		checkReceipt(t, render(t, s, opt), opt, "1234567", nil)
		s.Number = 0
		checkReceipt(t, render(t, s, opt), opt, "", nil)

		for _, codes := range [][]QR{nil, {{Data: "https://r.example/1", Caption: "Receipt 000123"}}} {
			b, err := Compose([]string{"Z report", "Receipt 000123", "000123", "Sales  12  TWD 1,234.00"}, codes, opt)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("\x1dk")) {
				t.Errorf("%s: Compose printed a barcode:\n%s", opt.Encoding, dump(b, opt.Encoding))
			}
			checkBarcode(t, mustParse(t, b, opt.Encoding), "")
		}
	}
}
