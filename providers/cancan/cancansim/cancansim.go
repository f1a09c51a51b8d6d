// Package cancansim is an in-memory CANCAN Payments API v2 gateway for tests
// and demonstrations: POST /transactions creates a sale, void or refund and
// GET /transactions/{id} retrieves one, with the bodies, states, failure
// codes and errors of the provider's document (and of the till's NOTES where
// they settle a point the document leaves open). It is safe for concurrent
// use.
//
// # Magic payment codes
//
// Like a card network's test cards, the last four digits of a sale's
// payment_auth_key choose what happens to it ("retrieve" is a GET of the
// sale):
//
//	last four    at create   then
//	0000–7999    pending     succeeded at the first retrieve
//	8000–8096    pending     pending for NN retrieves (80NN), succeeded at the next
//	8097         pending     pending forever; a void of it stays pending forever
//	8098         pending     pending forever; a void of it fails (void_not_allowed_failure)
//	8099         pending     pending forever; a void of it succeeds
//	8100         pending     failed at the first retrieve: transaction_denied_failure
//	8101–8116    pending     failed at the first retrieve with failure code NN (81NN)
//	8117–8999    pending     succeeded at the first retrieve
//	9000         failed      transaction_denied_failure (in the document's examples, not its table)
//	9001–9016    failed      failure code NN (90NN) of the table below
//	9017–9998    pending     succeeded at the first retrieve
//	9999         succeeded   -
//
// A code shorter than four characters, or whose last four are not digits,
// behaves like 0000. Failure code NN is the NN-th row of the document's
// failure table:
//
//	01 bank_failure                           09 payment_gateway_failure
//	02 card_failure                           10 payment_password_failure
//	03 customer_insufficient_balance_failure  11 refund_exceeds_sale_amount_failure
//	04 customer_not_allowed_to_pay_failure    12 refund_not_allowed_failure
//	05 payment_feature_disabled_failure       13 sale_not_found_failure
//	06 merchant_insufficient_balance_failure  14 transaction_id_failure
//	07 merchant_not_allowed_to_sell_failure   15 unknown_failure
//	08 payment_auth_key_failure               16 void_not_allowed_failure
//
// A refund whose amount ends in 77 (amount % 100 == 77) is pending at create
// and succeeds at its first retrieve; other refunds settle at create.
//
// # Rules
//
//   - A repeated data.id answers 400 transaction_id_failure and changes
//     nothing: a retried create never charges twice.
//   - A void succeeds while its sale is pending (per the codes above) or
//     within the void window after the sale succeeded (WithVoidWindow,
//     default 10 minutes), once, and not after a refund. A voided pending
//     sale becomes failed with failure_detail "Voided by <void id>"; a
//     voided succeeded sale keeps its state and the ledger records the void.
//   - Refunds need a succeeded, unvoided sale; their sum (pending ones
//     included) never exceeds the sale's amount. Gateways named with
//     WithFullRefundsOnly refuse partial refunds (refund_not_allowed_failure).
//   - A void or refund of an unknown id, or of something that is not a
//     sale, fails with sale_not_found_failure.
//   - Invalid or missing attributes answer 400 attribute_error, a bad key 401
//     authentication_error, an unknown transaction or path 404
//     not_found_error.
//
// # Faults
//
// SetFault installs transport faults, for tests and for a control API: see
// Fault.
package cancansim

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"till/providers/simfault"
)

// DefaultAPIKey is the key a Sim expects unless WithAPIKey says otherwise.
const DefaultAPIKey = "sk_test_cancansim"

// DefaultBasePath is the path part of the document's host.
const DefaultBasePath = "/api/v2"

// DefaultVoidWindow is how long after success a sale may still be voided.
const DefaultVoidWindow = 10 * time.Minute

// DefaultGateways are the payment_gateway codes a Sim accepts unless
// WithGateways says otherwise: the document's LINE Pay code and stand-ins
// for the WeChat Pay and Alipay codes a merchant account would carry.
var DefaultGateways = []string{
	"linepay_th_domestic",
	"wechatpay_domestic", "wechatpay_international",
	"alipay_domestic", "alipay_international",
}

