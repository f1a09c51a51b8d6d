// Package simfault is the fault injection the provider simulators share:
// what can go wrong, which request a fault applies to, and how a dead
// network is played; Serve plays them around a simulator's answers.
package simfault

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Fault is what is wrong with a simulator now. Counters apply to the next
// N requests, one counter a request, in the order of the fields.
type Fault struct {
	// Down closes every connection without an answer and without
	// processing the request. It consumes no counter.
	Down bool
	// Slow delays every answer (after processing it) by this much, or
	// until the client gives up.
	Slow time.Duration
	// RateLimit answers the next N requests 429, unprocessed, with
	// RetryAfter (whole seconds, rounded up) when it is positive.
	RateLimit  int
	RetryAfter time.Duration
	// Status500 answers the next N requests 500 without processing them.
	Status500 int
	// Status500After processes the next N state-changing requests and
	// answers 500 anyway: the client cannot tell whether they happened.
	Status500After int
	// DropAnswer processes the next N state-changing requests and closes
	// the connection instead of answering.
	DropAnswer int
}

// Action is what a request gets.
type Action int

const (
	None Action = iota
	RateLimited
	Status500
	Status500After
	Drop
)

// Faults holds a simulator's faults; safe for concurrent use.
type Faults struct {
	mu sync.Mutex
	f  Fault
}

// Set replaces the faults.
func (s *Faults) Set(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.f = f
}

// Get returns the faults with what is left of their counters.
func (s *Faults) Get() Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f
}

// Take snapshots the faults and spends the counter that applies to this
// request; changes says whether it would change state (the only requests
// Status500After and DropAnswer apply to).
func (s *Faults) Take(changes bool) (Fault, Action) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.f
	switch {
	case f.Down:
		return f, None
	case s.f.RateLimit > 0:
		s.f.RateLimit--
		return f, RateLimited
	case s.f.Status500 > 0:
		s.f.Status500--
		return f, Status500
	case changes && s.f.Status500After > 0:
		s.f.Status500After--
		return f, Status500After
	case changes && s.f.DropAnswer > 0:
		s.f.DropAnswer--
		return f, Drop
	}
	return f, None
}

// SetRetryAfter adds a Retry-After header of d in whole seconds, rounded
// up, when d is positive.
func SetRetryAfter(h http.Header, d time.Duration) {
	if d > 0 {
		h.Set("Retry-After", strconv.Itoa(int((d+time.Second-1)/time.Second)))
	}
}

// delay waits d, or until the client gives up; it reports whether the
// answer should still be written.
func delay(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// abort ends the exchange without an answer, as a dead network would.
// Where the connection cannot be taken over, fallback answers instead
// when it is given (a 503 for Down), else the handler is aborted.
func abort(w http.ResponseWriter, fallback func(http.ResponseWriter)) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	if fallback != nil {
		fallback(w)
		return
	}
	panic(http.ErrAbortHandler)
}

// Response is a simulator's answer, ready to write.
type Response interface{ Write(w http.ResponseWriter) }

// Replies are a simulator's own answers to the faults it plays, in its
// provider's error format.
type Replies[R Response] struct {
	Down     func() R // where a connection cannot be closed unanswered
	TooMany  func(retryAfter time.Duration) R
	Internal func() R
}

// Serve answers r as the faults installed in s say: closed unanswered
// when down; 429 or 500 without processing; else serve's answer,
// replaced by a 500 after processing, delayed, or dropped after
// processing. changes says r is a state-changing request.
func Serve[R Response](s *Faults, w http.ResponseWriter, r *http.Request, changes bool, rep Replies[R], serve func() R) {
	f, act := s.Take(changes)
	if f.Down {
		abort(w, func(w http.ResponseWriter) { rep.Down().Write(w) })
		return
	}
	var a R
	switch act {
	case RateLimited:
		a = rep.TooMany(f.RetryAfter)
	case Status500:
		a = rep.Internal()
	default:
		a = serve()
		if act == Status500After {
			a = rep.Internal()
		}
	}
	if !delay(r, f.Slow) {
		return
	}
	if act == Drop {
		abort(w, nil)
		return
	}
	a.Write(w)
}
