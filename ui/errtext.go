package ui

import (
	"errors"

	"till/store"
	"till/store/sale"
	"till/store/sanitize"
)

// clerkErrors are the domain's errors a clerk meets, by which a wrapped
// one is told in the till's language when its details are not.
var clerkErrors = []error{
	sale.ErrQuantity, sale.ErrNoLine, sale.ErrLineVoided, sale.ErrPaid, sale.ErrTwoTicketProducts,
	sale.ErrNotCompleted, sale.ErrNothingPicked, sale.ErrCouponReturn, sale.ErrWeighedWhole,
	sale.ErrNothingLeft, sale.ErrTicketReturn, sale.ErrOverrideCoupon,
	store.ErrNotFound, store.ErrBadPIN, store.ErrDisabled, store.ErrLastManager,
}

// errText is err for the screen, cleaned, in the till's language: the
// domain speaks English, so a known message is translated whole, and a
// wrapped known error, in another language, by what it is.
func (m *Model) errText(err error) string {
	msg := err.Error()
	if t := m.t(msg); t != msg || m.opt.Language != TraditionalChinese {
		return sanitize.Text(t)
	}
	for _, known := range clerkErrors {
		if errors.Is(err, known) {
			return m.t(known.Error())
		}
	}
	return sanitize.Text(msg)
}
