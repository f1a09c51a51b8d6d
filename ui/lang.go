package ui

import "till/store/receipt"

// Lang is the language of the screens and receipts.
type Lang string

// The languages the till speaks.
const (
	English            Lang = "en"
	TraditionalChinese Lang = "zh-TW"
)

// T translates an English source string into l; the English text is
// the key, and is returned as it is in English or when the table lacks
// it. A format string is translated before it is filled, so the
// translation may put its arguments in another order (%[2]s).
func (l Lang) T(s string) string {
	if l == TraditionalChinese {
		if z, ok := zhTW[s]; ok {
			return z
		}
		if z, ok := zhTWStates[s]; ok {
			return z
		}
	}
	return s
}

// t translates s into the till's language.
func (m *Model) t(s string) string { return m.opt.Language.T(s) }

// receiptWords are the receipt's fixed texts in the till's language.
func (m *Model) receiptWords() receipt.Words { return ReceiptWords(m.opt.Language) }

// ReceiptWords are a receipt's fixed texts in lang, for the printer's
// receipt.Header; in English they are receipt.English.
func ReceiptWords(lang Lang) receipt.Words {
	t := lang.T
	return receipt.Words{
		Till: t("Till"), Receipt: t("Receipt"), Total: t("TOTAL"), Tax: t("Tax %s %s"), Inclusive: t(" incl."),
		CashTendered: t("Cash tendered"), Cash: t("Cash"), Ref: t("Ref"), Change: t("Change"), Sale: t("Sale"),
		ThankYou: t("Thank you"), ETickets: t("E-TICKETS x%d"), Order: t("Order"), Passcode: t("Passcode"),
		NotIssued: t("Not issued:"), AskManager: t("Ask a manager: the sale is paid."),
		BeingIssued: t("Being issued: they follow on a reprint."), Free: t("free"),
		PriceWas: t("Price changed, was %s"), Returned: t("Returned #%d"), Return: t("RETURN"), Refund: t("REFUND"),
		BeingRefunded: t("being refunded"), RefundDeclined: t("declined: %s"), RefundUnknown: t("outcome unknown: being checked"),
		PassesBack: t("Passes given back: %d"), Signature: t("Customer signature"),
	}
}

// zhTWStates translates the state words other packages report (scanner,
// printer, providers, tenders, journal entries, approvals): the screens
// show them, so they are the screens' words too.
var zhTWStates = map[string]string{
	// scanner and printer
	"connected":    "已連線",
	"disconnected": "未連線",
	"failed":       "失敗",
	"printing":     "列印中",
	"ok":           "正常",
	// providers
	"online":   "連線中",
	"retrying": "重試中",
	"offline":  "離線",
	// tenders and operations
	"approved":  "已核准",
	"pending":   "處理中",
	"declined":  "已拒絕",
	"voided":    "已作廢",
	"set_aside": "已擱置",
	"reversing": "沖正中",
	"queued":    "排隊中",
	"sent":      "已送出",
	"done":      "完成",
	"review":    "待審核",
	"refund":    "退款",
	"lookup":    "查詢",
	"close":     "結單",
	"redeem":    "兌換",
	"unredeem":  "退回",
	"tickets":   "電子票",
	// approvals
	"void-sale":                    "作廢交易",
	"price-override":               "變更價格",
	"no-sale":                      "開錢箱(無交易)",
	"resolve":                      "人工處理",
	"leave-kiosk":                  "離開自助模式",
	"close-shift":                  "結班",
	"drawer opened without a sale": "無交易開啟錢箱",
}

