package swip

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"till/store/money"
)

// Unit is a purchase's unit of quantity.
type Unit string

// The document's units.
const (
	Pieces    Unit = "PIECES"
	Kilograms Unit = "KILOGRAMS"
	Liters    Unit = "LITERS"
)

// Line is one purchase of the cart, in the till's integer minor units.
type Line struct {
	// ID is the purchase's UUID; empty derives one from the order's id and
	// the line's position, so a retried create sends the same bytes.
	ID        string
	ParentID  string // the line a modifier belongs to
	ProductID string // the item's SKU
	Name      string // required
	Quantity  int64  // pieces, or grams when Grams
	Grams     bool   // sold by weight: sent as KILOGRAMS with three decimals
	Price     money.Amount
	Amount    money.Amount // the line's amount as the till rounded it
}

// OrderRequest is what CreateOrder sends.
type OrderRequest struct {
	// ID is merchantOrderId: a UUID the till makes, which SWiP uses as the
	// order's id too (NOTES).
	ID     string
	Number string // merchantOrderNumber, printed on the receipt; optional
	Lines  []Line // at least one
	// Total is what the customer owes before SWiP's loyalty: total and
	// totalOriginal on the wire. SWiP lowers total by the discount.
	Total money.Amount
	// SaleDate is saleDate; zero means now.
	SaleDate time.Time
	// SessionCode is the QR code's text; empty lets SWiP make one.
	SessionCode string
}

// Status is an order's orderStatus.
type Status string

// The document's two order states.
const (
	Open   Status = "OPEN"
	Closed Status = "CLOSED"
)

// Order is SWiP's Order object, amounts in minor units. Members the till
// does not use are ignored, as the document asks.
type Order struct {
	ID              string
	MerchantOrderID string
	Number          string // merchantOrderNumber
	Status          Status
	SessionCode     string // the QR code's text
	// Total is what the customer pays, after SWiP's loyalty;
	// TotalOriginal is before it.
	Total         money.Amount
	TotalOriginal money.Amount
	Paid          money.Amount // paid in the app (confirmed by the bank)
	Unconfirmed   money.Amount // paid in the app, not yet confirmed by the till
	Refunded      money.Amount
	CloseAmount   money.Amount
	// Cash marks an alternative payment method: the customer chose to pay
	// cash or card at the till (scenario 2).
	Cash              bool
	CustomerID        string
	DiscountCard      string
	PaymentMethod     string // CARD, CREDIT, CASH
	PaymentSystem     string // AMEX, VISA, MASTERCARD, ...
	PAN               string // masked card number
	RRN               string
	AuthorizationCode string
	Error             string // the last payment error, e.g. a declined card
	Slip              string // bank text for the receipt, 80 columns
}

// Discount is SWiP's loyalty discount: totalOriginal - total.
func (o Order) Discount() money.Amount { return o.TotalOriginal - o.Total }

// IsPaid says whether the customer has paid in the app: paid >= total
// (NOTES), for an order that costs something.
func (o Order) IsPaid() bool { return o.Total > 0 && o.Paid >= o.Total }

// Captured is what the closed order took through SWiP: the close amount,
// at most what was paid. Refunds and reverses are bounded by it.
func (o Order) Captured() money.Amount {
	if o.Status != Closed {
		return 0
	}
	return min(o.Paid, o.CloseAmount)
}

// Refundable is what is left to refund or reverse.
func (o Order) Refundable() money.Amount { return max(o.Captured()-o.Refunded, 0) }

// Result is the answer to a refund or a reverse.
type Result struct {
	Status      string // "SUCCESS" (a FAIL is returned as an *Error)
	Slip        string
	Description string
	// Order is the order after the operation when the answer was lost and
	// a look-up confirmed it; nil otherwise.
	Order *Order
}

// LoyaltyRequest is what LoyaltyCalculation sends.
type LoyaltyRequest struct {
	ID    string // merchantOrderId: a UUID
	Lines []Line
	Total money.Amount
}

// Loyalty is the anonymous discount SWiP offers every customer.
type Loyalty struct {
	DiscountOriginal money.Amount // before SWiP's rounding
	Discount         money.Amount // after it
	Lines            []LoyaltyLine
	TotalBefore      money.Amount // totalBeforeCalc
	Total            money.Amount // after the discount
}

