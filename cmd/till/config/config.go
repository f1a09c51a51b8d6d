// Package config reads the till's TOML configuration. Every key is
// documented in assets/till.example.toml, which is also the default.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"till/assets"
	"till/hardware/printer"
	"till/hardware/scanner"
	"till/providers/wallet"
	"till/store/barcode"
	"till/store/money"
	"till/store/sale"
)

// Config is the validated configuration.
type Config struct {
	StoreName string
	TillID    string
	Language  string // of the screens and receipts: "en" or "zh-TW"
	Currency  money.Currency
	Tax       sale.TaxRules
	Embedded  barcode.Rules
	Scanner   string // scanner source spec, empty for keyboard only
	// LockAfter locks a till left alone that long, when it has users.
	LockAfter time.Duration
	// Printer is the receipt printer's spec (hardware/printer), empty for
	// none.
	Printer string
	// WedgeGap and WedgeMin tell a keyboard-wedge scanner's burst from
	// typing: at least WedgeMin keys, each within WedgeGap, then Enter.
	WedgeGap time.Duration
	WedgeMin int
	Source   string // where the configuration came from, for messages
	// Wallets are offered at payment in this order; each one's provider
	// is configured below.
	Wallets    []wallet.Wallet
	PayTimeout time.Duration
	Cancan     Cancan
	IPass      IPass
	SWiP       SWiP
	// Pass2U redeems customers' passes; on when its account is set.
	Pass2U Pass2U
	// Campaigns are the effects of redeemed passes, by "model/campaign".
	Campaigns map[string]sale.CouponEffect
	// TicketBao sells e-tickets; on when its api_key is set.
	TicketBao TicketBao
}

// Pass2U is the Pass2U Checkout section (coupon and pass redemption).
type Pass2U struct {
	BaseURL        string        `toml:"base_url"`
	APIKey         string        `toml:"api_key"`
	Account        string        `toml:"account"`
	RequestTimeout time.Duration `toml:"request_timeout"`
	// DefaultCampaign ("model/campaign") is redeemed without asking.
	DefaultCampaign string `toml:"default_campaign"`
}

// TicketBao is the Pass2U TicketBao section (e-ticket sales).
type TicketBao struct {
	BaseURL        string        `toml:"base_url"`
	APIKey         string        `toml:"api_key"`
	PickupType     string        `toml:"pickup_type"`
	RequestTimeout time.Duration `toml:"request_timeout"`
}

func (c Pass2U) String() string {
	return fmt.Sprintf("pass2u{base_url=%s account=%s api_key=%s}", c.BaseURL, c.Account, redact(c.APIKey))
}

func (c TicketBao) String() string {
	return fmt.Sprintf("ticketbao{base_url=%s api_key=%s}", c.BaseURL, redact(c.APIKey))
}

// campaignFile is one [[providers.pass2u.campaigns]] entry.
type campaignFile struct {
	Model    string  `toml:"model"`
	Campaign string  `toml:"campaign"`
	Effect   string  `toml:"effect"`
	Percent  percent `toml:"percent"`
	Amount   string  `toml:"amount"`
	SKU      string  `toml:"sku"`
}

// Cancan is the CANCAN gateway's section (WeChat Pay, Alipay, LINE Pay).
type Cancan struct {
	BaseURL        string            `toml:"base_url"`
	APIKey         string            `toml:"api_key"`
	POSID          string            `toml:"pos_id"`
	MchLevel1      string            `toml:"mch_level_1"`
	MchLevel2      string            `toml:"mch_level_2"`
	MchLevel3      string            `toml:"mch_level_3"`
	Gateways       map[string]string `toml:"gateways"`
	RequestTimeout time.Duration     `toml:"request_timeout"`
	PollInterval   time.Duration     `toml:"poll_interval"`
	PollBound      time.Duration     `toml:"poll_bound"`
}

// IPass is the iPASS offline-pay section.
type IPass struct {
	BaseURL        string        `toml:"base_url"`
	Token          string        `toml:"token"`
	TokenURL       string        `toml:"token_url"`
	ClientID       string        `toml:"client_id"`
	ClientSecret   string        `toml:"client_secret"`
	MerchantID     string        `toml:"merchant_id"`
	Key            string        `toml:"key"`
	StoreID        string        `toml:"store_id"`
	ShopStoreID    string        `toml:"shop_store_id"`
	TerminalID     string        `toml:"terminal_id"`
	IsTest         bool          `toml:"is_test"`
	RequestTimeout time.Duration `toml:"request_timeout"`
}

