// Package ui is the till's Bubble Tea program: one root model that routes
// between the checkout screens. It does no I/O in Update: the store is
// reached through commands that answer with messages.
package ui

import (
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/providers/wallet"
	"till/store"
	"till/store/barcode"
	"till/store/catalog"
	"till/store/money"
	"till/store/sale"
	"till/store/sanitize"
)

// Store is what the UI needs of the database.
type Store interface {
	// SaveOpenSaleJournal saves the open sale and commits journal changes
	// of provider operations with it, in one transaction.
	SaveOpenSaleJournal(s *sale.Sale, changes ...store.JournalChange) (bool, error)
	// CompleteSale completes the paid sale and commits journal changes
	// (operations that follow it) with it.
	CompleteSale(s *sale.Sale, now time.Time, changes ...store.JournalChange) (*sale.Sale, error)
	LastSale() (*sale.Sale, error)
	// SaleByNumber and UpdateSaleJournal read and change a completed
	// sale (returns), UpdateSaleJournal with the journal changes its fn
	// returns, in one transaction.
	SaleByNumber(n uint64) (*sale.Sale, error)
	UpdateSaleJournal(n uint64, fn func(*sale.Sale) ([]store.JournalChange, error)) (*sale.Sale, error)
}

// Options wire the UI to its services and settings.
type Options struct {
	Store     Store
	Catalog   *catalog.Catalog
	Currency  money.Currency
	Tax       sale.TaxRules
	Embedded  barcode.Rules
	StoreName string
	TillID    string
	// OpenSale is the sale restored from the database, if any.
	OpenSale *sale.Sale
	// Notice is shown on the status line at start, e.g. an empty catalog.
	Notice string
	NewID  func() string
	Now    func() time.Time
	// Payments are the wired providers by name; Wallets the wallets
	// offered at payment, in order.
	Payments map[string]providers.Payments
	Wallets  []wallet.Wallet
	// PayTimeout bounds one wallet payment, following and voiding included.
	PayTimeout time.Duration
	// RetryNow, if set, asks the replay worker to retry what waits now.
	RetryNow func()
	// JournalChanged, if set, is called after journal entries are
	// committed, to wake the replay worker.
	JournalChanged func()
	// Tick schedules the busy spinner; tea.Tick unless a test stops time.
	Tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	// Kiosk: the keyboard cannot quit or suspend the till.
	Kiosk bool
	// LockAfter locks a till left alone that long (with users); 0 never.
	LockAfter time.Duration
	// Reports, if set, shows the X report and closes shifts (F7).
	Reports Reports
	// Staff, if set and the database has users, makes the till ask for
	// a login and a manager's PIN where one is needed.
	Staff Staff
	// Printer, if set, prints receipts and opens the cash drawer.
	Printer Printer
	// WedgeGap and WedgeMin tell a keyboard-wedge scanner from a person:
	// at least WedgeMin keys, each within WedgeGap of the last, then
	// Enter, are a scan. A zero WedgeGap turns this off.
	WedgeGap time.Duration
	WedgeMin int
	// DemoCustomer, set in demo mode only, plays the customer who scans
	// the code on screen: pays in the app, or takes the loyalty discount
	// and pays at the till. reference is the payment's key.
	DemoCustomer func(provider, reference string, atTill bool) error
	// Redeemer, if set, redeems customers' passes (F5); Campaigns are
	// the effects of its campaigns by "model/campaign", and
	// DefaultCampaign is redeemed without asking.
	Redeemer        providers.Redeemer
	Campaigns       map[string]sale.CouponEffect
	DefaultCampaign string
	// Ticketer, if set, issues the e-tickets of paid sales (through the
	// journal); without it a sale with e-tickets cannot be paid.
	Ticketer providers.Ticketer
	// Language is the screens' and receipts' language; empty is English.
	Language Lang
}

type screen int

const (
	screenSale screen = iota
	screenSearch
	screenPayment
	screenReceipt
	screenJournal
	screenRedeem
	screenStaff
	screenReport
	screenReturn
)

