// Package swipsim is an in-memory SWiP POS API v3 server for tests and
// demonstrations: orders, their two states and transitions, loyalty,
// refunds and reverses, with the headers, bodies, error object and error
// codes of the provider's document (and of the till's NOTES where they
// settle a point the document leaves open). It is safe for concurrent use.
//
// # Orders
//
// POST /orders creates an OPEN order. Its id is its merchantOrderId when
// that is a UUID (NOTES), and a repeated merchantOrderId answers 28 (ORDER
// ALREADY EXISTS) and changes nothing. An empty sessionCode gets one made
// ("https://swip.one/?qr=NNNNNNN"). Then, by the Sim's triggers:
//
//	Pay(id, customer)       the customer pays in the app (scenario 1): the
//	                        loyalty discount lowers total; paid = unconfirmed
//	                        = total
//	Identify(id, customer)  the customer takes the discount and chooses to
//	                        pay at the till (scenario 2): total lowered,
//	                        cash = true, paymentMethod CASH, paid 0
//	Decline(id, text)       a payment attempt in the app failed: error =
//	                        text, the order stays OPEN and unpaid
//	WithAutoPay(d, c)       customer c pays every order d after its create
//
// POST /orders/{id}/actions/close with amount 0 or no body cancels an OPEN
// order (a payment made in the app goes back: paid 0). With an amount it
// closes the order: a paid order's amount may not exceed paid (a smaller
// one gives the rest back, paid = amount); an unpaid order's amount (what
// the till took, scenario 2) may not exceed totalOriginal. A close is
// taken once: again answers 30 (ORDER ALREADY CONFIRMED) after a close
// with an amount, 11 (ORDER FLOW VIOLATION) after a cancel and 13
// (OPERATION TIMED OUT) after the order timed out. An order still OPEN
// 90 s after its create (WithOpenFor; the document's restaurant mode is
// 10 h) is closed by the Sim with 0, its payment given back.
//
// POST /refunds needs a CLOSED order (else 6) that took money through
// SWiP (else 31: a cancelled order or one paid at the till); refunds
// may be partial and repeated while their sum stays within what it took
// (min(paid, closeAmount)): beyond that 32, and 29 once all is refunded.
// POST /reverses gives back all (no amount) or part of what the order
// took, once, within WithReverseWindow (default 10 minutes) of the close
// and before any refund; else 27 (REVERSE UNAVAILABLE). A reverse adds to
// refunded, which is how the order shows it.
//
// # Loyalty rules
//
//   - Members (WithMembers; by default DefaultMembers) get the member
//     percentage off (default 10 %).
//   - Everyone, anonymous loyalty calculations included, gets the
//     anonymous percentage (WithAnonymousDiscount; default 0, program 584
//     "Discount for all customers").
//   - discountOriginal is the percentages of totalOriginal, rounded half
//     up to a minor unit; discount rounds it half up to a whole major unit
//     (as the document's 19.80 → 20.0), and never reaches the whole total.
//
// # Headers and errors
//
// Every call needs the five headers: a wrong or missing Authorization
// answers 401 code 2; a missing X-Merchant-ID, X-Store-ID, X-Cash-ID (its
// value may be empty, as for the document's vending machines) or
// Api-Version 400 code 5 with fieldErrors naming the header; an
// X-Merchant-ID other than the Sim's, or a store outside WithStores, 403
// code 4; an Api-Version other than 3 400 code 10, as does a POST body
// that is not JSON. A wrong method on a known path answers 405 code 7, an
// unknown path or order 404 code 9, an invalid body 400 code 5 with
// fieldErrors; duplicate purchase ids or a sessionCode of another open
// order 400 code 8. Code 1 comes with Fault.Status500.
//
// Every code of the document's table can also be forced: FailNext(op,
// code) makes the next request of that kind answer the code's error
// without doing anything. Refusals of refunds and reverses come as error
// objects, or with WithFailBodies as the document's 200 {"status":"FAIL"}.
//
// Amounts are read exactly (more decimals than the currency has is code
// 5) and written as a Java double prints them: 50.0, 19.8, 1.0E7.
//
// # Faults
//
// SetFault installs transport faults, for tests and for a control API:
// see Fault.
package swipsim

import (
	"bytes"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"till/providers/simfault"
	"till/store/money"
)

// Defaults of a Sim built without options.
const (
	DefaultToken          = "swip-sim-token"
	DefaultMerchantID     = "TILL"
	DefaultCurrency       = "TWD"
	DefaultOpenFor        = 90 * time.Second
	DefaultReverseWindow  = 10 * time.Minute
	DefaultMemberPercent  = 10
	AnonymousProgramID    = 584
	anonymousProgramText  = "Discount for all customers"
	sessionCodePrefix     = "https://swip.one/?qr="
	firstSessionCodeIndex = 6794742
)

// DefaultMembers are the loyalty members a Sim knows unless WithMembers
// says otherwise. Any other customer name pays without the member
// discount.
var DefaultMembers = []string{"member-001", "member-002"}

// Codes is the document's error table: code → name.
var Codes = map[int]string{
	1:  "INTERNAL SERVER ERROR",
	2:  "AUTHENTICATION ERROR",
	4:  "ACCESS DENIED",
	5:  "VALIDATION FAILED",
	6:  "ILLEGAL STATE",
	7:  "METHOD NOT SUPPORTED",
	8:  "DUPLICATE",
	9:  "NOT FOUND",
	10: "UNSUPPORTED MESSAGE",
	11: "ORDER FLOW VIOLATION",
	13: "OPERATION TIMED OUT",
	27: "REVERSE UNAVAILABLE",
	28: "ORDER ALREADY EXISTS",
	29: "ORDER ALREADY REFUNDED",
	30: "ORDER ALREADY CONFIRMED",
	31: "ORDER NOT PAID",
	32: "EXCESS TOTAL AMOUNT",
}

