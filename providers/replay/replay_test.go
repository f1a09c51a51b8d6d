package replay

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"till/providers"
	"till/providers/httpx"
	"till/store"
)

func TestQueuedVoidReplays(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(kind providers.Kind, o providers.Op, n int) providers.Outcome {
		if st := j.get(o.Key).State; st != store.OpSent {
			t.Errorf("%s sent while the journal says %s, want sent", o.Key, st)
		}
		return providers.Outcome{Status: providers.Approved, Reference: "r1"}
	}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{})
	h.run()

	got := h.waitSettled(1)[0]
	h.waitStatus(func(s map[string]Status) bool { return s["cc"] == Status{State: Online} })
	h.stop()

	if got.Key != "v1" || got.State != store.OpDone || got.Attempts != 1 || !got.NextTry.IsZero() || got.LastError != "" {
		t.Errorf("settled %+v", got)
	}
	var out providers.Outcome
	if err := json.Unmarshal(j.get("v1").Outcome, &out); err != nil || out.Status != providers.Approved || out.Reference != "r1" {
		t.Errorf("journaled outcome %s (%v)", j.get("v1").Outcome, err)
	}
	calls := cc.log()
	if len(calls) != 1 || calls[0].Kind != providers.KindVoid || calls[0].Key != "v1" || calls[0].Target != "pay-S1" {
		t.Errorf("calls %+v, want the void once", calls)
	}
	if len(h.settled) != 0 {
		t.Errorf("OnSettled called %d more times", len(h.settled))
	}
}

func TestPerSaleOrder(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	j.add(op("a", providers.KindVoid, "void-s1", "S1"), store.OpQueued, true)
	j.add(op("b", providers.KindRefund, "refund-s1", "S1"), store.OpQueued, true)
	j.add(op("b", providers.KindRefund, "refund-s2", "S2"), store.OpQueued, true)
	a := &fakePay{name: "a", clock: c}
	a.answer = func(_ providers.Kind, _ providers.Op, n int) providers.Outcome {
		if n == 0 {
			return noAnswer
		}
		return providers.Outcome{Status: providers.Approved}
	}
	b := &fakePay{name: "b", clock: c}
	b.answer = func(_ providers.Kind, o providers.Op, _ int) providers.Outcome {
		if o.Key == "refund-s1" && j.get("void-s1").State != store.OpDone {
			t.Errorf("refund of S1 sent while its void is %s", j.get("void-s1").State)
		}
		return providers.Outcome{Status: providers.Approved}
	}
	h := newHarness(t, c, j, []*fakePay{a, b}, Options{Backoff: httpx.Backoff{Base: time.Second, Cap: time.Minute}})
	h.run()

	// The other sale goes while the void waits out its backoff.
	if got := h.waitSettled(1)[0]; got.Key != "refund-s2" {
		t.Fatalf("first settled %s, want refund-s2", got.Key)
	}
	if d := c.waitSleeps(t, 1); d != 500*time.Millisecond {
		t.Errorf("void waits %v, want 500ms (half the 1s ceiling)", d)
	}
	if st := h.w.Status()["a"]; st.State != Retrying || st.Waiting != 1 || !st.NextTry.Equal(t0.Add(500*time.Millisecond)) || st.LastError == "" {
		t.Errorf("a's status %+v", st)
	}
	if e := j.get("void-s1"); e.State != store.OpQueued || !e.NextTry.Equal(t0.Add(500*time.Millisecond)) || e.Attempts != 1 {
		t.Errorf("void after a failure: %+v", e)
	}
	for _, cl := range b.log() {
		if cl.Key == "refund-s1" {
			t.Fatal("refund of S1 sent before its void")
		}
	}

	c.Advance(500 * time.Millisecond)
	got := h.waitSettled(2)
	if got[0].Key != "void-s1" || got[1].Key != "refund-s1" {
		t.Errorf("settled %s then %s, want the void then the refund", got[0].Key, got[1].Key)
	}
	h.stop()
	if n := len(a.log()); n != 2 {
		t.Errorf("a got %d calls, want 2 (one failure, one success)", n)
	}
	if n := len(b.log()); n != 2 {
		t.Errorf("b got %d calls, want 2", n)
	}
}

