//go:build unix

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe with no writer, or a device, would block or never end if
// read: both are refused from their descriptor without reading.
func TestFIFOAndDevicesRefusedWithoutBlocking(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	type tc struct{ name, path, want string }
	cases := []tc{{"fifo", fifo, "not a regular file (a named pipe)"}}
	for _, dev := range []string{"/dev/zero", "/dev/null"} {
		if _, err := os.Stat(dev); err == nil {
			cases = append(cases, tc{dev, dev, "not a regular file (a character device)"})
		}
	}
	within := func(t *testing.T, f func()) {
		t.Helper()
		done := make(chan struct{})
		go func() { defer close(done); f() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("blocked reading it")
		}
	}
	for _, c := range cases {
		t.Run("config "+c.name, func(t *testing.T) {
			var err error
			within(t, func() { _, err = load(c.path, env(tokenSet)) })
			checkLoad(t, c.path, err, c.want)
		})
		t.Run("secret "+c.name, func(t *testing.T) {
			var err error
			within(t, func() {
				_, err = parse("c.toml", []byte(strings.Replace(metal, `token_env = "T"`, `token_file = "`+c.path+`"`, 1)), env(nil))
			})
			var ce *Error
			if !errors.As(err, &ce) || ce.Line != 5 || ce.Key != "provider[1].token_file" || !strings.Contains(ce.Msg, c.want) {
				t.Errorf("got %v, want line 5 provider[1].token_file %q", err, c.want)
			}
		})
	}
}