// HTTPStatus is the status the Sim answers a code with.
func HTTPStatus(code int) int {
	switch code {
	case 1:
		return http.StatusInternalServerError
	case 2:
		return http.StatusUnauthorized
	case 4:
		return http.StatusForbidden
	case 7:
		return http.StatusMethodNotAllowed
	case 9:
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

// Op names a kind of request, for FailNext.
type Op string

// The document's calls.
const (
	OpCreate  Op = "create"
	OpGet     Op = "get"
	OpClose   Op = "close"
	OpRefund  Op = "refund"
	OpReverse Op = "reverse"
	OpLoyalty Op = "loyalty"
)

// Fault is a set of transport faults; see simfault for each one.
type Fault = simfault.Fault

// Purchase is one purchase of an order, amounts in minor units.
type Purchase struct {
	ID, ParentID, ProductID, Name string
	Quantity                      string // as sent: "3", "0.500"
	Unit                          string
	Price, Amount, Discount       money.Amount
}

// Order is one stored order, amounts in minor units.
type Order struct {
	ID, MerchantOrderID, Number string
	Cashier, CashierID          string
	MerchantID, StoreID, CashID string // from the create's headers
	Status                      string // "OPEN" or "CLOSED"
	SessionCode                 string
	Purchases                   []Purchase
	SaleDate                    time.Time

	TotalOriginal, Total, Discount money.Amount
	Paid, Unconfirmed              money.Amount
	Refunded, CloseAmount          money.Amount

	Cash              bool   // scenario 2: pays at the till
	Customer          string // the name given to Pay or Identify
	CustomerID        string // the UUID SWiP shows for it
	PaymentMethod     string
	PaymentSystem     string
	PAN, RRN          string
	AuthorizationCode string
	OrderNumber       string // the acquirer's
	Error             string

	CreatedAt, PaidAt, ClosedAt time.Time
	TimedOut                    bool // closed by the Sim at the end of OpenFor
	Reversed                    bool
	Gets                        int // GETs answered for it
	Closes                      int // close requests for it, taken or refused
}

// Entry is one change the Sim made, in order: "create", "pay",
// "identify", "decline", "confirm" (closed with an amount), "cancel",
// "expire", "refund", "reverse". Amount is what moved: paid, confirmed,
// given back or refunded.
type Entry struct {
	At       time.Time
	Kind     string
	OrderID  string
	Amount   money.Amount
	Customer string
}

// Option configures a Sim.
type Option func(*Sim)

// WithToken sets the token the Sim expects after "Bearer ".
func WithToken(t string) Option { return func(s *Sim) { s.token = t } }

// WithMerchant sets the X-Merchant-ID the Sim expects.
func WithMerchant(id string) Option { return func(s *Sim) { s.merchant = id } }

// WithStores limits the X-Store-ID values accepted; by default any.
func WithStores(ids ...string) Option {
	return func(s *Sim) {
		s.stores = map[string]bool{}
		for _, id := range ids {
			s.stores[id] = true
		}
	}
}

// WithCurrency sets the currency of every amount (its exponent matters).
func WithCurrency(code string) Option {
	return func(s *Sim) {
		c, err := money.Lookup(code)
		if err != nil {
			panic("swipsim: " + err.Error())
		}
		s.cur = c
	}
}

// WithClock sets the clock for timeouts and timestamps.
func WithClock(now func() time.Time) Option { return func(s *Sim) { s.now = now } }

// WithOpenFor sets how long an order stays OPEN (90 s retail, 10 h
// restaurant mode).
func WithOpenFor(d time.Duration) Option { return func(s *Sim) { s.openFor = d } }

// WithReverseWindow sets how long after its close an order's payment may
// be reversed.
func WithReverseWindow(d time.Duration) Option { return func(s *Sim) { s.reverseWindow = d } }

// WithMembers sets the loyalty members and their discount in percent.
func WithMembers(percent int, names ...string) Option {
	return func(s *Sim) {
		s.memberPercent = percent
		s.members = map[string]bool{}
		for _, n := range names {
			s.members[n] = true
		}
	}
}

// WithAnonymousDiscount sets the discount everyone gets, in percent.
func WithAnonymousDiscount(percent int) Option { return func(s *Sim) { s.anonPercent = percent } }

// WithAutoPay makes customer pay every order after d (scenario 1), as
// soon as the Sim next looks at it.
func WithAutoPay(d time.Duration, customer string) Option {
	return func(s *Sim) { s.autoPay, s.autoPayer = d, customer }
}

// WithFailBodies answers refused refunds and reverses with the
// document's 200 {"status":"FAIL","code":N} instead of an error object.
func WithFailBodies() Option { return func(s *Sim) { s.failBodies = true } }

// WithBasePath sets the path the API lives under ("" for the root).
func WithBasePath(p string) Option { return func(s *Sim) { s.base = strings.TrimSuffix(p, "/") } }

// Sim is the simulated SWiP server. Build it with New.
type Sim struct {
	token         string
	merchant      string
	stores        map[string]bool
	cur           money.Currency
	now           func() time.Time
	openFor       time.Duration
	reverseWindow time.Duration
	members       map[string]bool
	memberPercent int
	anonPercent   int
	autoPay       time.Duration
	autoPayer     string
	failBodies    bool
	base          string

	mu       sync.Mutex
	faults   simfault.Faults
	failNext map[Op][]int
	orders   map[string]*Order
	byMOID   map[string]*Order
	list     []*Order
	ledger   []Entry
	seq      int
}

// New returns a Sim with no orders and no faults.
func New(opts ...Option) *Sim {
	s := &Sim{
		token:         DefaultToken,
		merchant:      DefaultMerchantID,
		now:           time.Now,
		openFor:       DefaultOpenFor,
		reverseWindow: DefaultReverseWindow,
		failNext:      map[Op][]int{},
		orders:        map[string]*Order{},
		byMOID:        map[string]*Order{},
	}
	WithCurrency(DefaultCurrency)(s)
	WithMembers(DefaultMemberPercent, DefaultMembers...)(s)
	for _, o := range opts {
		o(s)
	}
	return s
}

// Handler returns the Sim as an http.Handler.
func (s *Sim) Handler() http.Handler { return s }

// SetFault replaces the current faults.
func (s *Sim) SetFault(f Fault) {
	s.faults.Set(f)
}

// Fault returns the current faults, with what is left of their counters.
func (s *Sim) Fault() Fault {
	return s.faults.Get()
}

// FailNext makes the next request of kind op answer the document's error
// code, without doing anything. Calls queue up.
func (s *Sim) FailNext(op Op, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext[op] = append(s.failNext[op], code)
}

// Orders returns every order in the order they were created.
func (s *Sim) Orders() []Order {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Order, len(s.list))
	for i, o := range s.list {
		s.tick(o)
		out[i] = snapshot(o)
	}
	return out
}

// Order returns one order by id.
func (s *Sim) Order(id string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[normID(id)]
	if o == nil {
		return Order{}, false
	}
	s.tick(o)
	return snapshot(o), true
}

// Ledger returns every change in the order it was made.
func (s *Sim) Ledger() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.list {
		s.tick(o)
	}
	return append([]Entry(nil), s.ledger...)
}

