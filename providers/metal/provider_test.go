package metal

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

func TestScopeFromConfig(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	all := listed(t, e.provider(t, noValidation))
	conns, vcs, _ := e.sim.Stats()
	if len(all) != conns+vcs {
		t.Fatalf("%d rows for %d interconnections and %d VCs", len(all), conns, vcs)
	}
	orgs := e.sim.Organizations()
	if len(orgs) != 2 {
		t.Fatal(orgs)
	}
	byOrg := func(rows []model.Connection, org string) (n int) {
		for _, r := range rows {
			if strings.HasPrefix(r.A.Account, org) {
				n++
			}
		}
		return n
	}
	ix := e.sim.orgByID
	second := ix[orgs[1]].name
	scoped := listed(t, e.provider(t, validateAll, WithOrganization(orgs[1])))
	if len(scoped) == 0 || len(scoped) != byOrg(all, second) || byOrg(scoped, second) != len(scoped) {
		t.Fatalf("organization scope: %d rows, %d of them in %s; %d in the full list", len(scoped), byOrg(scoped, second), second, byOrg(all, second))
	}
	// Organization and project: only that project's interconnections.
	var proj *simProject
	for _, pr := range ix[orgs[0]].projects {
		if pr.name == "production" {
			proj = pr
		}
	}
	both := listed(t, e.provider(t, validateAll, WithOrganization(orgs[0]), WithProject(proj.id)))
	for _, r := range both {
		if r.Type != RowVLANVC && r.Type != RowVRFVC && r.A.Name != "production" {
			t.Fatalf("project scope let through %s (%s)", r.Name, r.A.Account)
		}
	}
	// Project only: the API's "project and organization" list.
	only := listed(t, e.provider(t, validateAll, WithProject(proj.id)))
	if len(only) != byOrg(all, ix[orgs[0]].name) || len(both) >= len(only) {
		t.Fatalf("project-only scope: %d rows (org has %d); org+project %d", len(only), byOrg(all, ix[orgs[0]].name), len(both))
	}
}

func TestSimulatorIsDeterministic(t *testing.T) {
	fp := func() []uint64 {
		e := newEnv(t, 300, sim.Timing{})
		var out []uint64
		for _, c := range listed(t, e.provider(t, noValidation)) {
			out = append(out, c.FingerprintKey)
		}
		return out
	}
	a, b := fp(), fp()
	if len(a) != len(b) {
		t.Fatalf("%d vs %d rows", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d differs", i)
		}
	}
}

func TestTheEstateChangesOverTime(t *testing.T) {
	e := newEnv(t, 300, sim.DemoTiming())
	p := e.provider(t, validateAll)
	before := listed(t, p)
	// VCs without a VLAN that are still pending will wait on us too.
	pendingNoVLAN := 0
	e.sim.engine.Run(func(time.Time) {
		for _, vc := range e.sim.vcByID {
			if vc.status == VCPending && vc.vn == nil && vc.typ == VCTypeVLAN {
				pendingNoVLAN++
			}
		}
	})
	e.clock.Advance(10 * time.Minute)
	after := listed(t, p)
	byID := map[string]model.Connection{}
	for _, c := range before {
		byID[c.ID] = c
	}
	var added, changed, waitingNew int
	for _, c := range after {
		old, ok := byID[c.ID]
		switch {
		case !ok:
			added++
			if c.Pending != nil && c.Pending.WaitingOnUs {
				waitingNew++
			}
		case old.FingerprintKey != c.FingerprintKey:
			changed++
		}
	}
	_, _, waiting1 := e.sim.Stats()
	if added == 0 || changed == 0 || waitingNew == 0 {
		t.Fatalf("after 10 minutes: %d new rows (%d waiting on us), %d changed", added, waitingNew, changed)
	}
	if waiting1 > e.sim.cfg.maxWaiting+pendingNoVLAN {
		t.Fatalf("waiting VCs grew past the cap: %d > %d + %d", waiting1, e.sim.cfg.maxWaiting, pendingNoVLAN)
	}
	// A VLAN change from elsewhere is in the VC's events.
	found := false
	for _, c := range after {
		if old, ok := byID[c.ID]; ok && !found && c.Type == RowVLANVC && len(old.A.VLANs) > 0 && len(c.A.VLANs) > 0 && old.A.VLANs[0] != c.A.VLANs[0] {
			evs, err := p.Events(ctxT(t), model.Ref{Type: RefVirtualCircuit, ID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if strings.Contains(ev.Body, "VLAN change") {
					found = true
				}
			}
		}
	}
	if !found {
		t.Error("no VLAN change found in the events")
	}
}

func TestEventsOfEveryKind(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, validateAll, WithPerPage(3))
	listed(t, p)
	ix := p.snapshot()
	ce := ix.conns[0]
	for _, ref := range []model.Ref{
		{Type: RefInterconnection, ID: ce.ic.ID},
		{Type: RefPort, ID: ce.ports[0].ID},
		{Type: "connection", ID: ce.ic.ID},
	} {
		evs, err := p.Events(ctxT(t), ref)
		if err != nil {
			t.Fatalf("%+v: %v", ref, err)
		}
		if len(evs) == 0 || evs[0].Provider != p.Name() || evs[0].At.IsZero() {
			t.Fatalf("%+v: %+v", ref, evs)
		}
		for i := 1; i < len(evs); i++ {
			if evs[i].At.After(evs[i-1].At) {
				t.Fatalf("not newest first: %+v", evs)
			}
		}
	}
	if _, err := p.Events(ctxT(t), model.Ref{Type: RefPort, ID: uuidA}); err == nil {
		t.Error("events of an unknown port")
	}
	if _, err := p.Events(ctxT(t), model.Ref{Type: RefVirtualCircuit, ID: uuidA}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("events of a missing VC: %v", err)
	}
	// Projects and organizations keep no log: said so, not two 404s.
	for _, typ := range []string{RefProject, RefOrganization} {
		if _, err := p.Events(ctxT(t), model.Ref{Type: typ, ID: uuidA}); !errors.Is(err, model.ErrUnsupported) || errors.Is(err, model.ErrNotFound) {
			t.Errorf("events of a %s: %v", typ, err)
		}
	}
}

