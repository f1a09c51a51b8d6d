// Package barcode holds the till's barcode rules: GS1 check digits,
// recognising EAN-13, EAN-8 and UPC-A codes, the catalog lookup key, and
// decoding price- or weight-embedded EAN-13 codes.
//
// # Lookup keys
//
// A digits-only code of 13, 12 or 8 digits is treated as EAN-13, UPC-A or
// EAN-8 and its check digit must be valid. The key is the EAN-13 itself,
// the UPC-A with a leading "0" (so it matches the same product printed as
// EAN-13), or the EAN-8 unchanged. Any other input is an SKU and is its own
// key. Only ASCII '0'..'9' count as digits; input is not trimmed, so callers
// strip scanner terminators such as "\r" before parsing.
//
// # Embedded price and weight
//
// GS1 restricted circulation EAN-13 codes (prefixes 20–29) are decoded with
// the layout
//
//	PP IIIII VVVVV C
//
// where PP is the prefix, IIIII the item reference, VVVVV the embedded value
// and C the check digit. The stem PP IIIII is the barcode stored for the item
// in the catalog. The value is a price in major units scaled by the rule's
// Decimals, or a weight in grams. Which prefixes carry a price and which a
// weight comes from configuration (Rules); a code whose prefix in 20–29 is
// not listed in the rules is treated as an ordinary EAN-13 code.
package barcode

import (
	"errors"
	"fmt"
	"strconv"
)

// Errors returned by this package; test with errors.Is.
var (
	ErrCheckDigit = errors.New("barcode: wrong check digit")
	ErrNotDigits  = errors.New("barcode: not a string of digits")
	ErrEmpty      = errors.New("barcode: empty code")
	ErrPrecision  = errors.New("barcode: embedded price loses precision")
)

// CheckDigit returns the GS1 mod-10 check digit ('0'..'9') for digits, which
// must not include the check digit itself.
func CheckDigit(digits string) (byte, error) {
	if digits == "" {
		return 0, ErrEmpty
	}
	if !isDigits(digits) {
		return 0, ErrNotDigits
	}
	// Weights alternate 3,1,3,... starting from the rightmost data digit.
	sum := 0
	weight := 3
	for i := len(digits) - 1; i >= 0; i-- {
		sum = (sum + int(digits[i]-'0')*weight) % 10
		weight = 4 - weight
	}
	return byte('0' + (10-sum)%10), nil
}

// isDigits reports whether s is non-empty and only ASCII digits; unicode
// digits such as "１" must not be accepted as part of a GS1 code.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Symbology is the kind of code a scanned string is.
type Symbology int

// Other is the zero value so an unset Symbology never claims to be a GS1 code.
const (
	Other Symbology = iota
	EAN13
	EAN8
	UPCA
)

func (s Symbology) String() string {
	switch s {
	case EAN13:
		return "EAN-13"
	case EAN8:
		return "EAN-8"
	case UPCA:
		return "UPC-A"
	case Other:
		return "other"
	}
	return "Symbology(" + strconv.Itoa(int(s)) + ")"
}

// CheckDigitError reports a GS1 code whose check digit is wrong. It wraps
// ErrCheckDigit.
type CheckDigitError struct {
	Symbology Symbology
	Got, Want byte // '0'..'9'
}

func (e *CheckDigitError) Error() string {
	return fmt.Sprintf("barcode: %s check digit is %c, expected %c", e.Symbology, e.Got, e.Want)
}

func (e *CheckDigitError) Unwrap() error { return ErrCheckDigit }

// Code is a parsed barcode. Key is what the catalog is searched by; it is
// empty when the code was rejected.
type Code struct {
	Raw       string
	Symbology Symbology
	Key       string
}

// Parse classifies raw and computes its lookup key. A digits-only code of
// length 13, 12 or 8 with a wrong check digit is returned with its Symbology
// set, an empty Key and an error wrapping ErrCheckDigit. An empty raw is
// rejected with ErrEmpty, since it cannot identify anything. Everything else
// is an SKU: Symbology Other, Key equal to raw.
func Parse(raw string) (Code, error) {
	c := Code{Raw: raw}
	if raw == "" {
		return c, ErrEmpty
	}
	if !isDigits(raw) {
		c.Symbology, c.Key = Other, raw
		return c, nil
	}
	switch len(raw) {
	case 13:
		c.Symbology = EAN13
	case 12:
		c.Symbology = UPCA
	case 8:
		c.Symbology = EAN8
	default:
		c.Symbology, c.Key = Other, raw
		return c, nil
	}
	n := len(raw)
	want, err := CheckDigit(raw[:n-1])
	if err != nil {
		return c, err // unreachable: raw is digits and longer than one
	}
	if raw[n-1] != want {
		return c, &CheckDigitError{Symbology: c.Symbology, Got: raw[n-1], Want: want}
	}
	switch c.Symbology {
	case UPCA:
		c.Key = "0" + raw
	default:
		c.Key = raw
	}
	return c, nil
}

// NormalizeKey returns the catalog lookup key for raw, as Parse computes it.
func NormalizeKey(raw string) (string, error) {
	c, err := Parse(raw)
	if err != nil {
		return "", err
	}
	return c.Key, nil
}

