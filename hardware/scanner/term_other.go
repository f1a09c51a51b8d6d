//go:build !linux

package scanner

// makeRaw leaves terminals as configured: tills run Linux, and the termios
// ioctls and speed flags differ elsewhere.
func makeRaw(fd, baud int) (restore func(), err error) { return nil, nil }
