package wallet

import (
	"slices"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	cases := []struct {
		code string
		want []Wallet
	}{
		{"134567890123456789", []Wallet{WeChat, LinePay}}, // 18 digits, 13: WeChat or LINE Pay
		{"104567890123456789", []Wallet{WeChat, LinePay}}, // lowest WeChat prefix
		{"164567890123456789", []Wallet{LinePay}},         // 18 digits outside both ranges
		{"284567890123456789", []Wallet{Alipay, LinePay}}, // 18-digit Alipay range
		{"2845678901234567", []Wallet{Alipay}},            // 16 digits
		{"284567890123456789012345", []Wallet{Alipay}},    // 24 digits
		{"3045678901234567", []Wallet{Alipay}},            // highest Alipay prefix
		{"3145678901234567", nil},                         // past it
		{"2445678901234567", nil},                         // below it
		{"2845678901234567890123456", nil},                // 25 digits
		{"96A1OABQAAFmIVAVRxhAgY", []Wallet{IPass}},       // TWQR trade code from the iPASS document
		{"4710088410122", nil},                            // a product barcode
		{"", nil},
		{"1", nil},
		{"12345678901234567\x1b", nil},
		{strings.Repeat("1", 4096), nil},
		{"ab cd", nil},
	}
	for _, tc := range cases {
		if got := Detect(tc.code); !slices.Equal(got, tc.want) {
			t.Errorf("Detect(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

func TestLabelsAndProviders(t *testing.T) {
	for _, w := range All {
		if w.Label() == "" || w.Label() == string(w) {
			t.Errorf("%s has no label", w)
		}
	}
	if IPass.Provider() != "ipass" || WeChat.Provider() != "cancan" || LinePay.Provider() != "cancan" {
		t.Error("wrong provider")
	}
}
