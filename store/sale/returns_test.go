package sale

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"till/store/money"
)

var tea100 = Item{SKU: "TEA", Name: "烏龍茶 1 kg", Price: 10000, TaxClass: "standard"}

// completed takes what is still due in cash, freezes the totals and
// numbers the sale, as completing it at the till does.
func completed(t *testing.T, s *Sale, r TaxRules) *Sale {
	t.Helper()
	if due := totals(t, s, r).Due; due > 0 {
		if _, err := s.PayCash(r, due, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Settle(r); err != nil {
		t.Fatal(err)
	}
	s.Number, s.Completed = 123, now
	return s
}

// payWallet takes amount through a provider, approved.
func payWallet(t *testing.T, s *Sale, r TaxRules, method, provider, key string, amount money.Amount) {
	t.Helper()
	if _, err := s.StartTender(r, method, provider, "w-"+key, key, amount, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTender(key, TenderApproved, "ref-"+key, ""); err != nil {
		t.Fatal(err)
	}
}

// addCoupon puts a pass on the sale and settles its redeem as status.
func addCoupon(t *testing.T, s *Sale, key string, e CouponEffect, status string) Line {
	t.Helper()
	l, err := s.AddCoupon("Coupon "+key, coupon(key, "P-"+key, e), &coffee)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SettleCoupon(key, status, ""); err != nil {
		t.Fatal(err)
	}
	return l
}

// keys numbers the operations a test makes: k1, k2, …
func keys() func() string {
	n := 0
	return func() string { n++; return fmt.Sprint("k", n) }
}

func anyProvider(string) bool { return true }

func TestReturningEverythingRefundsExactlyTheTotal(t *testing.T) {
	percent := CouponEffect{Kind: EffectPercent, Percent: 1000}
	for _, tc := range []struct {
		name    string
		rules   TaxRules
		build   func(t *testing.T, s *Sale)
		total   money.Amount
		returns [][]ReturnLine
		want    []money.Amount
		passes  []int
	}{{
		// 255.00 less 10%: every share is exact.
		name: "percent coupon", rules: inclusive,
		build: func(t *testing.T, s *Sale) {
			mustAdd(t, s, tea100, 1)
			mustAdd(t, s, bread, 1)
			mustAdd(t, s, tea, 3)
			addCoupon(t, s, "c1", percent, TenderApproved)
		},
		total:   22950,
		returns: [][]ReturnLine{{{3, 1}}, {{1, 1}, {3, 1}}, {{2, 1}, {3, 1}}},
		want:    []money.Amount{3150, 12150, 7650},
		passes:  []int{4},
	}, {
		// 255.00 less 50.00: 205/255 of 35.00 is 28.137… → 28.14, and the
		// last return takes what the rounding left.
		name: "amount coupon", rules: inclusive,
		build: func(t *testing.T, s *Sale) {
			mustAdd(t, s, tea100, 1)
			mustAdd(t, s, bread, 1)
			mustAdd(t, s, tea, 3)
			addCoupon(t, s, "c1", CouponEffect{Kind: EffectAmount, Amount: 5000}, TenderApproved)
		},
		total:   20500,
		returns: [][]ReturnLine{{{3, 1}}, {{1, 1}, {3, 1}}, {{2, 1}, {3, 1}}},
		want:    []money.Amount{2814, 10853, 6833},
		passes:  []int{4},
	}, {
		// 205.00 net + 10.25 tax, less a SWiP discount of 15.50.
		name: "SWiP discount, tax exclusive", rules: exclusive,
		build: func(t *testing.T, s *Sale) {
			mustAdd(t, s, tea100, 1)
			mustAdd(t, s, tea, 3)
			if err := s.AddDiscount(exclusive, Discount{Provider: "swip", Key: "o1", Label: "SWiP", Amount: 1550, At: now}); err != nil {
				t.Fatal(err)
			}
		},
		total:   19975,
		returns: [][]ReturnLine{{{2, 2}}, {{1, 1}}, {{2, 1}}},
		want:    []money.Amount{6821, 9744, 3410},
	}, {
		// 105.00 + 74.63 + 99.50 of rice by weight, less 10.00.
		name: "weighed lines", rules: inclusive,
		build: func(t *testing.T, s *Sale) {
			mustAdd(t, s, tea, 3)
			mustAdd(t, s, rice, 375)
			mustAdd(t, s, rice, 500)
			if err := s.AddDiscount(inclusive, Discount{Provider: "swip", Key: "o1", Label: "SWiP", Amount: 1000, At: now}); err != nil {
				t.Fatal(err)
			}
		},
		total:   26913,
		returns: [][]ReturnLine{{{2, 375}}, {{1, 1}}, {{1, 2}, {3, 500}}},
		want:    []money.Amount{7196, 3374, 16343},
	}, {
		// 215.25 with tax, less 10% (21.53) and 20.00.
		name: "two coupons, tax exclusive", rules: exclusive,
		build: func(t *testing.T, s *Sale) {
			mustAdd(t, s, tea100, 1)
			mustAdd(t, s, tea, 3)
			addCoupon(t, s, "c1", percent, TenderApproved)
			addCoupon(t, s, "c2", CouponEffect{Kind: EffectAmount, Amount: 2000}, TenderApproved)
		},
		total:   17372,
		returns: [][]ReturnLine{{{2, 1}}, {{1, 1}}, {{2, 2}}},
		want:    []money.Amount{2966, 8474, 5932},
		passes:  []int{3, 4},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := New("s1", "TWD", now)
			tc.build(t, s)
			completed(t, s, tc.rules)
			if s.Total != tc.total {
				t.Fatalf("total = %d, want %d", s.Total, tc.total)
			}
			newKey := keys()
			var given money.Amount
			for i, picks := range tc.returns {
				value, err := s.ReturnValue(picks)
				if err != nil {
					t.Fatal(err)
				}
				r, adjs, err := s.AddReturn(picks, s.PlanRefund(value, false, anyProvider), newKey, "ann", now)
				if err != nil {
					t.Fatal(err)
				}
				if value != tc.want[i] || r.Amount != value || r.Number != i+1 || len(adjs) != 1 || adjs[0].Amount != value {
					t.Errorf("return %d: value %d, want %d; %+v %+v", i+1, value, tc.want[i], r, adjs)
				}
				var passes []int // only once everything is back
				if i == len(tc.returns)-1 {
					passes = tc.passes
				}
				if !slices.Equal(r.Passes, passes) {
					t.Errorf("return %d: passes %v, want %v", i+1, r.Passes, passes)
				}
				given += value
			}
			if given != s.Total || s.givenBackLeft() != 0 {
				t.Errorf("gave back %d of %d, %d left", given, s.Total, s.givenBackLeft())
			}
			if _, err := s.ReturnValue([]ReturnLine{{1, 1}}); !errors.Is(err, ErrQuantity) {
				t.Errorf("a fourth return: %v", err)
			}
		})
	}
}

// wholeCart is 100.00 of tea, 50.00 of bread, 3 × 35.00 of tea, 74.63 of
// rice, a 10% coupon and a voided bread, paid in cash: 296.67.
func wholeCart(t *testing.T) *Sale {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea100, 1)
	mustAdd(t, s, bread, 1)
	mustAdd(t, s, tea, 3)
	mustAdd(t, s, rice, 375)
	addCoupon(t, s, "c1", CouponEffect{Kind: EffectPercent, Percent: 1000}, TenderApproved)
	mustAdd(t, s, bread, 1)
	if err := s.Void(6); err != nil {
		t.Fatal(err)
	}
	return completed(t, s, inclusive)
}

func TestReturnPicksAreChecked(t *testing.T) {
	s := wholeCart(t)
	if s.Total != 29667 {
		t.Fatalf("total = %d", s.Total)
	}
	// Two of the three teas came back earlier.
	if _, _, err := s.AddReturn([]ReturnLine{{3, 2}}, []RefundPart{{Method: MethodCash, Amount: 6300}}, keys(), "", now); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		picks []ReturnLine
		want  error // nil: any error
	}{
		{"nothing", nil, ErrNothingPicked},
		{"more than left", []ReturnLine{{3, 2}}, ErrQuantity},
		{"none", []ReturnLine{{1, 0}}, ErrQuantity},
		{"less than none", []ReturnLine{{1, -1}}, ErrQuantity},
		{"more than sold", []ReturnLine{{2, 2}}, ErrQuantity},
		{"part of a weighed line", []ReturnLine{{4, 200}}, ErrWeighedWhole},
		{"more than a weighed line", []ReturnLine{{4, 376}}, ErrWeighedWhole},
		{"the coupon", []ReturnLine{{5, 1}}, ErrCouponReturn},
		{"the coupon with goods", []ReturnLine{{1, 1}, {5, 1}}, ErrCouponReturn},
		{"a voided line", []ReturnLine{{6, 1}}, ErrNoLine},
		{"no such line", []ReturnLine{{99, 1}}, ErrNoLine},
		{"a line twice", []ReturnLine{{3, 1}, {3, 1}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.Clone()
			_, err := s.ReturnValue(tc.picks)
			if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("ReturnValue: %v, want %v", err, tc.want)
			}
			if _, _, err := s.AddReturn(tc.picks, nil, keys(), "", now); err == nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("AddReturn: %v, want %v", err, tc.want)
			}
			if len(s.Returns) != len(before.Returns) || len(s.Adjustments) != len(before.Adjustments) || s.Rev != before.Rev {
				t.Error("a refused return changed the sale")
			}
		})
	}
	// What is left comes back in parts: the last tea, then the rest whole.
	if v, err := s.ReturnValue([]ReturnLine{{3, 1}}); err != nil || v != 3150 {
		t.Errorf("the last tea: %d, %v", v, err)
	}
	if v, err := s.ReturnValue([]ReturnLine{{1, 1}, {2, 1}, {3, 1}, {4, 375}}); err != nil || v != s.Total-6300 {
		t.Errorf("the rest: %d, %v", v, err)
	}
}

