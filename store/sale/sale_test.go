package sale

import (
	"errors"
	"testing"
	"time"
)

var (
	now       = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	inclusive = TaxRules{Mode: TaxInclusive, Rates: map[string]int64{"standard": 500, "zero": 0}}
	exclusive = TaxRules{Mode: TaxExclusive, Rates: map[string]int64{"standard": 500, "zero": 0}}
	tea       = Item{SKU: "TEA", Name: "烏龍茶", Price: 3500, TaxClass: "standard"}
	rice      = Item{SKU: "RICE", Name: "Rice", Price: 19900, TaxClass: "zero", Weighed: true}
)

func totals(t *testing.T, s *Sale, r TaxRules) Totals {
	t.Helper()
	tt, err := s.Totals(r)
	if err != nil {
		t.Fatal(err)
	}
	return tt
}

func TestAddMergesRepeatedScansOfTheSameItem(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	mustAdd(t, s, tea, 2)
	mustAdd(t, s, rice, 500)
	mustAdd(t, s, rice, 250)
	mustAdd(t, s, tea, 1)
	if len(s.Lines) != 4 {
		t.Fatalf("want 4 lines (tea x3, rice, rice, tea), got %+v", s.Lines)
	}
	if s.Lines[0].Qty != 3 || s.Lines[3].Qty != 1 {
		t.Errorf("quantities %d and %d, want 3 and 1", s.Lines[0].Qty, s.Lines[3].Qty)
	}
	if s.Rev != 5 {
		t.Errorf("rev = %d, want 5: every change counts", s.Rev)
	}
}

func mustAdd(t *testing.T, s *Sale, it Item, qty int64) Line {
	t.Helper()
	l, err := s.Add(it, it.SKU, it.Price, qty)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestWeighedLineRoundsHalfUp(t *testing.T) {
	// 199.00 per kg x 375 g = 74.625, rounded half up to 74.63.
	l := Line{UnitPrice: 19900, Qty: 375, Weighed: true}
	if got := l.Amount(); got != 7463 {
		t.Errorf("amount = %d, want 7463", got)
	}
}

func TestInclusiveTaxIsTakenOutOfTheTotal(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 3) // 105.00 incl. 5%: tax 5.00
	mustAdd(t, s, rice, 500)
	got := totals(t, s, inclusive)
	if got.Total != 10500+9950 || got.Lines != got.Total {
		t.Errorf("total = %d, want %d", got.Total, 10500+9950)
	}
	if got.Tax != 500 {
		t.Errorf("tax = %d, want 500", got.Tax)
	}
	if len(got.Taxes) != 2 || got.Taxes[0].Class != "standard" || got.Taxes[1].Tax != 0 {
		t.Errorf("taxes = %+v", got.Taxes)
	}
}

func TestExclusiveTaxIsAddedOnTop(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1) // 35.00 net, 1.75 tax
	got := totals(t, s, exclusive)
	if got.Tax != 175 || got.Total != 3675 {
		t.Errorf("tax %d total %d, want 175 and 3675", got.Tax, got.Total)
	}
}

func TestTaxIsRoundedPerClassNotPerLine(t *testing.T) {
	// Three lines of 0.10 at 5% exclusive: per line 0.005 would round to
	// 0.01 each (0.03); on the class sum 0.30 it is 0.015 -> 0.02.
	cheap := Item{SKU: "GUM", Name: "Gum", Price: 10, TaxClass: "standard"}
	s := New("s1", "TWD", now)
	for _, sku := range []string{"A", "B", "C"} {
		it := cheap
		it.SKU = sku
		mustAdd(t, s, it, 1)
	}
	if got := totals(t, s, exclusive); got.Tax != 2 {
		t.Errorf("tax = %d, want 2", got.Tax)
	}
}

func TestUnknownTaxClassIsAnError(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, Item{SKU: "X", Name: "X", Price: 100, TaxClass: "luxury"}, 1)
	if _, err := s.Totals(inclusive); err == nil {
		t.Error("unknown tax class accepted")
	}
}