func snapshot(o *Order) Order {
	c := *o
	c.Purchases = append([]Purchase(nil), o.Purchases...)
	return c
}

// Pay is the customer paying order id in the SWiP app (scenario 1), with
// the loyalty their name earns.
func (s *Sim) Pay(id, customer string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.openUnpaid(id)
	if err != nil {
		return err
	}
	s.pay(o, customer)
	return nil
}

// Identify is the customer scanning the QR code, taking the loyalty and
// choosing to pay cash or card at the till (scenario 2).
func (s *Sim) Identify(id, customer string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.openUnpaid(id)
	if err != nil {
		return err
	}
	s.discount(o, customer)
	o.Cash, o.PaymentMethod = true, "CASH"
	s.log("identify", o, 0)
	return nil
}

// Decline is a payment attempt in the app that failed (a refused card):
// the order stays OPEN and unpaid, with text as its error.
func (s *Sim) Decline(id, text string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, err := s.openUnpaid(id)
	if err != nil {
		return err
	}
	o.Error = text
	s.log("decline", o, 0)
	return nil
}

func (s *Sim) openUnpaid(id string) (*Order, error) {
	o := s.orders[normID(id)]
	if o == nil {
		return nil, fmt.Errorf("swipsim: no order %q", id)
	}
	s.tick(o)
	if o.Status != "OPEN" || o.Paid > 0 {
		return nil, fmt.Errorf("swipsim: order %s is %s, paid %d", o.ID, o.Status, o.Paid)
	}
	return o, nil
}

func (s *Sim) pay(o *Order, customer string) {
	s.discount(o, customer)
	o.Cash = false
	o.Paid, o.Unconfirmed = o.Total, o.Total
	o.PaymentMethod, o.PaymentSystem = "CARD", "VISA"
	o.PAN = "411111******1111"
	h := hash(o.ID)
	o.RRN = fmt.Sprintf("%012d", h%1e12)
	o.AuthorizationCode = fmt.Sprintf("%06d", h%1e6)
	o.OrderNumber = fmt.Sprintf("%020d", h)
	o.Error = ""
	o.PaidAt = s.now().UTC()
	s.log("pay", o, o.Paid)
}

// discount applies the loyalty rules for customer to o.
func (s *Sim) discount(o *Order, customer string) {
	o.Customer = customer
	o.CustomerID = uuid.NewSHA1(customerSpace, []byte(customer)).String()
	pct := s.anonPercent
	if s.members[customer] {
		pct += s.memberPercent
	}
	_, d := s.loyalty(o.TotalOriginal, pct)
	o.Discount, o.Total = d, o.TotalOriginal-d
}

// loyalty is the discount of pct percent on total, before and after
// rounding to a whole major unit; never the whole total.
func (s *Sim) loyalty(total money.Amount, pct int) (original, rounded money.Amount) {
	if pct <= 0 || total <= 0 {
		return 0, 0
	}
	original, _ = money.MulDiv(total, int64(min(pct, 100)), 100)
	unit := money.Amount(1)
	for range s.cur.Exponent {
		unit *= 10
	}
	rounded, _ = money.MulDiv(original, 1, int64(unit))
	rounded *= unit
	for rounded >= total && rounded > 0 {
		rounded -= unit
	}
	return original, max(rounded, 0)
}

var customerSpace = uuid.MustParse("6f1c2a4e-0b7d-4e59-8c3a-2d9e5f7b1a60")

func hash(s string) uint64 {
	h := sha1.Sum([]byte(s))
	return binary.BigEndian.Uint64(h[:8]) % 1e19
}

// tick applies what time has done to o: the automatic payment, and the
// end of the OPEN period.
func (s *Sim) tick(o *Order) {
	if o.Status != "OPEN" {
		return
	}
	now := s.now()
	if s.autoPay > 0 && o.Paid == 0 && !o.Cash && now.Sub(o.CreatedAt) >= s.autoPay && s.autoPay < s.openFor {
		s.pay(o, s.autoPayer)
	}
	if now.Sub(o.CreatedAt) >= s.openFor {
		back := o.Paid
		o.Status, o.CloseAmount, o.Paid, o.Unconfirmed = "CLOSED", 0, 0, 0
		o.TimedOut, o.Error = true, "Order timed out"
		o.ClosedAt = o.CreatedAt.Add(s.openFor).UTC()
		s.log("expire", o, back)
	}
}

func (s *Sim) log(kind string, o *Order, amount money.Amount) {
	s.ledger = append(s.ledger, Entry{At: s.now().UTC(), Kind: kind, OrderID: o.ID, Amount: amount, Customer: o.Customer})
}

// normID lower-cases a UUID; other ids are kept.
func normID(id string) string {
	if u, err := uuid.Parse(id); err == nil && len(id) == 36 {
		return u.String()
	}
	return id
}

// answer is a response ready to write.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// maxRequest bounds what the Sim reads of a request body.
const maxRequest = 256 << 10

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	simfault.Serve(&s.faults, w, r, r.Method == http.MethodPost, simfault.Replies[answer]{
		Down: func() answer {
			a := errorAnswer(1, "SWiP is down")
			a.status = http.StatusServiceUnavailable
			return a
		},
		TooMany: func(retryAfter time.Duration) answer {
			a := errorNamed(http.StatusTooManyRequests, "too_many_request", "Too many requests sent in a short amount of time.")
			simfault.SetRetryAfter(a.header, retryAfter)
			return a
		},
		Internal: func() answer { return errorAnswer(1, "Internal server error.") },
	}, func() answer { return s.serve(r) })
}