// LoyaltyLine is one loyalty program's part of the discount.
type LoyaltyLine struct {
	ProgramID   int64
	Description string
	Discount    money.Amount
}

// Request bodies are structs so the member order, and the bytes sent,
// are fixed.
type (
	purchaseWire struct {
		ID        string      `json:"id"`
		ParentID  string      `json:"parentId,omitempty"`
		ProductID string      `json:"productId,omitempty"`
		Name      string      `json:"name"`
		Quantity  json.Number `json:"quantity"`
		Unit      Unit        `json:"unit"`
		Price     json.Number `json:"price"`
		Amount    json.Number `json:"amount"`
	}
	orderWire struct {
		MerchantOrderID     string         `json:"merchantOrderId"`
		MerchantOrderNumber string         `json:"merchantOrderNumber,omitempty"`
		MerchantCashier     string         `json:"merchantCashier"`
		MerchantCashierID   string         `json:"merchantCashierId,omitempty"`
		Purchases           []purchaseWire `json:"purchases"`
		SaleDate            int64          `json:"saleDate"`
		SessionCode         string         `json:"sessionCode"`
		Total               json.Number    `json:"total"`
		TotalOriginal       json.Number    `json:"totalOriginal"`
	}
	closeWire struct {
		Amount json.Number `json:"amount"`
	}
	moneyBackWire struct {
		Amount          json.Number `json:"amount,omitempty"`
		MerchantID      string      `json:"merchantId"`
		MerchantOrderID string      `json:"merchantOrderId"`
	}
	loyaltyWire struct {
		MerchantOrderID string         `json:"merchantOrderId"`
		Purchases       []purchaseWire `json:"purchases"`
		Total           json.Number    `json:"total"`
	}
)

func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings and numbers always marshal
	}
	return b
}

// purchaseSpace derives purchase ids from the order's id.
var purchaseSpace = uuid.MustParse("3d0a6f6e-8b5c-4e2f-9a71-5c2b1e9d7f40")

// purchases checks lines and writes them for the wire.
func (c *Client) purchasesWire(orderID string, lines []Line) ([]purchaseWire, error) {
	if len(lines) == 0 {
		return nil, errors.New("no purchases")
	}
	out := make([]purchaseWire, len(lines))
	for i, l := range lines {
		switch {
		case strings.TrimSpace(l.Name) == "" || !textSafe(l.Name):
			return nil, fmt.Errorf("line %d: name is empty or has control characters", i+1)
		case l.Quantity <= 0:
			return nil, fmt.Errorf("line %d: quantity must be positive", i+1)
		case l.Price < 0 || l.Amount < 0:
			return nil, fmt.Errorf("line %d: price and amount must not be negative", i+1)
		case l.ID != "" && !validUUID(l.ID):
			return nil, fmt.Errorf("line %d: id is not a UUID", i+1)
		case !textSafe(l.ProductID) || !textSafe(l.ParentID):
			return nil, fmt.Errorf("line %d: productId or parentId has control characters", i+1)
		}
		id := l.ID
		if id == "" {
			id = uuid.NewSHA1(purchaseSpace, []byte(orderID+"/"+strconv.Itoa(i))).String()
		}
		unit := Pieces
		if l.Grams {
			unit = Kilograms
		}
		out[i] = purchaseWire{
			ID: id, ParentID: l.ParentID, ProductID: l.ProductID, Name: l.Name,
			Quantity: quantityNumber(l.Quantity, l.Grams), Unit: unit,
			Price: fromMinor(l.Price, c.cur), Amount: fromMinor(l.Amount, c.cur),
		}
	}
	return out, nil
}

// ErrUnreadable reports a 2xx answer that is not what the document
// promises: it is never taken for a payment.
var ErrUnreadable = errors.New("unreadable answer")

func unreadable(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrUnreadable, fmt.Sprintf(format, a...))
}

// object decodes exactly one JSON object, numbers as json.Number so that
// amounts keep their text. Members are then looked up by exact name
// (encoding/json would match struct fields case-insensitively).
func object(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, unreadable("not a JSON object")
	}
	if m == nil {
		return nil, unreadable("null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, unreadable("data after the object")
	}
	return m, nil
}

