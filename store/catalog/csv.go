// Package catalog reads the item catalog from CSV, indexes it for scanning
// and searching, and resolves scanned or typed codes to items.
//
// # Catalog file format
//
// A catalog file is UTF-8 CSV (a byte order mark at the start is allowed).
// The first row must be exactly
//
//	sku,barcodes,name,price,tax_class,flags,ticket_sale_id
//
// and every further row has those seven fields:
//
//   - sku: required, unique in the file, at most 64 characters, no
//     whitespace or control characters.
//   - barcodes: zero or more codes separated by "|". Each is at most 64
//     bytes with no whitespace or control characters, and is used by one
//     item only. Digits-only codes of 8, 12 or 13 digits are EAN-8, UPC-A
//     and EAN-13 and must have a correct check digit; a UPC-A is the same
//     code as its EAN-13 with a leading 0. A 7-digit code 20xxxxx to
//     29xxxxx is the stem of price- or weight-embedded labels. Any other
//     code is an internal code.
//   - name: required, at most 200 characters, any language.
//   - price: a decimal in major units such as 35 or 35.50, with no more
//     decimals than the currency has, from 0 to 99,999,999. Weighed items
//     give the price per kilogram.
//   - tax_class: one of the configured tax classes.
//   - flags: zero or more of non_discountable and weighed, separated by "|".
//   - ticket_sale_id: optional e-ticket product id, at most 64 characters,
//     no whitespace.
//
// Fields containing commas, quotes or line breaks are quoted as usual in
// CSV. A file with any bad row is rejected whole, with every problem listed
// by line number, so a catalog is never half imported.
package catalog

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"till/store/barcode"
	"till/store/money"
	"till/store/sale"
)

// Header is the required first row of a catalog file.
const Header = "sku,barcodes,name,price,tax_class,flags,ticket_sale_id"

var columns = strings.Split(Header, ",")

// Column indexes, in Header order.
const (
	colSKU = iota
	colBarcodes
	colName
	colPrice
	colTaxClass
	colFlags
	colTicket
	numColumns
)

// Limits on catalog fields.
const (
	MaxSKULen      = 64         // characters
	MaxBarcodeLen  = 64         // bytes
	MaxNameLen     = 200        // characters
	MaxTicketLen   = 64         // characters
	MaxPriceMajor  = 99_999_999 // major units
	MaxImportRows  = 50         // row errors kept in an ImportError
	progressPeriod = 5000
)

// RowError is one problem in a catalog file.
type RowError struct {
	Line   int    // 1-based line of the file
	Field  string // column name; empty for problems with the whole row
	Reason string
}

func (e RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Reason)
}

// ImportError lists the problems that stopped an import. Rows holds the
// first MaxImportRows of them; More counts the rest.
type ImportError struct {
	Rows []RowError
	More int
}

func (e *ImportError) Error() string {
	var b strings.Builder
	n := len(e.Rows) + e.More
	plural := "s"
	if n == 1 {
		plural = ""
	}
	fmt.Fprintf(&b, "catalog not imported: %d problem%s", n, plural)
	for _, r := range e.Rows {
		b.WriteString("\n")
		b.WriteString(r.Error())
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n... and %d more", e.More)
	}
	return b.String()
}

// Options configure ReadCSV.
type Options struct {
	Currency   money.Currency
	TaxClasses map[string]bool // configured classes; others are row errors
	Progress   func(rows int)  // called every 5,000 rows read; may be nil
}

// ReadCSV reads and validates a whole catalog file. If any row is bad it
// returns nil and an *ImportError listing the problems, so that the caller
// never applies part of a file. Other errors are configuration or I/O
// errors.
func ReadCSV(r io.Reader, opt Options) ([]sale.Item, error) {
	if opt.Currency.Code == "" || opt.Currency.Exponent < 0 || opt.Currency.Exponent > 4 {
		return nil, fmt.Errorf("catalog: currency %q with exponent %d is not usable", opt.Currency.Code, opt.Currency.Exponent)
	}
	if len(opt.TaxClasses) == 0 {
		return nil, errors.New("catalog: no tax classes configured")
	}

	br := bufio.NewReaderSize(r, 64<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = br.Discard(3) // Excel writes a BOM before UTF-8 CSV
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // counted here so every bad row is reported

	v := &validator{
		opt:   opt,
		cr:    cr,
		skus:  make(map[string]int),
		codes: make(map[string]codeOwner),
		max:   money.Amount(MaxPriceMajor * pow10(opt.Currency.Exponent)),
	}

	rec, err := cr.Read()
	switch {
	case err == io.EOF:
		v.fail(1, "", "the file is empty; the first row must be "+Header)
		return nil, v.importError()
	case err != nil:
		if !v.parseError(err) {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		return nil, v.importError()
	case !isHeader(rec):
		v.fail(1, "", fmt.Sprintf("the first row is %s; it must be %s", quote(strings.Join(rec, ",")), Header))
		return nil, v.importError()
	}

	rows := 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !v.parseError(err) {
				return nil, fmt.Errorf("catalog: %w", err)
			}
		} else {
			v.row(rec)
		}
		rows++
		if opt.Progress != nil && rows%progressPeriod == 0 {
			opt.Progress(rows)
		}
	}
	if v.nErr > 0 {
		return nil, v.importError()
	}
	if v.items == nil {
		v.items = []sale.Item{}
	}
	return v.items, nil
}

