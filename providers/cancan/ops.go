package cancan

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"till/providers"
	"till/providers/httpx"
)

// Pay creates a sale whose data.id is op.Key. It may answer Pending.
func (c *Client) Pay(ctx context.Context, op providers.Op) providers.Outcome {
	gateway, known := c.cfg.Gateways[op.Wallet]
	switch {
	case !validUUID(op.Key):
		return notSent(reasonBadKey, "data.id must be a UUID")
	case !known:
		return notSent(reasonNoWallet, "no payment_gateway configured for the wallet")
	case op.PaymentCode == "":
		return notSent(reasonNoCode, "empty payment_auth_key")
	case op.Amount <= 0:
		return notSent(reasonBadAmount, "amount must be positive")
	case !isCurrency(op.Currency):
		return notSent(reasonBadCurrency, "currency must be three capital letters")
	}
	desc := op.Description
	if desc == "" {
		desc = strings.TrimSpace("Sale " + op.SaleID)
	}
	body := encode(op.Key, "sale", saleRequest{
		PaymentGateway: gateway,
		PaymentAuthKey: op.PaymentCode,
		Amount:         int64(op.Amount),
		Currency:       op.Currency,
		Description:    desc,
		merchant:       c.merchant(),
	})
	return c.create(ctx, body, saleWant(op))
}

// Follow retrieves the sale op.Key until it settles. A sale still pending
// PollBound after op.Created is voided; the answer is then Declined once
// the void is confirmed, and Unknown if it cannot be.
func (c *Client) Follow(ctx context.Context, op providers.Op) providers.Outcome {
	if !validUUID(op.Key) {
		return notSent(reasonBadKey, "data.id must be a UUID")
	}
	// The bound runs from when the payment was made, so following it
	// again (after a restart, say) does not start the clock over.
	now := c.now()
	start := op.Created
	if start.IsZero() || start.After(now) {
		start = now
	}
	out, atBound := c.poll(ctx, saleWant(op), start)
	if !atBound {
		return out
	}
	return c.voidAtBound(ctx, op, out)
}

// Void creates a void (data.id op.Key) of the sale op.Target and follows it
// within ctx while it is pending.
func (c *Client) Void(ctx context.Context, op providers.Op) providers.Outcome {
	switch {
	case !validUUID(op.Key):
		return notSent(reasonBadKey, "data.id must be a UUID")
	case !validTarget(op.Target):
		return notSent(reasonBadTarget, "no sale to void")
	}
	w := want{ID: op.Key, Type: "void", Sale: op.Target}
	body := encode(op.Key, "void", voidRequest{Sale: op.Target, Description: op.Description, merchant: c.merchant()})
	return c.settle(ctx, w, c.create(ctx, body, w))
}

// Refund creates a refund (data.id op.Key) of op.Amount of the sale
// op.Target and follows it within ctx while it is pending.
func (c *Client) Refund(ctx context.Context, op providers.Op) providers.Outcome {
	switch {
	case !validUUID(op.Key):
		return notSent(reasonBadKey, "data.id must be a UUID")
	case !validTarget(op.Target):
		return notSent(reasonBadTarget, "no sale to refund")
	case op.Amount <= 0:
		return notSent(reasonBadAmount, "amount must be positive")
	}
	w := want{ID: op.Key, Type: "refund", Sale: op.Target, Amount: int64(op.Amount)}
	body := encode(op.Key, "refund", refundRequest{
		Sale: op.Target, Amount: int64(op.Amount), Description: op.Description, merchant: c.merchant(),
	})
	return c.settle(ctx, w, c.create(ctx, body, w))
}

// Lookup retrieves the transaction op.Target, of any type.
func (c *Client) Lookup(ctx context.Context, op providers.Op) providers.Outcome {
	if !validTarget(op.Target) {
		return notSent(reasonBadTarget, "no transaction to look up")
	}
	return c.lookup(ctx, want{ID: op.Target})
}

