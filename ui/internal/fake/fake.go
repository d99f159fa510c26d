// Package fake is an in-memory provider for UI tests, benchmarks and local
// demos: deterministic connections, a planner that builds Fabric-like
// requests, and a runner that records every call and changes the world the
// way a provider would.
package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// World is one fake provider.
type World struct {
	Name string

	mu    sync.Mutex
	conns []model.Connection
	// ListErr / DoErr / ReadErr make the next calls fail.
	ListErr error
	DoErr   error
	ReadErr error
	// ListWarn is returned together with the connections (a
	// *model.Incomplete: the listing is partial).
	ListWarn error
	// ListDelay slows Connections (honouring ctx); Pages reports progress.
	ListDelay time.Duration
	Pages     int
	// ListWithoutRaw lists connections without their raw objects (as
	// Fabric does: the detail view reads the one it shows); Connection
	// still returns them whole.
	ListWithoutRaw bool

	ListCalls int
	ReadCalls int
	Done      []model.Action // every action Do received, in order
	Plans     []model.ActionRequest

	// IX-API-like mutations (see OfferIXActions): decommission needs a
	// cancellation policy read by Prepare first.
	ix           bool
	bandwidth    bool // active connections offer a bandwidth change
	Policy       Policy
	PrepareErr   error
	PrepareDelay time.Duration
	Prepares     []model.ActionRequest
	// PrepareCancelled counts preparations whose context ended first.
	PrepareCancelled int
	// NoPreparer hides Prepare from the UI (a planner that asks for a
	// preparation it cannot do).
	NoPreparer bool
}

// Policy is the cancellation policy Prepare reports.
type Policy struct{ DecommissionAt, ChargedUntil string }

// Base is the fixed time the generated data is relative to.
var Base = time.Date(2025, 3, 14, 9, 30, 0, 0, time.UTC)

// New makes a world with n connections; every pendingEvery-th waits for
// our approval (0 = none).
func New(name string, n, pendingEvery int, seed int64) *World {
	rng := rand.New(rand.NewSource(seed))
	metros := []string{"AM", "FR", "LD", "DC", "SV", "SG", "TY", "SY"}
	types := []string{"EVPL_VC", "EPL_VC", "IP_VC", "IPWAN_VC"}
	states := []model.State{model.StateActive, model.StateActive, model.StateActive, model.StateProvisioning, model.StateDeprovisioned, model.StateFailed}
	raw := map[model.State]string{model.StateActive: "ACTIVE", model.StateProvisioning: "PROVISIONING",
		model.StateDeprovisioned: "DEPROVISIONED", model.StateFailed: "FAILED", model.StatePending: "PENDING"}
	bws := []int64{50, 100, 500, 1000, 2000, 5000, 10000}
	w := &World{Name: name, Pages: 1}
	for i := 0; i < n; i++ {
		st := states[rng.Intn(len(states))]
		c := model.Connection{
			Provider: name, ProviderKind: "fake",
			ID:            fmt.Sprintf("%08x-%04x-4000-8000-%012x", seed*1000003+int64(i), i%65536, i),
			Name:          fmt.Sprintf("%s-%s-%d", []string{"Conn", "Cust", "Peer"}[i%3], metros[i%len(metros)], i),
			Type:          types[rng.Intn(len(types))],
			BandwidthMbps: bws[rng.Intn(len(bws))],
			A: model.Endpoint{Type: "COLO", PortName: fmt.Sprintf("et-%d/%d/%d", rng.Intn(3), rng.Intn(2), rng.Intn(24)),
				Metro: metros[rng.Intn(len(metros))], VLANs: []int{1000 + rng.Intn(3000)}},
			Z: model.Endpoint{Type: "SP", Name: fmt.Sprintf("%s-profile-%d", []string{"aws", "azure", "gcp", "oracle"}[i%4], i%7),
				Metro: metros[rng.Intn(len(metros))]},
			Created: Base.Add(-time.Duration(rng.Intn(90*24)) * time.Hour),
		}
		c.Updated = c.Created.Add(time.Duration(rng.Intn(48)) * time.Hour)
		if pendingEvery > 0 && i%pendingEvery == 0 {
			st = model.StatePending
			c.Pending = &model.PendingChange{Kind: model.ChangeCreation, Status: "SUBMITTED_FOR_APPROVAL",
				Since: Base.Add(-time.Duration(1+rng.Intn(600)) * time.Minute), WaitingOnUs: true,
				Description: "new connection requested by the remote side"}
			c.Actions = []model.ActionKind{model.ActionApprove, model.ActionReject}
		}
		c.State, c.RawState = st, raw[st]
		c.Status = "PROVISIONED"
		if st == model.StatePending {
			c.Status = "PENDING_APPROVAL"
		}
		c.Raw = rawOf(c)
		w.conns = append(w.conns, c)
	}
	return w
}