// Write sends the answer.
func (a answer) Write(w http.ResponseWriter) {
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

// call is a request that passed the header checks.
type call struct {
	merchant, store, cash string
	body                  []byte
	hasBody               bool
}

// serve answers one request that no fault intercepted.
func (s *Sim) serve(r *http.Request) answer {
	if !s.authorised(r.Header.Get("Authorization")) {
		return errorAnswer(2, "Invalid authentication: a valid Bearer token is required.")
	}
	var missing []fieldError
	for _, h := range []string{"X-Merchant-ID", "X-Store-ID", "X-Cash-ID", "Api-Version"} {
		vs, present := r.Header[http.CanonicalHeaderKey(h)]
		if !present || len(vs) == 0 || (h != "X-Cash-ID" && strings.TrimSpace(vs[0]) == "") {
			missing = append(missing, fieldError{Field: h, Message: "must be present", ObjectName: "header"})
		}
	}
	if len(missing) > 0 {
		return errorAnswer(5, "Incorrect validation: missing headers.", missing...)
	}
	cl := call{merchant: r.Header.Get("X-Merchant-ID"), store: r.Header.Get("X-Store-ID"), cash: r.Header.Get("X-Cash-ID")}
	if subtle.ConstantTimeCompare([]byte(cl.merchant), []byte(s.merchant)) != 1 {
		return errorAnswer(4, "Access is denied for this merchant.")
	}
	if s.stores != nil && !s.stores[cl.store] {
		return errorAnswer(4, "Access is denied for this store.")
	}
	if v := r.Header.Get("Api-Version"); v != "3" {
		return errorAnswer(10, "Unsupported message: Api-Version "+strconv.Quote(truncate(v, 20))+" is not supported; use 3.")
	}

	path, ok := strings.CutPrefix(r.URL.EscapedPath(), s.base)
	if !ok {
		return errorAnswer(9, "Resource is not found.")
	}
	op, id, ok := route(path)
	if !ok {
		return errorAnswer(9, "Resource is not found.")
	}
	want := http.MethodPost
	if op == OpGet {
		want = http.MethodGet
	}
	if r.Method != want {
		return errorAnswer(7, "Method "+truncate(r.Method, 10)+" is not supported here.")
	}
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequest))
		if err != nil {
			return errorAnswer(10, "Unsupported message: the body is unreadable or too large.")
		}
		cl.body, cl.hasBody = body, len(bytes.TrimSpace(body)) > 0
		if cl.hasBody {
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				return errorAnswer(10, "Unsupported message: Content-Type must be application/json.")
			}
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.failNext[op]; len(q) > 0 {
		s.failNext[op] = q[1:]
		return s.refuse(op, q[0], "Forced by the simulator.")
	}
	switch op {
	case OpCreate:
		return s.create(cl)
	case OpGet:
		return s.get(id)
	case OpClose:
		return s.close(id, cl)
	case OpRefund:
		return s.refund(cl)
	case OpReverse:
		return s.reverse(cl)
	default:
		return s.loyaltyCalc(cl)
	}
}

// route maps an escaped path to its call and order id.
func route(path string) (Op, string, bool) {
	switch path {
	case "/orders":
		return OpCreate, "", true
	case "/refunds":
		return OpRefund, "", true
	case "/reverses":
		return OpReverse, "", true
	case "/loyalty-calculations":
		return OpLoyalty, "", true
	}
	rest, ok := strings.CutPrefix(path, "/orders/")
	if !ok {
		return "", "", false
	}
	op := OpGet
	if seg, ok := strings.CutSuffix(rest, "/actions/close"); ok {
		op, rest = OpClose, seg
	}
	id, err := url.PathUnescape(rest)
	if err != nil || rest == "" || strings.Contains(rest, "/") {
		return "", "", false
	}
	return op, id, true
}

func (s *Sim) authorised(h string) bool {
	got, ok := strings.CutPrefix(h, "Bearer ")
	return ok && s.token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.token)) == 1
}

func (s *Sim) get(id string) answer {
	o := s.orders[normID(id)]
	if o == nil {
		return errorAnswer(9, "Order "+strconv.Quote(truncate(id, 64))+" is not found.")
	}
	s.tick(o)
	o.Gets++
	return s.orderAnswer(o)
}

