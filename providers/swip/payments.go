package swip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"till/providers"
	"till/providers/httpx"
	"till/store/money"
)

// Payments is providers.Payments over a Client. Op.Key of a payment is
// the order's merchantOrderId and id; Op.Target of a void, refund or
// look-up is that id. The mapping:
//
//	Pay     POST /orders. An OPEN order answers Pending with Reference =
//	        the order id and Detail = its sessionCode, verbatim, for the
//	        QR code (also in Client.LastOrder and GetOrder). An order
//	        without a usable sessionCode is cancelled: Declined.
//	Follow  GET /orders/{id} every PollInterval, for PayWindow counted
//	        from Op.Created:
//	          paid >= total    close with total (confirms it) → Approved
//	          cash (scenario 2: the customer pays at the till)
//	                           → Declined, Code "pay_at_till", order left
//	                             OPEN: the till takes Order.Total itself and
//	                             then calls Client.Close with that amount
//	          CLOSED           as Lookup
//	          window over      close with 0 → Declined "Not paid within
//	                           45 seconds: the order was cancelled"; a close
//	                           that cannot be confirmed → Unknown
//	Void    the order OPEN: close without a body (cancel) → Approved;
//	        CLOSED and captured: POST /reverses → Approved, 27 → Declined
//	        (refund instead); cancelled or already given back → Approved;
//	        paid at the till → Declined, Code "31".
//	Refund  POST /refunds of Op.Amount, checked first against what the
//	        order took and has left (Declined, Code "32" and nothing sent).
//	        SWiP gives refunds no id, so Op.Returned (what the till had
//	        given back of the order before) tells a refund sent again
//	        after a restart: an order refunded by Returned + Amount
//	        already has it → Approved, nothing sent.
//	Close   (providers.Closer) the order OPEN: close with Op.Amount, what
//	        the till took itself → Approved; CLOSED with that amount
//	        already → Approved; anything else → Declined.
//	Quote   (providers.Quoter) POST /loyalty-calculations → Approved
//	        with Discount, the programs in Detail.
//	Lookup  GET /orders/{id}: OPEN → Pending; CLOSED with a close amount
//	        and paid >= total > 0 → Approved; CLOSED with 0 → Declined
//	        "cancelled"; CLOSED with an amount but paid 0 → Declined
//	        "paid_at_till"; paid below total → Unknown. A void or refund
//	        this Client sent is judged by the order's refunded amount.
//
// Approved payments may have cost the customer less than Op.Amount:
// Order.Discount, from Client.LastOrder or GetOrder, is SWiP's loyalty
// discount, and Order.Total what was paid. The Detail of an Approved
// outcome says both.
type Payments struct{ c *Client }

// Payments returns the providers.Payments view of c. Every call returns a
// view of the same client and its memory of what was sent.
func (c *Client) Payments() *Payments { return &Payments{c: c} }

// Client is the client behind p.
func (p *Payments) Client() *Client { return p.c }

// Name is the provider's configuration name.
func (p *Payments) Name() string { return "swip" }

var (
	_ providers.Payments = (*Payments)(nil)
	_ providers.Closer   = (*Payments)(nil)
	_ providers.Quoter   = (*Payments)(nil)
)

// sentOp is what Payments sent under an Op.Key, so that a void or refund
// (which SWiP knows by no id of its own) can be looked up and is not sent
// twice. It lasts as long as the Client.
type sentOp struct {
	kind    providers.Kind
	order   string
	amount  money.Amount
	before  money.Amount // the order's refunded amount before a void or refund
	cancel  bool         // a void of an OPEN order: a close without a body
	settled *providers.Outcome
}

