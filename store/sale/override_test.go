package sale

import (
	"errors"
	"testing"
	"time"

	"till/store/money"
)

func TestOverrideKeepsTheFirstPrice(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 2)
	mustAdd(t, s, rice, 375)
	later := now.Add(time.Minute)
	if err := s.OverridePrice(1, 3000, "boss", now); err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	rev := s.Rev
	if err := s.OverridePrice(1, 2500, "ann", later); err != nil {
		t.Fatal(err)
	}
	l := s.Lines[0]
	if l.UnitPrice != 2500 || *l.Override != (Override{Was: 3500, By: "ann", At: later}) || s.Rev != rev+1 {
		t.Errorf("line %+v, override %+v", l, l.Override)
	}
	if o := c.Lines[0].Override; o.By != "boss" || c.Lines[0].UnitPrice != 3000 {
		t.Errorf("a second override changed a clone: %+v", o)
	}
	// Per kilogram on a weighed line: 0.375 kg × 100.00.
	if err := s.OverridePrice(2, 10000, "boss", now); err != nil {
		t.Fatal(err)
	}
	if tt := totals(t, s, inclusive); tt.Lines != 5000+3750 || tt.Total != 8750 || tt.Tax != 238 {
		t.Errorf("totals %+v", tt)
	}
	// A fresh scan is charged the catalog price, on a line of its own.
	if l := mustAdd(t, s, tea, 1); l.ID != 3 || l.UnitPrice != 3500 || l.Override != nil {
		t.Errorf("scan after an override: %+v", l)
	}
	// Back to the old price, and to nothing: a manager may give it away.
	for _, p := range []money.Amount{3500, 0} {
		if err := s.OverridePrice(1, p, "boss", now); err != nil || s.Lines[0].Override.Was != 3500 {
			t.Errorf("override to %d: %v, %+v", p, err, s.Lines[0].Override)
		}
	}
	if tt := totals(t, s, inclusive); tt.Total != 3750+3500 {
		t.Errorf("given away: %+v", tt)
	}
}

func TestOverrideRefusals(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 2)
	mustAdd(t, s, bread, 1)
	if err := s.Void(2); err != nil {
		t.Fatal(err)
	}
	addCoupon(t, s, "c1", CouponEffect{Kind: EffectItem, SKU: "COFFEE"}, TenderApproved)
	for _, tc := range []struct {
		name  string
		id    int
		price money.Amount
		want  error // nil: any error
	}{
		{"a coupon", 3, 100, ErrOverrideCoupon},
		{"a voided line", 2, 100, ErrLineVoided},
		{"no such line", 9, 100, ErrNoLine},
		{"below zero", 1, -1, nil},
		{"too high", 1, MaxOverride + 1, nil},
	} {
		before := s.Clone()
		err := s.OverridePrice(tc.id, tc.price, "boss", now)
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if s.Rev != before.Rev || s.Lines[0].Override != nil || s.Lines[0].UnitPrice != 3500 {
			t.Errorf("%s: a refused override changed the sale", tc.name)
		}
	}
	if err := s.OverridePrice(1, MaxOverride, "boss", now); err != nil {
		t.Errorf("the highest price: %v", err)
	}
	if _, err := s.PayCash(inclusive, 100, now); err != nil {
		t.Fatal(err)
	}
	if err := s.OverridePrice(1, 3000, "boss", now); !errors.Is(err, ErrPaid) {
		t.Errorf("override after a payment: %v", err)
	}
}
