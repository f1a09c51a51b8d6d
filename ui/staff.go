package ui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/money"
	"till/store/sanitize"
)

// Staff is who may work the till, their shifts and what managers
// approved. Every call is I/O (a PIN check is slow by design): the UI
// makes them in commands.
type Staff interface {
	HasUsers() (bool, error)
	CheckPIN(id, pin string) (store.User, error)
	RecordApproval(a store.Approval) (store.Approval, error)
	CurrentShift() (*store.Shift, error)
	OpenShift(by string, float money.Amount, now time.Time) (store.Shift, error)
}

type staffMode int

const (
	askID      staffMode = iota // whose login (or approval) this is
	askPIN                      // their PIN, masked
	askFloat                    // the cash counted into the drawer to open a shift
	askChecked                  // waiting for the PIN check
)

// staffState is login, shifts and manager approvals. With no users in the
// database it is off and the till runs without login, as before.
type staffState struct {
	on    bool
	clerk *store.User
	shift *store.Shift
	mode  staffMode
	id    string
	input textinput.Model
	// approval is what a manager is asked to approve; nil for a login.
	approval *approval
	back     screen // where the prompt returns to
	// lastActive is the last key press or scan, for the idle lock.
	lastActive time.Time
}

// approval is an action waiting for a manager.
type approval struct {
	action string
	detail detail
	then   func(m *Model, by string) tea.Cmd // by is the manager, "" without users
}

type staffInitMsg struct {
	on    bool
	shift *store.Shift
	err   error
}

type pinCheckedMsg struct {
	user store.User
	err  error
}

type approvedMsg struct {
	a   store.Approval
	err error
}

type shiftOpenedMsg struct {
	shift store.Shift
	err   error
}

func (m *Model) staffInit() tea.Cmd {
	st := m.opt.Staff
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		on, err := st.HasUsers()
		if err != nil || !on {
			return staffInitMsg{err: err}
		}
		sh, err := st.CurrentShift()
		return staffInitMsg{on: true, shift: sh, err: err}
	}
}

func (m *Model) onStaffInit(msg staffInitMsg) tea.Cmd {
	if msg.err != nil {
		m.setError(m.t("Users could not be read: ") + m.errText(msg.err))
	}
	m.staff.on, m.staff.shift = msg.on, msg.shift
	if !msg.on {
		return nil
	}
	return tea.Batch(m.askLogin(""), m.watchIdle())
}

// askLogin shows the login prompt; why says what brought it up.
func (m *Model) askLogin(why string) tea.Cmd {
	if m.screen != screenStaff {
		m.staff.back = m.screen
	}
	m.screen = screenStaff
	m.staff.approval, m.staff.clerk = nil, nil
	if why != "" {
		m.setInfo(why)
	}
	return m.staffPrompt(askID)
}

func (m *Model) staffPrompt(mode staffMode) tea.Cmd {
	in := &m.staff.input
	m.staff.mode = mode
	in.Reset()
	in.EchoMode = textinput.EchoNormal
	switch mode {
	case askID:
		in.Prompt, in.Placeholder = m.t("Your id: "), m.t("clerk or manager id")
	case askPIN:
		in.Prompt, in.Placeholder = m.t("PIN: "), ""
		in.EchoMode = textinput.EchoPassword
	case askFloat:
		in.Prompt, in.Placeholder = m.t("Opening float: "), m.t("cash counted into the drawer")
	}
	m.input.Blur()
	return in.Focus()
}

// detail is what an approval is about: recorded in English, the shop's
// record whatever the screen's language, and shown translated.
type detail struct {
	format string
	args   []any
}

func about(format string, args ...any) detail { return detail{format: format, args: args} }

func (d detail) text(translate func(string) string) string {
	if d.format == "" {
		return ""
	}
	return fmt.Sprintf(translate(d.format), d.args...)
}

// actionWords name what a manager approves, for the screen; the
// approvals' records keep store's action ids.
var actionWords = map[string]string{
	store.ActionVoidSale:      "void a sale",
	store.ActionRefund:        "a refund or a return",
	store.ActionPriceOverride: "a price override",
	store.ActionNoSale:        "opening the drawer without a sale",
	store.ActionResolve:       "settling a journal entry by hand",
	store.ActionLeaveKiosk:    "leaving kiosk mode",
	store.ActionCloseShift:    "closing the shift",
}