func saleWant(op providers.Op) want {
	return want{ID: op.Key, Type: "sale", Amount: int64(op.Amount), Currency: op.Currency}
}

func (c *Client) merchant() merchant {
	return merchant{POSID: c.cfg.POSID, MchLevel1: c.cfg.MchLevel1, MchLevel2: c.cfg.MchLevel2, MchLevel3: c.cfg.MchLevel3}
}

// settle follows a pending void or refund until it settles, PollBound
// passes or ctx ends; these are never voided.
func (c *Client) settle(ctx context.Context, w want, out providers.Outcome) providers.Outcome {
	if out.Status != providers.Pending {
		return out
	}
	out, _ = c.poll(ctx, w, c.now())
	return out
}

// voidIDSpace derives the id of the void sent at the bound from the sale's
// id, so a Follow run again after a crash finds that void (a repeated
// create answers transaction_id_failure, which is looked up) instead of
// sending a second one.
var voidIDSpace = uuid.MustParse("8f3c1d2e-6b7a-4c59-9e0d-3a1b5c7d9e2f")

func autoVoidID(saleID string) string {
	return uuid.NewSHA1(voidIDSpace, []byte(saleID)).String()
}

// voidAtBound cancels a sale that stayed pending too long. Only a
// confirmed void makes it Declined; anything else leaves it Unknown, for a
// person to check, because the customer may have paid.
func (c *Client) voidAtBound(ctx context.Context, op providers.Op, last providers.Outcome) providers.Outcome {
	id := autoVoidID(op.Key)
	w := want{ID: id, Type: "void", Sale: op.Key}
	body := encode(id, "void", voidRequest{
		Sale:        op.Key,
		Description: strings.TrimSpace("Sale " + op.SaleID + ": no answer in time"),
		merchant:    c.merchant(),
	})
	v := c.settle(ctx, w, c.create(ctx, body, w))
	if v.Status == providers.Approved {
		return providers.Outcome{
			Status:    providers.Declined,
			Reference: op.Key,
			Reason:    reasonVoidedAtBound,
			Detail:    "void " + id + " succeeded",
		}
	}
	detail := fmt.Sprintf("sale last seen %s; void %s %s", last.Status, id, v.Status)
	if v.Code != "" {
		detail += " (" + v.Code + ")"
	}
	return providers.Outcome{
		Status:     providers.Unknown,
		Reference:  op.Key,
		Code:       v.Code,
		Reason:     reasonVoidUnconfirmed(),
		Detail:     c.clean(detail),
		Retryable:  v.Retryable,
		RetryAfter: v.RetryAfter,
	}
}

// poll retrieves w until it settles, ctx ends, or bound has passed since
// start; atBound reports the last.
func (c *Client) poll(ctx context.Context, w want, start time.Time) (out providers.Outcome, atBound bool) {
	for {
		out = c.lookup(ctx, w)
		if out.Settled() || ctx.Err() != nil {
			return out, false
		}
		elapsed := c.now().Sub(start)
		if elapsed >= c.cfg.PollBound {
			return out, true
		}
		if c.sleep(ctx, min(c.cfg.PollInterval, c.cfg.PollBound-elapsed)) != nil {
			return out, false
		}
	}
}

