// Package providers is the contract between the till and the payment
// providers: operations as plain values that can be journaled and replayed,
// typed outcomes, and the interface the UI drives. Adapters live in the
// sub-packages (cancan, ipass, ...) and never import each other.
package providers

import (
	"context"
	"fmt"
	"time"

	"till/store/money"
)

// Kind is what an operation does.
type Kind string

const (
	KindPay    Kind = "pay"    // charge the customer
	KindVoid   Kind = "void"   // cancel a payment (pending, or soon after)
	KindRefund Kind = "refund" // give back all or part of a settled payment
	KindLookup Kind = "lookup" // ask what became of an earlier operation
	// KindClose reports what the till took itself for a provider's order
	// (SWiP scenario 2: loyalty through SWiP, paid in cash or by card) and
	// ends the order; an Amount of 0 cancels it.
	KindClose Kind = "close"
	// KindRedeem and KindUnredeem use up a customer's pass (a coupon or a
	// voucher, Pass2U Checkout) and give it back.
	KindRedeem   Kind = "redeem"
	KindUnredeem Kind = "unredeem"
	// KindTickets issues the e-tickets a paid sale bought (TicketBao).
	KindTickets Kind = "tickets"
)

// Op is one provider operation. It is a plain value so the journal can
// store it before it is sent and replay it after a crash; Key is its
// idempotency key and stays the same on every retry.
type Op struct {
	Provider string       `json:"provider"` // "cancan", "ipass", ...
	Kind     Kind         `json:"kind"`
	Key      string       `json:"key"` // CANCAN data.id, iPASS req_id
	SaleID   string       `json:"sale_id"`
	Wallet   string       `json:"wallet,omitempty"` // "wechat", "alipay", "linepay", "ipass"
	Amount   money.Amount `json:"amount"`
	Currency string       `json:"currency"`
	// PaymentCode is the one-time code scanned from the customer's phone.
	PaymentCode string `json:"payment_code,omitempty"`
	// Target is the Key of the payment a void, refund or lookup is about.
	Target string `json:"target,omitempty"`
	// TargetKind is the kind of the operation a lookup is about, for
	// providers whose answer depends on it.
	TargetKind Kind `json:"target_kind,omitempty"`
	// OrderNumber is the merchant order number where a provider wants one
	// (iPASS order_number); retries reuse it.
	OrderNumber string `json:"order_number,omitempty"`
	// NonDiscountable is the part of Amount no discount may touch
	// (tobacco, alcohol): iPASS redeem.non_redeem_amout.
	NonDiscountable money.Amount `json:"non_discountable,omitempty"`
	Description     string       `json:"description,omitempty"`
	// Items is the cart behind a payment, for providers that work out
	// loyalty per item (SWiP).
	Items []Item `json:"items,omitempty"`
	// Returned is what the till had already given back of Target before
	// this void or refund. SWiP knows refunds by no id of their own, so a
	// refund sent again after a crash is recognised by the order's
	// refunded total.
	Returned money.Amount `json:"returned,omitempty"`
	// Pass is the pass a redeem or unredeem is about.
	Pass *Pass `json:"pass,omitempty"`
	// Tickets is what a tickets op issues; SaleID is the provider's
	// idempotency key for it.
	Tickets *TicketRequest `json:"tickets,omitempty"`
	Created time.Time      `json:"created"`
	// Resend says the op may have reached the provider before: it is
	// sent again after a lost answer or a restart. The sender sets it;
	// it is not journaled.
	Resend bool `json:"-"`
}

// TicketRequest is the e-tickets of one product bought on a sale.
type TicketRequest struct {
	Product string `json:"product"` // the provider's product id
	Qty     int    `json:"qty"`
	Email   string `json:"email,omitempty"` // the customer's, for the provider's mail
}

// TicketOrder is an issued ticket order: a voucher per ticket, or one
// order page with its passcode.
type TicketOrder struct {
	Order    string          `json:"order"`
	URL      string          `json:"url,omitempty"`
	Passcode string          `json:"passcode,omitempty"`
	Vouchers []TicketVoucher `json:"vouchers,omitempty"`
}

