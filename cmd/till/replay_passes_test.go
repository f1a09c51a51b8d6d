package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"till/providers"
	"till/providers/ticketbao/ticketbaosim"
	"till/store"
	"till/store/sale"
)

// ticketSaleDB is a database holding one completed sale of two museum
// tickets, paid in cash, whose ticket order is journaled in state with
// outcome out (nil: none yet); and a configuration with TicketBao at base.
func ticketSaleDB(t *testing.T, base string, state store.OpState, out *providers.Outcome) (cfg, db string, s *sale.Sale) {
	t.Helper()
	dir := t.TempDir()
	cfg = tillConfig(t, dir, ticketBaoTOML(base))
	tax := fixtureTax
	museum := sale.Item{SKU: "MUSEUM", Name: "Museum", Price: 25000, TaxClass: "standard", TicketSaleID: ticketbaosim.ProductAdult}
	now := time.Now()
	s = sale.New("sale-tickets-2", "TWD", now)
	op := providers.Op{Provider: "ticketbao", Kind: providers.KindTickets, Key: "tickets-1", SaleID: s.ID,
		Tickets: &providers.TicketRequest{Product: museum.TicketSaleID, Qty: 2}, Created: now}
	raw, _ := json.Marshal(op)
	entry := store.JournalEntry{Provider: op.Provider, Kind: string(op.Kind), Key: op.Key, SaleID: s.ID, Deferrable: true,
		State: state, Op: raw, Created: now}
	if out != nil {
		entry.Outcome, _ = json.Marshal(out)
	}
	must(t, second(s.Add(museum, "MUSEUM", museum.Price, 2)))
	must(t, second(s.PayCash(tax, 50000, now)))
	must(t, s.Settle(tax))
	must(t, s.IssueTickets(op.Provider, op.Key, now))
	return cfg, completedDB(t, dir, s, store.JournalChange{Append: &entry}), s
}

func second[T any](_ T, err error) error { return err }

// completedTickets is the tickets of the one sale in db.
func completedTickets(t *testing.T, db string) *sale.Tickets {
	t.Helper()
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.SaleByNumber(1)
	if err != nil {
		t.Fatal(err)
	}
	return s.Tickets
}

// `till replay` issues the e-tickets of a completed sale: TicketBao is
// one of the providers it replays to (it was not).
func TestReplayIssuesQueuedTickets(t *testing.T) {
	isolate(t)
	srv, url := simsOn(t)
	cfg, db, s := ticketSaleDB(t, url, store.OpQueued, nil)

	if code, out, errOut := runTill(t, "--config", cfg, "--db", db, "replay"); code != 0 || !strings.Contains(out, "1 done") {
		t.Fatalf("till replay: exit %d\n%s%s", code, out, errOut)
	}
	o, ok := srv.TicketBao.OrderFor(s.ID)
	tk := completedTickets(t, db)
	if !ok || len(srv.TicketBao.Orders()) != 1 || tk.Status != sale.TenderApproved || tk.Order != o.Pass2UOrderID ||
		len(tk.Vouchers) != 2 || tk.Vouchers[1].Barcode != o.Vouchers[1].BarcodeMessage {
		t.Errorf("tickets %+v; TicketBao holds %+v", tk, srv.TicketBao.Orders())
	}
}

// The worker commits an outcome before it writes it into the completed
// sale: killed in between, the till writes it when it starts again,
// without asking TicketBao, and never over what the sale learnt since.
func TestReplayCatchesUpTicketsSettledBeforeACrash(t *testing.T) {
	isolate(t)
	srv, url := simsOn(t)
	issued := &providers.TicketOrder{Order: "TB000000000042", Vouchers: []providers.TicketVoucher{
		{Barcode: "000042001", Status: "notPickedup"}, {Barcode: "000042002", Status: "notPickedup"}}}
	cfg, db, _ := ticketSaleDB(t, url, store.OpDone, &providers.Outcome{Status: providers.Approved, Reference: issued.Order, Tickets: issued})

	if code, out, errOut := runTill(t, "--config", cfg, "--db", db, "replay"); code != 0 || errOut != "" {
		t.Fatalf("till replay: exit %d\n%s%s", code, out, errOut)
	}
	tk := completedTickets(t, db)
	if tk.Status != sale.TenderApproved || tk.Order != issued.Order || len(tk.Vouchers) != 2 || tk.Vouchers[1].Barcode != "000042002" {
		t.Fatalf("tickets %+v, want order %s's vouchers", tk, issued.Order)
	}
	if n := len(srv.TicketBao.Ledger()); n != 0 {
		t.Errorf("TicketBao was sent %d requests", n)
	}

	// A refund seen since (till tickets) stays.
	st, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	refunded := *tk
	refunded.Vouchers = slices.Clone(tk.Vouchers)
	refunded.Vouchers[0].Status = "refunded"
	if _, err := st.UpdateSale(1, func(s *sale.Sale) error { return s.RecordTickets(refunded) }); err != nil {
		t.Fatal(err)
	}
	st.Close()
	runTill(t, "--config", cfg, "--db", db, "replay")
	if tk := completedTickets(t, db); tk.Vouchers[0].Status != "refunded" {
		t.Errorf("the refunded voucher is %q again", tk.Vouchers[0].Status)
	}
}

