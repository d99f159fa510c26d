package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/hub"
)

// getJSON runs `noctop get args... -o json` in demo mode and decodes it.
func getJSON[T any](t *testing.T, args ...string) T {
	t.Helper()
	code, out, stderr := runCLI(t, append(append([]string{"get"}, args...), "-o", "json")...)
	if code != exitOK {
		t.Fatalf("get %v: exit %d: %s", args, code, stderr)
	}
	var v T
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("get %v: not JSON: %v\n%.300s", args, err, out)
	}
	return v
}

type record = map[string]any

// Every subcommand answers in every format it accepts, from the demo.
func TestGetEveryResourceEveryFormat(t *testing.T) {
	isolate(t)
	for _, r := range getResources {
		if r.one {
			continue // traffic and events: below, they need an object
		}
		for _, f := range r.formats {
			code, out, stderr := runCLI(t, "get", r.name, "-o", f)
			if code != exitOK || stderr != "" {
				t.Errorf("get %s -o %s: exit %d, stderr %q", r.name, f, code, stderr)
				continue
			}
			switch f {
			case "json":
				var recs []record
				if err := json.Unmarshal([]byte(out), &recs); err != nil || len(recs) == 0 {
					t.Errorf("get %s -o json: %d records, %v", r.name, len(recs), err)
				}
			case "csv":
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil || len(rows) < 2 {
					t.Errorf("get %s -o csv: %d rows, %v", r.name, len(rows), err)
				}
			default:
				if lines := strings.Count(out, "\n"); lines < 2 || !strings.Contains(strings.SplitN(out, "\n", 2)[0], "PROVIDER") {
					t.Errorf("get %s: table of %d lines:\n%.200s", r.name, lines, out)
				}
			}
		}
	}
}

// Approvals are exactly the connections waiting on us, over all providers,
// oldest first.
func TestGetApprovals(t *testing.T) {
	isolate(t)
	conns := getJSON[[]record](t, "connections")
	want := map[string]bool{}
	for _, c := range conns {
		if c["waiting_on_us"] == true {
			want[c["provider"].(string)+"/"+c["id"].(string)] = true
		}
	}
	got := getJSON[[]record](t, "approvals")
	providers := map[string]bool{}
	var since []string
	for _, a := range got {
		k := a["provider"].(string) + "/" + a["id"].(string)
		if !want[k] {
			t.Errorf("%s is listed but not waiting on us", k)
		}
		delete(want, k)
		providers[a["provider"].(string)] = true
		if a["change"] == "" || a["actions"] == nil {
			t.Errorf("%s: no change or actions: %v", k, a)
		}
		if s, ok := a["since"].(string); ok {
			since = append(since, s)
		}
	}
	if len(want) > 0 {
		t.Errorf("%d connections waiting on us missing from approvals", len(want))
	}
	if len(providers) < 2 {
		t.Errorf("approvals from %d providers only", len(providers))
	}
	if !sort.StringsAreSorted(since) {
		t.Error("approvals are not oldest first")
	}
}

// Ports, devices and BGP sessions come from every provider that has them.
func TestGetPortsDevicesBGP(t *testing.T) {
	isolate(t)
	check := func(what string, ok func(record) bool, wantProviders ...string) {
		t.Helper()
		seen := map[string]bool{}
		for _, r := range getJSON[[]record](t, what) {
			if !ok(r) {
				t.Errorf("get %s: unexpected record %v", what, r)
			}
			if r["id"] == "" || r["provider"] == "" {
				t.Errorf("get %s: record without id or provider: %v", what, r)
			}
			seen[r["provider"].(string)] = true
		}
		for _, p := range wantProviders {
			if !seen[p] {
				t.Errorf("get %s: nothing from %s (got %v)", what, p, seen)
			}
		}
	}
	check("ports", func(r record) bool { return r["kind"] == "port" }, "fabric-demo", "ix-demo", "packet-demo")
	check("devices", func(r record) bool { return r["type"] == "device" }, "ix-demo", "packet-demo")
	check("bgp", func(r record) bool { return r["type"] == model.ConnTypeBGPSession }, "packet-demo")
	// A Fabric port carries its speed and bandwidth use.
	for _, r := range getJSON[[]record](t, "ports", "--provider", "fabric-demo") {
		f, _ := r["fields"].(map[string]any)
		if f["speed"] == nil || f["available bandwidth"] == nil || len(r["path"].([]any)) == 0 {
			t.Fatalf("fabric port without speed, bandwidth or metro: %v", r)
		}
	}
}

