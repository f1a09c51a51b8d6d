package swip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"till/providers/httpx"
	"till/store/money"
)

// ErrNoAnswer reports a request that got no answer (a network failure, a
// timeout), or whose unclear answer could not be checked by a look-up: it
// may or may not have taken effect at SWiP.
var ErrNoAnswer = errors.New("no answer from SWiP")

// lostError is an ErrNoAnswer with the Retry-After SWiP last asked for.
type lostError struct {
	msg        string
	retryAfter time.Duration
}

func (e *lostError) Error() string        { return ErrNoAnswer.Error() + ": " + e.msg }
func (e *lostError) Is(target error) bool { return target == ErrNoAnswer }

// retryAfter is the Retry-After an error carries, if any.
func retryAfter(err error) time.Duration {
	var e *Error
	var l *lostError
	switch {
	case errors.As(err, &l):
		return l.retryAfter
	case errors.As(err, &e):
		return e.RetryAfter
	}
	return 0
}

// ErrNeverArrived reports a create whose answer was lost and whose order
// SWiP does not know, asked twice a poll interval apart: nothing was
// created.
var ErrNeverArrived = errors.New("the order never reached SWiP")

// CreateOrder sends POST /orders. An answer that is lost, unreadable or
// error 28 (ORDER ALREADY EXISTS) is resolved by GET /orders/{id}: the
// order is never created twice. 429 and 5xx are retried (a create that
// went through answers 28 the second time).
func (c *Client) CreateOrder(ctx context.Context, req OrderRequest) (Order, error) {
	if err := c.checkID("merchantOrderId", req.ID); err != nil {
		return Order{}, err
	}
	switch {
	case req.Total <= 0:
		return Order{}, notSent("total must be more than zero")
	case !textSafe(req.Number) || len(req.Number) > 100:
		return Order{}, notSent("merchantOrderNumber has control characters or is too long")
	case !textSafe(req.SessionCode) || len(req.SessionCode) > maxText:
		return Order{}, notSent("sessionCode has control characters or is too long")
	}
	purchases, err := c.purchasesWire(req.ID, req.Lines)
	if err != nil {
		return Order{}, notSent(err.Error())
	}
	var sum money.Amount
	for _, l := range req.Lines {
		sum += l.Amount
	}
	if sum != req.Total {
		return Order{}, notSent(fmt.Sprintf("the purchases add up to %s, not the total %s", c.cur.Plain(sum), c.cur.Plain(req.Total)))
	}
	date := req.SaleDate
	if date.IsZero() {
		date = c.now()
	}
	body := encode(orderWire{
		MerchantOrderID:     req.ID,
		MerchantOrderNumber: req.Number,
		MerchantCashier:     c.cfg.Cashier,
		MerchantCashierID:   c.cfg.CashierID,
		Purchases:           purchases,
		SaleDate:            date.UnixMilli(),
		SessionCode:         req.SessionCode,
		Total:               fromMinor(req.Total, c.cur),
		TotalOriginal:       fromMinor(req.Total, c.cur),
	})
	if err := ctx.Err(); err != nil {
		return Order{}, notSent("cancelled before sending: " + err.Error())
	}
	ex := c.send(ctx, http.MethodPost, "/orders", body, retryAnswered)
	if ex.resp == nil {
		return c.fetchCreated(ctx, req.ID, req.Total, c.lost("create", ex.err))
	}
	st := ex.resp.Status
	if st >= 200 && st < 300 {
		o, err := c.decodeOrder(ex.resp.Body, req.ID, req.Total)
		if err != nil {
			return c.fetchCreated(ctx, req.ID, req.Total, fmt.Errorf("create: HTTP %d: %w", st, err))
		}
		c.keep(o)
		return o, nil
	}
	e := c.apiError(ex)
	if e.Code == "28" || httpx.Retryable(st) {
		// 28: an earlier try (or a till before a crash) made it. 5xx: it
		// may have been made before the server failed.
		return c.fetchCreated(ctx, req.ID, req.Total, e)
	}
	return Order{}, e
}