// SWiP is the SWiP section (loyalty orders paid in the SWiP app or at
// the till).
type SWiP struct {
	BaseURL        string        `toml:"base_url"`
	Token          string        `toml:"token"`
	MerchantID     string        `toml:"merchant_id"`
	StoreID        string        `toml:"store_id"`
	CashID         string        `toml:"cash_id"`
	RequestTimeout time.Duration `toml:"request_timeout"`
	PollInterval   time.Duration `toml:"poll_interval"`
	PayWindow      time.Duration `toml:"pay_window"`
}

// String keeps credentials out of any log or message that prints a
// configuration.
func (c Cancan) String() string {
	return fmt.Sprintf("cancan{base_url=%s api_key=%s}", c.BaseURL, redact(c.APIKey))
}

func (c IPass) String() string {
	return fmt.Sprintf("ipass{base_url=%s token=%s key=%s client_secret=%s}", c.BaseURL, redact(c.Token), redact(c.Key), redact(c.ClientSecret))
}

func (c SWiP) String() string {
	return fmt.Sprintf("swip{base_url=%s token=%s}", c.BaseURL, redact(c.Token))
}

func redact(secret string) string {
	if secret == "" {
		return "(none)"
	}
	return "(set)"
}

// file mirrors the TOML layout.
type file struct {
	Store struct {
		Name     string `toml:"name"`
		TillID   string `toml:"till_id"`
		Language string `toml:"language"`
	} `toml:"store"`
	Money struct {
		Currency string `toml:"currency"`
	} `toml:"money"`
	Tax struct {
		Mode  string             `toml:"mode"`
		Rates map[string]percent `toml:"rates"`
	} `toml:"tax"`
	Barcode struct {
		Embedded []struct {
			Prefix   string `toml:"prefix"`
			Kind     string `toml:"kind"`
			Decimals int    `toml:"decimals"`
		} `toml:"embedded"`
	} `toml:"barcode"`
	Scanner struct {
		Source   string         `toml:"source"`
		WedgeGap *time.Duration `toml:"wedge_gap"`
		WedgeMin *int           `toml:"wedge_min"`
	} `toml:"scanner"`
	Printer struct {
		Device string `toml:"device"`
	} `toml:"printer"`
	Login struct {
		LockAfter *time.Duration `toml:"lock_after"`
	} `toml:"login"`
	Payments struct {
		Wallets []string      `toml:"wallets"`
		Timeout time.Duration `toml:"timeout"`
	} `toml:"payments"`
	Providers struct {
		Cancan Cancan `toml:"cancan"`
		IPass  IPass  `toml:"ipass"`
		SWiP   SWiP   `toml:"swip"`
		Pass2U struct {
			Pass2U
			Campaigns []campaignFile `toml:"campaigns"`
		} `toml:"pass2u"`
		TicketBao TicketBao `toml:"ticketbao"`
	} `toml:"providers"`
}

// percent is a tax rate written as a TOML integer or float of percent,
// kept as basis points.
type percent int64

func (p *percent) UnmarshalTOML(v any) error {
	var f float64
	switch n := v.(type) {
	case int64:
		f = float64(n)
	case float64:
		f = n
	default:
		return fmt.Errorf("a rate is a number of percent, not %T", v)
	}
	bp := math.Round(f * 100)
	if math.Abs(bp-f*100) > 1e-6 {
		return fmt.Errorf("rate %v has more than two decimals", f)
	}
	if bp < 0 || bp > 10000 {
		return fmt.Errorf("rate %v%% is outside 0 to 100", f)
	}
	*p = percent(bp)
	return nil
}

// DefaultPath is where the till looks when --config is not given.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "till", "config.toml"), nil
}

// Load reads path; with an empty path it reads the default location, and
// if no file is there, the embedded example.
func Load(path string) (Config, error) {
	if path != "" {
		return loadFile(path)
	}
	def, err := DefaultPath()
	if err == nil {
		if _, statErr := os.Stat(def); statErr == nil {
			return loadFile(def)
		} else if !errors.Is(statErr, fs.ErrNotExist) {
			return Config{}, fmt.Errorf("config %s: %w", def, statErr)
		}
	}
	return Embedded()
}

// Embedded is the configuration the till ships with.
func Embedded() (Config, error) {
	return Parse(assets.ExampleConfig, "built-in default configuration")
}

func loadFile(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path)
}