// Pay creates the order op.Key for op.Amount and answers Pending with the
// sessionCode in Detail.
func (p *Payments) Pay(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	if out, bad := p.checkOrder(op); bad {
		return out
	}
	switch {
	case ctx.Err() != nil:
		return providers.Outcome{Status: providers.Declined, Reason: reasonNotSent, Detail: "not sent: " + ctx.Err().Error(), Retryable: true}
	}
	number := op.OrderNumber
	if number == "" {
		number = op.SaleID
	}
	c.remember(op.Key, sentOp{kind: providers.KindPay, order: op.Key, amount: op.Amount})
	o, err := c.CreateOrder(ctx, OrderRequest{
		ID: op.Key, Number: capText(number, 100), Lines: lines(op), Total: op.Amount, SaleDate: op.Created,
	})
	if err != nil {
		return p.failed(err, "payment", false)
	}
	if o.Status == Closed {
		return p.closed(o, "")
	}
	if !qrSafe(o.SessionCode) {
		if _, err := c.Cancel(ctx, o.ID); err != nil {
			return providers.Outcome{Status: providers.Unknown, Reference: o.ID, Reason: reasonNotChecked,
				Detail: c.clean("no usable sessionCode; cancel: "+err.Error(), maxText), Retryable: true}
		}
		return providers.Outcome{Status: providers.Declined, Reference: o.ID, Code: "no_session_code", Reason: reasonNoQR}
	}
	return providers.Outcome{Status: providers.Pending, Reference: o.ID, Reason: reasonWaiting, Detail: o.SessionCode, ShowCode: o.SessionCode}
}

// checkOrder refuses, unsent, an order op that SWiP would refuse.
func (p *Payments) checkOrder(op providers.Op) (providers.Outcome, bool) {
	c := p.c
	switch {
	case c.checkID("", op.Key) != nil:
		return notSentOutcome(reasonBadKey, "merchantOrderId must be a lower-case UUID"), true
	case op.Amount <= 0:
		return notSentOutcome(reasonBadAmount, "amount must be positive"), true
	case op.Currency != "" && op.Currency != c.cur.Code:
		return notSentOutcome(reasonCurrency(c.cur.Code), "currency "+capText(op.Currency, 8)), true
	}
	return providers.Outcome{}, false
}

// qrSafe accepts a sessionCode that can be drawn as a QR code.
func qrSafe(s string) bool { return s != "" && len(s) <= maxText && textSafe(s) }

// lines is the cart behind op when it adds up to the payment, else one
// line for the whole amount (a split tender, say).
func lines(op providers.Op) []Line {
	var sum money.Amount
	out := make([]Line, 0, len(op.Items))
	for _, it := range op.Items {
		sum += it.Amount
		out = append(out, Line{ProductID: capText(it.SKU, 100), Name: capText(it.Name, 200), Quantity: it.Qty,
			Grams: it.Weighed, Price: it.UnitPrice, Amount: it.Amount})
	}
	if len(out) > 0 && sum == op.Amount {
		return out
	}
	name := op.Description
	if strings.TrimSpace(name) == "" || !textSafe(name) {
		name = strings.TrimSpace("Sale " + op.SaleID)
	}
	return []Line{{ProductID: "sale", Name: capText(name, 200), Quantity: 1, Price: op.Amount, Amount: op.Amount}}
}

// Follow waits for the customer, as the type's comment says.
func (p *Payments) Follow(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	if c.checkID("", op.Key) != nil {
		return notSentOutcome(reasonBadKey, "merchantOrderId must be a lower-case UUID")
	}
	// The window runs from when the payment was made, so following it
	// again (after a restart, say) does not start the clock over.
	now := c.now()
	start := op.Created
	if start.IsZero() || start.After(now) {
		start = now
	}
	last := providers.Outcome{Status: providers.Pending, Reference: op.Key, Reason: reasonWaiting}
	for {
		o, err := c.getOrder(ctx, op.Key, max(op.Amount, 0))
		if err == nil {
			switch {
			case o.Status == Closed:
				return p.closed(o, "")
			case o.IsPaid():
				return p.confirm(ctx, o)
			case o.Cash:
				return p.payAtTill(o)
			}
			last = providers.Outcome{Status: providers.Pending, Reference: o.ID, Reason: reasonWaiting, Detail: o.SessionCode, ShowCode: o.SessionCode}
		} else {
			var e *Error
			if errors.As(err, &e) && isNotFound(e) {
				return p.notFound(e, op.Key, providers.KindPay)
			}
			if errors.As(err, &e) && e.Status == 0 {
				return p.lookupFailed(err, op.Key)
			}
			last = p.lookupFailed(err, op.Key)
		}
		if ctx.Err() != nil {
			return last
		}
		elapsed := c.now().Sub(start)
		if elapsed >= c.cfg.PayWindow {
			return p.cancelAtWindow(ctx, op.Key)
		}
		if c.sleep(ctx, min(c.cfg.PollInterval, c.cfg.PayWindow-elapsed)) != nil {
			return last
		}
	}
}

