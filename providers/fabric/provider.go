package fabric

import (
	"cmp"
	"context"
	"encoding/json"
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

// Provider is one configured Fabric account. It implements model.Provider,
// ConnectionSource, ConnectionReader, ActionPlanner and ActionRunner.
type Provider struct {
	name   string
	client *Client

	mu sync.Mutex
	// conns is each connection last seen, for planning (no I/O in Plan):
	// the fields a plan reads (planConn; the raw JSON is not kept,
	// neither here nor in the listed model values: measured at 100k, 3.9
	// -> see the commit), and the few facts the inventory and the
	// VLANs-in-use scan read of every connection.
	conns   map[string]*cachedConn
	connsAt time.Time // when conns was last listed in full
	// currentAt is when conns was last brought up to date: a full
	// listing, or a complete change listing merged over one (the hub's
	// incremental refresh), so the inventory does not list 100k again.
	currentAt time.Time
	// listing is the full connection listing in flight (nil when none):
	// the inventory waits for it rather than listing 100k a second time.
	listing *inflightListing
	// gen counts changes to conns; inv is the inventory built at a gen
	// from a port listing, returned again (the same slice) while neither
	// changed.
	gen uint64
	inv struct {
		gen   uint64
		ports []Port
		nodes []model.Node
	}
	claimed  map[string]bool // "port/vlan" sent in acceptances since the last full listing
	ports    []Port          // our ports, for choosing where to land an acceptance
	portsAt  time.Time
	portsTTL time.Duration
	metrics  metricsState // whether the server has the metrics API
}

var (
	_ model.Provider         = (*Provider)(nil)
	_ model.ConnectionSource = (*Provider)(nil)
	_ model.ConnectionReader = (*Provider)(nil)
	_ model.ActionPlanner    = (*Provider)(nil)
	_ model.ActionRunner     = (*Provider)(nil)
	_ model.ActionVerifier   = (*Provider)(nil)
)

// New returns the provider named name (the config label) for the API at
// baseURL, authenticated with creds.
func New(name, baseURL string, creds Credentials, opts ...Option) (*Provider, error) {
	if name == "" {
		return nil, errorf("provider name is empty")
	}
	opts = append(append([]Option(nil), opts...), WithCredentials(creds), httpx.WithProvider(name))
	c, err := NewClient(baseURL, opts...)
	if err != nil {
		return nil, err
	}
	return &Provider{name: name, client: c, conns: map[string]*cachedConn{}, portsTTL: 5 * time.Minute}, nil
}

// Name is the instance label.
func (p *Provider) Name() string { return p.name }

// Kind is "fabric".
func (p *Provider) Kind() string { return Kind }

// Client exposes the underlying API client.
func (p *Provider) Client() *Client { return p.client }

// Connections lists every connection: search pages of up to 100, sorted by
// uuid (stable while the data changes), fetched with bounded concurrency,
// progress reported per page, each page decoded as it arrives. The listing
// is bounded (httpx.WithBounds); duplicates (a connection moving between pages
// during the fetch) are dropped. Connections that cannot be read and a
// listing cut short come back as a *model.Incomplete with the rows read.
func (p *Provider) Connections(ctx context.Context, prog *model.Progress) ([]model.Connection, error) {
	p.mu.Lock()
	l := p.claimListing()
	p.mu.Unlock()
	return p.list(ctx, prog, l)
}

// claimListing registers a listing in flight, or returns nil when one
// runs already (the Connections pane's own listing then runs as well: it
// needs the rows). Called with p.mu held.
func (p *Provider) claimListing() *inflightListing {
	if p.listing != nil {
		return nil
	}
	p.listing = &inflightListing{done: make(chan struct{})}
	return p.listing
}

// list lists every connection; l, when not nil, is completed with the
// outcome for those waiting on it.
func (p *Provider) list(ctx context.Context, prog *model.Progress, l *inflightListing) (_ []model.Connection, err error) {
	if l != nil {
		defer func() {
			p.mu.Lock()
			p.listing = nil
			p.mu.Unlock()
			l.err = err
			close(l.done)
		}()
	}
	cfg := p.client.cfg
	var portsDone chan struct{}
	if p.portsStale() {
		portsDone = make(chan struct{})
		go func() {
			defer close(portsDone)
			p.refreshPorts(ctx)
		}()
	}
	listing := httpx.Listing[Connection]{
		Provider: p.name, What: "connections",
		Limit: cfg.pageLimit, Concurrency: cfg.concurrency, Bounds: cfg.Bounds, Progress: prog,
		ID: func(c *Connection) string { return c.UUID },
	}
	wire, err := httpx.Offsets(ctx, listing, func(ctx context.Context, offset, limit int) (httpx.Page[Connection], error) {
		sp, err := p.client.searchPage(ctx, SearchRequest{
			Filter:     cfg.filter,
			Pagination: &PaginationRequest{Offset: offset, Limit: limit},
			Sort:       []SortCriteria{{Property: "/uuid", Direction: "ASC"}},
		}, limit)
		if err != nil {
			return httpx.Page[Connection]{}, err
		}
		page := httpx.Page[Connection]{Items: sp.Data, Dropped: sp.Dropped, Problem: sp.Problem, Overfull: sp.Overfull}
		if pg := sp.Pagination; pg != nil {
			page.Total, page.TotalKnown, page.Next = pg.Total, true, pg.Next
		}
		return page, nil
	})
	if portsDone != nil {
		<-portsDone
	}
	var incomplete *model.Incomplete
	if err != nil && !errors.As(err, &incomplete) {
		return nil, err
	}
	if incomplete != nil {
		cfg.Logger.Warn("fabric: connection listing incomplete", "provider", p.name, "err", err.Error())
	}
	seen := make(map[string]bool, len(wire))
	out := make([]model.Connection, 0, len(wire))
	// The map holds pointers into one array: a map's spare slots cost a
	// pointer each, not a whole entry (measured: 70 B a connection).
	cache := make(map[string]*cachedConn, len(wire))
	backing := make([]cachedConn, len(wire))
	in := interner{}
	for _, c := range wire {
		if seen[c.UUID] {
			continue
		}
		seen[c.UUID] = true
		m := toModel(p.name, c)
		m.Raw = nil // the detail view re-reads the one it shows
		in.conn(&m)
		cc := &backing[len(cache)]
		*cc = cachedConn{plan: planOf(c, in), facts: factsOf(c, m, in)}
		cache[c.UUID] = cc
		out = append(out, m)
	}
	p.mu.Lock()
	p.conns, p.connsAt = cache, p.client.cfg.Clock()
	p.currentAt = p.connsAt
	p.gen++
	p.claimed = nil // the listing now shows what the API did with them
	p.mu.Unlock()
	return out, err
}

func (p *Provider) portsStale() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ports == nil || p.client.cfg.Clock().Sub(p.portsAt) > p.portsTTL
}

