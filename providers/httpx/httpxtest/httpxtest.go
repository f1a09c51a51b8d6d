// Package httpxtest is what the adapters' tests share: golden request
// files, a fake clock, instant recorded sleeps, and a recorder of the
// requests sent to a test server.
package httpxtest

import (
	"bytes"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// Request writes a request as the golden files hold it: the request line,
// the headers sorted by name, a blank line and the body exactly as sent.
// show, when given, decides how a header value is written, and whether
// at all (a key redacted, a transport header left out).
func Request(method, target string, header http.Header, body []byte, show func(name, value string) (string, bool)) []byte {
	var b bytes.Buffer
	b.WriteString(method + " " + target + "\n")
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range header {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, v := range header[k] {
			if show != nil {
				var ok bool
				if v, ok = show(k, v); !ok {
					continue
				}
			}
			b.WriteString(k + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	b.Write(body)
	b.WriteString("\n")
	return b.Bytes()
}

// Golden compares got with testdata/NAME.golden; with -update it writes
// the file first.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