// action is what a manager approves, in the till's language.
func (m *Model) action(id string) string {
	if w, ok := actionWords[id]; ok {
		return m.t(w)
	}
	return m.t(id)
}

// needManager runs then once a manager approves action: at once (and
// recorded) when a manager is logged in, else after a manager's id and
// PIN. With login off there is no one to ask, and then runs.
func (m *Model) needManager(action string, detail detail, then func(m *Model, by string) tea.Cmd) tea.Cmd {
	if !m.staff.on {
		return then(m, "")
	}
	a := &approval{action: action, detail: detail, then: then}
	if c := m.staff.clerk; c != nil && c.Role == store.RoleManager {
		return m.recordApproval(a, *c)
	}
	m.staff.back = m.screen
	m.screen = screenStaff
	m.staff.approval = a
	m.setInfo(m.t("A manager's approval is needed: ") + m.action(action))
	return m.staffPrompt(askID)
}

func (m *Model) recordApproval(a *approval, manager store.User) tea.Cmd {
	st := m.opt.Staff
	rec := store.Approval{At: m.opt.Now(), By: manager.ID, Action: a.action, Detail: a.detail.text(English.T)}
	if c := m.staff.clerk; c != nil && c.ID != manager.ID {
		rec.For = c.ID
	}
	m.staff.approval = a
	m.staff.mode = askChecked
	return func() tea.Msg {
		got, err := st.RecordApproval(rec)
		return approvedMsg{a: got, err: err}
	}
}

func (m *Model) onApproved(msg approvedMsg) tea.Cmd {
	a := m.staff.approval
	m.staff.approval = nil
	m.leaveStaff()
	if a == nil {
		return nil
	}
	if msg.err != nil {
		m.setError(m.t("The approval could not be recorded, so nothing was done: ") + m.errText(msg.err))
		return nil
	}
	m.setSuccess(fmt.Sprintf(m.t("Approved by %s"), sanitize.Text(msg.a.By)))
	return a.then(m, msg.a.By)
}

func (m *Model) updateStaff(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if m.staff.mode == askChecked {
		return nil
	}
	if ok && key.Matches(press, m.keys.Back) && m.staff.approval != nil {
		m.staff.approval = nil
		m.leaveStaff()
		m.setInfo(m.t("Not approved: nothing was done"))
		return nil
	}
	if !ok || !key.Matches(press, m.keys.Apply) {
		var cmd tea.Cmd
		m.staff.input, cmd = m.staff.input.Update(msg)
		return cmd
	}
	typed := strings.TrimSpace(m.staff.input.Value())
	switch m.staff.mode {
	case askID:
		if typed == "" {
			return nil
		}
		m.staff.id = typed
		return m.staffPrompt(askPIN)
	case askPIN:
		id, st := m.staff.id, m.opt.Staff
		m.staff.mode = askChecked
		m.staff.input.Reset()
		m.setInfo(m.t("Checking…"))
		return func() tea.Msg {
			u, err := st.CheckPIN(id, typed)
			return pinCheckedMsg{user: u, err: err}
		}
	case askFloat:
		float, err := m.opt.Currency.Parse(typed)
		if err != nil || float < 0 {
			m.setError(fmt.Sprintf(m.t("Type the cash counted into the drawer, e.g. %s"), m.opt.Currency.Plain(500000)))
			return nil
		}
		st, by, now := m.opt.Staff, m.staff.clerk.ID, m.opt.Now()
		m.staff.mode = askChecked
		return func() tea.Msg {
			sh, err := st.OpenShift(by, float, now)
			return shiftOpenedMsg{shift: sh, err: err}
		}
	}
	return nil
}

