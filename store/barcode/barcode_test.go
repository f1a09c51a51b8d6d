package barcode

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		in      string
		want    byte
		wantErr error
	}{
		{"400638133393", '1', nil},
		{"590123412345", '7', nil},
		{"9638507", '4', nil},
		{"7351353", '7', nil},
		{"03600029145", '2', nil},
		{"01234567890", '5', nil},
		{"629104150021", '3', nil},
		{"0", '0', nil},
		{"1", '7', nil},
		{"00000000000", '0', nil},
		{"", 0, ErrEmpty},
		{"12a4", 0, ErrNotDigits},
		{"１２３", 0, ErrNotDigits},
		{" 123", 0, ErrNotDigits},
		{"-123", 0, ErrNotDigits},
	}
	for _, tt := range tests {
		got, err := CheckDigit(tt.in)
		if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
			t.Errorf("CheckDigit(%q) error = %v, want %v", tt.in, err, tt.wantErr)
			continue
		}
		if got != tt.want {
			t.Errorf("CheckDigit(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckDigitLongInput(t *testing.T) {
	// Must not overflow or be slow on long inputs.
	d, err := CheckDigit(strings.Repeat("9", 1<<20))
	if err != nil || d < '0' || d > '9' {
		t.Fatalf("CheckDigit(long) = %q, %v", d, err)
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		raw  string
		sym  Symbology
		key  string
		name string
	}{
		{"4006381333931", EAN13, "4006381333931", "EAN-13"},
		{"5901234123457", EAN13, "5901234123457", "EAN-13"},
		{"0036000291452", EAN13, "0036000291452", "EAN-13"},
		{"96385074", EAN8, "96385074", "EAN-8"},
		{"73513537", EAN8, "73513537", "EAN-8"},
		{"036000291452", UPCA, "0036000291452", "UPC-A"},
		{"012345678905", UPCA, "0012345678905", "UPC-A"},
	}
	for _, tt := range tests {
		c, err := Parse(tt.raw)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", tt.raw, err)
			continue
		}
		want := Code{Raw: tt.raw, Symbology: tt.sym, Key: tt.key}
		if c != want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.raw, c, want)
		}
		if s := c.Symbology.String(); s != tt.name {
			t.Errorf("Parse(%q).Symbology.String() = %q, want %q", tt.raw, s, tt.name)
		}
		k, err := NormalizeKey(tt.raw)
		if err != nil || k != tt.key {
			t.Errorf("NormalizeKey(%q) = %q, %v; want %q", tt.raw, k, err, tt.key)
		}
	}
}

func TestUPCAAndEAN13ShareKey(t *testing.T) {
	pairs := [][2]string{
		{"036000291452", "0036000291452"},
		{"012345678905", "0012345678905"},
	}
	for _, p := range pairs {
		a, errA := NormalizeKey(p[0])
		b, errB := NormalizeKey(p[1])
		if errA != nil || errB != nil || a != b {
			t.Errorf("keys %q (%v) and %q (%v) differ", a, errA, b, errB)
		}
	}
}

func TestParseWrongCheckDigit(t *testing.T) {
	tests := []struct {
		raw string
		sym Symbology
		msg string
	}{
		{"4006381333934", EAN13, "EAN-13 check digit is 4, expected 1"},
		{"5901234123450", EAN13, "EAN-13 check digit is 0, expected 7"},
		{"96385070", EAN8, "EAN-8 check digit is 0, expected 4"},
		{"036000291453", UPCA, "UPC-A check digit is 3, expected 2"},
		// A transposition of two adjacent digits is caught.
		{"4006381339331", EAN13, "EAN-13 check digit is 1, expected 9"},
	}
	for _, tt := range tests {
		c, err := Parse(tt.raw)
		if !errors.Is(err, ErrCheckDigit) {
			t.Errorf("Parse(%q) error = %v, want ErrCheckDigit", tt.raw, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.raw, err, tt.msg)
		}
		var cde *CheckDigitError
		if !errors.As(err, &cde) || cde.Symbology != tt.sym {
			t.Errorf("Parse(%q) error %v is not a CheckDigitError for %s", tt.raw, err, tt.sym)
		}
		want := Code{Raw: tt.raw, Symbology: tt.sym}
		if c != want {
			t.Errorf("Parse(%q) = %+v, want %+v", tt.raw, c, want)
		}
		if k, err := NormalizeKey(tt.raw); k != "" || !errors.Is(err, ErrCheckDigit) {
			t.Errorf("NormalizeKey(%q) = %q, %v; want ErrCheckDigit", tt.raw, k, err)
		}
	}
}

