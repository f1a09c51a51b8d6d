package ticketbaosim

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"till/providers/simfault"
)

// answer is a response ready to write.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// maxRequest bounds what the Sim reads of a request body.
const maxRequest = 64 << 10

func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	route, known := s.route(r.URL.Path)
	simfault.Serve(&s.faults, w, r, known && route != RouteQuery, simfault.Replies[answer]{
		Down: func() answer { return fail(http.StatusServiceUnavailable, MsgOops) },
		TooMany: func(retryAfter time.Duration) answer {
			a := fail(http.StatusTooManyRequests, MsgOops)
			simfault.SetRetryAfter(a.header, retryAfter)
			return a
		},
		Internal: func() answer { return fail(http.StatusInternalServerError, MsgOops) },
	}, func() answer { return s.serve(r, route, known) })
}

// Write sends the answer.
func (a answer) Write(w http.ResponseWriter) {
	for k, vs := range a.header {
		w.Header()[k] = vs
	}
	w.WriteHeader(a.status)
	w.Write(a.body)
}

func (s *Sim) route(path string) (Route, bool) {
	rest, ok := strings.CutPrefix(path, s.base+"/")
	r := Route(rest)
	return r, ok && (r == RouteGenerate || r == RouteQuery || r == RouteRefund)
}

// serve answers one request that no fault intercepted.
func (s *Sim) serve(r *http.Request, route Route, known bool) answer {
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(s.key)) != 1 || s.key == "" {
		return fail(http.StatusUnauthorized, MsgOops)
	}
	switch {
	case !known:
		return fail(http.StatusNotFound, MsgOops)
	case r.Method != http.MethodPost:
		return fail(http.StatusMethodNotAllowed, MsgOops)
	case !isJSON(r.Header.Get("Accept"), false):
		return fail(http.StatusNotAcceptable, MsgOops)
	case !isJSON(r.Header.Get("Content-Type"), true):
		return fail(http.StatusUnsupportedMediaType, MsgOops)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxRequest))
	if err != nil {
		return fail(http.StatusBadRequest, MsgOops)
	}
	m, ok := object(body)
	if !ok {
		return fail(http.StatusBadRequest, MsgOops)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.failNext[route]; len(q) > 0 {
		s.failNext[route] = q[1:]
		return failWith(q[0])
	}
	c := call(m)
	switch {
	case !c.ok:
		return fail(http.StatusBadRequest, MsgOops)
	case c.pickup != "order" && c.pickup != "voucher":
		return failWith(MsgPickupTypeFormat)
	case route != RouteQuery && c.quantity == 0:
		return failWith(MsgQuantityFormat)
	}
	switch route {
	case RouteGenerate:
		return s.generate(c)
	case RouteQuery:
		return s.query(c)
	}
	return s.refund(c)
}

// isJSON accepts application/json; a Content-Type's charset must be utf-8.
func isJSON(h string, content bool) bool {
	mt, params, err := mime.ParseMediaType(h)
	cs, has := params["charset"]
	return err == nil && mt == "application/json" && (!content || !has || strings.EqualFold(cs, "utf-8"))
}

func object(body []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var m map[string]any
	if dec.Decode(&m) != nil || m == nil {
		return nil, false
	}
	_, err := dec.Token()
	return m, err == io.EOF
}

// request is a body's members; ok is false when an id or mailTo is not a
// string.
type request struct {
	pass2u, channel, product, mailTo, pickup string
	quantity                                 int // 0: missing or not a whole number in range
	ok                                       bool
}

func call(m map[string]any) request {
	c := request{ok: true}
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{"pass2uOrderId", &c.pass2u}, {"channelOrderId", &c.channel}, {"productSaleId", &c.product}, {"mailTo", &c.mailTo},
	} {
		v := m[f.name]
		str, isString := v.(string)
		*f.dst, c.ok = str, c.ok && (v == nil || isString)
	}
	c.pickup, _ = m["pickupType"].(string)
	if n, ok := m["quantity"].(json.Number); ok {
		if q, err := n.Int64(); err == nil && q >= 1 && q <= 10000 {
			c.quantity = int(q)
		}
	}
	return c
}

