// Package hostile is a test harness: the pieces of a misbehaving provider
// (bodies that inflate, nest, never end), a request counter, and a peak
// memory measurement of a real process. Only tests import it.
package hostile

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// EmptyObjects is n "{}" separated by commas (1,000,000 of them: 3 MB).
func EmptyObjects(n int) []byte {
	if n <= 0 {
		return nil
	}
	return bytes.Repeat([]byte("{},"), n)[:3*n-1]
}

// Deep is n opening brackets.
func Deep(n int) []byte { return bytes.Repeat([]byte("["), n) }

// Endless writes prefix and then 'a' until the client goes away.
func Endless(w http.ResponseWriter, prefix string) {
	w.Header().Set("Content-Type", "application/json")
	if _, err := w.Write([]byte(prefix)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("a"), 32<<10)
	for {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// Counter counts the requests reaching H.
type Counter struct {
	H http.Handler
	n atomic.Int64
}

func (c *Counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.H.ServeHTTP(w, r)
}

// N is the number of requests so far.
func (c *Counter) N() int { return int(c.n.Load()) }

const childEnv = "NOCTOP_HOSTILE_CHILD"

// InChild runs run in a fresh process (this test binary, running only the
// test called name) and returns what run returned and the process's peak
// resident memory (VmHWM) in MiB. Call it first thing in test name: in the
// child it runs run, prints, and exits. The child gives up at 2 GiB so a
// removed protection cannot take the machine down; that shows as an error.
func InChild(t *testing.T, name string, run func() string) (string, int) {
	t.Helper()
	if os.Getenv(childEnv) == name {
		go watchdog()
		res := run()
		fmt.Printf("\nHOSTILE-RESULT %s\nHOSTILE-HWM %d\n", strings.ReplaceAll(res, "\n", " "), statusKB("VmHWM"))
		os.Exit(0)
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("peak memory needs /proc/self/status (Linux):", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+name)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child process: %v\n%s", err, tail(out))
	}
	var res string
	hwm := -1
	for _, line := range strings.Split(string(out), "\n") {
		if s, ok := strings.CutPrefix(line, "HOSTILE-RESULT "); ok {
			res = s
		}
		if s, ok := strings.CutPrefix(line, "HOSTILE-HWM "); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(s))
			hwm = kb / 1024
		}
	}
	if hwm < 0 {
		t.Fatalf("child printed no measurement:\n%s", tail(out))
	}
	return res, hwm
}

func watchdog() {
	for range time.Tick(10 * time.Millisecond) {
		if statusKB("VmRSS") > 2<<20 {
			fmt.Printf("\nHOSTILE-RESULT over 2 GiB RSS: stopped\nHOSTILE-HWM %d\n", statusKB("VmHWM"))
			os.Exit(0)
		}
	}
}

// statusKB reads a "kB" field of /proc/self/status.
func statusKB(key string) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			f := strings.Fields(v)
			if len(f) > 0 {
				n, _ := strconv.Atoi(f[0])
				return n
			}
		}
	}
	return -1
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
