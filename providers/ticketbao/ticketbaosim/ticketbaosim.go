// Package ticketbaosim is an in-memory Pass2U 票務宝 (TicketBao) API v1
// server for tests and demonstrations: POST /generate, /query and /refund
// under DefaultBasePath, with the headers, bodies and error messages of
// the provider's document (and of the till's NOTES where they settle a
// point the document leaves open). It is safe for concurrent use.
//
// # Seeded products
//
// Times are counted from when New runs (by the Sim's clock):
//
//	productSaleId                       what                         generate answers
//	02955ccca3352ef0734a4aecc9f86083    adult ticket, 100 left       an order (the document's example id)
//	02955ccca3352ef0734a4aecc9f86084    child ticket, 50 left        an order
//	02955ccca3352ef0734a4aecc9f86085    sold out, 0 left             quantity Is Not Enough.
//	02955ccca3352ef0734a4aecc9f86086    sale starts in 30 days       Sale Campaign Has Expired.
//	02955ccca3352ef0734a4aecc9f86087    sale ended yesterday         Sale Campaign Has Expired.
//	02955ccca3352ef0734a4aecc9f86088    expiry date malformed        expriationDate Format Error.
//	02955ccca3352ef0734a4aecc9f86089    tickets expired yesterday    expiration Date Is Before Now.
//	02955ccca3352ef0734a4aecc9f8608a    broken at the issuer         Create Trade Fail.
//
// Tickets of the adult and child products expire 180 days after New.
// Any other productSaleId answers "productSaleId Does Not Exist.".
//
// # Orders
//
// A generate makes order "TB" + 12 digits (TB000000000001, ...) with one
// voucher a ticket: barcodeMessage the order's number and the ticket's
// (000001001, 000001002, ...), status notPickedup, a voucherUrl; and an
// orderUrl with a 7-digit orderPasscode. Answers show the order as the
// request's pickupType asks: orderUrl and orderPasscode for order,
// vouchers for voucher. A refunded voucher's status is sent as "refund",
// as the document's query and refund sections spell it. At their expiry,
// unredeemed vouchers become expired. SetVoucherStatus plays the
// customer and the venue (pickedup, redeemed, ...).
//
// Rules, in the order they are checked:
//
//   - Every call: Authorization must be the key as it is (no scheme word),
//     else 401 "Oops! Something Went Wrong."; Accept and Content-Type
//     must be JSON (Content-Type's charset, if any, utf-8), the method
//     POST and the body a JSON object, else a 4xx with the same message.
//     Ids, when present, must be strings.
//   - pickupType must be order or voucher: "pickupType Format Error.";
//     generate's and refund's quantity a whole number from 1 to 10000:
//     "quantity Format Error.".
//   - Generate: a channelOrderId already used answers "channelOrderId
//     Repeated." and changes nothing, whatever else the request says; then
//     the product's rules above; more tickets than are left "quantity Is
//     Not Enough.".
//   - Query: exactly one of pass2uOrderId and channelOrderId, else
//     "Invalid Query Criteria."; an unknown productSaleId as for
//     generate; an unknown order "pass2uOrderId Does Not Exist." or
//     "channelOrderId Does Not Exist"; an order of another productSaleId
//     "Invalid Query Criteria.".
//   - Refund: pass2uOrderId and channelOrderId are both required (missing,
//     the "Does Not Exist" message of the missing one); they and
//     productSaleId must name the same order, else "Invalid Query
//     Criteria."; quantity may not exceed the order's refundable
//     vouchers, those notPickedup or pickedup (redeemed, expired and
//     refunded ones are not): "Refundable Quantity Is Not Enough.". The
//     first refundable vouchers are refunded (the document says Pass2U
//     picks them), and their tickets go back on sale.
//
// Documented messages answer 400, the "Does Not Exist" ones 404, and
// "Create Trade Fail." and "Oops! Something Went Wrong." 500; the latter
// also answers a bad key (401), path (404), method (405), Accept (406),
// Content-Type (415) or body (400).
// FailNext forces any documented message on the next request of a route.
//
// # Faults
//
// SetFault installs transport faults (see simfault.Fault); generate and
// refund are the requests that change state.
package ticketbaosim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"till/providers/simfault"
)

// DefaultAPIKey is the key a Sim expects unless WithAPIKey says otherwise.
const DefaultAPIKey = "ticketbao-sim-key"

// DefaultBasePath is the path part of the document's service domain.
const DefaultBasePath = "/api/v1/public/product"