func (s *Sim) generate(c request) answer {
	if c.channel == "" {
		return fail(http.StatusBadRequest, MsgOops)
	}
	if s.byChannel[c.channel] != nil {
		return failWith(MsgChannelRepeated)
	}
	p := s.products[c.product]
	now := s.now()
	if p == nil {
		return failWith(MsgProductNotFound)
	}
	if now.Before(p.SaleStart) || !now.Before(p.SaleEnd) {
		return failWith(MsgCampaignExpired)
	}
	if p.TradeFails {
		return failWith(MsgCreateTradeFail)
	}
	exp, err := time.Parse(time.RFC3339, p.Expiry)
	switch {
	case err != nil:
		return failWith(MsgExpiryFormat)
	case exp.Before(now):
		return failWith(MsgExpiryBeforeNow)
	case p.Left < c.quantity:
		return failWith(MsgNotEnough)
	}
	p.Left -= c.quantity
	n := len(s.list) + 1
	id := fmt.Sprintf("TB%012d", n)
	h := hash(id)
	o := &Order{
		Pass2UOrderID: id, ChannelOrderID: c.channel, ProductSaleID: c.product,
		MailTo: c.mailTo, PickupType: c.pickup,
		OrderURL:      "https://pass2u.example/o/" + id,
		OrderPasscode: fmt.Sprintf("%07d", binary.BigEndian.Uint64(h)%1e7),
		Expiry:        p.Expiry,
		Created:       now,
	}
	for i := range c.quantity {
		code := fmt.Sprintf("%06d%03d", n, i+1)
		o.Vouchers = append(o.Vouchers, Voucher{
			BarcodeMessage: code, Status: notPickedUp, Updated: now,
			VoucherURL: "https://pass2u.example/v/" + code + "?token=" + hex.EncodeToString(hash(code)[:8]),
		})
	}
	s.orders[id], s.byChannel[c.channel] = o, o
	s.list = append(s.list, o)
	s.log("generate", o, c.quantity)
	return s.view(o, c.pickup)
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte("ticketbaosim/" + s))
	return h[:]
}

func (s *Sim) log(kind string, o *Order, quantity int) {
	s.ledger = append(s.ledger, Entry{At: s.now(), Kind: kind, Pass2UOrderID: o.Pass2UOrderID,
		ChannelOrderID: o.ChannelOrderID, ProductSaleID: o.ProductSaleID, Quantity: quantity})
}

func (s *Sim) query(c request) answer {
	if (c.pass2u == "") == (c.channel == "") {
		return failWith(MsgInvalidQueryCriteria)
	}
	if s.products[c.product] == nil {
		return failWith(MsgProductNotFound)
	}
	o, a := s.find(c.pass2u, c.channel)
	if o == nil {
		return a
	}
	if o.ProductSaleID != c.product {
		return failWith(MsgInvalidQueryCriteria)
	}
	o.Queries++
	return s.view(o, c.pickup)
}

// find looks an order up by whichever id is given; the answer says why
// there is none.
func (s *Sim) find(pass2u, channel string) (*Order, answer) {
	if pass2u != "" {
		if o := s.orders[pass2u]; o != nil {
			return o, answer{}
		}
		return nil, failWith(MsgOrderNotFound)
	}
	if o := s.byChannel[channel]; o != nil {
		return o, answer{}
	}
	return nil, failWith(MsgChannelNotFound)
}

