// Package config reads the till's TOML configuration. Every key is
// documented in assets/till.example.toml, which is also the default.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"

	"till/assets"
	"till/hardware/scanner"
	"till/store/barcode"
	"till/store/money"
	"till/store/sale"
)

// Config is the validated configuration.
type Config struct {
	StoreName string
	TillID    string
	Currency  money.Currency
	Tax       sale.TaxRules
	Embedded  barcode.Rules
	Scanner   string // scanner source spec, empty for keyboard only
	Source    string // where the configuration came from, for messages
}

// file mirrors the TOML layout.
type file struct {
	Store struct {
		Name   string `toml:"name"`
		TillID string `toml:"till_id"`
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
		Source string `toml:"source"`
	} `toml:"scanner"`
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
	return c, nil
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
