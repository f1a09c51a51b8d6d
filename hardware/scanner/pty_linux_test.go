package scanner

import (
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the master side of a new pseudo-terminal and the path of
// its slave, which stands in for a serial scanner.
func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		unix.Close(fd)
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		unix.Close(fd)
		t.Skipf("ptsname: %v", err)
	}
	master := os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { master.Close() })
	path := "/dev/pts/" + strconv.Itoa(int(n))
	if _, err := os.Stat(path); err != nil {
		t.Skipf("pty slave: %v", err)
	}
	return master, path
}

func termios(t *testing.T, path string) *unix.Termios {
	t.Helper()
	f, err := os.OpenFile(path, unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var tio *unix.Termios
	if cerr := rc.Control(func(fd uintptr) { tio, err = unix.IoctlGetTermios(int(fd), unix.TCGETS) }); cerr != nil {
		t.Fatal(cerr)
	}
	if err != nil {
		t.Fatal(err)
	}
	return tio
}

func TestPTYRawMode(t *testing.T) {
	master, path := openPTY(t)
	before := termios(t, path)
	if before.Lflag&unix.ICANON == 0 || before.Lflag&unix.ECHO == 0 {
		t.Skip("new pty is not in canonical mode with echo; nothing to prove")
	}
	src, err := Parse("serial:" + path + "?baud=115200")
	if err != nil {
		t.Fatal(err)
	}
	events, stop := run(t, src)
	expectState(t, events, Connected)

	tio := termios(t, path)
	if tio.Lflag&(unix.ICANON|unix.ECHO|unix.ISIG|unix.IEXTEN) != 0 || tio.Iflag&(unix.ICRNL|unix.IXON) != 0 || tio.Oflag&unix.OPOST != 0 {
		t.Errorf("not raw: lflag %#x iflag %#x oflag %#x", tio.Lflag, tio.Iflag, tio.Oflag)
	}
	if got := tio.Cflag & unix.CBAUD; got != unix.B115200 {
		t.Errorf("speed flags %#o, want B115200 %#o", got, unix.B115200)
	}

	// In canonical mode ^U (VKILL) would erase "AB", ^D (VEOF) and ^C
	// (VINTR) would be swallowed, and CR would become LF.
	if _, err := master.WriteString("AB\x15CD\x04\x03\r" + "12\n" + "\r\n" + "\x1d0104012345012345\r\n" + "  x  \r"); err != nil {
		t.Fatal(err)
	}
	expectScans(t, events, src.Name(), "AB\x15CD\x04\x03", "12", "\x1d0104012345012345", "x")

	// Nothing is echoed back to the scanner.
	master.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	var buf [64]byte
	if n, err := master.Read(buf[:]); n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("master read %q, %v: want no echo", buf[:n], err)
	}

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	after := termios(t, path)
	if after.Lflag != before.Lflag || after.Iflag != before.Iflag || after.Cflag != before.Cflag {
		t.Errorf("terminal not restored: %+v, was %+v", after, before)
	}
}

func TestPTYLongLine(t *testing.T) {
	master, path := openPTY(t)
	src, err := NewLineSource(path)
	if err != nil {
		t.Fatal(err)
	}
	events, _ := run(t, src)
	expectState(t, events, Connected)
	long := make([]byte, MaxCodeLen+500)
	for i := range long {
		long[i] = '0' + byte(i%10)
	}
	go func() {
		// Written in pieces: the pty input queue holds only a few KB.
		for i := 0; i < len(long); i += 512 {
			master.Write(long[i:min(i+512, len(long))])
			time.Sleep(time.Millisecond)
		}
		master.WriteString("\rafter\r")
	}()
	e := next(t, events)
	if !e.Rejected() || !errors.Is(e.Err, ErrCodeTooLong) {
		t.Fatalf("got %+v, want a too-long rejection", e)
	}
	expectScans(t, events, path, "after")
}

func TestPTYHangup(t *testing.T) {
	master, path := openPTY(t)
	src, err := NewLineSource(path, WithRetry(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	events, _ := run(t, src)
	expectState(t, events, Connected)
	master.WriteString("before\r")
	expectScans(t, events, path, "before")

	// Closing the master is a scanner being unplugged: the slave reads fail
	// and its device node goes away.
	master.Close()
	e := expectState(t, events, Disconnected)
	if e.Err == nil {
		t.Error("Disconnected without an error")
	}
	expectNothing(t, events, 50*time.Millisecond)
}
