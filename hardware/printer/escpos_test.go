package printer

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// token is one element of a parsed ESC/POS stream.
type token struct {
	off  int
	cmd  string // "text", or a command's name as in escpos.go
	args []byte // a command's parameters (GS k: m, n and the data); a text run's bytes; a QR code's data
}

func (t token) String() string {
	switch t.cmd {
	case "text":
		return fmt.Sprintf("%5d text %q", t.off, t.args)
	case "QR store":
		return fmt.Sprintf("%5d QR store %q", t.off, t.args)
	case "GS k":
		return fmt.Sprintf("%5d GS k %d %d %q", t.off, t.args[0], t.args[1], t.args[2:])
	}
	return fmt.Sprintf("%5d %s % x", t.off, t.cmd, t.args)
}

// parseStream splits a job into commands and text runs, knowing exactly
// the commands this package writes. It fails on any other control byte,
// and on a text byte that is not part of a well-formed character of enc:
// so a stream it accepts has no command but those it lists.
func parseStream(b []byte, enc Encoding) ([]token, error) {
	var out []token
	need := func(i, n int) error {
		if i+n > len(b) {
			return fmt.Errorf("offset %d: command % x cut short", i, b[i:])
		}
		return nil
	}
	for i := 0; i < len(b); {
		c := b[i]
		if n := charLen(b[i:], enc); n > 0 {
			if len(out) > 0 && out[len(out)-1].cmd == "text" && out[len(out)-1].off+len(out[len(out)-1].args) == i {
				out[len(out)-1].args = append(out[len(out)-1].args, b[i:i+n]...)
			} else {
				out = append(out, token{off: i, cmd: "text", args: append([]byte(nil), b[i:i+n]...)})
			}
			i += n
			continue
		}
		if c >= 0x20 && c != 0x7F {
			return nil, fmt.Errorf("offset %d: byte %#x is not a whole %s character: % x", i, c, enc, b[i:min(i+4, len(b))])
		}
		var name string
		n := 0 // parameter bytes after the two command bytes
		switch {
		case c == lf:
			out = append(out, token{off: i, cmd: "LF"})
			i++
			continue
		case c == esc && i+1 < len(b):
			switch b[i+1] {
			case '@':
				name = "ESC @"
			case 'R', 't', 'a', 'd':
				name, n = "ESC "+string(b[i+1]), 1
			case 'p':
				name, n = "ESC p", 3
			}
		case c == fs && i+1 < len(b) && (b[i+1] == '&' || b[i+1] == '.'):
			name = "FS " + string(b[i+1])
		case c == gs && i+1 < len(b) && b[i+1] == 'V':
			name, n = "GS V", 1
			if i+2 < len(b) && (b[i+2] == 65 || b[i+2] == 66) {
				n = 2
			}
		case c == gs && i+1 < len(b) && (b[i+1] == 'h' || b[i+1] == 'w' || b[i+1] == 'H'):
			name, n = "GS "+string(b[i+1]), 1
		case c == gs && i+1 < len(b) && b[i+1] == 'k':
			// Only what receiptBarcode makes: CODE128 (m=73) of "{B"
			// and digits, n bytes long.
			if err := need(i, 4); err != nil {
				return nil, err
			}
			if err := need(i, 4+int(b[i+3])); err != nil {
				return nil, err
			}
			data := b[i+4 : i+4+int(b[i+3])]
			if b[i+2] != code128 || len(data) < 3 || string(data[:2]) != "{B" || strings.ContainsFunc(string(data[2:]), func(r rune) bool { return r < '0' || r > '9' }) {
				return nil, fmt.Errorf("offset %d: GS k % x is not a CODE128 receipt number", i, b[i+2:i+4+len(data)])
			}
			out = append(out, token{off: i, cmd: "GS k", args: append([]byte(nil), b[i+2:i+4+len(data)]...)})
			i += 4 + len(data)
			continue
		case c == gs && i+2 < len(b) && b[i+1] == '(' && b[i+2] == 'k':
			if err := need(i, 5); err != nil {
				return nil, err
			}
			size := int(b[i+3]) | int(b[i+4])<<8
			if err := need(i, 5+size); err != nil {
				return nil, err
			}
			p := b[i+5 : i+5+size]
			if size < 3 || p[0] != '1' {
				return nil, fmt.Errorf("offset %d: GS ( k % x is not a QR code function", i, p)
			}
			t := token{off: i, args: append([]byte(nil), p[2:]...)}
			switch {
			case p[1] == 'A' && size == 4:
				t.cmd = "QR model"
			case p[1] == 'C' && size == 3:
				t.cmd = "QR size"
			case p[1] == 'E' && size == 3:
				t.cmd = "QR level"
			case p[1] == 'P' && p[2] == '0':
				t.cmd, t.args = "QR store", t.args[1:]
			case p[1] == 'Q' && size == 3:
				t.cmd = "QR print"
			default:
				return nil, fmt.Errorf("offset %d: unknown QR function % x", i, p)
			}
			out = append(out, t)
			i += 5 + size
			continue
		case c == dle && i+1 < len(b) && b[i+1] == eot:
			name, n = "DLE EOT", 1
		case c == dle && i+1 < len(b) && b[i+1] == 0x14:
			name, n = "DLE DC4", 3
		}
		if name == "" {
			return nil, fmt.Errorf("offset %d: control byte %#x starts no command of this package: % x", i, c, b[i:min(i+4, len(b))])
		}
		if err := need(i, 2+n); err != nil {
			return nil, err
		}
		out = append(out, token{off: i, cmd: name, args: append([]byte(nil), b[i+2:i+2+n]...)})
		i += 2 + n
	}
	return out, nil
}

