package ticketbao

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"till/store/sanitize"
)

// Limits checked before sending. The document gives none; these keep ids
// to what fits a receipt and a journal line.
const (
	MaxIDLen    = 64  // channelOrderId, pass2uOrderId, productSaleId
	MaxMailLen  = 254 // mailTo (RFC 5321's path limit)
	MaxQuantity = 999 // tickets in one order
)

// GenerateRequest is a generate, as the journal stores it. One order is
// for one product, as in the document.
type GenerateRequest struct {
	// ChannelOrderID is the till's own sale id: the idempotency key.
	ChannelOrderID string `json:"channel_order_id"`
	ProductSaleID  string `json:"product_sale_id"`
	Quantity       int    `json:"quantity"`
	// MailTo, when set, gets Pass2U's order e-mail.
	MailTo     string     `json:"mail_to,omitempty"`
	PickupType PickupType `json:"pickup_type,omitempty"` // default Config.PickupType
}

// QueryRequest asks for an order by exactly one of its two ids.
type QueryRequest struct {
	Pass2UOrderID  string     `json:"pass2u_order_id,omitempty"`
	ChannelOrderID string     `json:"channel_order_id,omitempty"`
	ProductSaleID  string     `json:"product_sale_id"` // required by the document
	PickupType     PickupType `json:"pickup_type,omitempty"`
}

// RefundRequest refunds Quantity tickets of an order (Pass2U picks which).
type RefundRequest struct {
	Pass2UOrderID  string     `json:"pass2u_order_id"`
	ChannelOrderID string     `json:"channel_order_id"`
	ProductSaleID  string     `json:"product_sale_id"`
	Quantity       int        `json:"quantity"`
	MailTo         string     `json:"mail_to,omitempty"`
	PickupType     PickupType `json:"pickup_type,omitempty"`
	// Before is how many of the order's tickets were refunded before this
	// refund (Order.Refunded of a query made before the first attempt).
	// It must stay the same on every replay: a query showing Before +
	// Quantity refunded means this refund took effect already.
	Before int `json:"before"`
}

// VoucherStatus is a ticket's status.
type VoucherStatus string

// The document's statuses; "refund" on the wire is read as Refunded.
const (
	NotPickedUp VoucherStatus = "notPickedup"
	PickedUp    VoucherStatus = "pickedup"
	Redeemed    VoucherStatus = "redeemed"
	Refunded    VoucherStatus = "refunded"
	Expired     VoucherStatus = "expired"
)

// Voucher is one ticket of an order (pickupType voucher).
type Voucher struct {
	BarcodeMessage   string // what the venue scans
	Status           VoucherStatus
	StatusUpdateTime time.Time
	VoucherURL       string // opening it picks the ticket up
}

// Order is a ticket order as Pass2U reports it. Text is sanitised and
// capped; a URL that is not http or https is dropped.
type Order struct {
	Pass2UOrderID  string
	ProductSaleID  string
	ChannelOrderID string
	MailTo         string
	OrderURL       string // pickupType order: the order's page
	OrderPasscode  string // pickupType order: the page's passcode
	ExpirationDate time.Time
	CreatedTime    time.Time
	Vouchers       []Voucher // pickupType voucher
	// Found is set when Generate got the order from a query (after a
	// repeated or unanswered generate) rather than from its own answer:
	// it had been generated before, and was not generated again.
	Found bool
}

// Refunded counts the refunded tickets.
func (o Order) Refunded() int {
	n := 0
	for _, v := range o.Vouchers {
		if v.Status == Refunded {
			n++
		}
	}
	return n
}

// RefundResult is the answer to a refund.
type RefundResult struct {
	Order Order // as the refund's answer, or the query that confirmed it, shows it
	// AlreadyDone: the query before sending found the refund made (a
	// replay of a refund whose answer was lost); nothing was sent.
	AlreadyDone bool
	// Verified: the refund's answer was lost or unclear, and a query
	// showed it took effect.
	Verified bool
}

// wireRequest is every call's body; empty members are left out. A struct
// fixes the member order, so a retry sends the same bytes.
type wireRequest struct {
	Pass2UOrderID  string `json:"pass2uOrderId,omitempty"`
	ProductSaleID  string `json:"productSaleId"`
	ChannelOrderID string `json:"channelOrderId,omitempty"`
	MailTo         string `json:"mailTo,omitempty"`
	Quantity       int    `json:"quantity,omitempty"`
	PickupType     string `json:"pickupType"`
}

func encode(w wireRequest) []byte {
	b, err := json.Marshal(w)
	if err != nil {
		panic(err) // strings and an int always marshal
	}
	return b
}

func (c *Client) pickup(p PickupType) PickupType {
	if p == "" {
		return c.cfg.PickupType
	}
	return p
}

// check refuses, before sending, what Pass2U would refuse or what could
// not travel; the message is for the clerk. counted: the call sells or
// refunds tickets, so it needs a quantity.
func check(r wireRequest, counted bool) error {
	for _, f := range []struct{ name, v string }{
		{"pass2uOrderId", r.Pass2UOrderID}, {"channelOrderId", r.ChannelOrderID}, {"productSaleId", r.ProductSaleID},
	} {
		if len(f.v) > MaxIDLen || !visibleASCII(f.v) {
			return notSent(fmt.Sprintf("The %s must be at most %d letters, digits or signs, without spaces.", f.name, MaxIDLen))
		}
	}
	switch {
	case r.ProductSaleID == "":
		return notSent("No ticket product (productSaleId) was given.")
	case !PickupType(r.PickupType).valid():
		return notSent("The pickup type must be order or voucher.")
	case counted && (r.Quantity < 1 || r.Quantity > MaxQuantity):
		return notSent(fmt.Sprintf("The ticket quantity must be between 1 and %d.", MaxQuantity))
	case r.MailTo != "" && !validMail(r.MailTo):
		return notSent(fmt.Sprintf("The e-mail address is not valid (at most %d characters, like name@example.com).", MaxMailLen))
	}
	return nil
}

