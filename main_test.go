package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/ui"
)

// isolate points every XDG directory at a temp dir so tests never read the
// developer's config or write to their state dir.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	return dir
}

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "noctop ") {
		t.Fatalf("code=%d out=%q", code, out)
	}
}

func TestGetConnectionsDemoJSON(t *testing.T) {
	isolate(t)
	code, out, stderr := runCLI(t, "get", "connections", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(out), &recs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out[:min(len(out), 300)])
	}
	if len(recs) < 100 {
		t.Fatalf("demo served only %d connections", len(recs))
	}
	for _, k := range []string{"provider", "id", "name", "state", "bandwidth_mbps"} {
		if _, ok := recs[0][k]; !ok {
			t.Errorf("field %q missing", k)
		}
	}
}

func TestGetConnectionsProviderFilter(t *testing.T) {
	isolate(t)
	code, _, stderr := runCLI(t, "get", "connections", "--provider", "nope")
	if code != exitConfig || !strings.Contains(stderr, `no provider named "nope"`) {
		t.Fatalf("code=%d stderr=%q", code, stderr)
	}
	code, out, stderr := runCLI(t, "get", "connections", "--provider", "fabric-demo", "-o", "csv")
	if code != 0 || !strings.HasPrefix(out, "provider,") {
		t.Fatalf("code=%d stderr=%q out=%.100q", code, stderr, out)
	}
}

func TestBadConfigExit2(t *testing.T) {
	dir := isolate(t)
	cases := map[string]struct{ src, want string }{
		"syntax":       {"[ui\n", "c.toml:1"},
		"unknown kind": {"[[provider]]\nname = \"x\"\nkind = \"azure\"\nbase_url = \"https://x\"\n", "c.toml:3: provider[1].kind: unknown kind"},
		"missing env":  {"[[provider]]\nname = \"x\"\nkind = \"metal\"\nbase_url = \"https://x\"\ntoken_env = \"NOCTOP_TEST_UNSET\"\n", "environment variable NOCTOP_TEST_UNSET is not set"},
		"unknown key":  {"[ui]\nrefresh = \"1s\"\ncolour = 1\n", "c.toml:3: ui.colour: unknown key"},
		"no providers": {"[ui]\nrefresh = \"1s\"\n", "no [[provider]] configured"},
		"bad keys":     {"[keys]\nexplode = [\"x\"]\n[[provider]]\nname = \"x\"\nkind = \"fabric\"\nbase_url = \"https://x\"\ntoken_env = \"HOME\"\n", `c.toml:2: keys.explode: unknown action "explode"`},
		"key conflict": {"[keys]\nrefresh = [\"a\"]\n[[provider]]\nname = \"x\"\nkind = \"fabric\"\nbase_url = \"https://x\"\ntoken_env = \"HOME\"\n", `c.toml:2: keys.refresh: "a" is bound to both`},
		"pane key conflict": {"[keys]\nrefresh = [\"f5\"]\n[keys.ipam]\nassign = [\"v\"]\n[[provider]]\nname = \"x\"\nkind = \"fabric\"\nbase_url = \"https://x\"\ntoken_env = \"HOME\"\n",
			`c.toml:4: keys.ipam.assign: "v" is bound to both "next_view" and "assign" in the ipam pane`},
		"unknown pane": {"[keys.overview]\ndown = [\"n\"]\n[[provider]]\nname = \"x\"\nkind = \"fabric\"\nbase_url = \"https://x\"\ntoken_env = \"HOME\"\n",
			`c.toml:1: keys.overview: unknown pane "overview"`},
		"nan":      {"[ui]\npool_threshold = nan\n", "c.toml:2: ui.pool_threshold: NaN is not a number"},
		"refresh":  {"[ui]\nrefresh = \"200ms\"\n", "c.toml:2: ui.refresh: 200ms is too short"},
		"password": {"[[provider]]\nname = \"x\"\nkind = \"fabric\"\nbase_url = \"https://ops:hunter2@api.equinix.com\"\ntoken_env = \"HOME\"\n", "c.toml:4: provider[1].base_url: credentials in base_url are not allowed"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, "c.toml")
			if err := os.WriteFile(path, []byte(tc.src), 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"--config", path}, {"--config", path, "get", "connections"}, {"get", "connections", "--config", path}} {
				code, _, stderr := runCLI(t, args...)
				if code != exitConfig || !strings.Contains(stderr, tc.want) {
					t.Errorf("%v: code=%d stderr=%q, want 2 and %q", args, code, stderr, tc.want)
				}
				if strings.Contains(stderr, "keys: keys:") || strings.Contains(stderr, "hunter2") {
					t.Errorf("%v: stderr=%q", args, stderr)
				}
			}
		})
	}
}

