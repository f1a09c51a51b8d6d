package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/wallet"
	"till/store"
	"till/store/money"
	"till/store/sale"
	"till/store/sanitize"
	"till/ui/qrcode"
)

// walletState follows the one wallet payment in flight.
type walletState struct {
	op        providers.Op
	label     string
	sent      bool // the pending tender is saved and the request has left
	started   time.Time
	ctx       context.Context
	cancel    context.CancelFunc
	cancelled bool
	frame     int
	// showCode is drawn for the customer to scan (SWiP), as qr.
	showCode string
	qr       []string
	// void reverses the payment after a cancel; it is sent once its
	// journal entry is on disk.
	void     *providers.Op
	voidSent bool
}

func (w walletState) active() bool { return w.op.Key != "" }

type walletDoneMsg struct {
	key       string
	out       providers.Outcome
	cancelled bool
}

// walletPendingMsg is a started payment waiting for the customer; it may
// carry a code to show them.
type walletPendingMsg struct {
	key string
	out providers.Outcome
}

type walletVoidMsg struct {
	key string
	out providers.Outcome
}

type walletTickMsg struct{ key string }

// spinnerFrames are plain ASCII so the Linux console draws them.
var spinnerFrames = spinner.Line.Frames

const tickEvery = 125 * time.Millisecond

// enabledWallets are the configured wallets whose provider is wired in.
func (m *Model) enabledWallets() []wallet.Wallet {
	var out []wallet.Wallet
	for _, w := range m.opt.Wallets {
		if _, ok := m.opt.Payments[w.Provider()]; ok {
			out = append(out, w)
		}
	}
	return out
}

// walletForKey maps a number key on the payment screen to its wallet:
// 1 is cash, wallets follow from 2.
func (m *Model) walletForKey(k string) (wallet.Wallet, bool) {
	ws := m.enabledWallets()
	for i, w := range ws {
		if k == fmt.Sprint(i+2) {
			return w, true
		}
	}
	return "", false
}

// walletCode takes a payment code typed or scanned on the payment screen.
func (m *Model) walletCode(code string) tea.Cmd {
	code = strings.TrimSpace(code)
	if code == "" {
		return nil
	}
	if sanitize.Code(code) != code || len(code) > 64 {
		m.setError(m.t("That is not a payment code: ask the customer to show it again"))
		return nil
	}
	var fits []wallet.Wallet
	for _, w := range wallet.Detect(code) {
		for _, e := range m.enabledWallets() {
			if w == e {
				fits = append(fits, w)
			}
		}
	}
	chosen := m.payment.wallet
	switch {
	case chosen != "" && (len(fits) == 0 || contains(fits, chosen)):
		return m.startWallet(chosen, code)
	case chosen != "":
		m.setError(fmt.Sprintf(m.t("That code looks like %s, not %s: choose again or scan again"), fits[0].Label(), chosen.Label()))
		return nil
	case len(fits) == 1:
		return m.startWallet(fits[0], code)
	default:
		m.payment.code = code
		m.payment.mode = payChoose
		names := make([]string, 0, len(fits))
		for _, w := range fits {
			names = append(names, w.Label())
		}
		if len(names) == 0 {
			m.setInfo(m.t("Which wallet is this code from? Press its number"))
		} else {
			m.setInfo(fmt.Sprintf(m.t("This code could be %s: press its number"), strings.Join(names, m.t(" or "))))
		}
		return nil
	}
}

func contains(ws []wallet.Wallet, w wallet.Wallet) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// startWallet records the payment as pending and saves it; the request
// leaves only once that save has landed (see onSaved).
func (m *Model) startWallet(w wallet.Wallet, code string) tea.Cmd {
	t, err := m.totals(m.sale)
	if err != nil {
		m.setError(m.errText(err))
		return nil
	}
	now := m.opt.Now()
	op := providers.Op{
		Provider: w.Provider(), Kind: providers.KindPay, Key: m.opt.NewID(), SaleID: m.sale.ID,
		Wallet: string(w), Amount: t.Due, Currency: m.opt.Currency.Code, PaymentCode: code,
		NonDiscountable: min(nonDiscountable(m.sale), t.Due),
		Description:     fmt.Sprintf("%s sale %s", m.opt.StoreName, shortID(m.sale.ID)), // for the provider: not translated
		Items:           items(m.sale),
		Created:         now,
	}
	op.OrderNumber = op.Key
	if _, err := m.sale.StartTender(m.opt.Tax, w.Label(), op.Provider, op.Wallet, op.Key, op.Amount, now); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	m.journalAppend(op, false, store.OpSent)
	m.wallet = walletState{op: op, label: w.Label(), started: now}
	m.payment.mode = payWalletBusy
	m.payment.code = ""
	m.payment.input.Reset()
	m.payment.input.Blur()
	m.setInfo(fmt.Sprintf(m.t("%s %s: sending…"), w.Label(), m.opt.Currency.Format(op.Amount)))
	return tea.Batch(m.changed(), m.tick())
}