// refreshPorts reloads our ports; a failure keeps the old list (ports only
// help to propose where an accepted connection lands).
func (p *Provider) refreshPorts(ctx context.Context) {
	ports, err := p.client.ListPorts(ctx)
	var partial *model.Incomplete
	switch {
	case errors.As(err, &partial):
		// Ports only help to propose where an accepted connection lands:
		// the ones read are better than none.
		p.client.cfg.Logger.Warn("fabric: port listing incomplete; using the ports read", "provider", p.name, "err", model.ErrorSummary(err))
	case err != nil:
		p.client.cfg.Logger.Warn("fabric: listing ports failed; keeping the previous list", "provider", p.name, "err", model.ErrorSummary(err))
		return
	}
	p.mu.Lock()
	p.ports, p.portsAt = ports, p.client.cfg.Clock()
	p.mu.Unlock()
}

// Connection re-reads one connection.
func (p *Provider) Connection(ctx context.Context, id string) (model.Connection, error) {
	c, err := p.client.GetConnection(ctx, id)
	if err != nil {
		return model.Connection{}, err
	}
	p.mu.Lock()
	p.keep(c)
	p.mu.Unlock()
	return toModel(p.name, c), nil
}

// Parameters an ActionRequest may carry for an acceptance that must say
// where the connection lands on our side (the port picker sets them;
// LandingPorts lists the choices).
const (
	ParamPort      = model.ParamPort      // uuid of our port
	ParamVLAN      = model.ParamVLAN      // VLAN (DOT1Q tag or QINQ S-tag) on that port
	ParamInnerVLAN = model.ParamInnerVLAN // QINQ C-tag
	ParamBandwidth = model.ParamBandwidth // Mbit/s, for a bandwidth change
)

