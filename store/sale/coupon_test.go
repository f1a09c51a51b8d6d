package sale

import (
	"errors"
	"testing"
)

var coffee = Item{SKU: "COFFEE", Name: "Americano", Price: 4500, TaxClass: "standard"}

func coupon(key, barcode string, e CouponEffect) Coupon {
	return Coupon{Provider: "pass2u", Key: key, Model: "1248", Campaign: "381", Barcode: barcode, Effect: e, At: now}
}

func TestCouponsTakeMoneyOffOnceApproved(t *testing.T) {
	s := cart(t) // 100.00 standard + 50.00 zero
	if _, err := s.AddCoupon("10% off", coupon("r1", "P-1", CouponEffect{Kind: EffectPercent, Percent: 1000}), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCoupon("NT$50 off", coupon("r2", "P-2", CouponEffect{Kind: EffectAmount, Amount: 5000}), nil); err != nil {
		t.Fatal(err)
	}
	if tt := totals(t, s, inclusive); tt.Discount != 0 || tt.Total != 15000 || tt.Items != 2 || len(s.OpenCoupons()) != 2 {
		t.Fatalf("pending coupons count: %+v", tt)
	}
	for _, k := range []string{"r1", "r2"} {
		if err := s.SettleCoupon(k, TenderApproved, ""); err != nil {
			t.Fatal(err)
		}
	}
	tt := totals(t, s, inclusive)
	// 10% of 150.00, then 50.00: 65.00 off, spread over the classes.
	if tt.Discount != 6500 || tt.Total != 8500 || tt.Coupons[3] != 1500 || tt.Coupons[4] != 5000 || len(s.OpenCoupons()) != 0 {
		t.Fatalf("%+v", tt)
	}
	// Never below zero: a second 50 off and a 10% off take what is left.
	s.AddCoupon("NT$50 off", coupon("r3", "P-3", CouponEffect{Kind: EffectAmount, Amount: 9000}), nil)
	s.SettleCoupon("r3", TenderApproved, "")
	if tt := totals(t, s, inclusive); tt.Total != 0 || tt.Discount != 15000 || tt.Coupons[5] != 8500 {
		t.Fatalf("%+v", tt)
	}
	// Voiding the line takes the coupon off.
	if err := s.Void(5); err != nil {
		t.Fatal(err)
	}
	if tt := totals(t, s, inclusive); tt.Total != 8500 {
		t.Fatalf("%+v", tt)
	}
}

func TestDeclinedCouponLeavesTheSale(t *testing.T) {
	s := cart(t)
	s.AddCoupon("10% off", coupon("r1", "P-1", CouponEffect{Kind: EffectPercent, Percent: 1000}), nil)
	if err := s.SettleCoupon("r1", TenderDeclined, "The pass is expired."); err != nil {
		t.Fatal(err)
	}
	l := s.Lines[2]
	if !l.Voided || l.Coupon.Reason != "The pass is expired." || len(s.OpenCoupons()) != 0 {
		t.Fatalf("%+v %+v", l, l.Coupon)
	}
	// The same pass may be tried again once the first try left.
	if _, err := s.AddCoupon("10% off", coupon("r2", "P-1", CouponEffect{Kind: EffectPercent, Percent: 1000}), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddCoupon("10% off", coupon("r3", "P-1", CouponEffect{Kind: EffectPercent, Percent: 1000}), nil); err == nil {
		t.Error("the same pass went on the sale twice")
	}
}

func TestFreeItemCouponIsTheItemAtNoCharge(t *testing.T) {
	s := cart(t)
	e := CouponEffect{Kind: EffectItem, SKU: "COFFEE"}
	if _, err := s.AddCoupon("Free coffee", coupon("r1", "P-1", e), &tea); err == nil {
		t.Error("a coupon for coffee gave tea")
	}
	l, err := s.AddCoupon("Free coffee", coupon("r1", "P-1", e), &coffee)
	if err != nil {
		t.Fatal(err)
	}
	s.SettleCoupon("r1", TenderApproved, "")
	tt := totals(t, s, inclusive)
	if l.SKU != "COFFEE" || l.Name != "Free coffee: Americano" || tt.Items != 3 || tt.Total != 15000 || tt.Discount != 0 {
		t.Fatalf("%+v %+v", l, tt)
	}
}

func TestCouponsNeedAnUnpaidSaleAndAnEffect(t *testing.T) {
	s := cart(t)
	if _, err := s.AddCoupon("x", coupon("r0", "P-0", CouponEffect{Kind: "free"}), nil); err == nil {
		t.Error("a coupon without an effect went on")
	}
	s.PayCash(inclusive, 1000, now)
	if _, err := s.AddCoupon("10% off", coupon("r1", "P-1", CouponEffect{Kind: EffectPercent, Percent: 1000}), nil); !errors.Is(err, ErrPaid) {
		t.Errorf("coupon after payment: %v", err)
	}
	c := s.Clone()
	if err := c.SetUnredeemKey(1, "u1"); err == nil {
		t.Error("an item line took an unredeem key")
	}
}
