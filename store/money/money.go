// Package money holds amounts as integer minor units of a currency, parses
// and formats them exactly, and rounds the few divisions a till needs.
package money

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"

	"golang.org/x/text/currency"
)

// Amount is a sum of money in the currency's minor units (cents, fen...).
type Amount int64

// Currency is an ISO 4217 code with the exponent of its minor unit.
type Currency struct {
	Code     string
	Exponent int
}

// Lookup returns the currency for an ISO 4217 code, with the exponent the
// standard gives it (TWD 2, JPY 0, ...).
func Lookup(code string) (Currency, error) {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return Currency{}, fmt.Errorf("unknown currency %q", code)
	}
	scale, _ := currency.Standard.Rounding(unit)
	return Currency{Code: unit.String(), Exponent: scale}, nil
}

// ErrFormat reports a decimal that is not a plain amount.
var ErrFormat = errors.New("not an amount")

// maxMajorDigits keeps parsed amounts far from int64 overflow even after
// multiplication by quantities and tax rates.
const maxMajorDigits = 12

// Parse reads a decimal in major units ("35", "35.5", "-0.25") as minor
// units. More decimals than the currency has is an error, never a rounding.
func (c Currency) Parse(s string) (Amount, error) {
	orig := s
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || (hasDot && frac == "") || !allDigits(whole) || !allDigits(frac) {
		return 0, fmt.Errorf("%w: %q", ErrFormat, orig)
	}
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > maxMajorDigits {
		return 0, fmt.Errorf("%w: %q is too large", ErrFormat, orig)
	}
	if len(frac) > c.Exponent {
		if strings.Trim(frac[c.Exponent:], "0") != "" {
			return 0, fmt.Errorf("%w: %q has more than %d decimals for %s", ErrFormat, orig, c.Exponent, c.Code)
		}
		frac = frac[:c.Exponent]
	}
	frac += strings.Repeat("0", c.Exponent-len(frac))
	var v int64
	for _, r := range whole + frac {
		v = v*10 + int64(r-'0')
	}
	if neg {
		v = -v
	}
	return Amount(v), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Format writes an amount in major units with the currency's decimals and
// thousands separators: 123456 TWD is "1,234.56".
func (c Currency) Format(a Amount) string {
	var sign string
	u := uint64(a)
	if a < 0 {
		sign, u = "-", uint64(-a)
	}
	digits := fmt.Sprintf("%0*d", c.Exponent+1, u)
	whole, frac := digits[:len(digits)-c.Exponent], digits[len(digits)-c.Exponent:]
	var b strings.Builder
	b.WriteString(sign)
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if c.Exponent > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Plain writes an amount in major units without separators ("1234.56"),
// the form that CSV files and provider documents use.
func (c Currency) Plain(a Amount) string {
	return strings.ReplaceAll(c.Format(a), ",", "")
}

// MulDiv returns a*num/den rounded half away from zero. It is the one
// division money needs: weighed prices, tax and unit conversions. The
// product is taken in 128 bits so no realistic amount overflows; a result
// beyond int64 is an error.
func MulDiv(a Amount, num, den int64) (Amount, error) {
	if den == 0 {
		return 0, errors.New("money: division by zero")
	}
	neg := (a < 0) != (num < 0) != (den < 0)
	ua, un, ud := abs(int64(a)), abs(num), abs(den)
	hi, lo := bits.Mul64(ua, un)
	if hi >= ud {
		return 0, errors.New("money: amount out of range")
	}
	q, r := bits.Div64(hi, lo, ud)
	if r >= ud-r { // r*2 >= ud without overflow: half rounds up
		q++
	}
	if q > math.MaxInt64 {
		return 0, errors.New("money: amount out of range")
	}
	if neg {
		return Amount(-int64(q)), nil
	}
	return Amount(q), nil
}

func abs(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}
