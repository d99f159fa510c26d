package ixapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Provider is one configured IX-API account. It implements model.Provider,
// ConnectionSource, ConnectionReader, InventorySource, StatsSource,
// PeerSource, ActionPlanner, ActionPreparer and ActionRunner.
type Provider struct {
	name   string
	client *Client

	mu       sync.Mutex
	ix       *index                    // everything seen by the last reads, for Plan (no I/O)
	refAt    time.Time                 // when reference data was last read
	policies map[string]preparedPolicy // by model id, from Prepare
	light    lightCache                // port light levels, from port statistics
	crSeen   map[string]seenChange     // by network service id: when each change request was first seen
}

// seenChange is a change request and when noctop first saw it.
type seenChange struct {
	what string // product offering and capacity
	at   time.Time
}

// preparedPolicy is a cancellation policy Prepare read, and when.
type preparedPolicy struct {
	CancellationPolicy
	at time.Time
}

// policyTTL bounds how long a prepared policy is planned with: its dates
// move as days pass.
const policyTTL = 10 * time.Minute

var (
	_ model.Provider         = (*Provider)(nil)
	_ model.ConnectionSource = (*Provider)(nil)
	_ model.ConnectionReader = (*Provider)(nil)
	_ model.InventorySource  = (*Provider)(nil)
	_ model.StatsSource      = (*Provider)(nil)
	_ model.PeerSource       = (*Provider)(nil)
	_ model.ActionPlanner    = (*Provider)(nil)
	_ model.ActionPreparer   = (*Provider)(nil)
	_ model.ActionRunner     = (*Provider)(nil)
	_ model.ActionVerifier   = (*Provider)(nil)
)

// New returns the provider named name (the config label) for the API at
// baseURL (including its root, e.g. ".../api/v2"), authenticated with
// creds.
func New(name, baseURL string, creds Credentials, opts ...Option) (*Provider, error) {
	if name == "" {
		return nil, errorf("provider name is empty")
	}
	opts = append(append([]Option(nil), opts...), WithCredentials(creds), httpx.WithProvider(name))
	c, err := NewClient(baseURL, opts...)
	if err != nil {
		return nil, err
	}
	return &Provider{name: name, client: c, ix: newIndex(), policies: map[string]preparedPolicy{}, crSeen: map[string]seenChange{}}, nil
}

// Name is the instance label.
func (p *Provider) Name() string { return p.name }

// Kind is "ixapi".
func (p *Provider) Kind() string { return Kind }

// Client exposes the underlying API client.
func (p *Provider) Client() *Client { return p.client }

func (p *Provider) now() time.Time { return p.client.cfg.Clock() }

// task is one list read of a refresh.
type task func(ctx context.Context) error

