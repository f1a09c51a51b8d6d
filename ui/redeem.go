package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"till/providers"
	"till/store"
	"till/store/sale"
	"till/store/sanitize"
)

// maxPassCode bounds a pass barcode the till sends on.
const maxPassCode = 512

// redeemState is the coupon screen and the one redeem in flight.
type redeemState struct {
	campaigns []providers.Campaign // as the provider listed them
	loading   bool
	cursor    int
	chosen    *providers.Campaign // waiting for its pass to be scanned
	input     textinput.Model
	// op is the redeem in flight; it is sent once its line is on disk.
	op   *providers.Op
	sent bool
}

type campaignsMsg struct {
	campaigns []providers.Campaign
	err       error
}

type redeemDoneMsg struct {
	key string
	out providers.Outcome
}

func campaignKey(model, campaign string) string { return model + "/" + campaign }

// openRedeem starts redeeming a pass: straight to the scan with a default
// campaign, else the list of campaigns.
func (m *Model) openRedeem() tea.Cmd {
	if m.sale != nil && len(m.sale.Tenders) > 0 {
		m.setError(m.t("Coupons go on before payment"))
		return nil
	}
	m.screen = screenRedeem
	m.input.Blur()
	if d := m.opt.DefaultCampaign; d != "" {
		model, id, _ := strings.Cut(d, "/")
		c := providers.Campaign{Model: model, ID: id, Name: d}
		for _, x := range m.redeem.campaigns {
			if x.Model == model && x.ID == id {
				c = x
			}
		}
		cmd := m.chooseCampaign(c)
		if m.redeem.campaigns == nil {
			cmd = tea.Batch(cmd, m.loadCampaigns()) // for its name
		}
		return cmd
	}
	m.redeem.chosen = nil
	if m.redeem.campaigns == nil {
		return m.loadCampaigns()
	}
	return nil
}

func (m *Model) loadCampaigns() tea.Cmd {
	if m.redeem.loading {
		return nil
	}
	m.redeem.loading = true
	r, timeout := m.opt.Redeemer, min(m.opt.PayTimeout, 15*time.Second)
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cs, err := r.Campaigns(ctx)
		return campaignsMsg{campaigns: cs, err: err}
	}
}

func (m *Model) onCampaigns(msg campaignsMsg) tea.Cmd {
	m.redeem.loading = false
	if msg.err != nil {
		m.setError(fmt.Sprintf(m.t("%s: the campaigns could not be listed: %s (F6 tries again)"), m.opt.Redeemer.Name(), m.errText(msg.err)))
		return nil
	}
	m.redeem.campaigns = msg.campaigns
	m.redeem.cursor = min(m.redeem.cursor, max(len(msg.campaigns)-1, 0))
	if c := m.redeem.chosen; c != nil {
		for _, x := range msg.campaigns {
			if x.Model == c.Model && x.ID == c.ID {
				m.redeem.chosen = &x
				m.redeem.input.Prompt = fmt.Sprintf(m.t("%s pass: "), sanitize.Text(x.Name))
			}
		}
	}
	return nil
}

func (m *Model) chooseCampaign(c providers.Campaign) tea.Cmd {
	if _, ok := m.opt.Campaigns[campaignKey(c.Model, c.ID)]; !ok {
		m.setError(m.t("No effect is configured for this campaign ([[providers.pass2u.campaigns]])"))
		return nil
	}
	m.redeem.chosen = &c
	m.redeem.input.Reset()
	m.redeem.input.Prompt = fmt.Sprintf(m.t("%s pass: "), sanitize.Text(c.Name))
	m.setInfo(m.t("Scan the customer's pass"))
	return m.redeem.input.Focus()
}