// FailureCodes is the document's failure table in its order: magic code
// 90NN fails with FailureCodes[NN-1].
var FailureCodes = []string{
	"bank_failure",
	"card_failure",
	"customer_insufficient_balance_failure",
	"customer_not_allowed_to_pay_failure",
	"payment_feature_disabled_failure",
	"merchant_insufficient_balance_failure",
	"merchant_not_allowed_to_sell_failure",
	"payment_auth_key_failure",
	"payment_gateway_failure",
	"payment_password_failure",
	"refund_exceeds_sale_amount_failure",
	"refund_not_allowed_failure",
	"sale_not_found_failure",
	"transaction_id_failure",
	"unknown_failure",
	"void_not_allowed_failure",
}

var failureDetails = map[string]string{
	"bank_failure":                          "System has failed while communicating with the bank",
	"card_failure":                          "System has failed while charging the card",
	"customer_insufficient_balance_failure": "Customer has insufficient balance",
	"customer_not_allowed_to_pay_failure":   "Customer is not allowed to pay",
	"payment_feature_disabled_failure":      "Payment feature is disabled by the customer",
	"merchant_insufficient_balance_failure": "Merchant has insufficient balance",
	"merchant_not_allowed_to_sell_failure":  "Merchant is not allowed to sell",
	"payment_auth_key_failure":              "Payment authorization key is incorrect or expired",
	"payment_gateway_failure":               "Payment Gateway Failure",
	"payment_password_failure":              "User is required to enter payment password",
	"refund_exceeds_sale_amount_failure":    "Refund amount exceeds sale amount",
	"refund_not_allowed_failure":            "Refund for this transaction is not allowed",
	"sale_not_found_failure":                "Sale Not Found",
	"transaction_id_failure":                "Transaction ID is in incorrect format or not unique",
	"unknown_failure":                       "Unknown Failure",
	"void_not_allowed_failure":              "Void for this transaction is not allowed",
	"transaction_denied_failure":            "Transaction has been denied by customer",
}

// Fault is a set of transport faults; see simfault for each one.
type Fault = simfault.Fault

// Transaction is one stored transaction, as Ledger reports it.
type Transaction struct {
	ID             string
	Type           string // "sale", "void" or "refund"
	State          string // "pending", "succeeded" or "failed"
	PaymentGateway string // sales
	PaymentAuthKey string // sales
	Amount         int64  // sales and refunds
	Currency       string // sales
	Sale           string // voids and refunds: the sale's id
	Description    string
	POSID          string
	MchLevel1      string
	MchLevel2      string
	MchLevel3      string
	FailureCode    string
	FailureDetail  string
	CreatedAt      time.Time
	SettledAt      time.Time // when it left pending; zero while pending
	Retrieves      int       // GETs answered for it
	VoidedBy       string    // sales: the void that cancelled it
	Refunded       int64     // sales: sum of pending and succeeded refunds
}

// Option configures a Sim.
type Option func(*Sim)

// WithAPIKey sets the API key the Sim expects after "Bearer ".
func WithAPIKey(key string) Option { return func(s *Sim) { s.key = key } }

// WithGateways sets the payment_gateway codes enabled for the merchant.
func WithGateways(codes ...string) Option {
	return func(s *Sim) {
		s.gateways = map[string]bool{}
		for _, c := range codes {
			s.gateways[c] = true
		}
	}
}

// WithFullRefundsOnly names gateways that refuse partial refunds.
func WithFullRefundsOnly(codes ...string) Option {
	return func(s *Sim) {
		for _, c := range codes {
			s.fullOnly[c] = true
		}
	}
}

// WithClock sets the clock used for created_at and the void window.
func WithClock(now func() time.Time) Option { return func(s *Sim) { s.now = now } }

// WithVoidWindow sets how long after success a sale may still be voided.
func WithVoidWindow(d time.Duration) Option { return func(s *Sim) { s.voidWindow = d } }