// create sends a create and turns its answer into an outcome. Whenever
// the answer does not say for sure what happened, the transaction is
// looked up by its id: it is never sent as a new one.
func (c *Client) create(ctx context.Context, body []byte, w want) providers.Outcome {
	if ctx.Err() != nil {
		return providers.Outcome{Status: providers.Declined, Reason: reasonNotSent, Detail: "not sent: " + ctx.Err().Error(), Retryable: true}
	}
	ex := c.send(ctx, http.MethodPost, c.collection, body)
	if ex.resp == nil {
		return c.resolve(ctx, w, ex, "create: "+ex.err.Error())
	}
	st := ex.resp.Status
	switch {
	case st >= 200 && st < 300:
		r, err := decodeRecord(ex.resp.Body, w)
		if err != nil {
			return c.resolve(ctx, w, ex, fmt.Sprintf("create: HTTP %d: %v", st, err))
		}
		if r.State == stateFailed && r.FailureCode == "transaction_id_failure" {
			return c.resolve(ctx, w, ex, "create: transaction_id_failure")
		}
		return c.outcome(r)
	case st >= 400 && st < 500 && st != http.StatusTooManyRequests:
		e := decodeErrors(st, ex.resp.Body)
		if e.Code == "transaction_id_failure" {
			// Usually this id was created by an earlier try whose answer
			// was lost: find out what became of it.
			return c.resolve(ctx, w, ex, "create: transaction_id_failure")
		}
		return c.refused(e, w.Type)
	}
	if st == http.StatusTooManyRequests {
		// CANCAN turns a request away unprocessed with 429: nothing
		// happened, so it is sent again later, after Retry-After. A
		// look-up now would only find nothing and call it final.
		e := decodeErrors(st, ex.resp.Body)
		return providers.Outcome{Status: providers.Declined, Code: e.Code, Reason: reasonBusy,
			Detail: c.clean(fmt.Sprintf("HTTP 429: %s", e.Detail)), Retryable: true, RetryAfter: ex.retryAfter}
	}
	// 5xx after the last retry, or a status a create never gets.
	return c.resolve(ctx, w, ex, fmt.Sprintf("create: HTTP %d", st))
}

// resolve looks up a create whose answer was lost or unclear.
func (c *Client) resolve(ctx context.Context, w want, ex exchange, why string) providers.Outcome {
	out := c.lookup(ctx, w)
	if out.Status == providers.Unknown {
		out.Detail = c.clean(why + "; look-up: " + out.Detail)
		out.RetryAfter = max(out.RetryAfter, ex.retryAfter)
	}
	return out
}

// refused is the outcome of a 4xx answer to a create: CANCAN did not take
// the request, so nothing happened.
func (c *Client) refused(e apiError, typ string) providers.Outcome {
	out := providers.Outcome{
		Status: providers.Declined,
		Code:   e.Code,
		Reason: reasonRejected(typ),
		Detail: c.clean(fmt.Sprintf("HTTP %d: %s", e.Status, e.Detail)),
	}
	switch e.Status {
	case http.StatusUnauthorized:
		out.Reason = reasonAPIKey
	case http.StatusForbidden:
		out.Reason = reasonForbidden
	}
	return out
}

