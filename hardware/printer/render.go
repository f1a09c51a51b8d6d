package printer

import (
	"fmt"
	"strings"

	"till/store/money"
	"till/store/receipt"
	"till/store/sale"
)

// QR is a QR code to print under a document's text, centred, with an
// optional caption line below it.
type QR struct {
	Data    string
	Caption string
}

// Render is the whole print job for a sale's receipt: the lines of
// store/receipt at opt.Width, the receipt number as a CODE128 barcode (the
// return screen takes it from a scanner), a QR code for each e-ticket
// voucher (its URL, or its barcode when it has none) or else for the
// order's page, then the cut. See Compose for the byte stream; the barcode
// comes after the lines: LF, ESC a 1, GS h 80, GS w 2, GS H 2,
// GS k 73 n "{B" and the number's digits, ESC a 0. A sale without a number
// gets no barcode.
func Render(s *sale.Sale, h receipt.Header, cur money.Currency, tax sale.TaxRules, opt Options) ([]byte, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	lines, err := receipt.Lines(s, h, cur, tax, opt.Width)
	if err != nil {
		return nil, err
	}
	return compose(lines, receiptBarcode(s.Number), ticketCodes(s.Tickets), opt)
}

// receiptBarcode is the CODE128 data for receipt number n: code set B and
// the number as printed on the receipt ("%06d"), or "" for no number. It
// is made of the number alone, so no outside text reaches GS k.
func receiptBarcode(n uint64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("{B%06d", n)
}

// Compose is the print job for any document of text lines and QR codes:
//
//	ESC @, ESC R 0, ESC t 0, and FS & for big5/gb18030
//	each line, cleaned, encoded and cut to opt.Width columns, then LF
//	for each QR code with usable data: LF, ESC a 1, GS ( k model 2 / size /
//	level M / store / print, the caption and LF, ESC a 0
//	GS V 66 0 (partial), GS V 65 0 (full) or ESC d 6 (none)
//
// Lines should fit opt.Width (store/receipt's do): a longer one is cut
// there, so that the paper never wraps a line (the screen's and the
// printer's idea of a width differ for a few odd characters). A QR code whose data is empty or longer than MaxQRData once
// cleaned is left out, caption and all. Compose never fails on text: a
// character the encoding lacks prints as a stand-in (see textEncoder).
func Compose(lines []string, codes []QR, opt Options) ([]byte, error) {
	return compose(lines, "", codes, opt)
}

// compose is Compose with a CODE128 barcode of barcode (receiptBarcode's
// data; none when "") centred between the lines and the QR codes.
func compose(lines []string, barcode string, codes []QR, opt Options) ([]byte, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	e := newTextEncoder(opt.Encoding)
	b := appendInit(make([]byte, 0, 64+len(lines)*(opt.Width+1)), opt.Encoding)
	for _, l := range lines {
		b = append(e.appendFit(b, l, opt.Width), lf)
	}
	if barcode != "" {
		b = appendAlign(append(b, lf), true)
		b = appendAlign(appendBarcode(b, barcode), false)
	}
	for _, c := range codes {
		data, ok := qrData(c.Data)
		if !ok {
			continue
		}
		b = appendAlign(append(b, lf), true)
		b = appendQR(b, data)
		b = append(e.appendFit(b, c.Caption, opt.Width), lf)
		b = appendAlign(b, false)
	}
	return appendCut(b, opt.Cut), nil
}

// qrData is s cleaned for a QR code (control characters removed,
// surrounding spaces trimmed), and whether it is usable: not empty and at
// most MaxQRData bytes. Its bytes are all 0x20..0x7E or parts of UTF-8
// sequences (0x80..0xF4).
func qrData(s string) (string, bool) {
	s = strings.TrimSpace(clean(s))
	return s, s != "" && len(s) <= MaxQRData
}

// ticketCodes are the QR codes for a sale's issued e-tickets: one per
// voucher, its URL or else its barcode (a URL too long for a code falls
// back to the barcode); with no vouchers, the order's page.
func ticketCodes(t *sale.Tickets) []QR {
	if t == nil || t.Status != sale.TenderApproved {
		return nil
	}
	var out []QR
	for i, v := range t.Vouchers {
		caption := fmt.Sprintf("Ticket %d: %s", i+1, v.Barcode)
		if _, ok := qrData(v.URL); ok {
			out = append(out, QR{Data: v.URL, Caption: caption})
		} else {
			out = append(out, QR{Data: v.Barcode, Caption: caption})
		}
	}
	if len(out) == 0 && t.URL != "" {
		out = append(out, QR{Data: t.URL, Caption: "Order " + t.Order})
	}
	return out
}