// WithBasePath sets the path the API lives under ("" for the root).
func WithBasePath(p string) Option {
	return func(s *Sim) { s.base = strings.TrimSuffix(p, "/") }
}

// Sim is the simulated gateway. Build it with New.
type Sim struct {
	key        string
	gateways   map[string]bool
	fullOnly   map[string]bool
	now        func() time.Time
	voidWindow time.Duration
	base       string

	mu     sync.Mutex
	faults simfault.Faults
	txns   map[string]*txn
	order  []*txn
}

// txn is a Transaction with what the magic codes planned for it.
type txn struct {
	Transaction
	pendingLeft int    // retrieves still answered pending; -1: forever
	settleTo    string // state reached when pendingLeft runs out
	settleCode  string // failure code when settleTo is failed
	voidPlan    string // for pending sales: what a void does
}

const (
	voidSucceeds = "succeeds"
	voidFails    = "fails"
	voidHangs    = "hangs"
)

// New returns a Sim with no transactions and no faults.
func New(opts ...Option) *Sim {
	s := &Sim{
		key:        DefaultAPIKey,
		fullOnly:   map[string]bool{},
		now:        time.Now,
		voidWindow: DefaultVoidWindow,
		base:       DefaultBasePath,
		txns:       map[string]*txn{},
	}
	WithGateways(DefaultGateways...)(s)
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

// Ledger returns every transaction in the order it was created.
func (s *Sim) Ledger() []Transaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Transaction, len(s.order))
	for i, t := range s.order {
		out[i] = t.Transaction
	}
	return out
}

// Transaction returns one transaction by id.
func (s *Sim) Transaction(id string) (Transaction, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txns[id]
	if !ok {
		return Transaction{}, false
	}
	return t.Transaction, true
}

// answer is a response ready to write.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// maxRequest bounds what the Sim reads of a request body.
const maxRequest = 64 << 10

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	simfault.Serve(&s.faults, w, r, r.Method == http.MethodPost, simfault.Replies[answer]{
		Down: func() answer {
			return errorAnswer(http.StatusServiceUnavailable, "service_unavailable", "CANCAN is down")
		},
		TooMany: func(retryAfter time.Duration) answer {
			a := errorAnswer(http.StatusTooManyRequests, "rate_limit_error", "Too many requests hit the API too quickly")
			simfault.SetRetryAfter(a.header, retryAfter)
			return a
		},
		Internal: func() answer {
			return errorAnswer(http.StatusInternalServerError, "internal_error", "Something went wrong on CANCAN's end")
		},
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

// serve answers one request that no fault intercepted.
func (s *Sim) serve(r *http.Request) answer {
	if !s.authorised(r.Header.Get("Authorization")) {
		return errorAnswer(http.StatusUnauthorized, "authentication_error", "No valid API key provided")
	}
	rest, ok := strings.CutPrefix(r.URL.EscapedPath(), s.base)
	if !ok {
		return notFound()
	}
	switch {
	case rest == "/transactions" && r.Method == http.MethodPost:
		return s.create(r)
	case strings.HasPrefix(rest, "/transactions/") && r.Method == http.MethodGet:
		seg := strings.TrimPrefix(rest, "/transactions/")
		id, err := url.PathUnescape(seg)
		if err != nil || seg == "" || strings.Contains(seg, "/") {
			return notFound()
		}
		return s.retrieve(id)
	}
	return notFound()
}

func (s *Sim) authorised(h string) bool {
	got, ok := strings.CutPrefix(h, "Bearer ")
	return ok && s.key != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.key)) == 1
}

func (s *Sim) retrieve(id string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.txns[id]
	if !ok {
		return notFound()
	}
	t.Retrieves++
	if t.State == "pending" {
		switch {
		case t.pendingLeft < 0:
		case t.pendingLeft == 0:
			s.settle(t, t.settleTo, t.settleCode)
		default:
			t.pendingLeft--
		}
	}
	return resourceAnswer(http.StatusOK, &t.Transaction)
}