// fetchCreated looks up an order whose create ended without a clear
// answer. SWiP's own 404, twice, means the create never arrived.
func (c *Client) fetchCreated(ctx context.Context, id string, total money.Amount, cause error) (Order, error) {
	for second := false; ; second = true {
		o, err := c.getOrder(ctx, id, total)
		if err == nil {
			return o, nil
		}
		var e *Error
		if errors.Is(err, ErrUnreadable) {
			return Order{}, err
		}
		if !errors.As(err, &e) || !isNotFound(e) {
			return Order{}, &lostError{c.clean(cause.Error()+"; look-up: "+err.Error(), 400), max(retryAfter(cause), retryAfter(err))}
		}
		// The till made this id, so SWiP not knowing it after the
		// create's exchange has ended means the create never arrived;
		// asking twice, a poll interval apart, narrows the gap left by a
		// create still held in the network.
		if !second {
			if err := c.sleep(ctx, c.cfg.PollInterval); err != nil {
				return Order{}, &lostError{c.clean(cause.Error()+"; not found, not confirmed: "+err.Error(), 400), retryAfter(cause)}
			}
			continue
		}
		var ce *Error
		switch {
		case errors.As(cause, &ce) && ce.Code == "28", errors.Is(cause, ErrUnreadable):
			// SWiP said it has the order: not finding it proves nothing.
			return Order{}, fmt.Errorf("%w: SWiP answered the create but does not find the order (%s)", ErrUnreadable, c.clean(cause.Error(), 300))
		case ce != nil:
			return Order{}, fmt.Errorf("%w: %w", ErrNeverArrived, ce) // a 429 or 5xx that stored nothing
		}
		return Order{}, fmt.Errorf("%w (%s)", ErrNeverArrived, c.clean(cause.Error(), 300))
	}
}

// isNotFound tells SWiP's own 404 from a proxy's page, which proves
// nothing about the order.
func isNotFound(e *Error) bool {
	return e.Status == http.StatusNotFound && (e.Code == "9" || e.Code == "not_found")
}

// GetOrder sends GET /orders/{id}. 429, 5xx and network failures are
// retried.
func (c *Client) GetOrder(ctx context.Context, id string) (Order, error) {
	return c.getOrder(ctx, id, 0)
}

func (c *Client) getOrder(ctx context.Context, id string, total money.Amount) (Order, error) {
	if !validTarget(id) {
		return Order{}, notSent("no valid order id")
	}
	ex := c.send(ctx, http.MethodGet, c.orderPath(id), nil, retryAll)
	if ex.resp == nil {
		return Order{}, c.lost("look-up", ex.err)
	}
	if st := ex.resp.Status; st < 200 || st >= 300 {
		return Order{}, c.apiError(ex)
	}
	o, err := c.decodeOrder(ex.resp.Body, id, total)
	if err != nil {
		return Order{}, fmt.Errorf("look-up: HTTP %d: %w", ex.resp.Status, err)
	}
	c.keep(o)
	return o, nil
}

// Close sends POST /orders/{id}/actions/close with {"amount": amount}:
// with the amount paid it confirms the payment (scenario 1), with the
// amount the till took it closes a scenario 2 order, with 0 it cancels an
// OPEN order and the customer's money goes back.
//
// SWiP takes one close per order, so a close is never sent twice blindly:
// after a 5xx, a lost answer or a refusal that says the order is closed
// already, the order is fetched, and a close that took effect (CLOSED with
// this closeAmount) is success. On an error, the Order returned is what
// that look-up found, if it was made.
func (c *Client) Close(ctx context.Context, id string, amount money.Amount) (Order, error) {
	if amount < 0 {
		return Order{}, notSent("the closing amount must not be negative")
	}
	return c.close(ctx, id, encode(closeWire{Amount: fromMinor(amount, c.cur)}), amount)
}

