package ui

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"till/store/money"
	"till/store/report"
	"till/store/sale"
)

// Every zh-TW report word is there, with the English one's verbs in the
// same order.
func TestReportWordsZhTWComplete(t *testing.T) {
	if ReportWords(English) != report.English {
		t.Error("English report words are not report.English")
	}
	verbs := regexp.MustCompile(`%[-+# 0-9]*[a-z]`)
	en, zh := reflect.ValueOf(report.English), reflect.ValueOf(ReportWords(TraditionalChinese))
	for i := range en.NumField() {
		name, e, z := en.Type().Field(i).Name, en.Field(i).String(), zh.Field(i).String()
		if z == "" || z == e {
			t.Errorf("%s: %q is not translated", name, z)
		}
		if ev, zv := verbs.FindAllString(e, -1), verbs.FindAllString(z, -1); !slices.Equal(ev, zv) {
			t.Errorf("%s: %q has verbs %q, the English %q", name, z, zv, ev)
		}
	}
}

// A Z report with every section, in zh-TW on the printer's 42 columns.
func TestReportWordsZhTWLinesFit(t *testing.T) {
	day := time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	s := sale.New("s1", "TWD", at(10))
	s.Clerk = "ann"
	s.Lines = []sale.Line{
		{ID: 1, SKU: "TEA", Name: "Tea", TaxClass: "standard", UnitPrice: 8000, Qty: 2,
			Override: &sale.Override{Was: 10000, By: "boss", At: at(10)}},
		{ID: 2, SKU: "BUN", Name: "Bun", TaxClass: "standard", UnitPrice: 3000, Qty: 1, Voided: true},
		{ID: 3, Name: "Coupon", Qty: 1, Coupon: &sale.Coupon{Provider: "pass2u", Key: "c1",
			Effect: sale.CouponEffect{Kind: sale.EffectAmount, Amount: 1000}, Status: sale.TenderApproved}},
	}
	s.Tenders = []sale.Tender{
		{Method: "LINE Pay", Provider: "cancan", Wallet: "linepay", Key: "k1", Amount: 10000, Status: sale.TenderApproved, At: at(11)},
		{Method: sale.MethodCash, Amount: 5000, Tendered: 10000, Change: 5000, Status: sale.TenderApproved, At: at(11)},
	}
	if err := s.Settle(tax); err != nil {
		t.Fatal(err)
	}
	s.Number, s.Completed = 1, at(11)
	// One tea comes back: 75.00, 55.00 in cash and the rest on LINE Pay,
	// still pending.
	n := 0
	key := func() string { n++; return fmt.Sprint("r", n) }
	parts := []sale.RefundPart{{TenderKey: "k1", Method: "LINE Pay", Amount: 2000}, {Method: sale.MethodCash, Amount: 5500}}
	if _, _, err := s.AddReturn([]sale.ReturnLine{{LineID: 1, Qty: 1}}, parts, key, "bob", at(12)); err != nil {
		t.Fatal(err)
	}
	sh := report.Shift{Number: 3, ID: "sh3", OpenedBy: "ann", Opened: at(9), Since: at(9), Float: 100000,
		ClosedBy: "bob", Closed: at(18), Counted: 99000}
	r := report.Build(report.Input{Sales: []*sale.Sale{s}, From: at(9), To: at(18), Shift: &sh, Tax: tax,
		Approvals: []report.Approval{{Seq: 1, At: at(12), By: "boss", Action: "refund"}}, Waiting: 1,
		Currency: "TWD", Store: "測試店", Till: "T1", At: at(19), Reprint: true})

	lines := r.Lines(money.Currency{Code: "TWD", Exponent: 2}, report.Width, ReportWords(TraditionalChinese))
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > report.Width {
			t.Errorf("line %q is %d columns wide", l, w)
		}
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{"Z 報表 000003", "補印", "收銀機 T1", "結班 bob", "銷售", "其中優惠券 (1)", "改價 (1)",
		"收款", "依服務商", "作廢與退款", "退貨 (1)", "退款 (1)", "  現金 (1)", "結果待確認", "錢箱", "零用金", "應有現金", "點算現金",
		"差額(短少)", "收銀員", "主管核准", "待處理作業"} {
		if !strings.Contains(text, want) {
			t.Errorf("the zh-TW report lacks %q:\n%s", want, text)
		}
	}
}