// Plan builds the exact POST /fabric/v4/connections/{id}/actions request
// for an approve or reject of the change waiting on us. It does no I/O: it
// works from the connections and ports seen by the last Connections or
// Connection call.
func (p *Provider) Plan(req model.ActionRequest) (model.Action, error) {
	p.mu.Lock()
	cc, ok := p.conns[req.Target.ID]
	ports := p.ports
	p.mu.Unlock()
	if !ok {
		return model.Action{}, errorf("connection %q is not loaded: refresh the list first", truncate(req.Target.ID, 60))
	}
	c := cc.connection()
	switch req.Kind {
	case model.ActionChangeBandwidth:
		return p.planBandwidth(req, c, ports)
	case model.ActionDecommission:
		return planDelete(req, c, cc.facts.aName, cc.facts.zName)
	}
	name := firstNonEmpty(c.Name, c.UUID)
	pend := pendingOf(c)
	if pend == nil || !pend.WaitingOnUs {
		return model.Action{}, fmt.Errorf("%w: fabric: %s has no change waiting for our decision", model.ErrUnsupported, name)
	}
	a := model.Action{Request: req}
	body := ConnectionActionRequest{}
	switch req.Kind {
	case model.ActionApprove:
		switch pend.Kind {
		case model.ChangeCreation:
			body.Type = ActionCreationAcceptance
			a.Title, a.Risk = "Approve creation of "+name, model.RiskMedium
			if needsZSide(c) {
				zs, err := p.landing(c, req.Params, ports)
				if err != nil {
					return model.Action{}, err
				}
				body.Data = &ConnectionAcceptanceData{ZSide: zs}
			}
		case model.ChangeUpdate:
			body.Type = ActionUpdateAcceptance
			a.Title, a.Risk = "Approve update of "+name+" ("+pend.Description+")", model.RiskMedium
		case model.ChangeDeletion:
			body.Type = ActionDeletionAcceptance
			a.Title, a.Risk = "Accept deletion of "+name+" (tears the connection down)", model.RiskHigh
			a.ConfirmText = name
		}
	case model.ActionReject:
		a.NeedsReason = true
		body.Description = strings.TrimSpace(req.Reason)
		switch pend.Kind {
		case model.ChangeCreation:
			body.Type = ActionCreationRejection
			a.Title, a.Risk = "Reject creation of "+name, model.RiskMedium
		case model.ChangeUpdate:
			body.Type = ActionUpdateRejection
			a.Title, a.Risk = "Reject update of "+name+" ("+pend.Description+")", model.RiskLow
		default:
			return model.Action{}, fmt.Errorf("%w: fabric: a deletion cannot be rejected; accept it or contact the requester", model.ErrUnsupported)
		}
	default:
		return model.Action{}, fmt.Errorf("%w: fabric: action %q", model.ErrUnsupported, req.Kind)
	}
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return model.Action{}, err
	}
	path, err := connPath(c.UUID, "/actions")
	if err != nil {
		return model.Action{}, err
	}
	a.HTTP = model.HTTPRequest{Method: http.MethodPost, Path: path, Body: b}
	a.Idempotent = false
	return a, nil
}

