package swip

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"till/store/money"
)

// SWiP sends amounts as JSON numbers in major units ("50.0", and from a
// Java server also "1.0E7"). They are converted to minor units from their
// text, digit by digit: a float would turn 0.1 + 0.2 into 0.30000000000000004.

// ErrAmount reports a number that is not an exact amount of the currency.
var ErrAmount = errors.New("not an amount")

// maxMinorDigits keeps amounts far from int64 overflow (10^15 minor units
// is ten trillion TWD).
const maxMinorDigits = 15

// toMinor reads the text of a JSON number as minor units of cur. A number
// with more decimals than the currency has (other than trailing zeros), a
// negative one, or one out of range is an error, never a rounding.
func toMinor(num string, cur money.Currency) (money.Amount, error) {
	bad := func(why string) (money.Amount, error) {
		return 0, fmt.Errorf("%w: %q %s", ErrAmount, capText(num, 40), why)
	}
	s, neg := strings.CutPrefix(num, "-")
	// JSON grammar: int [frac] [exp], int = 0 | [1-9][0-9]*.
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	whole := s[:i]
	if whole == "" || (len(whole) > 1 && whole[0] == '0') {
		return bad("is not a JSON number")
	}
	s = s[i:]
	var frac string
	if rest, ok := strings.CutPrefix(s, "."); ok {
		i = 0
		for i < len(rest) && isDigit(rest[i]) {
			i++
		}
		if i == 0 {
			return bad("is not a JSON number")
		}
		frac, s = rest[:i], rest[i:]
	}
	exp := 0
	if s != "" {
		if s[0] != 'e' && s[0] != 'E' {
			return bad("is not a JSON number")
		}
		s = s[1:]
		sign := 1
		if s != "" && (s[0] == '+' || s[0] == '-') {
			if s[0] == '-' {
				sign = -1
			}
			s = s[1:]
		}
		if s == "" || !allDigits(s) {
			return bad("is not a JSON number")
		}
		s = strings.TrimLeft(s, "0")
		if len(s) > 4 { // beyond 10^±9999: only zero is an amount
			if strings.Trim(whole+frac, "0") == "" {
				return 0, nil
			}
			return bad("is out of range")
		}
		e, _ := strconv.Atoi("0" + s)
		exp = sign * e
	}
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, nil // 0, 0.0, -0.0, 0e5
	}
	if neg {
		return bad("is negative")
	}
	// value = digits × 10^(exp-len(frac)); minor = value × 10^Exponent.
	shift := exp - len(frac) + cur.Exponent
	switch {
	case shift > 0:
		if len(digits)+shift > maxMinorDigits {
			return bad("is too large")
		}
		digits += strings.Repeat("0", shift)
	case shift < 0:
		cut := len(digits) + shift
		if cut < 0 || strings.Trim(digits[cut:], "0") != "" {
			return bad(fmt.Sprintf("has more than %d decimals for %s", cur.Exponent, cur.Code))
		}
		digits = digits[:cut]
		if digits == "" {
			return 0, nil
		}
	}
	if len(digits) > maxMinorDigits {
		return bad("is too large")
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return bad("is out of range")
	}
	return money.Amount(v), nil
}

// fromMinor writes minor units as a JSON number in major units with the
// currency's decimals: 5000 TWD is 50.00, 120 JPY is 120.
func fromMinor(a money.Amount, cur money.Currency) json.Number {
	return json.Number(cur.Plain(a))
}

// quantityNumber writes a count, or grams as kilograms with three decimals.
func quantityNumber(q int64, grams bool) json.Number {
	if !grams {
		return json.Number(strconv.FormatInt(q, 10))
	}
	return json.Number(money.Currency{Code: "KGM", Exponent: 3}.Plain(money.Amount(q)))
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
