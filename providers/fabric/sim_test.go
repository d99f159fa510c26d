package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
	"github.com/noctop/noctop/providers/sim"
)

var ctx = context.Background()

func TestConnectionsFromSimulatorAreCompleteAndSpecValid(t *testing.T) {
	env := newEnv(t, 250, sim.Timing{})
	p := env.provider(t, validateAll)
	var prog model.Progress
	cs, err := p.Connections(ctx, &prog)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != env.sim.Len() {
		t.Fatalf("got %d connections, simulator has %d", len(cs), env.sim.Len())
	}
	ids := map[string]bool{}
	states := map[model.State]int{}
	waiting := 0
	for _, c := range cs {
		if ids[c.ID] {
			t.Fatalf("duplicate %s", c.ID)
		}
		ids[c.ID] = true
		states[c.State]++
		if c.Pending != nil && c.Pending.WaitingOnUs {
			waiting++
			if !c.HasAction(model.ActionApprove) {
				t.Errorf("%s waits on us but cannot be approved", c.Name)
			}
		}
		if c.State == model.StateUnknown {
			t.Errorf("simulator served a state the adapter does not know: %s %s", c.RawState, c.Status)
		}
	}
	if waiting != env.sim.WaitingOnUs() || waiting == 0 {
		t.Fatalf("%d connections wait on us, simulator says %d", waiting, env.sim.WaitingOnUs())
	}
	for _, st := range []model.State{model.StateActive, model.StatePending, model.StateProvisioning, model.StateChanging, model.StateDeprovisioned} {
		if states[st] == 0 {
			t.Errorf("no connection in state %s (%v)", st, states)
		}
	}
	if done, total := prog.Load(); total != 3 || done != 3 {
		t.Errorf("progress %d/%d, want 3/3 pages", done, total)
	}
	seen := strings.Join(env.log.Seen(), "\n")
	for _, op := range []string{"POST /oauth2/v1/token 200", "POST /fabric/v4/connections/search 200", "GET /fabric/v4/ports 200"} {
		if !strings.Contains(seen, op) {
			t.Errorf("validator never saw %q; saw:\n%s", op, seen)
		}
	}
}