// Under injected faults a listing either succeeds whole or fails with a
// typed error; it is never short. A mutation is sent at most once.
// Listings stream their pages, and a page whose JSON breaks off is not
// asked again (httpx.DoStream), so a load of some 27 requests gets
// through a third of the time at 5% malformed bodies: 25 tries.
func TestFaults(t *testing.T) {
	clk := sim.NewFakeClock(simEpoch)
	w := sim.NewWorld(sim.Config{Seed: 7, Scale: 100, Clock: clk, Timing: sim.StillTiming()})
	s := NewSimulator(w)
	spec, _ := sim.ParseFaults("5xx=0.15,429=0.05,malformed=0.05,truncate=0.05,retry-after=0")
	faults := sim.NewFaults(spec, 1)
	var puts int64
	counting := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			puts++
		}
		s.ServeHTTP(rw, r)
	})
	srv, err := sim.Start(faults.Wrap(counting, SimFaultHooks()))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p, err := New("metal-faults", srv.URL()+SimBasePath, DemoToken, httpx.WithRetry(noSleepRetry()), httpx.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	conns, vcs, _ := s.Stats()
	ok, failed := 0, 0
	var rows []model.Connection
	for i := 0; i < 25; i++ {
		cs, err := p.Connections(ctxT(t), nil)
		if err != nil {
			failed++
			var ae *model.APIError
			var rl *model.RateLimited
			if !(errors.As(err, &ae) || errors.As(err, &rl) || errors.Is(err, model.ErrBadResponse)) {
				t.Fatalf("untyped error under faults: %T %v", err, err)
			}
			continue
		}
		ok++
		rows = cs
		if len(cs) != conns+vcs {
			t.Fatalf("a short listing under faults: %d rows, want %d", len(cs), conns+vcs)
		}
	}
	t.Logf("%d listings got through, %d failed", ok, failed)
	if ok == 0 {
		t.Fatalf("no listing got through (%d failed)", failed)
	}
	c, _ := findConn(rows, func(c model.Connection) bool {
		return c.Type == RowVLANVC && c.HasAction(model.ActionUpdate) && !strings.Contains(c.A.Account, "readonly")
	})
	for i := 0; i < 20; i++ {
		a, err := p.Plan(model.ActionRequest{Kind: model.ActionUpdate, Target: model.Ref{ID: c.ID}, Params: map[string]string{model.ParamDescription: "try " + itoa(i)}})
		if err != nil {
			t.Fatal(err)
		}
		before := puts
		_, _ = p.Do(ctxT(t), a)
		if puts-before > 1 {
			t.Fatalf("a PUT was sent %d times", puts-before)
		}
	}
	if faults.Count(sim.Fault5xx)+faults.Count(sim.FaultMalformed)+faults.Count(sim.FaultTruncate) == 0 {
		t.Fatal("no faults were injected")
	}
}