func TestParseOther(t *testing.T) {
	long := strings.Repeat("A", 4096)
	longDigits := strings.Repeat("7", 4096)
	tests := []string{
		"SKU-123",
		"1234567",        // 7 digits
		"123456789",      // 9 digits
		"12345678901",    // 11 digits
		"12345678901234", // 14 digits
		"4006381333931 ", // trailing space is not trimmed
		"4006381333931\r",
		"\x004006381333931",
		"400638\n1333931",
		"\x1b[31m",
		"１２３",
		"４００６３８１３３３９３１", // full-width digits, 13 runes
		"٤٠٠٦٣٨١٣٣٣٩٣١", // Arabic-Indic digits, 13 runes
		"0x12345678",
		"+123456789012",
		"\xff\xfe\xfd",
		long,
		longDigits,
	}
	for _, raw := range tests {
		c, err := Parse(raw)
		if err != nil {
			t.Errorf("Parse(%q) error: %v", raw, err)
			continue
		}
		if c.Symbology != Other || c.Key != raw || c.Raw != raw {
			t.Errorf("Parse(%q) = %+v, want Other with Key = Raw", raw, c)
		}
		if c.Symbology.String() != "other" {
			t.Errorf("Other.String() = %q", c.Symbology.String())
		}
	}
}

func TestParseEmpty(t *testing.T) {
	c, err := Parse("")
	if !errors.Is(err, ErrEmpty) {
		t.Fatalf("Parse(\"\") error = %v, want ErrEmpty", err)
	}
	if c.Key != "" || c.Symbology != Other {
		t.Fatalf("Parse(\"\") = %+v", c)
	}
	if _, err := NormalizeKey(""); !errors.Is(err, ErrEmpty) {
		t.Fatalf("NormalizeKey(\"\") error = %v, want ErrEmpty", err)
	}
}

func TestStrings(t *testing.T) {
	tests := []struct{ got, want string }{
		{EAN13.String(), "EAN-13"},
		{EAN8.String(), "EAN-8"},
		{UPCA.String(), "UPC-A"},
		{Other.String(), "other"},
		{Symbology(99).String(), "Symbology(99)"},
		{EmbeddedPrice.String(), "price"},
		{EmbeddedWeight.String(), "weight"},
		{EmbeddedKind(0).String(), "EmbeddedKind(0)"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("String() = %q, want %q", tt.got, tt.want)
		}
	}
}

// ean13 appends the check digit to 12 data digits.
func ean13(t *testing.T, data string) string {
	t.Helper()
	if len(data) != 12 {
		t.Fatalf("ean13(%q): need 12 digits", data)
	}
	d, err := CheckDigit(data)
	if err != nil {
		t.Fatal(err)
	}
	return data + string(d)
}

func mustParse(t *testing.T, raw string) Code {
	t.Helper()
	c, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse(%q): %v", raw, err)
	}
	return c
}

var testRules = Rules{
	{Prefix: "20", Kind: EmbeddedPrice, Decimals: 2},
	{Prefix: "21", Kind: EmbeddedPrice, Decimals: 0},
	{Prefix: "22", Kind: EmbeddedPrice, Decimals: 3},
	{Prefix: "28", Kind: EmbeddedWeight, Decimals: 3}, // Decimals ignored for weights
}