// str reads a string member; absent or null is "" unless required.
func str(m map[string]any, name string, required bool) (string, error) {
	v, ok := m[name]
	if !ok || v == nil {
		if required {
			return "", unreadable("%s missing", name)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", unreadable("%s is not a string", name)
	}
	return s, nil
}

// amount reads a number member in major units; absent or null is 0
// unless required.
func (c *Client) amount(m map[string]any, name string, required bool) (money.Amount, error) {
	return amountOf(m, name, required, c.cur)
}

func amountOf(m map[string]any, name string, required bool, cur money.Currency) (money.Amount, error) {
	v, ok := m[name]
	if !ok || v == nil {
		if required {
			return 0, unreadable("%s missing", name)
		}
		return 0, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, unreadable("%s is not a number", name)
	}
	a, err := toMinor(string(n), cur)
	if err != nil {
		return 0, unreadable("%s: %v", name, err)
	}
	return a, nil
}

func boolean(m map[string]any, name string) (bool, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, unreadable("%s is not a boolean", name)
	}
	return b, nil
}

// maxSlip bounds the bank slip kept from an order.
const maxSlip = 8 << 10

// decodeOrder reads an Order object strictly: the order asked for, a known
// status, and amounts that are exact in the currency. wantTotal, when not
// 0, is the totalOriginal the till sent.
func (c *Client) decodeOrder(body []byte, id string, wantTotal money.Amount) (Order, error) {
	m, err := object(body)
	if err != nil {
		return Order{}, err
	}
	var o Order
	if o.ID, err = str(m, "id", true); err != nil {
		return Order{}, err
	}
	if !sameID(o.ID, id) {
		return Order{}, unreadable("an answer about another order")
	}
	o.ID = id
	if o.MerchantOrderID, err = str(m, "merchantOrderId", false); err != nil {
		return Order{}, err
	}
	if o.MerchantOrderID != "" && !sameID(o.MerchantOrderID, id) {
		return Order{}, unreadable("merchantOrderId is another order's")
	}
	status, err := str(m, "orderStatus", true)
	if err != nil {
		return Order{}, err
	}
	o.Status = Status(status)
	if o.Status != Open && o.Status != Closed {
		return Order{}, unreadable("unknown orderStatus")
	}
	for _, f := range []struct {
		name     string
		dst      *money.Amount
		required bool
	}{
		{"total", &o.Total, true},
		{"totalOriginal", &o.TotalOriginal, true},
		{"paid", &o.Paid, false},
		{"unconfirmed", &o.Unconfirmed, false},
		{"refunded", &o.Refunded, false},
		{"closeAmount", &o.CloseAmount, false},
	} {
		if *f.dst, err = c.amount(m, f.name, f.required); err != nil {
			return Order{}, err
		}
	}
	switch {
	case o.Total > o.TotalOriginal:
		return Order{}, unreadable("total exceeds totalOriginal")
	case wantTotal != 0 && o.TotalOriginal != wantTotal:
		return Order{}, unreadable("totalOriginal %s, the till asked for %s", c.cur.Plain(o.TotalOriginal), c.cur.Plain(wantTotal))
	}
	if o.Cash, err = boolean(m, "cash"); err != nil {
		return Order{}, err
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"merchantOrderNumber", &o.Number},
		{"sessionCode", &o.SessionCode},
		{"customerId", &o.CustomerID},
		{"discountCard", &o.DiscountCard},
		{"paymentMethod", &o.PaymentMethod},
		{"paymentSystem", &o.PaymentSystem},
		{"pan", &o.PAN},
		{"rrn", &o.RRN},
		{"authorizationCode", &o.AuthorizationCode},
		{"error", &o.Error},
		{"slip", &o.Slip},
	} {
		if *f.dst, err = str(m, f.name, false); err != nil {
			return Order{}, err
		}
		switch f.name {
		case "sessionCode":
			// Not cut: a cut code would make a QR code that does not
			// work. Pay refuses one too long to show.
			*f.dst = strings.ReplaceAll(*f.dst, c.cfg.Token, "[redacted]")
		case "slip":
			*f.dst = c.clean(*f.dst, maxSlip)
		default:
			*f.dst = c.clean(*f.dst, maxText)
		}
	}
	return o, nil
}

