// Package ticketbao is the till's adapter for Pass2U 票務宝 (TicketBao),
// which sells e-tickets: it generates a ticket order, queries it and
// refunds some of its tickets, over the provider's API v1 (with the
// till's NOTES where they settle a point the document leaves open).
//
// The till's own sale id is the order's channelOrderId, which Pass2U keeps
// unique. That makes a generate safe to send again: a repeated one answers
// "channelOrderId Repeated.", and the client then queries the order by
// channelOrderId instead of selling again. A generate whose answer was
// lost (a timeout, a dropped connection, a 5xx) is resolved the same way.
//
// Refunds carry no key of their own, so a refund is never sent blindly:
// RefundRequest.Before is the number of refunded tickets the caller saw
// before asking (Order.Refunded of a query made then, kept in the journal
// with the request), and every Refund first queries the order. Refunded
// already at Before+Quantity means a replayed refund that took effect:
// it is not sent again.
package ticketbao

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"till/providers/httpx"
)

// DefaultBaseURL is the document's service domain.
const DefaultBaseURL = "https://www.pass2u.net/api/v1/public/product"

// DefaultTimeout bounds every request when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// PickupType is how the customer picks up the tickets.
type PickupType string

// The document's two pickup types.
const (
	// PickupOrder: one order page (OrderURL) that opens with OrderPasscode.
	PickupOrder PickupType = "order"
	// PickupVoucher: one URL and barcode a ticket, no passcode.
	PickupVoucher PickupType = "voucher"
)

// Config is the adapter's configuration.
type Config struct {
	BaseURL string // default DefaultBaseURL; a trailing slash is optional
	// APIKey is sent as the Authorization header, as it is. Secret: never
	// in errors, logs, outcomes or String.
	APIKey  string
	Timeout time.Duration // per request; default 10s
	// PickupType is the pickupType of requests that name none; default
	// voucher, which gives the till a barcode and a URL for each ticket.
	PickupType PickupType
}

// String describes the configuration without its key.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("ticketbao.Config{BaseURL: %q, APIKey: %s, Timeout: %v, PickupType: %q}",
		httpx.Redacted(c.BaseURL), key, c.Timeout, c.PickupType)
}

// GoString keeps %#v from printing the key.
func (c Config) GoString() string { return c.String() }

// Client makes the calls of the TicketBao API. Build it with New; it is
// safe for concurrent use.
type Client struct {
	cfg     Config
	base    string // no trailing slash
	header  http.Header
	http    *httpx.Client
	backoff httpx.Backoff
	now     func() time.Time
}

// New checks cfg and returns a client. Errors name the field, never the
// key.
func New(cfg Config, opts ...httpx.Option) (*Client, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := httpx.BaseURL(cfg.BaseURL)
	if err != nil {
		return nil, fmt.Errorf("ticketbao: %w", err)
	}
	switch {
	case cfg.APIKey == "":
		return nil, errors.New("ticketbao: APIKey is empty")
	case !visibleASCII(cfg.APIKey):
		return nil, errors.New("ticketbao: APIKey contains a control character, a space or a non-ASCII character")
	case cfg.Timeout < 0:
		return nil, errors.New("ticketbao: Timeout must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.PickupType == "" {
		cfg.PickupType = PickupVoucher
	}
	if !cfg.PickupType.valid() {
		return nil, fmt.Errorf("ticketbao: PickupType %q is neither order nor voucher", capText(string(cfg.PickupType), 20))
	}

	st := httpx.Build(opts)
	c := &Client{
		cfg:  cfg,
		base: strings.TrimSuffix(u.String(), "/"),
		header: http.Header{
			"Accept":        {"application/json"},
			"Content-Type":  {"application/json; charset=utf-8"},
			"Authorization": {cfg.APIKey},
		},
		backoff: st.Backoff,
	}
	c.now, c.http = st.Now, st.Client
	return c, nil
}

// Name is the provider's configuration name.
func (c *Client) Name() string { return "ticketbao" }

// String describes the client without its key.
func (c *Client) String() string { return "ticketbao client for " + httpx.Redacted(c.base) }

// GoString keeps %#v from printing the key held in the client's headers.
func (c *Client) GoString() string { return c.String() }

func (p PickupType) valid() bool { return p == PickupOrder || p == PickupVoucher }

// visibleASCII accepts printable ASCII without spaces: what a header value
// or an id can carry unchanged.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