// A config path that is not a regular file is refused, never read: a
// directory here (a FIFO and devices are in providers/config's tests).
func TestConfigNotARegularFileExit2(t *testing.T) {
	dir := isolate(t)
	code, _, stderr := runCLI(t, "--config", dir, "get", "connections")
	if code != exitConfig || !strings.Contains(stderr, "not a regular file (a directory)") {
		t.Fatalf("code=%d stderr=%q", code, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	isolate(t)
	for _, args := range [][]string{{"get"}, {"get", "things"}, {"get", "connections", "-o", "yaml"}, {"frobnicate"}, {"--no-such-flag"}} {
		if code, _, _ := runCLI(t, args...); code != exitConfig {
			t.Errorf("%v: exit %d, want %d", args, code, exitConfig)
		}
	}
}

func TestGetIPAMDemo(t *testing.T) {
	isolate(t)
	code, out, stderr := runCLI(t, "get", "blocks", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var blocks []map[string]any
	if err := json.Unmarshal([]byte(out), &blocks); err != nil || len(blocks) < 100 {
		t.Fatalf("blocks: %d, %v", len(blocks), err)
	}
	for _, k := range []string{"provider", "id", "cidr", "region", "is_assigned"} {
		if _, ok := blocks[0][k]; !ok {
			t.Errorf("block field %q missing", k)
		}
	}
	code, out, stderr = runCLI(t, "get", "utilization", "-o", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var us []map[string]any
	if err := json.Unmarshal([]byte(out), &us); err != nil || len(us) != 2 {
		t.Fatalf("utilization: %d, %v", len(us), err)
	}
	if code, _, _ := runCLI(t, "get", "utilization", "-o", "csv"); code != exitConfig {
		t.Errorf("csv utilization accepted: exit %d", code)
	}
	if code, _, stderr := runCLI(t, "get", "blocks", "--provider", "fabric-demo"); code != exitConfig || !strings.Contains(stderr, "ipam-demo") {
		t.Errorf("blocks from a provider without IPAM: exit %d %q", code, stderr)
	}
}

// The example config documents every rebindable action, and nothing else.
func TestExampleConfigListsEveryKeyAction(t *testing.T) {
	src, err := os.ReadFile("config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(src)
	for _, name := range ui.KeyActions() {
		if strings.HasPrefix(name, "pane_") {
			continue // documented as pane_1 ... pane_9
		}
		if !strings.Contains(text, name) {
			t.Errorf("config.example.toml does not mention key action %q", name)
		}
	}
}

// --demo replaces only the providers: the config's [ui] and [keys] still
// apply (the operator's bindings do not vanish), its providers are neither
// used nor checked (their secrets need not be set), and a bad key binding
// is still a config error.
func TestDemoKeepsUIAndKeysOfTheConfig(t *testing.T) {
	dir := isolate(t)
	src := "[ui]\nrefresh = \"42s\"\npool_threshold = 70.0\n[keys]\nrefresh = [\"f5\"]\n" +
		"[[provider]]\nname = \"prod\"\nkind = \"fabric\"\nbase_url = \"https://api.equinix.com\"\ntoken_env = \"NOCTOP_TEST_UNSET\"\n"
	path := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(path, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, g := range []globalFlags{{demo: true, configPath: path}, {demo: true}} {
		if g.configPath == "" {
			// The default path: $XDG_CONFIG_HOME/noctop/config.toml.
			def := filepath.Join(dir, "config", "noctop", "config.toml")
			os.MkdirAll(filepath.Dir(def), 0o700)
			if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		e, err := setup(g, true)
		if err != nil {
			t.Fatalf("%+v: %v", g, err)
		}
		opts := dashboardOptions(e, nil)
		names := []string{}
		for _, s := range e.sources {
			names = append(names, s.Name)
		}
		if e.demo == nil || len(e.sources) != 5 || slices.Contains(names, "prod") {
			t.Errorf("%+v: sources %v", g, names)
		}
		if opts.Refresh != 42*time.Second || opts.PoolThreshold != 70 || !slices.Equal(opts.Keys["refresh"], []string{"f5"}) || !opts.Demo {
			t.Errorf("%+v: options %+v", g, opts)
		}
		e.Close()
	}
	bad := strings.Replace(src, `refresh = ["f5"]`, `explode = ["x"]`, 1)
	os.WriteFile(path, []byte(bad), 0o600)
	if code, _, stderr := runCLI(t, "--demo", "--config", path, "get", "connections"); code != exitConfig || !strings.Contains(stderr, "keys.explode") {
		t.Errorf("bad keys with --demo: exit %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "--demo", "--config", filepath.Join(dir, "missing.toml"), "get", "connections"); code != exitConfig {
		t.Errorf("--demo with a missing --config file: exit %d %q", code, stderr)
	}
}
