package main

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"

	"till/cmd/till/config"
	"till/providers"
	"till/providers/cancan"
	"till/providers/ipass"
	"till/providers/pass2u"
	"till/providers/sims"
	"till/providers/swip"
	"till/providers/swip/swipsim"
	"till/providers/ticketbao"
	"till/providers/wallet"
	"till/store/sale"
)

// payments builds an adapter for every provider the configured wallets
// use; with --demo, against simulators started in this process, which it
// returns too (the demo plays the customer's side).
func (g globals) payments(cfg *config.Config) (map[string]providers.Payments, *sims.Server, error) {
	var sim *sims.Server
	if g.demo {
		var err error
		if sim, err = startSimulators(cfg); err != nil {
			return nil, nil, err
		}
	}
	out := map[string]providers.Payments{}
	for _, w := range cfg.Wallets {
		if _, ok := out[w.Provider()]; ok {
			continue
		}
		var p providers.Payments
		var err error
		switch w.Provider() {
		case "cancan":
			c := cfg.Cancan
			p, err = cancan.New(cancan.Config{
				BaseURL: c.BaseURL, APIKey: c.APIKey, POSID: c.POSID,
				MchLevel1: c.MchLevel1, MchLevel2: c.MchLevel2, MchLevel3: c.MchLevel3,
				Gateways: c.Gateways, Timeout: c.RequestTimeout, PollInterval: c.PollInterval, PollBound: c.PollBound,
			})
		case "ipass":
			c := cfg.IPass
			p, err = ipass.New(ipass.Config{
				BaseURL: c.BaseURL, Token: c.Token, TokenURL: c.TokenURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
				MerchantID: c.MerchantID, Key: c.Key, StoreID: c.StoreID, ShopStoreID: c.ShopStoreID,
				TerminalID: c.TerminalID, IsTest: c.IsTest, Timeout: c.RequestTimeout,
			})
		case "swip":
			c := cfg.SWiP
			var client *swip.Client
			client, err = swip.New(swip.Config{
				BaseURL: c.BaseURL, Token: c.Token, MerchantID: c.MerchantID, StoreID: c.StoreID, CashID: c.CashID,
				Currency: cfg.Currency.Code, Timeout: c.RequestTimeout, PollInterval: c.PollInterval, PayWindow: c.PayWindow,
			})
			if err == nil {
				p = client.Payments()
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("providers.%s: %w", w.Provider(), err)
		}
		out[w.Provider()] = p
	}
	return out, sim, nil
}

// startSimulators serves every provider simulator on a loopback port for
// the demo and points the configuration at them. The server lives as long
// as the process.
func startSimulators(cfg *config.Config) (*sims.Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("starting the demo's payment simulators: %w", err)
	}
	// Everyone gets 5% from SWiP, members 10% more: the demo's loyalty.
	sim := sims.New(swipsim.WithCurrency(cfg.Currency.Code), swipsim.WithAnonymousDiscount(5))
	srv := &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with the process
	base := "http://" + ln.Addr().String()
	cfg.Wallets = slices.Clone(wallet.All)
	cfg.Cancan = config.Cancan{
		BaseURL: sims.CancanURL(base), APIKey: sims.CancanAPIKey, POSID: cfg.TillID,
		Gateways: sims.CancanGateways, PollInterval: 500 * time.Millisecond, PollBound: 30 * time.Second,
	}
	cfg.IPass = config.IPass{
		BaseURL: sims.IPassURL(base), Token: sims.IPassToken, StoreID: sims.IPassStoreID,
		ShopStoreID: "00681", TerminalID: "DEMO0001", IsTest: true,
	}
	fifty, err := cfg.Currency.Parse("50")
	if err != nil {
		return nil, err
	}
	cfg.Pass2U = config.Pass2U{BaseURL: sims.Pass2UURL(base), APIKey: sims.Pass2UAPIKey, Account: sims.Pass2UAccount}
	// The simulator's Cake Shop Loyalty Card campaigns.
	cfg.Campaigns = map[string]sale.CouponEffect{
		"1248/381": {Kind: sale.EffectPercent, Percent: 1000},
		"1248/382": {Kind: sale.EffectAmount, Amount: fifty},
		"1248/383": {Kind: sale.EffectItem, SKU: "COFFEE"},
	}
	cfg.TicketBao = config.TicketBao{BaseURL: sims.TicketBaoURL(base), APIKey: sims.TicketBaoAPIKey, PickupType: "voucher"}
	cfg.SWiP = config.SWiP{
		BaseURL: sims.SWiPURL(base), Token: sims.SWiPToken, MerchantID: sims.SWiPMerchant, StoreID: sims.SWiPStore,
		CashID: cfg.TillID, PollInterval: 500 * time.Millisecond,
	}
	return sim, nil
}

// demoCustomer plays the customer of the demo's SWiP orders: a loyalty
// member who pays in the app, or takes the discount and pays at the till.
func demoCustomer(sim *sims.Server) func(provider, reference string, atTill bool) error {
	return func(provider, reference string, atTill bool) error {
		if provider != "swip" {
			return fmt.Errorf("the demo has no customer app for %s", provider)
		}
		if atTill {
			return sim.SWiP.Identify(reference, swipsim.DefaultMembers[0])
		}
		return sim.SWiP.Pay(reference, swipsim.DefaultMembers[0])
	}
}

// redeemer is the configured pass provider, if any.
func redeemer(cfg config.Config) (providers.Redeemer, error) {
	c := cfg.Pass2U
	if c.Account == "" {
		return nil, nil
	}
	client, err := pass2u.New(pass2u.Config{BaseURL: c.BaseURL, APIKey: c.APIKey, Account: c.Account, Timeout: c.RequestTimeout})
	if err != nil {
		return nil, fmt.Errorf("providers.pass2u: %w", err)
	}
	return client.Redeemer(), nil
}

// ticketer is the configured e-ticket provider, if any.
func ticketer(cfg config.Config) (providers.Ticketer, error) {
	client, err := ticketClient(cfg)
	if client == nil || err != nil {
		return nil, err
	}
	return client.Ticketer(), nil
}

// ticketClient is the configured TicketBao client; nil without one.
func ticketClient(cfg config.Config) (*ticketbao.Client, error) {
	c := cfg.TicketBao
	if c.APIKey == "" {
		return nil, nil
	}
	client, err := ticketbao.New(ticketbao.Config{BaseURL: c.BaseURL, APIKey: c.APIKey, Timeout: c.RequestTimeout,
		PickupType: ticketbao.PickupType(c.PickupType)})
	if err != nil {
		return nil, fmt.Errorf("providers.ticketbao: %w", err)
	}
	return client, nil
}

// replayable is every provider whose journaled operations the replay
// worker settles.
func replayable(pay map[string]providers.Payments, others ...providers.Provider) map[string]providers.Provider {
	out := make(map[string]providers.Provider, len(pay)+len(others))
	for name, p := range pay {
		out[name] = p
	}
	for _, p := range others {
		if p != nil {
			out[p.Name()] = p
		}
	}
	return out
}
