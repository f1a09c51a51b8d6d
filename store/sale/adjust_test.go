package sale

import "testing"

func paidByWallet(t *testing.T) *Sale {
	t.Helper()
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 3) // 105.00
	if _, err := s.StartTender(inclusive, "WeChat Pay", "cancan", "wechat", "pay-1", 10500, now); err != nil {
		t.Fatal(err)
	}
	if s.Paid(inclusive) {
		t.Fatal("a pending tender must not count as paid")
	}
	if err := s.SettleTender("pay-1", TenderApproved, "ref-1", ""); err != nil {
		t.Fatal(err)
	}
	if !s.Paid(inclusive) {
		t.Fatal("an approved tender pays")
	}
	return s
}

func TestStartTenderRules(t *testing.T) {
	s := New("s1", "TWD", now)
	if _, err := s.StartTender(inclusive, "WeChat Pay", "cancan", "wechat", "k", 100, now); err == nil {
		t.Error("tender on an empty sale")
	}
	mustAdd(t, s, tea, 1)
	if _, err := s.StartTender(inclusive, "WeChat Pay", "cancan", "wechat", "k", 3501, now); err == nil {
		t.Error("tender over what is due")
	}
	if _, err := s.StartTender(inclusive, "WeChat Pay", "cancan", "wechat", "k", 3500, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PayCash(inclusive, 100, now); err == nil {
		t.Error("cash taken while a wallet payment is open")
	}
	if _, err := s.StartTender(inclusive, "Alipay", "cancan", "alipay", "k2", 100, now); err == nil {
		t.Error("two open wallet payments")
	}
	if err := s.SettleTender("k", TenderDeclined, "", "no money"); err != nil {
		t.Fatal(err)
	}
	if tt, _ := s.Totals(inclusive); tt.Paid != 0 || tt.Due != 3500 {
		t.Errorf("a declined tender counted: %+v", tt)
	}
	if err := s.SettleTender("nope", TenderApproved, "", ""); err == nil {
		t.Error("settled a missing tender")
	}
}

func TestRefundsAreBoundedByThePayment(t *testing.T) {
	s := paidByWallet(t)
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r1", 4000, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r2", 100, now); err == nil {
		t.Error("a second adjustment while the first is open")
	}
	if err := s.SettleAdjustment("r1", TenderApproved, "rf", ""); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.Refundable("pay-1"); left != 6500 {
		t.Errorf("left = %d, want 6500", left)
	}
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r2", 6501, now); err == nil {
		t.Error("refund over what is left")
	}
	if _, err := s.Adjust(AdjustVoid, "pay-1", "v1", 0, now); err == nil {
		t.Error("void after a partial refund")
	}
	if _, err := s.Adjust(AdjustRefund, "pay-1", "r2", 6500, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleAdjustment("r2", TenderDeclined, "", "refund_not_allowed_failure"); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.Refundable("pay-1"); left != 6500 {
		t.Errorf("a declined refund must give nothing back: left = %d", left)
	}
}

func TestVoidTakesTheWholePayment(t *testing.T) {
	s := paidByWallet(t)
	a, err := s.Adjust(AdjustVoid, "pay-1", "v1", 1, now)
	if err != nil || a.Amount != 10500 {
		t.Fatalf("void = %+v, %v", a, err)
	}
	if err := s.SettleAdjustment("v1", TenderApproved, "", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Refundable("pay-1"); err == nil {
		t.Error("a voided payment is still refundable")
	}
	if _, err := s.Adjust(AdjustRefund, "cash", "x", 1, now); err == nil {
		t.Error("refund of a tender that is not a provider payment")
	}
}

func TestSetAsideUnblocksTheSale(t *testing.T) {
	s := New("s1", "TWD", now)
	mustAdd(t, s, tea, 1)
	if _, err := s.StartTender(inclusive, "WeChat Pay", "cancan", "wechat", "p1", 3500, now); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAside("p1"); err == nil {
		t.Error("a pending payment was set aside")
	}
	if err := s.SettleTender("p1", TenderUnknown, "", "no answer"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAside("p1"); err != nil {
		t.Fatal(err)
	}
	if s.Unsettled() != nil {
		t.Error("a set-aside payment still blocks the sale")
	}
	if _, err := s.PayCash(inclusive, 3500, now); err != nil || !s.Paid(inclusive) {
		t.Errorf("cash after setting aside: %v, paid %v", err, s.Paid(inclusive))
	}
}

func TestAVoidedTenderStaysVoided(t *testing.T) {
	s := paidByWallet(t)
	if err := s.SettleTender("pay-1", TenderVoided, "", "reversed"); err != nil {
		t.Fatal(err)
	}
	if err := s.SettleTender("pay-1", TenderDeclined, "", "The wallet did not accept the payment."); err != nil {
		t.Fatal(err)
	}
	if s.Tenders[0].Status != TenderVoided || s.Tenders[0].Reason != "reversed" {
		t.Errorf("tender = %+v", s.Tenders[0])
	}
}