// needsZSide reports whether accepting a creation must say where it lands
// on our side: the requester named our service profile (or nothing) but
// not a port and VLAN of ours. When they already chose our port and VLAN
// (port-to-port), the acceptance carries no data.
func needsZSide(c Connection) bool {
	ap := c.ZSide.AccessPoint
	if ap == nil {
		return c.ZSide.ServiceToken == nil
	}
	switch ap.Type {
	case "COLO":
		return ap.Port == nil || ap.Port.UUID == "" || ap.LinkProtocol == nil
	case "SP", "":
		return true
	}
	return false // VD, networks, routers: the request already names the endpoint
}

// landing chooses the z-side access point of an acceptance: the port and
// VLAN(s) from params (the operator's choice), else our active port in the
// z-side metro with the most free bandwidth and its lowest VLAN not in use.
// The port must be one of ours in that metro; a VLAN already used on it is
// refused. A QinQ port takes an S-tag and a C-tag (the C-tag defaults to
// the requester's VLAN).
func (p *Provider) landing(c Connection, params map[string]string, ports []Port) (*ConnectionSide, error) {
	metro := landingMetro(c)
	name := firstNonEmpty(c.Name, c.UUID)
	cands := candidates(ports, metro)
	var port *Port
	if id := params[ParamPort]; id != "" {
		for i := range ports {
			if ports[i].UUID == id {
				port = &ports[i]
			}
		}
		switch {
		case port == nil:
			return nil, errorf("port %q is not one of our known ports: refresh, or choose another", truncate(id, 60))
		case port.Location == nil || port.Location.MetroCode != metro:
			at := ""
			if port.Location != nil {
				at = port.Location.MetroCode
			}
			return nil, errorf("port %s is in metro %q; %s lands in %q", firstNonEmpty(port.Name, port.UUID), at, name, metro)
		case !slices.ContainsFunc(cands, func(x Port) bool { return x.UUID == id }):
			return nil, errorf("port %s is %s with %s encapsulation: it cannot take a connection", firstNonEmpty(port.Name, port.UUID), firstNonEmpty(port.State, "in an unknown state"), firstNonEmpty(encapsulation(*port), "no"))
		}
	} else {
		if len(cands) == 0 {
			return nil, errorf("no port of ours in metro %q is known to land %s on; pass the %q and %q parameters", metro, name, ParamPort, ParamVLAN)
		}
		port = &cands[0]
	}
	p.mu.Lock()
	used := p.usedVLANs()[port.UUID]
	p.mu.Unlock()
	tag := func(key string) (int, error) {
		v := params[key]
		if v == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 2 || n > 4092 {
			return 0, errorf("VLAN %q is not a number in 2..4092", truncate(v, 20))
		}
		return n, nil
	}
	vlan, err := tag(ParamVLAN)
	if err != nil {
		return nil, err
	}
	switch {
	case vlan == 0:
		if vlan = lowestFree(used); vlan == 0 {
			return nil, errorf("no free VLAN left on port %s", firstNonEmpty(port.Name, port.UUID))
		}
	case used[vlan]:
		return nil, errorf("VLAN %d is already in use on port %s: choose another", vlan, firstNonEmpty(port.Name, port.UUID))
	}
	lp := &LinkProtocol{Type: "DOT1Q", VlanTag: vlan}
	if encapsulation(*port) == "QINQ" {
		inner, err := tag(ParamInnerVLAN)
		if err != nil {
			return nil, err
		}
		if inner == 0 {
			inner = requesterVLAN(c)
		}
		lp = &LinkProtocol{Type: "QINQ", VlanSTag: vlan, VlanCTag: inner}
	} else if params[ParamInnerVLAN] != "" {
		return nil, errorf("port %s is DOT1Q: it takes one VLAN, not an inner one", firstNonEmpty(port.Name, port.UUID))
	}
	return &ConnectionSide{AccessPoint: &AccessPoint{
		Type:         "COLO",
		Port:         &SimplifiedPort{UUID: port.UUID},
		LinkProtocol: lp,
	}}, nil
}

// requesterVLAN is the requester's own VLAN (its A-side tag), the usual
// inner tag on a QinQ port; 2 when it has none.
func requesterVLAN(c Connection) int {
	if ap := c.ASide.AccessPoint; ap != nil && ap.LinkProtocol != nil {
		for _, v := range []int{ap.LinkProtocol.VlanTag, ap.LinkProtocol.VlanCTag, ap.LinkProtocol.VlanSTag} {
			if v >= 2 && v <= 4092 {
				return v
			}
		}
	}
	return 2
}

