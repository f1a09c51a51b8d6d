package money

import (
	"errors"
	"math"
	"testing"
)

func TestLookupExponent(t *testing.T) {
	for code, want := range map[string]int{"TWD": 2, "JPY": 0, "USD": 2, "THB": 2, "KWD": 3} {
		c, err := Lookup(code)
		if err != nil {
			t.Fatalf("Lookup(%s): %v", code, err)
		}
		if c.Exponent != want || c.Code != code {
			t.Errorf("Lookup(%s) = %+v, want exponent %d", code, c, want)
		}
	}
	if _, err := Lookup("XYZQ"); err == nil {
		t.Error("Lookup of a bogus code succeeded")
	}
}

func TestParse(t *testing.T) {
	twd := Currency{"TWD", 2}
	jpy := Currency{"JPY", 0}
	cases := []struct {
		c    Currency
		in   string
		want Amount
		err  bool
	}{
		{twd, "35", 3500, false},
		{twd, "35.5", 3550, false},
		{twd, "35.05", 3505, false},
		{twd, "0.01", 1, false},
		{twd, "-1.25", -125, false},
		{twd, "35.500", 3550, false},
		{twd, "007", 700, false},
		{twd, "35.555", 0, true},
		{twd, "", 0, true},
		{twd, ".5", 0, true},
		{twd, "5.", 0, true},
		{twd, "1e3", 0, true},
		{twd, "3,500", 0, true},
		{twd, " 35", 0, true},
		{twd, "NaN", 0, true},
		{twd, "1234567890123", 0, true},
		{jpy, "120", 120, false},
		{jpy, "120.0", 120, false},
		{jpy, "120.5", 0, true},
	}
	for _, tc := range cases {
		got, err := tc.c.Parse(tc.in)
		if tc.err {
			if !errors.Is(err, ErrFormat) {
				t.Errorf("%s Parse(%q) = %d, %v; want ErrFormat", tc.c.Code, tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s Parse(%q) = %d, %v; want %d", tc.c.Code, tc.in, got, err, tc.want)
		}
	}
}

func TestFormat(t *testing.T) {
	twd := Currency{"TWD", 2}
	jpy := Currency{"JPY", 0}
	cases := []struct {
		c    Currency
		in   Amount
		want string
	}{
		{twd, 0, "0.00"},
		{twd, 5, "0.05"},
		{twd, 3500, "35.00"},
		{twd, 123456, "1,234.56"},
		{twd, -123456789, "-1,234,567.89"},
		{jpy, 1000000, "1,000,000"},
		{jpy, -5, "-5"},
	}
	for _, tc := range cases {
		if got := tc.c.Format(tc.in); got != tc.want {
			t.Errorf("%s Format(%d) = %q, want %q", tc.c.Code, tc.in, got, tc.want)
		}
	}
	if got := twd.Plain(123456); got != "1234.56" {
		t.Errorf("Plain = %q", got)
	}
}

func TestParseFormatRoundTrip(t *testing.T) {
	twd := Currency{"TWD", 2}
	for _, a := range []Amount{0, 1, 99, 100, 12345678, -42} {
		back, err := twd.Parse(twd.Plain(a))
		if err != nil || back != a {
			t.Errorf("round trip of %d gave %d, %v", a, back, err)
		}
	}
}

func TestMulDivRoundsHalfAwayFromZero(t *testing.T) {
	cases := []struct {
		a        Amount
		num, den int64
		want     Amount
	}{
		{1050, 5, 105, 50},      // tax inside 10.50 at 5%
		{2100, 500, 10500, 100}, // 21.00 incl. 5%: 1.00 tax
		{25, 1, 2, 13},          // 12.5 rounds up
		{-25, 1, 2, -13},        // and down when negative
		{24, 1, 2, 12},
		{19900, 375, 1000, 7463}, // 199.00/kg x 375 g = 74.625 -> 74.63
		{1, 1, 3, 0},
		{2, 1, 3, 1},
		{math.MaxInt64 / 10, 10000, 10000, math.MaxInt64 / 10}, // 128-bit product
	}
	for _, tc := range cases {
		got, err := MulDiv(tc.a, tc.num, tc.den)
		if err != nil || got != tc.want {
			t.Errorf("MulDiv(%d,%d,%d) = %d, %v; want %d", tc.a, tc.num, tc.den, got, err, tc.want)
		}
	}
	if _, err := MulDiv(math.MaxInt64, 2, 1); err == nil {
		t.Error("overflow not reported")
	}
	if _, err := MulDiv(1, 1, 0); err == nil {
		t.Error("division by zero not reported")
	}
}
