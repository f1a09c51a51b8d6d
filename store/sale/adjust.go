package sale

import (
	"errors"
	"fmt"
	"time"

	"till/store/money"
)

// Adjustment kinds: a void reverses a whole provider payment shortly after
// it was taken; a refund gives back all or part of it later.
const (
	AdjustVoid   = "void"
	AdjustRefund = "refund"
)

// Adjustment is a void or refund of one tender of a completed sale. It is
// recorded as pending before the provider is asked, like a tender. A
// return's refund in cash has no tender: its Method is cash and it is
// approved as the money is handed over.
type Adjustment struct {
	Kind      string `json:"kind"`
	TenderKey string `json:"tender_key,omitempty"`
	Method    string `json:"method,omitempty"`
	Return    int    `json:"return,omitempty"` // the return it pays back
	// Replaces is the refused refund a cash refund pays instead.
	Replaces  string       `json:"replaces,omitempty"`
	Key       string       `json:"key"` // idempotency key of the provider operation
	Amount    money.Amount `json:"amount"`
	Status    string       `json:"status"` // as a tender's
	Reference string       `json:"reference,omitempty"`
	Reason    string       `json:"reason,omitempty"`
	At        time.Time    `json:"at"`
}

// Errors of voids and refunds a clerk can act on.
var (
	// ErrPaymentVoided: a voided payment has nothing left to give back.
	ErrPaymentVoided = errors.New("the payment is voided")
	// ErrAdjustmentOpen: one void or refund of a payment at a time.
	ErrAdjustmentOpen = errors.New("an earlier void or refund of this payment is still open")
	// ErrPartlyRefunded: a void takes the whole payment, so not once part
	// of it was refunded.
	ErrPartlyRefunded = errors.New("part of the payment was refunded: refund the rest instead of voiding")
	// ErrRefundAmount: a refund is more than zero and at most what is
	// left; the error wrapping it says how much is left.
	ErrRefundAmount = errors.New("a refund must be more than zero and at most what is left")
)

// Refundable is what is left to give back of the tender with key: its
// amount less approved or still open refunds; nothing once voided.
func (s *Sale) Refundable(tenderKey string) (money.Amount, error) {
	var tn *Tender
	for i := range s.Tenders {
		if s.Tenders[i].Key == tenderKey && tenderKey != "" {
			tn = &s.Tenders[i]
		}
	}
	if tn == nil {
		return 0, fmt.Errorf("the sale has no provider payment %s", tenderKey)
	}
	if tn.Status != TenderApproved {
		return 0, fmt.Errorf("the %s payment is %s, not approved", tn.Method, tn.Status)
	}
	left := tn.Amount
	for _, a := range s.Adjustments {
		if a.TenderKey != tenderKey || a.Status == TenderDeclined {
			continue
		}
		if a.Kind == AdjustVoid {
			return 0, ErrPaymentVoided
		}
		left -= a.Amount
	}
	return left, nil
}

// RefundLeft is what a refund of the payment with key can give back: what
// is left of it, and no more than what is left of the sale, of which a
// return may have given part back in cash.
func (s *Sale) RefundLeft(tenderKey string) (money.Amount, error) {
	left, err := s.Refundable(tenderKey)
	return min(left, s.givenBackLeft()), err
}

// Adjust records a void or refund as pending. A void takes the whole
// tender and only while nothing of it was refunded.
func (s *Sale) Adjust(kind, tenderKey, key string, amount money.Amount, now time.Time) (Adjustment, error) {
	left, err := s.Refundable(tenderKey)
	if err != nil {
		return Adjustment{}, err
	}
	if s.adjustmentOpen(tenderKey) {
		return Adjustment{}, ErrAdjustmentOpen
	}
	switch kind {
	case AdjustVoid:
		// Nothing of it, nor of the sale (a return in cash), given back.
		if tn := s.Tender(tenderKey); left != tn.Amount || tn.Amount > s.givenBackLeft() {
			return Adjustment{}, ErrPartlyRefunded
		}
		amount = left
	case AdjustRefund:
		left = min(left, s.givenBackLeft())
		if amount <= 0 || amount > left {
			return Adjustment{}, fmt.Errorf("%w (%d)", ErrRefundAmount, left)
		}
	default:
		return Adjustment{}, fmt.Errorf("unknown adjustment %q", kind)
	}
	a := Adjustment{Kind: kind, TenderKey: tenderKey, Key: key, Amount: amount, Status: TenderPending, At: now}
	s.Adjustments = append(s.Adjustments, a)
	return a, nil
}

// SettleAdjustment records what became of the adjustment with key.
func (s *Sale) SettleAdjustment(key, status, reference, reason string) error {
	for i := range s.Adjustments {
		a := &s.Adjustments[i]
		if a.Key == key {
			a.Status, a.Reason = status, reason
			if reference != "" {
				a.Reference = reference
			}
			return nil
		}
	}
	return fmt.Errorf("no void or refund with key %s", key)
}
