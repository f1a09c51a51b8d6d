package hid

import (
	"bytes"
	"fmt"

	"till/hardware/scanner"
)

// POSReportID is the report ID of the scanned-data input report of HID POS
// scanners (usage page 0x8C, Bar Code Scanner).
const POSReportID = 0x02

// posHeader is the bytes before a POS report's data: report ID, length and
// the three-byte AIM symbology identifier.
const posHeader = 5

// POSDecoder turns the scanned-data reports of a scanner in HID POS mode
// (usage page 0x8C "Bar Code Scanner", also sold as "HID POS" or "HID
// COM") into codes. A report is laid out as Honeywell, Datalogic and
// others send it (64 bytes on a full-speed device):
//
//	byte 0          report ID, POSReportID (reports with another ID are ignored)
//	byte 1          N, the number of data bytes in this report
//	bytes 2-4       AIM symbology identifier, e.g. "]E0" EAN-13, "]C1" GS1-128, "]Q1" QR Code
//	bytes 5..5+N-1  the data, as the symbol holds it (GS1 codes keep their GS, 0x1D)
//	bytes 5+N..     unused (Honeywell puts its own code ID in byte 61)
//	last byte       bit 0: "decode data continued", more reports of this code follow
//
// A code longer than one report (56 bytes in a 64-byte report) comes in
// several: each but the last has the continued bit set, the data of all
// of them is joined, and the first one's symbology is the code's. A code
// ends with one trailing CR, LF or CRLF removed (scanners may still add
// their keyboard suffix); an empty one is ignored. A report too short for
// its length byte is dropped with an ErrBadReport result, once for a run
// of them, and so is the code it interrupted. At most scanner.MaxCodeLen
// bytes of a code are held: a longer one is reported once as
// scanner.ErrCodeTooLong and skipped to its last report.
type POSDecoder struct {
	code      []byte
	symbology string
	started   bool // a code's first report has come and its last not yet
	tooLong   bool
	inBadRun  bool
}

// NewPOSDecoder returns a decoder for HID POS scanned-data reports.
func NewPOSDecoder() *POSDecoder { return &POSDecoder{} }

// Reset forgets any partial code, as after the device was reopened.
func (d *POSDecoder) Reset() {
	d.code, d.symbology = d.code[:0], ""
	d.started, d.tooLong, d.inBadRun = false, false, false
}

// Feed decodes one report and returns the code or error it completes, if
// any. It keeps no reference to report.
func (d *POSDecoder) Feed(report []byte) []Result {
	if len(report) == 0 || report[0] != POSReportID {
		return nil
	}
	if len(report) < posHeader+1 || posHeader+int(report[1]) > len(report)-1 {
		var out []Result
		if !d.inBadRun {
			msg := fmt.Errorf("%w: scanned-data report of %d bytes", ErrBadReport, len(report))
			if len(report) >= 2 {
				msg = fmt.Errorf("%w with %d data bytes", msg, report[1])
			}
			if d.started {
				msg = fmt.Errorf("%w; partial code dropped", msg)
			}
			out = []Result{{Err: msg}}
		}
		d.Reset()
		d.inBadRun = true
		return out
	}
	d.inBadRun = false
	data := report[posHeader : posHeader+int(report[1])]
	more := report[len(report)-1]&0x01 != 0
	var out []Result
	if !d.started {
		d.started = true
		d.symbology = aimID(report[2:posHeader])
	}
	switch {
	case d.tooLong:
	case len(d.code)+len(data) > scanner.MaxCodeLen:
		d.tooLong = true
		d.code = d.code[:0]
		out = append(out, tooLongResult())
	default:
		d.code = append(d.code, data...)
	}
	if more {
		return out
	}
	code := bytes.TrimSuffix(d.code, []byte("\n"))
	code = bytes.TrimSuffix(code, []byte("\r"))
	if !d.tooLong && len(code) > 0 {
		out = append(out, Result{Code: string(code), Symbology: d.symbology})
	}
	d.Reset()
	return out
}

// aimID returns the AIM symbology identifier in b, "]" and two printable
// characters, or "" if b is not one (a scanner that sends none).
func aimID(b []byte) string {
	if len(b) != 3 || b[0] != ']' {
		return ""
	}
	for _, c := range b[1:] {
		if c <= ' ' || c > '~' {
			return ""
		}
	}
	return string(b)
}