// TicketVoucher is one ticket: the barcode to scan at the gate, and its
// page.
type TicketVoucher struct {
	Barcode string `json:"barcode"`
	URL     string `json:"url,omitempty"`
	Status  string `json:"status,omitempty"`
}

// Pass is a customer's pass in a provider's campaign.
type Pass struct {
	Model    string `json:"model"`
	Campaign string `json:"campaign"`
	Barcode  string `json:"barcode"`
}

// Item is one line of the cart behind a payment.
type Item struct {
	SKU       string       `json:"sku"`
	Name      string       `json:"name"`
	Qty       int64        `json:"qty"` // units, or grams when Weighed
	Weighed   bool         `json:"weighed,omitempty"`
	UnitPrice money.Amount `json:"unit_price"` // per unit, or per kg when Weighed
	Amount    money.Amount `json:"amount"`     // the line's amount as the till rounded it
}

// Status is what became of an operation.
type Status string

const (
	// Approved: done; the money moved (or the void/refund took effect).
	Approved Status = "approved"
	// Declined: the provider said no, or the till never sent it; no money
	// moved. Reason says why in plain words.
	Declined Status = "declined"
	// Pending: accepted, not settled yet; follow it.
	Pending Status = "pending"
	// Unknown: the answer was lost. Never shown as paid or unpaid: it must
	// be looked up (or, where the provider has no look-up, checked by a
	// person).
	Unknown Status = "unknown"
)

// Outcome is a provider's answer to an operation.
type Outcome struct {
	Status Status `json:"status"`
	// Reference is the provider's transaction id, for receipts and
	// reconciliation.
	Reference string `json:"reference,omitempty"`
	// Code is the provider's failure or error code, e.g.
	// "customer_insufficient_balance_failure" or "0006".
	Code string `json:"code,omitempty"`
	// Reason is the clerk's message: plain words, no jargon.
	Reason string `json:"reason,omitempty"`
	// Detail is the provider's own text, kept for the journal. It comes
	// from outside: sanitise it before drawing or printing.
	Detail string `json:"detail,omitempty"`
	// Retryable says that sending the same Op again (same Key) is safe and
	// may succeed: a 429, a 5xx, a network failure.
	Retryable bool `json:"retryable,omitempty"`
	// RetryAfter is the provider's Retry-After, if it gave one.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// Amount is what a payment took when a provider's loyalty discount
	// made it less than Op.Amount, or what the till must take itself
	// (SWiP scenario 2); 0 means Op.Amount.
	Amount money.Amount `json:"amount,omitempty"`
	// Discount is the loyalty discount the provider gave the customer
	// (SWiP), or offers every customer (a Quote).
	Discount money.Amount `json:"discount,omitempty"`
	// ShowCode is a code the customer scans from the till's screen to pay
	// (SWiP's sessionCode), with a Pending payment. It comes from outside:
	// draw it only as a QR code.
	ShowCode string `json:"show_code,omitempty"`
	// Tickets is the order an Approved tickets op issued.
	Tickets *TicketOrder `json:"tickets,omitempty"`
}

// CodePayAtTill is a Declined payment's Code when the customer took the
// provider's loyalty discount (Outcome.Discount) and pays Outcome.Amount
// at the till instead; once paid, the till closes the order (Closer).
const CodePayAtTill = "pay_at_till"

// Settled reports whether the outcome is final.
func (o Outcome) Settled() bool { return o.Status == Approved || o.Status == Declined }

// Provider is any provider the journal replays operations for; what it
// can do is told by the interfaces it implements (Payments, Closer,
// Redeemer).
type Provider interface {
	// Name is the provider's configuration name ("cancan", "pass2u").
	Name() string
}