func TestUnknownAndLeftovers(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	j.add(op("cc", providers.KindPay, "pay-lost", "S1"), store.OpUnknown, false)
	j.add(op("cc", providers.KindPay, "pay-pending", "S2"), store.OpUnknown, false)
	j.add(op("cc", providers.KindPay, "pay-crash", "S3"), store.OpSent, false)
	j.add(op("cc", providers.KindVoid, "void-crash", "S4"), store.OpSent, true)
	j.add(op("ip", providers.KindPay, "ipass-lost", "S5"), store.OpUnknown, false)

	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(kind providers.Kind, o providers.Op, _ int) providers.Outcome {
		if kind == providers.KindLookup && o.Target == "pay-pending" {
			return providers.Outcome{Status: providers.Pending}
		}
		return providers.Outcome{Status: providers.Approved}
	}
	const noLookup = "iPASS has no look-up: a manager must check this payment"
	ip := &fakePay{name: "ip", clock: c}
	ip.answer = func(providers.Kind, providers.Op, int) providers.Outcome {
		return providers.Outcome{Status: providers.Unknown, Reason: noLookup}
	}
	h := newHarness(t, c, j, []*fakePay{cc, ip}, Options{})

	// Written after the worker started: in flight in the UI, not ours,
	// and it holds back the refund behind it.
	c.Advance(time.Second)
	j.add(op("cc", providers.KindVoid, "void-inflight", "S6"), store.OpSent, true)
	j.add(op("cc", providers.KindRefund, "refund-behind", "S6"), store.OpQueued, true)

	rep, err := h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 4 || rep.Review != 1 || rep.Failed != 0 || rep.Waiting != 1 {
		t.Errorf("report %+v", rep)
	}

	var got []string
	for _, cl := range cc.log() {
		got = append(got, string(cl.Kind)+" "+cl.Key+" "+cl.Target)
	}
	want := []string{
		"lookup  pay-lost",
		"lookup  pay-pending", "follow pay-pending ",
		"lookup  pay-crash",
		"void void-crash pay-S4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("cc calls\n%q\nwant\n%q", got, want)
	}
	if calls := ip.log(); len(calls) != 1 || calls[0].Kind != providers.KindLookup || calls[0].Target != "ipass-lost" || calls[0].TargetKind != providers.KindPay {
		t.Errorf("ip calls %+v, want one look-up", calls)
	}
	if e := j.get("ipass-lost"); e.State != store.OpReview || e.LastError != noLookup {
		t.Errorf("iPASS entry %+v", e)
	}
	for _, k := range []string{"void-inflight", "refund-behind"} {
		if e := j.get(k); e.Attempts != 0 {
			t.Errorf("%s touched: %+v", k, e)
		}
	}
	if n := len(h.settled); n != 5 {
		t.Errorf("OnSettled %d times, want 5", n)
	}
}