func TestOnlyACompletedSaleComesBack(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 3)
	if _, err := s.PayCash(inclusive, 10500, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReturnValue([]ReturnLine{{1, 1}}); !errors.Is(err, ErrNotCompleted) {
		t.Errorf("ReturnValue: %v", err)
	}
	if _, _, err := s.AddReturn([]ReturnLine{{1, 1}}, []RefundPart{{Method: MethodCash, Amount: 3500}}, keys(), "", now); !errors.Is(err, ErrNotCompleted) {
		t.Errorf("AddReturn: %v", err)
	}
}

// mixedPaid is 3 × 35.00 of tea paid 45.00 in cash, then 60.00 by WeChat
// Pay.
func mixedPaid(t *testing.T) *Sale {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 3)
	if _, err := s.PayCash(inclusive, 4500, now); err != nil {
		t.Fatal(err)
	}
	payWallet(t, s, inclusive, "WeChat Pay", "cancan", "pay-1", 6000)
	return completed(t, s, inclusive)
}

func TestPlanRefund(t *testing.T) {
	wechat := func(a money.Amount) RefundPart {
		return RefundPart{TenderKey: "pay-1", Method: "WeChat Pay", Amount: a}
	}
	alipay := func(a money.Amount) RefundPart {
		return RefundPart{TenderKey: "pay-2", Method: "Alipay", Amount: a}
	}
	cash := func(a money.Amount) RefundPart { return RefundPart{Method: MethodCash, Amount: a} }
	twoWallets := func(t *testing.T) *Sale {
		s := New("s1", "TWD", now)
		mustAdd(t, s, tea, 3)
		// A declined try comes first: it took nothing, so gives nothing back.
		if _, err := s.StartTender(inclusive, "Alipay", "swip", "w", "pay-0", 10500, now); err != nil {
			t.Fatal(err)
		}
		if err := s.SettleTender("pay-0", TenderDeclined, "", "no money"); err != nil {
			t.Fatal(err)
		}
		payWallet(t, s, inclusive, "WeChat Pay", "cancan", "pay-1", 4000)
		payWallet(t, s, inclusive, "Alipay", "swip", "pay-2", 6500)
		return completed(t, s, inclusive)
	}
	for _, tc := range []struct {
		name      string
		sale      func(t *testing.T) *Sale
		before    func(t *testing.T, s *Sale) // a manager's refund on the command line
		amount    money.Amount
		toCash    bool
		canRefund func(string) bool
		want      []RefundPart
	}{
		{"wallet first, then cash", mixedPaid, nil, 8000, false, anyProvider, []RefundPart{wechat(6000), cash(2000)}},
		{"within the wallet", mixedPaid, nil, 3500, false, anyProvider, []RefundPart{wechat(3500)}},
		{"to cash", mixedPaid, nil, 8000, true, anyProvider, []RefundPart{cash(8000)}},
		{"provider cannot refund", mixedPaid, nil, 8000, false, func(p string) bool { return p != "cancan" }, []RefundPart{cash(8000)}},
		{"wallet partly refunded", mixedPaid, func(t *testing.T, s *Sale) {
			if _, err := s.Adjust(AdjustRefund, "pay-1", "r1", 2500, now); err != nil {
				t.Fatal(err)
			}
			if err := s.SettleAdjustment("r1", TenderApproved, "", ""); err != nil {
				t.Fatal(err)
			}
		}, 8000, false, anyProvider, []RefundPart{wechat(3500), cash(4500)}},
		{"declined refund gives nothing back", mixedPaid, func(t *testing.T, s *Sale) {
			if _, err := s.Adjust(AdjustRefund, "pay-1", "r1", 2500, now); err != nil {
				t.Fatal(err)
			}
			if err := s.SettleAdjustment("r1", TenderDeclined, "", "refund_not_allowed"); err != nil {
				t.Fatal(err)
			}
		}, 8000, false, anyProvider, []RefundPart{wechat(6000), cash(2000)}},
		{"wallet refund still open", mixedPaid, func(t *testing.T, s *Sale) {
			if _, err := s.Adjust(AdjustRefund, "pay-1", "r1", 1000, now); err != nil {
				t.Fatal(err)
			}
		}, 3000, false, anyProvider, []RefundPart{cash(3000)}},
		{"wallet voided", mixedPaid, func(t *testing.T, s *Sale) {
			s.Adjust(AdjustVoid, "pay-1", "v1", 0, now)
			s.SettleAdjustment("v1", TenderApproved, "", "")
		}, 4500, false, anyProvider, []RefundPart{cash(4500)}},
		{"two wallets", twoWallets, nil, 8000, false, anyProvider, []RefundPart{wechat(4000), alipay(4000)}},
		{"two wallets and cash", twoWallets, nil, 12000, false, anyProvider, []RefundPart{wechat(4000), alipay(6500), cash(1500)}},
		{"around an open refund", twoWallets, func(t *testing.T, s *Sale) {
			if _, err := s.Adjust(AdjustRefund, "pay-1", "r1", 1000, now); err != nil {
				t.Fatal(err)
			}
		}, 8000, false, anyProvider, []RefundPart{alipay(6500), cash(1500)}},
		{"nothing", mixedPaid, nil, 0, false, anyProvider, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.sale(t)
			if tc.before != nil {
				tc.before(t, s)
			}
			if got := s.PlanRefund(tc.amount, tc.toCash, tc.canRefund); !slices.Equal(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestAddReturnRecordsItsRefunds(t *testing.T) {
	s := mixedPaid(t)
	newKey := keys()
	one := []ReturnLine{{1, 1}}
	for _, parts := range [][]RefundPart{
		{{Method: MethodCash, Amount: 3499}},
		{{Method: MethodCash, Amount: 3501}},
		{{Method: MethodCash, Amount: 3500}, {Method: MethodCash, Amount: 0}},
		{{TenderKey: "pay-1", Amount: 4000}, {Method: MethodCash, Amount: -500}},
		nil,
	} {
		if _, _, err := s.AddReturn(one, parts, newKey, "ann", now); err == nil {
			t.Errorf("parts %+v for 35.00 were taken", parts)
		}
	}
	// Part in cash, part through the wallet.
	r, adjs, err := s.AddReturn(one, []RefundPart{{Method: MethodCash, Amount: 1000}, {TenderKey: "pay-1", Method: "WeChat Pay", Amount: 2500}}, newKey, "ann", now)
	if err != nil {
		t.Fatal(err)
	}
	wantAdj := []Adjustment{
		{Kind: AdjustRefund, Method: MethodCash, Return: 1, Key: "k1", Amount: 1000, Status: TenderApproved, At: now},
		{Kind: AdjustRefund, TenderKey: "pay-1", Return: 1, Key: "k2", Amount: 2500, Status: TenderPending, At: now},
	}
	if !slices.Equal(adjs, wantAdj) || !slices.Equal(s.Adjustments, wantAdj) {
		t.Errorf("adjustments\n%+v\n%+v\nwant %+v", adjs, s.Adjustments, wantAdj)
	}
	if r.Number != 1 || r.Amount != 3500 || r.Clerk != "ann" || !slices.Equal(r.Refunds, []string{"k1", "k2"}) || !slices.Equal(r.Lines, one) {
		t.Errorf("return %+v", r)
	}
	if left, _ := s.Refundable("pay-1"); left != 3500 {
		t.Errorf("the wallet has %d left to refund, want 35.00", left)
	}
	// The wallet's refund is still open: a second one is refused, so the
	// next return is planned around it.
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r9", 100, now); err == nil {
		t.Error("a second refund of a payment while the first is open")
	}
	before := s.Clone()
	two := []ReturnLine{{1, 1}}
	if _, _, err := s.AddReturn(two, []RefundPart{{Method: MethodCash, Amount: 1000}, {TenderKey: "pay-1", Amount: 2500}}, newKey, "ann", now); err == nil {
		t.Error("a refund through a payment with an open refund")
	}
	if len(s.Adjustments) != len(before.Adjustments) || len(s.Returns) != 1 || s.Rev != before.Rev {
		t.Errorf("a refused return left adjustments behind: %+v", s.Adjustments)
	}
	v, err := s.ReturnValue(two)
	if err != nil {
		t.Fatal(err)
	}
	parts := s.PlanRefund(v, false, anyProvider)
	if !slices.Equal(parts, []RefundPart{{Method: MethodCash, Amount: 3500}}) {
		t.Fatalf("plan %+v", parts)
	}
	r, adjs, err = s.AddReturn(two, parts, newKey, "bob", now)
	if err != nil {
		t.Fatal(err)
	}
	if r.Number != 2 || len(adjs) != 1 || adjs[0].Return != 2 || !slices.Equal(r.Refunds, []string{adjs[0].Key}) || s.Returns[1].Clerk != "bob" {
		t.Errorf("second return %+v %+v", r, adjs)
	}
	// Once the wallet's refund settles, the last tea goes back through it.
	if err := s.SettleAdjustment("k2", TenderApproved, "rf", ""); err != nil {
		t.Fatal(err)
	}
	v, _ = s.ReturnValue([]ReturnLine{{1, 1}})
	if parts := s.PlanRefund(v, false, anyProvider); len(parts) != 1 || parts[0].TenderKey != "pay-1" || parts[0].Amount != 3500 {
		t.Errorf("plan %+v", parts)
	}
}

func TestPassesGoBackWithTheWholeSale(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 2)
	kept := addCoupon(t, s, "c1", CouponEffect{Kind: EffectPercent, Percent: 1000}, TenderApproved)
	declined := addCoupon(t, s, "c2", CouponEffect{Kind: EffectAmount, Amount: 500}, TenderDeclined)
	gone := addCoupon(t, s, "c3", CouponEffect{Kind: EffectAmount, Amount: 500}, TenderApproved)
	free := addCoupon(t, s, "c4", CouponEffect{Kind: EffectItem, SKU: "COFFEE"}, TenderApproved)
	completed(t, s, inclusive) // 70.00 less 7.00 and 5.00
	if s.Total != 5800 {
		t.Fatalf("total %d", s.Total)
	}
	if err := s.SetUnredeemKey(gone.ID, "u1"); err != nil {
		t.Fatal(err)
	}
	r, _, err := s.AddReturn([]ReturnLine{{1, 1}}, []RefundPart{{Method: MethodCash, Amount: 2900}}, keys(), "", now)
	if err != nil || r.Passes != nil {
		t.Fatalf("half the sale back: %+v, %v", r, err)
	}
	r, _, err = s.AddReturn([]ReturnLine{{1, 1}}, []RefundPart{{Method: MethodCash, Amount: 2900}}, keys(), "", now)
	if err != nil || !slices.Equal(r.Passes, []int{kept.ID, free.ID}) || !slices.Equal(s.Returns[1].Passes, r.Passes) {
		t.Errorf("the whole sale back: passes %v (declined %d, given back %d), %v", r.Passes, declined.ID, gone.ID, err)
	}
}

func TestARefundBeforeAReturnCapsIt(t *testing.T) {
	s := completed(t, paidByWallet(t), inclusive) // 3 × 35.00
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r1", 4000, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleAdjustment("r1", TenderApproved, "", ""); err != nil {
		t.Fatal(err)
	}
	if v, err := s.ReturnValue([]ReturnLine{{1, 1}}); err != nil || v != 3500 {
		t.Errorf("one tea: %d, %v", v, err)
	}
	v, err := s.ReturnValue([]ReturnLine{{1, 3}})
	if err != nil || v != 6500 {
		t.Fatalf("everything: %d, %v, want what is left, 65.00", v, err)
	}
	r, _, err := s.AddReturn([]ReturnLine{{1, 3}}, s.PlanRefund(v, false, anyProvider), keys(), "", now)
	if err != nil || r.Amount != 6500 {
		t.Fatalf("%+v, %v", r, err)
	}
	if left, _ := s.Refundable("pay-1"); left != 0 || s.givenBackLeft() != 0 {
		t.Errorf("left to refund: %d, to give back: %d", left, s.givenBackLeft())
	}

	// Everything refunded first: the goods have nothing left to refund.
	s = completed(t, paidByWallet(t), inclusive)
	s.Adjust(AdjustRefund, "pay-1", "r1", 10500, now)
	if v, err := s.ReturnValue([]ReturnLine{{1, 1}}); err != nil || v != 0 {
		t.Errorf("after a full refund: %d, %v", v, err)
	}
	if _, _, err := s.AddReturn([]ReturnLine{{1, 1}}, nil, keys(), "", now); !errors.Is(err, ErrNothingLeft) {
		t.Errorf("return after a full refund: %v", err)
	}
}

func TestAnItemGivenAwayStillComesBack(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	mustAdd(t, s, bread, 1)
	addCoupon(t, s, "c1", CouponEffect{Kind: EffectAmount, Amount: 500}, TenderApproved)
	if err := s.OverridePrice(1, 0, "boss", now); err != nil {
		t.Fatal(err)
	}
	completed(t, s, inclusive)
	if _, _, err := s.AddReturn([]ReturnLine{{2, 1}}, []RefundPart{{Method: MethodCash, Amount: 4500}}, keys(), "", now); err != nil {
		t.Fatal(err)
	}
	r, adjs, err := s.AddReturn([]ReturnLine{{1, 1}}, nil, keys(), "", now)
	if err != nil || r.Amount != 0 || len(adjs) != 0 || !slices.Equal(r.Passes, []int{3}) {
		t.Errorf("the free tea back: %+v %+v, %v", r, adjs, err)
	}
}

func TestNothingToPayNothingToRefund(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	free := addCoupon(t, s, "c1", CouponEffect{Kind: EffectItem, SKU: "COFFEE"}, TenderApproved)
	if err := s.OverridePrice(1, 0, "boss", now); err != nil {
		t.Fatal(err)
	}
	completed(t, s, inclusive)
	r, adjs, err := s.AddReturn([]ReturnLine{{1, 1}}, nil, keys(), "", now)
	if err != nil || r.Amount != 0 || adjs != nil || !slices.Equal(r.Passes, []int{free.ID}) {
		t.Errorf("%+v %+v, %v", r, adjs, err)
	}
}

func TestETicketsAreRefundedElsewhere(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	mustAdd(t, s, adult, 2)
	completed(t, s, inclusive)
	if _, err := s.ReturnValue([]ReturnLine{{1, 1}, {2, 1}}); !errors.Is(err, ErrTicketReturn) {
		t.Errorf("an e-ticket returned at the till: %v", err)
	}
}

func TestACashReturnCapsALaterWalletRefund(t *testing.T) {
	s := completed(t, paidByWallet(t), inclusive) // 3 × 35.00 by WeChat Pay
	if _, _, err := s.AddReturn([]ReturnLine{{1, 2}}, []RefundPart{{Method: MethodCash, Amount: 7000}}, keys(), "", now); err != nil {
		t.Fatal(err)
	}
	// The wallet payment itself is untouched, but only 35.00 is owed.
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r9", 3600, now); err == nil {
		t.Error("a wallet refund gave back more than the customer paid")
	}
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r9", 3500, now); err != nil {
		t.Errorf("the rest: %v", err)
	}
}

