package ticketbao

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"till/providers/httpx"
)

// Generate sends POST /generate: Quantity tickets of ProductSaleID under
// the sale id ChannelOrderID. A 429 is sent again after backoff. A
// "channelOrderId Repeated." answer, a lost or unreadable answer and a
// 5xx are settled by querying the order by channelOrderId: found, it is
// returned with Found set (never generated twice); not found, the error
// is ErrNotDone and generating again is safe.
func (c *Client) Generate(ctx context.Context, req GenerateRequest) (Order, error) {
	pickup := c.pickup(req.PickupType)
	w := wireRequest{ProductSaleID: req.ProductSaleID, ChannelOrderID: req.ChannelOrderID, MailTo: req.MailTo, Quantity: req.Quantity, PickupType: string(pickup)}
	if req.ChannelOrderID == "" {
		return Order{}, notSent("No sale id (channelOrderId) was given.")
	}
	if err := check(w, true); err != nil {
		return Order{}, err
	}
	if err := ctx.Err(); err != nil {
		return Order{}, c.fail(ErrNotDone, "cancelled before sending: "+err.Error(), 0)
	}
	ex := c.post(ctx, "/generate", encode(w), false)
	var cause error
	switch {
	case ex.resp == nil:
		cause = c.fail(ErrNoAnswer, "generate: "+ex.err.Error(), ex.retryAfter)
	case success(ex.resp.Status):
		o, err := c.decodeOrder(ex.resp.Body)
		if err == nil {
			err = o.fits(req, pickup)
		}
		if err == nil {
			return o, nil
		}
		cause = fmt.Errorf("generate: HTTP %d: %w", ex.resp.Status, err)
	default:
		e := c.apiError(ex)
		// Only a refusal the document lists, which made nothing, is final.
		if ex.resp.Status == http.StatusTooManyRequests || ex.resp.Status < 500 && e.Message != "" && !e.is(msgRepeated) {
			return Order{}, e
		}
		cause = e
	}
	return c.findGenerated(ctx, req, pickup, cause)
}

// findGenerated queries the order of a generate that ended without a
// clear answer.
func (c *Client) findGenerated(ctx context.Context, req GenerateRequest, pickup PickupType, cause error) (Order, error) {
	o, err := c.Query(ctx, QueryRequest{ChannelOrderID: req.ChannelOrderID, ProductSaleID: req.ProductSaleID, PickupType: pickup})
	var e, ce *Error
	repeated := errors.As(cause, &ce) && ce.is(msgRepeated)
	switch {
	case err == nil:
		if err := o.fits(req, pickup); err != nil {
			return o, c.fail(ErrMismatch, "channelOrderId "+req.ChannelOrderID+" holds another order: "+err.Error(), 0)
		}
		o.Found = true
		return o, nil
	case errors.As(err, &e) && e.is(msgChannelNotFound) && !repeated:
		f := c.fail(ErrNotDone, cause.Error()+"; and Pass2U has no order under channelOrderId "+req.ChannelOrderID, retryAfter(cause))
		f.refusal = ce
		return Order{}, f
	case errors.As(err, &e) && !e.Retryable():
		return Order{}, c.fail(ErrMismatch, cause.Error()+"; query by channelOrderId: "+err.Error(), 0)
	}
	return Order{}, c.fail(ErrNoAnswer, cause.Error()+"; query by channelOrderId: "+err.Error(), max(retryAfter(cause), retryAfter(err)))
}

// fits checks that o is the order req asked for.
func (o Order) fits(req GenerateRequest, pickup PickupType) error {
	switch {
	case o.ChannelOrderID != req.ChannelOrderID:
		return unreadable("an answer about another channelOrderId")
	case o.ProductSaleID != "" && o.ProductSaleID != req.ProductSaleID:
		return unreadable("productSaleId %s, not %s", o.ProductSaleID, req.ProductSaleID)
	case pickup == PickupVoucher && len(o.Vouchers) != req.Quantity:
		return unreadable("%d vouchers for %d tickets", len(o.Vouchers), req.Quantity)
	case pickup == PickupOrder && (o.OrderURL == "" || o.OrderPasscode == ""):
		return unreadable("no orderUrl or orderPasscode")
	}
	return nil
}

