// Package sims serves every provider simulator behind one handler, with a
// small control API for faults, for the demo till (in-process, on
// loopback) and for cmd/tillsim (standalone, for integrators).
//
//	/cancan/api/v2/...            the CANCAN gateway
//	/ipass/v1/payment/ipass/...   iPASS offline pay
//	/swip/orders, /swip/refunds, ...  SWiP POS API v3
//	/_control/swip/app/...        the SWiP customer's side: pay, pay at
//	                              the till, decline (see swipsim.Control)
//	POST /_control/{provider}/fault   set faults (JSON, see faultJSON)
//	GET  /_control/{provider}/fault   faults left
//	GET  /_control/{provider}/ledger  every transaction the simulator holds
package sims

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"till/providers/cancan/cancansim"
	"till/providers/ipass/ipasssim"
	"till/providers/simfault"
	"till/providers/swip/swipsim"
)

// Credentials the simulators accept. They are test values, not secrets.
const (
	CancanAPIKey = cancansim.DefaultAPIKey
	IPassToken   = "ipass-sim-token"
	IPassStoreID = "SIM001"
	SWiPToken    = swipsim.DefaultToken
	SWiPMerchant = swipsim.DefaultMerchantID
	SWiPStore    = "SIM-STORE-1"
)

// CancanGateways maps the till's wallets to the simulator's gateway codes.
var CancanGateways = map[string]string{
	"wechat":  "wechatpay_domestic",
	"alipay":  "alipay_domestic",
	"linepay": "linepay_th_domestic",
}

// Server holds one simulator per provider.
type Server struct {
	Cancan *cancansim.Sim
	IPass  *ipasssim.Sim
	SWiP   *swipsim.Sim
	mux    *http.ServeMux
}

// New builds the simulators and their routes. swip adds options to the
// SWiP simulator (an automatic payment, say).
func New(swip ...swipsim.Option) *Server {
	s := &Server{
		Cancan: cancansim.New(cancansim.WithAPIKey(CancanAPIKey)),
		IPass:  ipasssim.New(ipasssim.WithToken(IPassToken), ipasssim.WithStore(IPassStoreID)),
		SWiP: swipsim.New(append([]swipsim.Option{swipsim.WithToken(SWiPToken), swipsim.WithMerchant(SWiPMerchant),
			swipsim.WithStores(SWiPStore)}, swip...)...),
		mux: http.NewServeMux(),
	}
	s.mux.Handle("/cancan/", http.StripPrefix("/cancan", s.Cancan))
	s.mux.Handle("/ipass/", http.StripPrefix("/ipass", s.IPass))
	s.mux.Handle("/swip/", http.StripPrefix("/swip", s.SWiP))
	s.mux.Handle("/_control/swip/app/", http.StripPrefix("/_control/swip/app", s.SWiP.Control()))
	s.mux.HandleFunc("POST /_control/{provider}/fault", s.setFault)
	s.mux.HandleFunc("GET /_control/{provider}/fault", s.getFault)
	s.mux.HandleFunc("GET /_control/{provider}/ledger", s.ledger)
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// CancanURL and IPassURL are the base URLs a till configures, given the
// server's own base (e.g. "http://127.0.0.1:8700").
func CancanURL(base string) string { return base + "/cancan" + cancansim.DefaultBasePath + "/" }
func IPassURL(base string) string  { return base + "/ipass" }
func SWiPURL(base string) string   { return base + "/swip" }

// faultJSON is the control API's fault: durations in milliseconds.
type faultJSON struct {
	Down           bool  `json:"down"`
	SlowMS         int64 `json:"slow_ms"`
	Status500      int   `json:"status_500"`
	Status500After int   `json:"status_500_after,omitempty"` // CANCAN and SWiP
	RateLimit      int   `json:"rate_limit"`
	RetryAfterMS   int64 `json:"retry_after_ms"`
	DropAnswer     int   `json:"drop_answer"`
}

func (s *Server) setFault(w http.ResponseWriter, r *http.Request) {
	var f faultJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		http.Error(w, "bad fault: "+err.Error(), http.StatusBadRequest)
		return
	}
	slow, after := time.Duration(f.SlowMS)*time.Millisecond, time.Duration(f.RetryAfterMS)*time.Millisecond
	switch r.PathValue("provider") {
	case "cancan":
		s.Cancan.SetFault(cancansim.Fault{Down: f.Down, Slow: slow, Status500: f.Status500, Status500After: f.Status500After,
			RateLimit: f.RateLimit, RetryAfter: after, DropAnswer: f.DropAnswer})
	case "ipass":
		s.IPass.SetFault(ipasssim.Fault{Down: f.Down, Slow: slow, Status500: f.Status500,
			RateLimit: f.RateLimit, RetryAfter: after, DropAnswer: f.DropAnswer})
	case "swip":
		s.SWiP.SetFault(swipsim.Fault{Down: f.Down, Slow: slow, Status500: f.Status500, Status500After: f.Status500After,
			RateLimit: f.RateLimit, RetryAfter: after, DropAnswer: f.DropAnswer})
	default:
		http.NotFound(w, r)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getFault(w http.ResponseWriter, r *http.Request) {
	var f simfault.Fault
	switch r.PathValue("provider") {
	case "cancan":
		f = s.Cancan.Fault()
	case "swip":
		f = s.SWiP.Fault()
	default:
		http.NotFound(w, r)
		return
	}
	writeJSON(w, faultJSON{Down: f.Down, SlowMS: f.Slow.Milliseconds(), Status500: f.Status500,
		Status500After: f.Status500After, RateLimit: f.RateLimit, RetryAfterMS: f.RetryAfter.Milliseconds(), DropAnswer: f.DropAnswer})
}

func (s *Server) ledger(w http.ResponseWriter, r *http.Request) {
	switch r.PathValue("provider") {
	case "cancan":
		writeJSON(w, s.Cancan.Ledger())
	case "ipass":
		writeJSON(w, s.IPass.Ledger())
	case "swip":
		writeJSON(w, s.SWiP.Ledger())
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	if err := json.NewEncoder(w).Encode(v); err != nil {
		fmt.Fprintln(w, err)
	}
}