// The same catch-up for a refund left pending and a set-aside payment
// found approved, whose reversal is queued once however often the till
// starts; an operation a manager resolved by hand is left alone.
func TestCatchUpRefundAndReversalAfterACrash(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tax := sale.TaxRules{Mode: sale.TaxInclusive, Rates: map[string]int64{"standard": 500}}
	now := time.Now()
	approved, _ := json.Marshal(providers.Outcome{Status: providers.Approved, Reference: "ref"})
	done := func(kind, key, saleID, by string) store.JournalChange {
		return store.JournalChange{Append: &store.JournalEntry{Provider: "cancan", Kind: kind, Key: key, SaleID: saleID,
			State: store.OpDone, Outcome: approved, ResolvedBy: by, Op: []byte(`{}`)}}
	}
	// Sale 1 was paid by WeChat and refunded in part; sale 2 paid in cash
	// after its WeChat payment was set aside; sale 3 as 1, resolved by hand.
	for i, id := range []string{"s1", "s2", "s3"} {
		s := sale.New(id, "TWD", now)
		pay := "pay-" + id
		must(t, second(s.Add(sale.Item{SKU: "A", Name: "A", Price: 1000, TaxClass: "standard"}, "A", 1000, 1)))
		must(t, second(s.StartTender(tax, "WeChat Pay", "cancan", "wechat", pay, 1000, now)))
		if id == "s2" {
			must(t, s.SettleTender(pay, sale.TenderUnknown, "", "no answer"))
			must(t, s.SetAside(pay))
			must(t, second(s.PayCash(tax, 1000, now)))
			must(t, second(db.CompleteSale(s, now, done("pay", pay, id, ""))))
			continue
		}
		must(t, s.SettleTender(pay, sale.TenderApproved, "ref", ""))
		must(t, second(db.CompleteSale(s, now)))
		must(t, second(db.UpdateSale(uint64(i+1), func(s *sale.Sale) error {
			_, err := s.Adjust(sale.AdjustRefund, pay, "refund-"+id, 500, now)
			return err
		}, done("refund", "refund-"+id, id, map[string]string{"s3": "manager"}[id]))))
	}
	for range 2 {
		if err := catchUp(db); err != nil {
			t.Fatal(err)
		}
	}
	s1, _ := db.SaleByNumber(1)
	s2, _ := db.SaleByNumber(2)
	s3, _ := db.SaleByNumber(3)
	queued, _ := db.Journal(store.OpQueued)
	if s1.Adjustments[0].Status != sale.TenderApproved || s1.Adjustments[0].Reference != "ref" {
		t.Errorf("the refund is %+v, want approved", s1.Adjustments[0])
	}
	if s2.Tenders[0].Status != sale.TenderReversing || len(queued) != 1 || queued[0].Kind != "void" || queued[0].SaleID != "s2" {
		t.Errorf("the set-aside payment is %s, queued %s; want it reversing, one void queued", s2.Tenders[0].Status, journalText(queued))
	}
	if s3.Adjustments[0].Status != sale.TenderPending {
		t.Errorf("the refund resolved by hand is %s, want it left pending", s3.Adjustments[0].Status)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// A redeem an earlier run left unanswered is told to the screen as
// unknown, so its coupon can be voided; one this run has in flight, or
// any other operation, is not.
func TestUnansweredPassesAfterACrash(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "till.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	add := func(kind, key string, state store.OpState) {
		t.Helper()
		must(t, second(db.JournalAppend(store.JournalEntry{Provider: "pass2u", Kind: kind, Key: key, SaleID: "s1", State: state, Op: []byte(`{}`)})))
	}
	add("redeem", "left-sent", store.OpSent)
	add("redeem", "left-unknown", store.OpUnknown)
	add("redeem", "answered", store.OpDone)
	add("unredeem", "queued", store.OpQueued)
	start := time.Now()
	time.Sleep(time.Millisecond)
	add("redeem", "in-flight", store.OpSent)

	msgs, err := unanswered(db, start)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range msgs {
		if m.Status != string(providers.Unknown) || m.SaleID != "s1" || m.Kind != "redeem" {
			t.Errorf("message %+v", m)
		}
		keys = append(keys, m.Key)
	}
	if !slices.Equal(keys, []string{"left-sent", "left-unknown"}) {
		t.Errorf("told of %v, want the redeems left sent or unknown", keys)
	}
}
