package ticketbao

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"till/providers"
)

// GenerateOutcome runs Generate for the journal and its replay: req is
// the op, stored as JSON before it is sent and sent again as it is.
//
//	order generated            Approved, Reference the pass2uOrderId
//	order found (generated
//	  before, not again)       Approved, Detail says so
//	refused (sold out, ...)    Declined, Code the provider's message, Reason
//	never reached Pass2U       Declined, Retryable
//	lost answer, 429, 5xx      Unknown, Retryable, RetryAfter
//	not the order asked for    Unknown, not Retryable: a person must check
func (c *Client) GenerateOutcome(ctx context.Context, req GenerateRequest) (providers.Outcome, Order) {
	o, err := c.Generate(ctx, req)
	if err != nil {
		return outcome(err, "ticket order"), o
	}
	detail := fmt.Sprintf("generated %d ticket(s)", req.Quantity)
	if o.Found {
		detail = "found: Pass2U already had this sale's order, so it was not generated again"
	}
	return providers.Outcome{Status: providers.Approved, Reference: o.Pass2UOrderID, Detail: detail}, o
}

// RefundOutcome runs Refund for the journal and its replay, mapped as
// GenerateOutcome's table says. Replaying req unchanged (Before
// included) after a lost answer never refunds twice: see Refund.
func (c *Client) RefundOutcome(ctx context.Context, req RefundRequest) providers.Outcome {
	r, err := c.Refund(ctx, req)
	if err != nil {
		return outcome(err, "refund")
	}
	detail := fmt.Sprintf("refunded %d ticket(s)", req.Quantity)
	switch {
	case r.AlreadyDone:
		detail += " earlier: found done before sending, not sent again"
	case r.Verified:
		detail += ": the answer was lost; a query confirmed it"
	}
	return providers.Outcome{Status: providers.Approved, Reference: req.Pass2UOrderID, Detail: detail}
}

// outcome maps an error of Generate or Refund. Error texts are cleaned
// when made: they carry no key.
func outcome(err error, noun string) providers.Outcome {
	out := providers.Outcome{Detail: capText(err.Error(), 2*maxText), RetryAfter: retryAfter(err)}
	var e *Error
	var f *failure
	refused := errors.As(err, &e)
	switch {
	case errors.As(err, &f) && f.sentinel == ErrNotDone:
		out.Status, out.Retryable = providers.Declined, true
		out.Reason = fmt.Sprintf("Nothing was done at Pass2U: the %s was not made. It can be tried again.", noun)
		if f.refusal != nil {
			out.Code, out.Reason = f.refusal.Code(), f.refusal.Reason()
		}
	case errors.Is(err, ErrMismatch):
		out.Status, out.Code = providers.Unknown, "mismatch"
		out.Reason = fmt.Sprintf("The Pass2U %s is not what the till expected: a person must check it with Pass2U.", noun)
	case refused && e.Status != http.StatusTooManyRequests && e.Status < 500:
		out.Status, out.Code, out.Reason, out.Retryable = providers.Declined, e.Code(), e.Reason(), e.Retryable()
	case refused:
		out.Status, out.Code, out.Reason, out.Retryable = providers.Unknown, e.Code(), e.Reason(), true
	default:
		out.Status, out.Retryable = providers.Unknown, true
		out.Reason = fmt.Sprintf("No clear answer from Pass2U about the %s. Send it again: the till checks the order first, so it never happens twice.", noun)
	}
	return out
}
