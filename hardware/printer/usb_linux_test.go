package printer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// fakeUSB is a printer behind a character device: a pseudo-terminal in raw
// mode, whose slave the usb transport opens as it would /dev/usb/lp0 (a
// pollable device read and written by the same fd), the master playing
// the printer.
type fakeUSB struct {
	responder
	path string
	mu   sync.Mutex
	got  []byte
}

func ioctl(fd, req uintptr, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

func newFakeUSB(t *testing.T) *fakeUSB {
	t.Helper()
	fd, err := syscall.Open("/dev/ptmx", syscall.O_RDWR|syscall.O_NOCTTY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	master := os.NewFile(uintptr(fd), "/dev/ptmx")
	var unlock int32
	var n uint32
	if err := ioctl(master.Fd(), syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		master.Close()
		t.Skipf("unlockpt: %v", err)
	}
	if err := ioctl(master.Fd(), syscall.TIOCGPTN, unsafe.Pointer(&n)); err != nil {
		master.Close()
		t.Skipf("ptsname: %v", err)
	}
	u := &fakeUSB{path: "/dev/pts/" + strconv.Itoa(int(n))}
	// Hold the slave open throughout (a master whose slave is all closed
	// reads EIO), and make it raw: no echo, no line editing, no CR/LF
	// translation either way.
	slave, err := os.OpenFile(u.path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Skipf("pty slave: %v", err)
	}
	var tio syscall.Termios
	if err := ioctl(slave.Fd(), syscall.TCGETS, unsafe.Pointer(&tio)); err != nil {
		t.Fatal(err)
	}
	tio.Iflag &^= syscall.IGNBRK | syscall.BRKINT | syscall.PARMRK | syscall.ISTRIP | syscall.INLCR | syscall.IGNCR | syscall.ICRNL | syscall.IXON | syscall.IXOFF
	tio.Oflag &^= syscall.OPOST
	tio.Lflag &^= syscall.ECHO | syscall.ECHONL | syscall.ICANON | syscall.ISIG | syscall.IEXTEN
	tio.Cflag = tio.Cflag&^(syscall.CSIZE|syscall.PARENB) | syscall.CS8
	tio.Cc[syscall.VMIN], tio.Cc[syscall.VTIME] = 1, 0
	if err := ioctl(slave.Fd(), syscall.TCSETS, unsafe.Pointer(&tio)); err != nil {
		t.Fatal(err)
	}
	u.set(online, noCause, 0x12, sensorOK)
	done := make(chan struct{})
	go func() {
		defer close(done)
		u.serve(master, func(b []byte) {
			u.mu.Lock()
			u.got = append(u.got, b...)
			u.mu.Unlock()
		})
	}()
	t.Cleanup(func() {
		master.Close()
		<-done
		slave.Close()
	})
	return u
}

// take waits until the device has received n bytes, and returns them.
func (u *fakeUSB) take(t *testing.T, n int) []byte {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		u.mu.Lock()
		if len(u.got) >= n {
			b := u.got
			u.got = nil
			u.mu.Unlock()
			return b
		}
		u.mu.Unlock()
	}
	t.Fatalf("the device got %d bytes, want %d", len(u.got), n)
	return nil
}

func TestUSBPrintAndStatus(t *testing.T) {
	u := newFakeUSB(t)
	d := openDevice(t, "usb:"+u.path, quickTimeouts)
	ctx := context.Background()
	job := append(append([]byte(nil), testJob...), "\r\n\x11\x13"...) // bytes a tty would translate
	if err := d.Print(ctx, job); err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte("\x10\x04\x01"), job...), "\x10\x04\x01"...)
	if got := u.take(t, len(want)); !bytes.Equal(got, want) {
		t.Errorf("device got % x\nwant % x", got, want)
	}
	if err := d.OpenDrawer(ctx); err != nil {
		t.Fatal(err)
	}
	if got := u.take(t, 8); string(got) != "\x1bp\x00\x19\xfa\x10\x04\x01" {
		t.Errorf("device got % x", got)
	}
	u.set(offline, coverOpen)
	expectErr(t, d.Status(ctx), ErrOffline, "receipt printer usb:"+u.path, "cover open")
	u.take(t, 6)
	u.set(offline, paperOut)
	expectErr(t, d.Print(ctx, job), ErrNoPaper)
	if got := u.take(t, 6); string(got) != "\x10\x04\x01\x10\x04\x02" {
		t.Errorf("device got % x: a job went to a printer without paper", got)
	}
	u.set()
	err := within(t, 2*time.Second, func() error { return d.Status(ctx) })
	expectErr(t, err, ErrOffline, "no answer")
}

func TestUSBWithoutStatus(t *testing.T) {
	u := newFakeUSB(t)
	u.set()
	d := openDevice(t, "usb:"+u.path+"?status=off", quickTimeouts)
	if err := d.Status(context.Background()); err != nil {
		t.Fatalf("a device that opens is ready when not asked: %v", err)
	}
	if err := d.Print(context.Background(), testJob); err != nil {
		t.Fatal(err)
	}
	if got := u.take(t, len(testJob)); !bytes.Equal(got, testJob) {
		t.Errorf("device got % x", got)
	}
}

func TestUSBUnplugged(t *testing.T) {
	d := openDevice(t, "usb:/dev/usb/lp-none", quickTimeouts)
	expectErr(t, d.Status(context.Background()), ErrOffline, "cannot open the device", "unplugged")
	expectErr(t, d.Print(context.Background(), testJob), ErrOffline, "unplugged")
}

// A FIFO nobody reads would block an open for writing: the file transport
// fails at once instead.
func TestFileFIFOWithoutReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skip(err)
	}
	d := openDevice(t, "file:"+path, quickTimeouts)
	err := within(t, time.Second, func() error { return d.Print(context.Background(), testJob) })
	expectErr(t, err, ErrOffline)
}
