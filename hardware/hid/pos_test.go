package hid

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"till/hardware/scanner"
)

// posReport builds a 64-byte scanned-data report as a Honeywell scanner in
// HID POS mode sends it: ID 2, length, AIM ID, data, vendor code ID in
// byte 61, continued flag in byte 63.
func posReport(aim string, data string, more bool) []byte {
	r := make([]byte, 64)
	r[0] = POSReportID
	r[1] = byte(len(data))
	copy(r[2:5], aim)
	copy(r[5:], data)
	r[61] = 'd' // Honeywell's own code ID for EAN-13; ignored
	if more {
		r[63] = 1
	}
	return r
}

// posCode splits data into the reports of one code, 56 bytes each.
func posCode(aim, data string) [][]byte {
	var rs [][]byte
	for {
		n := min(len(data), 56)
		rs = append(rs, posReport(aim, data[:n], n < len(data)))
		data = data[n:]
		if len(data) == 0 {
			return rs
		}
	}
}

func TestPOSDecode(t *testing.T) {
	// A recorded EAN-13 scan: 02 0d "]E0" "4710088410122", zeros, byte
	// 61 'd', byte 63 0.
	ean := []byte{
		0x02, 0x0d, 0x5d, 0x45, 0x30, 0x34, 0x37, 0x31, 0x30, 0x30, 0x38, 0x38, 0x34, 0x31, 0x30, 0x31,
		0x32, 0x32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64, 0, 0,
	}
	qr := strings.Repeat("https://example.test/pay?id=0123456789abcdef&", 3) // 135 bytes: 3 reports
	tests := []struct {
		name    string
		reports [][]byte
		want    []Result
	}{
		{"EAN-13", [][]byte{ean}, []Result{{Code: "4710088410122", Symbology: "]E0"}}},
		{"GS1-128 keeps GS", [][]byte{posReport("]C1", "0104012345678901\x1d10ABC123\x1d17250101", false)},
			[]Result{{Code: "0104012345678901\x1d10ABC123\x1d17250101", Symbology: "]C1"}}},
		{"QR over three reports", posCode("]Q1", qr), []Result{{Code: qr, Symbology: "]Q1"}}},
		{"exactly 56 bytes, one report", posCode("]Q1", qr[:56]), []Result{{Code: qr[:56], Symbology: "]Q1"}}},
		{"continuation's AIM ignored", [][]byte{posReport("]Q1", "abc", true), posReport("]X0", "def", false)},
			[]Result{{Code: "abcdef", Symbology: "]Q1"}}},
		{"empty last report", [][]byte{posReport("]Q1", "abc", true), posReport("]Q1", "", false)},
			[]Result{{Code: "abc", Symbology: "]Q1"}}},
		{"keyboard suffix CR LF removed", [][]byte{posReport("]E0", "4710088410122\r\n", false)}, []Result{{Code: "4710088410122", Symbology: "]E0"}}},
		{"no AIM ID", [][]byte{posReport("\x00\x00\x00", "12345", false)}, []Result{{Code: "12345"}}},
		{"not an AIM ID", [][]byte{posReport("]\x01A", "12345", false)}, []Result{{Code: "12345"}}},
		{"other report IDs ignored", [][]byte{{0x04, 3, 'a', 'b', 'c'}, make([]byte, 64), {}, posReport("]E0", "1", false)},
			[]Result{{Code: "1", Symbology: "]E0"}}},
		{"empty code ignored", [][]byte{posReport("]E0", "", false), posReport("]E0", "\r", false)}, nil},
		{"two codes", [][]byte{posReport("]E0", "1", false), posReport("]E8", "2", false)},
			[]Result{{Code: "1", Symbology: "]E0"}, {Code: "2", Symbology: "]E8"}}},
		{"short report, length within it", [][]byte{{0x02, 2, ']', 'E', '0', '4', '2', 0}}, []Result{{Code: "42", Symbology: "]E0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feedAll(NewPOSDecoder(), tt.reports)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPOSRejects(t *testing.T) {
	lenTooBig := posReport("]E0", "1", false)
	lenTooBig[1] = 59 // 5+59 > 63: would run into the flag byte
	tests := []struct {
		name    string
		reports [][]byte
		want    []string
		errs    int
		errSub  string
	}{
		{"too short", [][]byte{{0x02, 0, ']', 'E', '0'}, posReport("]E0", "1", false)}, []string{"1"}, 1, "5 bytes"},
		{"length beyond the report", [][]byte{lenTooBig}, nil, 1, "59 data bytes"},
		{"a run of bad reports says so once", [][]byte{{2}, {2, 1}, lenTooBig, posReport("]E0", "1", false), {2}}, []string{"1"}, 2, ""},
		{"bad report drops the partial code", [][]byte{posReport("]Q1", "abc", true), {2, 9}, posReport("]Q1", "def", false)},
			[]string{"def"}, 1, "partial code dropped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, es := split(feedAll(NewPOSDecoder(), tt.reports))
			if !slices.Equal(cs, tt.want) {
				t.Errorf("codes %q, want %q", cs, tt.want)
			}
			if len(es) != tt.errs {
				t.Fatalf("errors %v, want %d", es, tt.errs)
			}
			for _, e := range es {
				if !errors.Is(e, ErrBadReport) || !strings.Contains(e.Error(), tt.errSub) {
					t.Errorf("error %q, want ErrBadReport with %q", e, tt.errSub)
				}
			}
		})
	}
}

func TestPOSTooLong(t *testing.T) {
	d := NewPOSDecoder()
	exact := strings.Repeat("x", scanner.MaxCodeLen)
	if got := feedAll(d, posCode("]Q1", exact)); len(got) != 1 || got[0].Code != exact {
		t.Fatalf("a code of exactly MaxCodeLen bytes: %d results", len(got))
	}
	checkOverlong(t, d, func() int { return len(d.code) },
		posCode("]Q1", strings.Repeat("y", 3*scanner.MaxCodeLen)), [][]byte{posReport("]E0", "42", false)})
}

func TestPOSReset(t *testing.T) {
	d := NewPOSDecoder()
	d.Feed(posReport("]Q1", "abc", true))
	d.Reset()
	if got := d.Feed(posReport("]E0", "1", false)); !slices.Equal(got, []Result{{Code: "1", Symbology: "]E0"}}) {
		t.Errorf("after Reset: %q", got)
	}
}

func TestAutoDecoder(t *testing.T) {
	d := NewDecoder(Auto, nil)
	rs := feedAll(d, seq(digits("12"), [][]byte{posReport("]E0", "4710088410122", false)}, enter))
	want := []Result{{Code: "4710088410122", Symbology: "]E0"}, {Code: "12"}}
	if !slices.Equal(rs, want) {
		t.Errorf("got %q, want %q", rs, want)
	}
	if _, ok := NewDecoder(Keyboard, nil).(*KeyboardDecoder); !ok {
		t.Error("Keyboard mode: not a KeyboardDecoder")
	}
	if got := NewDecoder(POS, nil).Feed(report(0, 0x1e)); got != nil {
		t.Errorf("POS mode decoded a keyboard report: %q", got)
	}
	for _, s := range []string{"auto", "keyboard", "pos"} {
		if m, err := ParseMode(s); err != nil || m.String() != s {
			t.Errorf("ParseMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := ParseMode("serial"); err == nil {
		t.Error("ParseMode(serial) accepted")
	}
}

// FuzzPOSReports feeds arbitrary reports, sized by the input, to the POS
// decoder: it must not panic, must hold at most MaxCodeLen bytes and must
// return bounded results.
func FuzzPOSReports(f *testing.F) {
	f.Add(flatten(posCode("]Q1", strings.Repeat("0123456789", 15))))
	f.Add(flatten([][]byte{posReport("]C1", "01\x1d10", false), {2, 9}, {2}, posReport("]E0", "1\r\n", true)}))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewPOSDecoder()
		for _, r := range unflatten(data, 256) {
			out := d.Feed(r)
			if len(out) > 2 {
				t.Fatalf("%d results from one report", len(out))
			}
			for _, res := range out {
				if res.Err != nil {
					continue
				}
				if res.Code == "" || len(res.Code) > scanner.MaxCodeLen {
					t.Fatalf("bad code of %d bytes", len(res.Code))
				}
			}
			if len(d.code) > scanner.MaxCodeLen {
				t.Fatalf("decoder holds %d bytes", len(d.code))
			}
		}
	})
}
