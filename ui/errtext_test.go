package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"till/store"
	"till/store/sale"
)

// errModels are a model in each language, enough for errText.
func errModels() (en, zh *Model) {
	return &Model{opt: Options{Language: English}}, &Model{opt: Options{Language: TraditionalChinese}}
}

// Every error errText knows has a translation, and only those.
func TestEveryClerkErrorTranslated(t *testing.T) {
	en, zh := errModels()
	seen := map[error]bool{}
	for _, e := range clerkErrors {
		if seen[e] {
			t.Errorf("%q is listed twice", e)
		}
		seen[e] = true
		z := zhTWErrors[e]
		if z == "" || z == e.Error() {
			t.Errorf("%q is not translated: %q", e, z)
		}
		if got := zh.errText(e); got != z {
			t.Errorf("zh-TW errText(%q) = %q, want %q", e, got, z)
		}
		if got := en.errText(e); got != e.Error() {
			t.Errorf("English errText(%q) = %q", e, got)
		}
	}
	for e := range zhTWErrors {
		if !seen[e] {
			t.Errorf("%q is translated but not in clerkErrors, so never shown", e)
		}
	}
}

// A wrapped error is told by what it wraps in zh-TW, and shown whole in
// English.
func TestErrTextWrapped(t *testing.T) {
	en, zh := errModels()
	for _, c := range []struct {
		err  error
		want string
	}{
		{sale.CheckQty(0, false), zhTWErrors[sale.ErrQuantity]},
		{fmt.Errorf("%w: 12 left", sale.ErrRefundAmount), zhTWErrors[sale.ErrRefundAmount]},
		{fmt.Errorf("user ann: %w", store.ErrDisabled), zhTWErrors[store.ErrDisabled]},
		// The more specific one wins over the not-found it also wraps.
		{fmt.Errorf("%w: %w", store.ErrNotFound, store.ErrBadPIN), zhTWErrors[store.ErrBadPIN]},
	} {
		if got := zh.errText(c.err); got != c.want {
			t.Errorf("zh-TW errText(%q) = %q, want %q", c.err, got, c.want)
		}
		if got := en.errText(c.err); got != c.err.Error() {
			t.Errorf("English errText(%q) = %q", c.err, got)
		}
	}
	if got := en.errText(sale.CheckQty(0, true)); !strings.HasPrefix(got, "quantity out of range: 0 g (1 to ") {
		t.Errorf("English quantity error = %q", got)
	}
}

// An error errText does not know is shown as it is, cleaned, in either
// language.
func TestErrTextUnknownCleaned(t *testing.T) {
	en, zh := errModels()
	err := fmt.Errorf("printer says \x1b[31mpaper out\x1b[0m\x07: %w", errors.New("\x1b]0;owned\x07busy"))
	for _, m := range []*Model{en, zh} {
		got := m.errText(err)
		if got != "printer says paper out: busy" {
			t.Errorf("%s errText = %q", m.opt.Language, got)
		}
	}
}

// In zh-TW the status line tells a domain error in Chinese: a quantity
// out of range (F2) and cash of nothing.
func TestZhTWDomainErrorOnScreen(t *testing.T) {
	h := newHarnessWith(t, testDB(t), nil, withZhTW)
	h.scan("4710088410122")
	h.key(tea.KeyF2)
	h.key(tea.KeyBackspace)
	h.typeText("99999")
	h.enter()
	h.wantScreen("數量超出範圍")
	if s := h.screen(); strings.Contains(s, "out of range") {
		t.Errorf("the English error is on screen:\n%s", s)
	}
	h.key(tea.KeyF12)
	h.typeText("1")
	h.typeText("0")
	h.enter()
	h.wantScreen("收現金額必須大於零")

	en := newHarness(t, nil)
	en.scan("4710088410122")
	en.key(tea.KeyF2)
	en.key(tea.KeyBackspace)
	en.typeText("99999")
	en.enter()
	en.wantScreen("quantity out of range: 99999")
}