func encapsulation(p Port) string {
	if p.Encapsulation == nil {
		return ""
	}
	return p.Encapsulation.Type
}

// claim remembers the port and VLAN an acceptance asked for, so the next
// plan does not propose them again before the listing shows them.
func (p *Provider) claim(body []byte) {
	var req ConnectionActionRequest
	if json.Unmarshal(body, &req) != nil || req.Data == nil || req.Data.ZSide == nil || req.Data.ZSide.AccessPoint == nil {
		return
	}
	ap := req.Data.ZSide.AccessPoint
	if ap.Port == nil || ap.LinkProtocol == nil {
		return
	}
	v := cmp.Or(ap.LinkProtocol.VlanTag, ap.LinkProtocol.VlanSTag)
	p.mu.Lock()
	if p.claimed == nil {
		p.claimed = map[string]bool{}
	}
	p.claimed[ap.Port.UUID+"/"+strconv.Itoa(v)] = true
	p.mu.Unlock()
}

// Do sends a planned action exactly as planned, once (actions are not
// idempotent, so never retried). The result reports what Fabric answered;
// the caller re-reads the connection rather than assuming the outcome.
func (p *Provider) Do(ctx context.Context, a model.Action) (model.Result, error) {
	res := model.Result{Action: a}
	if len(a.Then) > 0 {
		return res, errorf("refusing to send %d requests: Fabric actions are one request", 1+len(a.Then))
	}
	if err := allowedAction(a.HTTP); err != nil {
		return res, err
	}
	if a.NeedsReason {
		var body ConnectionActionRequest
		if json.Unmarshal(a.HTTP.Body, &body) != nil || strings.TrimSpace(body.Description) == "" {
			return res, errorf("a rejection needs a reason")
		}
	}
	resp, err := p.client.send(ctx, a.HTTP)
	res.At = p.client.cfg.Clock()
	res.Sends = httpx.Sends(resp, err)
	if resp != nil {
		res.Status = resp.Status
	}
	if err != nil {
		res.Message = model.ErrorSummary(err)
		var ae *model.APIError
		if errors.As(err, &ae) {
			res.Status = ae.Status
		}
		return res, err
	}
	res.Sent = 1
	if a.HTTP.Method != http.MethodPost {
		// An update or deletion answers with the connection.
		var c Connection
		res.Message = fmt.Sprintf("Fabric accepted %s %s (HTTP %d)", a.HTTP.Method, a.HTTP.Path, resp.Status)
		if httpx.DecodeJSON(resp.Body, &c) == nil && c.State != "" {
			res.Message += ": now " + model.SafeText(truncate(c.State, 40))
		}
		return res, nil
	}
	p.claim(a.HTTP.Body)
	var ack ConnectionAction
	if httpx.DecodeJSON(resp.Body, &ack) == nil && ack.UUID != "" {
		res.Message = fmt.Sprintf("Fabric accepted %s (HTTP %d, action %s)", model.SafeText(truncate(ack.Type, 60)), resp.Status, model.SafeText(truncate(ack.UUID, 60)))
	} else {
		res.Message = fmt.Sprintf("Fabric accepted the request (HTTP %d)", resp.Status)
	}
	return res, nil
}