func TestProviderDown(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	keys := []string{"v1", "r2", "v3", "r4"}
	j.add(op("cc", providers.KindVoid, "v1", "A"), store.OpQueued, true)
	j.add(op("cc", providers.KindRefund, "r2", "A"), store.OpQueued, true)
	j.add(op("cc", providers.KindVoid, "v3", "B"), store.OpQueued, true)
	j.add(op("cc", providers.KindRefund, "r4", "C"), store.OpQueued, true)

	cc := &fakePay{name: "cc", clock: c}
	var nextTries []time.Duration // v1's NextTry as each call goes, after the first
	cc.answer = func(_ providers.Kind, o providers.Op, n int) providers.Outcome {
		if n > 0 && o.Key == "v1" {
			nextTries = append(nextTries, j.get("v1").NextTry.Sub(t0))
		}
		if n < 5 {
			return noAnswer
		}
		return providers.Outcome{Status: providers.Approved}
	}
	type pause struct {
		d  time.Duration
		st Status
	}
	var pauses []pause
	h := newHarness(t, c, j, []*fakePay{cc}, Options{
		Backoff:   httpx.Backoff{Base: time.Second, Cap: time.Minute, Rand: seq(0.5, 0.75, 0.25, 0.9)},
		TripAfter: 4,
		Cooldown:  30 * time.Second,
	})
	c.onSleep = func(d time.Duration) { pauses = append(pauses, pause{d, h.w.Status()["cc"]}) }
	h.run()
	h.waitSettled(4)
	h.waitStatus(func(s map[string]Status) bool { return s["cc"] == Status{State: Online} })
	h.stop()

	ms := time.Millisecond
	// Full jitter: each wait is the Rand draw times a doubling ceiling,
	// until the circuit opens; then the cooldown rules.
	wantAt := []time.Duration{0, 500 * ms, 2000 * ms, 3000 * ms, 33 * time.Second, 63 * time.Second, 63 * time.Second, 63 * time.Second, 63 * time.Second}
	// Once v1 goes through, the round it was in goes on (v3, r4); r2,
	// held behind v1 in sale A, goes in the next round.
	wantKey := []string{"v1", "v1", "v1", "v1", "v1", "v1", "v3", "r4", "r2"}
	calls := cc.log()
	if len(calls) != len(wantAt) {
		t.Fatalf("%d calls, want %d: %+v", len(calls), len(wantAt), calls)
	}
	for i, cl := range calls {
		if cl.At.Sub(t0) != wantAt[i] || cl.Key != wantKey[i] {
			t.Errorf("call %d: %s at %v, want %s at %v", i, cl.Key, cl.At.Sub(t0), wantKey[i], wantAt[i])
		}
	}
	if want := []time.Duration{500 * ms, 2000 * ms, 3000 * ms, 33 * time.Second, 63 * time.Second}; !slices.Equal(nextTries, want) {
		t.Errorf("v1's NextTry went %v, want %v", nextTries, want)
	}

	wantPause := []pause{
		{500 * ms, Status{State: Retrying, Waiting: 4, LastError: noAnswer.Reason, NextTry: t0.Add(500 * ms)}},
		{1500 * ms, Status{State: Retrying, Waiting: 4, LastError: noAnswer.Reason, NextTry: t0.Add(2000 * ms)}},
		{1000 * ms, Status{State: Retrying, Waiting: 4, LastError: noAnswer.Reason, NextTry: t0.Add(3000 * ms)}},
		{30 * time.Second, Status{State: Offline, Waiting: 4, LastError: noAnswer.Reason, NextTry: t0.Add(33 * time.Second)}},
		{30 * time.Second, Status{State: Offline, Waiting: 4, LastError: noAnswer.Reason, NextTry: t0.Add(63 * time.Second)}},
	}
	if len(pauses) != len(wantPause) {
		t.Fatalf("paused %d times, want %d: %+v", len(pauses), len(wantPause), pauses)
	}
	for i, p := range pauses {
		if p.d != wantPause[i].d || !sameStatus(p.st, wantPause[i].st) {
			t.Errorf("pause %d: %v with %+v, want %v with %+v", i, p.d, p.st, wantPause[i].d, wantPause[i].st)
		}
	}
	for _, k := range keys {
		ok := 0
		for _, cl := range calls {
			if cl.Key == k && cl.Out.Status == providers.Approved {
				ok++
			}
		}
		if ok != 1 || j.get(k).State != store.OpDone {
			t.Errorf("%s approved %d times, state %s", k, ok, j.get(k).State)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	for _, k := range []string{"v1", "v2", "v3"} {
		j.add(op("cc", providers.KindVoid, k, "S-"+k), store.OpQueued, true)
	}
	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(_ providers.Kind, _ providers.Op, n int) providers.Outcome {
		if n == 0 {
			return providers.Outcome{Status: providers.Declined, Code: "http_429", Reason: "busy", Retryable: true, RetryAfter: 5 * time.Second}
		}
		return providers.Outcome{Status: providers.Approved}
	}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{Backoff: httpx.Backoff{Base: 10 * time.Millisecond, Cap: time.Second}})
	h.run()

	if d := c.waitSleeps(t, 1); d != 5*time.Second {
		t.Fatalf("waits %v after a 429, want the 5s Retry-After", d)
	}
	if e := j.get("v1"); e.State != store.OpQueued || !e.NextTry.Equal(t0.Add(5*time.Second)) {
		t.Errorf("v1 after the 429: %+v", e)
	}
	// Kick waives the backoff, not the provider's Retry-After.
	h.w.Kick()
	if d := c.waitSleeps(t, 2); d != 5*time.Second {
		t.Errorf("after Kick waits %v, want 5s still", d)
	}
	if n := len(cc.log()); n != 1 {
		t.Fatalf("%d calls before Retry-After passed", n)
	}
	c.Advance(5 * time.Second)
	h.waitSettled(3)
	h.stop()
	for i, cl := range cc.log()[1:] {
		if cl.At.Before(t0.Add(5 * time.Second)) {
			t.Errorf("call %d at %v, before Retry-After", i+1, cl.At.Sub(t0))
		}
	}
}

func TestRateLimit(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	const n = 100
	for i := range n {
		k := "r" + string(rune('A'+i/26)) + string(rune('a'+i%26))
		j.add(op("cc", providers.KindRefund, k, "S"+k), store.OpQueued, true)
	}
	cc := &fakePay{name: "cc", clock: c}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{Rate: 5, Burst: 5})
	h.run()
	h.waitSettled(n)
	h.stop()

	calls := cc.log()
	if len(calls) != n {
		t.Fatalf("%d calls, want %d", len(calls), n)
	}
	perSecond := map[int]int{}
	for _, cl := range calls {
		perSecond[int(cl.At.Sub(t0)/time.Second)]++
	}
	for s, k := range perSecond {
		// The first second also spends the burst.
		if limit := map[bool]int{true: 5 + 5, false: 5}[s == 0]; k > limit {
			t.Errorf("second %d: %d sends, limit %d", s, k, limit)
		}
	}
	// A token bucket: any k+1 sends span at least (k+1-burst)/rate.
	for i := range calls {
		for k := i + 5; k < len(calls); k++ {
			span := calls[k].At.Sub(calls[i].At).Seconds()
			if need := float64(k-i+1-5) / 5; span < need-1e-6 {
				t.Fatalf("sends %d..%d within %.3fs, need %.3fs", i, k, span, need)
			}
		}
	}
	if last := calls[n-1].At.Sub(t0).Seconds(); math.Abs(last-19) > 0.01 {
		t.Errorf("last send at %.3fs, want 19s (95 after the burst, at 5/s)", last)
	}
}