func TestARefusedRefundIsPaidInCashOnce(t *testing.T) {
	s := completed(t, paidByWallet(t), inclusive)
	next := keys()
	r, adjs, err := s.AddReturn([]ReturnLine{{1, 1}}, s.PlanRefund(3500, false, anyProvider), next, "ann", now)
	if err != nil || len(adjs) != 1 || adjs[0].TenderKey != "pay-1" {
		t.Fatalf("%+v %+v, %v", r, adjs, err)
	}
	if len(s.DeclinedRefunds()) != 0 {
		t.Fatal("a pending refund is not refused")
	}
	if _, err := s.RefundInCash(adjs[0].Key, "c1", now); !errors.Is(err, ErrNoDeclinedRefund) {
		t.Fatalf("a pending refund paid in cash: %v", err)
	}
	if err := s.SettleAdjustment(adjs[0].Key, TenderDeclined, "", "refund_not_allowed"); err != nil {
		t.Fatal(err)
	}
	if d := s.DeclinedRefunds(); len(d) != 1 || d[0].Key != adjs[0].Key {
		t.Fatalf("declined %+v", d)
	}
	a, err := s.RefundInCash(adjs[0].Key, "c1", now)
	if err != nil || a.Method != MethodCash || a.Amount != 3500 || a.Status != TenderApproved || a.Replaces != adjs[0].Key || a.Return != r.Number {
		t.Fatalf("cash %+v, %v", a, err)
	}
	if got := s.Returns[0].Refunds; len(got) != 2 || got[1] != "c1" {
		t.Errorf("the return's refunds %v", got)
	}
	if len(s.DeclinedRefunds()) != 0 {
		t.Error("still owed after the cash")
	}
	if _, err := s.RefundInCash(adjs[0].Key, "c2", now); !errors.Is(err, ErrNoDeclinedRefund) {
		t.Errorf("paid in cash twice: %v", err)
	}
	if s.givenBackLeft() != 7000 {
		t.Errorf("left to give back %d", s.givenBackLeft())
	}
}