// lookup retrieves w.ID.
func (c *Client) lookup(ctx context.Context, w want) providers.Outcome {
	for second := false; ; second = true {
		ex := c.send(ctx, http.MethodGet, c.item(w.ID), nil)
		if ex.resp == nil {
			return c.unknown(reasonLost(w.Type), "", ex.err.Error(), true, 0)
		}
		st := ex.resp.Status
		switch {
		case st >= 200 && st < 300:
			r, err := decodeRecord(ex.resp.Body, w)
			if err != nil {
				return c.unknown(reasonUnreadable(w.Type), "unreadable_answer", fmt.Sprintf("HTTP %d: %v", st, err), false, 0)
			}
			return c.outcome(r)
		case st == http.StatusNotFound:
			e := decodeErrors(st, ex.resp.Body)
			if e.Code != "not_found_error" {
				// Not CANCAN's own answer (a proxy's page, a wrong
				// BaseURL): it proves nothing about the transaction.
				return c.unknown(reasonLost(w.Type), e.Code, "HTTP 404: "+e.Detail, false, 0)
			}
			// The till made this id, so CANCAN not knowing it means the
			// create never arrived and nothing was charged. That is safe
			// to say because CANCAN answers a create only after storing
			// it under the till's id, and this look-up is sent only after
			// the create's own exchange has ended (answered, failed or
			// timed out). The gap left is a create still held in the
			// network when the look-up overtakes it; asking twice, a poll
			// interval apart, narrows it. A create landing even later
			// keeps its id and stays findable by Lookup from the journal.
			if !second {
				if err := c.sleep(ctx, c.cfg.PollInterval); err != nil {
					return c.unknown(reasonLost(w.Type), e.Code, "HTTP 404, not confirmed: "+err.Error(), true, 0)
				}
				continue
			}
			return providers.Outcome{
				Status: providers.Declined,
				Code:   e.Code,
				Reason: reasonNeverArrived(w.Type),
				Detail: c.clean("HTTP 404: " + e.Detail),
			}
		case httpx.Retryable(st):
			e := decodeErrors(st, ex.resp.Body)
			return c.unknown(reasonLost(w.Type), e.Code, fmt.Sprintf("HTTP %d: %s", st, e.Detail), true, ex.retryAfter)
		case st == http.StatusUnauthorized:
			e := decodeErrors(st, ex.resp.Body)
			return c.unknown(reasonAPIKey, e.Code, "HTTP 401: "+e.Detail, false, 0)
		default:
			e := decodeErrors(st, ex.resp.Body)
			return c.unknown(reasonLost(w.Type), e.Code, fmt.Sprintf("HTTP %d: %s", st, e.Detail), false, 0)
		}
	}
}

func (c *Client) unknown(reason, code, detail string, retryable bool, after time.Duration) providers.Outcome {
	return providers.Outcome{
		Status:     providers.Unknown,
		Code:       code,
		Reason:     reason,
		Detail:     c.clean(detail),
		Retryable:  retryable,
		RetryAfter: after,
	}
}

// outcome maps a well-formed transaction.
func (c *Client) outcome(r record) providers.Outcome {
	out := providers.Outcome{Reference: r.ID}
	switch r.State {
	case stateSucceeded:
		out.Status = providers.Approved
	case statePending:
		out.Status = providers.Pending
		out.Reason = reasonWaiting
		if r.Type != "sale" {
			out.Reason = fmt.Sprintf("CANCAN is still processing the %s: look it up later.", noun(r.Type))
		}
	default:
		out.Status = providers.Declined
		out.Code = capText(c.clean(r.FailureCode), 64)
		out.Reason = failureReason(r.FailureCode, r.Type)
		out.Detail = c.clean(r.FailureDetail)
	}
	return out
}

func notSent(reason, detail string) providers.Outcome {
	return providers.Outcome{Status: providers.Declined, Reason: reason, Detail: "not sent: " + detail}
}

// exchange is how one request ended, after its retries.
type exchange struct {
	resp       *httpx.Response // nil when no answer arrived
	err        error
	retryAfter time.Duration
}

// send makes a request, retrying 429 and 5xx answers with backoff (and a
// GET's network failures too). A create that got no answer is not sent
// again: it may have arrived, and is looked up instead.
func (c *Client) send(ctx context.Context, method, target string, body []byte) exchange {
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		resp, err := c.http.Send(rctx, method, target, c.header, body)
		cancel()
		var after time.Duration
		switch {
		case err != nil && method == http.MethodPost:
			return exchange{err: err}
		case err == nil && !httpx.Retryable(resp.Status):
			return exchange{resp: resp}
		case err == nil:
			after = httpx.RetryAfter(resp.Header, c.now())
		}
		if attempt+1 >= c.backoff.Attempts || ctx.Err() != nil || c.backoff.Wait(ctx, attempt, after) != nil {
			return exchange{resp: resp, err: err, retryAfter: after}
		}
	}
}

func (c *Client) item(id string) string { return c.collection + "/" + url.PathEscape(id) }

// validUUID accepts only the canonical 36-character form the till makes.
func validUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// validTarget accepts any id that can travel as one path segment.
func validTarget(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 200 || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