func TestDrainOnceReport(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	late := j.add(op("cc", providers.KindVoid, "v-late", "S1"), store.OpQueued, true)
	j.JournalUpdate(late.Key, func(e *store.JournalEntry) error { e.NextTry = t0.Add(time.Hour); return nil })
	j.add(op("cc", providers.KindRefund, "r-bad", "S2"), store.OpQueued, true)
	j.add(op("ip", providers.KindPay, "p-ipass", "S3"), store.OpUnknown, false)
	j.add(op("dn", providers.KindVoid, "v-down", "S4"), store.OpQueued, true)
	j.add(op("dn", providers.KindRefund, "r-down", "S4"), store.OpQueued, true)
	j.add(op("cc", providers.KindPay, "p-live", "S6"), store.OpQueued, false)
	j.add(op("zz", providers.KindVoid, "v-nowhere", "S7"), store.OpQueued, true)
	j.add(op("cc", providers.KindVoid, "v8", "S8"), store.OpQueued, true)
	j.add(op("cc", providers.KindRefund, "r8", "S8"), store.OpQueued, true)

	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(_ providers.Kind, o providers.Op, _ int) providers.Outcome {
		if o.Key == "r-bad" {
			return providers.Outcome{Status: providers.Declined, Code: "invalid_operation", Reason: "the refund is malformed"}
		}
		return providers.Outcome{Status: providers.Approved}
	}
	ip := &fakePay{name: "ip", clock: c}
	ip.answer = func(providers.Kind, providers.Op, int) providers.Outcome {
		return providers.Outcome{Status: providers.Unknown, Reason: "a manager must check"}
	}
	dn := &fakePay{name: "dn", clock: c}
	dn.answer = func(providers.Kind, providers.Op, int) providers.Outcome { return noAnswer }
	h := newHarness(t, c, j, []*fakePay{cc, ip, dn}, Options{TripAfter: 1})

	rep, err := h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 3 || rep.Failed != 1 || rep.Review != 1 || rep.Waiting != 3 {
		t.Errorf("report %+v, want 3 done, 1 failed, 1 review, 3 waiting", rep)
	}
	for _, want := range []string{"r-bad", "p-ipass", "v-down", "v-nowhere", "dn is offline"} {
		if !slices.ContainsFunc(rep.Errors, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("no error about %s in %q", want, rep.Errors)
		}
	}
	if e := j.get("r-bad"); e.State != store.OpFailed || e.LastError != "the refund is malformed" {
		t.Errorf("r-bad %+v", e)
	}
	if e := j.get("p-live"); e.State != store.OpQueued || e.Attempts != 0 {
		t.Errorf("a non-deferrable charge was touched: %+v", e)
	}
	if got := h.w.Status()["dn"]; got.State != Offline || got.Waiting != 2 {
		t.Errorf("dn status %+v", got)
	}

	// Again at once: dn is cooling down, so it is not asked.
	rep, err = h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done+rep.Failed+rep.Review != 0 || rep.Waiting != 3 {
		t.Errorf("second report %+v", rep)
	}
	if n := len(dn.log()); n != 1 {
		t.Errorf("dn asked %d times, want once: its circuit is open", n)
	}
}