func (s *Sim) create(cl call) answer {
	m, fe := object(cl.body)
	if fe != nil {
		return errorAnswer(10, "Unsupported message: the body is not a JSON object.")
	}
	var errs []fieldError
	moid, e := str(m, "merchantOrderId", true)
	errs = appendErr(errs, e)
	if e == nil && (moid == "" || len(moid) > 64) {
		errs = append(errs, fieldError{"merchantOrderId", "must be 1 to 64 characters", "Order"})
	}
	if e == nil && moid != "" {
		if old := s.byMOID[moid]; old != nil {
			return errorAnswer(28, "Order already exists: "+old.ID)
		}
	}
	cashier, e := str(m, "merchantCashier", true)
	errs = appendErr(errs, e)
	if e == nil && strings.TrimSpace(cashier) == "" {
		errs = append(errs, fieldError{"merchantCashier", "must not be empty", "Order"})
	}
	cashierID, e := str(m, "merchantCashierId", false)
	errs = appendErr(errs, e)
	if cashierID != "" && uuid.Validate(cashierID) != nil {
		errs = append(errs, fieldError{"merchantCashierId", "must be a UUID", "Order"})
	}
	number, e := str(m, "merchantOrderNumber", false)
	errs = appendErr(errs, e)
	session, e := str(m, "sessionCode", false)
	errs = appendErr(errs, e)
	saleDate, e := s.integer(m, "saleDate", true)
	errs = appendErr(errs, e)
	if e == nil && saleDate <= 0 {
		errs = append(errs, fieldError{"saleDate", "must be milliseconds since 1970", "Order"})
	}
	total, e := s.amount(m, "total", true)
	errs = appendErr(errs, e)
	original, e2 := s.amount(m, "totalOriginal", true)
	errs = appendErr(errs, e2)
	if e == nil && e2 == nil && (original <= 0 || total <= 0 || total > original) {
		errs = append(errs, fieldError{"total", "must be positive and at most totalOriginal", "Order"})
	}
	purchases, sum, dup, perrs := s.purchases(m)
	errs = append(errs, perrs...)
	if len(perrs) == 0 && e2 == nil && sum != original {
		errs = append(errs, fieldError{"purchases", "amounts add up to " + s.cur.Plain(sum) + ", not totalOriginal", "Order"})
	}
	if len(errs) > 0 {
		return errorAnswer(5, "Incorrect validation.", errs...)
	}
	if dup != "" {
		return errorAnswer(8, "Duplication of data: purchase id "+dup+" appears twice.")
	}
	if session != "" {
		for _, o := range s.list {
			if s.tick(o); o.Status == "OPEN" && o.SessionCode == session {
				return errorAnswer(8, "Duplication of data: sessionCode is in use by another open order.")
			}
		}
	}
	id := normID(moid)
	if uuid.Validate(moid) != nil || len(moid) != 36 {
		id = uuid.NewSHA1(customerSpace, []byte("order/"+moid)).String()
	}
	if s.orders[id] != nil {
		return errorAnswer(28, "Order already exists: "+id)
	}
	s.seq++
	if session == "" {
		session = sessionCodePrefix + strconv.Itoa(firstSessionCodeIndex+s.seq)
	}
	o := &Order{
		ID: id, MerchantOrderID: moid, Number: number, Cashier: cashier, CashierID: cashierID,
		MerchantID: cl.merchant, StoreID: cl.store, CashID: cl.cash,
		Status: "OPEN", SessionCode: session, Purchases: purchases,
		SaleDate:      time.UnixMilli(saleDate).UTC(),
		TotalOriginal: original, Total: total,
		CreatedAt: s.now().UTC(),
	}
	o.Discount = original - total
	s.orders[id] = o
	s.byMOID[moid] = o
	s.list = append(s.list, o)
	s.log("create", o, 0)
	return s.orderAnswer(o)
}

// purchases reads and checks the purchases member. dup is a purchase id
// given twice.
func (s *Sim) purchases(m map[string]any) (out []Purchase, sum money.Amount, dup string, errs []fieldError) {
	raw, ok := m["purchases"].([]any)
	if !ok || len(raw) == 0 {
		return nil, 0, "", []fieldError{{"purchases", "must be a non-empty array", "Order"}}
	}
	seen := map[string]bool{}
	for i, item := range raw {
		pm, ok := item.(map[string]any)
		field := fmt.Sprintf("purchases[%d]", i)
		if !ok {
			errs = append(errs, fieldError{field, "must be an object", "Purchase"})
			continue
		}
		var p Purchase
		var e *fieldError
		if p.ID, e = str(pm, "id", false); e != nil {
			errs = append(errs, *e)
		} else if p.ID == "" {
			p.ID = uuid.NewSHA1(customerSpace, fmt.Appendf(nil, "purchase/%d/%d", s.seq, i)).String()
		} else if uuid.Validate(p.ID) != nil {
			errs = append(errs, fieldError{field + ".id", "must be a UUID", "Purchase"})
		}
		if seen[p.ID] {
			dup = p.ID
		}
		seen[p.ID] = true
		if p.Name, e = str(pm, "name", true); e != nil || strings.TrimSpace(p.Name) == "" {
			errs = append(errs, fieldError{field + ".name", "must not be empty", "Purchase"})
		}
		if p.ProductID, e = str(pm, "productId", false); e != nil {
			errs = append(errs, *e)
		}
		if p.ParentID, e = str(pm, "parentId", false); e != nil {
			errs = append(errs, *e)
		}
		if p.Unit, e = str(pm, "unit", false); e != nil || (p.Unit != "" && p.Unit != "PIECES" && p.Unit != "KILOGRAMS" && p.Unit != "LITERS") {
			errs = append(errs, fieldError{field + ".unit", "must be PIECES, KILOGRAMS or LITERS", "Purchase"})
		}
		q, ok := pm["quantity"].(json.Number)
		if r, good := exact(string(q)); !ok || !good || r.Sign() <= 0 {
			errs = append(errs, fieldError{field + ".quantity", "must be a positive number", "Purchase"})
		}
		p.Quantity = string(q)
		var pe *fieldError
		if p.Price, pe = s.amount(pm, "price", true); pe != nil {
			pe.Field = field + "." + pe.Field
			errs = append(errs, *pe)
		}
		if p.Amount, pe = s.amount(pm, "amount", true); pe != nil {
			pe.Field = field + "." + pe.Field
			errs = append(errs, *pe)
		}
		sum += p.Amount
		out = append(out, p)
	}
	return out, sum, dup, errs
}

func (s *Sim) close(id string, cl call) answer {
	o := s.orders[normID(id)]
	if o == nil {
		return errorAnswer(9, "Order "+strconv.Quote(truncate(id, 64))+" is not found.")
	}
	s.tick(o)
	o.Closes++
	amount := money.Amount(0)
	if cl.hasBody {
		m, fe := object(cl.body)
		if fe != nil {
			return errorAnswer(10, "Unsupported message: the body is not a JSON object.")
		}
		var e *fieldError
		if amount, e = s.amount(m, "amount", false); e != nil {
			return errorAnswer(5, "Incorrect validation.", *e)
		}
	}
	switch {
	case o.Status == "CLOSED" && o.TimedOut:
		return errorAnswer(13, "Operation is timed out: the order was closed after "+s.openFor.String()+".")
	case o.Status == "CLOSED" && o.CloseAmount > 0:
		return errorAnswer(30, "Order is already confirmed.")
	case o.Status == "CLOSED":
		return errorAnswer(11, "Violation of the order processing: the order is already cancelled.")
	case amount == 0:
		back := o.Paid
		o.Paid, o.Unconfirmed, o.CloseAmount = 0, 0, 0
		s.closeNow(o)
		s.log("cancel", o, back)
	case o.Paid > 0 && amount > o.Paid:
		return errorAnswer(5, "Incorrect validation.", fieldError{"amount", "must not exceed paid " + s.cur.Plain(o.Paid), "Order"})
	case o.Paid > 0:
		o.Paid, o.Unconfirmed, o.CloseAmount = amount, 0, amount
		s.closeNow(o)
		s.log("confirm", o, amount)
	case amount > o.TotalOriginal:
		return errorAnswer(5, "Incorrect validation.", fieldError{"amount", "must not exceed totalOriginal " + s.cur.Plain(o.TotalOriginal), "Order"})
	default:
		o.CloseAmount = amount
		s.closeNow(o)
		s.log("confirm", o, amount)
	}
	return s.orderAnswer(o)
}