func TestSimulatorIsDeterministic(t *testing.T) {
	body := func(seed int64) string {
		clk := sim.NewFakeClock(simEpoch)
		s := NewSimulator(sim.NewWorld(sim.Config{Seed: seed, Scale: 120, Clock: clk}))
		srv, err := sim.Start(s)
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		hc, _ := newValidatingClient(t)
		p, err := New("x", srv.URL(), Credentials{Token: DemoToken}, httpx.WithHTTPClient(hc))
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(10 * time.Minute) // arrivals happen, deterministically
		cs, err := p.Connections(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The listing keeps no raw JSON: the model values say what was served.
		b, err := json.Marshal(cs)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a, b, c := body(1), body(1), body(2)
	if a != b {
		t.Fatal("same seed and clock served different worlds")
	}
	if a == c {
		t.Fatal("different seeds served the same world")
	}
}

func TestSimulatorArrivalsUnderFakeClock(t *testing.T) {
	env := newEnv(t, 120, sim.DemoTiming())
	p := env.provider(t, validateAll)
	before, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	w0 := env.sim.WaitingOnUs()
	for i := 0; i < 8; i++ { // ten minutes, polled every 75s
		env.clock.Advance(75 * time.Second)
		if _, err := p.Connections(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	after, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	newConns := len(after) - len(before)
	if newConns < 5 || newConns > 30 {
		t.Fatalf("%d new connections in 10 minutes with 20-40s arrivals (70%% new requests)", newConns)
	}
	if env.sim.WaitingOnUs() <= w0 {
		t.Fatalf("waiting-on-us went from %d to %d", w0, env.sim.WaitingOnUs())
	}
	old := map[string]bool{}
	for _, c := range before {
		old[c.ID] = true
	}
	for _, c := range after {
		if old[c.ID] {
			continue
		}
		if c.Pending == nil || c.Pending.Kind != model.ChangeCreation || !c.Pending.WaitingOnUs || c.State != model.StatePending {
			t.Errorf("new arrival %s is not a creation waiting on us: %s %+v", c.Name, c.State, c.Pending)
		}
		if c.Created.Before(simEpoch) || c.Created.After(env.clock.Now()) {
			t.Errorf("arrival %s created at %v, outside the simulated window", c.Name, c.Created)
		}
	}
}

func TestOutgoingRequestsAreAnsweredByTheOtherSide(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	var outgoing []string
	for _, c := range cs {
		if c.Pending != nil && !c.Pending.WaitingOnUs && c.State == model.StatePending {
			outgoing = append(outgoing, c.ID)
		}
	}
	if len(outgoing) == 0 {
		t.Fatal("no outgoing pending request in the world")
	}
	env.clock.Advance(sim.DemoTiming().RemoteMax + sim.DemoTiming().ProvisionMax + 10*time.Second)
	for _, id := range outgoing {
		c, err := p.Connection(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != model.StateActive && c.State != model.StateRejected {
			t.Errorf("%s still %s (%s) after the remote side's deadline", c.Name, c.State, c.Status)
		}
	}
}

// pendingWaiting finds a connection waiting on us for kind whose z side
// does (or does not) need acceptance data.
func pendingWaiting(t *testing.T, p *Provider, cs []model.Connection, kind model.ChangeKind, needsData *bool) model.Connection {
	t.Helper()
	for _, c := range cs {
		if c.Pending == nil || !c.Pending.WaitingOnUs || c.Pending.Kind != kind {
			continue
		}
		if needsData != nil {
			p.mu.Lock()
			wc, _ := p.conn(c.ID)
			nz := needsZSide(wc)
			p.mu.Unlock()
			if nz != *needsData {
				continue
			}
		}
		return c
	}
	t.Fatalf("no %s waiting on us (needs data %v)", kind, needsData)
	return model.Connection{}
}

func ptr[T any](v T) *T { return &v }

func TestApproveCreationLandsOnOurPortAndBecomesActive(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := pendingWaiting(t, p, cs, model.ChangeCreation, ptr(true))
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{Provider: p.Name(), Type: "connection", ID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var body ConnectionActionRequest
	if err := json.Unmarshal(a.HTTP.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != ActionCreationAcceptance || body.Data == nil || body.Data.ZSide.AccessPoint.Port.UUID == "" || body.Data.ZSide.AccessPoint.LinkProtocol == nil {
		t.Fatalf("acceptance without z-side data:\n%s", a.HTTP.Body)
	}
	if a.HTTP.Method != "POST" || a.HTTP.Path != "/fabric/v4/connections/"+c.ID+"/actions" || a.Idempotent || a.Risk != model.RiskMedium {
		t.Fatalf("plan %+v", a)
	}
	res, err := p.Do(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 202 || !strings.Contains(res.Message, ActionCreationAcceptance) {
		t.Fatalf("result %+v", res)
	}
	got, err := p.Connection(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != model.StateProvisioning || got.Pending != nil || len(got.Actions) != 0 {
		t.Fatalf("after approval: %s pending %+v actions %v", got.State, got.Pending, got.Actions)
	}
	env.clock.Advance(sim.DemoTiming().ProvisionMax + time.Second)
	got, err = p.Connection(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	lp := body.Data.ZSide.AccessPoint.LinkProtocol
	want := []int{lp.VlanTag}
	if lp.Type == "QINQ" {
		want = []int{lp.VlanSTag}
	}
	if got.State != model.StateActive || got.Z.PortID != body.Data.ZSide.AccessPoint.Port.UUID || !slices.Equal(got.Z.VLANs, want) {
		t.Fatalf("after provisioning: %s, z side %+v; want active on the planned port/VLAN %v", got.State, got.Z, want)
	}
	if !strings.Contains(strings.Join(env.log.Seen(), "\n"), "POST /fabric/v4/connections/{connectionId}/actions 202") {
		t.Fatal("the action exchange was not validated")
	}
}

func TestApproveCreationOnOurPortNeedsNoData(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	c := pendingWaiting(t, p, cs, model.ChangeCreation, ptr(false))
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"type\": \"CONNECTION_CREATION_ACCEPTANCE\"\n}"; string(a.HTTP.Body) != want {
		t.Fatalf("body %s, want %s", a.HTTP.Body, want)
	}
	if _, err := p.Do(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Connection(ctx, c.ID); got.State != model.StateProvisioning {
		t.Fatalf("state %s", got.State)
	}
}

func TestRejectCreationNeedsAReasonAndEndsRejected(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	c := pendingWaiting(t, p, cs, model.ChangeCreation, nil)
	// An approval planned before the rejection, sent after it: the API,
	// not only Plan, refuses a second decision.
	stale, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	req := model.ActionRequest{Kind: model.ActionReject, Target: model.Ref{ID: c.ID}}
	a, err := p.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	if !a.NeedsReason {
		t.Fatal("a rejection must ask for a reason")
	}
	n := env.sim.Requests()
	if _, err := p.Do(ctx, a); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Fatalf("Do without a reason: %v", err)
	}
	if env.sim.Requests() != n {
		t.Fatal("a rejection without reason reached the API")
	}
	req.Reason = "wrong VLAN requested, please use 2xx"
	a, err = p.Plan(req)
	if err != nil {
		t.Fatal(err)
	}
	var body ConnectionActionRequest
	_ = json.Unmarshal(a.HTTP.Body, &body)
	if body.Type != ActionCreationRejection || body.Description != req.Reason || body.Data != nil {
		t.Fatalf("body %s", a.HTTP.Body)
	}
	if _, err := p.Do(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, _ := p.Connection(ctx, c.ID)
	if got.State != model.StateRejected || len(got.Actions) != 0 {
		t.Fatalf("after rejection: %s %v", got.State, got.Actions)
	}
	env.clock.Advance(10 * time.Second)
	got, _ = p.Connection(ctx, c.ID)
	if got.State != model.StateRejected || got.RawState != "CANCELLED" {
		t.Fatalf("later: %s (%s)", got.State, got.RawState)
	}
	// A second decision on the same request is refused by the API.
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}}); !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("Plan of a second decision: %v", err)
	}
	_, err = p.Do(ctx, stale)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != "EQ-3142502" {
		t.Fatalf("second decision: %v", err)
	}
}

func TestUpdateAcceptanceAppliesBandwidthAndRejectionKeepsIt(t *testing.T) {
	env := newEnv(t, 400, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	var ups []model.Connection
	for _, c := range cs {
		if c.Pending != nil && c.Pending.WaitingOnUs && c.Pending.Kind == model.ChangeUpdate {
			ups = append(ups, c)
		}
	}
	if len(ups) < 2 {
		t.Fatalf("need two pending updates, have %d", len(ups))
	}
	acc, rej := ups[0], ups[1]
	wc, _ := env.sim.Snapshot(acc.ID)
	var nb struct {
		Bandwidth int64 `json:"bandwidth"`
	}
	_ = json.Unmarshal(wc.Change.Ops()[0].Value, &nb)

	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: acc.ID}})
	if err != nil || !strings.Contains(string(a.HTTP.Body), ActionUpdateAcceptance) {
		t.Fatalf("plan %v %s", err, a.HTTP.Body)
	}
	if _, err := p.Do(ctx, a); err != nil {
		t.Fatal(err)
	}
	r, err := p.Plan(model.ActionRequest{Kind: model.ActionReject, Target: model.Ref{ID: rej.ID}, Reason: "no budget"})
	if err != nil || !strings.Contains(string(r.HTTP.Body), ActionUpdateRejection) || r.Risk != model.RiskLow {
		t.Fatalf("plan %v %s", err, r.HTTP.Body)
	}
	if _, err := p.Do(ctx, r); err != nil {
		t.Fatal(err)
	}
	env.clock.Advance(sim.DemoTiming().ProvisionMax + time.Second)
	got, _ := p.Connection(ctx, acc.ID)
	if got.BandwidthMbps != nb.Bandwidth || got.State != model.StateActive || got.Pending != nil {
		t.Fatalf("accepted update: %d Mbps %s %+v, want %d active", got.BandwidthMbps, got.State, got.Pending, nb.Bandwidth)
	}
	got, _ = p.Connection(ctx, rej.ID)
	if got.BandwidthMbps != rej.BandwidthMbps || got.State != model.StateActive || got.Pending != nil {
		t.Fatalf("rejected update: %d Mbps %s %+v", got.BandwidthMbps, got.State, got.Pending)
	}
}

func TestDeletionAcceptance(t *testing.T) {
	env := newEnv(t, 600, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	c := pendingWaiting(t, p, cs, model.ChangeDeletion, nil)
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionReject, Target: model.Ref{ID: c.ID}, Reason: "no"}); !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("rejecting a deletion: %v", err)
	}
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Risk != model.RiskHigh || a.ConfirmText != c.Name || !strings.Contains(string(a.HTTP.Body), ActionDeletionAcceptance) {
		t.Fatalf("plan %+v %s", a, a.HTTP.Body)
	}
	if _, err := p.Do(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, _ := p.Connection(ctx, c.ID); got.State != model.StateDeprovisioning {
		t.Fatalf("state %s", got.State)
	}
	env.clock.Advance(sim.DemoTiming().DeprovisionMax + time.Second)
	if got, _ := p.Connection(ctx, c.ID); got.State != model.StateDeprovisioned {
		t.Fatalf("state %s", got.State)
	}
}

func TestOutgoingRequestCannotBeApproved(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	c, ok := findConn(cs, func(c model.Connection) bool {
		return c.Pending != nil && !c.Pending.WaitingOnUs && c.State == model.StatePending
	})
	if !ok {
		t.Fatal("no outgoing pending connection")
	}
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}}); !errors.Is(err, model.ErrUnsupported) {
		t.Fatalf("Plan: %v", err)
	}
	// Sent anyway (a plan built by hand), the API refuses it too.
	forced := model.Action{HTTP: model.HTTPRequest{Method: http.MethodPost, Path: ConnPath + c.ID + "/actions",
		Body: []byte(`{"type":"` + ActionCreationAcceptance + `"}`)}}
	_, err := p.Do(ctx, forced)
	if !errors.Is(err, model.ErrForbidden) || !strings.Contains(err.Error(), "EQ-3000197") {
		t.Fatalf("API answer: %v", err)
	}
}

func TestAcceptanceWithTakenVLANIsRefused(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	cs, _ := p.Connections(ctx, nil)
	c := pendingWaiting(t, p, cs, model.ChangeCreation, ptr(true))
	a, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}})
	if err != nil {
		t.Fatal(err)
	}
	var body ConnectionActionRequest
	_ = json.Unmarshal(a.HTTP.Body, &body)
	port := body.Data.ZSide.AccessPoint.Port.UUID
	// Find a VLAN some connection already uses on that port.
	used := 0
	for _, x := range cs {
		if x.Z.PortID == port && len(x.Z.VLANs) > 0 && x.State == model.StateActive {
			used = x.Z.VLANs[0]
		}
		if x.A.PortID == port && len(x.A.VLANs) > 0 && x.State == model.StateActive {
			used = x.A.VLANs[0]
		}
	}
	if used == 0 {
		t.Skip("chosen port carries no active connection in this world")
	}
	// The planner refuses the clash before anything is sent...
	if _, err := p.Plan(model.ActionRequest{Kind: model.ActionApprove, Target: model.Ref{ID: c.ID}, Params: map[string]string{ParamPort: port, ParamVLAN: fmt.Sprint(used)}}); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("plan with a taken VLAN: %v", err)
	}
	// ...and so does the API, when a request slips past it.
	body.Data.ZSide.AccessPoint.LinkProtocol.VlanTag = used
	body.Data.ZSide.AccessPoint.LinkProtocol.VlanSTag = 0
	if lp := body.Data.ZSide.AccessPoint.LinkProtocol; lp.Type == "QINQ" {
		lp.VlanTag, lp.VlanSTag = 0, used
	}
	a.HTTP.Body, _ = json.MarshalIndent(body, "", "  ")
	res, err := p.Do(ctx, a)
	var ae *model.APIError
	if !errors.As(err, &ae) || ae.Status != 400 || !strings.Contains(ae.Error(), "already in use") || res.Status != 400 {
		t.Fatalf("taken VLAN: %v (result %+v)", err, res)
	}
}