// items is the sale's cart as a provider sees it.
func items(s *sale.Sale) []providers.Item {
	var out []providers.Item
	for _, l := range s.ActiveLines() {
		out = append(out, providers.Item{SKU: l.SKU, Name: l.Name, Qty: l.Qty, Weighed: l.Weighed,
			UnitPrice: l.UnitPrice, Amount: l.Amount()})
	}
	return out
}

// nonDiscountable is what the sale's non-discountable lines come to.
func nonDiscountable(s *sale.Sale) money.Amount {
	var a money.Amount
	for _, l := range s.ActiveLines() {
		if l.NonDiscountable {
			a += l.Amount()
		}
	}
	return a
}

// sendWallet fires the payment once its pending tender is on disk, and
// likewise a void once its journal entry is.
func (m *Model) sendWallet() tea.Cmd {
	if m.wallet.void != nil && !m.wallet.voidSent {
		m.wallet.voidSent = true
		ctx, cancel := context.WithTimeout(context.Background(), m.opt.PayTimeout)
		m.wallet.cancel = cancel
		return voidCmd(ctx, m.opt.Payments[m.wallet.void.Provider], *m.wallet.void)
	}
	if !m.wallet.active() || m.wallet.sent || m.shown == nil {
		return nil
	}
	for _, t := range m.shown.Tenders {
		if t.Key != m.wallet.op.Key {
			continue
		}
		m.wallet.sent = true
		if m.wallet.cancelled {
			return m.settleWallet(providers.Outcome{Status: providers.Declined, Reason: m.t("Cancelled before it was sent")}, "")
		}
		ctx, cancel := context.WithTimeout(context.Background(), m.opt.PayTimeout)
		m.wallet.ctx, m.wallet.cancel = ctx, cancel
		m.setInfo(fmt.Sprintf(m.t("%s %s: waiting for the customer's wallet…"), m.wallet.label, m.opt.Currency.Format(m.wallet.op.Amount)))
		return payCmd(ctx, m.opt.Payments[m.wallet.op.Provider], m.wallet.op)
	}
	return nil
}

// payCmd starts a payment. One that waits for the customer says so
// (walletPendingMsg) and is followed by followCmd; an unknown answer is
// looked up before anything is said to the clerk.
func payCmd(ctx context.Context, p providers.Payments, op providers.Op) tea.Cmd {
	return func() tea.Msg {
		out := p.Pay(ctx, op)
		if out.Status == providers.Pending {
			return walletPendingMsg{key: op.Key, out: out}
		}
		return finish(ctx, p, op, out)
	}
}

func followCmd(ctx context.Context, p providers.Payments, op providers.Op) tea.Cmd {
	return func() tea.Msg { return finish(ctx, p, op, p.Follow(ctx, op)) }
}

func finish(ctx context.Context, p providers.Payments, op providers.Op, out providers.Outcome) walletDoneMsg {
	if out.Status == providers.Unknown && ctx.Err() == nil {
		out = resolve(ctx, p, op, out)
	}
	return walletDoneMsg{key: op.Key, out: out, cancelled: errors.Is(ctx.Err(), context.Canceled)}
}

// onWalletPending shows the customer's code, if any, and follows the
// payment.
func (m *Model) onWalletPending(msg walletPendingMsg) tea.Cmd {
	if !m.wallet.active() || msg.key != m.wallet.op.Key || m.sale == nil {
		return nil
	}
	if code := msg.out.ShowCode; code != "" && code != m.wallet.showCode {
		m.wallet.showCode = code
		qr, err := qrcode.Render(code)
		if err != nil {
			// A code no QR can hold: the follow ends in the provider's
			// own time-out, and the clerk may cancel.
			m.setError(fmt.Sprintf(m.t("The payment's code cannot be drawn: %s. Press esc to cancel"), m.errText(err)))
		} else {
			m.wallet.qr = qr
			m.setInfo(fmt.Sprintf(m.t("%s %s: the customer scans the QR code with the %s app"), m.wallet.label,
				m.opt.Currency.Format(m.wallet.op.Amount), m.wallet.label))
		}
	}
	return followCmd(m.wallet.ctx, m.opt.Payments[m.wallet.op.Provider], m.wallet.op)
}