func TestKickWakesLongWait(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	e := j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	j.JournalUpdate(e.Key, func(e *store.JournalEntry) error { e.NextTry = t0.Add(time.Hour); return nil })
	cc := &fakePay{name: "cc", clock: c}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{})
	h.run()

	if d := c.waitSleeps(t, 1); d != time.Hour {
		t.Fatalf("sleeps %v, want an hour", d)
	}
	if st := h.w.Status()["cc"]; st.State != Retrying || !st.NextTry.Equal(t0.Add(time.Hour)) {
		t.Errorf("status %+v", st)
	}
	h.w.Kick()
	h.waitSettled(1)
	h.stop()
	if calls := cc.log(); len(calls) != 1 || !calls[0].At.Equal(t0) {
		t.Errorf("calls %+v, want one at once", calls)
	}
}

func TestKickProbesOpenCircuitOnce(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	cc := &fakePay{name: "cc", clock: c}
	up := make(chan bool, 1)
	up <- false
	cc.answer = func(providers.Kind, providers.Op, int) providers.Outcome {
		ok := <-up
		up <- ok
		if ok {
			return providers.Outcome{Status: providers.Approved}
		}
		return noAnswer
	}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{TripAfter: 1, Cooldown: 30 * time.Second})
	h.run()

	if d := c.waitSleeps(t, 1); d != 30*time.Second {
		t.Fatalf("open circuit sleeps %v, want the 30s cooldown", d)
	}
	if st := h.w.Status()["cc"]; st.State != Offline {
		t.Errorf("status %+v, want offline", st)
	}
	for i := 2; i <= 3; i++ {
		h.w.Kick()
		if d := c.waitSleeps(t, i); d != 30*time.Second {
			t.Errorf("after a failed probe sleeps %v, want a fresh cooldown", d)
		}
		if n := len(cc.log()); n != i {
			t.Errorf("%d calls after %d kicks, want one probe each", n, i-1)
		}
	}
	<-up
	up <- true
	h.w.Kick()
	h.waitSettled(1)
	h.waitStatus(func(s map[string]Status) bool { return s["cc"] == Status{State: Online} })
	h.stop()
	if !c.Now().Equal(t0) {
		t.Errorf("clock moved to %v: the probes were not from Kick", c.Now())
	}
}