func TestRulesMatch(t *testing.T) {
	if err := testRules.Validate(); err != nil {
		t.Fatalf("testRules invalid: %v", err)
	}
	tests := []struct {
		data string // 12 digits; check digit added
		ok   bool
		want Embedded
	}{
		{"201234501299", true, Embedded{Stem: "2012345", Kind: EmbeddedPrice, Value: 1299, Decimals: 2}},
		{"210000700450", true, Embedded{Stem: "2100007", Kind: EmbeddedPrice, Value: 450, Decimals: 0}},
		{"229999912345", true, Embedded{Stem: "2299999", Kind: EmbeddedPrice, Value: 12345, Decimals: 3}},
		{"280004201500", true, Embedded{Stem: "2800042", Kind: EmbeddedWeight, Value: 1500, Decimals: 0}},
		{"280004200000", true, Embedded{Stem: "2800042", Kind: EmbeddedWeight, Value: 0, Decimals: 0}},
		{"280004299999", true, Embedded{Stem: "2800042", Kind: EmbeddedWeight, Value: 99999, Decimals: 0}},
		// Restricted prefixes without a rule are ordinary EAN-13 codes.
		{"230004201500", false, Embedded{}},
		{"290004201500", false, Embedded{}},
		// Not restricted circulation.
		{"400638133393", false, Embedded{}},
	}
	for _, tt := range tests {
		raw := ean13(t, tt.data)
		c := mustParse(t, raw)
		got, ok := testRules.Match(c)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Match(%s) = %+v, %v; want %+v, %v", raw, got, ok, tt.want, tt.ok)
		}
		if !ok && c.Key != raw {
			t.Errorf("unmatched %s should keep Key %q, got %q", raw, raw, c.Key)
		}
	}
}

func TestRulesMatchRejects(t *testing.T) {
	valid := ean13(t, "201234501299")
	bad := valid[:12] + string('0'+(valid[12]-'0'+1)%10)
	badCode, err := Parse(bad)
	if !errors.Is(err, ErrCheckDigit) {
		t.Fatalf("Parse(%q) error = %v", bad, err)
	}
	tests := []struct {
		name string
		c    Code
	}{
		{"wrong check digit from Parse", badCode},
		{"hand-built with wrong check digit", Code{Raw: bad, Symbology: EAN13, Key: bad}},
		{"UPC-A with number system 2", mustParse(t, "212345678992")},
		{"EAN-8", mustParse(t, "20123451")},
		{"Other that looks like an EAN-13", Code{Raw: valid, Symbology: Other, Key: valid}},
		{"EAN-13 with short key", Code{Raw: "2012345", Symbology: EAN13, Key: "2012345"}},
		{"EAN-13 with non-digit key", Code{Symbology: EAN13, Key: "20123450129９"}},
		{"zero Code", Code{}},
	}
	for _, tt := range tests {
		if e, ok := testRules.Match(tt.c); ok {
			t.Errorf("%s: Match(%+v) = %+v, want no match", tt.name, tt.c, e)
		}
	}
	if _, ok := Rules(nil).Match(mustParse(t, valid)); ok {
		t.Error("nil Rules matched")
	}
}