// settle moves t out of pending.
func (s *Sim) settle(t *txn, state, code string) {
	t.State = state
	t.SettledAt = s.now().UTC()
	if state == "failed" {
		t.FailureCode = code
		t.FailureDetail = failureDetails[code]
	}
}

// create validates and stores a new transaction. Validation follows the
// document: a malformed id or a repeated one is transaction_id_failure
// (answered 400, so nothing is stored); everything else wrong is
// attribute_error.
func (s *Sim) create(r *http.Request) answer {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return attributeError("Content-Type must be application/json")
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequest))
	if err != nil {
		return attributeError("request body is unreadable or too large")
	}
	doc, err := object(body)
	if err != nil {
		return attributeError("request body is not a JSON object")
	}
	data, err := object(doc["data"])
	if err != nil {
		return attributeError("data is required and must be an object")
	}
	id, err := str(data, "id", true)
	if err != nil || !validID(id) {
		return errorAnswer(http.StatusBadRequest, "transaction_id_failure", "Transaction ID is in incorrect format")
	}
	if s.exists(id) {
		return duplicateID()
	}
	typ, err := str(data, "type", true)
	if err != nil {
		return attributeError(err.Error())
	}
	attrs, err := object(data["attributes"])
	if err != nil {
		return attributeError("attributes is required and must be an object")
	}
	t := &txn{Transaction: Transaction{ID: id, Type: typ}}
	for _, f := range []struct {
		name     string
		dst      *string
		required bool
	}{
		{"description", &t.Description, typ == "sale"},
		{"pos_id", &t.POSID, false},
		{"mch_level_1", &t.MchLevel1, false},
		{"mch_level_2", &t.MchLevel2, false},
		{"mch_level_3", &t.MchLevel3, false},
	} {
		if *f.dst, err = str(attrs, f.name, f.required); err != nil {
			return attributeError(err.Error())
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.txns[id]; dup { // a concurrent create with the same id won
		return duplicateID()
	}
	t.CreatedAt = s.now().UTC().Truncate(time.Second)
	var bad string
	switch typ {
	case "sale":
		bad = s.createSale(t, attrs)
	case "void":
		bad = s.createVoid(t, attrs)
	case "refund":
		bad = s.createRefund(t, attrs)
	default:
		bad = "type must be sale, void or refund"
	}
	if bad != "" {
		return attributeError(bad)
	}
	s.txns[id] = t
	s.order = append(s.order, t)
	return resourceAnswer(http.StatusCreated, &t.Transaction)
}

func (s *Sim) exists(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.txns[id]
	return ok
}

func duplicateID() answer {
	return errorAnswer(http.StatusBadRequest, "transaction_id_failure", "Transaction ID is not unique")
}

func (s *Sim) createSale(t *txn, attrs map[string]json.RawMessage) string {
	var err error
	if t.PaymentGateway, err = str(attrs, "payment_gateway", true); err != nil {
		return err.Error()
	}
	if !s.gateways[t.PaymentGateway] {
		return "payment_gateway is not enabled for the merchant's account"
	}
	if t.PaymentAuthKey, err = str(attrs, "payment_auth_key", true); err != nil {
		return err.Error()
	}
	if t.PaymentAuthKey == "" {
		return "payment_auth_key must not be empty"
	}
	if t.Amount, err = positiveInt(attrs, "amount"); err != nil {
		return err.Error()
	}
	if t.Currency, err = str(attrs, "currency", true); err != nil {
		return err.Error()
	}
	if !isCurrency(t.Currency) {
		return "currency must be a three-letter ISO code"
	}
	t.State = "pending"
	t.settleTo = "succeeded"
	t.voidPlan = voidSucceeds
	switch n := magic(t.PaymentAuthKey); {
	case n <= 7999:
	case n <= 8096:
		t.pendingLeft = n - 8000
	case n <= 8099:
		t.pendingLeft = -1
		t.voidPlan = map[int]string{8097: voidHangs, 8098: voidFails, 8099: voidSucceeds}[n]
	case n == 8100:
		t.settleTo, t.settleCode = "failed", "transaction_denied_failure"
	case n <= 8116:
		t.settleTo, t.settleCode = "failed", FailureCodes[n-8101]
	case n == 9000:
		s.settle(t, "failed", "transaction_denied_failure")
	case n >= 9001 && n <= 9016:
		s.settle(t, "failed", FailureCodes[n-9001])
	case n == 9999:
		s.settle(t, "succeeded", "")
	}
	return ""
}

func (s *Sim) createVoid(t *txn, attrs map[string]json.RawMessage) string {
	var err error
	if t.Sale, err = str(attrs, "sale", true); err != nil {
		return err.Error()
	}
	sale := s.txns[t.Sale]
	t.State = "pending"
	switch {
	case sale == nil || sale.Type != "sale":
		s.settle(t, "failed", "sale_not_found_failure")
	case sale.VoidedBy != "" || sale.Refunded > 0 || sale.State == "failed":
		s.settle(t, "failed", "void_not_allowed_failure")
	case sale.State == "succeeded":
		if s.now().Sub(sale.SettledAt) > s.voidWindow {
			s.settle(t, "failed", "void_not_allowed_failure")
			break
		}
		s.settle(t, "succeeded", "")
		sale.VoidedBy = t.ID
	case sale.voidPlan == voidFails:
		s.settle(t, "failed", "void_not_allowed_failure")
	case sale.voidPlan == voidHangs:
		t.pendingLeft = -1
	default:
		s.settle(t, "succeeded", "")
		sale.VoidedBy = t.ID
		sale.State = "failed"
		sale.SettledAt = t.SettledAt
		sale.FailureDetail = "Voided by " + t.ID
	}
	return ""
}

func (s *Sim) createRefund(t *txn, attrs map[string]json.RawMessage) string {
	var err error
	if t.Sale, err = str(attrs, "sale", true); err != nil {
		return err.Error()
	}
	if t.Amount, err = positiveInt(attrs, "amount"); err != nil {
		return err.Error()
	}
	sale := s.txns[t.Sale]
	t.State = "pending"
	switch {
	case sale == nil || sale.Type != "sale":
		s.settle(t, "failed", "sale_not_found_failure")
	case sale.State != "succeeded" || sale.VoidedBy != "":
		s.settle(t, "failed", "refund_not_allowed_failure")
	case t.Amount > sale.Amount-sale.Refunded:
		s.settle(t, "failed", "refund_exceeds_sale_amount_failure")
	case s.fullOnly[sale.PaymentGateway] && (t.Amount != sale.Amount || sale.Refunded > 0):
		s.settle(t, "failed", "refund_not_allowed_failure")
	default:
		sale.Refunded += t.Amount
		t.settleTo = "succeeded"
		if t.Amount%100 != 77 {
			s.settle(t, "succeeded", "")
		}
	}
	return ""
}

// magic reads the last four digits of a payment code; 0 when there are
// none.
func magic(code string) int {
	if len(code) < 4 {
		return 0
	}
	n := 0
	for _, c := range []byte(code[len(code)-4:]) {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for _, b := range []byte(c) {
		if b < 'A' || b > 'Z' {
			return false
		}
	}
	return true
}

// object decodes a JSON object; keys are matched exactly later, unlike
// encoding/json's case-insensitive struct fields.
func object(raw []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not an object")
	}
	return m, nil
}

// str reads a string member; absent or null is "" unless required.
func str(m map[string]json.RawMessage, name string, required bool) (string, error) {
	raw, ok := m[name]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if required {
			return "", fmt.Errorf("%s is required", name)
		}
		return "", nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("%s must be a string", name)
	}
	return v, nil
}