// Verify re-reads the connection an action with an unknown outcome was
// aimed at: the action answered a change waiting for our decision, so it
// took effect when that change no longer waits (an accepted deletion may
// also leave the connection gone), and it did not when the same kind of
// change still waits.
func (p *Provider) Verify(ctx context.Context, a model.Action) (bool, string, error) {
	id, ok := strings.CutPrefix(a.HTTP.Path, ConnPath)
	id, ok2 := strings.CutSuffix(id, "/actions")
	var body ConnectionActionRequest
	if !ok || !ok2 || json.Unmarshal(a.HTTP.Body, &body) != nil {
		return false, "", errorf("cannot tell: %s %s is not a connection action", a.HTTP.Method, truncate(a.HTTP.Path, 80))
	}
	kind := actionChange(body.Type)
	if kind == "" {
		return false, "", errorf("cannot tell: unknown action type %q", truncate(body.Type, 60))
	}
	c, err := p.client.GetConnection(ctx, id)
	if err != nil {
		if errors.Is(err, model.ErrNotFound) && body.Type == ActionDeletionAcceptance {
			return true, "the connection is gone (404)", nil
		}
		return false, "", err
	}
	p.mu.Lock()
	p.keep(c)
	p.mu.Unlock()
	state := model.SafeText(truncate(c.State, 40))
	if pend := pendingOf(c); pend != nil && pend.WaitingOnUs && pend.Kind == kind {
		return false, fmt.Sprintf("the %s still waits for our decision (state %s)", kind, state), nil
	}
	return true, fmt.Sprintf("no %s waits for our decision any more (state %s)", kind, state), nil
}

// actionChange is the kind of change an action type answers.
func actionChange(t string) model.ChangeKind {
	switch t {
	case ActionCreationAcceptance, ActionCreationRejection:
		return model.ChangeCreation
	case ActionUpdateAcceptance, ActionUpdateRejection:
		return model.ChangeUpdate
	case ActionDeletionAcceptance:
		return model.ChangeDeletion
	}
	return ""
}

// planConn is what the planning cache keeps of a connection besides its
// facts: the few values Plan, LandingPorts and the traffic context read
// (the pending change, operation statuses and changelog times, and of
// each side whether it has a service token and its access point's type,
// account, metro, port and link protocol), flat, so that no decoded
// sub-object (nor the raw JSON) stays alive per connection. connection
// rebuilds the wire struct they read (at plan time only).
type planConn struct {
	name      string     // as the API spells it (facts.name is sanitised)
	change    *Change    // only while in progress (pending or being applied)
	eqx, prov string     // operation.equinixStatus, providerStatus
	changeLog *[2]string // changeLog.updatedDateTime, createdDateTime: pending connections only
	sides     [2]planSide
}

// planSide is one side; its port uuid and link protocol are in the
// facts (sideFacts).
type planSide struct {
	token, ap, hasLoc, hasPort bool
	apType, org, account       string
	metro                      string
}

func planOf(c Connection, in interner) planConn {
	pc := planConn{name: c.Name}
	if ch := c.Change; ch != nil {
		switch ch.Status {
		case "COMPLETED", "REJECTED", "FAILED", "":
			// done: neither pendingOf nor editable looks at it
		default:
			pc.change = ch
		}
	}
	if op := c.Operation; op != nil {
		pc.eqx, pc.prov = in.str(op.EquinixStatus), in.str(op.ProviderStatus)
	}
	if cl := c.ChangeLog; cl != nil && pendingOf(c) != nil {
		// Only a pending change's time (when its own is missing) reads them.
		pc.changeLog = &[2]string{cl.UpdatedDateTime, cl.CreatedDateTime}
	}
	for i, side := range []ConnectionSide{c.ASide, c.ZSide} {
		ps := &pc.sides[i]
		ps.token = side.ServiceToken != nil
		ap := side.AccessPoint
		if ap == nil {
			continue
		}
		ps.ap, ps.apType = true, in.str(ap.Type)
		if ap.Account != nil {
			ps.org, ps.account = in.str(ap.Account.OrganizationName), in.str(ap.Account.AccountName)
		}
		if ap.Location != nil {
			ps.hasLoc, ps.metro = true, in.str(ap.Location.MetroCode)
		}
		ps.hasPort = ap.Port != nil
	}
	return pc
}