// Query sends POST /query for the order with exactly one of the two ids;
// anything else is refused before sending. 429, 5xx and lost answers are
// retried.
func (c *Client) Query(ctx context.Context, req QueryRequest) (Order, error) {
	if (req.Pass2UOrderID == "") == (req.ChannelOrderID == "") {
		return Order{}, notSent("Give exactly one of the Pass2U order number (pass2uOrderId) and the sale id (channelOrderId).")
	}
	w := wireRequest{Pass2UOrderID: req.Pass2UOrderID, ChannelOrderID: req.ChannelOrderID, ProductSaleID: req.ProductSaleID, PickupType: string(c.pickup(req.PickupType))}
	if err := check(w, false); err != nil {
		return Order{}, err
	}
	ex := c.post(ctx, "/query", encode(w), true)
	switch {
	case ex.resp == nil:
		return Order{}, c.fail(ErrNoAnswer, "query: "+ex.err.Error(), ex.retryAfter)
	case !success(ex.resp.Status):
		return Order{}, c.apiError(ex)
	}
	o, err := c.decodeOrder(ex.resp.Body)
	if err == nil && (req.Pass2UOrderID != "" && o.Pass2UOrderID != req.Pass2UOrderID || req.ChannelOrderID != "" && o.ChannelOrderID != req.ChannelOrderID) {
		err = unreadable("an answer about another order")
	}
	if err != nil {
		return Order{}, fmt.Errorf("ticketbao: query: HTTP %d: %w", ex.resp.Status, err)
	}
	return o, nil
}

// Refund sends POST /refund for Quantity tickets, after a query that
// shows how many are refunded already: Before (nothing refunded since the
// caller looked) sends it; Before+Quantity means it took effect before
// (AlreadyDone, nothing sent); any other count is ErrMismatch. A 429 is
// sent again after backoff; after a 5xx or a lost or unclear answer the
// order is queried again (Verified when it shows the refund).
func (c *Client) Refund(ctx context.Context, req RefundRequest) (RefundResult, error) {
	w := wireRequest{Pass2UOrderID: req.Pass2UOrderID, ProductSaleID: req.ProductSaleID, ChannelOrderID: req.ChannelOrderID,
		MailTo: req.MailTo, Quantity: req.Quantity, PickupType: string(c.pickup(req.PickupType))}
	switch {
	case req.Pass2UOrderID == "" || req.ChannelOrderID == "":
		return RefundResult{}, notSent("A refund needs the Pass2U order number (pass2uOrderId) and the sale id (channelOrderId).")
	case req.Before < 0 || req.Before > MaxQuantity:
		return RefundResult{}, notSent("The count of tickets refunded before (Before) is out of range.")
	}
	if err := check(w, true); err != nil {
		return RefundResult{}, err
	}
	o, err := c.tickets(ctx, req)
	var e *Error
	switch {
	case errors.Is(err, ErrMismatch), errors.As(err, &e) && !e.Retryable():
		return RefundResult{}, err
	case err != nil:
		return RefundResult{}, c.fail(ErrNotDone, "checking the order before the refund: "+err.Error(), retryAfter(err))
	}
	if done, err := c.refundDone(o, req); err != nil || done {
		return RefundResult{Order: o, AlreadyDone: done}, err
	}

	ex := c.post(ctx, "/refund", encode(w), false)
	var cause error
	switch {
	case ex.resp == nil:
		cause = c.fail(ErrNoAnswer, "refund: "+ex.err.Error(), ex.retryAfter)
	case success(ex.resp.Status):
		r, err := c.decodeOrder(ex.resp.Body)
		if err == nil && r.Pass2UOrderID == req.Pass2UOrderID && (len(r.Vouchers) == 0 || r.Refunded() == req.Before+req.Quantity) {
			return RefundResult{Order: r}, nil
		}
		cause = c.fail(ErrUnreadable, fmt.Sprintf("refund: HTTP %d: the answer does not show the refund", ex.resp.Status), 0)
	case ex.resp.Status < 500:
		return RefundResult{}, c.apiError(ex)
	default:
		cause = c.apiError(ex)
	}
	o, err = c.tickets(ctx, req)
	if err != nil {
		return RefundResult{}, c.fail(ErrNoAnswer, cause.Error()+"; query: "+err.Error(), max(retryAfter(cause), retryAfter(err)))
	}
	if done, err := c.refundDone(o, req); err != nil || done {
		return RefundResult{Order: o, Verified: done}, err
	}
	return RefundResult{}, cause
}