// Payments is what the UI drives for every payment provider. Every call
// honours ctx's deadline and returns an Outcome; none blocks the screen,
// because the UI runs them in commands.
type Payments interface {
	// Name is the provider's configuration name ("cancan", "ipass").
	Name() string
	// Pay starts a payment. It may answer Pending.
	Pay(ctx context.Context, op Op) Outcome
	// Follow waits for a started payment to settle, polling within ctx.
	// A provider whose wallets must never hang (CANCAN) voids a payment
	// still pending at its bound and answers Declined once the void is
	// confirmed.
	Follow(ctx context.Context, op Op) Outcome
	// Void cancels the payment op.Target.
	Void(ctx context.Context, op Op) Outcome
	// Refund gives back op.Amount of the payment op.Target.
	Refund(ctx context.Context, op Op) Outcome
	// Lookup asks what became of the operation op.Target (any kind).
	// Providers without a look-up answer Unknown with a Reason saying a
	// person must check.
	Lookup(ctx context.Context, op Op) Outcome
}

// Closer is a provider whose orders the till ends itself, saying what it
// took at the till (SWiP).
type Closer interface {
	// Close ends the order op.Target with op.Amount taken at the till; 0
	// cancels it. Closing again with the same amount answers Approved.
	Close(ctx context.Context, op Op) Outcome
}

// Campaign is one of a pass provider's campaigns the till may redeem.
type Campaign struct {
	Model     string `json:"model"`
	ModelName string `json:"model_name"`
	ID        string `json:"id"`
	Name      string `json:"name"`
}

// Redeemer is a provider of passes the till redeems at the till.
type Redeemer interface {
	Provider
	// Campaigns lists the campaigns the till's account may redeem.
	Campaigns(ctx context.Context) ([]Campaign, error)
	// Redeem uses up op.Pass. With op.Resend, a pass found redeemed
	// already is taken as this op's earlier try having worked.
	Redeem(ctx context.Context, op Op) Outcome
	// Unredeem gives op.Pass back; a pass not redeemed is Approved.
	Unredeem(ctx context.Context, op Op) Outcome
}

// Ticketer is a provider that issues e-tickets.
type Ticketer interface {
	Provider
	// Tickets issues op.Tickets for the sale op.SaleID, at most once per
	// sale however often it is sent.
	Tickets(ctx context.Context, op Op) Outcome
}

// Quoter is a provider that tells, before payment, the loyalty discount
// every customer gets on a cart (SWiP's loyalty calculation).
type Quoter interface {
	// Quote answers Approved with Discount for op.Items and op.Amount,
	// and the programs behind it in Detail. It changes nothing.
	Quote(ctx context.Context, op Op) Outcome
}

// CanRefund reports whether p gives money back; a provider that takes
// payments only (iPASS) says so with a Refunds method.
func CanRefund(p Provider) bool {
	r, ok := p.(interface{ Refunds() bool })
	return !ok || r.Refunds()
}

// Do runs op on p by its kind; the journal's replay uses it. A kind p
// cannot do is Declined, unsent.
func Do(ctx context.Context, p Provider, op Op) Outcome {
	pay, payments := p.(Payments)
	closer, closes := p.(Closer)
	redeemer, redeems := p.(Redeemer)
	ticketer, tickets := p.(Ticketer)
	switch {
	case payments && op.Kind == KindPay:
		return pay.Pay(ctx, op)
	case payments && op.Kind == KindVoid:
		return pay.Void(ctx, op)
	case payments && op.Kind == KindRefund:
		return pay.Refund(ctx, op)
	case payments && op.Kind == KindLookup:
		return pay.Lookup(ctx, op)
	case closes && op.Kind == KindClose:
		return closer.Close(ctx, op)
	case redeems && op.Kind == KindRedeem:
		return redeemer.Redeem(ctx, op)
	case redeems && op.Kind == KindUnredeem:
		return redeemer.Unredeem(ctx, op)
	case tickets && op.Kind == KindTickets:
		return ticketer.Tickets(ctx, op)
	}
	return Outcome{Status: Declined, Code: "invalid_operation", Reason: fmt.Sprintf("%s cannot %s", p.Name(), op.Kind)}
}
