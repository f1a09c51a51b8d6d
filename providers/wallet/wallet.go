// Package wallet names the mobile wallets the till takes and recognises
// a wallet from the form of the payment code scanned off a phone.
package wallet

// Wallet is a configured wallet's name.
type Wallet string

const (
	WeChat  Wallet = "wechat"
	Alipay  Wallet = "alipay"
	LinePay Wallet = "linepay"
	IPass   Wallet = "ipass"
	// SWiP is paid the other way round: the till shows a QR code and
	// the customer scans it in the SWiP app.
	SWiP Wallet = "swip"
)

// All lists the wallets in the order the payment screen offers them.
var All = []Wallet{WeChat, Alipay, LinePay, IPass, SWiP}

// Label is the wallet's name for people.
func (w Wallet) Label() string {
	switch w {
	case WeChat:
		return "WeChat Pay"
	case Alipay:
		return "Alipay"
	case LinePay:
		return "LINE Pay"
	case IPass:
		return "iPASS"
	case SWiP:
		return "SWiP"
	}
	return string(w)
}

// Provider is the payment provider that serves the wallet.
func (w Wallet) Provider() string {
	switch w {
	case IPass, SWiP:
		return string(w)
	}
	return "cancan"
}

// ShowsCode reports a wallet paid by a code the till shows the customer,
// rather than one scanned off the customer's phone.
func (w Wallet) ShowsCode() bool { return w == SWiP }

// Detect returns the wallets whose payment codes look like code, most
// likely first. The forms, as the wallets publish them:
//
//   - WeChat Pay: 18 digits starting 10 to 15.
//   - Alipay: 16 to 24 digits starting 25 to 30.
//   - LINE Pay: 18 digits; its ranges overlap both of the above, so an
//     18-digit code is never certain and the clerk is asked.
//   - iPASS (TWQR): letters and digits, not all digits.
//
// None means the form is unknown: the clerk chooses.
func Detect(code string) []Wallet {
	if code == "" || len(code) > 64 {
		return nil
	}
	if !allDigits(code) {
		if alnum(code) {
			return []Wallet{IPass}
		}
		return nil
	}
	if len(code) < 2 {
		return nil
	}
	prefix := int(code[0]-'0')*10 + int(code[1]-'0')
	var out []Wallet
	if len(code) == 18 && prefix >= 10 && prefix <= 15 {
		out = append(out, WeChat)
	}
	if len(code) >= 16 && len(code) <= 24 && prefix >= 25 && prefix <= 30 {
		out = append(out, Alipay)
	}
	if len(code) == 18 {
		out = append(out, LinePay)
	}
	return out
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}
