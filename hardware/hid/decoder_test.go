package hid

import (
	"errors"
	"slices"
	"testing"

	"till/hardware/scanner"
)

// checkOverlong feeds d the reports of a code over MaxCodeLen, then those
// of the code 42: d must never hold more than MaxCodeLen bytes (held says
// how many it holds), must report the long code once, as ErrCodeTooLong,
// and must pass 42 on.
func checkOverlong(t *testing.T, d Decoder, held func() int, long, then [][]byte) {
	t.Helper()
	var rs []Result
	for _, r := range slices.Concat(long, then) {
		rs = append(rs, d.Feed(r)...)
		if held() > scanner.MaxCodeLen {
			t.Fatalf("decoder holds %d bytes", held())
		}
	}
	cs, es := split(rs)
	if len(es) != 1 || !errors.Is(es[0], scanner.ErrCodeTooLong) {
		t.Errorf("errors %v, want one ErrCodeTooLong", es)
	}
	if !slices.Equal(cs, []string{"42"}) {
		t.Errorf("codes %q, want just 42 after the long one", cs)
	}
}

// flatten joins reports into a fuzz input: each a length byte, then the
// report.
func flatten(rs [][]byte) []byte {
	var b []byte
	for _, r := range rs {
		b = append(b, byte(len(r)))
		b = append(b, r...)
	}
	return b
}

// unflatten splits a fuzz input into reports: a byte giving the length
// (modulo maxLen), then that many bytes, or what is left.
func unflatten(data []byte, maxLen int) [][]byte {
	var rs [][]byte
	for len(data) > 0 {
		n := min(int(data[0])%maxLen, len(data)-1)
		rs = append(rs, data[1:1+n])
		data = data[1+n:]
	}
	return rs
}
