package printer

import (
	"fmt"
	"testing"
	"time"

	"till/store/sale"
)

// FuzzRender: whatever an item name, a voucher's barcode and URL or a
// caption hold, rendering never panics and the stream holds this
// package's commands only: one init first, one cut last, no drawer pulse
// or real-time command, every text byte part of a printable character,
// every line within the width, a receipt number's barcode on the receipt
// (mode stands in for the number: 0 is none) and none on Compose's.
func FuzzRender(f *testing.F) {
	for _, p := range payloads {
		f.Add("Tea"+p, "0001"+p, "https://v.example/"+p, p, uint8(1))
	}
	f.Add("烏龍茶\xff\xfe", "\x00", "", "乌龙", uint8(2))
	f.Add("", "", "", "", uint8(0))
	f.Fuzz(func(t *testing.T, name, barcode, url, caption string, mode uint8) {
		opt := Options{
			Width:    []int{42, 48}[mode&1],
			Encoding: []Encoding{ASCII, Big5, GB18030, Big5}[mode>>1&3],
			Cut:      []Cut{CutPartial, CutFull, CutNone, CutPartial}[mode>>3&3],
		}
		s := sale.New("fuzz", "TWD", time.Date(2026, 11, 21, 6, 2, 0, 0, time.UTC))
		s.Number = uint64(mode)
		if _, err := s.Add(sale.Item{SKU: "X", Name: name, Price: 100, TaxClass: "standard", TicketSaleID: "P1"}, "X", 100, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.IssueTickets("ticketbao", "k", s.Opened); err != nil {
			t.Fatal(err)
		}
		if err := s.SettleTickets("k", sale.Tickets{Status: sale.TenderApproved, Order: caption, URL: url,
			Vouchers: []sale.Voucher{{Barcode: barcode, URL: url}}}); err != nil {
			t.Fatal(err)
		}
		docs := [][]byte{}
		b, err := Render(s, testHeader, testCur, testTax, opt)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
		b, err = Compose([]string{name, caption}, []QR{{Data: url, Caption: caption}, {Data: barcode, Caption: name}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
		for i, b := range docs {
			toks, err := parseStream(b, opt.Encoding)
			if err != nil {
				t.Fatalf("%v\n%s", err, dump(b, opt.Encoding))
			}
			if want := i == 0 && mode != 0; (count(toks, "GS k") == 1) != want || count(toks, "GS k") > 1 {
				t.Fatalf("%d barcodes, number %d:\n%s", count(toks, "GS k"), s.Number, dump(b, opt.Encoding))
			}
			if i == 0 && mode != 0 {
				checkBarcode(t, toks, fmt.Sprintf("%06d", mode))
			}
			last := toks[len(toks)-1].cmd
			if toks[0].cmd != "ESC @" || count(toks, "ESC @") != 1 || count(toks, "GS V")+count(toks, "ESC d") != 1 ||
				(last != "GS V" && last != "ESC d") || count(toks, "ESC p")+count(toks, "DLE EOT")+count(toks, "DLE DC4") != 0 {
				t.Fatalf("commands changed:\n%s", dump(b, opt.Encoding))
			}
			for _, tk := range toks {
				if tk.cmd == "QR store" && (len(tk.args) == 0 || len(tk.args) > MaxQRData) {
					t.Fatalf("QR data of %d bytes", len(tk.args))
				}
			}
			for _, tk := range toks {
				if tk.cmd == "text" && columns(tk.args, opt.Encoding) > opt.Width {
					t.Fatalf("line of %d columns: %q", columns(tk.args, opt.Encoding), tk.args)
				}
			}
		}
	})
}