func isHeader(rec []string) bool {
	if len(rec) != numColumns {
		return false
	}
	for i, c := range columns {
		if rec[i] != c {
			return false
		}
	}
	return true
}

type codeOwner struct {
	sku  string
	line int
}

type validator struct {
	opt   Options
	cr    *csv.Reader
	skus  map[string]int       // sku -> line first seen
	codes map[string]codeOwner // barcode key -> first owner
	max   money.Amount

	items []sale.Item
	arena []string // backing store for Item.Barcodes, to avoid one allocation per row

	errs []RowError
	nErr int
}

func (v *validator) fail(line int, field, reason string) {
	v.nErr++
	if len(v.errs) < MaxImportRows {
		v.errs = append(v.errs, RowError{Line: line, Field: field, Reason: reason})
	}
	v.items = nil // nothing will be returned, so stop holding items
}

func (v *validator) importError() *ImportError {
	return &ImportError{Rows: v.errs, More: v.nErr - len(v.errs)}
}

// parseError records a CSV syntax error; it reports false for errors that
// are not about the file's content.
func (v *validator) parseError(err error) bool {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return false
	}
	reason := fmt.Sprintf("column %d: %v", pe.Column, pe.Err)
	if pe.StartLine != 0 && pe.StartLine != pe.Line {
		reason += fmt.Sprintf(" (in the row starting on line %d)", pe.StartLine)
	}
	v.fail(pe.Line, "", reason)
	return true
}

func (v *validator) line(field int) int {
	l, _ := v.cr.FieldPos(field)
	return l
}

func (v *validator) row(rec []string) {
	start := v.line(0)
	if len(rec) != numColumns {
		v.fail(start, "", fmt.Sprintf("has %d fields, want %d (%s)", len(rec), numColumns, Header))
		return
	}
	errsBefore := v.nErr
	bad := func(col int, reason string) { v.fail(v.line(col), columns[col], reason) }

	it := sale.Item{SKU: rec[colSKU], Name: rec[colName], TaxClass: rec[colTaxClass], TicketSaleID: rec[colTicket]}

	if reason := checkID(it.SKU, MaxSKULen); reason != "" {
		bad(colSKU, reason)
	} else if first, dup := v.skus[it.SKU]; dup {
		bad(colSKU, fmt.Sprintf("%s repeated; first on line %d", quote(it.SKU), first))
	} else {
		v.skus[it.SKU] = v.line(colSKU)
	}

	it.Barcodes = v.barcodes(rec[colBarcodes], it.SKU, bad)

	switch n := it.Name; {
	case strings.TrimSpace(n) == "":
		bad(colName, "empty")
	case !utf8.ValidString(n):
		bad(colName, "not valid UTF-8 (save the file as UTF-8)")
	case utf8.RuneCountInString(n) > MaxNameLen:
		bad(colName, fmt.Sprintf("longer than %d characters", MaxNameLen))
	}

	price, reason := v.price(rec[colPrice])
	if reason != "" {
		bad(colPrice, reason)
	}
	it.Price = price

	if !v.opt.TaxClasses[it.TaxClass] {
		if it.TaxClass == "" {
			bad(colTaxClass, "empty")
		} else {
			bad(colTaxClass, fmt.Sprintf("unknown class %s", quote(it.TaxClass)))
		}
	}

	if f := rec[colFlags]; f != "" {
		for flag := range strings.SplitSeq(f, "|") {
			switch flag {
			case sale.FlagNonDiscountable:
				it.NonDiscountable = true
			case sale.FlagWeighed:
				it.Weighed = true
			default:
				bad(colFlags, fmt.Sprintf("unknown flag %s (want %s or %s)", quote(flag), sale.FlagNonDiscountable, sale.FlagWeighed))
			}
		}
	}

	if t := it.TicketSaleID; t != "" {
		if reason := checkID(t, MaxTicketLen); reason != "" {
			bad(colTicket, reason)
		}
	}

	if v.nErr == errsBefore && errsBefore == 0 {
		v.items = append(v.items, it)
	}
}