// EmbeddedKind says what the value in an embedded code means.
type EmbeddedKind int

// Kinds start at 1 so a rule with no Kind configured fails validation.
const (
	EmbeddedPrice EmbeddedKind = iota + 1
	EmbeddedWeight
)

func (k EmbeddedKind) String() string {
	switch k {
	case EmbeddedPrice:
		return "price"
	case EmbeddedWeight:
		return "weight"
	}
	return "EmbeddedKind(" + strconv.Itoa(int(k)) + ")"
}

// MaxDecimals is the largest Decimals an embedded price may have.
const MaxDecimals = 4

// EmbeddedRule configures one restricted circulation prefix.
type EmbeddedRule struct {
	Prefix   string // two digits "20".."29"
	Kind     EmbeddedKind
	Decimals int // prices only: decimal places of the value in major units (0..4); weights are grams
}

// Validate checks the prefix is 20..29, the kind is known and, for prices,
// Decimals is 0..4.
func (r EmbeddedRule) Validate() error {
	if len(r.Prefix) != 2 || r.Prefix[0] != '2' || r.Prefix[1] < '0' || r.Prefix[1] > '9' {
		return fmt.Errorf("barcode: embedded rule prefix %q: must be two digits 20..29", r.Prefix)
	}
	switch r.Kind {
	case EmbeddedPrice:
		if r.Decimals < 0 || r.Decimals > MaxDecimals {
			return fmt.Errorf("barcode: embedded rule prefix %q: decimals %d not in 0..%d", r.Prefix, r.Decimals, MaxDecimals)
		}
	case EmbeddedWeight:
	default:
		return fmt.Errorf("barcode: embedded rule prefix %q: unknown kind %d", r.Prefix, int(r.Kind))
	}
	return nil
}

// Rules is the configured set of embedded price/weight prefixes.
type Rules []EmbeddedRule

// Validate checks every rule and that no prefix is configured twice.
func (rs Rules) Validate() error {
	seen := make(map[string]bool, len(rs))
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			return err
		}
		if seen[r.Prefix] {
			return fmt.Errorf("barcode: embedded rule prefix %q configured more than once", r.Prefix)
		}
		seen[r.Prefix] = true
	}
	return nil
}

// Embedded is the decoded content of a price- or weight-embedded EAN-13.
type Embedded struct {
	Stem     string // prefix + 5-digit item reference; the item's barcode in the catalog
	Kind     EmbeddedKind
	Value    int64 // price in major units scaled by Decimals, or weight in grams
	Decimals int   // always 0 for weights
}

// Match decodes c if it is a valid EAN-13 whose prefix has a rule. The first
// matching rule wins; Rules.Validate rejects duplicates.
func (rs Rules) Match(c Code) (Embedded, bool) {
	// Code is a plain struct, so re-check rather than trust its fields.
	k := c.Key
	if c.Symbology != EAN13 || len(k) != 13 || !isDigits(k) {
		return Embedded{}, false
	}
	if want, err := CheckDigit(k[:12]); err != nil || k[12] != want {
		return Embedded{}, false
	}
	for _, r := range rs {
		if r.Prefix != k[:2] || r.Validate() != nil {
			continue
		}
		v, err := strconv.ParseInt(k[7:12], 10, 64)
		if err != nil {
			return Embedded{}, false
		}
		e := Embedded{Stem: k[:7], Kind: r.Kind, Value: v}
		if r.Kind == EmbeddedPrice {
			e.Decimals = r.Decimals
		}
		return e, true
	}
	return Embedded{}, false
}

// MinorUnits converts an embedded price to integer minor units of a currency
// whose minor unit has the given exponent (2 for cents). It fails with
// ErrPrecision rather than round when the price has non-zero digits below the
// currency's minor unit.
func (e Embedded) MinorUnits(exponent int) (int64, error) {
	if e.Kind != EmbeddedPrice {
		return 0, fmt.Errorf("barcode: embedded %s is not a price", e.Kind)
	}
	if e.Decimals < 0 || e.Decimals > MaxDecimals {
		return 0, fmt.Errorf("barcode: embedded price decimals %d not in 0..%d", e.Decimals, MaxDecimals)
	}
	if exponent < 0 {
		return 0, fmt.Errorf("barcode: negative currency exponent %d", exponent)
	}
	if e.Value < 0 {
		return 0, fmt.Errorf("barcode: negative embedded price %d", e.Value)
	}
	v := e.Value
	if v == 0 {
		return 0, nil // also keeps the scaling loop below bounded
	}
	if e.Decimals > exponent {
		div := pow10(e.Decimals - exponent)
		if v%div != 0 {
			return 0, fmt.Errorf("%w: value %d with %d decimals has digits below exponent %d", ErrPrecision, e.Value, e.Decimals, exponent)
		}
		return v / div, nil
	}
	const maxInt64 = 1<<63 - 1
	for i := e.Decimals; i < exponent; i++ {
		if v > maxInt64/10 {
			return 0, fmt.Errorf("barcode: embedded price %d overflows at exponent %d", e.Value, exponent)
		}
		v *= 10
	}
	return v, nil
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}