func TestGetMasks(t *testing.T) {
	isolate(t)
	recs := getJSON[[]record](t, "masks")
	totals := map[string]bool{}
	for _, r := range recs {
		if r["mask"].(float64) == -1 {
			totals[r["family"].(string)] = true
		}
	}
	if !totals["ipv4"] || !totals["ipv6"] || len(recs) < 4 {
		t.Fatalf("mask report: %d rows, totals %v", len(recs), totals)
	}
}

// get traffic prints the samples and the figures the pane computes from
// them (now = the latest, avg = the mean of present samples, max, p95
// nearest-rank), over the range asked.
func TestGetTraffic(t *testing.T) {
	isolate(t)
	var id string
	for _, c := range getJSON[[]record](t, "connections", "--provider", "ix-demo") {
		if c["state"] == "active" {
			id = c["id"].(string)
			break
		}
	}
	type sample struct {
		T string   `json:"t"`
		V *float64 `json:"v"`
	}
	type series struct {
		Name, Unit         string
		Now, Avg, Max, P95 *float64
		PrecisionSeconds   float64 `json:"precision_seconds"`
		Samples            []sample
	}
	type traffic struct {
		Provider string
		Target   struct{ ID string }
		Range    string
		Series   []series
	}
	tr := getJSON[traffic](t, "traffic", "--provider", "ix-demo", "--id", id, "--range", "6h")
	if tr.Target.ID != id || tr.Range != "6h" || len(tr.Series) < 2 {
		t.Fatalf("traffic %+v", tr)
	}
	for _, s := range tr.Series[:2] {
		if s.Unit != "bps" || len(s.Samples) < 10 {
			t.Fatalf("%s: unit %s, %d samples", s.Name, s.Unit, len(s.Samples))
		}
		var vals []float64
		for _, x := range s.Samples {
			if x.V != nil {
				vals = append(vals, *x.V)
			}
		}
		first, _ := time.Parse(time.RFC3339, s.Samples[0].T)
		last, _ := time.Parse(time.RFC3339, s.Samples[len(s.Samples)-1].T)
		if span := last.Sub(first); span > 6*time.Hour || span < 5*time.Hour {
			t.Errorf("%s: samples span %s for 6h", s.Name, span)
		}
		sum, mx := 0.0, math.Inf(-1)
		for _, v := range vals {
			sum += v
			mx = math.Max(mx, v)
		}
		sorted := append([]float64(nil), vals...)
		sort.Float64s(sorted)
		p95 := sorted[int(math.Ceil(0.95*float64(len(sorted))))-1]
		near := func(a *float64, b float64) bool { return a != nil && math.Abs(*a-b) <= 1e-6*math.Max(1, math.Abs(b)) }
		if !near(s.Avg, sum/float64(len(vals))) || !near(s.Max, mx) || !near(s.P95, p95) || !near(s.Now, vals[len(vals)-1]) {
			t.Errorf("%s: now %v avg %v max %v p95 %v; from the samples: %v %v %v %v", s.Name, *s.Now, *s.Avg, *s.Max, *s.P95,
				vals[len(vals)-1], sum/float64(len(vals)), mx, p95)
		}
	}
	// CSV: one row per sample of every series, the same values.
	code, out, _ := runCLI(t, "get", "traffic", "--provider", "ix-demo", "--id", id, "--range", "1h", "-o", "csv")
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != exitOK || err != nil || len(rows) < 3 || rows[0][5] != "time" || rows[1][4] != "bps" {
		t.Fatalf("csv: exit %d, %v, %v", code, err, rows[:min(len(rows), 3)])
	}
	// A Fabric port, by its id from get ports.
	ports := getJSON[[]record](t, "ports", "--provider", "fabric-demo")
	if code, out, stderr := runCLI(t, "get", "traffic", "--provider", "fabric-demo", "--id", ports[0]["id"].(string)); code != exitOK || !strings.Contains(out, "P95") {
		t.Fatalf("fabric port traffic: exit %d %s %.200s", code, stderr, out)
	}
}