func TestSearchFilterSortAndPaging(t *testing.T) {
	env := newEnv(t, 300, sim.Timing{})
	p := env.provider(t, validateAll)
	all, err := p.Connections(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Client()
	count := func(pred func(model.Connection) bool) int {
		n := 0
		for _, x := range all {
			if pred(x) {
				n++
			}
		}
		return n
	}
	search := func(f *Expression, sort []SortCriteria, offset, limit int) ConnectionSearchResponse {
		t.Helper()
		r, err := c.SearchConnections(ctx, SearchRequest{Filter: f, Sort: sort, Pagination: &PaginationRequest{Offset: offset, Limit: limit}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	cond := func(prop, op string, vals ...string) Expression {
		return Expression{Property: prop, Operator: op, Values: vals}
	}

	tests := []struct {
		name string
		f    Expression
		want func(model.Connection) bool
	}{
		{"equinixStatus =", cond("/operation/equinixStatus", "=", "PENDING_APPROVAL"),
			func(x model.Connection) bool { return strings.HasPrefix(x.Status, "PENDING_APPROVAL /") }},
		{"type IN", cond("/type", "IN", "EPL_VC", "IP_VC"),
			func(x model.Connection) bool { return x.Type == "EPL_VC" || x.Type == "IP_VC" }},
		{"state !=", cond("/state", "!=", "ACTIVE"), func(x model.Connection) bool { return x.RawState != "ACTIVE" }},
		{"name LIKE", cond("/name", "LIKE", "%-transit-%"), func(x model.Connection) bool { return strings.Contains(x.Name, "-transit-") }},
		{"and/or nesting", Expression{And: []Expression{
			cond("/state", "=", "ACTIVE"),
			{Or: []Expression{cond("/bandwidth", ">=", "5000"), cond("/zSide/accessPoint/location/metroCode", "=", "FR")}},
		}}, func(x model.Connection) bool {
			return x.RawState == "ACTIVE" && (x.BandwidthMbps >= 5000 || x.Z.Metro == "FR")
		}},
		{"change status", cond("/change/status", "=", "SUBMITTED_FOR_APPROVAL"),
			func(x model.Connection) bool { return x.Pending != nil && x.Pending.Status == "SUBMITTED_FOR_APPROVAL" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := search(&tc.f, nil, 0, 100)
			want := count(tc.want)
			if r.Pagination.Total != want || want == 0 {
				t.Fatalf("total %d, want %d (non-zero)", r.Pagination.Total, want)
			}
			for _, x := range r.Data {
				if !tc.want(toModel("t", x)) {
					t.Fatalf("%s does not match the filter", x.Name)
				}
			}
		})
	}

	// Sort by name ascending, paged: pages join into the sorted list.
	var names []string
	for off := 0; off < len(all); off += 70 {
		r := search(nil, []SortCriteria{{Property: "/name", Direction: "ASC"}}, off, 70)
		if off == 0 && (r.Pagination.Next != "/search?offset=70&limit=70" || r.Pagination.Previous != "") {
			t.Fatalf("first page links %+v", r.Pagination)
		}
		if off == 70 && r.Pagination.Previous != "/search?offset=0&limit=70" {
			t.Fatalf("second page links %+v", r.Pagination)
		}
		for _, x := range r.Data {
			names = append(names, x.Name)
		}
	}
	if len(names) != len(all) || !slices.IsSorted(names) {
		t.Fatalf("sorted paging gave %d names, sorted %v", len(names), slices.IsSorted(names))
	}
	if r := search(nil, nil, len(all)+5, 10); len(r.Data) != 0 || r.Pagination.Total != len(all) {
		t.Fatalf("page past the end: %d items total %d", len(r.Data), r.Pagination.Total)
	}
}

func TestSearchRejectsInvalidRequests(t *testing.T) {
	env := newEnv(t, 50, sim.Timing{})
	p := env.provider(t, validateResponses) // these requests are invalid on purpose
	c := p.Client()
	tests := []struct {
		name string
		req  SearchRequest
		code string
		msg  string
	}{
		{"direction filter (not allowed in 4.31)", SearchRequest{Filter: &Expression{And: []Expression{{Property: "/direction", Operator: "=", Values: []string{"OUTGOING"}}}}}, "EQ-3040010", "/direction"},
		{"unknown operator", SearchRequest{Filter: &Expression{Property: "/name", Operator: "~", Values: []string{"x"}}}, "EQ-3040010", "operator"},
		{"no values", SearchRequest{Filter: &Expression{Property: "/name", Operator: "="}}, "EQ-3040010", "value"},
		{"mixed node", SearchRequest{Filter: &Expression{Property: "/name", Operator: "=", Values: []string{"x"}, And: []Expression{{Property: "/uuid", Operator: "=", Values: []string{"y"}}}}}, "EQ-3040010", "either"},
		{"limit 101", SearchRequest{Pagination: &PaginationRequest{Limit: 101}}, "EQ-3040011", "limit"},
		{"negative offset", SearchRequest{Pagination: &PaginationRequest{Offset: -1, Limit: 10}}, "EQ-3040011", "offset"},
		{"bad sort", SearchRequest{Sort: []SortCriteria{{Property: "/bogus"}}}, "EQ-3040012", "/bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.SearchConnections(ctx, tc.req)
			var ae *model.APIError
			if !errors.As(err, &ae) || ae.Status != 400 || ae.Code != tc.code || !strings.Contains(ae.Error(), tc.msg) || ae.CorrelationID == "" {
				t.Fatalf("err = %v, want 400 %s mentioning %q with a correlation id", err, tc.code, tc.msg)
			}
		})
	}
}

func TestSpecValidatorCatchesInvalidRequests(t *testing.T) {
	// The validator must not be vacuous: the user's /direction filter is
	// invalid in 4.31, and so is a misspelt field.
	env := newEnv(t, 20, sim.Timing{})
	hc, log := newValidatingClientNoFail(t)
	p, err := New("v", env.srv.URL(), Credentials{Token: DemoToken}, httpx.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = p.Client().SearchConnections(ctx, SearchRequest{Filter: &Expression{Property: "/direction", Operator: "=", Values: []string{"OUTGOING"}}})
	v := strings.Join(log.Violations(), "\n")
	if !strings.Contains(v, `"/filter/property": value is not one of the allowed values`) {
		t.Fatalf("validator did not flag the /direction filter; violations:\n%s", v)
	}
	_, _ = p.Client().api.Do(ctx, rawRequest("POST", SearchPath, `{"pagination":{"offset":0,"limit":5},"sortt":[]}`), nil)
	if v := strings.Join(log.Violations(), "\n"); !strings.Contains(v, "field /sortt is not in the schema") {
		t.Fatalf("unknown field not flagged; violations:\n%s", v)
	}
	// Responses too: a connection without its required sides, and a misspelt field.
	var served atomic.Value
	served.Store(`{"pagination":{"offset":0,"limit":20,"total":1},"data":[{"type":"EVPL_VC","name":"x","bandwidth":10,"aSide":{},"zSide":{"accessPoint":{"linkProtocol":{"type":"DOT1Q","vlanStag":7}}}}]}`)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, served.Load().(string))
	}))
	defer bad.Close()
	hc2, log2 := newValidatingClientNoFail(t)
	p2, _ := New("v", bad.URL, Credentials{Token: DemoToken}, httpx.WithHTTPClient(hc2))
	_, _ = p2.Client().SearchConnections(ctx, SearchRequest{})
	v = strings.Join(log2.Violations(), "\n")
	if !strings.Contains(v, "vlanStag is not in the schema") {
		t.Fatalf("misspelt response field not flagged; violations:\n%s", v)
	}
	served.Store(`{"pagination":{"offset":0,"limit":20,"total":1},"data":[{"type":"EVPL_VC","name":"x","bandwidth":10}]}`)
	_, _ = p2.Client().SearchConnections(ctx, SearchRequest{})
	if v := strings.Join(log2.Violations(), "\n"); !strings.Contains(v, "aSide") {
		t.Fatalf("missing required aSide not flagged; violations:\n%s", v)
	}
}