// confirm closes a paid order with its total, which confirms the payment.
func (p *Payments) confirm(ctx context.Context, o Order) providers.Outcome {
	got, err := p.c.Close(ctx, o.ID, o.Total)
	if err == nil || got.Status == Closed {
		return p.closed(got, "")
	}
	out := p.failed(err, "payment", true)
	// The customer has paid: following again confirms it, never cancels.
	return providers.Outcome{Status: providers.Unknown, Reference: o.ID, Code: out.Code,
		Reason: reasonNotConfirmed,
		Detail: out.Detail, Retryable: true, RetryAfter: out.RetryAfter}
}

// cancelAtWindow closes an unpaid order with 0. Only a confirmed cancel
// is Declined; anything else is Unknown, because the customer may have
// paid.
func (p *Payments) cancelAtWindow(ctx context.Context, id string) providers.Outcome {
	c := p.c
	got, err := c.Close(ctx, id, 0)
	if err == nil || got.Status == Closed {
		return p.closed(got, reasonNotPaidInTime(c.cfg.PayWindow))
	}
	out := p.failed(err, "payment", true)
	return providers.Outcome{Status: providers.Unknown, Reference: id, Code: out.Code, Reason: reasonNotChecked,
		Detail: c.clean("cancel at the end of the pay window: "+out.Detail, maxText), Retryable: true, RetryAfter: out.RetryAfter}
}

// payAtTill is scenario 2: the customer took SWiP's discount and pays at
// the till. No money moved through SWiP; the order stays OPEN for the till
// to close with the amount it takes.
func (p *Payments) payAtTill(o Order) providers.Outcome {
	cur := p.c.cur
	return providers.Outcome{
		Status:    providers.Declined,
		Reference: o.ID,
		Code:      providers.CodePayAtTill,
		Reason: fmt.Sprintf("The customer pays %s at the till (cash or card) after a SWiP discount of %s.",
			cur.Format(o.Total), cur.Format(o.Discount())),
		Detail:   p.amounts(o),
		Amount:   o.Total,
		Discount: o.Discount(),
	}
}

// closed maps a CLOSED order; cancelled is the reason for a close with 0
// ("" for the generic one).
func (p *Payments) closed(o Order, cancelled string) providers.Outcome {
	out := providers.Outcome{Reference: o.ID, Detail: p.amounts(o)}
	switch {
	case o.Status != Closed:
		out.Status, out.Reason = providers.Pending, reasonWaiting
	case o.CloseAmount == 0:
		out.Status, out.Code, out.Reason = providers.Declined, "cancelled", reasonCancelled
		if cancelled != "" {
			out.Reason = cancelled
		}
		if o.Error != "" {
			out.Detail += "; last error: " + o.Error
		}
	case o.Paid == 0:
		out.Status, out.Code, out.Reason = providers.Declined, "paid_at_till", reasonPaidAtTill
	case o.IsPaid():
		out.Status, out.Amount, out.Discount = providers.Approved, o.Captured(), o.Discount()
	default:
		out.Status, out.Reason = providers.Unknown, reasonPartial
	}
	out.Detail = p.c.clean(out.Detail, maxText)
	return out
}

// amounts says what the order cost and took, for Detail.
func (p *Payments) amounts(o Order) string {
	cur := p.c.cur
	s := fmt.Sprintf("%s: total %s, SWiP discount %s, paid %s", o.Status, cur.Plain(o.Total), cur.Plain(o.Discount()), cur.Plain(o.Paid))
	if o.Status == Closed {
		s += ", closed with " + cur.Plain(o.CloseAmount)
	}
	if o.Refunded > 0 {
		s += ", refunded " + cur.Plain(o.Refunded)
	}
	return s
}

// Void cancels or reverses the payment op.Target, as its state allows.
func (p *Payments) Void(ctx context.Context, op providers.Op) providers.Outcome {
	switch {
	case !validTarget(op.Key):
		return notSentOutcome(reasonBadKey, "no operation key")
	case !validTarget(op.Target):
		return notSentOutcome(reasonBadTarget, "no order to void")
	}
	if s, ok := p.c.recall(op.Key); ok && s.settled != nil {
		return *s.settled
	}
	return p.settle(op, providers.KindVoid, p.void(ctx, op))
}