// decodeResult reads a refund's or reverse's answer. A FAIL is returned
// as an *Error with the answer's code.
func (c *Client) decodeResult(status int, body []byte) (Result, error) {
	m, err := object(body)
	if err != nil {
		return Result{}, err
	}
	var r Result
	if r.Status, err = str(m, "status", true); err != nil {
		return Result{}, err
	}
	if r.Slip, err = str(m, "slip", false); err != nil {
		return Result{}, err
	}
	if r.Description, err = str(m, "description", false); err != nil {
		return Result{}, err
	}
	r.Slip, r.Description = c.clean(r.Slip, maxSlip), c.clean(r.Description, maxText)
	code, ok := codeOf(m["code"])
	if _, present := m["code"]; present && m["code"] != nil && !ok {
		return Result{}, unreadable("code is neither a number nor a name")
	}
	switch r.Status {
	case "SUCCESS":
		if ok && code != "0" {
			return Result{}, unreadable("SUCCESS with error code %s", code)
		}
		return r, nil
	case "FAIL":
		if !ok || code == "0" {
			code = "fail"
		}
		return Result{}, &Error{Status: status, Code: code, Description: r.Description}
	}
	return Result{}, unreadable("unknown status")
}

// decodeLoyalty reads a loyalty calculation.
func (c *Client) decodeLoyalty(body []byte) (Loyalty, error) {
	m, err := object(body)
	if err != nil {
		return Loyalty{}, err
	}
	var l Loyalty
	if l.TotalBefore, err = c.amount(m, "totalBeforeCalc", true); err != nil {
		return Loyalty{}, err
	}
	if l.Total, err = c.amount(m, "total", true); err != nil {
		return Loyalty{}, err
	}
	res, ok := m["discountCalcResult"].(map[string]any)
	if !ok {
		return Loyalty{}, unreadable("discountCalcResult is not an object")
	}
	if l.Discount, err = c.amount(res, "discount", true); err != nil {
		return Loyalty{}, err
	}
	if l.DiscountOriginal, err = c.amount(res, "discountOriginal", false); err != nil {
		return Loyalty{}, err
	}
	if raw, ok := res["lines"]; ok && raw != nil {
		lines, ok := raw.([]any)
		if !ok {
			return Loyalty{}, unreadable("lines is not an array")
		}
		for _, item := range lines {
			lm, ok := item.(map[string]any)
			if !ok {
				return Loyalty{}, unreadable("a line is not an object")
			}
			var ll LoyaltyLine
			if n, ok := lm["programId"].(json.Number); ok {
				if ll.ProgramID, err = strconv.ParseInt(string(n), 10, 64); err != nil {
					return Loyalty{}, unreadable("programId is not an integer")
				}
			} else if lm["programId"] != nil {
				return Loyalty{}, unreadable("programId is not a number")
			}
			if ll.Description, err = str(lm, "description", false); err != nil {
				return Loyalty{}, err
			}
			ll.Description = c.clean(ll.Description, maxText)
			if ll.Discount, err = c.amount(lm, "discount", true); err != nil {
				return Loyalty{}, err
			}
			l.Lines = append(l.Lines, ll)
		}
	}
	if l.Total > l.TotalBefore || l.Discount > l.TotalBefore {
		return Loyalty{}, unreadable("the discount exceeds the total")
	}
	return l, nil
}

// FieldError is one entry of an error object's fieldErrors.
type FieldError struct {
	Field      string
	Message    string
	ObjectName string
}