func (s *Sim) closeNow(o *Order) {
	o.Status = "CLOSED"
	o.ClosedAt = s.now().UTC()
}

// captured is what a closed order took through SWiP.
func captured(o *Order) money.Amount {
	if o.Status != "CLOSED" {
		return 0
	}
	return min(o.Paid, o.CloseAmount)
}

// moneyBack reads a refund's or reverse's body and finds its order.
func (s *Sim) moneyBack(cl call, op Op) (*Order, money.Amount, *answer) {
	m, fe := object(cl.body)
	if fe != nil {
		a := errorAnswer(10, "Unsupported message: the body is not a JSON object.")
		return nil, 0, &a
	}
	var errs []fieldError
	amount, e := s.amount(m, "amount", op == OpRefund)
	errs = appendErr(errs, e)
	if e == nil && op == OpRefund && amount <= 0 {
		errs = append(errs, fieldError{"amount", "must be positive", "Refund"})
	}
	merchant, e := str(m, "merchantId", true)
	errs = appendErr(errs, e)
	if e == nil && merchant != cl.merchant {
		errs = append(errs, fieldError{"merchantId", "must be the merchant of X-Merchant-ID", "Refund"})
	}
	moid, e := str(m, "merchantOrderId", true)
	errs = appendErr(errs, e)
	if len(errs) > 0 {
		a := errorAnswer(5, "Incorrect validation.", errs...)
		return nil, 0, &a
	}
	o := s.byMOID[moid]
	if o == nil {
		a := errorAnswer(9, "Order "+strconv.Quote(truncate(moid, 64))+" is not found.")
		return nil, 0, &a
	}
	s.tick(o)
	return o, amount, nil
}

func (s *Sim) refund(cl call) answer {
	o, amount, bad := s.moneyBack(cl, OpRefund)
	if bad != nil {
		return *bad
	}
	switch {
	case o.Status != "CLOSED":
		return s.refuse(OpRefund, 6, "Only an order with the CLOSED status can be refunded.")
	case captured(o) == 0:
		return s.refuse(OpRefund, 31, "Order is not paid.")
	case o.Refunded >= captured(o):
		return s.refuse(OpRefund, 29, "Order is already refunded.")
	case amount > captured(o)-o.Refunded:
		return s.refuse(OpRefund, 32, "Attempt to return "+s.cur.Plain(amount)+", "+s.cur.Plain(captured(o)-o.Refunded)+" left.")
	}
	o.Refunded += amount
	s.log("refund", o, amount)
	return successAnswer("Refund of " + s.cur.Plain(amount) + " accepted.")
}

func (s *Sim) reverse(cl call) answer {
	o, amount, bad := s.moneyBack(cl, OpReverse)
	if bad != nil {
		return *bad
	}
	switch {
	case o.Status != "CLOSED":
		return s.refuse(OpReverse, 6, "Only an order with the CLOSED status can be cancelled.")
	case captured(o) == 0:
		return s.refuse(OpReverse, 31, "Order is not paid.")
	case o.Refunded >= captured(o):
		return s.refuse(OpReverse, 29, "Order is already refunded.")
	case o.Reversed || o.Refunded > 0 || s.now().Sub(o.ClosedAt) > s.reverseWindow:
		return s.refuse(OpReverse, 27, "Reverse is unavailable: the funds are no longer on hold.")
	case amount > captured(o):
		return s.refuse(OpReverse, 32, "Attempt to cancel more than the payment.")
	}
	if amount == 0 {
		amount = captured(o)
	}
	o.Reversed = true
	o.Refunded += amount
	s.log("reverse", o, amount)
	return successAnswer("Payment cancelled.")
}

func (s *Sim) loyaltyCalc(cl call) answer {
	m, fe := object(cl.body)
	if fe != nil {
		return errorAnswer(10, "Unsupported message: the body is not a JSON object.")
	}
	var errs []fieldError
	_, e := str(m, "merchantOrderId", true)
	errs = appendErr(errs, e)
	total, e := s.amount(m, "total", true)
	errs = appendErr(errs, e)
	if e == nil && total <= 0 {
		errs = append(errs, fieldError{"total", "must be positive", "LoyaltyCalculation"})
	}
	if _, ok := m["purchases"]; ok {
		_, _, _, perrs := s.purchases(m)
		errs = append(errs, perrs...)
	}
	if len(errs) > 0 {
		return errorAnswer(5, "Incorrect validation.", errs...)
	}
	original, rounded := s.loyalty(total, s.anonPercent)
	type line struct {
		ProgramID   int         `json:"programId"`
		Description string      `json:"description"`
		Discount    json.Number `json:"discount"`
	}
	type result struct {
		DiscountOriginal json.Number `json:"discountOriginal"`
		Discount         json.Number `json:"discount"`
		Lines            []line      `json:"lines"`
	}
	lines := []line{}
	if rounded > 0 {
		lines = append(lines, line{AnonymousProgramID, anonymousProgramText, s.num(original)})
	}
	body, _ := json.Marshal(struct {
		Result          result      `json:"discountCalcResult"`
		TotalBeforeCalc json.Number `json:"totalBeforeCalc"`
		Total           json.Number `json:"total"`
	}{result{s.num(original), s.num(rounded), lines}, s.num(total), s.num(total - rounded)})
	return answer{status: http.StatusOK, header: jsonHeader(), body: body}
}

// refuse answers a refused operation: an error object, or for refunds and
// reverses with WithFailBodies the document's 200 FAIL.
func (s *Sim) refuse(op Op, code int, detail string) answer {
	if s.failBodies && (op == OpRefund || op == OpReverse) {
		body, _ := json.Marshal(struct {
			Status      string  `json:"status"`
			Slip        *string `json:"slip"`
			Description string  `json:"description"`
			Code        int     `json:"code"`
		}{"FAIL", nil, Codes[code] + ": " + detail, code})
		return answer{status: http.StatusOK, header: jsonHeader(), body: body}
	}
	return errorAnswer(code, detail)
}