// charLen is the length of the well-formed printable character of enc at
// the start of b, or 0. It is written apart from the encoder's own check,
// and looser: any lead byte 0x81..0xFE.
func charLen(b []byte, enc Encoding) int {
	lead := func(c byte) bool { return c >= 0x81 && c <= 0xFE }
	digit := func(c byte) bool { return c >= '0' && c <= '9' }
	switch {
	case b[0] >= 0x20 && b[0] <= 0x7E:
		return 1
	case enc == ASCII:
		return 0
	case enc == GB18030 && len(b) >= 4 && lead(b[0]) && digit(b[1]) && lead(b[2]) && digit(b[3]):
		return 4
	case len(b) >= 2 && lead(b[0]) && b[1] >= 0x40 && b[1] <= 0xFE && b[1] != 0x7F:
		return 2
	}
	return 0
}

// columns is how many columns a text run prints: one per ASCII byte, two
// per multi-byte character.
func columns(run []byte, enc Encoding) int {
	n := 0
	for i := 0; i < len(run); {
		l := charLen(run[i:], enc)
		if l == 0 {
			return -1
		}
		n += min(l, 2)
		i += l
	}
	return n
}

func mustParse(t testing.TB, b []byte, enc Encoding) []token {
	t.Helper()
	toks, err := parseStream(b, enc)
	if err != nil {
		t.Fatalf("%v\n%s", err, dump(b, enc))
	}
	return toks
}

// dump is a stream one command or text run a line, for failure messages.
func dump(b []byte, enc Encoding) string {
	toks, err := parseStream(b, enc)
	var s strings.Builder
	for _, t := range toks {
		s.WriteString(t.String() + "\n")
	}
	if err != nil {
		s.WriteString("!! " + err.Error() + "\n")
	}
	return s.String()
}

func count(toks []token, cmd string) int {
	n := 0
	for _, t := range toks {
		if t.cmd == cmd {
			n++
		}
	}
	return n
}

func checkGolden(t *testing.T, name string, got []byte, enc Encoding) {
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
		t.Errorf("%s differs\n--- got\n%s--- want\n%s", path, dump(got, enc), dump(want, enc))
	}
}

func TestParseStreamRefusesForeignCommands(t *testing.T) {
	for _, b := range []string{"ab\x1b", "\x1d!\x11", "\x07", "a\x7fb", "\xa4", "\xa4\x1b", "\xa4\x7f", "\x1d(k\x10\x00", "\x1b@\x1bp\x00",
		"\x1dk", "\x1dkI", "\x1dkI\x08{B0001", "\x1dkA\x06000123", "\x1dk\x04000123\x00", "\x1dkI\x08{A000123", "\x1dkI\x08{B00\x1bp23", "\x1dkI\x02{B", "\x1dh"} {
		if _, err := parseStream([]byte(b), Big5); err == nil {
			t.Errorf("%q parsed", b)
		}
	}
	if _, err := parseStream([]byte("\xa4\xa4"), ASCII); err == nil {
		t.Error("a double-byte character parsed as ASCII")
	}
}
