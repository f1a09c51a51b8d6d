package printer

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"till/store/sale"
)

// Commands a catalog entry, a scanned code or a provider could try to
// smuggle into the printer.
var payloads = map[string]string{
	"drawer ESC p":      "\x1bp\x00\x19\xfa",
	"drawer pin 5":      "\x1bp1\x32\xfa",
	"cut GS V":          "\x1dV\x00",
	"cut GS V B":        "\x1dVB\x00",
	"init ESC @":        "\x1b@",
	"realtime DLE DC4":  "\x10\x14\x01\x00\x05",
	"status DLE EOT":    "\x10\x04\x01",
	"chinese FS &":      "\x1c&",
	"qr GS ( k":         "\x1d(k\x03\x001Q0",
	"barcode GS k":      "\x1dkI\x08{B999999",
	"barcode GS h":      "\x1dh\xff\x1dH\x03",
	"form feed":         "\x0c",
	"C1 CSI":            "\u009b2J",
	"broken UTF-8 lead": "\xe4\x1b@",
	"DEL":               "\x7f",
}

// injectedSale puts p into every string a receipt prints that comes from
// outside: the shop's header, item names, a discount label, a payment
// reference, the ticket order, voucher barcodes and URLs, the passcode.
func injectedSale(t testing.TB, p string) *sale.Sale {
	t.Helper()
	s := sale.New("sale-"+p, "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
	for _, it := range []sale.Item{
		{SKU: "TEA", Name: "Tea 茶" + p + "茶", Price: 3500, TaxClass: "standard"},
		{SKU: "MUSEUM", Name: p, Price: 25000, TaxClass: "standard", TicketSaleID: "P1"},
	} {
		if _, err := s.Add(it, it.SKU, it.Price, 2); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddDiscount(testTax, sale.Discount{Provider: "swip", Key: "d1", Label: "Loyalty" + p, Amount: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartTender(testTax, "wallet"+p, "swip", "w", "k0", 1000, s.Opened); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTender("k0", sale.TenderApproved, "ref"+p, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayCash(testTax, 100000, s.Opened); err != nil {
		t.Fatal(err)
	}
	if err := s.IssueTickets("ticketbao", "k1", s.Opened); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTickets("k1", sale.Tickets{Status: sale.TenderApproved, Order: "TB" + p, URL: "https://o.example/" + p,
		Passcode: p + "12", Vouchers: []sale.Voucher{
			{Barcode: "0001" + p, URL: "https://v.example/1" + p},
			{Barcode: p + "0002"},
		}}); err != nil {
		t.Fatal(err)
	}
	s.Number = 42
	return s
}

func TestInjectedCommandsNeverReachThePrinter(t *testing.T) {
	for name, p := range payloads {
		for _, enc := range []Encoding{ASCII, Big5, GB18030} {
			opt := Options{Width: 42, Encoding: enc, Cut: CutPartial}
			h := testHeader
			h.StoreName, h.TillID = "Shop"+p, p
			b, err := Render(injectedSale(t, p), h, testCur, testTax, opt)
			if err != nil {
				t.Fatal(err)
			}
			// The stream parses as this package's commands only, with the
			// init first, the cut last and no drawer pulse or real-time
			// command anywhere.
			toks, err := parseStream(b, enc)
			if err != nil {
				t.Fatalf("%s in %s: %v\n%s", name, enc, err, dump(b, enc))
			}
			if toks[0].cmd != "ESC @" || count(toks, "ESC @") != 1 || count(toks, "GS V") != 1 || toks[len(toks)-1].cmd != "GS V" ||
				count(toks, "ESC p")+count(toks, "DLE EOT")+count(toks, "DLE DC4") != 0 || count(toks, "FS &") > 1 || count(toks, "QR print") != 2 {
				t.Errorf("%s in %s: the stream's commands were changed:\n%s", name, enc, dump(b, enc))
			}
			// The one barcode is the sale's number, whatever the text holds.
			checkBarcode(t, toks, "000042")
			// Belt and braces, on the raw bytes.
			for _, seq := range []string{"\x1bp", "\x10\x04", "\x10\x14", "\x1b@\x1b@"} {
				if bytes.Contains(b, []byte(seq)) {
					t.Errorf("%s in %s: stream holds % x", name, enc, seq)
				}
			}
			if n := bytes.Count(b, []byte("\x1dV")); n != 1 {
				t.Errorf("%s in %s: %d GS V", name, enc, n)
			}
			if n := bytes.Count(b, []byte("\x1dk")); n != 1 {
				t.Errorf("%s in %s: %d GS k", name, enc, n)
			}
			for _, tk := range toks {
				if tk.cmd == "QR store" && strings.ContainsFunc(string(tk.args), isControl) {
					t.Errorf("%s in %s: QR data %q", name, enc, tk.args)
				}
			}
		}
	}
}

// Removing the payload's control bytes by hand gives the same stream: the
// printable rest of a payload is printed as text, nothing else changes.
func TestInjectedStreamEqualsTheCleanOne(t *testing.T) {
	for name, p := range map[string][2]string{
		"drawer": {"\x1bp\x00\x19", ""}, // ESC p is one escape sequence, removed whole
		"cut":    {"\x1dV\x00", "V"},
		"init":   {"\x1b@", ""},
		"dle":    {"\x10\x14", ""},
	} {
		opt := Options{Width: 42, Encoding: Big5, Cut: CutFull}
		dirty := render(t, injectedSale(t, p[0]), opt)
		clean := render(t, injectedSale(t, p[1]), opt)
		// The sale id holds the payload too, and prints on the receipt.
		if !bytes.Equal(dirty, clean) {
			t.Errorf("%s: streams differ\n--- with %q\n%s--- with %q\n%s", name, p[0], dump(dirty, Big5), p[1], dump(clean, Big5))
		}
	}
}

func TestQRDataIsCleanedAndBounded(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"https://v.example/1", "https://v.example/1", true},
		{" 0001\x1dV\x00\r\n", "0001V", true},
		{"\x1bp\x00\x19\xfa", "\ufffd", true},
		{"\x00\x1b@", "", false},
		{strings.Repeat("9", MaxQRData), strings.Repeat("9", MaxQRData), true},
		{strings.Repeat("9", MaxQRData+1), "", false},
		{"https://例え.example/", "https://例え.example/", true},
	} {
		got, ok := qrData(c.in)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("qrData(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