func successAnswer(desc string) answer {
	body, _ := json.Marshal(struct {
		Status      string `json:"status"`
		Slip        string `json:"slip"`
		Description string `json:"description"`
		Code        int    `json:"code"`
	}{"SUCCESS", "SWiP SIMULATOR\nRRN 000000000000", desc, 0})
	return answer{status: http.StatusOK, header: jsonHeader(), body: body}
}

// fieldError is one entry of the error object's fieldErrors.
type fieldError struct {
	Field      string `json:"field"`
	Message    string `json:"message"`
	ObjectName string `json:"objectName"`
}

func appendErr(errs []fieldError, e *fieldError) []fieldError {
	if e != nil {
		errs = append(errs, *e)
	}
	return errs
}

// errorAnswer is the document's error object for code.
func errorAnswer(code int, detail string, fields ...fieldError) answer {
	if fields == nil {
		fields = []fieldError{}
	}
	body, _ := json.Marshal(struct {
		Code        int          `json:"code"`
		Description string       `json:"description"`
		FieldErrors []fieldError `json:"fieldErrors"`
	}{code, Codes[code] + ": " + detail, fields})
	return answer{status: HTTPStatus(code), header: jsonHeader(), body: body}
}

// errorNamed is an error object whose code is a name from the document's
// HTTP table, as a gateway in front of SWiP answers.
func errorNamed(status int, name, detail string) answer {
	body, _ := json.Marshal(struct {
		Code        string       `json:"code"`
		Description string       `json:"description"`
		FieldErrors []fieldError `json:"fieldErrors"`
	}{name, detail, []fieldError{}})
	return answer{status: status, header: jsonHeader(), body: body}
}

func jsonHeader() http.Header { return http.Header{"Content-Type": {"application/json"}} }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// object decodes one JSON object with numbers kept as text.
func object(body []byte) (map[string]any, *fieldError) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, &fieldError{"body", "must be a JSON object", "Request"}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &fieldError{"body", "must be one JSON object", "Request"}
	}
	return m, nil
}

// str reads a string member; absent or null is "" unless required.
func str(m map[string]any, name string, required bool) (string, *fieldError) {
	v, ok := m[name]
	if !ok || v == nil {
		if required {
			return "", &fieldError{name, "must not be null", "Request"}
		}
		return "", nil
	}
	sv, ok := v.(string)
	if !ok {
		return "", &fieldError{name, "must be a string", "Request"}
	}
	return sv, nil
}

// integer reads an integer member.
func (s *Sim) integer(m map[string]any, name string, required bool) (int64, *fieldError) {
	v, ok := m[name]
	if !ok || v == nil {
		if required {
			return 0, &fieldError{name, "must not be null", "Request"}
		}
		return 0, nil
	}
	n, ok := v.(json.Number)
	i, err := strconv.ParseInt(string(n), 10, 64)
	if !ok || err != nil {
		return 0, &fieldError{name, "must be an integer", "Request"}
	}
	return i, nil
}

// amount reads a non-negative amount in major units exactly.
func (s *Sim) amount(m map[string]any, name string, required bool) (money.Amount, *fieldError) {
	v, ok := m[name]
	if !ok || v == nil {
		if required {
			return 0, &fieldError{name, "must not be null", "Request"}
		}
		return 0, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, &fieldError{name, "must be a number", "Request"}
	}
	r, good := exact(string(n))
	if !good || r.Sign() < 0 {
		return 0, &fieldError{name, "must be a non-negative number", "Request"}
	}
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(s.cur.Exponent)), nil)
	r.Mul(r, new(big.Rat).SetInt(scale))
	if !r.IsInt() {
		return 0, &fieldError{name, fmt.Sprintf("must have at most %d decimals for %s", s.cur.Exponent, s.cur.Code), "Request"}
	}
	if !r.Num().IsInt64() || r.Num().Int64() > 1e15 {
		return 0, &fieldError{name, "is too large", "Request"}
	}
	return money.Amount(r.Num().Int64()), nil
}

// exact reads a JSON number's text as a rational, refusing exponents that
// would take big.Rat far.
func exact(num string) (*big.Rat, bool) {
	if num == "" || len(num) > 64 {
		return nil, false
	}
	if i := strings.IndexAny(num, "eE"); i >= 0 {
		e := strings.TrimLeft(num[i+1:], "+-")
		if len(strings.TrimLeft(e, "0")) > 3 {
			return nil, false
		}
	}
	r, ok := new(big.Rat).SetString(num)
	return r, ok
}

// num writes minor units as a Java double prints the amount: 50.0, 19.8,
// 0.05, 1.0E7. The text is exact: it is how the document's Java server
// would write it, and what a careful client must read.
func (s *Sim) num(a money.Amount) json.Number {
	return json.Number(JavaNumber(a, s.cur.Exponent))
}