// Parse validates a configuration; source names it in error messages.
func Parse(data []byte, source string) (Config, error) {
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		return Config{}, fmt.Errorf("config %s: %w", source, err)
	}
	fail := func(key, format string, args ...any) (Config, error) {
		return Config{}, fmt.Errorf("config %s: %s: %s", source, key, fmt.Sprintf(format, args...))
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return fail(keys[0], "unknown key (see assets/till.example.toml for every key)")
	}
	for _, key := range []string{"money.currency", "tax.mode", "tax.rates"} {
		if !md.IsDefined(strings.Split(key, ".")...) {
			return fail(key, "required key is missing")
		}
	}
	c := Config{StoreName: f.Store.Name, TillID: f.Store.TillID, Scanner: f.Scanner.Source, Source: source}
	if c.StoreName == "" {
		c.StoreName = "till"
	}
	switch c.Language = f.Store.Language; c.Language {
	case "":
		c.Language = "en"
	case "en", "zh-TW":
	default:
		return fail("store.language", "%q is neither \"en\" nor \"zh-TW\"", f.Store.Language)
	}
	if c.Currency, err = money.Lookup(f.Money.Currency); err != nil {
		return fail("money.currency", "%v", err)
	}
	c.Tax = sale.TaxRules{Mode: sale.TaxMode(f.Tax.Mode), Rates: map[string]int64{}}
	for class, rate := range f.Tax.Rates {
		c.Tax.Rates[class] = int64(rate)
	}
	if c.Tax.Mode != sale.TaxInclusive && c.Tax.Mode != sale.TaxExclusive {
		return fail("tax.mode", "%q is neither %q nor %q", f.Tax.Mode, sale.TaxInclusive, sale.TaxExclusive)
	}
	if len(c.Tax.Rates) == 0 {
		return fail("tax.rates", "define at least one tax class")
	}
	for i, e := range f.Barcode.Embedded {
		key := fmt.Sprintf("barcode.embedded[%d]", i+1)
		rule := barcode.EmbeddedRule{Prefix: e.Prefix, Decimals: e.Decimals}
		switch e.Kind {
		case "price":
			rule.Kind = barcode.EmbeddedPrice
			if e.Decimals > c.Currency.Exponent {
				return fail(key+".decimals", "%d is more than %s's %d decimals", e.Decimals, c.Currency.Code, c.Currency.Exponent)
			}
		case "weight":
			rule.Kind = barcode.EmbeddedWeight
		default:
			return fail(key+".kind", "%q is neither \"price\" nor \"weight\"", e.Kind)
		}
		if err := rule.Validate(); err != nil {
			return fail(key, "%v", err)
		}
		c.Embedded = append(c.Embedded, rule)
	}
	if err := c.Embedded.Validate(); err != nil {
		return fail("barcode.embedded", "%v", err)
	}
	if c.Scanner != "" {
		if _, err := scanner.Parse(c.Scanner); err != nil {
			return fail("scanner.source", "%v", err)
		}
	}
	if c.Printer = f.Printer.Device; c.Printer != "" {
		if _, err := printer.ParseSpec(c.Printer); err != nil {
			return fail("printer.device", "%v", err)
		}
	}
	c.LockAfter = 5 * time.Minute
	if l := f.Login.LockAfter; l != nil {
		if *l < 0 || (*l > 0 && *l < 30*time.Second) {
			return fail("login.lock_after", "%v is too short (0s turns the lock off; else at least 30s)", *l)
		}
		c.LockAfter = *l
	}
	c.WedgeGap, c.WedgeMin = 35*time.Millisecond, 6
	if g := f.Scanner.WedgeGap; g != nil {
		if *g < 0 || *g > time.Second {
			return fail("scanner.wedge_gap", "%v is outside 0 (off) to 1s", *g)
		}
		c.WedgeGap = *g
	}
	if n := f.Scanner.WedgeMin; n != nil {
		if *n < 2 || *n > 64 {
			return fail("scanner.wedge_min", "%d is outside 2 to 64", *n)
		}
		c.WedgeMin = *n
	}
	c.Cancan, c.IPass, c.SWiP = f.Providers.Cancan, f.Providers.IPass, f.Providers.SWiP
	c.Pass2U, c.TicketBao = f.Providers.Pass2U.Pass2U, f.Providers.TicketBao
	if err := c.checkPasses(f.Providers.Pass2U.Campaigns); err != nil {
		return Config{}, fmt.Errorf("config %s: %w", source, err)
	}
	c.PayTimeout = f.Payments.Timeout
	if c.PayTimeout == 0 {
		c.PayTimeout = 2 * time.Minute
	}
	if c.PayTimeout < 10*time.Second {
		return fail("payments.timeout", "%v is too short to follow a payment (at least 10s)", c.PayTimeout)
	}
	for i, name := range f.Payments.Wallets {
		w := wallet.Wallet(name)
		if !slices.Contains(wallet.All, w) {
			return fail(fmt.Sprintf("payments.wallets[%d]", i+1), "%q is not one of wechat, alipay, linepay, ipass, swip", name)
		}
		if slices.Contains(c.Wallets, w) {
			return fail(fmt.Sprintf("payments.wallets[%d]", i+1), "%q is listed twice", name)
		}
		if err := c.checkProvider(w); err != nil {
			return Config{}, fmt.Errorf("config %s: %w (needed by payments.wallets %q)", source, err, name)
		}
		c.Wallets = append(c.Wallets, w)
	}
	return c, nil
}