func TestGetEvents(t *testing.T) {
	isolate(t)
	evs := getJSON[[]record](t, "events", "--provider", "packet-demo")
	if len(evs) == 0 || evs[0]["type"] == "" || evs[0]["at"] == "" {
		t.Fatalf("packet events: %v", evs[:min(len(evs), 1)])
	}
	// A server's own events.
	dev := getJSON[[]record](t, "devices", "--provider", "packet-demo")[0]["id"].(string)
	for _, e := range getJSON[[]record](t, "events", "--provider", "packet-demo", "--id", dev) {
		if about := e["about"].(map[string]any); about["id"] != dev {
			t.Fatalf("event about %v, not %s", about, dev)
		}
	}
	// Metal keeps events per object: without --id it says so.
	code, _, stderr := runCLI(t, "get", "events", "--provider", "metal-demo")
	if code != exitFail || !strings.Contains(stderr, "--id") {
		t.Fatalf("metal events without --id: exit %d %q", code, stderr)
	}
	var id string
	for _, c := range getJSON[[]record](t, "connections", "--provider", "metal-demo") {
		id = c["id"].(string)
		break
	}
	if evs := getJSON[[]record](t, "events", "--provider", "metal-demo", "--id", id); len(evs) == 0 {
		t.Fatal("no events for a metal connection")
	}
}