// Cancel sends the same close without a body: the document's "Cancel an
// order", which cancels the whole of an OPEN order.
func (c *Client) Cancel(ctx context.Context, id string) (Order, error) {
	return c.close(ctx, id, nil, 0)
}

func (c *Client) close(ctx context.Context, id string, body []byte, amount money.Amount) (Order, error) {
	if !validTarget(id) {
		return Order{}, notSent("no valid order id")
	}
	done := func(o Order) bool { return o.Status == Closed && o.CloseAmount == amount }
	resp, verified, err := c.act(ctx, c.orderPath(id)+"/actions/close", body, id, done)
	switch {
	case err != nil:
		return Order{}, err
	case verified != nil:
		return *verified, nil
	}
	if resp.Status >= 200 && resp.Status < 300 {
		o, err := c.decodeOrder(resp.Body, id, 0)
		if err == nil && done(o) {
			c.keep(o)
			return o, nil
		}
		// Unreadable, or not what was asked: the order says what happened.
		got, gerr := c.GetOrder(ctx, id)
		if gerr == nil && done(got) {
			return got, nil
		}
		if err == nil {
			err = unreadable("the order is %s with closeAmount %s after a close with %s", o.Status, c.cur.Plain(o.CloseAmount), c.cur.Plain(amount))
		}
		return got, fmt.Errorf("close: HTTP %d: %w", resp.Status, err)
	}
	e := c.decodeError(resp.Status, resp.Body)
	if httpx.Retryable(resp.Status) {
		return Order{}, e
	}
	// A refusal may be the answer to a second close whose first went
	// through (a 5xx after processing): the order tells.
	got, gerr := c.GetOrder(ctx, id)
	if gerr == nil && done(got) {
		return got, nil
	}
	return got, e
}

// Refund sends POST /refunds for amount of the closed order id. Refunds
// may be partial and repeated while their sum stays within what the
// order took; the adapter checks that against the order before sending
// (a refusal then has Status 0 and SWiP's code: 6 not closed, 31 not
// paid, 29 refunded in full, 32 more than is left).
//
// SWiP's refunds carry no idempotency key, so a refund is never sent
// twice blindly: after a 5xx or a lost answer the order's refunded amount
// tells whether it took effect (Result.Order is then set).
func (c *Client) Refund(ctx context.Context, id string, amount money.Amount) (Result, error) {
	if amount <= 0 {
		return Result{}, notSent("the refund amount must be more than zero")
	}
	return c.moneyBack(ctx, "/refunds", id, amount, false)
}

// Reverse sends POST /reverses: it cancels a closed order's payment whose
// funds are held and not yet captured. amount 0 reverses what is left
// (the member is then omitted). SWiP answers 27 (REVERSE UNAVAILABLE)
// when it is too late: refund instead. Checks and look-ups as for Refund.
func (c *Client) Reverse(ctx context.Context, id string, amount money.Amount) (Result, error) {
	if amount < 0 {
		return Result{}, notSent("the amount must not be negative")
	}
	return c.moneyBack(ctx, "/reverses", id, amount, true)
}

func (c *Client) moneyBack(ctx context.Context, path, id string, amount money.Amount, reverse bool) (Result, error) {
	o, err := c.GetOrder(ctx, id)
	if err != nil {
		return Result{}, err
	}
	return c.moneyBackFrom(ctx, path, o, amount, reverse)
}