// checkProvider makes sure the provider behind a wallet is configured;
// errors name the missing key.
func (c Config) checkProvider(w wallet.Wallet) error {
	missing := func(key string) error { return fmt.Errorf("%s: required key is missing", key) }
	switch w.Provider() {
	case "cancan":
		p := c.Cancan
		switch {
		case p.BaseURL == "":
			return missing("providers.cancan.base_url")
		case p.APIKey == "":
			return missing("providers.cancan.api_key")
		case p.Gateways[string(w)] == "":
			return missing("providers.cancan.gateways." + string(w))
		}
		return checkURL("providers.cancan.base_url", p.BaseURL)
	case "ipass":
		p := c.IPass
		switch {
		case p.BaseURL == "":
			return missing("providers.ipass.base_url")
		case p.Token == "" && p.TokenURL == "":
			return missing("providers.ipass.token (or token_url)")
		case p.TokenURL != "" && (p.ClientID == "" || p.ClientSecret == ""):
			return missing("providers.ipass.client_id and client_secret (with token_url)")
		case (p.MerchantID != "" || p.Key != "") == (p.StoreID != ""):
			return fmt.Errorf("providers.ipass: set either merchant_id and key (merchant mode) or store_id (omni-channel mode), not both")
		case p.StoreID == "" && (p.MerchantID == "" || p.Key == ""):
			return missing("providers.ipass.merchant_id and key")
		case p.TerminalID == "":
			return missing("providers.ipass.terminal_id")
		}
		return checkURL("providers.ipass.base_url", p.BaseURL)
	case "swip":
		p := c.SWiP
		switch {
		case p.Token == "":
			return missing("providers.swip.token")
		case p.MerchantID == "":
			return missing("providers.swip.merchant_id")
		case p.StoreID == "":
			return missing("providers.swip.store_id")
		case p.CashID == "":
			return missing("providers.swip.cash_id")
		case p.PayWindow > 80*time.Second:
			return fmt.Errorf("providers.swip.pay_window: %v is too long: SWiP keeps an order open for 90s", p.PayWindow)
		}
		if p.BaseURL == "" {
			return nil // the adapter's default
		}
		return checkURL("providers.swip.base_url", p.BaseURL)
	}
	return nil
}

// checkPasses validates the Pass2U and TicketBao sections and reads the
// campaigns' effects.
func (c *Config) checkPasses(campaigns []campaignFile) error {
	if c.Pass2U.Account != "" {
		if c.Pass2U.APIKey == "" {
			return errors.New("providers.pass2u.api_key: required key is missing (with account)")
		}
		if c.Pass2U.BaseURL != "" {
			if err := checkURL("providers.pass2u.base_url", c.Pass2U.BaseURL); err != nil {
				return err
			}
		}
	}
	c.Campaigns = map[string]sale.CouponEffect{}
	for i, cf := range campaigns {
		key := fmt.Sprintf("providers.pass2u.campaigns[%d]", i+1)
		e := sale.CouponEffect{Kind: cf.Effect, Percent: int64(cf.Percent), SKU: cf.SKU}
		if cf.Amount != "" {
			a, err := c.Currency.Parse(cf.Amount)
			if err != nil {
				return fmt.Errorf("%s.amount: %v", key, err)
			}
			e.Amount = a
		}
		if cf.Model == "" || cf.Campaign == "" {
			return fmt.Errorf("%s: model and campaign are required", key)
		}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("%s: %v", key, err)
		}
		c.Campaigns[cf.Model+"/"+cf.Campaign] = e
	}
	if d := c.Pass2U.DefaultCampaign; d != "" {
		if _, ok := c.Campaigns[d]; !ok {
			return fmt.Errorf("providers.pass2u.default_campaign: %q has no [[providers.pass2u.campaigns]] entry", d)
		}
	}
	if c.TicketBao.APIKey != "" {
		switch c.TicketBao.PickupType {
		case "", "order", "voucher":
		default:
			return fmt.Errorf("providers.ticketbao.pickup_type: %q is neither \"order\" nor \"voucher\"", c.TicketBao.PickupType)
		}
		if c.TicketBao.BaseURL != "" {
			return checkURL("providers.ticketbao.base_url", c.TicketBao.BaseURL)
		}
	}
	return nil
}

func checkURL(key, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s: %q is not an http(s) URL", key, raw)
	}
	return nil
}

// TaxClasses lists the configured classes, sorted, for messages.
func (c Config) TaxClasses() []string {
	out := make([]string, 0, len(c.Tax.Rates))
	for k := range c.Tax.Rates {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