// resolve looks an operation up, following it if it is still pending.
func resolve(ctx context.Context, p providers.Payments, op providers.Op, last providers.Outcome) providers.Outcome {
	lookup := op
	lookup.Kind, lookup.Target, lookup.TargetKind = providers.KindLookup, op.Key, op.Kind
	out := p.Lookup(ctx, lookup)
	if out.Status == providers.Pending {
		out = p.Follow(ctx, op)
	}
	if out.Status == providers.Unknown && out.Reason == "" {
		out.Reason = last.Reason
	}
	return out
}

func voidCmd(ctx context.Context, p providers.Payments, op providers.Op) tea.Cmd {
	return func() tea.Msg {
		return walletVoidMsg{key: op.Target, out: p.Void(ctx, op)}
	}
}

func (m *Model) onWalletDone(msg walletDoneMsg) tea.Cmd {
	if !m.wallet.active() || msg.key != m.wallet.op.Key || m.sale == nil {
		return nil
	}
	if m.wallet.cancel != nil {
		m.wallet.cancel()
	}
	out := msg.out
	if msg.cancelled && !out.Settled() {
		// The clerk cancelled while the wallet had not answered: reverse
		// it, so the payment ends paid or reversed, never hanging.
		m.setInfo(m.t("Cancelling the payment…"))
		void := providers.Op{
			Provider: m.wallet.op.Provider, Kind: providers.KindVoid, Key: m.opt.NewID(), SaleID: m.sale.ID,
			Wallet: m.wallet.op.Wallet, Amount: m.wallet.op.Amount, Currency: m.wallet.op.Currency,
			Target: m.wallet.op.Key, Created: m.opt.Now(),
		}
		m.journalAppend(void, true, store.OpSent)
		m.wallet.void = &void
		return m.changed()
	}
	return m.settleWallet(out, "")
}

func (m *Model) onWalletVoid(msg walletVoidMsg) tea.Cmd {
	if !m.wallet.active() || msg.key != m.wallet.op.Key || m.sale == nil {
		return nil
	}
	if m.wallet.cancel != nil {
		m.wallet.cancel()
	}
	m.journalSettle(m.wallet.void.Key, msg.out)
	if msg.out.Status == providers.Approved {
		return m.settleWallet(providers.Outcome{Status: providers.Declined, Reason: m.t("Cancelled by the clerk and reversed")}, sale.TenderVoided)
	}
	reason := m.t("The payment could not be cancelled yet; the till keeps trying (F7 looks it up)")
	if msg.out.Reason != "" {
		reason += ": " + msg.out.Reason
	}
	return m.settleWallet(providers.Outcome{Status: providers.Unknown, Retryable: true, Reason: reason}, "")
}

// settleWallet writes the payment's outcome into the sale and tells the
// clerk in plain words. status overrides the tender status the outcome
// gives (a voided payment's own outcome was approved).
func (m *Model) settleWallet(out providers.Outcome, status string) tea.Cmd {
	op, label := m.wallet.op, m.wallet.label
	m.journalSettle(op.Key, out)
	if status == "" {
		status = map[providers.Status]string{
			providers.Approved: sale.TenderApproved, providers.Declined: sale.TenderDeclined,
			providers.Unknown: sale.TenderUnknown, providers.Pending: sale.TenderUnknown,
		}[out.Status]
	}
	m.wallet = walletState{}
	m.payment.wallet = ""
	m.payment.mode = payChoose
	reason := sanitize.Text(out.Reason)
	// The discount goes on while the payment does not count yet: it is
	// bounded by what is due.
	discounted, discountErr := m.loyalty(op, label, status, out)
	if err := m.sale.SettleTender(op.Key, status, sanitize.Text(out.Reference), reason); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	switch {
	case discountErr != nil:
		m.setError(m.errText(discountErr))
		return m.changed()
	case discounted:
		return m.changed()
	}
	amount := m.opt.Currency.Format(op.Amount)
	switch status {
	case sale.TenderApproved:
		m.setSuccess(fmt.Sprintf(m.t("%s %s approved"), label, amount))
	case sale.TenderVoided:
		m.setInfo(fmt.Sprintf(m.t("%s %s cancelled and reversed"), label, amount))
	case sale.TenderDeclined:
		m.setError(fmt.Sprintf(m.t("%s declined: %s"), label, orDefault(reason, m.t("no reason given"))))
	default:
		m.setError(fmt.Sprintf(m.t("%s %s: outcome unknown. %s"), label, amount,
			orDefault(reason, m.t("Do not take another payment until it is checked (F7 looks it up again)"))))
	}
	return m.changed()
}

