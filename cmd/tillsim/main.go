// Command tillsim serves every payment provider's simulator, for
// integrators and for tests that run the till against them:
//
//	tillsim [-addr 127.0.0.1:8700] [-currency TWD] [-swip-autopay 5s]
//
// It prints the configuration a till needs to use it, and takes faults on
// its control API (see README, "Simulators"). With -swip-autopay a loyalty
// member pays every SWiP order that long after it is made; otherwise the
// customer's side is played through the control API.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"till/providers/sims"
	"till/providers/swip/swipsim"
	"till/store/money"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8700", "address to listen on")
	currency := flag.String("currency", swipsim.DefaultCurrency, "ISO 4217 `code` of SWiP's amounts: the till's money.currency")
	autoPay := flag.Duration("swip-autopay", 0, "a loyalty member pays every SWiP order this `long` after it is made (0: never)")
	flag.Parse()
	if _, err := money.Lookup(*currency); err != nil {
		fmt.Fprintln(os.Stderr, "tillsim: -currency:", err)
		os.Exit(2)
	}
	swipOpts := []swipsim.Option{swipsim.WithCurrency(*currency)}
	if *autoPay > 0 {
		swipOpts = append(swipOpts, swipsim.WithAutoPay(*autoPay, swipsim.DefaultMembers[0]))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tillsim:", err)
		os.Exit(1)
	}
	base := "http://" + ln.Addr().String()
	fmt.Printf(`tillsim serving on %s

[payments]
wallets = ["wechat", "alipay", "linepay", "ipass", "swip"]

[providers.cancan]
base_url = %q
api_key = %q
[providers.cancan.gateways]
wechat = %q
alipay = %q
linepay = %q

[providers.ipass]
base_url = %q
token = %q
store_id = %q
shop_store_id = "00681"
terminal_id = "SIM00001"
is_test = true

[providers.swip]
base_url = %q
token = %q
merchant_id = %q
store_id = %q
cash_id = "T1"

[providers.pass2u]
base_url = %q
api_key = %q
account = %q

[providers.ticketbao]
base_url = %q
api_key = %q
`, base, sims.CancanURL(base), sims.CancanAPIKey, sims.CancanGateways["wechat"], sims.CancanGateways["alipay"],
		sims.CancanGateways["linepay"], sims.IPassURL(base), sims.IPassToken, sims.IPassStoreID,
		sims.SWiPURL(base), sims.SWiPToken, sims.SWiPMerchant, sims.SWiPStore,
		sims.Pass2UURL(base), sims.Pass2UAPIKey, sims.Pass2UAccount, sims.TicketBaoURL(base), sims.TicketBaoAPIKey)

	srv := &http.Server{Handler: sims.New(swipOpts...), ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdown) //nolint:errcheck // exiting anyway
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "tillsim:", err)
		os.Exit(1)
	}
}