// barcodes validates a "|"-separated list and returns the lookup keys.
func (v *validator) barcodes(field, sku string, bad func(int, string)) []string {
	if field == "" {
		return nil
	}
	n := strings.Count(field, "|") + 1
	if cap(v.arena)-len(v.arena) < n {
		v.arena = make([]string, 0, max(n, 4096))
	}
	start := len(v.arena)
	for code := range strings.SplitSeq(field, "|") {
		key, reason := barcodeKey(code)
		if reason != "" {
			bad(colBarcodes, reason)
			continue
		}
		if o, dup := v.codes[key]; dup {
			bad(colBarcodes, fmt.Sprintf("%s already used by SKU %s on line %d", quote(code), quote(o.sku), o.line))
			continue
		}
		v.codes[key] = codeOwner{sku: sku, line: v.line(colBarcodes)}
		v.arena = append(v.arena, key)
	}
	end := len(v.arena)
	if end == start {
		return nil
	}
	return v.arena[start:end:end] // capped so an append by a user never overwrites a neighbour
}

// barcodeKey returns the lookup key of a catalog barcode, or why it is bad.
func barcodeKey(code string) (key, reason string) {
	switch {
	case code == "":
		return "", "empty barcode (a stray | ?)"
	case len(code) > MaxBarcodeLen:
		return "", fmt.Sprintf("barcode longer than %d bytes", MaxBarcodeLen)
	case hasBadRune(code):
		return "", fmt.Sprintf("barcode %s contains whitespace or control characters", quote(code))
	case isStem(code):
		return code, ""
	}
	key, err := barcode.NormalizeKey(code)
	if err != nil {
		var cd *barcode.CheckDigitError
		if errors.As(err, &cd) {
			return "", fmt.Sprintf("%s: wrong %s check digit %c, expected %c", quote(code), cd.Symbology, cd.Got, cd.Want)
		}
		return "", fmt.Sprintf("%s: %v", quote(code), err)
	}
	return key, ""
}

// isStem reports a 7-digit stem 20xxxxx..29xxxxx of price/weight-embedded
// labels.
func isStem(s string) bool {
	if len(s) != 7 || s[0] != '2' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (v *validator) price(s string) (money.Amount, string) {
	switch {
	case s == "":
		return 0, "empty"
	case strings.HasPrefix(s, "-"):
		return 0, fmt.Sprintf("%s is negative", quote(s))
	case len(s) > 40:
		return 0, fmt.Sprintf("%s is not an amount", quote(s))
	}
	a, err := v.opt.Currency.Parse(s)
	if err != nil {
		msg := err.Error()
		rest, ok := strings.CutPrefix(msg, money.ErrFormat.Error()+": ")
		if !ok || rest == strconv.Quote(s) {
			return 0, fmt.Sprintf("%s is not an amount", quote(s))
		}
		return 0, rest
	}
	if a > v.max {
		return 0, fmt.Sprintf("%s is above %d", quote(s), MaxPriceMajor)
	}
	return a, ""
}

// checkID validates an identifier such as an SKU: non-empty, at most max
// characters, nothing invisible or ambiguous in it.
func checkID(s string, maxLen int) string {
	switch {
	case s == "":
		return "empty"
	case !utf8.ValidString(s):
		return "not valid UTF-8"
	case utf8.RuneCountInString(s) > maxLen:
		return fmt.Sprintf("longer than %d characters", maxLen)
	case hasBadRune(s):
		return fmt.Sprintf("%s contains whitespace or control characters", quote(s))
	}
	return ""
}

// hasBadRune reports whitespace, control or invisible format characters
// (such as a zero-width space), and invalid UTF-8, none of which a clerk
// could type back.
func hasBadRune(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return true
		}
	}
	return false
}

func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// quote quotes s for a message, cut to 40 characters so that a hostile
// input is never echoed back in full.
func quote(s string) string {
	const maxRunes = 40
	n := 0
	for i := range s {
		if n == maxRunes {
			return strconv.Quote(s[:i]) + "…"
		}
		n++
	}
	return strconv.Quote(s)
}
