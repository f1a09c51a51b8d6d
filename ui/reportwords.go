package ui

import "till/store/report"

// ReportWords are an X or Z report's fixed texts in lang, for
// report.Report.Lines; in English they are report.English.
func ReportWords(lang Lang) report.Words {
	if lang == TraditionalChinese {
		return zhTWReport
	}
	return report.English
}

// zhTWReport are the report's words as Taiwanese tills print them.
var zhTWReport = report.Words{
	XReport: "X 報表", ZReport: "Z 報表 %06d", Reprint: "補印", Till: "收銀機",
	From: "起始時間", To: "結束時間", Printed: "列印時間", OpenedBy: "開班 %s", ClosedBy: "結班 %s",
	Shift: "班別", ShiftOpen: "進行中", NoShift: "未開班",
	SalesTitle: "銷售", Sales: "交易筆數", Gross: "銷售總額", Tax: "稅額", TaxClass: "%s %s 稅基 %s",
	Discounts: "折扣", Coupons: "其中優惠券", VoidedLines: "作廢品項", Overrides: "改價",
	Takings: "收款", Cash: "現金", Total: "收款合計", ByProvider: "依服務商", CashDrawer: "現金",
	Adjustments: "作廢與退款", Voids: "付款作廢", Returns: "退貨", Refunds: "退款",
	Open: "結果待確認", Net: "淨收款",
	CashTitle: "錢箱", Float: "零用金", CashTakings: "現金收款", CashOut: "現金付出",
	Expected: "應有現金", Counted: "點算現金", Difference: "差額",
	Over: "差額(溢收)", Short: "差額(短少)",
	Clerks: "收銀員", Approvals: "主管核准", Waiting: "待處理作業",
}