func rawOf(c model.Connection) json.RawMessage {
	b, _ := json.Marshal(map[string]any{
		"uuid": c.ID, "name": c.Name, "type": c.Type, "bandwidth": c.BandwidthMbps,
		"operation": map[string]any{"equinixStatus": c.RawState, "providerStatus": c.Status},
		"aSide":     map[string]any{"accessPoint": map[string]any{"port": map[string]any{"name": c.A.PortName}, "location": map[string]any{"metroCode": c.A.Metro}, "linkProtocol": map[string]any{"type": "DOT1Q", "vlanTag": c.A.VLANs}}},
		"zSide":     map[string]any{"serviceToken": nil, "accessPoint": map[string]any{"profile": map[string]any{"name": c.Z.Name}, "location": map[string]any{"metroCode": c.Z.Metro}}},
	})
	return b
}

// Source is the world as the UI sees it.
func (w *World) Source() model.Source {
	s := model.Source{Name: w.Name, Kind: "fake", Connections: w, Connection: w, Planner: w, Runner: w}
	if w.ix && !w.NoPreparer {
		s.Planner = preparer{w}
	}
	return s
}

// preparer adds model.ActionPreparer to a world's planner.
type preparer struct{ *World }

// Prepare implements model.ActionPreparer: a decommission gets the
// cancellation policy's dates.
func (p preparer) Prepare(ctx context.Context, req model.ActionRequest) (model.ActionRequest, error) {
	w := p.World
	w.mu.Lock()
	w.Prepares = append(w.Prepares, req)
	delay, err, pol := w.PrepareDelay, w.PrepareErr, w.Policy
	w.mu.Unlock()
	if delay > 0 {
		select {
		case <-ctx.Done():
			w.mu.Lock()
			w.PrepareCancelled++
			w.mu.Unlock()
			return req, ctx.Err()
		case <-time.After(delay):
		}
	}
	if err != nil {
		return req, err
	}
	if req.Kind != model.ActionDecommission {
		return req, nil
	}
	out := req
	out.Params = map[string]string{}
	for k, v := range req.Params {
		out.Params[k] = v
	}
	out.Params[model.ParamDecommissionAt] = pol.DecommissionAt
	out.Params[model.ParamChargedUntil] = pol.ChargedUntil
	return out, nil
}

// OfferIXActions makes the world behave like an IX-API account: active
// connections offer a change request and decommission, decommission needs
// Prepare first, and Do applies them.
func (w *World) OfferIXActions() *World {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ix = true
	w.Policy = Policy{DecommissionAt: "2025-04-30", ChargedUntil: "2025-05-31"}
	for i := range w.conns {
		w.conns[i].Actions = ixActions(&w.conns[i])
		w.conns[i].FingerprintKey = 0
	}
	return w
}

// OfferBandwidthChange makes active connections offer a bandwidth change
// (Fabric's PATCH of /bandwidth), which Do applies.
func (w *World) OfferBandwidthChange() *World {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.bandwidth = true
	for i := range w.conns {
		if w.conns[i].State == model.StateActive {
			w.conns[i].Actions = append(w.conns[i].Actions, model.ActionChangeBandwidth)
			w.conns[i].FingerprintKey = 0
		}
	}
	return w
}

func ixActions(c *model.Connection) []model.ActionKind {
	switch c.State {
	case model.StateActive:
		return []model.ActionKind{model.ActionFileChangeRequest, model.ActionDecommission}
	case model.StateChanging:
		return []model.ActionKind{model.ActionWithdrawChangeRequest, model.ActionDecommission}
	case model.StateProvisioning, model.StateFailed:
		return []model.ActionKind{model.ActionDecommission}
	}
	return nil
}

// Set replaces the connections (tests).
func (w *World) Set(cs []model.Connection) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.conns = cs
}

// Mutate changes connection id in place (tests simulating the provider).
func (w *World) Mutate(id string, f func(c *model.Connection)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := range w.conns {
		if w.conns[i].ID == id {
			f(&w.conns[i])
			w.conns[i].Raw = rawOf(w.conns[i])
		}
	}
}

// Snapshot returns a copy of the connections.
func (w *World) Snapshot() []model.Connection {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]model.Connection(nil), w.conns...)
}

// Connections implements model.ConnectionSource.
func (w *World) Connections(ctx context.Context, p *model.Progress) ([]model.Connection, error) {
	w.mu.Lock()
	w.ListCalls++
	err, warn, delay, pages, noRaw := w.ListErr, w.ListWarn, w.ListDelay, max(w.Pages, 1), w.ListWithoutRaw
	w.mu.Unlock()
	p.SetTotal(pages)
	for i := 0; i < pages; i++ {
		if delay > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(delay / time.Duration(pages)):
			}
		}
		p.Add(1)
	}
	if err != nil {
		return nil, err
	}
	cs := w.Snapshot()
	if noRaw {
		for i := range cs {
			cs[i].Raw = nil
		}
	}
	return cs, warn
}