func TestMinorUnits(t *testing.T) {
	tests := []struct {
		name     string
		e        Embedded
		exponent int
		want     int64
		wantErr  error
	}{
		{"cents from 2 decimals", Embedded{Kind: EmbeddedPrice, Value: 1299, Decimals: 2}, 2, 1299, nil},
		{"mills from 2 decimals", Embedded{Kind: EmbeddedPrice, Value: 1299, Decimals: 2}, 3, 12990, nil},
		{"cents from whole units", Embedded{Kind: EmbeddedPrice, Value: 450, Decimals: 0}, 2, 45000, nil},
		{"yen from whole units", Embedded{Kind: EmbeddedPrice, Value: 450, Decimals: 0}, 0, 450, nil},
		{"yen from 2 decimals, exact", Embedded{Kind: EmbeddedPrice, Value: 1200, Decimals: 2}, 0, 12, nil},
		{"cents from 3 decimals, exact", Embedded{Kind: EmbeddedPrice, Value: 12340, Decimals: 3}, 2, 1234, nil},
		{"cents from 4 decimals, exact", Embedded{Kind: EmbeddedPrice, Value: 99900, Decimals: 4}, 2, 999, nil},
		{"zero", Embedded{Kind: EmbeddedPrice, Value: 0, Decimals: 4}, 0, 0, nil},
		{"zero with huge exponent", Embedded{Kind: EmbeddedPrice, Value: 0}, 1 << 30, 0, nil},
		{"max value, exponent 4", Embedded{Kind: EmbeddedPrice, Value: 99999, Decimals: 0}, 4, 999990000, nil},
		{"yen from 2 decimals, inexact", Embedded{Kind: EmbeddedPrice, Value: 1299, Decimals: 2}, 0, 0, ErrPrecision},
		{"cents from 3 decimals, inexact", Embedded{Kind: EmbeddedPrice, Value: 12345, Decimals: 3}, 2, 0, ErrPrecision},
		{"cents from 4 decimals, inexact", Embedded{Kind: EmbeddedPrice, Value: 1, Decimals: 4}, 2, 0, ErrPrecision},
	}
	for _, tt := range tests {
		got, err := tt.e.MinorUnits(tt.exponent)
		if tt.wantErr != nil {
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("%s: error = %v, want %v", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: MinorUnits(%d) = %d, %v; want %d", tt.name, tt.exponent, got, err, tt.want)
		}
	}
}

func TestMinorUnitsErrors(t *testing.T) {
	tests := []struct {
		name     string
		e        Embedded
		exponent int
	}{
		{"weight", Embedded{Kind: EmbeddedWeight, Value: 1500}, 2},
		{"zero kind", Embedded{Value: 1500}, 2},
		{"negative exponent", Embedded{Kind: EmbeddedPrice, Value: 1}, -1},
		{"decimals too large", Embedded{Kind: EmbeddedPrice, Value: 1, Decimals: 5}, 2},
		{"negative decimals", Embedded{Kind: EmbeddedPrice, Value: 1, Decimals: -1}, 2},
		{"negative value", Embedded{Kind: EmbeddedPrice, Value: -5}, 2},
		{"overflow", Embedded{Kind: EmbeddedPrice, Value: 99999}, 1 << 30},
	}
	for _, tt := range tests {
		if got, err := tt.e.MinorUnits(tt.exponent); err == nil {
			t.Errorf("%s: MinorUnits(%d) = %d, want error", tt.name, tt.exponent, got)
		}
	}
}

func TestEmbeddedEndToEnd(t *testing.T) {
	raw := ean13(t, "221234500995") // prefix 22: price with 3 decimals -> 0.995
	e, ok := testRules.Match(mustParse(t, raw))
	if !ok {
		t.Fatalf("no match for %s", raw)
	}
	if got, err := e.MinorUnits(3); err != nil || got != 995 {
		t.Errorf("MinorUnits(3) = %d, %v; want 995", got, err)
	}
	if _, err := e.MinorUnits(2); !errors.Is(err, ErrPrecision) {
		t.Errorf("MinorUnits(2) error = %v, want ErrPrecision", err)
	}
}

func TestRuleValidate(t *testing.T) {
	tests := []struct {
		rule    EmbeddedRule
		wantErr string // substring; empty means valid
	}{
		{EmbeddedRule{Prefix: "20", Kind: EmbeddedPrice, Decimals: 2}, ""},
		{EmbeddedRule{Prefix: "29", Kind: EmbeddedWeight}, ""},
		{EmbeddedRule{Prefix: "25", Kind: EmbeddedPrice, Decimals: 0}, ""},
		{EmbeddedRule{Prefix: "25", Kind: EmbeddedPrice, Decimals: 4}, ""},
		{EmbeddedRule{Prefix: "25", Kind: EmbeddedWeight, Decimals: 9}, ""},
		{EmbeddedRule{Prefix: "19", Kind: EmbeddedPrice}, `"19"`},
		{EmbeddedRule{Prefix: "30", Kind: EmbeddedPrice}, `"30"`},
		{EmbeddedRule{Prefix: "2", Kind: EmbeddedPrice}, `"2"`},
		{EmbeddedRule{Prefix: "200", Kind: EmbeddedPrice}, `"200"`},
		{EmbeddedRule{Prefix: "", Kind: EmbeddedPrice}, `""`},
		{EmbeddedRule{Prefix: "2a", Kind: EmbeddedPrice}, `"2a"`},
		{EmbeddedRule{Prefix: "２１", Kind: EmbeddedPrice}, `"２１"`},
		{EmbeddedRule{Prefix: "21", Kind: EmbeddedPrice, Decimals: 5}, `"21"`},
		{EmbeddedRule{Prefix: "21", Kind: EmbeddedPrice, Decimals: -1}, `"21"`},
		{EmbeddedRule{Prefix: "22"}, `"22"`},
		{EmbeddedRule{Prefix: "22", Kind: 7}, `"22"`},
	}
	for _, tt := range tests {
		err := tt.rule.Validate()
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("Validate(%+v) = %v, want nil", tt.rule, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Validate(%+v) = %v, want error naming %s", tt.rule, err, tt.wantErr)
		}
	}
}

func TestRulesValidate(t *testing.T) {
	tests := []struct {
		name    string
		rules   Rules
		wantErr string
	}{
		{"nil", nil, ""},
		{"distinct", testRules, ""},
		{"duplicate prefix", Rules{
			{Prefix: "20", Kind: EmbeddedPrice, Decimals: 2},
			{Prefix: "28", Kind: EmbeddedWeight},
			{Prefix: "20", Kind: EmbeddedWeight},
		}, `"20"`},
		{"one invalid", Rules{
			{Prefix: "20", Kind: EmbeddedPrice, Decimals: 2},
			{Prefix: "31", Kind: EmbeddedWeight},
		}, `"31"`},
	}
	for _, tt := range tests {
		err := tt.rules.Validate()
		if tt.wantErr == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: Validate() = %v, want error naming %s", tt.name, err, tt.wantErr)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "4006381333931", "4006381333934", "5901234123457", "96385074",
		"73513537", "036000291452", "012345678905", "SKU-1", "１２３",
		"\x00\r\n", "2012345012992", "2800042015001", strings.Repeat("9", 4096),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := Parse(raw)
		if c.Raw != raw {
			t.Fatalf("Parse(%q).Raw = %q", raw, c.Raw)
		}
		if err == nil && c.Key == "" {
			t.Fatalf("Parse(%q) = %+v with no error and no key", raw, c)
		}
		if err != nil && c.Key != "" {
			t.Fatalf("Parse(%q) = %+v with key and error %v", raw, c, err)
		}
		if c.Key != "" {
			again, err := Parse(c.Key)
			if err != nil || again.Key != c.Key {
				t.Fatalf("Parse(%q).Key = %q re-parses to %+v, %v", raw, c.Key, again, err)
			}
		}
		if e, ok := testRules.Match(c); ok {
			if c.Symbology != EAN13 || e.Stem != c.Key[:7] || e.Value < 0 || e.Value > 99999 {
				t.Fatalf("Match(%+v) = %+v", c, e)
			}
			if e.Kind == EmbeddedPrice {
				if _, err := e.MinorUnits(2); err != nil && !errors.Is(err, ErrPrecision) {
					t.Fatalf("MinorUnits(2) for %+v: %v", e, err)
				}
			}
		}
	})
}
