package printer

// The ESC/POS commands this package sends, and nothing else. They are the
// subset that Epson TM printers and the common compatible ones (Xprinter,
// Bixolon, Star in ESC/POS emulation, ...) share.
//
//	ESC @              1B 40           initialise: clear the buffer, reset modes; first in every job
//	ESC R 0            1B 52 00        international character set USA, so # $ @ [ \ ] ^ ` { | } ~
//	                                   print as ASCII whatever the model's default (China turns $ into ¥)
//	ESC t 0            1B 74 00        code page 0 (PC437) for single bytes; only ASCII is sent anyway
//	FS &               1C 26           Chinese (Kanji) double-byte mode on: with encoding=big5 or gb18030,
//	                                   bytes 0x81..0xFE start a two-byte (or GB18030 four-byte) character.
//	                                   Whether it is read as Big5 or GB18030 is the printer's model (TW or
//	                                   CN) or its memory switch; the spec's encoding must match it.
//	LF                 0A              print the line and feed
//	ESC a n            1B 61 n         justification: 0 left, 1 centre (around the barcode and QR codes)
//	GS h n             1D 68 n         barcode height n dots (barHeight)
//	GS w n             1D 77 n         barcode module width n dots (barModule: 2)
//	GS H 2             1D 48 02        barcode's human-readable text below it
//	GS k 73 n d…       1D 6B 49 n d…   CODE128 barcode of n bytes d: "{B" (code set B) then the
//	                                   receipt number's digits, never outside text (receiptBarcode)
//	GS ( k … 165       1D 28 6B 04 00 31 41 32 00   QR: model 2
//	GS ( k … 167       1D 28 6B 03 00 31 43 n       QR: module size n dots
//	GS ( k … 169       1D 28 6B 03 00 31 45 31      QR: error correction level M (15%)
//	GS ( k … 180       1D 28 6B pL pH 31 50 30 d…   QR: store the data, pL+256·pH = len(d)+3
//	GS ( k … 181       1D 28 6B 03 00 31 51 30      QR: print the stored symbol
//	GS V 66 0          1D 56 42 00     feed to the cutter and cut partially (GS V 65 0: fully)
//	ESC d n            1B 64 n         feed n lines (cut=none: past the tear bar)
//	ESC p m t1 t2      1B 70 m 19 FA   drawer pulse on pin 2 (m=0) or pin 5 (m=1): 50 ms on, 500 ms off
//	DLE EOT n          10 04 n         real-time status (a Printer's own questions, never in a job)
const (
	lf  = 0x0A
	dle = 0x10
	eot = 0x04
	esc = 0x1B
	fs  = 0x1C
	gs  = 0x1D
)

// QR code settings.
const (
	// MaxQRData is the most bytes a QR code holds. At error correction M
	// 256 bytes need at most a version 12 symbol (65 modules), 390 dots
	// wide at qrModule: it fits 42- and 48-column paper alike. Longer data
	// is not put in a QR code (a truncated URL would lead nowhere): the
	// receipt's text still carries it.
	MaxQRData = 256
	qrModule  = 6  // dots per module: about 0.85 mm at 180 dpi, easy for gate scanners
	qrLevelM  = 49 // '1'
	qrModel2  = 50 // '2'
)

// Receipt number barcode settings.
const (
	barHeight = 80 // dots: about 10 mm, an easy target for a handheld scanner
	barModule = 2  // dots per module: 000123 is 101 modules, 202 dots of the 504 that 42 columns span
	barHRI    = 2  // human-readable text below the bars
	code128   = 73 // GS k m: CODE128, the data's length in n
)

// Drawer pulse timing, in units of 2 ms: the common 50 ms on, 500 ms off.
const (
	pulseOn  = 25
	pulseOff = 250
)

// tearFeed is how many lines cut=none feeds, to clear the tear bar.
const tearFeed = 6

func appendInit(b []byte, enc Encoding) []byte {
	b = append(b, esc, '@', esc, 'R', 0, esc, 't', 0)
	if enc == Big5 || enc == GB18030 {
		b = append(b, fs, '&')
	}
	return b
}

func appendAlign(b []byte, centre bool) []byte {
	n := byte(0)
	if centre {
		n = 1
	}
	return append(b, esc, 'a', n)
}

// appendQR stores and prints data as a QR code. data must already be
// clean (see qrData) and at most MaxQRData bytes.
func appendQR(b []byte, data string) []byte {
	n := len(data) + 3
	b = append(b, gs, '(', 'k', 4, 0, '1', 'A', qrModel2, 0)
	b = append(b, gs, '(', 'k', 3, 0, '1', 'C', qrModule)
	b = append(b, gs, '(', 'k', 3, 0, '1', 'E', qrLevelM)
	b = append(b, gs, '(', 'k', byte(n), byte(n>>8), '1', 'P', '0')
	b = append(b, data...)
	return append(b, gs, '(', 'k', 3, 0, '1', 'Q', '0')
}

// appendBarcode prints data as a CODE128 barcode with its text below.
// data must start with a code set ("{B") and hold 0x20..0x7E only, at most
// 255 bytes: receiptBarcode's is "{B" and digits.
func appendBarcode(b []byte, data string) []byte {
	b = append(b, gs, 'h', barHeight, gs, 'w', barModule, gs, 'H', barHRI)
	b = append(b, gs, 'k', code128, byte(len(data)))
	return append(b, data...)
}

func appendCut(b []byte, c Cut) []byte {
	switch c {
	case CutFull:
		return append(b, gs, 'V', 65, 0)
	case CutNone:
		return append(b, esc, 'd', tearFeed)
	}
	return append(b, gs, 'V', 66, 0)
}

// DrawerPulse is the command OpenDrawer sends for d: one ESC p per pin.
func DrawerPulse(d Drawer) []byte {
	var b []byte
	if d&DrawerPin2 != 0 {
		b = append(b, esc, 'p', 0, pulseOn, pulseOff)
	}
	if d&DrawerPin5 != 0 {
		b = append(b, esc, 'p', 1, pulseOn, pulseOff)
	}
	return b
}

// statusRequest is DLE EOT n: 1 printer, 2 offline cause, 3 error cause,
// 4 roll paper sensor.
func statusRequest(n byte) []byte { return []byte{dle, eot, n} }