// Connection implements model.ConnectionReader.
func (w *World) Connection(ctx context.Context, id string) (model.Connection, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ReadCalls++
	if w.ReadErr != nil {
		return model.Connection{}, w.ReadErr
	}
	for _, c := range w.conns {
		if c.ID == id {
			return c, nil
		}
	}
	return model.Connection{}, &model.APIError{Provider: w.Name, Method: "GET", Path: "/fabric/v4/connections/" + id, Status: 404, Message: "not found"}
}

// Plan implements model.ActionPlanner with Fabric-shaped requests.
func (w *World) Plan(req model.ActionRequest) (model.Action, error) {
	w.mu.Lock()
	w.Plans = append(w.Plans, req)
	ix := w.ix
	w.mu.Unlock()
	change := req.Params["change"]
	if change == "" {
		change = "creation"
	}
	var typ string
	a := model.Action{Request: req, Risk: model.RiskMedium}
	switch req.Kind {
	case model.ActionApprove:
		typ = map[string]string{"creation": "CONNECTION_CREATION_ACCEPTANCE", "update": "CONNECTION_UPDATE_ACCEPTANCE", "deletion": "CONNECTION_DELETION_ACCEPTANCE"}[change]
		a.Title = fmt.Sprintf("Approve %s of %s", change, req.Target.Name)
	case model.ActionReject:
		typ = map[string]string{"creation": "CONNECTION_CREATION_REJECTION", "update": "CONNECTION_UPDATE_REJECTION"}[change]
		a.Title = fmt.Sprintf("Reject %s of %s", change, req.Target.Name)
		a.NeedsReason = true
		a.Risk = model.RiskHigh
	case model.ActionChangeBandwidth:
		return w.planBandwidth(req)
	case model.ActionDecommission, model.ActionFileChangeRequest, model.ActionWithdrawChangeRequest:
		if !ix {
			return model.Action{}, fmt.Errorf("%w: fake: action %q", model.ErrUnsupported, req.Kind)
		}
		return w.planIX(req)
	default:
		return model.Action{}, model.ErrUnsupported
	}
	if typ == "" {
		return model.Action{}, fmt.Errorf("cannot %s a %s change: %w", req.Kind, change, model.ErrUnsupported)
	}
	body := map[string]any{"type": typ}
	if req.Reason != "" {
		body["description"] = req.Reason
	}
	b, _ := json.MarshalIndent(body, "", "  ")
	a.HTTP = model.HTTPRequest{Method: "POST", Path: "/fabric/v4/connections/" + req.Target.ID + "/actions", Body: b}
	return a, nil
}

// planIX builds IX-API-shaped requests.
func (w *World) planIX(req model.ActionRequest) (model.Action, error) {
	w.mu.Lock()
	var c *model.Connection
	for i := range w.conns {
		if w.conns[i].ID == req.Target.ID {
			cc := w.conns[i]
			c = &cc
		}
	}
	w.mu.Unlock()
	if c == nil {
		return model.Action{}, fmt.Errorf("connection %q is not loaded", req.Target.ID)
	}
	a := model.Action{Request: req}
	switch req.Kind {
	case model.ActionDecommission:
		at := req.Params[model.ParamDecommissionAt]
		if at == "" {
			return model.Action{}, fmt.Errorf("%w: the cancellation policy of %s must be read first", model.ErrPrepareFirst, c.Name)
		}
		b, _ := json.MarshalIndent(map[string]string{"decommission_at": at}, "", "  ")
		a.Title = fmt.Sprintf("Decommission connection %s on %s, charged until %s (cancellation policy)", c.Name, at, req.Params[model.ParamChargedUntil])
		a.Risk, a.ConfirmText = model.RiskHigh, c.Name
		a.HTTP = model.HTTPRequest{Method: "DELETE", Path: "/connections/" + c.ID, Body: b}
	case model.ActionFileChangeRequest:
		capa := c.BandwidthMbps * 2
		if v := req.Params[model.ParamCapacity]; v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 1 {
				return model.Action{}, fmt.Errorf("capacity %q is not a positive number of Mbit/s", v)
			}
			capa = n
		}
		b, _ := json.MarshalIndent(map[string]int64{"capacity": capa}, "", "  ")
		a.Title = fmt.Sprintf("File change request on %s: capacity %s → %s", c.Name, model.FormatMbps(c.BandwidthMbps), model.FormatMbps(capa))
		a.Risk = model.RiskMedium
		a.HTTP = model.HTTPRequest{Method: "POST", Path: "/network-services/" + c.ID + "/change-request", Body: b}
	case model.ActionWithdrawChangeRequest:
		a.Title = "Withdraw the change request on " + c.Name
		a.Risk = model.RiskLow
		a.HTTP = model.HTTPRequest{Method: "DELETE", Path: "/network-services/" + c.ID + "/change-request"}
	}
	return a, nil
}

