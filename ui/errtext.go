package ui

import (
	"errors"

	"till/store"
	"till/store/barcode"
	"till/store/catalog"
	"till/store/sale"
	"till/store/sanitize"
)

// clerkErrors are the domain's errors a clerk meets, in the order errText
// tries them: the most specific first, store.ErrNotFound last.
var clerkErrors = []error{
	// selling
	sale.ErrQuantity, sale.ErrNoLine, sale.ErrLineVoided, sale.ErrPaid, sale.ErrTwoTicketProducts,
	sale.ErrPassOnSale, sale.ErrOverrideCoupon, sale.ErrPriceRange, catalog.ErrUnknown, barcode.ErrCheckDigit,
	// paying
	sale.ErrEmptySale, sale.ErrCashTendered, sale.ErrNothingDue, sale.ErrPaymentOpen, sale.ErrTenderAmount,
	sale.ErrNotPaid, sale.ErrEmail,
	// voids, refunds and returns
	sale.ErrPaymentVoided, sale.ErrAdjustmentOpen, sale.ErrPartlyRefunded, sale.ErrRefundAmount,
	sale.ErrNotCompleted, sale.ErrNothingPicked, sale.ErrCouponReturn, sale.ErrWeighedWhole,
	sale.ErrNothingLeft, sale.ErrNoDeclinedRefund, sale.ErrTicketReturn,
	// staff and shifts
	store.ErrBadPIN, store.ErrDisabled, store.ErrUserExists, store.ErrLastManager, store.ErrNoUser,
	store.ErrShiftOpen, store.ErrNoShift,
	store.ErrNotFound,
}

// zhTWErrors are clerkErrors in Traditional Chinese. The domain's
// messages are not UI source, so they are keyed by the error, not by
// its English (see TestNoDeadTranslations).
var zhTWErrors = map[error]string{
	sale.ErrQuantity:          "數量超出範圍",
	sale.ErrNoLine:            "沒有此品項",
	sale.ErrLineVoided:        "此品項已作廢",
	sale.ErrPaid:              "此交易已有付款:請先退回款項再修改品項",
	sale.ErrTwoTicketProducts: "每筆交易只能有一種電子票:另一種請另開一筆交易",
	sale.ErrPassOnSale:        "此票券已在本交易中",
	sale.ErrOverrideCoupon:    "優惠券的價格不能更改",
	sale.ErrPriceRange:        "新單價超出範圍",
	catalog.ErrUnknown:        "查無此條碼的商品",
	barcode.ErrCheckDigit:     "條碼檢查碼錯誤",

	sale.ErrEmptySale:    "此交易沒有商品",
	sale.ErrCashTendered: "收現金額必須大於零",
	sale.ErrNothingDue:   "沒有應付金額",
	sale.ErrPaymentOpen:  "另一筆付款尚未完成",
	sale.ErrTenderAmount: "金額須大於 0 且不超過應付金額",
	sale.ErrNotPaid:      "此交易尚未付清",
	sale.ErrEmail:        "這不是電子郵件地址:請輸入如 name@example.com 的格式",

	sale.ErrPaymentVoided:    "此付款已作廢",
	sale.ErrAdjustmentOpen:   "此付款先前的作廢或退款尚未完成",
	sale.ErrPartlyRefunded:   "此付款已部分退款:請退還餘額,不要作廢",
	sale.ErrRefundAmount:     "退款金額須大於零且不超過剩餘金額",
	sale.ErrNotCompleted:     "只有已完成的交易可以退貨",
	sale.ErrNothingPicked:    "請至少選擇一件要退貨的商品",
	sale.ErrCouponReturn:     "優惠券須隨整筆交易退回,不能單獨退貨",
	sale.ErrWeighedWhole:     "秤重商品須整件退貨",
	sale.ErrNothingLeft:      "此交易的款項已全數退還",
	sale.ErrNoDeclinedRefund: "查無此筆被拒絕的退款",
	sale.ErrTicketReturn:     "電子票無法在收銀機退貨:請用 till tickets --refund 退款",

	store.ErrBadPIN:      "編號或密碼錯誤",
	store.ErrDisabled:    "此使用者已停用",
	store.ErrUserExists:  "此員工編號已被使用",
	store.ErrLastManager: "不能停用最後一位在職主管:請先新增另一位主管",
	store.ErrNoUser:      "未指定使用者",
	store.ErrShiftOpen:   "已有班別未結:請先以 Z 報表結班",
	store.ErrNoShift:     "目前沒有班別",
	store.ErrNotFound:    "查無資料",
}

// errText is err for the screen, cleaned, in the till's language. The
// domain speaks English: in zh-TW an error is told by the first of
// clerkErrors it is or wraps, its details left out; one the list lacks
// is shown as it is.
func (m *Model) errText(err error) string {
	if m.opt.Language == TraditionalChinese {
		for _, known := range clerkErrors {
			if errors.Is(err, known) {
				return zhTWErrors[known]
			}
		}
	}
	return sanitize.Text(err.Error())
}