// moneyBackFrom sends a refund or reverse of the order o, just fetched.
func (c *Client) moneyBackFrom(ctx context.Context, path string, o Order, amount money.Amount, reverse bool) (Result, error) {
	id := o.ID
	if err := checkMoneyBack(o, amount); err != nil {
		return Result{Order: &o}, err
	}
	want := amount
	if reverse && amount == 0 {
		want = o.Refundable()
	}
	body := moneyBackWire{MerchantID: c.cfg.MerchantID, MerchantOrderID: id}
	if amount > 0 {
		body.Amount = fromMinor(amount, c.cur)
	}
	before := o.Refunded
	done := func(o Order) bool { return o.Refunded >= before+want }
	resp, verified, err := c.act(ctx, path, encode(body), id, done)
	switch {
	case err != nil:
		return Result{}, err
	case verified != nil:
		return Result{Status: "SUCCESS", Order: verified}, nil
	}
	if resp.Status >= 200 && resp.Status < 300 {
		r, err := c.decodeResult(resp.Status, resp.Body)
		var e *Error
		if errors.As(err, &e) {
			return Result{}, e
		}
		if err != nil {
			// Unreadable: the order tells whether it happened.
			if got, gerr := c.GetOrder(ctx, id); gerr == nil && done(got) {
				return Result{Status: "SUCCESS", Order: &got}, nil
			}
			return Result{}, fmt.Errorf("%s: HTTP %d: %w", strings.TrimPrefix(path, "/"), resp.Status, err)
		}
		return r, nil
	}
	return Result{}, c.decodeError(resp.Status, resp.Body)
}

// checkMoneyBack refuses locally what SWiP would refuse, with its codes.
func checkMoneyBack(o Order, amount money.Amount) error {
	switch {
	case o.Status != Closed:
		return &Error{Code: "6", Description: "the order is still OPEN: only a CLOSED order can be refunded or reversed"}
	case o.Captured() <= 0:
		return &Error{Code: "31", Description: "the order took no money through SWiP"}
	case o.Refundable() <= 0:
		return &Error{Code: "29", Description: "the order has been refunded in full"}
	case amount > o.Refundable():
		return &Error{Code: "32", Description: fmt.Sprintf("%d minor units asked, %d left", amount, o.Refundable())}
	}
	return nil
}

// LoyaltyCalculation sends POST /loyalty-calculations: the discount
// every customer would get on these purchases. It changes nothing, so
// 429, 5xx and network failures are retried.
func (c *Client) LoyaltyCalculation(ctx context.Context, req LoyaltyRequest) (Loyalty, error) {
	if err := c.checkID("merchantOrderId", req.ID); err != nil {
		return Loyalty{}, err
	}
	if req.Total <= 0 {
		return Loyalty{}, notSent("total must be more than zero")
	}
	purchases, err := c.purchasesWire(req.ID, req.Lines)
	if err != nil {
		return Loyalty{}, notSent(err.Error())
	}
	body := encode(loyaltyWire{MerchantOrderID: req.ID, Purchases: purchases, Total: fromMinor(req.Total, c.cur)})
	ex := c.send(ctx, http.MethodPost, "/loyalty-calculations", body, retryAll)
	if ex.resp == nil {
		return Loyalty{}, c.lost("loyalty calculation", ex.err)
	}
	if st := ex.resp.Status; st < 200 || st >= 300 {
		return Loyalty{}, c.apiError(ex)
	}
	l, err := c.decodeLoyalty(ex.resp.Body)
	if err != nil {
		return Loyalty{}, fmt.Errorf("loyalty calculation: HTTP %d: %w", ex.resp.Status, err)
	}
	if l.TotalBefore != req.Total {
		return Loyalty{}, fmt.Errorf("loyalty calculation: %w", unreadable("totalBeforeCalc %s, the till sent %s", c.cur.Plain(l.TotalBefore), c.cur.Plain(req.Total)))
	}
	return l, nil
}

func notSent(why string) *Error {
	return &Error{Code: "invalid_request", Description: why}
}

func (c *Client) checkID(name, id string) error {
	if !validUUID(id) || id != strings.ToLower(id) {
		return notSent(name + " must be a UUID in its canonical lower-case form")
	}
	return nil
}