// With tax on top, each item gets back what it cost with its own tax:
// a zero-rated loaf 50.00, a 5% tea 36.75.
func TestReturnsWeighTaxOnTop(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	mustAdd(t, s, bread, 1)
	s = completed(t, s, exclusive) // 35.00 + 1.75 tax + 50.00
	if s.Total != 8675 || s.TaxMode != TaxExclusive || s.TaxRates["standard"] != 500 {
		t.Fatalf("total %d, rules %s %v", s.Total, s.TaxMode, s.TaxRates)
	}
	if v, err := s.ReturnValue([]ReturnLine{{2, 1}}); err != nil || v != 5000 {
		t.Errorf("the bread: %d, %v, want 50.00", v, err)
	}
	if v, err := s.ReturnValue([]ReturnLine{{1, 1}}); err != nil || v != 3675 {
		t.Errorf("the tea: %d, %v, want 36.75", v, err)
	}
	// A sale completed before the rules were kept weighs by price alone.
	s.TaxMode, s.TaxRates = "", nil
	if v, _ := s.ReturnValue([]ReturnLine{{2, 1}}); v != 5103 { // 86.75 × 50/85
		t.Errorf("the bread of an older sale: %d", v)
	}
}

// Money a return gave back in cash cannot go back again by a void, nor a
// refused refund be paid in cash once the payment was refunded another
// way.
func TestNothingIsGivenBackTwice(t *testing.T) {
	s := completed(t, paidByWallet(t), inclusive) // 105.00 by WeChat Pay
	if _, _, err := s.AddReturn([]ReturnLine{{1, 1}}, []RefundPart{{Method: MethodCash, Amount: 3500}}, keys(), "", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Adjust(AdjustVoid, "pay-1", "v1", 0, now); !errors.Is(err, ErrPartlyRefunded) {
		t.Errorf("a void after a cash return: %v", err)
	}
	if left, err := s.RefundLeft("pay-1"); err != nil || left != 7000 {
		t.Errorf("left to refund %d, %v", left, err)
	}

	s = completed(t, paidByWallet(t), inclusive)
	_, adjs, err := s.AddReturn([]ReturnLine{{1, 3}}, s.PlanRefund(10500, false, anyProvider), keys(), "", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SettleAdjustment(adjs[0].Key, TenderDeclined, "", "no"); err != nil {
		t.Fatal(err)
	}
	// A manager refunds the payment by hand, then someone presses F6.
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r9", 10500, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RefundInCash(adjs[0].Key, "c1", now); !errors.Is(err, ErrNothingLeft) {
		t.Errorf("paid in cash after a refund by hand: %v", err)
	}
}