func TestRunStopsCleanly(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	e := j.add(op("a", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	j.JournalUpdate(e.Key, func(e *store.JournalEntry) error { e.NextTry = t0.Add(time.Hour); return nil })
	a := &fakePay{name: "a", clock: c}
	b := &fakePay{name: "b", clock: c}
	h := newHarness(t, c, j, []*fakePay{a, b}, Options{})
	h.run()
	c.waitSleeps(t, 1) // a sleeps on its entry; b waits with nothing to do

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := h.w.Run(ctx); !errors.Is(err, ErrRunning) {
		t.Errorf("second Run: %v, want ErrRunning", err)
	}
	h.stop()

	buf := make([]byte, 1<<20)
	stacks := string(buf[:runtime.Stack(buf, true)])
	if strings.Contains(stacks, "providers/replay.(*Worker)") {
		t.Errorf("worker goroutines left after Run returned:\n%s", stacks)
	}
}

func TestSettledElsewhereWins(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(_ providers.Kind, o providers.Op, _ int) providers.Outcome {
		// A manager settles it while the request is out.
		j.JournalUpdate(o.Key, func(e *store.JournalEntry) error {
			e.State, e.ResolvedBy = store.OpDone, "manager"
			return nil
		})
		return providers.Outcome{Status: providers.Declined, Reason: "already voided"}
	}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{})
	rep, err := h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 0 || rep.Waiting != 0 || len(h.settled) != 0 {
		t.Errorf("report %+v, %d settled", rep, len(h.settled))
	}
	if e := j.get("v1"); e.ResolvedBy != "manager" || e.Outcome != nil {
		t.Errorf("the manager's settlement was overwritten: %+v", e)
	}
}

func TestPendingThenLookedUp(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	j.add(op("cc", providers.KindRefund, "r1", "S1"), store.OpQueued, true)
	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(kind providers.Kind, _ providers.Op, n int) providers.Outcome {
		if n == 0 {
			return providers.Outcome{Status: providers.Pending}
		}
		return providers.Outcome{Status: providers.Approved}
	}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{Backoff: httpx.Backoff{Base: 2 * time.Second, Cap: time.Minute}})
	h.run()
	h.waitSettled(1)
	h.stop()
	calls := cc.log()
	if len(calls) != 2 || calls[0].Kind != providers.KindRefund || calls[1].Kind != providers.KindLookup || calls[1].Target != "r1" || calls[1].TargetKind != providers.KindRefund {
		t.Fatalf("calls %+v, want the refund then a look-up of it", calls)
	}
	if d := calls[1].At.Sub(calls[0].At); d != time.Second {
		t.Errorf("looked up after %v, want the 1s backoff", d)
	}
	if e := j.get("r1"); e.State != store.OpDone || e.Attempts != 2 {
		t.Errorf("entry %+v", e)
	}
}

func TestJournalReadFailureBacksOff(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	j.readErr = errors.New("disk on fire")
	h := newHarness(t, c, j, []*fakePay{{name: "cc", clock: c}}, Options{Backoff: httpx.Backoff{Base: time.Second, Cap: 4 * time.Second}})
	h.run()
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		if d := c.waitSleeps(t, i+1); d != want {
			t.Errorf("wait %d: %v, want %v", i, d, want)
		}
		c.Advance(want)
	}
	h.stop()
	if st := h.w.Status()["cc"]; st.State != Retrying || !strings.Contains(st.LastError, "journal") {
		t.Errorf("status %+v", st)
	}
}