// The seeded products; see the package comment.
const (
	ProductAdult      = "02955ccca3352ef0734a4aecc9f86083"
	ProductChild      = "02955ccca3352ef0734a4aecc9f86084"
	ProductSoldOut    = "02955ccca3352ef0734a4aecc9f86085"
	ProductNotYet     = "02955ccca3352ef0734a4aecc9f86086"
	ProductEnded      = "02955ccca3352ef0734a4aecc9f86087"
	ProductBadExpiry  = "02955ccca3352ef0734a4aecc9f86088"
	ProductExpired    = "02955ccca3352ef0734a4aecc9f86089"
	ProductTradeFails = "02955ccca3352ef0734a4aecc9f8608a"
)

// The document's error messages, as sent.
const (
	MsgProductNotFound      = "productSaleId Does Not Exist."
	MsgCampaignExpired      = "Sale Campaign Has Expired."
	MsgOrderNotFound        = "pass2uOrderId Does Not Exist."
	MsgNotEnough            = "quantity Is Not Enough."
	MsgExpiryFormat         = "expriationDate Format Error."
	MsgExpiryBeforeNow      = "expiration Date Is Before Now."
	MsgPickupTypeFormat     = "pickupType Format Error."
	MsgChannelRepeated      = "channelOrderId Repeated."
	MsgChannelNotFound      = "channelOrderId Does Not Exist"
	MsgCreateTradeFail      = "Create Trade Fail."
	MsgQuantityFormat       = "quantity Format Error."
	MsgRefundableNotEnough  = "Refundable Quantity Is Not Enough."
	MsgInvalidQueryCriteria = "Invalid Query Criteria."
	MsgOops                 = "Oops! Something Went Wrong."
)

// Messages lists the document's messages in its order, each once.
var Messages = []string{
	MsgProductNotFound, MsgCampaignExpired, MsgOrderNotFound, MsgNotEnough,
	MsgExpiryFormat, MsgExpiryBeforeNow, MsgPickupTypeFormat, MsgChannelRepeated,
	MsgChannelNotFound, MsgCreateTradeFail, MsgQuantityFormat, MsgRefundableNotEnough,
	MsgInvalidQueryCriteria, MsgOops,
}

// Route names a call, for FailNext.
type Route string

// The document's three calls.
const (
	RouteGenerate Route = "generate"
	RouteQuery    Route = "query"
	RouteRefund   Route = "refund"
)

// Fault is a set of transport faults; see simfault for each one.
type Fault = simfault.Fault

// Product is a ticket product on sale to the till.
type Product struct {
	ID, Name           string
	Left               int // tickets left to sell
	SaleStart, SaleEnd time.Time
	Expiry             string // the tickets' expriationDate as sent
	TradeFails         bool   // every generate answers Create Trade Fail.
}

// Voucher is one ticket.
type Voucher struct {
	BarcodeMessage, Status, VoucherURL string // Status as stored: refunded, not refund
	Updated                            time.Time
}

// Order is one generated order.
type Order struct {
	Pass2UOrderID, ChannelOrderID, ProductSaleID string
	MailTo, PickupType                           string // as generated
	OrderURL, OrderPasscode                      string
	Expiry                                       string
	Created                                      time.Time
	Vouchers                                     []Voucher
	Queries                                      int // queries answered about it
}

// Entry is one change the Sim made: Kind "generate" or "refund" of
// Quantity tickets.
type Entry struct {
	At                                           time.Time
	Kind                                         string
	Pass2UOrderID, ChannelOrderID, ProductSaleID string
	Quantity                                     int
}

// Option configures a Sim.
type Option func(*Sim)

// WithAPIKey sets the key the Sim expects in Authorization.
func WithAPIKey(key string) Option { return func(s *Sim) { s.key = key } }

// WithClock sets the clock for sale periods, expiry and timestamps.
func WithClock(now func() time.Time) Option { return func(s *Sim) { s.now = now } }

// WithBasePath sets the path the API lives under ("" for the root).
func WithBasePath(p string) Option { return func(s *Sim) { s.base = strings.TrimSuffix(p, "/") } }

// Sim is the simulated service. Build it with New.
type Sim struct {
	key  string
	now  func() time.Time
	base string

	mu        sync.Mutex
	faults    simfault.Faults
	failNext  map[Route][]string
	products  map[string]*Product
	orders    map[string]*Order // by pass2uOrderId
	byChannel map[string]*Order
	list      []*Order
	ledger    []Entry
}

// taipei is the zone of the document's times.
var taipei = time.FixedZone("UTC+8", 8*60*60)