func TestGetConnectionErrors(t *testing.T) {
	env := newEnv(t, 20, sim.Timing{})
	p := env.provider(t, validateAll)
	_, err := p.Connection(ctx, "00000000-0000-4000-8000-000000000000")
	var ae *model.APIError
	if !errors.Is(err, model.ErrNotFound) || !errors.As(err, &ae) || ae.Code != "EQ-3142102" || !strings.Contains(ae.Error(), "refresh the list") {
		t.Fatalf("unknown uuid: %v", err)
	}
	n := env.sim.Requests()
	for _, bad := range []string{"", "../ports", "a/b", "x?y=1", strings.Repeat("a", 200)} {
		if _, err := p.Connection(ctx, bad); err == nil {
			t.Fatalf("id %q accepted", bad)
		}
	}
	if env.sim.Requests() != n {
		t.Fatal("invalid ids reached the API")
	}
}

func TestPortsMetrosValidateRename(t *testing.T) {
	env := newEnv(t, 100, sim.Timing{})
	p := env.provider(t, validateAll)
	c := p.Client()
	ports, err := c.ListPorts(ctx)
	if err != nil || len(ports) != 2*len(sim.Metros())+100/25 {
		t.Fatalf("ports: %d %v", len(ports), err)
	}
	for _, pt := range ports {
		if pt.UUID == "" || pt.Location == nil || pt.Encapsulation == nil || pt.State != "ACTIVE" {
			t.Fatalf("incomplete port %+v", pt)
		}
	}
	metros, err := c.ListMetros(ctx)
	if err != nil || len(metros) != len(sim.Metros()) || metros[0].Code != sim.Metros()[0].Code {
		t.Fatalf("metros: %d %v", len(metros), err)
	}
	ok, err := c.ValidateConnection(ctx, ValidateRequest{Filter: ValidateFilter{And: []ValidateCondition{{Property: "/zSide/accessPoint/authenticationKey", Operator: "=", Values: []string{"valid-abc"}}}}})
	if err != nil || len(ok.Data) == 0 || ok.AdditionalInfo[0].Value != "Authorization key provided is valid" {
		t.Fatalf("validate: %+v %v", ok, err)
	}
	_, err = c.ValidateConnection(ctx, ValidateRequest{Filter: ValidateFilter{And: []ValidateCondition{{Property: "/zSide/accessPoint/authenticationKey", Operator: "=", Values: []string{"nope"}}}}})
	if ae := (*model.APIError)(nil); !errors.As(err, &ae) || ae.Code != "EQ-3142217" {
		t.Fatalf("invalid key: %v", err)
	}
	// A JSON-patch update goes through Do like every mutation.
	cs, _ := p.Connections(ctx, nil)
	rename := model.Action{HTTP: model.HTTPRequest{Method: http.MethodPatch, Path: ConnPath + cs[0].ID, ContentType: ContentJSONPatch,
		Body: []byte(`[{"op":"replace","path":"/name","value":{"name":"renamed-by-test"}}]`)}}
	if res, err := p.Do(ctx, rename); err != nil || res.Sent != 1 {
		t.Fatalf("rename: %v %+v", err, res)
	}
	if renamed, err := p.Connection(ctx, cs[0].ID); err != nil || renamed.Name != "renamed-by-test" {
		t.Fatalf("after rename: %v %q", err, renamed.Name)
	}
}

