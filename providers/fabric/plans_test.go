package fabric

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

func TestChangeBandwidthOfOurConnection(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	p.refreshPorts(ctx)
	wire := func(id string) Connection { c, _ := env.sim.Snapshot(id); return c }
	// To another company's port (applied after provisioning) and to a
	// service profile (their approval first).
	var toPort, toProfile model.Connection
	for _, c := range cs {
		w := wire(c.ID)
		if !c.HasAction(model.ActionChangeBandwidth) || w.Direction != dirOutgoing || c.BandwidthMbps >= 5000 {
			continue
		}
		if z := w.ZSide.AccessPoint; z != nil && z.Type == "COLO" && toPort.ID == "" {
			toPort = c
		} else if z != nil && z.Type == "SP" && toProfile.ID == "" {
			toProfile = c
		}
	}
	if toPort.ID == "" || toProfile.ID == "" {
		t.Fatalf("no outgoing connections to change (port %q, profile %q)", toPort.ID, toProfile.ID)
	}
	a := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionChangeBandwidth, Target: model.Ref{ID: toPort.ID}}))
	var ops []map[string]any
	if err := json.Unmarshal(a.HTTP.Body, &ops); err != nil {
		t.Fatal(err)
	}
	next := nextBandwidth(toPort.BandwidthMbps)
	if a.HTTP.Method != http.MethodPatch || a.HTTP.ContentType != ContentJSONPatch || len(ops) != 1 || ops[0]["op"] != "replace" || ops[0]["path"] != "/bandwidth" || ops[0]["value"] != float64(next) {
		t.Fatalf("plan %+v %s", a.HTTP, a.HTTP.Body)
	}
	if !strings.Contains(a.Title, model.FormatMbps(next)) || a.Risk != model.RiskMedium || a.ConfirmText != "" {
		t.Errorf("plan metadata %+v", a)
	}
	res, err := p.Do(ctx, a)
	if err != nil || res.Status != http.StatusAccepted {
		t.Fatalf("do: %+v %v", res, err)
	}
	mid := must1[model.Connection](t)(p.Connection(ctx, toPort.ID))
	if mid.BandwidthMbps != toPort.BandwidthMbps || mid.HasAction(model.ActionChangeBandwidth) {
		t.Errorf("while the change provisions: %d Mbps, actions %v", mid.BandwidthMbps, mid.Actions)
	}
	env.clock.Advance(sim.DemoTiming().ProvisionMax + time.Second)
	done := must1[model.Connection](t)(p.Connection(ctx, toPort.ID))
	if done.BandwidthMbps != next || done.State != model.StateActive || done.Pending != nil {
		t.Errorf("after provisioning: %d Mbps %s %+v", done.BandwidthMbps, done.State, done.Pending)
	}

	// To a profile: the profile's limit is the API's to enforce (the
	// planner knows only Fabric's speeds and our port's).
	big := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionChangeBandwidth, Target: model.Ref{ID: toProfile.ID}, Params: map[string]string{ParamBandwidth: "10000"}}))
	if _, err := p.Do(ctx, big); !isStatus(err, http.StatusBadRequest) || !strings.Contains(err.Error(), "allows at most") {
		t.Errorf("10G on a profile selling up to 5G: %v", err)
	}
	ok := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionChangeBandwidth, Target: model.Ref{ID: toProfile.ID}, Params: map[string]string{ParamBandwidth: "50"}}))
	must1[model.Result](t)(p.Do(ctx, ok))
	pend := must1[model.Connection](t)(p.Connection(ctx, toProfile.ID))
	if pend.Pending == nil || pend.Pending.WaitingOnUs || pend.Pending.Kind != model.ChangeUpdate {
		t.Errorf("a change to a profile waits on its owner: %+v", pend.Pending)
	}
	env.clock.Advance(sim.DemoTiming().RemoteMax + sim.DemoTiming().ProvisionMax + time.Second)
	after := must1[model.Connection](t)(p.Connection(ctx, toProfile.ID))
	if after.Pending != nil || (after.BandwidthMbps != 50 && after.BandwidthMbps != toProfile.BandwidthMbps) {
		t.Errorf("after the owner's answer: %d Mbps, %+v", after.BandwidthMbps, after.Pending)
	}
	if !strings.Contains(strings.Join(env.log.Seen(), "\n"), "PATCH /fabric/v4/connections/{connectionId} 202") {
		t.Errorf("PATCH not validated: %v", env.log.Seen())
	}
}