func (m *Model) onPINChecked(msg pinCheckedMsg) tea.Cmd {
	switch {
	case errors.Is(msg.err, store.ErrDisabled):
		m.setError(m.t("This user is disabled"))
		return m.staffPrompt(askID)
	case msg.err != nil:
		m.setError(m.t("Wrong id or PIN"))
		return m.staffPrompt(askID)
	}
	u := msg.user
	if a := m.staff.approval; a != nil {
		if u.Role != store.RoleManager {
			m.setError(fmt.Sprintf(m.t("%s is not a manager: a manager must approve this"), sanitize.Text(u.Name)))
			return m.staffPrompt(askID)
		}
		return m.recordApproval(a, u)
	}
	m.staff.clerk = &u
	m.setSuccess(fmt.Sprintf(m.t("Hello, %s"), sanitize.Text(u.Name)))
	if m.staff.shift == nil {
		m.setInfo(fmt.Sprintf(m.t("Hello, %s. Count the cash in the drawer to open the shift"), sanitize.Text(u.Name)))
		return m.staffPrompt(askFloat)
	}
	m.leaveStaff()
	return m.input.Focus()
}

func (m *Model) onShiftOpened(msg shiftOpenedMsg) tea.Cmd {
	if msg.err != nil {
		m.setError(m.t("The shift could not be opened: ") + m.errText(msg.err))
		return m.staffPrompt(askFloat)
	}
	m.staff.shift = &msg.shift
	m.setSuccess(fmt.Sprintf(m.t("Shift opened with a float of %s"), m.opt.Currency.Format(msg.shift.Float)))
	m.leaveStaff()
	return m.input.Focus()
}

func (m *Model) leaveStaff() {
	if m.screen == screenStaff {
		m.screen = m.staff.back
	}
	m.staff.input.Blur()
	m.staff.mode = askID
}

// idleMsg checks whether the till has been left alone too long.
type idleMsg struct{}

// idleEvery is how often the idle lock looks at the clock.
const idleEvery = 15 * time.Second

// watchIdle keeps the idle lock's check going while login is in force.
func (m *Model) watchIdle() tea.Cmd {
	if !m.staff.on || m.opt.LockAfter <= 0 {
		return nil
	}
	return m.opt.Tick(idleEvery, func(time.Time) tea.Msg { return idleMsg{} })
}

// onIdle locks the till when nobody has pressed a key or scanned for
// LockAfter, unless a payment or save is under way.
func (m *Model) onIdle() tea.Cmd {
	busy := m.wallet.active() || m.saving || m.completing || m.screen == screenStaff
	if m.staff.clerk != nil && !busy && m.opt.Now().Sub(m.staff.lastActive) >= m.opt.LockAfter {
		return tea.Batch(m.askLogin(fmt.Sprintf(m.t("Locked after %v without use: log in to go on"), m.opt.LockAfter)), m.watchIdle())
	}
	return m.watchIdle()
}

// locked reports that nobody is logged in while login is in force.
func (m *Model) locked() bool { return m.staff.on && m.staff.clerk == nil }

// noSale opens the drawer without a sale, once a manager approves.
func (m *Model) noSale() tea.Cmd {
	return m.needManager(store.ActionNoSale, about("drawer opened without a sale"), func(m *Model, _ string) tea.Cmd {
		m.setInfo(m.t("Drawer opened: no sale"))
		return m.openDrawer()
	})
}

func (m *Model) viewStaff() string {
	s := m.styles
	var b strings.Builder
	title := m.t("Log in")
	if a := m.staff.approval; a != nil {
		title = m.t("Manager approval")
	}
	b.WriteString(m.header(title) + "\n\n")
	if a := m.staff.approval; a != nil {
		b.WriteString("  " + s.Title.Render(m.t("A manager approves: ")+m.action(a.action)) + "\n")
		if d := a.detail.text(m.t); d != "" {
			b.WriteString("  " + s.Dim.Render(sanitize.Text(d)) + "\n")
		}
		b.WriteString("\n")
	}
	if m.staff.mode == askChecked {
		b.WriteString("  " + s.Dim.Render(m.t("Checking…")) + "\n")
		return m.frame(b.String(), nil)
	}
	b.WriteString("  " + s.Prompt.Render(inputView(m.staff.input)) + "\n")
	keys := []key.Binding{m.keys.Apply}
	if m.staff.approval != nil {
		keys = append(keys, m.keys.Cancel)
	}
	return m.frame(b.String(), keys)
}