func (m *Model) updateRedeem(msg tea.Msg) tea.Cmd {
	press, ok := msg.(tea.KeyPressMsg)
	if ok && key.Matches(press, m.keys.Back) {
		if m.redeem.chosen != nil && m.opt.DefaultCampaign == "" {
			m.redeem.chosen = nil
			m.redeem.input.Blur()
			return nil
		}
		return m.leaveRedeem()
	}
	if m.redeem.chosen != nil {
		if ok && key.Matches(press, m.keys.Apply) {
			return m.redeemPass(m.redeem.input.Value())
		}
		var cmd tea.Cmd
		m.redeem.input, cmd = m.redeem.input.Update(msg)
		return cmd
	}
	if !ok {
		return nil
	}
	switch {
	case key.Matches(press, m.keys.ListUp):
		m.redeem.cursor = max(m.redeem.cursor-1, 0)
	case key.Matches(press, m.keys.ListDown):
		m.redeem.cursor = min(m.redeem.cursor+1, max(len(m.redeem.campaigns)-1, 0))
	case key.Matches(press, m.keys.Refresh):
		return m.loadCampaigns()
	case key.Matches(press, m.keys.Pick) && m.redeem.cursor < len(m.redeem.campaigns):
		return m.chooseCampaign(m.redeem.campaigns[m.redeem.cursor])
	}
	return nil
}

func (m *Model) leaveRedeem() tea.Cmd {
	m.screen = screenSale
	m.redeem.chosen = nil
	m.redeem.input.Blur()
	return m.input.Focus()
}

// redeemPass puts the scanned pass on the sale as a pending coupon and
// journals its redeem; it is sent once both are on disk.
func (m *Model) redeemPass(code string) tea.Cmd {
	code = strings.TrimSpace(code)
	c := m.redeem.chosen
	switch {
	case c == nil:
		return nil
	case m.redeem.op != nil:
		m.setError(m.t("Another pass is being redeemed: wait for its answer"))
		return nil
	case code == "" || len(code) > maxPassCode || sanitize.Code(code) != code:
		m.setError(m.t("That is not a pass barcode: scan the customer's pass again"))
		return nil
	}
	effect := m.opt.Campaigns[campaignKey(c.Model, c.ID)]
	var item *sale.Item
	if effect.Kind == sale.EffectItem {
		it, ok := m.opt.Catalog.BySKU(effect.SKU)
		if !ok {
			m.setError(fmt.Sprintf(m.t("The campaign's free item %s is not in the catalog"), sanitize.Text(effect.SKU)))
			return nil
		}
		item = &it
	}
	m.ensureSale()
	now := m.opt.Now()
	op := providers.Op{Provider: m.opt.Redeemer.Name(), Kind: providers.KindRedeem, Key: m.opt.NewID(), SaleID: m.sale.ID,
		Pass: &providers.Pass{Model: c.Model, Campaign: c.ID, Barcode: code}, Created: now}
	coupon := sale.Coupon{Provider: op.Provider, Key: op.Key, Model: c.Model, Campaign: c.ID, Barcode: code, Effect: effect, At: now}
	if _, err := m.sale.AddCoupon(sanitize.Text(c.Name), coupon, item); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	m.journalAppend(op, false, store.OpSent)
	m.redeem.op, m.redeem.sent = &op, false
	m.setInfo(m.t("Redeeming the pass…"))
	cmd := m.leaveRedeem()
	return tea.Batch(cmd, m.changed())
}

// sendRedeem fires the redeem once its coupon line is on disk.
func (m *Model) sendRedeem() tea.Cmd {
	op := m.redeem.op
	if op == nil || m.redeem.sent || m.shown == nil {
		return nil
	}
	for _, l := range m.shown.Lines {
		if l.Coupon == nil || l.Coupon.Key != op.Key {
			continue
		}
		m.redeem.sent = true
		r, timeout := m.opt.Redeemer, m.opt.PayTimeout
		sent := *op
		return func() tea.Msg {
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			return redeemDoneMsg{key: sent.Key, out: r.Redeem(ctx, sent)}
		}
	}
	return nil
}

func (m *Model) onRedeemDone(msg redeemDoneMsg) tea.Cmd {
	if m.redeem.op == nil || m.redeem.op.Key != msg.key {
		return nil
	}
	m.redeem.op = nil
	m.journalSettle(msg.key, msg.out)
	return m.settleCoupon(msg.key, msg.out.Status, msg.out.Reason)
}