// Error is SWiP's error object (or a FAIL answer to a refund or reverse),
// or a refusal the adapter made before sending (Status 0).
type Error struct {
	Status int // HTTP status; 0 when nothing was sent
	// Code is the document's code as text ("28"), a name from its HTTP
	// table ("too_many_request"), or "http_<status>" when the answer
	// carried none.
	Code        string
	Description string // the provider's text, capped, token removed
	FieldErrors []FieldError
	RetryAfter  time.Duration // a 429's or 503's Retry-After
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Status == 0 {
		b.WriteString("swip: refused before sending: ")
	} else {
		fmt.Fprintf(&b, "swip: HTTP %d: ", e.Status)
	}
	b.WriteString("code " + e.Code)
	if name, ok := codeNames[e.Code]; ok {
		b.WriteString(" (" + name + ")")
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	for _, f := range e.FieldErrors {
		b.WriteString("; " + f.Field + ": " + f.Message)
	}
	return b.String()
}

// Reason is the clerk's message for the error.
func (e *Error) Reason() string { return codeReason(e.Code) }

var (
	codeRE   = regexp.MustCompile(`"code"\s*:\s*(-?\d{1,6}|"[A-Za-z0-9_.\-]{1,64}")`)
	descRE   = regexp.MustCompile(`"description"\s*:\s*("(?:[^"\\]|\\.)*")`)
	codeOK   = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,64}$`)
	numberOK = regexp.MustCompile(`^(0|[1-9][0-9]{0,5})$`)
)

// codeOf reads a code: an integer, or a name.
func codeOf(v any) (string, bool) {
	switch x := v.(type) {
	case json.Number:
		if numberOK.MatchString(string(x)) {
			return string(x), true
		}
	case string:
		if codeOK.MatchString(x) {
			return x, true
		}
	}
	return "", false
}

// maxFieldErrors bounds what is kept of fieldErrors.
const maxFieldErrors = 10

// decodeError reads an error answer. The document's examples carry
// comments and trailing commas (NOTES: the real wire is plain JSON), so
// a body that does not parse still gives its code and description by
// pattern; failing that, the code is the HTTP status.
func (c *Client) decodeError(status int, body []byte) *Error {
	e := &Error{Status: status}
	if m, err := object(body); err == nil {
		e.Code, _ = codeOf(m["code"])
		e.Description, _ = str(m, "description", false)
		if list, ok := m["fieldErrors"].([]any); ok {
			for _, item := range list {
				fm, ok := item.(map[string]any)
				if !ok || len(e.FieldErrors) == maxFieldErrors {
					continue
				}
				var f FieldError
				f.Field, _ = str(fm, "field", false)
				f.Message, _ = str(fm, "message", false)
				f.ObjectName, _ = str(fm, "objectName", false)
				f.Field, f.Message, f.ObjectName = c.clean(f.Field, 100), c.clean(f.Message, 200), c.clean(f.ObjectName, 100)
				e.FieldErrors = append(e.FieldErrors, f)
			}
		}
	} else {
		if m := codeRE.FindSubmatch(body); m != nil {
			e.Code = strings.Trim(string(m[1]), `"`)
			if !numberOK.MatchString(e.Code) && !codeOK.MatchString(e.Code) {
				e.Code = ""
			}
		}
		if m := descRE.FindSubmatch(body); m != nil {
			if err := json.Unmarshal(m[1], &e.Description); err != nil {
				e.Description = string(m[1][1 : len(m[1])-1])
			}
		}
	}
	if e.Code == "" || e.Code == "0" {
		e.Code = "http_" + strconv.Itoa(status)
	}
	e.Description = c.clean(e.Description, maxText)
	return e
}

// maxText caps provider text kept in an outcome or error; the UI
// sanitises it.
const maxText = 500

func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := max(n-len(ellipsis), 0)
	for back := 0; cut > 0 && back < utf8.UTFMax && !utf8.RuneStart(s[cut]); back++ {
		cut--
	}
	return s[:cut] + ellipsis
}

// clean caps provider or transport text and removes the token from it, in
// case a server or proxy echoes the Authorization header.
func (c *Client) clean(s string, n int) string {
	s = strings.ReplaceAll(s, c.cfg.Token, "[redacted]")
	return capText(strings.ToValidUTF8(s, "\uFFFD"), n)
}

// validUUID accepts only the canonical 36-character form.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// sameID compares an id SWiP sent with the one the till made; UUIDs are
// compared as UUIDs (case aside).
func sameID(got, want string) bool {
	if got == want {
		return true
	}
	return validUUID(got) && validUUID(want) && strings.EqualFold(got, want)
}
