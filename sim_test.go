package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noctop/noctop/providers"
)

// lockedBuffer is a bytes buffer safe to read while runSim writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startSim runs `noctop sim args...` until the test ends and returns what
// it printed once the config is out.
func startSim(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() { done <- runSim(ctx, globalFlags{}, args, &out, &errb) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != exitOK {
				t.Errorf("noctop sim exited %d: %s", code, errb.String())
			}
		case <-time.After(10 * time.Second):
			t.Error("noctop sim did not stop")
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), `secret_key_env = `) {
		select {
		case code := <-done:
			t.Fatalf("noctop sim exited %d: %s", code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no config printed: %s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return out.String()
}

// freeBase finds a port with the next len(Kinds)-1 free too.
func freeBase(t *testing.T) int {
	t.Helper()
	for try := 0; try < 20; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		ok := base+len(providers.Kinds) <= 65535
		for i := 1; ok && i < len(providers.Kinds); i++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+i))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

// The printed config, with the printed exports, loads and works against
// the running simulators on the fixed ports asked for.
func TestSimPrintsAWorkingConfig(t *testing.T) {
	dir := isolate(t)
	base := freeBase(t)
	out := startSim(t, "--listen", fmt.Sprintf("127.0.0.1:%d", base))
	for i, k := range providers.Kinds {
		if want := fmt.Sprintf("http://127.0.0.1:%d%s", base+i, k.Sim.BasePath); !strings.Contains(out, `base_url = "`+want+`"`) {
			t.Errorf("%s not on %s:\n%s", k.Name, want, out)
		}
	}
	_, cfg, ok := strings.Cut(out, "# config.toml for these simulators")
	if !ok {
		t.Fatalf("no config section:\n%s", out)
	}
	cfg = cfg[strings.IndexByte(cfg, '\n')+1:]
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			name, val, _ := strings.Cut(rest, "=")
			t.Setenv(name, strings.Trim(val, "'"))
		}
	}
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, js, stderr := runCLI(t, "--config", path, "get", "connections", "-o", "json")
	if code != exitOK {
		t.Fatalf("get against the simulators: exit %d %s", code, stderr)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(js), &recs); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r["provider"].(string)] = true
	}
	for _, name := range []string{"fabric-demo", "ix-demo", "metal-demo", "packet-demo"} {
		if !seen[name] {
			t.Errorf("no connections from %s through the printed config", name)
		}
	}
	if code, _, stderr := runCLI(t, "--config", path, "get", "blocks"); code != exitOK {
		t.Errorf("blocks through the printed config: exit %d %s", code, stderr)
	}
	// The fixed URLs answer a plain HTTP client (curl) too.
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metal/v1/organizations", base+2))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("metal without a token: %d", resp.StatusCode)
	}
}

func TestSimListenPerKind(t *testing.T) {
	isolate(t)
	port := freeBase(t)
	out := startSim(t, "--listen", fmt.Sprintf("ixapi=127.0.0.1:%d", port))
	if !strings.Contains(out, fmt.Sprintf(`base_url = "http://127.0.0.1:%d/api/v2"`, port)) {
		t.Fatalf("ixapi not on %d:\n%s", port, out)
	}
	if strings.Count(out, "base_url = ") != len(providers.Kinds) {
		t.Fatalf("not every simulator started:\n%s", out)
	}
}

func TestSimListenErrors(t *testing.T) {
	isolate(t)
	for _, spec := range []string{"nonsense", "azure=127.0.0.1:1", "fabric=127.0.0.1:1,fabric=127.0.0.1:2", "fabric=", "0.0.0.0:9000", "127.0.0.1:65534"} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out, errb lockedBuffer
		code := runSim(ctx, globalFlags{}, []string{"--listen", spec}, &out, &errb)
		if code != exitConfig || errb.String() == "" || out.String() != "" {
			t.Errorf("--listen %q: exit %d, stderr %q", spec, code, errb.String())
		}
	}
}