// JavaNumber writes minor units with exponent exp as Java's
// Double.toString writes the amount.
func JavaNumber(a money.Amount, exp int) string {
	neg := a < 0
	if neg {
		a = -a
	}
	digits := fmt.Sprintf("%0*d", exp+1, int64(a))
	whole, frac := digits[:len(digits)-exp], strings.TrimRight(digits[len(digits)-exp:], "0")
	var out string
	if len(whole) <= 7 {
		if frac == "" {
			frac = "0"
		}
		out = whole + "." + frac
	} else {
		all := strings.TrimRight(whole+frac, "0")
		mant := all[1:]
		if mant == "" {
			mant = "0"
		}
		out = all[:1] + "." + mant + "E" + strconv.Itoa(len(whole)-1)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// orderAnswer is the Order object, members in the document's order.
func (s *Sim) orderAnswer(o *Order) answer {
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	type purchase struct {
		ID        string      `json:"id"`
		Discount  json.Number `json:"discount"`
		Name      string      `json:"name"`
		ParentID  *string     `json:"parentId"`
		ProductID *string     `json:"productId"`
		Quantity  json.Number `json:"quantity"`
		Unit      *string     `json:"unit"`
		Price     json.Number `json:"price"`
		Amount    json.Number `json:"amount"`
	}
	ps := make([]purchase, len(o.Purchases))
	for i, p := range o.Purchases {
		ps[i] = purchase{p.ID, s.num(p.Discount), p.Name, opt(p.ParentID), opt(p.ProductID), json.Number(p.Quantity), opt(p.Unit), s.num(p.Price), s.num(p.Amount)}
	}
	var slip *string
	if o.Paid > 0 && o.Status == "CLOSED" {
		slip = opt(fmt.Sprintf("%-40s\n%-40s\nRRN %s AUTH %s", "SWiP SIMULATOR", "VISA "+o.PAN, o.RRN, o.AuthorizationCode))
	}
	body, _ := json.Marshal(struct {
		APIVersion             int         `json:"apiVersion"`
		AuthorizationCode      *string     `json:"authorizationCode"`
		Cash                   bool        `json:"cash"`
		CloseAmount            json.Number `json:"closeAmount"`
		CustomerID             *string     `json:"customerId"`
		DiscountCard           *string     `json:"discountCard"`
		Error                  *string     `json:"error"`
		ID                     string      `json:"id"`
		MerchantCash           string      `json:"merchantCash"`
		MerchantCashier        string      `json:"merchantCashier"`
		MerchantCashierID      *string     `json:"merchantCashierId"`
		MerchantCategory       string      `json:"merchantCategory"`
		MerchantCommission     int         `json:"merchantCommission"`
		MerchantDiscount       int         `json:"merchantDiscount"`
		MerchantID             string      `json:"merchantId"`
		MerchantName           string      `json:"merchantName"`
		MerchantOrderID        string      `json:"merchantOrderId"`
		MerchantOrderNumber    *string     `json:"merchantOrderNumber"`
		MerchantProfileImageID *string     `json:"merchantProfileImageId"`
		MerchantStore          string      `json:"merchantStore"`
		OrderNumber            *string     `json:"orderNumber"`
		OrderStatus            string      `json:"orderStatus"`
		Paid                   json.Number `json:"paid"`
		PAN                    *string     `json:"pan"`
		PaymentMethod          *string     `json:"paymentMethod"`
		PaymentSystem          *string     `json:"paymentSystem"`
		Purchases              []purchase  `json:"purchases"`
		Refunded               json.Number `json:"refunded"`
		RRN                    *string     `json:"rrn"`
		SaleDate               int64       `json:"saleDate"`
		SessionCode            string      `json:"sessionCode"`
		Slip                   *string     `json:"slip"`
		SwipDiscount           json.Number `json:"swipDiscount"`
		TerminalNo             *string     `json:"terminalNo"`
		Total                  json.Number `json:"total"`
		TotalOriginal          json.Number `json:"totalOriginal"`
		Unconfirmed            json.Number `json:"unconfirmed"`
	}{
		3, opt(o.AuthorizationCode), o.Cash, s.num(o.CloseAmount), opt(o.CustomerID), nil, opt(o.Error), o.ID,
		o.CashID, o.Cashier, opt(o.CashierID), "Retail", 0, 0, o.MerchantID, "SWiP simulator shop",
		o.MerchantOrderID, opt(o.Number), nil, o.StoreID, opt(o.OrderNumber), o.Status, s.num(o.Paid),
		opt(o.PAN), opt(o.PaymentMethod), opt(o.PaymentSystem), ps, s.num(o.Refunded), opt(o.RRN),
		o.SaleDate.UnixMilli(), o.SessionCode, slip, s.num(o.Discount), opt(termNo(o)),
		s.num(o.Total), s.num(o.TotalOriginal), s.num(o.Unconfirmed),
	})
	return answer{status: http.StatusOK, header: jsonHeader(), body: body}
}

func termNo(o *Order) string {
	if o.PAN == "" {
		return ""
	}
	return "SIM00001"
}

// Control is a small HTTP API over the Sim's triggers, for a standalone
// simulator (no SWiP headers needed):
//
//	POST /orders/{id}/pay       {"customer":"member-001"}
//	POST /orders/{id}/identify  {"customer":"member-001"}
//	POST /orders/{id}/decline   {"error":"Card declined"}
//	POST /fail                  {"op":"refund","code":27}
//	GET  /orders                every order
//	GET  /ledger                every change
func (s *Sim) Control() http.Handler {
	mux := http.NewServeMux()
	type req struct {
		Customer string `json:"customer"`
		Error    string `json:"error"`
		Op       Op     `json:"op"`
		Code     int    `json:"code"`
	}
	read := func(w http.ResponseWriter, r *http.Request) (req, bool) {
		var q req
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&q); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return q, false
		}
		return q, true
	}
	do := func(f func(id string, q req) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			q, ok := read(w, r)
			if !ok {
				return
			}
			if err := f(r.PathValue("id"), q); err != nil {
				http.Error(w, err.Error(), http.StatusConflict)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}
	}
	mux.HandleFunc("POST /orders/{id}/pay", do(func(id string, q req) error { return s.Pay(id, q.Customer) }))
	mux.HandleFunc("POST /orders/{id}/identify", do(func(id string, q req) error { return s.Identify(id, q.Customer) }))
	mux.HandleFunc("POST /orders/{id}/decline", do(func(id string, q req) error { return s.Decline(id, q.Error) }))
	mux.HandleFunc("POST /fail", do(func(_ string, q req) error {
		if _, ok := Codes[q.Code]; !ok {
			return fmt.Errorf("code %d is not in the document's table", q.Code)
		}
		switch q.Op {
		case OpCreate, OpGet, OpClose, OpRefund, OpReverse, OpLoyalty:
		default:
			return fmt.Errorf("op %q is none of create, get, close, refund, reverse, loyalty", q.Op)
		}
		s.FailNext(q.Op, q.Code)
		return nil
	}))
	mux.HandleFunc("GET /orders", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.Orders()) })
	mux.HandleFunc("GET /ledger", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, s.Ledger()) })
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// CodesInOrder lists the document's codes in the table's order.
func CodesInOrder() []int {
	out := make([]int, 0, len(Codes))
	for c := range Codes {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}