// runAll runs tasks with bounded concurrency; the first error cancels the
// rest and is returned. Each finished task counts one unit of progress.
func (p *Provider) runAll(ctx context.Context, prog *model.Progress, tasks []task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	prog.SetTotal(len(tasks))
	sem := make(chan struct{}, p.client.cfg.concurrency+2)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for _, t := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if err := t(ctx); err != nil {
				once.Do(func() { first = err; cancel() })
				return
			}
			prog.Add(1)
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// refTasks returns the reads of reference data when it is older than the
// TTL (or never read); they fill ix.
func (p *Provider) refTasks(ix *index, force bool) []task {
	p.mu.Lock()
	fresh := !force && !p.refAt.IsZero() && p.now().Sub(p.refAt) < p.client.cfg.refTTL
	old := p.ix
	p.mu.Unlock()
	if fresh {
		ix.metros, ix.mans, ix.facilities, ix.pops = old.metros, old.mans, old.facilities, old.pops
		ix.devices, ix.offerings, ix.accounts = old.devices, old.offerings, old.accounts
		return nil
	}
	c := p.client
	return []task{
		func(ctx context.Context) error {
			v, err := c.ListMetroAreas(ctx, nil, nil)
			ix.metros = byID(v, func(x *MetroArea) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListMetroAreaNetworks(ctx, nil, nil)
			ix.mans = byID(v, func(x *MetroAreaNetwork) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListFacilities(ctx, nil, nil)
			ix.facilities = byID(v, func(x *Facility) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListPops(ctx, nil, nil)
			ix.pops = byID(v, func(x *PointOfPresence) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListDevices(ctx, nil, nil)
			ix.devices = byID(v, func(x *Device) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListProductOfferings(ctx, nil, nil)
			ix.offerings = byID(v, func(x *ProductOffering) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListAccounts(ctx, nil, nil)
			if err != nil && !isIncomplete(err) {
				// Accounts only give names; an API user may not see them.
				c.cfg.Logger.Warn("ixapi: listing accounts failed; showing account ids", "provider", c.cfg.Provider, "err", model.ErrorSummary(err))
				ix.accounts = map[string]Account{}
				return nil
			}
			ix.accounts = byID(v, func(x *Account) string { return x.ID })
			return err
		},
	}
}

// load reads the objects both the Connections pane and the inventory need.
func (p *Provider) load(ctx context.Context, prog *model.Progress) (*index, error) {
	ix := newIndex()
	c := p.client
	tasks := p.refTasks(ix, false)
	refreshed := len(tasks) > 0
	tasks = append(tasks,
		func(ctx context.Context) error {
			v, err := c.ListPorts(ctx, nil, nil)
			ix.ports = byID(v, func(x *Port) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListConnections(ctx, nil, nil)
			ix.conns = byID(v, func(x *Connection) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListNetworkServiceConfigs(ctx, nil, nil)
			ix.nscs = byID(v, func(x *NetworkServiceConfig) string { return x.ID })
			return err
		},
		func(ctx context.Context) error {
			v, err := c.ListNetworkServices(ctx, nil, nil)
			ix.services = byID(v, func(x *NetworkService) string { return x.ID })
			return err
		},
	)
	var ls model.Losses
	for i, t := range tasks {
		tasks[i] = func(ctx context.Context) error { return ls.Keep(t(ctx)) }
	}
	if err := p.runAll(ctx, prog, tasks); err != nil {
		return nil, err
	}
	p.loadChanges(ctx, ix)
	lost := ls.Err()
	p.mu.Lock()
	p.stampChanges(ix, true)
	p.ix = ix
	if refreshed && lost == nil {
		p.refAt = p.now() // an incomplete read is not reused
	}
	p.mu.Unlock()
	if lost != nil {
		p.client.cfg.Logger.Warn("ixapi: listing incomplete", "provider", p.name, "err", lost.Error())
		return ix, lost
	}
	return ix, nil
}

func isIncomplete(err error) bool {
	var in *model.Incomplete
	return errors.As(err, &in)
}

// loadChanges reads the change request of every service that has one
// pending, so rows can say what it asks for. Failures only lose that
// description.
func (p *Provider) loadChanges(ctx context.Context, ix *index) {
	var ids []string
	for id, s := range ix.services {
		if s.State == StateProductionChangePending {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var mu sync.Mutex
	var tasks []task
	for _, id := range ids {
		tasks = append(tasks, func(ctx context.Context) error {
			cr, err := p.client.ChangeRequest(ctx, id)
			if err != nil {
				if !errors.Is(err, model.ErrNotFound) {
					p.client.cfg.Logger.Warn("ixapi: reading change request failed", "provider", p.name, "service", id, "err", model.ErrorSummary(err))
				}
				return nil
			}
			mu.Lock()
			ix.changes[id] = cr
			mu.Unlock()
			return nil
		})
	}
	_ = p.runAll(ctx, nil, tasks)
}

// stampChanges records when each pending change request of ix was first
// seen and copies those times into ix. With all (a full listing), requests
// no longer pending are forgotten. Called with p.mu held.
func (p *Provider) stampChanges(ix *index, all bool) {
	now := p.now()
	for id, cr := range ix.changes {
		what := cr.ProductOffering + "/"
		if cr.Capacity != nil {
			what += strconv.FormatInt(*cr.Capacity, 10)
		}
		if s, ok := p.crSeen[id]; !ok || s.what != what {
			p.crSeen[id] = seenChange{what: what, at: now}
		}
		ix.changeSince[id] = p.crSeen[id].at
	}
	if all {
		for id := range p.crSeen {
			if _, ok := ix.changes[id]; !ok {
				delete(p.crSeen, id)
			}
		}
	}
}

// Connections lists connections and network service configs (with the
// provider's state mapping, VLANs, capacities and pending change requests).
func (p *Provider) Connections(ctx context.Context, prog *model.Progress) ([]model.Connection, error) {
	ix, err := p.load(ctx, prog)
	if err != nil && !isIncomplete(err) {
		return nil, err
	}
	out := make([]model.Connection, 0, len(ix.conns)+len(ix.nscs))
	for _, c := range ix.conns {
		out = append(out, connToModel(p.name, c, ix))
	}
	for _, n := range ix.nscs {
		out = append(out, nscToModel(p.name, n, ix))
	}
	slices.SortFunc(out, func(a, b model.Connection) int { return strings.Compare(a.ID, b.ID) })
	return out, err
}

// Connection re-reads one connection or network service config (after an
// action; the outcome is never assumed).
func (p *Provider) Connection(ctx context.Context, id string) (model.Connection, error) {
	t, raw, err := ParseRef(model.Ref{ID: id, Type: string(ObjConnection)})
	if err != nil {
		return model.Connection{}, err
	}
	p.mu.Lock()
	ix := p.ix.clone()
	p.mu.Unlock()
	switch t {
	case ObjConnection:
		c, err := p.client.GetConnection(ctx, raw)
		if err != nil {
			return model.Connection{}, err
		}
		ix.conns[c.ID] = c
		p.store(func(cur *index) { cur.conns[c.ID] = c })
		return connToModel(p.name, c, ix), nil
	case ObjNetworkServiceConfig:
		n, err := p.client.GetNetworkServiceConfig(ctx, raw)
		if err != nil {
			return model.Connection{}, err
		}
		ix.nscs[n.ID] = n
		svc, serr := p.client.GetNetworkService(ctx, n.NetworkService)
		if serr == nil {
			ix.services[svc.ID] = svc
			delete(ix.changes, svc.ID)
			if svc.State == StateProductionChangePending {
				if cr, err := p.client.ChangeRequest(ctx, svc.ID); err == nil {
					ix.changes[svc.ID] = cr
				}
			}
		}
		p.store(func(cur *index) {
			cur.nscs[n.ID] = n
			if serr == nil {
				cur.services[svc.ID] = svc
				delete(cur.changes, svc.ID)
				if cr, ok := ix.changes[svc.ID]; ok {
					cur.changes[svc.ID] = cr
				}
			}
			p.stampChanges(cur, false)
			p.stampChanges(ix, false)
		})
		return nscToModel(p.name, n, ix), nil
	}
	return model.Connection{}, fmt.Errorf("%w: ixapi: %s is not a connection or network service config", model.ErrUnsupported, id)
}

// store applies fn to the shared index under the lock.
func (p *Provider) store(fn func(*index)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ix = p.ix.clone()
	fn(p.ix)
}

// clone copies the maps that Connection updates (reference maps are never
// modified in place, so they are shared).
func (ix *index) clone() *index {
	c := *ix
	c.conns = cloneMap(ix.conns)
	c.nscs = cloneMap(ix.nscs)
	c.services = cloneMap(ix.services)
	c.changes = cloneMap(ix.changes)
	c.changeSince = cloneMap(ix.changeSince)
	return &c
}

func cloneMap[V any](m map[string]V) map[string]V {
	out := make(map[string]V, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// CancellationPolicy reads the policy that applies if the object ref
// points at were decommissioned now.
func (p *Provider) CancellationPolicy(ctx context.Context, ref model.Ref) (CancellationPolicy, error) {
	t, id, err := ParseRef(ref)
	if err != nil {
		return CancellationPolicy{}, err
	}
	return p.client.CancellationPolicy(ctx, t, id, "")
}

// Parameters of action requests.
const (
	ParamDecommissionAt  = "decommission_at"  // YYYY-MM-DD, from the cancellation policy
	ParamChargedUntil    = "charged_until"    // YYYY-MM-DD, from the cancellation policy
	ParamCapacity        = "capacity"         // Mbit/s, for a change request
	ParamProductOffering = "product_offering" // id, for a change request
)

// Prepare reads what a plan needs beforehand. For a decommission it reads
// the object's cancellation policy and puts decommission_at and
// charged_until into Params (so the confirmation can show them, and the
// DELETE asks for exactly that date). Other actions need nothing.
func (p *Provider) Prepare(ctx context.Context, req model.ActionRequest) (model.ActionRequest, error) {
	if req.Kind != model.ActionDecommission {
		return req, nil
	}
	pol, err := p.CancellationPolicy(ctx, req.Target)
	if err != nil {
		return req, err
	}
	if _, err := time.Parse(time.DateOnly, pol.DecommissionAt); err != nil {
		return req, errorf("the cancellation policy of %s has no usable decommission date (%q)", firstNonEmpty(req.Target.Name, req.Target.ID), truncate(pol.DecommissionAt, 20))
	}
	params := make(map[string]string, len(req.Params)+2)
	for k, v := range req.Params {
		params[k] = v
	}
	params[ParamDecommissionAt] = pol.DecommissionAt
	params[ParamChargedUntil] = pol.ChargedUntil
	req.Params = params
	p.mu.Lock()
	p.policies[policyKey(req.Target)] = preparedPolicy{pol, p.now()}
	p.mu.Unlock()
	return req, nil
}

func policyKey(r model.Ref) string {
	t, id, err := ParseRef(r)
	if err != nil {
		return r.ID
	}
	return ModelID(t, id)
}

// Plan builds the exact request for an action without I/O, from what the
// last reads saw:
//
//   - ActionFileChangeRequest on a p2p_vc network service or one of its
//     configs: POST /network-services/{id}/change-request with
//     {product_offering, capacity}. Params "capacity" (Mbit/s) and
//     "product_offering" choose; without them the next capacity step
//     within the current offering is proposed.
//   - ActionWithdrawChangeRequest: DELETE /network-services/{id}/change-request.
//   - ActionDecommission on a connection, network service config or
//     network service: DELETE /{collection}/{id} with {decommission_at}.
//     It needs the cancellation policy: Params decommission_at and
//     charged_until as filled by Prepare (or a policy Prepare read in the
//     last ten minutes);
//     without one Plan returns model.ErrPrepareFirst. The operator must
//     type the object's name to confirm.
func (p *Provider) Plan(req model.ActionRequest) (model.Action, error) {
	t, id, err := ParseRef(req.Target)
	if err != nil {
		return model.Action{}, err
	}
	p.mu.Lock()
	ix := p.ix
	prepared, havePol := p.policies[policyKey(req.Target)]
	p.mu.Unlock()
	pol := prepared.CancellationPolicy
	havePol = havePol && p.now().Sub(prepared.at) < policyTTL
	switch req.Kind {
	case model.ActionFileChangeRequest, model.ActionWithdrawChangeRequest:
		return p.planChange(req, t, id, ix)
	case model.ActionApprove, model.ActionReject:
		return p.planDecision(req, t, id, ix)
	case model.ActionDecommission:
		if v := req.Params[ParamDecommissionAt]; v != "" {
			pol = CancellationPolicy{DecommissionAt: v, ChargedUntil: req.Params[ParamChargedUntil]}
			havePol = true
		}
		if !havePol {
			return model.Action{}, fmt.Errorf("%w: the cancellation policy of %s must be read first", model.ErrPrepareFirst, firstNonEmpty(req.Target.Name, req.Target.ID))
		}
		return p.planDecommission(req, t, id, pol, ix)
	}
	return model.Action{}, fmt.Errorf("%w: ixapi: action %q", model.ErrUnsupported, req.Kind)
}

// serviceFor finds the network service an action on (t, id) is about.
func serviceFor(t ObjectType, id string, ix *index) (NetworkService, error) {
	sid := id
	switch t {
	case ObjNetworkService:
	case ObjNetworkServiceConfig:
		n, ok := ix.nscs[id]
		if !ok {
			return NetworkService{}, errorf("network service config %q is not loaded: refresh the list first", id)
		}
		sid = n.NetworkService
	default:
		return NetworkService{}, fmt.Errorf("%w: ixapi: change requests are made on p2p_vc network services (or their configs), not on a %s", model.ErrUnsupported, t)
	}
	s, ok := ix.services[sid]
	if !ok {
		return NetworkService{}, errorf("network service %q is not loaded: refresh the list first", sid)
	}
	return s, nil
}

// capacitySteps are the capacities (Mbit/s) a change request proposes by
// default, within the offering's bounds.
var capacitySteps = []int64{100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 400000}

func (p *Provider) planChange(req model.ActionRequest, t ObjectType, id string, ix *index) (model.Action, error) {
	svc, err := serviceFor(t, id, ix)
	if err != nil {
		return model.Action{}, err
	}
	if svc.Type != TypeP2PVC {
		return model.Action{}, fmt.Errorf("%w: ixapi: only p2p_vc network services take change requests (this one is %s)", model.ErrUnsupported, svc.Type)
	}
	label := serviceLabel(svc, ix)
	path, err := objectPath(PathNetworkServices, svc.ID, changeRequestSuffix)
	if err != nil {
		return model.Action{}, err
	}
	switch ourRole(svc, t, id, ix) {
	case roleA:
		if req.Kind == model.ActionFileChangeRequest {
			return model.Action{}, fmt.Errorf("%w: ixapi: we created %s (the A-side); only the joining member (B-side) may file a change request — change the service itself instead", model.ErrUnsupported, label)
		}
		return model.Action{}, fmt.Errorf("%w: ixapi: the change request on %s was filed by the other side; approve or reject it", model.ErrUnsupported, label)
	case roleUnknown:
		return model.Action{}, fmt.Errorf("%w: ixapi: cannot tell which side of %s we are on (no config of ours names the service's or the joining member's account)", model.ErrUnsupported, label)
	}
	a := model.Action{Request: req}
	if req.Kind == model.ActionWithdrawChangeRequest {
		if svc.State != StateProductionChangePending {
			if _, ok := ix.changes[svc.ID]; !ok {
				return model.Action{}, fmt.Errorf("%w: ixapi: %s has no pending change request", model.ErrUnsupported, label)
			}
		}
		what := "its pending change request"
		if cr, ok := ix.changes[svc.ID]; ok {
			what = "the change request (" + changeDescription(svc, &cr, ix) + ")"
		}
		a.Title = fmt.Sprintf("Withdraw %s on network service %s (%s)", what, svc.ID, label)
		a.Risk = model.RiskLow
		a.HTTP = model.HTTPRequest{Method: http.MethodDelete, Path: path}
		return a, nil
	}
	if svc.State != StateProduction {
		return model.Action{}, fmt.Errorf("%w: ixapi: %s is %s; a change request needs it in production", model.ErrUnsupported, label, svc.State)
	}
	body := NetworkServiceChangeRequest{ProductOffering: firstNonEmpty(req.Params[ParamProductOffering], svc.ProductOffering)}
	if body.ProductOffering == "" {
		return model.Action{}, errorf("network service %s names no product offering; pass %q", svc.ID, ParamProductOffering)
	}
	po, havePO := ix.offerings[body.ProductOffering]
	if havePO && po.Type != "" && po.Type != TypeP2PVC {
		return model.Action{}, errorf("product offering %s is a %s offering, not p2p_vc", po.ID, po.Type)
	}
	var capacity int64
	if v := req.Params[ParamCapacity]; v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 1 {
			return model.Action{}, errorf("capacity %q is not a positive number of Mbit/s", truncate(v, 20))
		}
		capacity = n
	} else {
		capacity = nextCapacity(svc.Capacity, po, havePO)
		if capacity == 0 {
			return model.Action{}, errorf("%s is at the maximum of its product offering; pass %q and/or %q", label, ParamCapacity, ParamProductOffering)
		}
	}
	if havePO {
		if po.BandwidthMin != nil && capacity < *po.BandwidthMin || po.BandwidthMax != nil && capacity > *po.BandwidthMax {
			return model.Action{}, errorf("capacity %s is outside %s (%s..%s)", model.FormatMbps(capacity),
				firstNonEmpty(po.DisplayName, po.Name, po.ID), fmtBound(po.BandwidthMin), fmtBound(po.BandwidthMax))
		}
	}
	body.Capacity = &capacity
	b, err := marshalIndent(body)
	if err != nil {
		return model.Action{}, err
	}
	a.Title = fmt.Sprintf("File change request on network service %s (%s): %s", svc.ID, label, changeDescription(svc, &body, ix))
	a.Risk = model.RiskMedium
	a.HTTP = model.HTTPRequest{Method: http.MethodPost, Path: path, Body: b}
	return a, nil
}

// ourRole is our side of service svc, judged from the config the action
// targets, or from the service's configs we can see.
func ourRole(svc NetworkService, t ObjectType, id string, ix *index) p2pRole {
	if t == ObjNetworkServiceConfig {
		if n, ok := ix.nscs[id]; ok {
			return p2pRoleOf(svc, n)
		}
		return roleUnknown
	}
	role := roleUnknown
	for _, n := range ourConfigs(svc.ID, ix) {
		if r := p2pRoleOf(svc, n); role == roleUnknown || r == roleA {
			role = r
		}
	}
	return role
}

// ourConfigs are the configs of service id we can see, live ones only, in
// id order.
func ourConfigs(id string, ix *index) []NetworkServiceConfig {
	var out []NetworkServiceConfig
	for _, n := range ix.nscs {
		if n.NetworkService == id && decommissionable(n.State) {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, func(a, b NetworkServiceConfig) int { return model.NaturalCompare(a.ID, b.ID) })
	return out
}

// ContentMergePatch is the media type of IX-API PATCH bodies.
const ContentMergePatch = "application/merge-patch+json"

// servicePatch is the merge patch that applies a change request to the
// service (2.4.2: the A-side accepts by updating the service and its
// config). capacity null is the offering's maximum.
type servicePatch struct {
	Type            string `json:"type"`
	ProductOffering string `json:"product_offering,omitempty"`
	Capacity        *int64 `json:"capacity"`
}

// configPatch applies it to one of our configs.
type configPatch struct {
	Type     string `json:"type"`
	Capacity *int64 `json:"capacity"`
}

// planDecision plans our answer, as the A-side, to a change request the
// other side filed: approve = PATCH the network service, then PATCH our
// config of it, to what the request asks; reject = DELETE the request
// (the reason goes to the audit log; IX-API takes none).
func (p *Provider) planDecision(req model.ActionRequest, t ObjectType, id string, ix *index) (model.Action, error) {
	svc, err := serviceFor(t, id, ix)
	if err != nil {
		return model.Action{}, err
	}
	label := serviceLabel(svc, ix)
	if svc.Type != TypeP2PVC {
		return model.Action{}, fmt.Errorf("%w: ixapi: only p2p_vc network services have change requests to decide on (this one is %s)", model.ErrUnsupported, svc.Type)
	}
	cr, haveCR := ix.changes[svc.ID]
	if svc.State != StateProductionChangePending && !haveCR {
		return model.Action{}, fmt.Errorf("%w: ixapi: %s has no pending change request", model.ErrUnsupported, label)
	}
	switch ourRole(svc, t, id, ix) {
	case roleB:
		return model.Action{}, fmt.Errorf("%w: ixapi: we filed the change request on %s; only the other side (A) decides — withdraw it instead", model.ErrUnsupported, label)
	case roleUnknown:
		return model.Action{}, fmt.Errorf("%w: ixapi: cannot tell which side of %s we are on, so not whether the decision is ours", model.ErrUnsupported, label)
	}
	what := "the change request"
	if haveCR {
		what += " (" + changeDescription(svc, &cr, ix) + ", requested by " + model.SafeText(ix.accountName(svc.JoiningMemberAccount)) + ")"
	}
	a := model.Action{Request: req}
	if req.Kind == model.ActionReject {
		path, err := objectPath(PathNetworkServices, svc.ID, changeRequestSuffix)
		if err != nil {
			return model.Action{}, err
		}
		a.Title = fmt.Sprintf("Reject %s on network service %s (%s)", what, svc.ID, label)
		a.Risk, a.NeedsReason = model.RiskLow, true
		a.HTTP = model.HTTPRequest{Method: http.MethodDelete, Path: path}
		return a, nil
	}
	if !haveCR {
		return model.Action{}, errorf("the change request on %s could not be read: refresh, then approve", label)
	}
	var configs []NetworkServiceConfig
	for _, n := range ourConfigs(svc.ID, ix) {
		if p2pRoleOf(svc, n) == roleA {
			configs = append(configs, n)
		}
	}
	if len(configs) == 0 {
		return model.Action{}, errorf("no config of ours on %s is loaded: refresh the list first", label)
	}
	if po, ok := ix.offerings[cr.ProductOffering]; ok && cr.Capacity != nil {
		if po.BandwidthMin != nil && *cr.Capacity < *po.BandwidthMin || po.BandwidthMax != nil && *cr.Capacity > *po.BandwidthMax {
			return model.Action{}, errorf("the change request asks for %s, outside %s (%s..%s): reject it", model.FormatMbps(*cr.Capacity),
				firstNonEmpty(po.DisplayName, po.Name, po.ID), fmtBound(po.BandwidthMin), fmtBound(po.BandwidthMax))
		}
	}
	svcPath, err := objectPath(PathNetworkServices, svc.ID, "")
	if err != nil {
		return model.Action{}, err
	}
	b, err := marshalIndent(servicePatch{Type: TypeP2PVC, ProductOffering: firstNonEmpty(cr.ProductOffering, svc.ProductOffering), Capacity: cr.Capacity})
	if err != nil {
		return model.Action{}, err
	}
	a.HTTP = model.HTTPRequest{Method: http.MethodPatch, Path: svcPath, Body: b, ContentType: ContentMergePatch}
	for _, n := range configs {
		path, err := objectPath(PathNSConfigs, n.ID, "")
		if err != nil {
			return model.Action{}, err
		}
		b, err := marshalIndent(configPatch{Type: TypeP2PVC, Capacity: cr.Capacity})
		if err != nil {
			return model.Action{}, err
		}
		a.Then = append(a.Then, model.HTTPRequest{Method: http.MethodPatch, Path: path, Body: b, ContentType: ContentMergePatch})
	}
	a.Title = fmt.Sprintf("Approve %s on network service %s (%s): updates the service, then our config", what, svc.ID, label)
	a.Risk = model.RiskMedium
	return a, nil
}

func fmtBound(v *int64) string {
	if v == nil {
		return "-"
	}
	return model.FormatMbps(*v)
}

// nextCapacity is the next step above cur within the offering (0 if none).
func nextCapacity(cur *int64, po ProductOffering, havePO bool) int64 {
	var c int64
	if cur != nil {
		c = *cur
	}
	for _, s := range capacitySteps {
		if s <= c {
			continue
		}
		if havePO && po.BandwidthMin != nil && s < *po.BandwidthMin {
			continue
		}
		if havePO && po.BandwidthMax != nil && s > *po.BandwidthMax {
			return 0
		}
		return s
	}
	return 0
}

func (p *Provider) planDecommission(req model.ActionRequest, t ObjectType, id string, pol CancellationPolicy, ix *index) (model.Action, error) {
	if _, err := time.Parse(time.DateOnly, pol.DecommissionAt); err != nil {
		return model.Action{}, errorf("decommission date %q is not YYYY-MM-DD", truncate(pol.DecommissionAt, 20))
	}
	var name, state, what string
	switch t {
	case ObjConnection:
		c, ok := ix.conns[id]
		if !ok {
			return model.Action{}, errorf("connection %q is not loaded: refresh the list first", id)
		}
		name, state, what = firstNonEmpty(c.Name, c.ID), c.State, "connection"
		if n := activeConfigs(id, ix); n > 0 {
			what = fmt.Sprintf("connection (carrying %d network service config(s))", n)
		}
	case ObjNetworkServiceConfig:
		n, ok := ix.nscs[id]
		if !ok {
			return model.Action{}, errorf("network service config %q is not loaded: refresh the list first", id)
		}
		name, state, what = nscName(n, ix), n.State, n.Type+" network service config"
	case ObjNetworkService:
		s, ok := ix.services[id]
		if !ok {
			return model.Action{}, errorf("network service %q is not loaded: refresh the list first", id)
		}
		if s.Type == TypeExchangeLAN {
			return model.Action{}, fmt.Errorf("%w: ixapi: the exchange LAN belongs to the exchange; decommission your network service config instead", model.ErrUnsupported)
		}
		name, state, what = firstNonEmpty(s.Name, s.ID), s.State, s.Type+" network service"
	default:
		return model.Action{}, fmt.Errorf("%w: ixapi: a %s is decommissioned with its connection", model.ErrUnsupported, t)
	}
	if !decommissionable(state) {
		return model.Action{}, fmt.Errorf("%w: ixapi: %s is %s", model.ErrUnsupported, name, state)
	}
	path, err := typedPath(t, id, "")
	if err != nil {
		return model.Action{}, err
	}
	b, err := marshalIndent(CancellationRequest{DecommissionAt: pol.DecommissionAt})
	if err != nil {
		return model.Action{}, err
	}
	charged := ""
	if pol.ChargedUntil != "" {
		charged = ", charged until " + pol.ChargedUntil
	}
	return model.Action{
		Request:     req,
		Title:       fmt.Sprintf("Decommission %s %s on %s%s (cancellation policy)", what, name, pol.DecommissionAt, charged),
		Risk:        model.RiskHigh,
		ConfirmText: name,
		HTTP:        model.HTTPRequest{Method: http.MethodDelete, Path: path, Body: b},
	}, nil
}

// activeConfigs counts a connection's configs that are not on their way
// out.
func activeConfigs(connID string, ix *index) int {
	n := 0
	for _, c := range ix.nscs {
		if c.Connection == connID && decommissionable(c.State) {
			n++
		}
	}
	return n
}

// Do sends a planned action exactly as planned, once (never retried):
// a.HTTP, then each of a.Then while the one before succeeded. The result
// says what the API answered and, when a later step fails, plainly which
// one and that the objects the earlier steps changed must be re-read;
// callers re-read rather than assume.
func (p *Provider) Do(ctx context.Context, a model.Action) (model.Result, error) {
	res := model.Result{Action: a}
	reqs := a.Requests()
	for _, h := range reqs {
		if err := allowedAction(h); err != nil {
			return res, err
		}
	}
	var accepted []string
	for i, h := range reqs {
		resp, err := p.client.send(ctx, h)
		res.At = p.now()
		res.Sends += httpx.Sends(resp, err)
		if resp != nil {
			res.Status = resp.Status
		}
		if err != nil {
			var ae *model.APIError
			if errors.As(err, &ae) {
				res.Status = ae.Status
			}
			res.Message = model.ErrorSummary(err)
			if i > 0 {
				res.Message = fmt.Sprintf("step %d of %d failed (%s %s): %s. Step(s) before it were accepted (%s): "+
					"the objects now disagree; re-read the network service and its config before trying again",
					i+1, len(reqs), h.Method, h.Path, res.Message, strings.Join(accepted, "; "))
				err = fmt.Errorf("ixapi: step %d of %d (%s %s) failed after %d accepted: %w", i+1, len(reqs), h.Method, h.Path, i, err)
			}
			return res, err
		}
		res.Sent++
		msg := fmt.Sprintf("%s %s (HTTP %d)", h.Method, h.Path, resp.Status)
		if st := stateIn(resp.Body); st != "" {
			msg += ": now " + model.SafeText(truncate(st, 40))
		}
		accepted = append(accepted, msg)
	}
	res.Message = "IX-API accepted " + strings.Join(accepted, "; then ")
	return res, nil
}

// allowedAction refuses anything but the mutations Plan builds.
func allowedAction(h model.HTTPRequest) error {
	seg := strings.Split(strings.TrimPrefix(h.Path, "/"), "/")
	ok := false
	switch {
	case len(seg) == 3 && "/"+seg[0] == PathNetworkServices && "/"+seg[2] == changeRequestSuffix:
		ok = (h.Method == http.MethodPost || h.Method == http.MethodDelete) && validID.MatchString(seg[1])
	case len(seg) == 2 && h.Method == http.MethodDelete:
		switch "/" + seg[0] {
		case PathConnections, PathNetworkServices, PathNSConfigs:
			ok = validID.MatchString(seg[1])
		}
	case len(seg) == 2 && h.Method == http.MethodPatch && h.ContentType == ContentMergePatch:
		// Accepting a change request: the service and our config.
		switch "/" + seg[0] {
		case PathNetworkServices, PathNSConfigs:
			ok = validID.MatchString(seg[1])
		}
	}
	if !ok || strings.ContainsAny(h.Path, "?#") {
		return errorf("refusing to send %s %s: not an IX-API change request, change decision or decommission", h.Method, truncate(h.Path, 80))
	}
	return nil
}

// Verify re-reads the object an action with an unknown outcome was aimed
// at. Filing a change request took effect when that change request is
// pending (or the service already has what it asked for); withdrawing one
// when none is pending; a decommission when the object is gone or on its
// way out.
func (p *Provider) Verify(ctx context.Context, a model.Action) (bool, string, error) {
	if err := allowedAction(a.HTTP); err != nil {
		return false, "", err
	}
	seg := strings.Split(strings.TrimPrefix(a.HTTP.Path, "/"), "/")
	id := seg[1]
	if len(seg) == 3 { // /network-services/{id}/change-request
		return p.verifyChange(ctx, a, id)
	}
	var state string
	var err error
	switch "/" + seg[0] {
	case PathConnections:
		var c Connection
		c, err = p.client.GetConnection(ctx, id)
		state = c.State
	case PathNetworkServices:
		var n NetworkService
		n, err = p.client.GetNetworkService(ctx, id)
		state = n.State
	case PathNSConfigs:
		var n NetworkServiceConfig
		n, err = p.client.GetNetworkServiceConfig(ctx, id)
		state = n.State
	}
	if errors.Is(err, model.ErrNotFound) {
		return true, "the object is gone (404)", nil
	}
	if err != nil {
		return false, "", err
	}
	state = model.SafeText(truncate(state, 40))
	switch state {
	case StateDecommissionRequested, StateDecommissioned, StateArchived:
		return true, "state " + state, nil
	}
	return false, "state " + state + ", no decommission requested", nil
}

func (p *Provider) verifyChange(ctx context.Context, a model.Action, serviceID string) (bool, string, error) {
	cr, err := p.client.ChangeRequest(ctx, serviceID)
	pending := err == nil
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return false, "", err
	}
	if a.HTTP.Method == http.MethodDelete { // withdraw
		if pending {
			return false, "a change request is still pending", nil
		}
		return true, "no change request is pending", nil
	}
	var want NetworkServiceChangeRequest
	if decodeLoose(a.HTTP.Body, &want) != nil {
		return false, "", errorf("cannot tell: the change request's body is unreadable")
	}
	if pending {
		if sameChange(cr, want) {
			return true, "the change request is pending (" + describeCR(cr) + ")", nil
		}
		return false, "another change request is pending (" + describeCR(cr) + ")", nil
	}
	// Some servers apply a change at once: the service then shows it.
	svc, err := p.client.GetNetworkService(ctx, serviceID)
	if err != nil {
		return false, "", err
	}
	if sameChange(NetworkServiceChangeRequest{ProductOffering: svc.ProductOffering, Capacity: svc.Capacity}, want) {
		return true, "no change request is pending and the service already has " + describeCR(want), nil
	}
	return false, "no change request is pending (state " + model.SafeText(truncate(svc.State, 40)) + ")", nil
}

func sameChange(a, b NetworkServiceChangeRequest) bool {
	return a.ProductOffering == b.ProductOffering && (a.Capacity == nil) == (b.Capacity == nil) &&
		(a.Capacity == nil || *a.Capacity == *b.Capacity)
}

func describeCR(cr NetworkServiceChangeRequest) string {
	s := "product offering " + model.SafeText(truncate(cr.ProductOffering, 60))
	if cr.Capacity != nil {
		s += ", " + model.FormatMbps(*cr.Capacity)
	}
	return s
}

func stateIn(body []byte) string {
	var v struct {
		State string `json:"state"`
	}
	if decodeLoose(body, &v) == nil {
		return v.State
	}
	return ""
}