// Model is the root model.
type Model struct {
	opt    Options
	styles Styles
	keys   KeyMap
	help   help.Model
	width  int
	height int
	screen screen

	// sale is the working sale, changes included that are still being
	// saved; shown is the last state the store confirmed, and the only one
	// drawn, so the screen never shows what a crash could lose.
	sale   *sale.Sale
	shown  *sale.Sale
	saving bool
	// journal holds provider-operation records to commit with the next
	// save, so a tender and its operation never disagree on disk.
	journal []store.JournalChange
	// completing is set while the paid sale is being written as completed.
	completing bool
	// waitingKeys were pressed on the payment screen while the sale was
	// being written; they are handled once it is.
	waitingKeys []tea.KeyPressMsg

	selected int // index into shown's lines
	// confirmVoid is set by a first press of the void-sale key.
	confirmVoid bool
	input       textinput.Model
	// qtyLine is the line whose quantity is being typed, 0 when none;
	// pendingItem is an item that waits for its weight before it is added.
	qtyLine     int
	pendingItem *catalog.Match
	// priceLine is the line whose new price is being typed, 0 when none.
	priceLine int
	qtyInput  textinput.Model

	status    status
	scanner   string // scanner state for the status line
	printing  string // the printer's state for the status line
	providers ProvidersMsg

	search      searchState
	payment     paymentState
	wallet      walletState
	quote       quoteState
	redeem      redeemState
	wedge       wedgeState
	staff       staffState
	report      reportState
	ret         returnState
	receipt     receiptState
	journalView journalState
}

type statusKind int

const (
	statusInfo statusKind = iota
	statusError
	statusSuccess
)

type status struct {
	text string
	kind statusKind
}

// New builds the root model.
func New(opt Options) *Model {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Tick == nil {
		opt.Tick = tea.Tick
	}
	if opt.PayTimeout == 0 {
		opt.PayTimeout = 2 * time.Minute
	}
	m := &Model{
		opt:    opt,
		styles: DefaultStyles(),
		keys:   KeyMapFor(opt.Language),
		help:   help.New(),
		width:  100,
		height: 30,
	}
	m.input = newInput(m.t("Code: "), m.t("scan or type a code, N* for quantity"))
	m.qtyInput = newInput("", "")
	m.qtyInput.SetWidth(16) // a quantity or a price, after a long prompt
	m.search.input = newInput(m.t("Find: "), m.t("type part of a name or SKU"))
	m.payment.input = newInput(m.t("Cash tendered: "), m.t("amount"))
	m.redeem.input = newInput(m.t("Pass: "), m.t("scan the customer's pass"))
	m.staff.input = newInput(m.t("Your id: "), "")
	m.input.Focus()
	// In kiosk mode the quit keys are off, and out of the help bar.
	m.keys.Quit.SetEnabled(!opt.Kiosk)
	if opt.OpenSale != nil {
		m.sale = opt.OpenSale.Clone()
		m.shown = opt.OpenSale.Clone()
		m.status = status{text: m.t("Open sale restored"), kind: statusInfo}
	}
	if opt.Notice != "" {
		m.status = status{text: opt.Notice, kind: statusInfo}
	}
	return m
}

// inputView draws a text input. textinput pads a placeholder of wide
// characters (zh-TW) with NUL runes, which would reach the terminal and
// leave the line short (charmbracelet/bubbles#573): they become spaces.
func inputView(in textinput.Model) string {
	return strings.ReplaceAll(in.View(), "\x00", " ")
}

func newInput(prompt, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = 128
	in.SetWidth(60)
	// A steady cursor: blinking redraws the screen twice a second for
	// nothing, which a kiosk on a slow console can do without.
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}

// Init settles what the till was doing when it stopped: a payment in
// flight is looked up before anything else, and a fully paid sale is
// completed.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.resume(), m.staffInit())
}

func (m *Model) resume() tea.Cmd {
	switch {
	case m.sale == nil:
		return nil
	case m.sale.Unsettled() != nil:
		m.screen = screenPayment
		m.input.Blur()
		return m.lookupUnknown()
	case m.sale.Paid(m.opt.Tax):
		m.screen = screenPayment
		return m.complete()
	}
	return nil
}

