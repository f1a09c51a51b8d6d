package sale

import (
	"math/rand/v2"
	"testing"

	"till/store/money"
)

var bread = Item{SKU: "BREAD", Name: "Bread", Price: 5000, TaxClass: "zero"}

// cart is 100.00 of standard-rated tea and 50.00 of zero-rated bread.
func cart(t *testing.T) *Sale {
	s := New("s1", "TWD", now)
	tea100 := tea
	tea100.Price = 10000
	mustAdd(t, s, tea100, 1)
	mustAdd(t, s, bread, 1)
	return s
}

func TestDiscountLowersTheTotalAndTheTaxInIt(t *testing.T) {
	s := cart(t)
	if err := s.AddDiscount(inclusive, Discount{Provider: "swip", Key: "o1", Label: "SWiP", Amount: 1500, At: now}); err != nil {
		t.Fatal(err)
	}
	tt := totals(t, s, inclusive)
	// 15.00 spread 10.00 / 5.00 by gross; 5% inside 90.00 is 4.29.
	if tt.Lines != 15000 || tt.Discount != 1500 || tt.Total != 13500 || tt.Due != 13500 || tt.Tax != 429 {
		t.Errorf("inclusive %+v", tt)
	}

	s = cart(t)
	if err := s.AddDiscount(exclusive, Discount{Key: "o1", Amount: 1550}); err != nil {
		t.Fatal(err)
	}
	tt = totals(t, s, exclusive)
	// Gross 105.00 + 50.00; 15.50 spread 10.50 / 5.00; the 10.50 held 0.50 of tax.
	if tt.Discount != 1550 || tt.Total != 13950 || tt.Tax != 450 || tt.Taxes[0].Base != 9000 || tt.Taxes[1].Base != 4500 {
		t.Errorf("exclusive %+v", tt)
	}
}

func TestDiscountIsRecordedOncePerKeyAndNeverAboveDue(t *testing.T) {
	s := cart(t)
	d := Discount{Key: "o1", Amount: 1000}
	for range 2 { // a payment looked up twice
		if err := s.AddDiscount(inclusive, d); err != nil {
			t.Fatal(err)
		}
	}
	if tt := totals(t, s, inclusive); tt.Discount != 1000 || len(s.Discounts) != 1 {
		t.Errorf("%+v %+v", tt, s.Discounts)
	}
	if err := s.AddDiscount(inclusive, Discount{Key: "o2", Amount: 14001}); err == nil {
		t.Error("a discount above what is due was taken")
	}
	if err := s.AddDiscount(inclusive, Discount{Key: "o3"}); err == nil {
		t.Error("a zero discount was taken")
	}
	if tt := totals(t, s, inclusive); tt.Discount != 1000 || len(s.Discounts) != 1 {
		t.Errorf("a refused discount changed the sale: %+v", s.Discounts)
	}
	if _, err := s.PayCash(inclusive, 14000, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Settle(inclusive); err != nil || s.Total != 14000 {
		t.Errorf("settle: %v, total %d", err, s.Total)
	}
	if c := s.Clone(); &c.Discounts[0] == &s.Discounts[0] {
		t.Error("Clone shares the discounts")
	}
}

func TestSpreadAddsUpExactly(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + r.IntN(5)
		weights := make([]money.Amount, n)
		var all money.Amount
		for i := range weights {
			weights[i] = money.Amount(r.Int64N(1_000_000_000))
			all += weights[i]
		}
		amount := money.Amount(r.Int64N(int64(all) + 1))
		var sum money.Amount
		for i, s := range spread(amount, weights, all) {
			sum += s
			if s < 0 || s > weights[i] {
				t.Fatalf("share %d of %d for weight %d", s, amount, weights[i])
			}
		}
		if sum != amount {
			t.Fatalf("shares add up to %d, not %d", sum, amount)
		}
	}
}
