package metal

import (
	"slices"
	"strings"
	"testing"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// TestEverythingTheSimulatorServesIsSpecValid reads every operation the
// client has through a validating transport: each request and each answer
// must fit metal-v1.bundled.yaml.
func TestEverythingTheSimulatorServesIsSpecValid(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{}, WithSimPerPageCap(7))
	p := e.provider(t, validateAll, WithPerPage(5))
	ctx := ctxT(t)
	cs, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Inventory(ctx, nil); err != nil {
		t.Fatal(err)
	}
	c := p.Client()
	ix := p.snapshot()
	var dedicated, vlanVC, vrfVC string
	for _, ce := range ix.conns {
		if ce.ic.Type == TypeDedicated && dedicated == "" && len(ce.vcs) > 0 && ce.ic.Status == "active" {
			dedicated = ce.ic.ID
		}
	}
	for id, ve := range ix.vcByID {
		if ve.vc.IsVRF() && vrfVC == "" {
			vrfVC = id
		}
		if !ve.vc.IsVRF() && ve.vc.Vlan.VirtualNetwork != nil && vlanVC == "" {
			vlanVC = id
		}
	}
	ce := ix.connByID[dedicated]
	pt := ce.ports[0]
	steps := []func() error{
		func() error { _, err := c.GetInterconnection(ctx, dedicated); return err },
		func() error { _, err := c.ListInterconnectionPorts(ctx, dedicated); return err },
		func() error { _, err := c.GetInterconnectionPort(ctx, dedicated, pt.ID); return err },
		func() error { _, err := c.ListInterconnectionPortVirtualCircuits(ctx, dedicated, pt.ID); return err },
		func() error { _, err := c.ListInterconnectionEvents(ctx, dedicated); return err },
		func() error { _, err := c.ListInterconnectionPortEvents(ctx, dedicated, pt.ID); return err },
		func() error { _, err := c.ListVirtualCircuitEvents(ctx, vlanVC); return err },
		func() error { _, err := c.GetVirtualCircuit(ctx, vrfVC); return err },
		func() error { _, err := c.ListInterconnectionMetros(ctx); return err },
		func() error {
			vn := ix.vcByID[vlanVC].vc.Vlan.VirtualNetwork
			_, err := c.GetVirtualNetwork(ctx, idOf("", vn.Href))
			return err
		},
		func() error { _, err := c.GetVrf(ctx, vrfID(ix.vcByID[vrfVC].vc.Vrf.Vrf)); return err },
		func() error {
			_, err := c.ListProjectVirtualNetworks(ctx, ce.vcProject(), metroCode(ce.ic.Metro))
			return err
		},
		func() error { _, err := c.ListProjectVrfs(ctx, ce.vcProject(), ""); return err },
		func() error { _, err := c.ListProjectInterconnections(ctx, ce.vcProject(), nil); return err },
	}
	for i, f := range steps {
		if err := f(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	t.Logf("%d rows; operations seen: %s", len(cs), strings.Join(e.log.Seen(), ", "))
}

// vcProject is the project of the first VC (tests).
func (e *connEntry) vcProject() string {
	for _, vc := range e.vcs {
		if id := projectID(vc.Project()); id != "" {
			return id
		}
	}
	return e.projectID
}

func TestSimulatorShowsEveryStatus(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, noValidation)
	cs, err := p.Connections(ctxT(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, c := range cs {
		seen[c.Type+"/"+c.RawState] = true
	}
	for _, st := range vlanStatusesAll {
		if !seen[RowVLANVC+"/"+st] {
			t.Errorf("no VLAN VC in status %s", st)
		}
	}
	for _, st := range vrfStatusesAll {
		if !seen[RowVRFVC+"/"+st] {
			t.Errorf("no VRF VC in status %s", st)
		}
	}
	for _, typ := range []string{TypeDedicated, TypeShared, TypeSharedPortVLAN} {
		if !slices.ContainsFunc(cs, func(c model.Connection) bool { return c.Type == typ }) {
			t.Errorf("no %s interconnection", typ)
		}
	}
}