// Update routes a message to the screen that owns it.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		return m, nil
	case savedMsg:
		return m, tea.Batch(m.onSaved(msg), m.keysWaited())
	case completedMsg:
		// Keys pressed while the sale was being completed were meant for
		// the payment screen, not for the receipt that replaces it.
		m.waitingKeys = nil
		return m, m.onCompleted(msg)
	case lastSaleMsg:
		return m, m.onLastSale(msg)
	case walletPendingMsg:
		return m, m.onWalletPending(msg)
	case walletDoneMsg:
		return m, m.onWalletDone(msg)
	case quoteMsg:
		return m, m.onQuote(msg)
	case idleMsg:
		return m, m.onIdle()
	case reportMsg:
		return m, m.onReport(msg)
	case returnSaleMsg:
		return m, m.onReturnSale(msg)
	case returnedMsg:
		return m, m.onReturned(msg)
	case cashedMsg:
		return m, m.onCashed(msg)
	case staffInitMsg:
		return m, m.onStaffInit(msg)
	case pinCheckedMsg:
		return m, m.onPINChecked(msg)
	case approvedMsg:
		return m, m.onApproved(msg)
	case shiftOpenedMsg:
		return m, m.onShiftOpened(msg)
	case printedMsg:
		return m, m.onPrinted(msg)
	case drawerMsg:
		return m, m.onDrawer(msg)
	case campaignsMsg:
		return m, m.onCampaigns(msg)
	case redeemDoneMsg:
		return m, m.onRedeemDone(msg)
	case walletVoidMsg:
		return m, m.onWalletVoid(msg)
	case walletTickMsg:
		return m, m.onWalletTick(msg)
	case ScannerMsg:
		if msg.State != "" {
			m.scanner = msg.State
		}
		if msg.Err != "" {
			m.setError(m.t("Scanner: ") + sanitize.Text(msg.Err))
		}
		return m, nil
	case ScanMsg:
		m.staff.lastActive = m.opt.Now()
		return m, m.onScan(msg)
	case ProvidersMsg:
		m.providers = msg
		return m, nil
	case OperationMsg:
		cmd := tea.Batch(m.onOperation(msg), m.onRedemption(msg), m.ticketsIssued(msg), m.returnSettled(msg))
		if m.screen == screenJournal {
			cmd = tea.Batch(cmd, journalCmd(m.opt.Store))
		}
		return m, cmd
	case journalMsg:
		return m, m.onJournal(msg)
	case NoticeMsg:
		if msg.Err != "" {
			m.setError(sanitize.Text(msg.Err))
		} else {
			m.setInfo(sanitize.Text(msg.Info))
		}
		return m, nil
	case wedgeFlushMsg:
		return m, m.onWedgeFlush(msg)
	case tea.KeyPressMsg:
		m.staff.lastActive = m.opt.Now()
		if cmd, held := m.wedgeKey(msg); held {
			return m, cmd
		}
		return m, m.handleKey(msg)
	}
	return m, m.route(msg)
}

// keysWaited handles the keys pressed while the sale was being written,
// once it no longer is.
func (m *Model) keysWaited() tea.Cmd {
	if m.saving || m.completing || len(m.waitingKeys) == 0 {
		return nil
	}
	keys := m.waitingKeys
	m.waitingKeys = nil
	cmds := make([]tea.Cmd, 0, len(keys))
	for _, k := range keys {
		cmds = append(cmds, m.handleKey(k))
	}
	return tea.Batch(cmds...)
}

// handleKey quits or hands a key to the screen on show.
func (m *Model) handleKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.Quit):
		return tea.Quit
	case m.opt.Kiosk && slices.Contains(m.keys.Quit.Keys(), k.String()):
		if !m.staff.on {
			m.setError(m.t("This till is in kiosk mode: it cannot be left from the keyboard"))
			return nil
		}
		return m.needManager(store.ActionLeaveKiosk, detail{}, func(*Model, string) tea.Cmd { return tea.Quit })
	}
	return m.route(k)
}

// route hands a message to the screen on show.
func (m *Model) route(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch m.screen {
	case screenSale:
		cmd = m.updateSale(msg)
	case screenSearch:
		cmd = m.updateSearch(msg)
	case screenPayment:
		cmd = m.updatePayment(msg)
	case screenReceipt:
		cmd = m.updateReceipt(msg)
	case screenJournal:
		cmd = m.updateJournal(msg)
	case screenRedeem:
		cmd = m.updateRedeem(msg)
	case screenStaff:
		cmd = m.updateStaff(msg)
	case screenReport:
		cmd = m.updateReport(msg)
	case screenReturn:
		cmd = m.updateReturn(msg)
	}
	return cmd
}

// View draws the current screen. Terminal modes are set here only.
func (m *Model) View() tea.View {
	var body string
	switch m.screen {
	case screenSale:
		body = m.viewSale()
	case screenSearch:
		body = m.viewSearch()
	case screenPayment:
		body = m.viewPayment()
	case screenReceipt:
		body = m.viewReceipt()
	case screenJournal:
		body = m.viewJournal()
	case screenRedeem:
		body = m.viewRedeem()
	case screenStaff:
		body = m.viewStaff()
	case screenReport:
		body = m.viewReport()
	case screenReturn:
		body = m.viewReturn()
	}
	v := tea.NewView(body)
	v.AltScreen = true
	v.WindowTitle = "till"
	return v
}

func (m *Model) setError(text string)   { m.status = status{text: text, kind: statusError} }
func (m *Model) setInfo(text string)    { m.status = status{text: text, kind: statusInfo} }
func (m *Model) setSuccess(text string) { m.status = status{text: text, kind: statusSuccess} }

// totals adds up the shown sale; a sale with a tax class the configuration
// lacks cannot be totalled, and says so.
func (m *Model) totals(s *sale.Sale) (sale.Totals, error) {
	if s == nil {
		return sale.Totals{}, nil
	}
	return s.Totals(m.opt.Tax)
}
