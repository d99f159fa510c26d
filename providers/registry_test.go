package providers

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/audit"
	"github.com/noctop/noctop/providers/config"
	"github.com/noctop/noctop/providers/metal"
	"github.com/noctop/noctop/providers/sim"
)

func startDemo(t *testing.T) *Demo {
	t.Helper()
	d, err := StartDemo(DemoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

// pendingAction finds a connection waiting on us and plans its approval.
func pendingAction(t *testing.T, s model.Source) model.Action {
	t.Helper()
	conns, err := s.Connections.Connections(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range conns {
		if c.Pending != nil && c.Pending.WaitingOnUs && c.HasAction(model.ActionApprove) {
			a, err := s.Planner.Plan(model.ActionRequest{Kind: model.ActionApprove,
				Target: model.Ref{Provider: s.Name, Type: "connection", ID: c.ID, Name: c.Name}})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatalf("%s: no pending connection in the demo", s.Name)
	return model.Action{}
}

func TestBuildGuardsEveryRunner(t *testing.T) {
	d := startDemo(t)
	for _, readOnly := range []bool{true, false} {
		path := filepath.Join(t.TempDir(), "audit.log")
		log, err := audit.Open(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		srcs, err := Build(d.Providers, Options{ReadOnly: readOnly, Audit: log})
		if err != nil {
			t.Fatal(err)
		}
		var fab model.Source
		for _, s := range srcs {
			if s.Kind == "fabric" {
				fab = s
			}
		}
		a := pendingAction(t, fab)
		_, err = fab.Runner.Do(context.Background(), a)
		log.Close()
		if readOnly != errors.Is(err, model.ErrReadOnly) {
			t.Fatalf("readOnly=%v: err=%v", readOnly, err)
		}
		raw, _ := os.ReadFile(path)
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) != 2 || !strings.Contains(lines[0], a.Request.Target.ID) {
			t.Fatalf("readOnly=%v: audit log = %q", readOnly, raw)
		}
		want := `"outcome":"ok"`
		if readOnly {
			want = `"outcome":"refused"`
		}
		if !strings.Contains(lines[1], want) {
			t.Errorf("readOnly=%v: result line %q lacks %s", readOnly, lines[1], want)
		}
	}
}

func TestBuildWithoutAuditIsReadOnly(t *testing.T) {
	d := startDemo(t)
	srcs, err := Build(d.Providers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.Runner == nil {
			continue
		}
		if _, err := s.Runner.Do(context.Background(), model.Action{}); !errors.Is(err, model.ErrReadOnly) {
			t.Errorf("%s: unaudited runner ran: %v", s.Name, err)
		}
	}
}

func TestBuildUnknownKind(t *testing.T) {
	_, err := Build([]config.Provider{{Name: "x", Kind: "nope", BaseURL: "http://127.0.0.1:1"}}, Options{})
	if err == nil || !strings.Contains(err.Error(), `"x"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestDemoServesEveryProvider(t *testing.T) {
	d := startDemo(t)
	srcs, err := Build(d.Providers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != len(Kinds) {
		t.Fatalf("%d sources for %d kinds", len(srcs), len(Kinds))
	}
	for _, s := range srcs {
		if s.Connections == nil {
			continue
		}
		conns, err := s.Connections.Connections(context.Background(), nil)
		if err != nil || len(conns) == 0 {
			t.Errorf("%s: %d connections, err %v", s.Name, len(conns), err)
		}
	}
}

func TestRedactingHandler(t *testing.T) {
	var b strings.Builder
	h := NewRedactingHandler(slog.NewTextHandler(&b, nil), []string{"hunter2-secret"})
	slog.New(h).Info("token hunter2-secret", "err", errors.New("bad hunter2-secret"), "k", "v hunter2-secret")
	if strings.Contains(b.String(), "hunter2-secret") || !strings.Contains(b.String(), "[REDACTED]") {
		t.Fatalf("log = %q", b.String())
	}
}

// The simulated world is coherent across providers: a customer's IPAM
// blocks in a metro carry the VLAN its Fabric connections use there.
func TestDemoVLANsAgreeAcrossProviders(t *testing.T) {
	d := startDemo(t)
	srcs, err := Build(d.Providers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		customer, region string
		vlan             int
	}
	blockVLANs := map[key]bool{}
	var conns []model.Connection
	for _, s := range srcs {
		switch {
		case s.IPAM != nil:
			blocks, err := s.IPAM.Blocks(context.Background(), model.BlockQuery{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range blocks {
				if b.VLAN > 0 {
					blockVLANs[key{b.ResourceName, b.Region, b.VLAN}] = true
				}
			}
		case s.Kind == "fabric":
			if conns, err = s.Connections.Connections(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	matched := 0
	for _, c := range conns {
		for _, e := range []model.Endpoint{c.A, c.Z} {
			m, ok := sim.MetroByCode(e.Metro)
			if !ok || len(e.VLANs) == 0 || e.Account == "" {
				continue
			}
			if blockVLANs[key{e.Account, m.IATA, e.VLANs[0]}] {
				matched++
			}
		}
	}
	if len(blockVLANs) == 0 || matched < 5 {
		t.Fatalf("%d Fabric endpoints share customer, region and VLAN with an IPAM block (of %d block VLANs); want the worlds to line up", matched, len(blockVLANs))
	}
	t.Logf("%d Fabric endpoints line up with IPAM blocks", matched)
}

type lostAnswer struct{ verified int }

func (l *lostAnswer) Do(_ context.Context, a model.Action) (model.Result, error) {
	return model.Result{Action: a, Sends: 1}, &model.UnknownOutcome{Err: errors.New("connection reset")}
}

func (l *lostAnswer) Verify(context.Context, model.Action) (bool, string, error) {
	l.verified++
	return true, "state PROVISIONING", nil
}

// guard hands the source's Verifier to the audit wrapper: an unknown
// outcome is reconciled whichever runner the registry wraps.
func TestGuardReconcilesUnknownOutcomes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	log, err := audit.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	r := &lostAnswer{}
	s := guard(model.Source{Name: "fab", Runner: struct{ model.ActionRunner }{r}, Verifier: r}, false, log)
	_, err = s.Runner.Do(context.Background(), model.Action{HTTP: model.HTTPRequest{Method: "POST", Path: "/x"}})
	var uo *model.UnknownOutcome
	if !errors.As(err, &uo) || uo.Verdict != model.VerdictApplied || r.verified != 1 {
		t.Fatalf("err = %v, verified %d", err, r.verified)
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), `"phase":"reconcile"`) || !strings.Contains(string(raw), "unknown → applied: state PROVISIONING") {
		t.Fatalf("audit log = %s", raw)
	}
}

func TestEveryMutatingProviderVerifies(t *testing.T) {
	d := startDemo(t)
	srcs, err := Build(d.Providers, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Packet and Metal plan mutations too, but have no Verify yet: their
	// unknown outcomes are audited as "still unknown: … check it by hand".
	required := map[string]bool{"fabric": true, "ixapi": true, "provision": true}
	seen := map[string]bool{}
	for _, s := range srcs {
		seen[s.Kind] = true
		switch {
		case s.Planner != nil && s.Verifier == nil && required[s.Kind]:
			t.Errorf("%s (%s) plans mutations but cannot reconcile an unknown outcome", s.Name, s.Kind)
		case s.Planner != nil && s.Verifier == nil:
			t.Logf("%s (%s) cannot reconcile an unknown outcome yet", s.Name, s.Kind)
		}
	}
	for k := range required {
		if !seen[k] {
			t.Errorf("the demo has no %s provider to check", k)
		}
	}
}

func TestPacketFromTheDemo(t *testing.T) {
	d := startDemo(t)
	log, err := audit.Open(filepath.Join(t.TempDir(), "audit.log"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	srcs, err := Build(d.Providers, Options{ReadOnly: true, Audit: log})
	if err != nil {
		t.Fatal(err)
	}
	var pk model.Source
	for _, s := range srcs {
		if s.Kind == "packet" {
			pk = s
		}
	}
	if pk.Inventory == nil || pk.Stats == nil || pk.Planner == nil || pk.Runner == nil || pk.Connection == nil {
		t.Fatalf("packet capabilities missing: %+v", pk)
	}
	nodes, err := pk.Inventory.Inventory(context.Background(), nil)
	if err != nil || len(nodes) == 0 {
		t.Fatalf("inventory: %d nodes, %v", len(nodes), err)
	}
	var server model.Node
	var find func([]model.Node)
	find = func(ns []model.Node) {
		for _, n := range ns {
			if server.Ref.ID == "" && n.Kind == "server" && n.RawState == "active" {
				server = n
			}
			find(n.Children)
		}
	}
	find(nodes)
	a, err := pk.Planner.Plan(model.ActionRequest{Kind: model.ActionReboot, Target: server.Ref})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pk.Runner.Do(context.Background(), a); !errors.Is(err, model.ErrReadOnly) {
		t.Fatalf("a reboot in read-only mode: %v", err)
	}
}

func TestBuildMetalWithScope(t *testing.T) {
	base := config.Provider{Name: "m", Kind: "metal", BaseURL: "https://api.equinix.com/metal/v1", Secrets: map[string]config.Secret{"token": "t0ken-abcd"}}
	ok := base
	ok.KindConfig = &metal.Config{OrganizationID: "0f5b5c1e-1111-4a1a-9a1a-000000000001", ProjectID: "0f5b5c1e-2222-4a1a-9a1a-000000000002"}
	srcs, err := Build([]config.Provider{ok}, Options{})
	if err != nil || len(srcs) != 1 || srcs[0].Connections == nil || srcs[0].Inventory == nil || srcs[0].Planner == nil || srcs[0].Runner == nil {
		t.Fatalf("metal source: %v %+v", err, srcs)
	}
	bad := base
	bad.KindConfig = &metal.Config{OrganizationID: "acme"}
	if _, err := Build([]config.Provider{bad}, Options{}); err == nil || !strings.Contains(err.Error(), "organization_id") {
		t.Fatalf("a non-UUID organization_id: %v", err)
	}
}

// Every log line names its provider once (the registry used to add a
// provider attribute the clients already write: provider=x provider=x).
func TestLogNamesTheProviderOnce(t *testing.T) {
	d := startDemo(t)
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srcs, err := Build(d.Providers, Options{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.Connections != nil {
			if _, err := s.Connections.Connections(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) < len(srcs) {
		t.Fatalf("only %d log lines", len(lines))
	}
	for _, l := range lines {
		if n := strings.Count(l, " provider="); n != 1 {
			t.Fatalf("%d provider attributes in %q", n, l)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Source.ReadOnly says what the guard enforces: global read-only, the
// provider's read_only, or no audit log; and every source that can run
// an action can reconcile a lost answer (Verifier), so the audit log
// never leaves an unknown outcome unexamined.
func TestReadOnlyIsVisibleAndEveryRunnerVerifies(t *testing.T) {
	d := startDemo(t)
	log, err := audit.Open(filepath.Join(t.TempDir(), "audit.log"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cfgs := slices.Clone(d.Providers)
	cfgs[1].ReadOnly = true
	srcs, err := Build(cfgs, Options{Audit: log})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range srcs {
		if s.ReadOnly != (i == 1) {
			t.Errorf("%s: ReadOnly = %v", s.Name, s.ReadOnly)
		}
		if s.Runner != nil && s.Verifier == nil {
			t.Errorf("%s runs actions but cannot verify a lost answer", s.Name)
		}
	}
	for _, opts := range []Options{{Audit: log, ReadOnly: true}, {}} {
		srcs, err := Build(d.Providers, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range srcs {
			if !s.ReadOnly {
				t.Errorf("%+v: %s is not read-only", opts, s.Name)
			}
		}
	}
}
