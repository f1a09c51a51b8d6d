// Package sims serves every provider simulator behind one handler, with a
// small control API for faults, for the demo till (in-process, on
// loopback) and for cmd/tillsim (standalone, for integrators).
//
//	/cancan/api/v2/...            the CANCAN gateway
//	/ipass/v1/payment/ipass/...   iPASS offline pay
//	/swip/orders, /swip/refunds, ...  SWiP POS API v3
//	/pass2u/models/...            Pass2U Checkout
//	/ticketbao/api/v1/public/product/...  Pass2U TicketBao
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
	"till/providers/pass2u/pass2usim"
	"till/providers/simfault"
	"till/providers/swip/swipsim"
	"till/providers/ticketbao/ticketbaosim"
)

// Credentials the simulators accept. They are test values, not secrets.
const (
	CancanAPIKey    = cancansim.DefaultAPIKey
	IPassToken      = "ipass-sim-token"
	IPassStoreID    = "SIM001"
	SWiPToken       = swipsim.DefaultToken
	SWiPMerchant    = swipsim.DefaultMerchantID
	SWiPStore       = "SIM-STORE-1"
	Pass2UAPIKey    = pass2usim.DefaultAPIKey
	Pass2UAccount   = pass2usim.DefaultAccount
	TicketBaoAPIKey = ticketbaosim.DefaultAPIKey
)

// CancanGateways maps the till's wallets to the simulator's gateway codes.
var CancanGateways = map[string]string{
	"wechat":  "wechatpay_domestic",
	"alipay":  "alipay_domestic",
	"linepay": "linepay_th_domestic",
}

// Server holds one simulator per provider.
type Server struct {
	Cancan    *cancansim.Sim
	IPass     *ipasssim.Sim
	SWiP      *swipsim.Sim
	Pass2U    *pass2usim.Sim
	TicketBao *ticketbaosim.Sim
	mux       *http.ServeMux
}

// New builds the simulators and their routes. swip adds options to the
// SWiP simulator (an automatic payment, say).
func New(swip ...swipsim.Option) *Server {
	s := &Server{
		Cancan: cancansim.New(cancansim.WithAPIKey(CancanAPIKey)),
		IPass:  ipasssim.New(ipasssim.WithToken(IPassToken), ipasssim.WithStore(IPassStoreID)),
		SWiP: swipsim.New(append([]swipsim.Option{swipsim.WithToken(SWiPToken), swipsim.WithMerchant(SWiPMerchant),
			swipsim.WithStores(SWiPStore)}, swip...)...),
		Pass2U:    pass2usim.New(pass2usim.WithAPIKey(Pass2UAPIKey), pass2usim.WithAccount(Pass2UAccount)),
		TicketBao: ticketbaosim.New(ticketbaosim.WithAPIKey(TicketBaoAPIKey)),
		mux:       http.NewServeMux(),
	}
	s.mux.Handle("/cancan/", http.StripPrefix("/cancan", s.Cancan))
	s.mux.Handle("/ipass/", http.StripPrefix("/ipass", s.IPass))
	s.mux.Handle("/swip/", http.StripPrefix("/swip", s.SWiP))
	s.mux.Handle("/pass2u/", http.StripPrefix("/pass2u", s.Pass2U))
	s.mux.Handle("/ticketbao/", http.StripPrefix("/ticketbao", s.TicketBao))
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
func Pass2UURL(base string) string { return base + "/pass2u" }
func TicketBaoURL(base string) string {
	return base + "/ticketbao" + ticketbaosim.DefaultBasePath
}

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

// faulty is a simulator on the shared fault package.
type faulty interface {
	SetFault(simfault.Fault)
	Fault() simfault.Fault
}

// faulty is the simulator named in a control path; iPASS keeps faults
// of its own.
func (s *Server) faulty(name string) (faulty, bool) {
	switch name {
	case "cancan":
		return s.Cancan, true
	case "swip":
		return s.SWiP, true
	case "pass2u":
		return s.Pass2U, true
	case "ticketbao":
		return s.TicketBao, true
	}
	return nil, false
}

func (s *Server) setFault(w http.ResponseWriter, r *http.Request) {
	var f faultJSON
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		http.Error(w, "bad fault: "+err.Error(), http.StatusBadRequest)
		return
	}
	fault := simfault.Fault{Down: f.Down, Slow: time.Duration(f.SlowMS) * time.Millisecond, Status500: f.Status500,
		Status500After: f.Status500After, RateLimit: f.RateLimit, RetryAfter: time.Duration(f.RetryAfterMS) * time.Millisecond,
		DropAnswer: f.DropAnswer}
	name := r.PathValue("provider")
	if sim, ok := s.faulty(name); ok {
		sim.SetFault(fault)
	} else if name == "ipass" {
		s.IPass.SetFault(ipasssim.Fault{Down: fault.Down, Slow: fault.Slow, Status500: fault.Status500,
			RateLimit: fault.RateLimit, RetryAfter: fault.RetryAfter, DropAnswer: fault.DropAnswer})
	} else {
		http.NotFound(w, r)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getFault(w http.ResponseWriter, r *http.Request) {
	sim, ok := s.faulty(r.PathValue("provider"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	f := sim.Fault()
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
	case "pass2u":
		writeJSON(w, s.Pass2U.Ledger())
	case "ticketbao":
		writeJSON(w, s.TicketBao.Ledger())
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