func (c *Client) lost(what string, err error) error {
	msg := "no answer"
	if err != nil {
		msg = err.Error()
	}
	return &lostError{msg: what + ": " + c.clean(msg, 300)}
}

func (c *Client) apiError(ex exchange) *Error {
	e := c.decodeError(ex.resp.Status, ex.resp.Body)
	e.RetryAfter = ex.retryAfter
	return e
}

func (c *Client) orderPath(id string) string { return "/orders/" + url.PathEscape(id) }

// exchange is how one request ended, after its retries.
type exchange struct {
	resp       *httpx.Response // nil when no answer arrived
	err        error
	retryAfter time.Duration
}

// retry says which failures a request may be sent again after.
type retry int

const (
	// retryAll: reads (GET, loyalty calculation): 429, 5xx and no answer.
	retryAll retry = iota
	// retryAnswered: a create: 429 and 5xx, since a create that went
	// through answers 28 the second time. A lost answer is looked up.
	retryAnswered
)

// send makes a request, retrying with backoff as r allows; Retry-After
// is honoured.
func (c *Client) send(ctx context.Context, method, path string, body []byte, r retry) exchange {
	for attempt := 0; ; attempt++ {
		ex := c.once(ctx, method, path, body)
		if ex.resp == nil && r != retryAll || ex.resp != nil && !httpx.Retryable(ex.resp.Status) {
			return ex
		}
		if attempt+1 >= c.backoff.Attempts || ctx.Err() != nil || c.backoff.Wait(ctx, attempt, ex.retryAfter) != nil {
			return ex
		}
	}
}

// act sends a close, refund or reverse, which SWiP has no idempotency key
// for. A 429 (never processed) is sent again after backoff. After a 5xx
// or a lost answer the order is fetched: verified is set when done says
// the action took effect. Otherwise a 5xx is sent again (the order shows
// it did not happen), and a lost answer is an ErrNoAnswer (it may still
// arrive). resp is the last answer when there is one to read.
func (c *Client) act(ctx context.Context, path string, body []byte, id string, done func(Order) bool) (resp *httpx.Response, verified *Order, err error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, notSent("cancelled before sending: " + err.Error())
	}
	for attempt := 0; ; attempt++ {
		ex := c.once(ctx, http.MethodPost, path, body)
		if ex.resp != nil && !httpx.Retryable(ex.resp.Status) {
			return ex.resp, nil, nil
		}
		if ex.resp == nil || ex.resp.Status != http.StatusTooManyRequests {
			o, gerr := c.GetOrder(ctx, id)
			switch {
			case gerr == nil && done(o):
				return nil, &o, nil
			case ex.resp == nil:
				return nil, nil, c.lost(strings.TrimPrefix(path, "/"), ex.err)
			case gerr != nil:
				return nil, nil, &lostError{c.clean(fmt.Sprintf("HTTP %d, and the look-up failed: %v", ex.resp.Status, gerr), 400), max(ex.retryAfter, retryAfter(gerr))}
			}
		}
		if attempt+1 >= c.backoff.Attempts || ctx.Err() != nil || c.backoff.Wait(ctx, attempt, ex.retryAfter) != nil {
			return ex.resp, nil, nil
		}
	}
}

// once makes one request with the five headers and the per-request
// timeout.
func (c *Client) once(ctx context.Context, method, path string, body []byte) exchange {
	h := c.header
	if body != nil {
		h = c.header.Clone()
		h["Content-Type"] = []string{"application/json"}
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.Send(rctx, method, c.base+path, h, body)
	if err != nil {
		return exchange{err: err}
	}
	return exchange{resp: resp, retryAfter: httpx.RetryAfter(resp.Header, c.now())}
}

// validTarget accepts any id that can travel as one path segment.
func validTarget(s string) bool {
	return s != "" && s != "." && s != ".." && len(s) <= 200 && textSafe(s)
}