func (p *Payments) void(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	o, err := c.GetOrder(ctx, op.Target)
	if err != nil {
		return p.failed(err, "cancellation", false)
	}
	if o.Status == Open {
		c.remember(op.Key, sentOp{kind: providers.KindVoid, order: o.ID, cancel: true})
		got, err := c.Cancel(ctx, o.ID)
		if err != nil && got.Status != Closed {
			return p.failed(err, "cancellation", true)
		}
		o = got // cancelled, or closed otherwise meanwhile: judged below
		if o.CloseAmount == 0 {
			return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: c.clean("order cancelled; "+p.amounts(o), maxText)}
		}
	}
	switch {
	case o.CloseAmount == 0:
		return providers.Outcome{Status: providers.Approved, Reference: o.ID, Reason: reasonAlreadyBack, Detail: p.amounts(o)}
	case o.Captured() == 0:
		return providers.Outcome{Status: providers.Declined, Reference: o.ID, Code: "31", Reason: reasonGiveBackTill, Detail: p.amounts(o)}
	}
	s, known := c.recall(op.Key)
	known = known && s.kind == providers.KindVoid && !s.cancel && s.order == o.ID
	if known && o.Refunded >= s.before+s.amount {
		return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: p.amounts(o)}
	}
	if o.Refundable() == 0 {
		return providers.Outcome{Status: providers.Approved, Reference: o.ID, Reason: reasonAlreadyBack, Detail: p.amounts(o)}
	}
	if !known {
		c.remember(op.Key, sentOp{kind: providers.KindVoid, order: o.ID, amount: o.Refundable(), before: o.Refunded})
	}
	r, err := c.moneyBackFrom(ctx, "/reverses", o, 0, true)
	if err != nil {
		return p.failed(err, "cancellation", true)
	}
	return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: p.resultDetail(r)}
}

// Refund gives back op.Amount of the order op.Target.
func (p *Payments) Refund(ctx context.Context, op providers.Op) providers.Outcome {
	switch {
	case !validTarget(op.Key):
		return notSentOutcome(reasonBadKey, "no operation key")
	case !validTarget(op.Target):
		return notSentOutcome(reasonBadTarget, "no order to refund")
	case op.Amount <= 0:
		return notSentOutcome(reasonBadAmount, "amount must be positive")
	}
	if s, ok := p.c.recall(op.Key); ok && s.settled != nil {
		return *s.settled
	}
	return p.settle(op, providers.KindRefund, p.refund(ctx, op))
}

func (p *Payments) refund(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	o, err := c.GetOrder(ctx, op.Target)
	if err != nil {
		return p.failed(err, "refund", false)
	}
	s, known := c.recall(op.Key)
	if !known || s.kind != providers.KindRefund || s.order != o.ID {
		// Not sent by this Client: maybe before a restart. The till's
		// own record says what had been given back before it.
		s = sentOp{kind: providers.KindRefund, order: o.ID, amount: op.Amount, before: op.Returned}
		c.remember(op.Key, s)
	}
	if o.Refunded >= s.before+s.amount {
		// Sent before, its answer lost, and it took effect: not again.
		return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: p.amounts(o)}
	}
	r, err := c.moneyBackFrom(ctx, "/refunds", o, op.Amount, false)
	if err != nil {
		return p.failed(err, "refund", true)
	}
	return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: p.resultDetail(r)}
}

func (p *Payments) resultDetail(r Result) string {
	if r.Order != nil {
		return p.c.clean("confirmed by a look-up: "+p.amounts(*r.Order), maxText)
	}
	return p.c.clean(strings.TrimSpace(r.Status+" "+r.Description), maxText)
}

// settle remembers a final outcome under op.Key, so sending the same Op
// again (a replay) answers it without a second request. An outcome that
// may change if tried again is not kept.
func (p *Payments) settle(op providers.Op, kind providers.Kind, out providers.Outcome) providers.Outcome {
	if !out.Settled() || out.Retryable {
		return out
	}
	s, ok := p.c.recall(op.Key)
	if !ok {
		s = sentOp{kind: kind, order: op.Target}
	}
	s.settled = &out
	p.c.remember(op.Key, s)
	return out
}