// journalAppend records op, to be committed with the sale that carries
// its tender: on disk before the request leaves the till. A sent op is
// sent by the screen; a queued one is left to the replay worker.
func (m *Model) journalAppend(op providers.Op, deferrable bool, state store.OpState) {
	m.journal = append(m.journal, journalEntry(op, deferrable, state))
}

// journalEntry is op as the journal keeps it.
func journalEntry(op providers.Op, deferrable bool, state store.OpState) store.JournalChange {
	raw, _ := json.Marshal(op) // a plain struct: cannot fail
	return store.JournalChange{Append: &store.JournalEntry{
		Provider: op.Provider, Kind: string(op.Kind), Key: op.Key, SaleID: op.SaleID,
		Deferrable: deferrable, State: state, Op: raw, Created: op.Created,
	}}
}

// journalSettle records an operation's outcome with the sale's next save.
func (m *Model) journalSettle(key string, out providers.Outcome) {
	state := map[providers.Status]store.OpState{
		providers.Approved: store.OpDone, providers.Declined: store.OpDone,
		providers.Pending: store.OpUnknown, providers.Unknown: store.OpUnknown,
	}[out.Status]
	if out.Status == providers.Unknown && !out.Retryable {
		state = store.OpReview // no look-up can settle it: a person must
	}
	raw, _ := json.Marshal(out)
	m.journal = append(m.journal, store.JournalChange{Key: key, Update: func(e *store.JournalEntry) error {
		e.State, e.Outcome = state, raw
		e.Attempts++
		if !out.Settled() {
			e.LastError = out.Reason
		}
		return nil
	}})
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lookupUnknown asks the provider again about the sale's unknown tenders.
func (m *Model) lookupUnknown() tea.Cmd {
	if m.sale == nil || m.wallet.active() {
		return nil
	}
	for _, t := range m.sale.Unsettled() {
		p, ok := m.opt.Payments[t.Provider]
		if !ok {
			continue
		}
		op := providers.Op{Provider: t.Provider, Kind: providers.KindPay, Key: t.Key, SaleID: m.sale.ID,
			Wallet: t.Wallet, Amount: t.Amount, Currency: m.sale.Currency, Created: t.At}
		m.wallet = walletState{op: op, label: t.Method, sent: true, started: m.opt.Now()}
		ctx, cancel := context.WithTimeout(context.Background(), m.opt.PayTimeout)
		m.wallet.cancel = cancel
		m.payment.mode = payWalletBusy
		m.setInfo(fmt.Sprintf(m.t("Looking up the %s payment…"), t.Method))
		return tea.Batch(func() tea.Msg {
			return walletDoneMsg{key: op.Key, out: resolve(ctx, p, op, providers.Outcome{Reason: t.Reason})}
		}, m.tick())
	}
	return nil
}

func (m *Model) cancelWallet() {
	if !m.wallet.active() || m.wallet.cancelled {
		return
	}
	m.wallet.cancelled = true
	m.setInfo(m.t("Cancelling…"))
	if m.wallet.cancel != nil {
		m.wallet.cancel()
	}
}

func (m *Model) tick() tea.Cmd {
	key := m.wallet.op.Key
	return m.opt.Tick(tickEvery, func(time.Time) tea.Msg { return walletTickMsg{key: key} })
}

func (m *Model) onWalletTick(msg walletTickMsg) tea.Cmd {
	if !m.wallet.active() || msg.key != m.wallet.op.Key {
		return nil
	}
	m.wallet.frame++
	return m.tick()
}

// walletProgress is the busy line: spinner, wallet, amount, elapsed time.
func (m *Model) walletProgress() string {
	w := m.wallet
	elapsed := m.opt.Now().Sub(w.started).Truncate(time.Second)
	what := m.t("waiting for the wallet")
	switch {
	case w.showCode != "" && !w.cancelled:
		what = m.t("waiting for the customer to pay")
	case w.cancelled:
		what = m.t("cancelling")
	case !w.sent:
		what = m.t("saving")
	}
	return fmt.Sprintf("%s %s %s: %s  %s", spinnerFrames[w.frame%len(spinnerFrames)], w.label,
		m.opt.Currency.Format(w.op.Amount), what, elapsed)
}

// onOperation applies an operation the replay worker settled to the open
// sale: a payment found by a look-up, or a void that reversed one. A
// payment's loyalty discount goes on as when the screen follows it.
func (m *Model) onOperation(msg OperationMsg) tea.Cmd {
	if m.sale == nil || m.sale.ID != msg.SaleID {
		return nil
	}
	key, status := msg.Key, ""
	switch providers.Kind(msg.Kind) {
	case providers.KindPay:
		if m.wallet.active() && m.wallet.op.Key == key {
			return nil // the screen is following this payment itself
		}
		status = map[string]string{string(providers.Approved): sale.TenderApproved,
			string(providers.Declined): sale.TenderDeclined}[msg.Status]
		if t, ok := m.tender(key); ok && t.Status == sale.TenderSetAside && status == sale.TenderApproved {
			// What it took, after a loyalty discount, is what goes back.
			if msg.Amount > 0 && msg.Amount < t.Amount {
				if err := m.sale.TakeLess(key, msg.Amount); err != nil {
					m.setError(m.errText(err))
					return nil
				}
				t.Amount = msg.Amount
			}
			return m.reverse(t)
		}
	case providers.KindVoid:
		if msg.Status == string(providers.Approved) {
			key, status = msg.Target, sale.TenderVoided
		}
	}
	if status == "" {
		return nil
	}
	for _, t := range m.sale.Tenders {
		open := t.Status == sale.TenderPending || t.Status == sale.TenderUnknown ||
			t.Status == sale.TenderSetAside || t.Status == sale.TenderReversing
		// A payment the clerk cancelled reads as declined to a look-up
		// after a crash; the void that reversed it is the truer word.
		if t.Key == key && (open || status == sale.TenderVoided && t.Status == sale.TenderDeclined) {
			told, discountErr := false, error(nil)
			if providers.Kind(msg.Kind) == providers.KindPay {
				op := providers.Op{Provider: t.Provider, Key: t.Key, Amount: t.Amount}
				out := providers.Outcome{Status: providers.Status(msg.Status), Code: msg.Code, Amount: msg.Amount, Discount: msg.Discount}
				told, discountErr = m.loyalty(op, t.Method, status, out)
			}
			if err := m.sale.SettleTender(key, status, sanitize.Text(msg.Reference), sanitize.Text(msg.Reason)); err != nil {
				m.setError(m.errText(err))
				return nil
			}
			switch {
			case discountErr != nil:
				m.setError(m.errText(discountErr))
			case !told:
				m.setInfo(fmt.Sprintf("%s %s: %s", t.Method, m.opt.Currency.Format(t.Amount), m.t(status)))
			}
			return m.changed()
		}
	}
	return nil
}

func (m *Model) tender(key string) (sale.Tender, bool) {
	for _, t := range m.sale.Tenders {
		if t.Key == key {
			return t, true
		}
	}
	return sale.Tender{}, false
}

// reverse voids a set-aside payment that turned out approved: the sale
// was already paid another way. The replay worker sends the void.
func (m *Model) reverse(t sale.Tender) tea.Cmd {
	void := providers.Op{Provider: t.Provider, Kind: providers.KindVoid, Key: m.opt.NewID(), SaleID: m.sale.ID,
		Wallet: t.Wallet, Amount: t.Amount, Currency: m.sale.Currency, Target: t.Key, Created: m.opt.Now()}
	if err := m.sale.SettleTender(t.Key, sale.TenderReversing, "", m.t("went through after it was set aside: being reversed")); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	m.journalAppend(void, true, store.OpQueued)
	m.setInfo(fmt.Sprintf(m.t("%s %s went through after all: reversing it"), t.Method, m.opt.Currency.Format(t.Amount)))
	return m.changed()
}