func TestVoidedLinesDoNotCount(t *testing.T) {
	s := New("s1", "TWD", now)
	l := mustAdd(t, s, tea, 2)
	mustAdd(t, s, rice, 100)
	if err := s.Void(l.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Void(l.ID); !errors.Is(err, ErrLineVoided) {
		t.Errorf("second void: %v", err)
	}
	got := totals(t, s, inclusive)
	if got.Items != 1 || got.Total != 1990 {
		t.Errorf("after void: %+v", got)
	}
	if len(s.ActiveLines()) != 1 || len(s.Lines) != 2 {
		t.Error("voided line must stay on the sale but not be active")
	}
	if err := s.SetQty(l.ID, 5); !errors.Is(err, ErrLineVoided) {
		t.Errorf("qty change of a voided line: %v", err)
	}
	if err := s.Void(99); !errors.Is(err, ErrNoLine) {
		t.Errorf("void of a missing line: %v", err)
	}
}

func TestQuantityLimits(t *testing.T) {
	s := New("s1", "TWD", now)
	for _, q := range []int64{0, -1, MaxUnits + 1} {
		if _, err := s.Add(tea, "TEA", tea.Price, q); !errors.Is(err, ErrQuantity) {
			t.Errorf("qty %d: %v", q, err)
		}
	}
	if _, err := s.Add(rice, "RICE", rice.Price, MaxGrams+1); !errors.Is(err, ErrQuantity) {
		t.Errorf("grams over the limit: %v", err)
	}
	l := mustAdd(t, s, tea, MaxUnits)
	if _, err := s.Add(tea, "TEA", tea.Price, 1); !errors.Is(err, ErrQuantity) {
		t.Errorf("merging past the limit: %v", err)
	}
	if err := s.SetQty(l.ID, 2); err != nil || s.Lines[0].Qty != 2 {
		t.Errorf("SetQty: %v, qty %d", err, s.Lines[0].Qty)
	}
}

func TestCashGivesChangeAndSplitsTender(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 3) // 105.00
	if _, err := s.PayCash(inclusive, 5000, now); err != nil {
		t.Fatal(err)
	}
	got := totals(t, s, inclusive)
	if got.Paid != 5000 || got.Due != 5500 || s.Paid(inclusive) {
		t.Fatalf("after part payment: %+v", got)
	}
	if _, err := s.Add(tea, "TEA", tea.Price, 1); !errors.Is(err, ErrPaid) {
		t.Errorf("adding after a payment: %v", err)
	}
	tn, err := s.PayCash(inclusive, 10000, now)
	if err != nil {
		t.Fatal(err)
	}
	if tn.Amount != 5500 || tn.Change != 4500 || tn.Tendered != 10000 {
		t.Errorf("tender = %+v", tn)
	}
	got = totals(t, s, inclusive)
	if got.Due != 0 || got.Change != 4500 || !s.Paid(inclusive) {
		t.Errorf("after full payment: %+v", got)
	}
	if _, err := s.PayCash(inclusive, 100, now); err == nil {
		t.Error("cash accepted with nothing due")
	}
}

func TestPayCashRefusesEmptySaleAndZero(t *testing.T) {
	s := New("s1", "TWD", now)
	if _, err := s.PayCash(inclusive, 100, now); err == nil {
		t.Error("paid an empty sale")
	}
	mustAdd(t, s, tea, 1)
	if _, err := s.PayCash(inclusive, 0, now); err == nil {
		t.Error("accepted zero cash")
	}
}

func TestCloneIsDeep(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	c := s.Clone()
	c.Lines[0].Qty = 9
	if s.Lines[0].Qty != 1 {
		t.Error("clone shares lines")
	}
}

func TestTaxRulesValidate(t *testing.T) {
	bad := []TaxRules{
		{Mode: "sometimes", Rates: map[string]int64{"a": 1}},
		{Mode: TaxInclusive},
		{Mode: TaxInclusive, Rates: map[string]int64{"a": 10001}},
		{Mode: TaxInclusive, Rates: map[string]int64{"a": -1}},
	}
	for _, r := range bad {
		if r.Validate() == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	if err := inclusive.Validate(); err != nil {
		t.Error(err)
	}
}