// Lookup asks what became of op.Target: an order, or a void or refund
// this Client sent.
func (p *Payments) Lookup(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	if !validTarget(op.Target) {
		return notSentOutcome(reasonBadTarget, "nothing to look up")
	}
	s, known := c.recall(op.Target)
	if known && s.settled != nil {
		return *s.settled
	}
	if known && s.kind != providers.KindPay {
		return p.lookupMoneyBack(ctx, s)
	}
	o, err := c.GetOrder(ctx, op.Target)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && isNotFound(e) {
			return p.notFound(e, op.Target, op.TargetKind)
		}
		return p.lookupFailed(err, op.Target)
	}
	if o.Status == Open {
		return providers.Outcome{Status: providers.Pending, Reference: o.ID, Reason: reasonWaiting, Detail: o.SessionCode, ShowCode: o.SessionCode}
	}
	return p.closed(o, "")
}

// notFound is SWiP's 404 for id. For a payment (kind, or what this
// Client sent under id), it means the create never arrived: SWiP stores an
// order before answering its create. Any other id may be a void or refund
// sent before a restart, which SWiP knows by no id: a person must check.
func (p *Payments) notFound(e *Error, id string, kind providers.Kind) providers.Outcome {
	detail := p.c.clean("HTTP 404: "+e.Description, maxText)
	if s, ok := p.c.recall(id); kind == providers.KindPay || ok && s.kind == providers.KindPay {
		return providers.Outcome{Status: providers.Declined, Code: e.Code, Reason: reasonNeverArrived, Detail: detail}
	}
	return providers.Outcome{Status: providers.Unknown, Code: e.Code, Reason: reasonNoSuchOrder, Detail: detail}
}

// lookupMoneyBack judges a void or refund by the order's refunded amount.
func (p *Payments) lookupMoneyBack(ctx context.Context, s sentOp) providers.Outcome {
	c := p.c
	o, err := c.GetOrder(ctx, s.order)
	if err != nil {
		return p.lookupFailed(err, s.order)
	}
	switch {
	case s.cancel && o.Status == Closed && o.CloseAmount == 0:
		return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: p.amounts(o)}
	case !s.cancel && o.Refunded >= s.before+s.amount:
		return providers.Outcome{Status: providers.Approved, Reference: o.ID, Detail: p.amounts(o)}
	}
	// SWiP's order shows no trace of it after the request's exchange
	// ended: it never arrived.
	reason := reasonNotRefunded
	if s.kind == providers.KindVoid {
		reason = reasonNotReversed
	}
	return providers.Outcome{Status: providers.Declined, Reference: o.ID, Reason: reason, Detail: p.amounts(o)}
}

// lookupFailed is the outcome of a look-up that got no order: it says
// nothing about the payment.
func (p *Payments) lookupFailed(err error, id string) providers.Outcome {
	c := p.c
	var e *Error
	switch {
	case errors.As(err, &e) && e.Status == 0:
		return notSentOutcome(reasonBadTarget, e.Description)
	case errors.As(err, &e):
		out := providers.Outcome{Status: providers.Unknown, Reference: id, Code: e.Code, Reason: reasonLost("payment"),
			Detail: c.clean(e.Error(), maxText), Retryable: httpx.Retryable(e.Status), RetryAfter: e.RetryAfter}
		if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
			out.Reason = e.Reason()
		}
		return out
	case errors.Is(err, ErrNoAnswer):
		return providers.Outcome{Status: providers.Unknown, Reference: id, Reason: reasonLost("payment"), Detail: c.clean(err.Error(), maxText), Retryable: true, RetryAfter: retryAfter(err)}
	}
	return providers.Outcome{Status: providers.Unknown, Reference: id, Code: "unreadable_answer", Reason: reasonUnreadable("payment"), Detail: c.clean(err.Error(), maxText)}
}

