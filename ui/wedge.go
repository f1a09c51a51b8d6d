package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// wedgeState tells a keyboard-wedge scanner from a person: the scanner
// types a whole code in a burst, each key within a few milliseconds of the
// last, and ends it with Enter. Printable keys are held back while such a
// burst may be under way; a burst of at least WedgeMin keys ending in
// Enter becomes one scan, whatever has the focus, and anything else is
// played back as the keys it was, at most WedgeGap late.
type wedgeState struct {
	held []tea.KeyPressMsg
	last time.Time
	fast bool   // every gap so far within WedgeGap
	seq  uint64 // counts held keys, so a stale flush is ignored
}

// wedgeFlushMsg plays held keys back when no key followed within the gap.
type wedgeFlushMsg struct{ seq uint64 }

func printable(k tea.KeyPressMsg) bool {
	return len([]rune(k.Text)) == 1 && k.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper) == 0
}

// wedgeKey holds back, turns into a scan or plays back a key press. It
// reports false for a key it leaves to the screens (none held back).
func (m *Model) wedgeKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	gap := m.opt.WedgeGap
	if gap <= 0 {
		return nil, false
	}
	now := m.opt.Now()
	w := &m.wedge
	switch {
	case printable(k):
		if len(w.held) == 0 {
			w.fast = true
		} else if now.Sub(w.last) > gap {
			w.fast = false
		}
		w.held = append(w.held, k)
		w.last = now
		w.seq++
		seq := w.seq
		return m.opt.Tick(gap, func(time.Time) tea.Msg { return wedgeFlushMsg{seq: seq} }), true
	case len(w.held) == 0:
		return nil, false
	case k.Code == tea.KeyEnter && w.fast && len(w.held) >= m.opt.WedgeMin && now.Sub(w.last) <= gap:
		code := make([]rune, 0, len(w.held))
		for _, h := range w.held {
			code = append(code, []rune(h.Text)...)
		}
		*w = wedgeState{seq: w.seq}
		return m.onScan(ScanMsg{Code: string(code), Source: "keyboard"}), true
	}
	// Not a scan: the held keys, then this one, as typed.
	return tea.Batch(m.replay(), m.handleKey(k)), true
}

// replay hands the held keys to the screens, in order.
func (m *Model) replay() tea.Cmd {
	held := m.wedge.held
	m.wedge = wedgeState{seq: m.wedge.seq}
	cmds := make([]tea.Cmd, 0, len(held))
	for _, k := range held {
		cmds = append(cmds, m.handleKey(k))
	}
	return tea.Batch(cmds...)
}

func (m *Model) onWedgeFlush(msg wedgeFlushMsg) tea.Cmd {
	if msg.seq != m.wedge.seq || len(m.wedge.held) == 0 {
		return nil // a key came since: its own flush is on the way
	}
	return m.replay()
}