// onRedemption applies a redeem the replay worker settled.
func (m *Model) onRedemption(msg OperationMsg) tea.Cmd {
	if m.sale == nil || m.sale.ID != msg.SaleID || providers.Kind(msg.Kind) != providers.KindRedeem {
		return nil
	}
	for _, c := range m.sale.OpenCoupons() {
		if c.Key == msg.Key {
			return m.settleCoupon(msg.Key, providers.Status(msg.Status), msg.Reason)
		}
	}
	return nil
}

func (m *Model) settleCoupon(key string, st providers.Status, reason string) tea.Cmd {
	status := map[providers.Status]string{providers.Approved: sale.TenderApproved, providers.Declined: sale.TenderDeclined}[st]
	if status == "" {
		status = sale.TenderUnknown
	}
	reason = sanitize.Text(reason)
	if err := m.sale.SettleCoupon(key, status, reason); err != nil {
		m.setError(m.errText(err))
		return nil
	}
	name := m.t("Pass")
	for _, l := range m.sale.Lines {
		if l.Coupon != nil && l.Coupon.Key == key {
			name = sanitize.Text(l.Name)
		}
	}
	switch status {
	case sale.TenderApproved:
		m.setSuccess(fmt.Sprintf(m.t("%s: pass redeemed"), name))
	case sale.TenderDeclined:
		m.setError(m.t("Pass refused: ") + orDefault(reason, m.t("no reason given")))
	default:
		m.setError(m.t("No answer about the pass: the till keeps trying. Void its line (F4) to give it back. ") + reason)
	}
	return m.changed()
}

// unredeem gives back the pass of a coupon line just voided; the replay
// worker sends it.
func (m *Model) unredeem(l sale.Line) {
	c := l.Coupon
	if c == nil || c.Status == sale.TenderDeclined {
		return
	}
	op := unredeemOp(c, m.sale.ID, m.opt.NewID(), m.opt.Now())
	if err := m.sale.SetUnredeemKey(l.ID, op.Key); err != nil {
		m.setError(m.errText(err))
		return
	}
	m.journalAppend(op, true, store.OpQueued)
}

// unredeemOp gives the pass of coupon c on sale saleID back.
func unredeemOp(c *sale.Coupon, saleID, key string, now time.Time) providers.Op {
	return providers.Op{Provider: c.Provider, Kind: providers.KindUnredeem, Key: key, SaleID: saleID,
		Pass: &providers.Pass{Model: c.Model, Campaign: c.Campaign, Barcode: c.Barcode}, Target: c.Key, Created: now}
}

func (m *Model) viewRedeem() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(m.header(m.t("Coupon")) + "\n\n")
	var keys []key.Binding
	if c := m.redeem.chosen; c != nil {
		b.WriteString("  " + s.Title.Render(sanitize.Text(c.Name)) + "\n\n")
		b.WriteString("  " + s.Prompt.Render(inputView(m.redeem.input)) + "\n")
		b.WriteString(s.Dim.Render("  "+m.t("Scan the customer's coupon or pass, or type its code and enter.")) + "\n")
		keys = []key.Binding{m.keys.Apply, m.keys.Back}
		return m.frame(b.String(), keys)
	}
	b.WriteString(s.Title.Render("  "+m.t("Campaigns")) + "\n")
	switch {
	case m.redeem.loading:
		b.WriteString(s.Dim.Render("    "+fmt.Sprintf(m.t("Asking %s…"), m.opt.Redeemer.Name())) + "\n")
	case len(m.redeem.campaigns) == 0:
		b.WriteString(s.Dim.Render("    "+m.t("No campaigns to redeem (F6 asks again).")) + "\n")
	}
	for i, c := range m.redeem.campaigns {
		row := fmt.Sprintf("%s · %s", sanitize.Text(c.ModelName), sanitize.Text(c.Name))
		if _, ok := m.opt.Campaigns[campaignKey(c.Model, c.ID)]; !ok {
			row = s.Dim.Render(row + "  " + m.t("(no effect configured)"))
		}
		if i == m.redeem.cursor {
			row = s.Selected.Render("› " + row)
		} else {
			row = "  " + row
		}
		b.WriteString("  " + row + "\n")
	}
	keys = []key.Binding{m.keys.ListUp, m.keys.Pick, m.keys.Refresh, m.keys.Back}
	return m.frame(b.String(), keys)
}