// New returns a Sim with the seeded products, no orders and no faults.
func New(opts ...Option) *Sim {
	s := &Sim{
		key:       DefaultAPIKey,
		now:       time.Now,
		base:      DefaultBasePath,
		failNext:  map[Route][]string{},
		orders:    map[string]*Order{},
		byChannel: map[string]*Order{},
	}
	for _, o := range opts {
		o(s)
	}
	now := s.now()
	day := 24 * time.Hour
	start, end := now.Add(-30*day), now.Add(365*day)
	valid := now.Add(180 * day).In(taipei).Format(time.RFC3339)
	s.products = map[string]*Product{}
	for _, p := range []Product{
		{ID: ProductAdult, Name: "Adult ticket", Left: 100, SaleStart: start, SaleEnd: end, Expiry: valid},
		{ID: ProductChild, Name: "Child ticket", Left: 50, SaleStart: start, SaleEnd: end, Expiry: valid},
		{ID: ProductSoldOut, Name: "Concert (sold out)", SaleStart: start, SaleEnd: end, Expiry: valid},
		{ID: ProductNotYet, Name: "Summer pass (not on sale yet)", Left: 100, SaleStart: now.Add(30 * day), SaleEnd: end, Expiry: valid},
		{ID: ProductEnded, Name: "Winter pass (sale ended)", Left: 100, SaleStart: start, SaleEnd: now.Add(-day), Expiry: valid},
		{ID: ProductBadExpiry, Name: "Museum ticket (bad expiry date)", Left: 100, SaleStart: start, SaleEnd: end, Expiry: "2015/03/15 13:00"},
		{ID: ProductExpired, Name: "Expo ticket (expired)", Left: 100, SaleStart: start, SaleEnd: end, Expiry: now.Add(-day).In(taipei).Format(time.RFC3339)},
		{ID: ProductTradeFails, Name: "Ferry ticket (issuer failing)", Left: 100, SaleStart: start, SaleEnd: end, Expiry: valid, TradeFails: true},
	} {
		s.products[p.ID] = &p
	}
	return s
}

// Handler returns the Sim as an http.Handler.
func (s *Sim) Handler() http.Handler { return s }

// SetFault replaces the current faults.
func (s *Sim) SetFault(f Fault) { s.faults.Set(f) }

// Fault returns the current faults, with what is left of their counters.
func (s *Sim) Fault() Fault { return s.faults.Get() }

// FailNext makes the next request of route answer msg, one of Messages,
// without doing anything. Calls queue up.
func (s *Sim) FailNext(route Route, msg string) error {
	if !slices.Contains(Messages, msg) {
		return fmt.Errorf("ticketbaosim: %q is not a message of the document", msg)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[route] = append(s.failNext[route], msg)
	return nil
}

// Product returns a product as it is now.
func (s *Sim) Product(id string) (Product, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.products[id]
	if !ok {
		return Product{}, false
	}
	return *p, true
}

// Order returns the order pass2uOrderID.
func (s *Sim) Order(pass2uOrderID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot(s.orders[pass2uOrderID])
}

// OrderFor returns the order of the till's sale channelOrderID.
func (s *Sim) OrderFor(channelOrderID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snapshot(s.byChannel[channelOrderID])
}

// Orders returns every order in the order they were generated.
func (s *Sim) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, len(s.list))
	for i, o := range s.list {
		out[i], _ = s.snapshot(o)
	}
	return out
}

// Ledger returns every generate and refund in the order made.
func (s *Sim) Ledger() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ledger)
}

// SetVoucherStatus sets voucher i (from 0) of an order to notPickedup,
// pickedup, redeemed or expired: the customer picking it up, the venue
// scanning it. Refunds go through the API.
func (s *Sim) SetVoucherStatus(pass2uOrderID string, i int, status string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[pass2uOrderID]
	switch {
	case o == nil:
		return fmt.Errorf("ticketbaosim: no order %q", pass2uOrderID)
	case i < 0 || i >= len(o.Vouchers):
		return fmt.Errorf("ticketbaosim: order %s has no voucher %d", pass2uOrderID, i)
	case !slices.Contains([]string{notPickedUp, "pickedup", "redeemed", "expired"}, status):
		return fmt.Errorf("ticketbaosim: status %q is not one a voucher can be set to", status)
	}
	o.Vouchers[i].Status, o.Vouchers[i].Updated = status, s.now()
	return nil
}

func (s *Sim) snapshot(o *Order) (Order, bool) {
	if o == nil {
		return Order{}, false
	}
	s.tick(o)
	c := *o
	c.Vouchers = slices.Clone(o.Vouchers)
	return c, true
}

const (
	notPickedUp = "notPickedup"
	refunded    = "refunded"
)

// tick expires o's unredeemed vouchers once its expiry has passed.
func (s *Sim) tick(o *Order) {
	exp, err := time.Parse(time.RFC3339, o.Expiry)
	now := s.now()
	if err != nil || now.Before(exp) {
		return
	}
	for i, v := range o.Vouchers {
		if refundable(v) {
			o.Vouchers[i].Status, o.Vouchers[i].Updated = "expired", exp
		}
	}
}

func refundable(v Voucher) bool { return v.Status == notPickedUp || v.Status == "pickedup" }