func TestSimulatorTwoHourSoak(t *testing.T) {
	// Two simulated hours of the demo: arrivals, decisions taken along the
	// way, everything the API serves stays decodable and consistent.
	env := newEnv(t, 100, sim.DemoTiming(), WithSimMaxWaiting(15))
	p := env.provider(t, noValidation)
	decided := 0
	for step := 0; step < 30; step++ {
		env.clock.Advance(4 * time.Minute)
		cs, err := p.Connections(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		waiting := 0
		for _, c := range cs {
			if c.State == model.StateUnknown || c.Status == "" {
				t.Fatalf("step %d: %s has state %s status %q", step, c.Name, c.State, c.Status)
			}
			if c.Pending == nil || !c.Pending.WaitingOnUs {
				continue
			}
			waiting++
			kind := model.ActionApprove
			if decided%3 == 1 && c.Pending.Kind != model.ChangeDeletion {
				kind = model.ActionReject
			}
			if step%3 == 0 { // leave most requests waiting for a while
				a, err := p.Plan(model.ActionRequest{Kind: kind, Target: model.Ref{ID: c.ID}, Reason: "soak"})
				if err != nil {
					t.Fatalf("plan %s on %s: %v", kind, c.Name, err)
				}
				if _, err := p.Do(ctx, a); err != nil {
					t.Fatalf("%s %s: %v", kind, c.Name, err)
				}
				decided++
				got, err := p.Connection(ctx, c.ID) // re-read, as the UI does
				if err != nil || (got.Pending != nil && got.Pending.WaitingOnUs) {
					t.Fatalf("after %s of %s: %v, still waiting: %+v", kind, c.Name, err, got.Pending)
				}
			}
		}
		if waiting > 15 {
			t.Fatalf("step %d: %d waiting, cap is 15", step, waiting)
		}
	}
	if decided < 10 {
		t.Fatalf("only %d decisions in two hours", decided)
	}
}