// Bad flags exit 2 before anything is fetched; an id nothing lists exits 1.
func TestGetUsageErrors(t *testing.T) {
	isolate(t)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"traffic", "--id", "x"}, exitConfig, "--provider NAME is required"},
		{[]string{"traffic", "--provider", "ix-demo"}, exitConfig, "--id ID is required"},
		{[]string{"traffic", "--provider", "ix-demo", "--id", "x", "--range", "2h"}, exitConfig, `unknown range "2h"`},
		{[]string{"connections", "--id", "x"}, exitConfig, "--id applies to"},
		{[]string{"ports", "--range", "1h"}, exitConfig, "--range applies to"},
		{[]string{"events", "--provider", "fabric-demo"}, exitConfig, `no provider named "fabric-demo" offers this`},
		{[]string{"masks", "--provider", "fabric-demo"}, exitConfig, "ipam-demo"},
		{[]string{"approvals", "-o", "yaml"}, exitConfig, "unknown output format"},
		{[]string{"traffic", "--provider", "ix-demo", "--id", "no-such-object"}, exitFail, `no connection or inventory object with id "no-such-object"`},
	}
	for _, tc := range cases {
		code, out, stderr := runCLI(t, append([]string{"get"}, tc.args...)...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("get %v: exit %d %q, want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
		if tc.code == exitConfig && out != "" {
			t.Errorf("get %v printed %q", tc.args, out)
		}
	}
}

// One provider failing does not stop the others: they are printed, the
// failure is on stderr, the exit status is 1.
func TestGetOneProviderFails(t *testing.T) {
	dir := isolate(t)
	d, err := providers.StartDemo(providers.DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	ps := append(d.Providers[:0:0], d.Providers...)
	dead := ps[0]
	dead.Name, dead.BaseURL = "fabric-dead", "http://127.0.0.1:1"
	dead.Timeout.Duration = 2 * time.Second
	ps = append(ps, dead)
	var cfg bytes.Buffer
	vars, err := config.Snippet(&cfg, ps, config.EnvName)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vars {
		t.Setenv(v.Name, v.Value)
	}
	path := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(path, cfg.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "--config", path, "get", "connections", "-o", "csv")
	if code != exitFail || !strings.Contains(stderr, "fabric-dead: ") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(out, "\nfabric-demo,") || !strings.Contains(out, "\nix-demo,") {
		t.Fatalf("the working providers were not printed:\n%.300s", out)
	}
}

// fakeConns returns fixed connections with a fixed error.
type fakeConns struct {
	conns []model.Connection
	err   error
}

func (f fakeConns) Connections(context.Context, *model.Progress) ([]model.Connection, error) {
	return f.conns, f.err
}

type partialErr struct{}

func (partialErr) Error() string { return "listing stopped at 2 of 5 pages" }
func (partialErr) Partial() bool { return true }

// Data that came back incomplete is printed and marked: a line on stderr,
// exit status 1. A failure prints nothing for that provider.
func TestGetLoadMarksIncompleteAndFailed(t *testing.T) {
	srcs := []model.Source{
		{Name: "ok", Connections: fakeConns{conns: []model.Connection{{Provider: "ok", ID: "1"}}}},
		{Name: "part", Connections: fakeConns{conns: []model.Connection{{Provider: "part", ID: "2"}}, err: partialErr{}}},
		{Name: "down", Connections: fakeConns{err: errors.New("connection refused")}},
	}
	h := hub.New(srcs, hub.Options{})
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r := &getRun{ctx: ctx, hub: h, srcs: srcs}
	got := allConnections(r)
	for _, rel := range r.releases {
		rel()
	}
	if len(got) != 2 || got[0].ID != "1" || got[1].ID != "2" {
		t.Fatalf("connections %+v", got)
	}
	want := []string{"part: incomplete: listing stopped at 2 of 5 pages", "down: connection refused"}
	if strings.Join(r.problems, "|") != strings.Join(want, "|") {
		t.Fatalf("problems %q, want %q", r.problems, want)
	}
}

// The per-provider refresh of the config reaches the hub: each resource
// refreshes at its provider's interval (visible in model.Status.Every).
func TestHubOptionsHonourProviderRefresh(t *testing.T) {
	cfg := &config.Config{Providers: []config.Provider{{Name: "a"}, {Name: "b"}}}
	cfg.Defaults()
	cfg.Providers[1].Refresh.Duration = 2 * time.Minute
	srcs := []model.Source{{Name: "a", Connections: fakeConns{}}, {Name: "b", Connections: fakeConns{}}}
	h := hub.New(srcs, hubOptions(cfg, nil))
	defer h.Close()
	for name, want := range map[string]time.Duration{"a": 15 * time.Second, "b": 2 * time.Minute} {
		st, ok := h.Status(model.ResourceKey{Provider: name, Resource: model.ResConnections})
		if !ok || st.Every != want {
			t.Errorf("%s: every %v, want %v", name, st.Every, want)
		}
	}
}

// --cpuprofile and --memprofile work for get as for the dashboard (a
// profile of a large listing is how its cost is found); a profile that
// cannot be written stops get with exit 1 before anything is fetched.
func TestGetWritesProfiles(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	cpu, heap := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "heap.prof")
	var out, errb bytes.Buffer
	if code := run([]string{"get", "connections", "-o", "json", "--cpuprofile", cpu, "--memprofile", heap}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, p := range []string{cpu, heap} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("profile %s not written: %v", p, err)
		}
	}
	errb.Reset()
	if code := run([]string{"get", "connections", "--cpuprofile", filepath.Join(dir, "missing", "cpu.prof")}, &out, &errb); code != exitFail || !strings.Contains(errb.String(), "cpu profile") {
		t.Fatalf("unwritable profile: exit %d, %q", code, errb.String())
	}
}