func TestJudge(t *testing.T) {
	pay, void := providers.KindPay, providers.KindVoid
	cases := []struct {
		name       string
		kind       providers.Kind
		lookup     bool
		deferrable bool
		out        providers.Outcome
		want       verdict
	}{
		{"approved", void, false, true, providers.Outcome{Status: providers.Approved}, verdict{state: store.OpDone}},
		{"declined", void, false, true, providers.Outcome{Status: providers.Declined, Code: "expired"}, verdict{state: store.OpDone}},
		{"malformed", void, false, true, providers.Outcome{Status: providers.Declined, Code: "invalid_operation"}, verdict{state: store.OpFailed}},
		{"cancan not sent", void, false, true, providers.Outcome{Status: providers.Declined, Detail: "not sent: no sale to void"}, verdict{state: store.OpFailed}},
		{"malformed look-up", pay, true, false, providers.Outcome{Status: providers.Declined, Code: "invalid_request"}, verdict{state: store.OpReview}},
		{"busy void", void, false, true, providers.Outcome{Status: providers.Declined, Retryable: true}, verdict{state: store.OpQueued, failure: true}},
		{"lost void", void, false, true, providers.Outcome{Status: providers.Unknown, Retryable: true}, verdict{state: store.OpQueued, failure: true}},
		{"lost charge", pay, false, true, providers.Outcome{Status: providers.Unknown, Retryable: true}, verdict{state: store.OpUnknown, failure: true}},
		{"lost resent void", void, false, false, providers.Outcome{Status: providers.Unknown, Retryable: true}, verdict{state: store.OpUnknown, failure: true}},
		{"pending", void, false, true, providers.Outcome{Status: providers.Pending}, verdict{state: store.OpUnknown}},
		{"unclear answer", void, false, true, providers.Outcome{Status: providers.Unknown}, verdict{state: store.OpUnknown}},
		{"look-up failed", pay, true, false, providers.Outcome{Status: providers.Unknown, Retryable: true}, verdict{state: store.OpUnknown, failure: true}},
		{"no look-up", pay, true, false, providers.Outcome{Status: providers.Unknown}, verdict{state: store.OpReview}},
		{"look-up not sent", pay, true, false, providers.Outcome{Status: providers.Declined, Retryable: true}, verdict{state: store.OpUnknown, failure: true}},
		{"never arrived", pay, true, false, providers.Outcome{Status: providers.Declined, Code: "not_found_error"}, verdict{state: store.OpDone}},
		{"nonsense", pay, true, false, providers.Outcome{Status: "weird"}, verdict{state: store.OpReview}},
	}
	for _, tc := range cases {
		if got := judge(tc.kind, tc.lookup, tc.deferrable, tc.out); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestUnreadableOpFails(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	e := j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	j.JournalUpdate(e.Key, func(e *store.JournalEntry) error { e.Op = json.RawMessage(`"garbled"`); return nil })
	cc := &fakePay{name: "cc", clock: c}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{Rate: rate.Inf})
	rep, err := h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failed != 1 || len(cc.log()) != 0 || j.get("v1").State != store.OpFailed {
		t.Errorf("report %+v, calls %+v, entry %+v", rep, cc.log(), j.get("v1"))
	}
}

func TestUnwrittenOutcomeIsResolvedAgain(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	cc := &fakePay{name: "cc", clock: c}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{})
	c.Advance(time.Second) // queued after start: only a failed write makes its "sent" ours
	j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	j.writeErr = func(e store.JournalEntry) error {
		if e.State == store.OpDone {
			return errors.New("disk full")
		}
		return nil
	}
	rep, err := h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if e := j.get("v1"); e.State != store.OpSent || rep.Done != 0 || len(rep.Errors) != 1 {
		t.Fatalf("after a failed write: entry %+v, report %+v", e, rep)
	}
	j.writeErr = nil
	rep, err = h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if e := j.get("v1"); e.State != store.OpDone || rep.Done != 1 {
		t.Errorf("entry %+v, report %+v", e, rep)
	}
	calls := cc.log()
	if len(calls) != 2 || calls[0].Key != "v1" || calls[1].Key != "v1" || calls[1].Kind != providers.KindVoid {
		t.Errorf("calls %+v, want the void sent again with its key", calls)
	}
}

func TestWakeSeesNewEntry(t *testing.T) {
	c := newClock(false)
	j := newJournal(c)
	cc := &fakePay{name: "cc", clock: c}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{})
	h.run()
	h.waitStatus(func(s map[string]Status) bool { return s["cc"].State == Online })
	j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	h.w.Wake()
	if got := h.waitSettled(1)[0]; got.Key != "v1" || got.State != store.OpDone {
		t.Errorf("settled %+v", got)
	}
}

func TestDrainOnceWaitsForRetryAfter(t *testing.T) {
	c := newClock(true)
	j := newJournal(c)
	j.add(op("cc", providers.KindVoid, "v1", "S1"), store.OpQueued, true)
	j.add(op("cc", providers.KindVoid, "v2", "S2"), store.OpQueued, true)
	cc := &fakePay{name: "cc", clock: c}
	cc.answer = func(_ providers.Kind, _ providers.Op, n int) providers.Outcome {
		if n == 0 {
			return providers.Outcome{Status: providers.Unknown, Retryable: true, RetryAfter: 5 * time.Second}
		}
		return providers.Outcome{Status: providers.Approved}
	}
	h := newHarness(t, c, j, []*fakePay{cc}, Options{})
	rep, err := h.w.DrainOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 1 || rep.Waiting != 1 {
		t.Errorf("report %+v", rep)
	}
	if calls := cc.log(); len(calls) != 2 || calls[1].At.Sub(t0) != 5*time.Second {
		t.Errorf("calls %+v, want v2 sent once Retry-After passed", calls)
	}
}
