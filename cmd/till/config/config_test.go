package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"till/store/barcode"
	"till/store/sale"
)

func TestEmbeddedDefaultIsValid(t *testing.T) {
	c, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if c.Currency.Code != "TWD" || c.Currency.Exponent != 2 {
		t.Errorf("currency = %+v", c.Currency)
	}
	if c.Tax.Mode != sale.TaxInclusive || c.Tax.Rates["standard"] != 500 || c.Tax.Rates["zero"] != 0 {
		t.Errorf("tax = %+v", c.Tax)
	}
	if len(c.Embedded) != 2 || c.Embedded[1].Kind != barcode.EmbeddedWeight {
		t.Errorf("embedded rules = %+v", c.Embedded)
	}
}

const minimal = `
[money]
currency = "JPY"
[tax]
mode = "exclusive"
[tax.rates]
standard = 8
reduced = 7.5
`

func TestMinimalFile(t *testing.T) {
	c, err := Parse([]byte(minimal), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Currency.Exponent != 0 || c.Tax.Rates["reduced"] != 750 || c.StoreName != "till" {
		t.Errorf("config = %+v", c)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := map[string]string{
		"[money]\n[tax]\nmode='inclusive'\n[tax.rates]\na=1\n":                                                          "money.currency: required key is missing",
		"[money]\ncurrency='TWD'\n[tax.rates]\na=1\n":                                                                   "tax.mode: required key is missing",
		"[money]\ncurrency='TWD'\n[tax]\nmode='inclusive'\n":                                                            "tax.rates: required key is missing",
		minimal + "[stor]\nname='x'\n":                                                                                  "stor",
		minimal + "[store]\nnmae='x'\n":                                                                                 "store.nmae: unknown key",
		strings.Replace(minimal, `"JPY"`, `"XXQ"`, 1):                                                                   "money.currency",
		strings.Replace(minimal, `"exclusive"`, `"sometimes"`, 1):                                                       "tax.mode",
		strings.Replace(minimal, "= 8", "= 120", 1):                                                                     "rate 120% is outside",
		strings.Replace(minimal, "= 8", "= 8.125", 1):                                                                   "more than two decimals",
		strings.Replace(minimal, "= 8", `= "8"`, 1):                                                                     "number of percent",
		minimal + "[[barcode.embedded]]\nprefix='20'\nkind='volume'\n":                                                  "barcode.embedded[1].kind",
		minimal + "[[barcode.embedded]]\nprefix='19'\nkind='price'\n":                                                   "barcode.embedded[1]",
		minimal + "[[barcode.embedded]]\nprefix='20'\nkind='price'\ndecimals=2\n":                                       "barcode.embedded[1].decimals",
		minimal + "[[barcode.embedded]]\nprefix='20'\nkind='price'\n[[barcode.embedded]]\nprefix='20'\nkind='weight'\n": "barcode.embedded",
		minimal + "[scanner]\nsource='bluetooth:x'\n":                                                                   "scanner.source",
		"[money\ncurrency='TWD'":                                                                                        "x.toml",
		"[money]\ncurrency=5\n":                                                                                         "money.currency",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in), "x.toml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: error %v, want it to mention %q", in, err, want)
		}
	}
}

func TestLoadPrefersTheGivenPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "till.toml")
	if err := os.WriteFile(path, []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil || c.Currency.Code != "JPY" || c.Source != path {
		t.Fatalf("Load(%s) = %+v, %v", path, c, err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Error("a missing --config file must be an error")
	}
}

func TestLoadFallsBackToXDGThenEmbedded(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	c, err := Load("")
	if err != nil || c.Currency.Code != "TWD" {
		t.Fatalf("no file: %+v, %v", c, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "till"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "till", "config.toml"), []byte(minimal), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := Load(""); err != nil || c.Currency.Code != "JPY" {
		t.Fatalf("XDG file: %+v, %v", c, err)
	}
}

const withWallets = minimal + `
[payments]
wallets = ["wechat", "ipass", "swip"]
[providers.cancan]
base_url = "https://cancan.example/api/v2/"
api_key = "sk_live_XYZZY"
[providers.cancan.gateways]
wechat = "wechatpay_tw"
[providers.ipass]
base_url = "https://omni.example"
token = "tok_XYZZY"
store_id = "S1"
terminal_id = "T1"
[providers.swip]
token = "swip_XYZZY"
merchant_id = "M1"
store_id = "S1"
cash_id = "C1"
`

func TestWalletsNeedTheirProvider(t *testing.T) {
	c, err := Parse([]byte(withWallets), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Wallets) != 3 || c.SWiP.CashID != "C1" || c.Cancan.Gateways["wechat"] != "wechatpay_tw" || c.PayTimeout.Minutes() != 2 {
		t.Fatalf("config = %+v", c)
	}
	for _, s := range []string{c.Cancan.String(), c.IPass.String(), c.SWiP.String(), fmt.Sprint(c)} {
		if strings.Contains(s, "XYZZY") {
			t.Errorf("a credential is printed: %s", s)
		}
	}
	cases := map[string]string{
		strings.Replace(withWallets, `"swip"]`, `"swip", "paypal"]`, 1):                             "payments.wallets[4]",
		strings.Replace(withWallets, `"swip"]`, `"swip", "wechat"]`, 1):                             "listed twice",
		strings.Replace(withWallets, `token = "swip_XYZZY"`, ``, 1):                                 "providers.swip.token",
		strings.Replace(withWallets, `cash_id = "C1"`, ``, 1):                                       "providers.swip.cash_id",
		strings.Replace(withWallets, `cash_id = "C1"`, `cash_id = "C1"`+"\npay_window = \"2m\"", 1): "providers.swip.pay_window",
		strings.Replace(withWallets, `api_key = "sk_live_XYZZY"`, ``, 1):                            "providers.cancan.api_key: required key is missing",
		strings.Replace(withWallets, `wechat = "wechatpay_tw"`, ``, 1):                              "providers.cancan.gateways.wechat",
		strings.Replace(withWallets, `"https://cancan.example/api/v2/"`, `"ftp://x"`, 1):            "providers.cancan.base_url",
		strings.Replace(withWallets, `store_id = "S1"`, `merchant_id = "M"`, 1):                     "providers.ipass.merchant_id and key",
		strings.Replace(withWallets, `store_id = "S1"`, `store_id = "S1"`+"\nkey = \"k\"", 1):       "either merchant_id and key",
		strings.Replace(withWallets, `token = "tok_XYZZY"`, ``, 1):                                  "providers.ipass.token",
		strings.Replace(withWallets, `terminal_id = "T1"`, ``, 1):                                   "providers.ipass.terminal_id",
		withWallets + "timeout = \"1s\"\n":                                                          "",
	}
	for in, want := range cases {
		_, err := Parse([]byte(in), "x.toml")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to mention %q", err, want)
		}
		if err != nil && strings.Contains(err.Error(), "XYZZY") {
			t.Errorf("error leaks a credential: %v", err)
		}
	}
	bad := strings.Replace(withWallets, "[payments]", "[payments]\ntimeout = \"1s\"", 1)
	if _, err := Parse([]byte(bad), "x.toml"); err == nil || !strings.Contains(err.Error(), "payments.timeout") {
		t.Errorf("short timeout: %v", err)
	}
}

func TestPassesAndTickets(t *testing.T) {
	in := minimal + `
[providers.pass2u]
api_key = "p2u_XYZZY"
account = "shop"
default_campaign = "1248/381"
[[providers.pass2u.campaigns]]
model = "1248"
campaign = "381"
effect = "percent"
percent = 10
[[providers.pass2u.campaigns]]
model = "1248"
campaign = "383"
effect = "item"
sku = "COFFEE"
[providers.ticketbao]
api_key = "tb_XYZZY"
pickup_type = "order"
`
	c, err := Parse([]byte(in), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Pass2U.Account != "shop" || c.Campaigns["1248/381"].Percent != 1000 || c.Campaigns["1248/383"].SKU != "COFFEE" || c.TicketBao.PickupType != "order" {
		t.Fatalf("%+v", c)
	}
	for _, s := range []string{c.Pass2U.String(), c.TicketBao.String(), fmt.Sprint(c)} {
		if strings.Contains(s, "XYZZY") {
			t.Errorf("a credential is printed: %s", s)
		}
	}
	cases := map[string]string{
		strings.Replace(in, `api_key = "p2u_XYZZY"`, ``, 1):                     "providers.pass2u.api_key",
		strings.Replace(in, `"1248/381"`, `"1248/999"`, 1):                      "providers.pass2u.default_campaign",
		strings.Replace(in, `percent = 10`, `percent = 120`, 1):                 "providers.pass2u.campaigns.percent",
		strings.Replace(in, `effect = "item"`, `effect = "free"`, 1):            "providers.pass2u.campaigns[2]",
		strings.Replace(in, `pickup_type = "order"`, `pickup_type = "mail"`, 1): "providers.ticketbao.pickup_type",
	}
	for in, want := range cases {
		if _, err := Parse([]byte(in), "x.toml"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to mention %q", err, want)
		}
	}
}

func TestLockAfter(t *testing.T) {
	c, err := Parse([]byte(minimal), "x.toml")
	if err != nil || c.LockAfter != 5*time.Minute {
		t.Fatalf("default %v, %v", c.LockAfter, err)
	}
	if _, err := Parse([]byte(minimal+"[login]\nlock_after = \"5s\"\n"), "x.toml"); err == nil || !strings.Contains(err.Error(), "login.lock_after") {
		t.Errorf("too short: %v", err)
	}
	if c, err := Parse([]byte(minimal+"[login]\nlock_after = \"0s\"\n"), "x.toml"); err != nil || c.LockAfter != 0 {
		t.Errorf("off: %v %v", c.LockAfter, err)
	}
}

func TestWedgeThresholds(t *testing.T) {
	c, err := Parse([]byte(minimal), "x.toml")
	if err != nil || c.WedgeGap != 35*time.Millisecond || c.WedgeMin != 6 {
		t.Fatalf("defaults %v %d, %v", c.WedgeGap, c.WedgeMin, err)
	}
	c, err = Parse([]byte(minimal+"[scanner]\nwedge_gap = \"0s\"\nwedge_min = 8\n"), "x.toml")
	if err != nil || c.WedgeGap != 0 || c.WedgeMin != 8 {
		t.Fatalf("off: %v %d, %v", c.WedgeGap, c.WedgeMin, err)
	}
	for in, want := range map[string]string{
		"[scanner]\nwedge_gap = \"5s\"\n": "scanner.wedge_gap",
		"[scanner]\nwedge_min = 1\n":      "scanner.wedge_min",
	} {
		if _, err := Parse([]byte(minimal+in), "x.toml"); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestPrinterDevice(t *testing.T) {
	c, err := Parse([]byte(minimal+"[printer]\ndevice = \"tcp:192.168.1.50:9100?width=48&encoding=big5\"\n"), "x.toml")
	if err != nil || c.Printer == "" {
		t.Fatalf("%q, %v", c.Printer, err)
	}
	if _, err := Parse([]byte(minimal+"[printer]\ndevice = \"tcp:192.168.1.50?width=40\"\n"), "x.toml"); err == nil || !strings.Contains(err.Error(), "printer.device") {
		t.Errorf("bad width: %v", err)
	}
}

func TestStoreLanguage(t *testing.T) {
	for in, want := range map[string]string{"": "en", "[store]\nlanguage='en'\n": "en", "[store]\nlanguage='zh-TW'\n": "zh-TW"} {
		c, err := Parse([]byte(minimal+in), "x.toml")
		if err != nil || c.Language != want {
			t.Errorf("%q: language %q, %v; want %q", in, c.Language, err, want)
		}
	}
	for _, bad := range []string{"zh", "zh-tw", "fr", "zh_TW"} {
		_, err := Parse([]byte(minimal+"[store]\nlanguage='"+bad+"'\n"), "x.toml")
		if err == nil || !strings.Contains(err.Error(), "store.language") || !strings.Contains(err.Error(), bad) {
			t.Errorf("language %q: error %v, want one naming store.language", bad, err)
		}
	}
	c, err := Embedded()
	if err != nil || c.Language != "en" {
		t.Errorf("the example config's language is %q, %v", c.Language, err)
	}
}
