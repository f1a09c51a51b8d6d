package pass2u

import (
	"context"
	"errors"
	"strconv"
	"time"

	"till/providers"
)

// Redemption is one redeem or unredeem as the till journals it: a plain
// value, written before it is sent and replayed after a crash.
type Redemption struct {
	// Key is the journal's id for the operation, the same on every try.
	// Pass2U never sees it.
	Key        string    `json:"key"`
	SaleID     string    `json:"sale_id"`
	ModelID    string    `json:"model_id"`
	CampaignID string    `json:"campaign_id"`
	Barcode    string    `json:"barcode"`
	Created    time.Time `json:"created"`
	// Resent says this redeem may have reached Pass2U before: an earlier
	// try ended Unknown with a Code other than "http_429", or the till
	// restarted after journaling it. "The pass is already redeemed." is
	// then taken as that try's success.
	Resent bool `json:"resent,omitempty"`
}

// Outcome codes besides "http_<status>".
const (
	CodeAlreadyRedeemed = "already_redeemed"
	CodeNotRedeemed     = "not_redeemed"
	CodeNotSent         = "not_sent"
	CodeNoAnswer        = "no_answer"
	CodeUnreadable      = "unreadable"
)

// RedeemOutcome redeems r's pass and says what became of it:
//
//	201                          Approved, Reference the distributionId,
//	                             Detail the Location ("" if it cannot be undone)
//	already redeemed, Resent     Approved, Code already_redeemed
//	already redeemed, and this   Unknown, not retryable: a person checks
//	  Client's earlier try of
//	  r.Key had no clear answer
//	other 400, 401, 403, 404     Declined, Reason as Error.Reason
//	429, 5xx                     Unknown, Retryable, RetryAfter
//	no or unreadable answer      Unknown, Retryable
//	refused before sending       Declined, Code not_sent
func (c *Client) RedeemOutcome(ctx context.Context, r Redemption) providers.Outcome {
	if err := r.check(); err != nil {
		return failed(err, "redemption")
	}
	rec, err := c.Redeem(ctx, r.ModelID, r.CampaignID, r.Barcode)
	switch {
	case err == nil:
		return providers.Outcome{Status: providers.Approved, Reference: rec.DistributionID, Reason: reasonRedeemed, Detail: rec.Location}
	case IsAlreadyRedeemed(err) && r.Resent:
		return providers.Outcome{Status: providers.Approved, Code: CodeAlreadyRedeemed, Reason: reasonTakenAsOurs, Detail: err.Error()}
	case IsAlreadyRedeemed(err) && c.wasUnsure(r.Key):
		return providers.Outcome{Status: providers.Unknown, Code: CodeAlreadyRedeemed, Reason: reasonCheckPass, Detail: err.Error()}
	}
	out := failed(err, "redemption")
	if mayHaveArrived(err) {
		c.markUnsure(r.Key)
	}
	return out
}

// UnredeemOutcome cancels r's redemption: 204 → Approved; a pass that is
// not redeemed → Approved, Code not_redeemed (nothing to undo); failures
// as for RedeemOutcome.
func (c *Client) UnredeemOutcome(ctx context.Context, r Redemption) providers.Outcome {
	if err := r.check(); err != nil {
		return failed(err, "cancellation")
	}
	err := c.Unredeem(ctx, r.ModelID, r.CampaignID, r.Barcode)
	switch {
	case err == nil:
		return providers.Outcome{Status: providers.Approved, Reason: reasonUnredeemed}
	case IsNotRedeemed(err):
		return providers.Outcome{Status: providers.Approved, Code: CodeNotRedeemed, Reason: reasonNothingToUndo, Detail: err.Error()}
	}
	return failed(err, "cancellation")
}

func (r Redemption) check() error {
	if r.Key == "" || len(r.Key) > 200 {
		return notSent("the redemption's key is empty or longer than 200 bytes")
	}
	return nil
}

// failed maps an error of Redeem or Unredeem to an outcome; noun names
// the operation for the clerk.
func failed(err error, noun string) providers.Outcome {
	out := providers.Outcome{Detail: capText(err.Error(), maxText)}
	var e *Error
	switch {
	case errors.As(err, &e) && e.Status == 0:
		out.Status, out.Code, out.Reason = providers.Declined, CodeNotSent, e.Reason()
	case e != nil:
		out.Status, out.Code, out.Reason = providers.Declined, "http_"+strconv.Itoa(e.Status), e.Reason()
		if e.Retryable() {
			out.Status, out.Retryable, out.RetryAfter = providers.Unknown, true, e.RetryAfter
		}
	case errors.Is(err, ErrUnreadable):
		out.Status, out.Code, out.Reason, out.Retryable = providers.Unknown, CodeUnreadable, reasonUnreadable(noun), true
	default:
		out.Status, out.Code, out.Reason, out.Retryable = providers.Unknown, CodeNoAnswer, reasonLost(noun), true
	}
	return out
}

// mayHaveArrived reports a failure after which the request may have
// taken effect: no answer, an unreadable one, or a 5xx.
func mayHaveArrived(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Status >= 500
	}
	return errors.Is(err, ErrNoAnswer) || errors.Is(err, ErrUnreadable)
}

// memory bounds the keys a Client remembers.
const memory = 4096

// markUnsure remembers that a redeem of key may have arrived unanswered,
// forgetting the oldest.
func (c *Client) markUnsure(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unsure[key] {
		return
	}
	c.unsure[key] = true
	c.order = append(c.order, key)
	if len(c.order) > memory {
		delete(c.unsure, c.order[0])
		c.order = c.order[1:]
	}
}

func (c *Client) wasUnsure(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.unsure[key]
}