func (s *Sim) refund(c request) answer {
	switch {
	case c.pass2u == "":
		return failWith(MsgOrderNotFound)
	case c.channel == "":
		return failWith(MsgChannelNotFound)
	case s.products[c.product] == nil:
		return failWith(MsgProductNotFound)
	}
	o, a := s.find(c.pass2u, "")
	if o == nil {
		return a
	}
	if o.ChannelOrderID != c.channel || o.ProductSaleID != c.product {
		return failWith(MsgInvalidQueryCriteria)
	}
	s.tick(o)
	var picked []int
	for i, v := range o.Vouchers {
		if refundable(v) && len(picked) < c.quantity {
			picked = append(picked, i)
		}
	}
	if len(picked) < c.quantity {
		return failWith(MsgRefundableNotEnough)
	}
	now := s.now()
	for _, i := range picked {
		o.Vouchers[i].Status, o.Vouchers[i].Updated = refunded, now
	}
	s.products[o.ProductSaleID].Left += c.quantity
	s.log("refund", o, c.quantity)
	return s.view(o, c.pickup)
}

type (
	orderJSON struct {
		Pass2UOrderID  string        `json:"pass2uOrderId"`
		ProductSaleID  string        `json:"productSaleId"`
		ChannelOrderID string        `json:"channelOrderId"`
		MailTo         string        `json:"mailTo,omitempty"`
		OrderURL       string        `json:"orderUrl,omitempty"`
		OrderPasscode  string        `json:"orderPasscode,omitempty"`
		ExpriationDate string        `json:"expriationDate"` // sic: the document's name
		CreatedTime    string        `json:"createdTime"`
		Vouchers       []voucherJSON `json:"vouchers,omitempty"`
	}
	voucherJSON struct {
		BarcodeMessage   string `json:"barcodeMessage"`
		Status           string `json:"status"`
		StatusUpdateTime string `json:"statusUpdateTime"`
		VoucherURL       string `json:"voucherUrl"`
	}
)

// view answers o as pickup asks.
func (s *Sim) view(o *Order, pickup string) answer {
	s.tick(o)
	v := orderJSON{
		Pass2UOrderID: o.Pass2UOrderID, ProductSaleID: o.ProductSaleID, ChannelOrderID: o.ChannelOrderID,
		MailTo: o.MailTo, ExpriationDate: o.Expiry, CreatedTime: stamp(o.Created),
	}
	if pickup == "order" {
		v.OrderURL, v.OrderPasscode = o.OrderURL, o.OrderPasscode
	} else {
		for _, t := range o.Vouchers {
			status := t.Status
			if status == refunded {
				status = "refund"
			}
			v.Vouchers = append(v.Vouchers, voucherJSON{t.BarcodeMessage, status, stamp(t.Updated), t.VoucherURL})
		}
	}
	return jsonAnswer(http.StatusOK, v)
}

func stamp(t time.Time) string { return t.In(taipei).Format(time.RFC3339) }

func jsonAnswer(status int, v any) answer {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings only
	}
	return answer{status: status, header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, body: b}
}

// failWith answers a documented message with its status.
func failWith(msg string) answer {
	switch msg {
	case MsgProductNotFound, MsgOrderNotFound, MsgChannelNotFound:
		return fail(http.StatusNotFound, msg)
	case MsgCreateTradeFail, MsgOops:
		return fail(http.StatusInternalServerError, msg)
	}
	return fail(http.StatusBadRequest, msg)
}

// fail answers msg with status; the type names are the Sim's, after the
// document's one example (NonExistedException).
func fail(status int, msg string) answer {
	typ := "BadRequestException"
	switch {
	case strings.Contains(msg, "Does Not Exist"):
		typ = "NonExistedException"
	case strings.Contains(msg, "Not Enough"):
		typ = "NotEnoughException"
	case status == http.StatusUnauthorized:
		typ = "UnauthorizedException"
	case status == http.StatusTooManyRequests:
		typ = "TooManyRequestsException"
	case status >= 500:
		typ = "InternalException"
	}
	return jsonAnswer(status, map[string]string{"message": msg, "type": typ})
}
