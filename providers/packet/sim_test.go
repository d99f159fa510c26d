package packet

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

// rawGet reads path from the simulator with the demo token.
func rawGet(t *testing.T, e *testEnv, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL()+path, nil)
	req.Header.Set(TokenHeader, DemoToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

// TestEveryReadAgainstTheSpec drives every read the provider makes
// through the validating transport and checks which operations were seen.
func TestEveryReadAgainstTheSpec(t *testing.T) {
	e := newEnv(t, 150, sim.Timing{})
	p := e.provider(t, validateAll, WithPageSize(25))
	ctx := context.Background()
	nodes, err := p.Inventory(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	conns, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	dev, ok := findNode(nodes, func(n model.Node) bool {
		return n.Kind == "server" && n.State == model.StateActive && field(n, "bgp sessions") != ""
	})
	if !ok {
		t.Fatal("no active server with BGP sessions")
	}
	for _, r := range []time.Duration{time.Hour, 7 * 24 * time.Hour} {
		if _, err := p.Series(ctx, model.SeriesQuery{Target: dev.Ref, Range: r}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		if _, err := p.Connection(ctx, c.ID); err != nil {
			t.Fatalf("re-read %s: %v", c.ID, err)
		}
		if strings.HasPrefix(c.ID, "bgp:") {
			break
		}
	}
	for _, c := range conns {
		if strings.HasPrefix(c.ID, "vnet:") {
			if _, err := p.Connection(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	for _, ref := range []model.Ref{{}, dev.Ref, {Type: "project", ID: e.sim.ProjectIDs()[0]}} {
		evs, err := p.Events(ctx, ref)
		if err != nil || len(evs) == 0 {
			t.Fatalf("events of %+v: %d %v", ref, len(evs), err)
		}
		if _, err := p.client.GetEvent(ctx, evs[0].ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Capacity(ctx); err != nil {
		t.Fatal(err)
	}
	c := p.client
	if _, err := c.ListProjectFacilities(ctx, e.sim.ProjectIDs()[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListDeviceBGPSessions(ctx, dev.Ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetBGPNeighbors(ctx, dev.Ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetDevice(ctx, dev.Ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListOrganizationProjects(ctx, e.sim.OrganizationID(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListOrganizationDevices(ctx, e.sim.OrganizationID(), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeviceTraffic(ctx, dev.Ref.ID, TrafficQuery{Direction: DirectionOutbound, Interval: "hour_of_day", Bucket: BucketInternal,
		Timeframe: Timeframe{StartedAt: simEpoch.Add(-48 * time.Hour), EndedAt: simEpoch}}); err != nil {
		t.Fatal(err)
	}
	seen := strings.Join(e.log.Seen(), "\n")
	for _, op := range []string{
		"GET /projects 200", "GET /facilities 200", "GET /projects/{id}/devices 200", "GET /projects/{id}/bgp-config 200",
		"GET /projects/{id}/bgp-config 404", "GET /projects/{id}/bgp/sessions 200", "GET /projects/{id}/virtual-networks 200",
		"GET /projects/{id}/hardware-reservations 200", "GET /projects/{id}/ips 200", "GET /devices/{id}/bandwidth 200",
		"GET /devices/{id}/traffic 200", "GET /bgp/sessions/{id} 200", "GET /virtual-networks/{id} 200", "GET /events 200",
		"GET /devices/{id}/events 200", "GET /projects/{id}/events 200", "GET /events/{id} 200", "GET /capacity 200",
		"GET /projects/{id}/facilities 200", "GET /devices/{id}/bgp/sessions 200", "GET /devices/{id}/bgp/neighbors 200",
		"GET /devices/{id} 200", "GET /organizations/{id}/projects 200", "GET /organizations/{id}/devices 200",
	} {
		if !strings.Contains(seen, op) {
			t.Errorf("operation %q was not exercised (seen:\n%s)", op, seen)
		}
	}
}

func TestSimulatorShapesTheWorld(t *testing.T) {
	e := newEnv(t, 300, sim.Timing{})
	p := e.provider(t, noValidation)
	nodes, err := p.Inventory(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]int{}
	types := map[string]int{}
	walk(nodes, func(n model.Node, _ int) {
		switch n.Kind {
		case "server":
			states[n.RawState]++
		case "port":
			if t := field(n, "network type"); t != "" && strings.HasPrefix(n.Label, "bond") {
				types[t]++
			}
		}
	})
	total := 0
	for _, n := range states {
		total += n
	}
	if total != 300 {
		t.Errorf("%d servers, want 300", total)
	}
	for _, st := range []string{DeviceActive, DeviceProvisioning, DeviceInactive, DeviceFailed, DevicePoweringOff} {
		if states[st] == 0 {
			t.Errorf("no server in state %s: %v", st, states)
		}
	}
	for _, nt := range []string{NetworkLayer3, NetworkHybrid, NetworkHybridBonded, NetworkLayer2Bonded, NetworkLayer2Individual} {
		if types[nt] == 0 {
			t.Errorf("no bond in network type %s: %v", nt, types)
		}
	}
	// The same seed gives the same world.
	e2 := newEnv(t, 300, sim.Timing{})
	if !slices.Equal(e.sim.ProjectIDs(), e2.sim.ProjectIDs()) || e.sim.DeviceCount() != e2.sim.DeviceCount() {
		t.Error("the simulator is not deterministic")
	}
}

func TestSimulatorHonoursIncludeAndExclude(t *testing.T) {
	e := newEnv(t, 30, sim.Timing{})
	pid := e.sim.ProjectIDs()[0]
	_, plain := rawGet(t, e, "/projects/"+pid+"/devices?per_page=1")
	_, rich := rawGet(t, e, "/projects/"+pid+"/devices?per_page=1&include=facility,plan,network_ports&exclude=root_password,userdata")
	d0 := plain["devices"].([]any)[0].(map[string]any)
	d1 := rich["devices"].([]any)[0].(map[string]any)
	if f := d0["facility"].(map[string]any); f["code"] != nil || f["href"] == nil {
		t.Errorf("without include the facility must be a link: %v", f)
	}
	if f := d1["facility"].(map[string]any); f["code"] == nil {
		t.Errorf("with include the facility must be embedded: %v", f)
	}
	if ports := d1["network_ports"].([]any); ports[0].(map[string]any)["name"] == nil {
		t.Errorf("ports not embedded: %v", ports)
	}
	if d0["root_password"] == nil || d1["root_password"] != nil || d1["userdata"] != nil {
		t.Errorf("exclude not honoured: plain has %v, rich has %v", d0["root_password"], d1["root_password"])
	}
}

func TestSimulatorPagingAndErrors(t *testing.T) {
	e := newEnv(t, 60, sim.Timing{})
	pid := e.sim.ProjectIDs()[0]
	small := e.provider(t, validateAll, WithPageSize(7))
	big := e.provider(t, noValidation, WithPageSize(1000))
	a, err := small.client.ListProjectDevices(context.Background(), pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := big.client.ListProjectDevices(context.Background(), pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) || len(a) < 8 {
		t.Fatalf("paged listing has %d devices, one page %d", len(a), len(b))
	}
	for i := range a {
		if a[i].ID != b[i].ID {
			t.Fatalf("device %d differs", i)
		}
	}
	_, m := rawGet(t, e, "/projects/"+pid+"/devices?page=2&per_page=3")
	meta := m["meta"].(map[string]any)
	for _, k := range []string{"first", "previous", "self", "next", "last"} {
		if meta[k] == nil {
			t.Errorf("meta.%s missing: %v", k, meta)
		}
	}
	if !strings.Contains(meta["next"].(map[string]any)["href"].(string), "page=3") {
		t.Errorf("next link %v", meta["next"])
	}
	for path, want := range map[string]int{
		"/projects/" + pid + "/devices?per_page=0":    422,
		"/projects/" + pid + "/devices?per_page=1001": 422,
		"/projects/" + pid + "/devices?page=abc":      422,
		"/projects/nope/devices":                      404,
		"/devices/nope":                               404,
		"/nowhere":                                    404,
	} {
		if got, body := rawGet(t, e, path); got != want || body["errors"] == nil {
			t.Errorf("%s: %d %v, want %d with errors", path, got, body, want)
		}
	}
	bad, err := New("pk", e.srv.URL(), "not-the-token")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Inventory(context.Background(), nil); !errors.Is(err, model.ErrUnauthorized) {
		t.Errorf("wrong token: %v", err)
	}
}

func TestBGPSessionsFlap(t *testing.T) {
	e := newEnv(t, 200, sim.DemoTiming())
	p := e.provider(t, noValidation)
	ctx := context.Background()
	states := func() map[string]model.State {
		p.forget()
		cs, err := p.Connections(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]model.State{}
		for _, c := range cs {
			if strings.HasPrefix(c.ID, "bgp:") {
				m[c.ID] = c.State
			}
		}
		return m
	}
	before := states()
	wentDown, cameBack := "", false
	for range 240 { // an hour of demo time, 15 s at a time
		e.clock.Advance(15 * time.Second)
		now := states()
		for id, st := range now {
			if wentDown == "" && before[id] == model.StateActive && st == model.StateFailed {
				wentDown = id
			}
			if wentDown == id && st == model.StateActive && before[id] == model.StateFailed {
				cameBack = true
			}
		}
		before = now
		if cameBack {
			break
		}
	}
	if wentDown == "" || !cameBack {
		t.Fatalf("no session went down and came back up (down: %q)", wentDown)
	}
	evs, err := p.Events(ctx, model.Ref{})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range evs[:min(len(evs), 40)] {
		types = append(types, ev.Type)
	}
	if !slices.Contains(types, "bgp_session.down") || !slices.Contains(types, "bgp_session.up") {
		t.Errorf("the flap is not in the newest events: %v", types)
	}
	for i := 1; i < len(evs); i++ {
		if evs[i].At.After(evs[i-1].At) {
			t.Fatalf("events not newest first at %d", i)
		}
	}
}

func TestSimulatedTraffic(t *testing.T) {
	e := newEnv(t, 120, sim.Timing{})
	p := e.provider(t, noValidation)
	ctx := context.Background()
	nodes, err := p.Inventory(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var busy, off model.Node
	walk(nodes, func(n model.Node, _ int) {
		if n.Kind != "server" {
			return
		}
		if n.RawState == DeviceActive && busy.Ref.ID == "" {
			ss, err := p.Series(ctx, model.SeriesQuery{Target: n.Ref, Range: 24 * time.Hour})
			if err == nil && model.ComputeStats(ss[0].Samples, 0).Max > 0 {
				busy = n
			}
		}
		if n.RawState == DeviceInactive && off.Ref.ID == "" {
			off = n
		}
	})
	ss, err := p.Series(ctx, model.SeriesQuery{Target: busy.Ref, Range: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	in := model.ComputeStats(ss[0].Samples, ss[0].Precision)
	if in.N < 300 || in.Max <= in.Avg || in.Max > ss[0].Capacity {
		t.Errorf("24h inbound: %d samples, avg %g, max %g, capacity %g", in.N, in.Avg, in.Max, ss[0].Capacity)
	}
	if ss[0].Unit != model.UnitBitsPerSec || ss[0].Name != "in" || ss[1].Name != "out" || ss[0].Stale {
		t.Errorf("series %+v / %+v", ss[0].Name, ss[1].Name)
	}
	// A week comes from /traffic by the hour, in bits per second: its
	// mean agrees with the bandwidth rates over the overlapping day.
	week, err := p.Series(ctx, model.SeriesQuery{Target: busy.Ref, Range: 7 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if week[0].Precision != time.Hour || week[0].Aggregate != "traffic/hour" || len(week[0].Samples) < 160 {
		t.Fatalf("week: %v %s %d samples", week[0].Precision, week[0].Aggregate, len(week[0].Samples))
	}
	lastDay := week[0].Samples[len(week[0].Samples)-23:]
	w := model.ComputeStats(lastDay, time.Hour)
	if ratio := w.Avg / in.Avg; ratio < 0.8 || ratio > 1.25 {
		t.Errorf("hourly traffic (%g bps) and bandwidth (%g bps) disagree", w.Avg, in.Avg)
	}
	if off.Ref.ID != "" {
		ss, err := p.Series(ctx, model.SeriesQuery{Target: off.Ref, Range: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		if st := model.ComputeStats(ss[0].Samples, 0); st.Max != 0 {
			t.Errorf("a powered-off server has traffic: %g", st.Max)
		}
	}
}

func TestSimulatorUnderFaults(t *testing.T) {
	e := newEnv(t, 80, sim.Timing{})
	spec, _ := sim.ParseFaults("5xx=0.2,429=0.1,malformed=0.05,truncate=0.05")
	faults := sim.NewFaults(spec, 3)
	srv, err := sim.Start(faults.Wrap(e.sim, SimFaultHooks()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	p, err := New("pk", srv.URL(), DemoToken, httpx.WithRetry(httpx.RetryPolicy{MaxAttempts: 6, Sleep: func(context.Context, time.Duration) error { return nil }}))
	if err != nil {
		t.Fatal(err)
	}
	ok := 0
	for range 10 {
		p.forget()
		nodes, err := p.Inventory(context.Background(), nil)
		switch {
		case err == nil:
			ok++
			if len(nodes) != 4 {
				t.Errorf("%d projects", len(nodes))
			}
		case errors.Is(err, model.ErrBadResponse), errors.As(err, new(*model.APIError)), errors.As(err, new(*model.RateLimited)):
		default:
			t.Errorf("untyped error under faults: %v", err)
		}
	}
	if ok == 0 {
		t.Error("no load succeeded with retries under moderate faults")
	}
	if faults.Count(sim.Fault5xx) == 0 {
		t.Error("no fault was injected")
	}
}

func TestScopes(t *testing.T) {
	e := newEnv(t, 80, sim.Timing{})
	ctx := context.Background()
	count := func(p *Provider) (projects, servers int) {
		t.Helper()
		nodes, err := p.Inventory(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		walk(nodes, func(n model.Node, _ int) {
			switch n.Kind {
			case "project":
				projects++
			case "server":
				servers++
			}
		})
		return projects, servers
	}
	allP, allS := count(e.provider(t, noValidation))
	before := e.sim.Requests()
	orgP, orgS := count(e.provider(t, validateAll, WithOrganizationID(e.sim.OrganizationID())))
	orgReqs := e.sim.Requests() - before
	if orgP != allP || orgS != allS || allS != 80 {
		t.Errorf("organisation scope: %d projects %d servers, unscoped %d %d", orgP, orgS, allP, allS)
	}
	if !strings.Contains(strings.Join(e.log.Seen(), " "), "GET /organizations/{id}/devices 200") {
		t.Error("the organisation scope did not read the devices in one listing")
	}
	pid := e.sim.ProjectIDs()[1]
	oneP, oneS := count(e.provider(t, validateAll, WithProjectID(pid)))
	if oneP != 1 || oneS == 0 || oneS >= allS {
		t.Errorf("project scope: %d projects, %d servers", oneP, oneS)
	}
	// Organisation scope: projects, facilities, one device listing, and
	// per project its BGP config (and sessions when it has BGP), networks,
	// hardware and IP reservations: no read per device.
	if orgReqs > int64(3+5*orgP) {
		t.Errorf("organisation scope took %d requests for %d projects", orgReqs, orgP)
	}
	caps, err := e.provider(t, noValidation).Capacity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	levels := map[string]int{}
	for _, c := range caps {
		levels[c.Level]++
	}
	if len(caps) != len(simMetros)*len(simPlans) || levels["normal"] == 0 || levels["limited"]+levels["unavailable"] == 0 {
		t.Errorf("capacity: %d rows, levels %v", len(caps), levels)
	}
}