func TestBandwidthAndDeletionRefusals(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateResponses, httpx.WithClock(env.clock.Now))
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	p.refreshPorts(ctx)
	incoming, ok := findConn(cs, func(c model.Connection) bool {
		w, _ := env.sim.Snapshot(c.ID)
		return w.Direction == dirIncoming && c.State == model.StateActive && c.Pending == nil
	})
	if !ok {
		t.Fatal("no incoming connection")
	}
	if incoming.HasAction(model.ActionChangeBandwidth) || incoming.HasAction(model.ActionDecommission) {
		t.Errorf("incoming connection offers %v", incoming.Actions)
	}
	for _, k := range []model.ActionKind{model.ActionChangeBandwidth, model.ActionDecommission} {
		if _, err := p.Plan(model.ActionRequest{Kind: k, Target: model.Ref{ID: incoming.ID}, Params: map[string]string{ParamBandwidth: "100"}}); !errors.Is(err, model.ErrUnsupported) || !strings.Contains(err.Error(), "Z side") {
			t.Errorf("%s on an incoming connection: %v", k, err)
		}
	}
	// The API refuses them too.
	body := []byte(`[{"op":"replace","path":"/bandwidth","value":100}]`)
	if _, err := p.client.send(ctx, model.HTTPRequest{Method: http.MethodPatch, Path: ConnPath + incoming.ID, Body: body, ContentType: ContentJSONPatch}); !isStatus(err, http.StatusForbidden) {
		t.Errorf("API PATCH of an incoming connection: %v", err)
	}
	if _, err := p.client.send(ctx, model.HTTPRequest{Method: http.MethodDelete, Path: ConnPath + incoming.ID}); !isStatus(err, http.StatusForbidden) {
		t.Errorf("API DELETE of an incoming connection: %v", err)
	}
	out, ok := findConn(cs, func(c model.Connection) bool {
		return c.HasAction(model.ActionChangeBandwidth) && c.BandwidthMbps >= 200
	})
	if !ok {
		t.Fatal("no connection of ours")
	}
	for _, bw := range []string{"300", "0", "abc", strconv.FormatInt(out.BandwidthMbps, 10), "100000"} {
		if _, err := p.Plan(model.ActionRequest{Kind: model.ActionChangeBandwidth, Target: model.Ref{ID: out.ID}, Params: map[string]string{ParamBandwidth: bw}}); err == nil {
			t.Errorf("bandwidth %s planned for a %d Mbps connection", bw, out.BandwidthMbps)
		}
	}
	// Not one the service sells: the API says so.
	if _, err := p.client.send(ctx, model.HTTPRequest{Method: http.MethodPatch, Path: ConnPath + out.ID, Body: []byte(`[{"op":"replace","path":"/bandwidth","value":300}]`), ContentType: ContentJSONPatch}); !isStatus(err, http.StatusBadRequest) || !strings.Contains(err.Error(), "not offered") {
		t.Errorf("300 Mbps: %v", err)
	}
}

func TestDeleteOurConnection(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	cs := must1[[]model.Connection](t)(p.Connections(ctx, nil))
	c, ok := findConn(cs, func(c model.Connection) bool {
		return c.HasAction(model.ActionDecommission) && c.State == model.StateActive
	})
	if !ok {
		t.Fatal("no connection of ours")
	}
	a := must1[model.Action](t)(p.Plan(model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: c.ID}}))
	if a.HTTP.Method != http.MethodDelete || a.HTTP.Path != ConnPath+c.ID || a.HTTP.Body != nil || a.ConfirmText != c.Name || a.Risk != model.RiskHigh {
		t.Fatalf("plan %+v", a)
	}
	res, err := p.Do(ctx, a)
	if err != nil || res.Status != http.StatusOK || !strings.Contains(res.Message, "DEPROVISIONING") {
		t.Fatalf("do: %+v %v", res, err)
	}
	got := must1[model.Connection](t)(p.Connection(ctx, c.ID))
	if got.State != model.StateDeprovisioning || got.HasAction(model.ActionDecommission) {
		t.Errorf("after deletion: %s %v", got.State, got.Actions)
	}
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionDecommission, Target: model.Ref{ID: c.ID}}); !errors.Is(err, model.ErrUnsupported) {
		t.Errorf("deleting twice: %v", err)
	}
	env.clock.Advance(sim.DemoTiming().DeprovisionMax + time.Second)
	gone := must1[model.Connection](t)(p.Connection(ctx, c.ID))
	if gone.State != model.StateDeprovisioned {
		t.Errorf("after deprovisioning: %s", gone.State)
	}
	if !slices.Contains(env.log.Seen(), "DELETE /fabric/v4/connections/{connectionId} 200") {
		t.Errorf("DELETE not validated: %v", env.log.Seen())
	}
}

func TestInventoryShowsMetroPortConnections(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{}, WithSimPortsPage(5))
	p := env.provider(t, validateAll, httpx.WithClock(env.clock.Now))
	roots := must1[[]model.Node](t)(p.Inventory(ctx, nil))
	ports := 0
	var conns int
	var qinq bool
	for _, m := range roots {
		if m.Kind != "metro" || m.Label == "" {
			t.Fatalf("root %+v", m)
		}
		for _, pt := range m.Children {
			ports++
			if pt.Kind != "port" || pt.Ref.Type != RefPort || pt.State != model.StateActive {
				t.Fatalf("port %+v", pt)
			}
			fields := map[string]string{}
			for _, f := range pt.Fields {
				fields[f.Key] = f.Value
			}
			for _, k := range []string{"speed", "state", "used bandwidth", "available bandwidth", "encapsulation"} {
				if fields[k] == "" {
					t.Errorf("port %s lacks %s", pt.Label, k)
				}
			}
			qinq = qinq || fields["encapsulation"] == "QINQ"
			for _, c := range pt.Children {
				conns++
				if c.Kind != "connection" || c.Ref.Type != RefConnection || c.Ref.ID == "" {
					t.Fatalf("connection %+v", c)
				}
			}
		}
	}
	// A pair in every metro + 300/25 ports, read five at a time through
	// the next links.
	if want := 2*len(sim.Metros()) + 300/25; ports != want || conns < 100 || !qinq {
		t.Errorf("%d ports, %d connections on them, QinQ %v", ports, conns, qinq)
	}
	if n := strings.Count(strings.Join(env.log.Seen(), "\n"), "GET /fabric/v4/ports 200"); n != 1 {
		t.Errorf("ports listing validated %d times (the key counts once)", n)
	}
}

func nextBandwidth(cur int64) int64 {
	for _, b := range Bandwidths {
		if b > cur {
			return b
		}
	}
	return 0
}

func isStatus(err error, status int) bool {
	var ae *model.APIError
	return errors.As(err, &ae) && ae.Status == status
}