// positiveInt reads a required positive integer member, rejecting
// fractions, exponents and strings.
func positiveInt(m map[string]json.RawMessage, name string) (int64, error) {
	raw := bytes.TrimSpace(m[name])
	if len(raw) == 0 || bytes.ContainsAny(raw, ".eE\"") {
		return 0, fmt.Errorf("%s is required and must be a positive integer", name)
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s must be a positive integer", name)
	}
	return n, nil
}

func notFound() answer {
	return errorAnswer(http.StatusNotFound, "not_found_error", "Record Not Found")
}

func attributeError(detail string) answer {
	return errorAnswer(http.StatusBadRequest, "attribute_error", detail)
}

func errorAnswer(status int, code, detail string) answer {
	type errObj struct {
		Status string `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	body, _ := json.Marshal(struct {
		Errors []errObj `json:"errors"`
	}{[]errObj{{strconv.Itoa(status), code, detail}}})
	return answer{status: status, header: jsonHeader(), body: body}
}

func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json"}}
}

// Resource bodies, in the document's member order; absent optional
// strings and failure members are null, as in its examples.
type (
	saleAttrs struct {
		State          string  `json:"state"`
		PaymentGateway string  `json:"payment_gateway"`
		Amount         int64   `json:"amount"`
		Currency       string  `json:"currency"`
		Description    string  `json:"description"`
		POSID          *string `json:"pos_id"`
		MchLevel1      *string `json:"mch_level_1"`
		MchLevel2      *string `json:"mch_level_2"`
		MchLevel3      *string `json:"mch_level_3"`
		FailureCode    *string `json:"failure_code"`
		FailureDetail  *string `json:"failure_detail"`
		CreatedAt      string  `json:"created_at"`
	}
	voidAttrs struct {
		State         string  `json:"state"`
		Sale          string  `json:"sale"`
		Description   *string `json:"description"`
		POSID         *string `json:"pos_id"`
		MchLevel1     *string `json:"mch_level_1"`
		MchLevel2     *string `json:"mch_level_2"`
		MchLevel3     *string `json:"mch_level_3"`
		FailureCode   *string `json:"failure_code"`
		FailureDetail *string `json:"failure_detail"`
		CreatedAt     string  `json:"created_at"`
	}
	refundAttrs struct {
		State         string  `json:"state"`
		Sale          string  `json:"sale"`
		Amount        int64   `json:"amount"`
		Description   *string `json:"description"`
		POSID         *string `json:"pos_id"`
		MchLevel1     *string `json:"mch_level_1"`
		MchLevel2     *string `json:"mch_level_2"`
		MchLevel3     *string `json:"mch_level_3"`
		FailureCode   *string `json:"failure_code"`
		FailureDetail *string `json:"failure_detail"`
		CreatedAt     string  `json:"created_at"`
	}
	resource struct {
		Data struct {
			ID         string `json:"id"`
			Type       string `json:"type"`
			Attributes any    `json:"attributes"`
		} `json:"data"`
	}
)

func resourceAnswer(status int, t *Transaction) answer {
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	created := t.CreatedAt.Format("2006-01-02T15:04:05Z")
	var r resource
	r.Data.ID, r.Data.Type = t.ID, t.Type
	switch t.Type {
	case "sale":
		r.Data.Attributes = saleAttrs{t.State, t.PaymentGateway, t.Amount, t.Currency, t.Description,
			opt(t.POSID), opt(t.MchLevel1), opt(t.MchLevel2), opt(t.MchLevel3),
			opt(t.FailureCode), opt(t.FailureDetail), created}
	case "void":
		r.Data.Attributes = voidAttrs{t.State, t.Sale, opt(t.Description),
			opt(t.POSID), opt(t.MchLevel1), opt(t.MchLevel2), opt(t.MchLevel3),
			opt(t.FailureCode), opt(t.FailureDetail), created}
	default:
		r.Data.Attributes = refundAttrs{t.State, t.Sale, t.Amount, opt(t.Description),
			opt(t.POSID), opt(t.MchLevel1), opt(t.MchLevel2), opt(t.MchLevel3),
			opt(t.FailureCode), opt(t.FailureDetail), created}
	}
	body, _ := json.Marshal(r)
	return answer{status: status, header: jsonHeader(), body: body}
}