// planBandwidth builds a Fabric-shaped bandwidth change: the next speed
// up (double), or Params[ParamBandwidth].
func (w *World) planBandwidth(req model.ActionRequest) (model.Action, error) {
	w.mu.Lock()
	var c *model.Connection
	for i := range w.conns {
		if w.conns[i].ID == req.Target.ID {
			cc := w.conns[i]
			c = &cc
		}
	}
	w.mu.Unlock()
	if c == nil {
		return model.Action{}, fmt.Errorf("connection %q is not loaded", req.Target.ID)
	}
	bw := c.BandwidthMbps * 2
	if v := req.Params[model.ParamBandwidth]; v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return model.Action{}, fmt.Errorf("bandwidth %q is not a number of Mbit/s", v)
		}
		bw = n
	}
	b, _ := json.MarshalIndent([]map[string]any{{"op": "replace", "path": "/bandwidth", "value": bw}}, "", "  ")
	return model.Action{Request: req, Risk: model.RiskMedium,
		Title: fmt.Sprintf("Change the bandwidth of %s: %s → %s", c.Name, model.FormatMbps(c.BandwidthMbps), model.FormatMbps(bw)),
		HTTP:  model.HTTPRequest{Method: "PATCH", Path: "/fabric/v4/connections/" + c.ID, Body: b, ContentType: "application/json-patch+json"}}, nil
}

// Do implements model.ActionRunner: records a and applies it.
func (w *World) Do(ctx context.Context, a model.Action) (model.Result, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.Done = append(w.Done, a)
	if w.DoErr != nil {
		return model.Result{}, w.DoErr
	}
	for i := range w.conns {
		c := &w.conns[i]
		if c.ID != a.Request.Target.ID {
			continue
		}
		switch a.Request.Kind {
		case model.ActionApprove:
			c.State, c.RawState, c.Status = model.StateProvisioning, "PROVISIONING", "PROVISIONING"
		case model.ActionReject:
			c.State, c.RawState, c.Status = model.StateRejected, "REJECTED", "REJECTED"
		case model.ActionDecommission:
			c.State, c.RawState = model.StateDeprovisioning, "decommission_requested"
		case model.ActionFileChangeRequest:
			c.State, c.RawState = model.StateChanging, "production_change_pending"
			c.Updated = c.Updated.Add(time.Minute)
			c.Pending = &model.PendingChange{Kind: model.ChangeUpdate, Status: "production_change_pending", Description: a.Title}
			c.Actions = ixActions(c)
			c.Raw = rawOf(*c)
			return model.Result{Action: a, Status: 201, Message: "change request filed"}, nil
		case model.ActionChangeBandwidth:
			var ops []struct {
				Value int64 `json:"value"`
			}
			if json.Unmarshal(a.HTTP.Body, &ops) == nil && len(ops) == 1 {
				c.BandwidthMbps = ops[0].Value
			}
			c.Updated = c.Updated.Add(time.Minute)
			c.Raw = rawOf(*c)
			return model.Result{Action: a, Status: 200, Message: "bandwidth change accepted"}, nil
		case model.ActionWithdrawChangeRequest:
			c.State, c.RawState = model.StateActive, "production"
			c.Updated = c.Updated.Add(time.Minute)
			c.Pending = nil
			c.Actions = ixActions(c)
			c.Raw = rawOf(*c)
			return model.Result{Action: a, Status: 204}, nil
		}
		c.Pending, c.Actions = nil, nil
		c.Updated = c.Updated.Add(time.Minute)
		c.Raw = rawOf(*c)
		return model.Result{Action: a, Status: 202, Message: "accepted"}, nil
	}
	return model.Result{}, &model.APIError{Provider: w.Name, Method: a.HTTP.Method, Path: a.HTTP.Path, Status: 404, Message: "connection not found"}
}

// Calls returns a copy of the recorded actions.
func (w *World) Calls() []model.Action {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]model.Action(nil), w.Done...)
}

// Prepared returns the preparations asked for and how many were
// cancelled.
func (w *World) Prepared() ([]model.ActionRequest, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]model.ActionRequest(nil), w.Prepares...), w.PrepareCancelled
}

// Planned returns a copy of the plan requests.
func (w *World) Planned() []model.ActionRequest {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]model.ActionRequest(nil), w.Plans...)
}

// Counts returns list and read call counts.
func (w *World) Counts() (list, read int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ListCalls, w.ReadCalls
}