// tickets queries the order of a refund with its vouchers, whose
// statuses tell how many are refunded.
func (c *Client) tickets(ctx context.Context, req RefundRequest) (Order, error) {
	o, err := c.Query(ctx, QueryRequest{Pass2UOrderID: req.Pass2UOrderID, ProductSaleID: req.ProductSaleID, PickupType: PickupVoucher})
	if err == nil && o.ChannelOrderID != req.ChannelOrderID {
		return Order{}, c.fail(ErrMismatch, "pass2uOrderId "+req.Pass2UOrderID+" belongs to another sale", 0)
	}
	return o, err
}

// refundDone reads the order's refunded count: Before is not yet done,
// Before+Quantity is done, anything else is not what the till expected.
func (c *Client) refundDone(o Order, req RefundRequest) (bool, error) {
	switch n := o.Refunded(); {
	case len(o.Vouchers) == 0:
		return false, c.fail(ErrMismatch, "Pass2U lists no tickets for order "+req.Pass2UOrderID+", so its refunds cannot be checked", 0)
	case n == req.Before+req.Quantity:
		return true, nil
	case n != req.Before:
		return false, c.fail(ErrMismatch, fmt.Sprintf("order %s has %d refunded tickets; the till expected %d before this refund of %d", req.Pass2UOrderID, n, req.Before, req.Quantity), 0)
	}
	return false, nil
}

func success(status int) bool { return status >= 200 && status < 300 }

func (c *Client) apiError(ex exchange) *Error {
	e := c.decodeError(ex.resp.Status, ex.resp.Body)
	e.RetryAfter = ex.retryAfter
	return e
}

// exchange is how one request ended, after its retries.
type exchange struct {
	resp       *httpx.Response // nil when no answer arrived
	err        error
	retryAfter time.Duration // the last Retry-After Pass2U sent
}

// post sends body to path, again after backoff on a 429 (never
// processed) and, when read (a query, which changes nothing), on a 5xx or
// a lost answer.
func (c *Client) post(ctx context.Context, path string, body []byte, read bool) exchange {
	var after time.Duration
	for attempt := 0; ; attempt++ {
		ex := c.once(ctx, path, body)
		if ex.resp != nil {
			after = httpx.RetryAfter(ex.resp.Header, c.now())
		}
		ex.retryAfter = after
		again := ex.resp != nil && ex.resp.Status == http.StatusTooManyRequests ||
			read && (ex.resp == nil || httpx.Retryable(ex.resp.Status))
		if !again || attempt+1 >= c.backoff.Attempts || ctx.Err() != nil || c.backoff.Wait(ctx, attempt, after) != nil {
			return ex
		}
	}
}

// once makes one request with the three headers and the per-request
// timeout.
func (c *Client) once(ctx context.Context, path string, body []byte) exchange {
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	resp, err := c.http.Send(rctx, http.MethodPost, c.base+path, c.header, body)
	return exchange{resp: resp, err: err}
}