// zhTW is every English text of the screens and receipts with its
// Traditional Chinese, as Taiwanese tills word it.
var zhTW = map[string]string{
	// screens and headings
	"Sale":             "銷售",
	"Search items":     "搜尋商品",
	"Payment":          "付款",
	"Receipt":          "收據",
	"Receipt (copy)":   "收據(副本)",
	"Journal":          "交易日誌",
	"Coupon":           "優惠券",
	"Campaigns":        "活動",
	"Log in":           "登入",
	"Manager approval": "主管核准",
	"X report":         "X 報表",
	"Z report":         "Z 報表",
	"till":             "收銀機",

	// column heads and totals
	"Item":              "品名",
	"Qty":               "數量",
	"Price":             "單價",
	"Amount":            "金額",
	"SKU":               "貨號",
	"Tax":               "稅",
	"Items":             "件數",
	"Discount":          "折扣",
	"Paid":              "已付",
	"DUE":               "應付",
	"Due":               "應付",
	"TOTAL":             "合計",
	"Total":             "合計",
	"Tax included":      "稅額(內含)",
	"Change":            "找零",
	"CHANGE DUE":        "應找零",
	"State":             "狀態",
	"Provider":          "服務商",
	"Kind":              "類別",
	"Tries":             "次數",
	"Last error / note": "最後錯誤/備註",
	"coupon":            "優惠券",
	"redeeming…":        "兌換中…",
	"unknown":           "未知",
	"refused":           "已拒絕",
	"void":              "作廢",
	"COPY":              "副本",
	"Cash":              "現金",

	// prompts and placeholders
	"Code: ":                               "條碼:",
	"scan or type a code, N* for quantity": "掃描或輸入條碼,N* 為數量",
	"Find: ":                               "搜尋:",
	"type part of a name or SKU":           "輸入部分品名或貨號",
	"Cash tendered: ":                      "收現金額:",
	"amount":                               "金額",
	"Pass: ":                               "票券:",
	"scan the customer's pass":             "掃描顧客的票券",
	"%s pass: ":                            "%s 票券:",
	"Your id: ":                            "員工編號:",
	"clerk or manager id":                  "店員或主管編號",
	"PIN: ":                                "密碼:",
	"Opening float: ":                      "開班零用金:",
	"cash counted into the drawer":         "放入錢箱的現金",
	"Cash counted in the drawer: ":         "錢箱內點算現金:",
	"Quantity for %s: ":                    "%s 的數量:",
	"Weight in grams for %s: ":             "%s 的重量(公克):",
	"E-mail for the e-tickets: ":           "電子票寄送信箱:",
	"name@example.com, or empty for none":  "name@example.com,留空則不寄送",
	"%s code: ":                            "%s 付款碼:",
	"scan the customer's payment code":     "掃描顧客的付款碼",

	// hints on screen
	"Scan an item or type its code, then enter.": "掃描商品或輸入條碼,再按 enter。",
	"No item matches.":                           "沒有符合的商品。",
	"Tenders taken":                              "已收款項",
	"none yet":                                   "尚無",
	"Choose a tender":                            "選擇付款方式",
	"Recording the sale…":                        "交易記錄中…",
	"A payment's outcome is unknown: look it up, or set it aside to take another tender.": "付款結果未知:請查詢,或擱置後改用其他付款方式。",
	"Press a tender's number.":                                      "請按付款方式的號碼。",
	"Press a tender's number, or scan the customer's payment code.": "請按付款方式的號碼,或掃描顧客的付款碼。",
	"E-tickets go to %s":                                            "電子票寄至 %s",
	"  (tendered %s, change %s)":                                    "  (收 %s,找 %s)",
	"ref":                                                           "參考號",
	"↑↓ %d more lines":                                              "↑↓ 尚有 %d 行",
	"Cannot read the journal: ":                                     "無法讀取交易日誌:",
	"Nothing is waiting: every provider operation is settled.": "沒有待處理項目:所有服務商作業皆已完成。",
	"needs a manager: till resolve %s":                         "需主管處理:till resolve %s",
	"Adding up…":                                               "計算中…",
	"A manager approves: ":                                     "主管核准:",
	"Checking…":                                                "檢查中…",
	"scan with the %s app":                                     "請用 %s App 掃描",
	"No QR code to show.":                                      "沒有可顯示的 QR 碼。",
	"Too small for the QR code: %d×%d needed":                  "畫面太小,QR 碼需要 %d×%d",
	"Scan the customer's coupon or pass, or type its code and enter.": "掃描顧客的優惠券或票券,或輸入代碼後按 enter。",
	"Asking %s…": "正在詢問 %s…",
	"No campaigns to redeem (F6 asks again).": "沒有可兌換的活動(F6 重新詢問)。",
	"(no effect configured)":                  "(未設定優惠內容)",
	"waiting for the wallet":                  "等待錢包回應",
	"waiting for the customer to pay":         "等待顧客付款",
	"cancelling":                              "取消中",
	"saving":                                  "儲存中",

	// the status line
	"scanner":            "掃描器",
	"printer":            "印表機",
	"cash only":          "僅收現金",
	" (%d waiting)":      "(%d 筆待處理)",
	"Scanner: ":          "掃描器:",
	"Printing…":          "列印中…",
	"Open sale restored": "已恢復未結交易",

	// sale screen messages
	"This till is in kiosk mode: it cannot be left from the keyboard":   "本機為自助模式:無法用鍵盤離開",
	"The pass is being redeemed: wait for the answer before voiding it": "票券兌換中:請等回覆後再作廢",
	"Voided %s":                          "已作廢 %s",
	"Locked: log in to go on":            "已鎖定:請登入以繼續",
	"Nothing to pay: scan an item first": "沒有可付款的項目:請先掃描商品",
	"No coupons here: no pass provider is configured, or payment has begun":                    "無法使用優惠券:未設定票券服務商,或已開始付款",
	"No loyalty discount to ask for: no loyalty provider, an empty cart, or payment has begun": "無會員折扣可查詢:未設定會員服務商、購物車為空,或已開始付款",
	"Select a line that is not voided first (↑/↓)":                                             "請先選擇未作廢的品項(↑/↓)",
	"Nothing to void": "沒有可作廢的項目",
	"The sale has payments: it cannot be voided here":            "此交易已有付款:無法在此作廢",
	"A pass is being redeemed: wait for its answer":              "票券兌換中:請等待回覆",
	"Void all %d lines of this sale? Press F10 again to confirm": "作廢此交易全部 %d 項?再按 F10 確認",
	"Sale voided: %d lines":                                      "交易已作廢:%d 項",
	"Type a whole number":                                        "請輸入整數",
	"%q is not a quantity: type N*code, e.g. 3*%s":               "%q 不是數量:請輸入 N*條碼,例如 3*%s",
	"Type or scan a code after %s*":                              "請在 %s* 後輸入或掃描條碼",
	"The weight is already in the code: scan it without N*":      "條碼已含重量:請勿加 N* 直接掃描",
	"Payment has started: finish it (F12) before adding items":   "已開始付款:請先完成付款(F12)再加商品",
	"Added %s  %s":                           "已加入 %s  %s",
	"Scan ignored: log in first":             "已忽略掃描:請先登入",
	"Scan ignored: finish this screen first": "已忽略掃描:請先完成此畫面",
	"This sale has e-tickets, but no ticket provider is configured ([providers.ticketbao])": "此交易含電子票,但未設定票務服務商([providers.ticketbao])",
	"A pass is still being redeemed: wait for its answer, or void its line (F4)":            "票券仍在兌換中:請等待回覆,或作廢該項(F4)",
	"No item matches: change the search or press esc":                                       "沒有符合的商品:請修改搜尋或按 esc",

	// payment messages
	"No payment needs looking up": "沒有需要查詢的付款",
	"No e-tickets on this sale":   "此交易沒有電子票",
	"A payment's outcome is unknown: look it up (F7) before taking another": "付款結果未知:請先查詢(F7)再收其他款項",
	"Type the cash handed over, e.g. %s":                                    "請輸入收到的現金,例如 %s",
	"Give change %s":                                                        "請找零 %s",
	"Cash %s taken":                                                         "已收現金 %s",
	"No payment's outcome is unknown":                                       "沒有結果未知的付款",
	"Set aside: the till keeps checking it and reverses it if it went through. Take another tender.": "已擱置:系統會持續查詢,若已扣款將自動沖正。請改用其他付款方式。",
	"That is not a payment code: ask the customer to show it again":                                  "這不是付款碼:請顧客重新出示",
	"That code looks like %s, not %s: choose again or scan again":                                    "此付款碼像是 %s,不是 %s:請重新選擇或重新掃描",
	"Which wallet is this code from? Press its number":                                               "此付款碼屬於哪個錢包?請按其號碼",
	"This code could be %s: press its number":                                                        "此付款碼可能是 %s:請按其號碼",
	" or ":                         " 或 ",
	"%s %s: sending…":              "%s %s:傳送中…",
	"Cancelled before it was sent": "傳送前已取消",
	"%s %s: waiting for the customer's wallet…":                                      "%s %s:等待顧客錢包回應…",
	"The payment's code cannot be drawn: %s. Press esc to cancel":                    "無法顯示付款碼:%s。請按 esc 取消",
	"%s %s: the customer scans the QR code with the %s app":                          "%s %s:請顧客用 %s App 掃描 QR 碼",
	"Cancelling the payment…":                                                        "正在取消付款…",
	"Cancelled by the clerk and reversed":                                            "店員取消並已沖正",
	"The payment could not be cancelled yet; the till keeps trying (F7 looks it up)": "付款尚無法取消;系統會持續重試(F7 查詢)",
	"%s %s approved":               "%s %s 已核准",
	"%s %s cancelled and reversed": "%s %s 已取消並沖正",
	"%s declined: %s":              "%s 已拒絕:%s",
	"no reason given":              "未提供原因",
	"%s %s: outcome unknown. %s":   "%s %s:結果未知。%s",
	"Do not take another payment until it is checked (F7 looks it up again)": "查明前請勿收其他款項(F7 再次查詢)",
	"Looking up the %s payment…":                                             "正在查詢 %s 付款…",
	"Cancelling…":                                                            "取消中…",
	"went through after it was set aside: being reversed":                    "擱置後才完成扣款:沖正中",
	"%s %s went through after all: reversing it":                             "%s %s 最終已扣款:沖正中",
	"Sale complete": "交易完成",
	"Sale paid but not yet recorded: %s (enter retries)": "已付款但尚未記錄:%s(enter 重試)",
	"Not saved, last change undone: ":                    "未儲存,已復原上一步:",

	// loyalty and coupons
	"%s loyalty discount":                                 "%s 會員折扣",
	"the %s discount could not be applied: %w":            "無法套用 %s 折扣:%w",
	"%s discount %s applied: take the %s due in cash (1)": "已套用 %s 折扣 %s:請收現金 %s(1)",
	"%s %s approved after a loyalty discount of %s":       "%s %s 已核准,會員折扣 %s",
	"Asking %s for its loyalty discount…":                 "正在向 %s 查詢會員折扣…",
	"%s loyalty: %s":                                      "%s 會員:%s",
	"no answer":                                           "無回應",
	"%s offers no loyalty discount on this cart":          "%s 對此購物車無會員折扣",
	"%[1]s offers a loyalty discount of %[2]s when the customer pays with %[1]s": "顧客以 %[1]s 付款可享會員折扣 %[2]s",
	"%s offers −%s":   "%s 折 −%s",
	"Demo customer: ": "示範顧客:",
	"Demo customer answered; waiting for SWiP…":                                  "示範顧客已回應;等待 SWiP…",
	"Coupons go on before payment":                                               "優惠券須在付款前使用",
	"%s: the campaigns could not be listed: %s (F6 tries again)":                 "%s:無法列出活動:%s(F6 重試)",
	"No effect is configured for this campaign ([[providers.pass2u.campaigns]])": "此活動未設定優惠內容([[providers.pass2u.campaigns]])",
	"Scan the customer's pass":                                                   "請掃描顧客的票券",
	"Another pass is being redeemed: wait for its answer":                        "另一張票券兌換中:請等待回覆",
	"That is not a pass barcode: scan the customer's pass again":                 "這不是票券條碼:請重新掃描顧客的票券",
	"The campaign's free item %s is not in the catalog":                          "活動贈品 %s 不在商品目錄中",
	"Redeeming the pass…":                                                        "票券兌換中…",
	"Pass":                                                                       "票券",
	"%s: pass redeemed":                                                          "%s:票券已兌換",
	"Pass refused: ":                                                             "票券被拒:",
	"No answer about the pass: the till keeps trying. Void its line (F4) to give it back. ": "票券無回應:系統會持續重試。作廢該項(F4)可退回票券。",

	// e-tickets
	"The e-tickets are not e-mailed": "電子票不寄送電子郵件",
	"The e-tickets go to %s as well": "電子票也會寄至 %s",
	"E-tickets issued":               "電子票已開立",
	"E-tickets: ":                    "電子票:",

	// journal, receipt, reports, printer
	"No provider is configured: nothing to retry":                                      "未設定服務商:沒有可重試的項目",
	"Retrying every waiting operation now":                                             "正在重試所有待處理作業",
	"Cannot read the last receipt: ":                                                   "無法讀取上一張收據:",
	"No sale has been completed yet":                                                   "尚無已完成的交易",
	"The report could not be made: ":                                                   "無法產生報表:",
	"Shift closed: Z report printed":                                                   "已結班:Z 報表已列印",
	"Shift closed: log in to open the next one":                                        "已結班:請登入以開下一班",
	"No shift is open: shifts come with logins (till users add)":                       "目前沒有班別:班別需搭配登入(till users add)",
	"Type the cash counted in the drawer, e.g. %s":                                     "請輸入錢箱內點算的現金,例如 %s",
	"Receipt not printed: %s. The sale is recorded: F8 on the receipt prints it again": "收據未列印:%s。交易已記錄:在收據畫面按 F8 可重印",
	"Cash drawer did not open: %s. Use its key":                                        "錢箱未開啟:%s。請用鑰匙開啟",

	// staff
	"Users could not be read: ":                                 "無法讀取使用者:",
	"A manager's approval is needed: ":                          "需要主管核准:",
	"The approval could not be recorded, so nothing was done: ": "無法記錄核准,未執行任何動作:",
	"Approved by %s":                                            "%s 已核准",
	"Not approved: nothing was done":                            "未核准:未執行任何動作",
	"Type the cash counted into the drawer, e.g. %s":            "請輸入放入錢箱的現金,例如 %s",
	"This user is disabled":                                     "此使用者已停用",
	"Wrong id or PIN":                                           "編號或密碼錯誤",
	"%s is not a manager: a manager must approve this":          "%s 不是主管:此操作須由主管核准",
	"Hello, %s": "%s 您好",
	"Hello, %s. Count the cash in the drawer to open the shift": "%s 您好。請點算錢箱現金以開班",
	"The shift could not be opened: ":                           "無法開班:",
	"Shift opened with a float of %s":                           "已開班,零用金 %s",
	"Locked after %v without use: log in to go on":              "閒置 %v 已鎖定:請登入以繼續",
	"Drawer opened: no sale":                                    "錢箱已開啟:無交易",

	// returns and price overrides
	"Return":           "退貨",
	"Receipt number: ": "收據號碼:",
	"scan or type it":  "掃描或輸入",
	"Scan the receipt's number or type it, then enter.":                 "掃描收據號碼或輸入後按 enter。",
	"Type the receipt number as printed, e.g. 000123":                   "請輸入收據上的號碼,例如 000123",
	"No sale has that receipt number":                                   "查無此收據號碼的交易",
	"The sale could not be read: ":                                      "無法讀取交易:",
	"Nothing on this receipt can be returned":                           "這張收據沒有可退貨的商品",
	"Pick what comes back: space takes a whole line, +/- one at a time": "選擇退貨商品:空白鍵整行,+/- 逐件增減",
	"Finish or void this sale before taking a return":                   "請先完成或作廢這筆交易再辦理退貨",
	"Receipt %06d · %s · %s":                                            "收據 %06d · %s · %s",
	"Sold":                                                              "已售",
	"Back":                                                              "已退",
	"Returning":                                                         "本次退貨",
	"Nothing picked yet.":                                               "尚未選擇商品。",
	"Refund":                                                            "退款",
	"The return was not recorded: ":                                     "退貨未記錄:",
	"Return recorded: give the customer %s in cash":                     "退貨已記錄:請退給顧客現金 %s",
	"Return recorded: the refund goes back to the customer's payment": "退貨已記錄:款項將退回顧客原付款方式",
	"New price for %s: ":                 "%s 的新單價:",
	"New price per kg for %s: ":          "%s 的每公斤新單價:",
	"Type the new price, e.g. %s":        "請輸入新單價,例如 %s",
	"Price of %s changed to %s":          "%s 已改價為 %s",
	"a coupon's price cannot be changed": "優惠券的價格不能更改",

	// the help bar's key descriptions
	"return":                         "退貨",
	"whole line":                     "整行",
	"one more/less":                  "增減一件",
	"cash/original payment":          "現金/原付款",
	"price":                          "改價",
	"add":                            "加入",
	"select":                         "選擇",
	"e-mail tickets":                 "寄送電子票",
	"reports":                        "報表",
	"close shift (Z)":                "結班(Z)",
	"no sale":                        "開錢箱",
	"lock":                           "鎖定",
	"print":                          "列印",
	"void sale":                      "作廢交易",
	"qty":                            "數量",
	"search":                         "搜尋",
	"reprint":                        "重印",
	"pay":                            "付款",
	"clear":                          "清除",
	"quit":                           "離開",
	"back":                           "返回",
	"add item":                       "加入商品",
	"cash":                           "現金",
	"exact cash":                     "剛好現金",
	"take cash":                      "收現金",
	"apply":                          "確定",
	"cancel":                         "取消",
	"next sale":                      "下一筆",
	"look up payment":                "查詢付款",
	"journal":                        "日誌",
	"set aside, take another tender": "擱置,改用其他付款",
	"retry now":                      "立即重試",
	"refresh":                        "重新整理",
	"loyalty":                        "會員折扣",
	"demo: customer pays":            "示範:顧客付款",
	"demo: pays at till":             "示範:櫃台付款",
	"tender":                         "付款方式",

	// receipts (store/receipt.Words)
	"Till":                             "收銀機",
	"Tax %s %s":                        "稅額 %s %s",
	" incl.":                           "(內含)",
	"Cash tendered":                    "收現",
	"Ref":                              "參考號",
	"Thank you":                        "謝謝光臨",
	"E-TICKETS x%d":                    "電子票 x%d",
	"Order":                            "訂單",
	"Passcode":                         "取票密碼",
	"Not issued:":                      "未開立:",
	"Ask a manager: the sale is paid.": "請洽主管:本交易已付款。",
	"Being issued: they follow on a reprint.": "開立中:重印收據時會顯示。",
	"free":                           "贈品",
	"Price changed, was %s":          "已改價,原價 %s",
	"Returned #%d":                   "退貨 #%d",
	"RETURN":                         "退貨單",
	"REFUND":                         "退款",
	"being refunded":                 "退款中",
	"declined: %s":                   "已拒絕:%s",
	"outcome unknown: being checked": "結果未知:查詢中",
	"Passes given back: %d":          "已退回票券:%d",
	"Customer signature":             "顧客簽名",
}