func validMail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && len(s) <= MaxMailLen && a.Name == "" && a.Address == s
}

// object decodes exactly one JSON object. Members are then read by exact
// name (encoding/json would match struct fields case-insensitively).
func object(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, unreadable("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, unreadable("data after the object")
	}
	return m, nil
}

// str reads a string member; absent or null is "".
func str(m map[string]any, name string) (string, error) {
	switch v := m[name].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	}
	return "", unreadable("%s is not a string", name)
}

// when reads a time member. A time in another format is left zero: it
// must not make a sold ticket unreadable.
func when(m map[string]any, name string) time.Time {
	s, _ := m[name].(string)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// link keeps an http or https URL, cleaned; anything else is dropped, so
// that no other scheme reaches a QR code or the screen.
func (c *Client) link(s string) string {
	s = c.clean(s, maxURL)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, " …") {
		return ""
	}
	return s
}

// Caps on text kept from an answer.
const (
	maxText = 300
	maxURL  = 2048
)

// decodeOrder reads an order answer. The answer must be about an order
// (pass2uOrderId) and its vouchers well formed; other members are read
// leniently.
func (c *Client) decodeOrder(body []byte) (Order, error) {
	m, err := object(body)
	if err != nil {
		return Order{}, err
	}
	var o Order
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"pass2uOrderId", &o.Pass2UOrderID},
		{"productSaleId", &o.ProductSaleID},
		{"channelOrderId", &o.ChannelOrderID},
		{"mailTo", &o.MailTo},
		{"orderUrl", &o.OrderURL},
		{"orderPasscode", &o.OrderPasscode},
	} {
		if *f.dst, err = str(m, f.name); err != nil {
			return Order{}, err
		}
	}
	if o.Pass2UOrderID = c.clean(o.Pass2UOrderID, MaxIDLen); strings.TrimSpace(o.Pass2UOrderID) == "" {
		return Order{}, unreadable("no pass2uOrderId")
	}
	o.ProductSaleID = c.clean(o.ProductSaleID, MaxIDLen)
	o.ChannelOrderID = c.clean(o.ChannelOrderID, MaxIDLen)
	o.MailTo = c.clean(o.MailTo, MaxMailLen)
	o.OrderURL = c.link(o.OrderURL)
	o.OrderPasscode = c.clean(sanitize.Code(o.OrderPasscode), maxText)
	// The document's member name is misspelt (NOTES: keep it).
	o.ExpirationDate = when(m, "expriationDate")
	o.CreatedTime = when(m, "createdTime")
	if o.Vouchers, err = c.vouchers(m["vouchers"]); err != nil {
		return Order{}, err
	}
	return o, nil
}

func (c *Client) vouchers(raw any) ([]Voucher, error) {
	if raw == nil {
		return nil, nil
	}
	list, ok := raw.([]any)
	if !ok || len(list) > MaxQuantity {
		return nil, unreadable("vouchers is not a list of at most %d", MaxQuantity)
	}
	out := make([]Voucher, 0, len(list))
	for i, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, unreadable("voucher %d is not an object", i+1)
		}
		var v Voucher
		var status, link string
		var err error
		if v.BarcodeMessage, err = str(m, "barcodeMessage"); err != nil {
			return nil, err
		}
		if status, err = str(m, "status"); err != nil {
			return nil, err
		}
		if link, err = str(m, "voucherUrl"); err != nil {
			return nil, err
		}
		if v.BarcodeMessage = c.clean(sanitize.Code(v.BarcodeMessage), maxText); v.BarcodeMessage == "" {
			return nil, unreadable("voucher %d has no barcodeMessage", i+1)
		}
		if v.Status, ok = statuses[status]; !ok {
			return nil, unreadable("voucher %d has an unknown status", i+1)
		}
		v.StatusUpdateTime = when(m, "statusUpdateTime")
		v.VoucherURL = c.link(link)
		out = append(out, v)
	}
	return out, nil
}

// statuses maps the wire's statuses to VoucherStatus; "refund" is how the
// document's query and refund sections spell refunded.
var statuses = map[string]VoucherStatus{
	"notPickedup": NotPickedUp,
	"pickedup":    PickedUp,
	"redeemed":    Redeemed,
	"refunded":    Refunded,
	"refund":      Refunded,
	"expired":     Expired,
}

// decodeError reads {"message","type"}. A body that is not that leaves
// both empty: the HTTP status still tells what kind of failure it was.
func (c *Client) decodeError(status int, body []byte) *Error {
	e := &Error{Status: status}
	if m, err := object(body); err == nil {
		e.Message, _ = str(m, "message")
		e.Type, _ = str(m, "type")
	}
	e.Message, e.Type = c.clean(e.Message, maxText), c.clean(e.Type, 64)
	return e
}

// clean makes outside text safe to show, removes the key from it (in case
// a server or proxy echoes the Authorization header) and caps it.
func (c *Client) clean(s string, n int) string {
	s = strings.ReplaceAll(sanitize.Text(s), c.cfg.APIKey, "[redacted]")
	return capText(s, n)
}

func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const ellipsis = "…"
	cut := max(n-len(ellipsis), 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}