// failed maps the error of a call that was to change something. action
// says a 429 or 5xx *Error was verified not to have taken effect (close,
// refund, reverse), so it is Declined and may be sent again.
func (p *Payments) failed(err error, noun string, action bool) providers.Outcome {
	c := p.c
	var e *Error
	switch {
	case errors.Is(err, ErrNeverArrived):
		out := providers.Outcome{Status: providers.Declined, Reason: reasonNeverArrived, Detail: c.clean(err.Error(), maxText)}
		if errors.As(err, &e) {
			out.Code, out.Retryable, out.RetryAfter = e.Code, true, e.RetryAfter
		}
		return out
	case errors.As(err, &e) && e.Status == 0 && e.Code == "invalid_request":
		return notSentOutcome(codeReason(e.Code), e.Description)
	case errors.As(err, &e) && e.Status == 0:
		return providers.Outcome{Status: providers.Declined, Code: e.Code, Reason: e.Reason(), Detail: c.clean("not sent: "+e.Description, maxText)}
	case errors.As(err, &e) && httpx.Retryable(e.Status) && action:
		return providers.Outcome{Status: providers.Declined, Code: e.Code, Reason: reasonBusy(noun),
			Detail: c.clean(e.Error(), maxText), Retryable: true, RetryAfter: e.RetryAfter}
	case errors.As(err, &e) && httpx.Retryable(e.Status):
		return providers.Outcome{Status: providers.Unknown, Code: e.Code, Reason: reasonLost(noun),
			Detail: c.clean(e.Error(), maxText), Retryable: true, RetryAfter: e.RetryAfter}
	case errors.As(err, &e):
		return providers.Outcome{Status: providers.Declined, Code: e.Code, Reason: e.Reason(), Detail: c.clean(e.Error(), maxText)}
	case errors.Is(err, ErrNoAnswer):
		return providers.Outcome{Status: providers.Unknown, Reason: reasonLost(noun), Detail: c.clean(err.Error(), maxText), Retryable: true, RetryAfter: retryAfter(err)}
	}
	return providers.Outcome{Status: providers.Unknown, Code: "unreadable_answer", Reason: reasonUnreadable(noun), Detail: c.clean(err.Error(), maxText)}
}

func notSentOutcome(reason, detail string) providers.Outcome {
	return providers.Outcome{Status: providers.Declined, Reason: reason, Detail: "not sent: " + detail}
}

// Close ends the order op.Target with op.Amount, what the till took
// itself (scenario 2); 0 cancels it. SWiP takes one close per order, so
// one already closed with that amount is the answer to an earlier try.
func (p *Payments) Close(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	switch {
	case !validTarget(op.Target):
		return notSentOutcome(reasonBadTarget, "no order to close")
	case op.Amount < 0:
		return notSentOutcome(reasonBadAmount, "amount must not be negative")
	}
	// Looked at first, so a close sent again after a restart is not
	// sent twice: SWiP takes one.
	got, err := c.GetOrder(ctx, op.Target)
	if err != nil {
		return p.failed(err, "closing", true)
	}
	if got.Status == Open {
		got, err = c.Close(ctx, op.Target, op.Amount)
	} else if got.CloseAmount != op.Amount {
		err = errors.New("closed otherwise")
	}
	switch {
	case err == nil:
		return providers.Outcome{Status: providers.Approved, Reference: got.ID, Detail: p.amounts(got)}
	case got.Status == Closed:
		// Closed otherwise: by SWiP when the order timed out, or with
		// another amount. Nothing more can be done with it.
		return providers.Outcome{Status: providers.Declined, Reference: got.ID, Code: "closed", Reason: reasonClosedOtherwise, Detail: p.amounts(got)}
	}
	return p.failed(err, "closing", true)
}

// Quote asks SWiP for the anonymous loyalty discount on op's cart.
func (p *Payments) Quote(ctx context.Context, op providers.Op) providers.Outcome {
	c := p.c
	if out, bad := p.checkOrder(op); bad {
		return out
	}
	l, err := c.LoyaltyCalculation(ctx, LoyaltyRequest{ID: op.Key, Lines: lines(op), Total: op.Amount})
	if err != nil {
		out := p.failed(err, "loyalty calculation", true)
		if out.Status == providers.Unknown {
			// It changes nothing: a lost answer is just no answer.
			out.Status = providers.Declined
		}
		return out
	}
	var programs []string
	for _, ln := range l.Lines {
		programs = append(programs, fmt.Sprintf("%s %s", ln.Description, c.cur.Plain(ln.Discount)))
	}
	return providers.Outcome{Status: providers.Approved, Discount: l.Discount, Amount: l.Total,
		Detail: c.clean(strings.Join(programs, "; "), maxText)}
}