// connection rebuilds the wire connection a plan reads.
func (cc *cachedConn) connection() Connection {
	f, pc := cc.facts, cc.plan
	c := Connection{Type: f.typ, UUID: f.uuid, Name: pc.name, State: f.state, Direction: f.direction,
		Bandwidth: f.bandwidth, Change: pc.change}
	if pc.eqx != "" || pc.prov != "" {
		c.Operation = &ConnectionOperation{EquinixStatus: pc.eqx, ProviderStatus: pc.prov}
	}
	if cl := pc.changeLog; cl != nil {
		c.ChangeLog = &Changelog{UpdatedDateTime: cl[0], CreatedDateTime: cl[1]}
	}
	for i, side := range []*ConnectionSide{&c.ASide, &c.ZSide} {
		ps := pc.sides[i]
		if ps.token {
			side.ServiceToken = &ServiceToken{}
		}
		if !ps.ap {
			continue
		}
		ap := &AccessPoint{Type: ps.apType, LinkProtocol: f.sides[i].lp}
		if ps.org != "" || ps.account != "" {
			ap.Account = &SimplifiedAccount{OrganizationName: ps.org, AccountName: ps.account}
		}
		if ps.hasLoc {
			ap.Location = &SimplifiedLocation{MetroCode: ps.metro}
		}
		if ps.hasPort {
			ap.Port = &SimplifiedPort{UUID: f.sides[i].port}
		}
		side.AccessPoint = ap
	}
	return c
}

// cachedConn is one connection in the planning cache.
type cachedConn struct {
	plan  planConn
	facts connFacts
}

// connFacts is what the inventory and the VLANs-in-use scan read of a
// connection: its strings are shared with the model value, so they cost
// the struct alone.
type connFacts struct {
	uuid, typ, direction, state  string // as the API spells them
	name, rawState, aName, zName string
	pending                      string // the pending change's description
	mstate                       model.State
	bandwidth                    int64
	sides                        [2]sideFacts
}

type sideFacts struct {
	port string        // our port's uuid, if the side is on a port
	lp   *LinkProtocol // the side's, with or without a port (planning reads both)
}

func factsOf(c Connection, m model.Connection, in interner) connFacts {
	f := connFacts{uuid: c.UUID, typ: in.str(c.Type), direction: in.str(c.Direction), state: in.str(c.State),
		name: m.Name, rawState: m.RawState, aName: m.A.Name, zName: m.Z.Name,
		mstate: m.State, bandwidth: m.BandwidthMbps}
	if m.Pending != nil {
		f.pending = m.Pending.Description
	}
	for i, side := range []ConnectionSide{c.ASide, c.ZSide} {
		if ap := side.AccessPoint; ap != nil {
			// lp of a side without a port: planning reads it (requesterVLAN).
			f.sides[i].lp = ap.LinkProtocol
			if ap.Port != nil {
				f.sides[i].port = ap.Port.UUID
			}
		}
	}
	return f
}

// keep puts c in the planning cache. Called with p.mu held.
func (p *Provider) keep(c Connection) {
	p.gen++
	p.conns[c.UUID] = &cachedConn{plan: planOf(c, nil), facts: factsOf(c, toModel(p.name, c), nil)}
}

// conn is connection id from the planning cache (rebuilt from its
// planConn and facts). Called with p.mu held.
func (p *Provider) conn(id string) (Connection, bool) {
	cc, ok := p.conns[id]
	if !ok {
		return Connection{}, false
	}
	return cc.connection(), true
}

// eachFacts calls f with the facts of every cached connection. Called
// with p.mu held.
func (p *Provider) eachFacts(f func(connFacts)) {
	for _, cc := range p.conns {
		f(cc.facts)
	}
}

// inflightListing is a full connection listing others may wait for.
type inflightListing struct {
	done chan struct{}
	err  error // set before done is closed
}

// awaitListing brings the connection cache up to date: it waits for the
// listing in flight, or lists.
func (p *Provider) awaitListing(ctx context.Context, prog *model.Progress) error {
	p.mu.Lock()
	l := p.listing
	if l == nil {
		l = p.claimListing()
		p.mu.Unlock()
		_, err := p.list(ctx, prog, l)
		return err
	}
	p.mu.Unlock()
	select {
	case <-l.done:
		return l.err
	case <-ctx.Done():
		return ctx.Err()
	}
}
