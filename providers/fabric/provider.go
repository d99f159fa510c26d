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

	mu       sync.Mutex
	conns    map[string]Connection // last seen, for planning (no I/O in Plan)
	claimed  map[string]bool       // "port/vlan" sent in acceptances since the last full listing
	ports    []Port                // our ports, for choosing where to land an acceptance
	portsAt  time.Time
	portsTTL time.Duration
}

var (
	_ model.Provider         = (*Provider)(nil)
	_ model.ConnectionSource = (*Provider)(nil)
	_ model.ConnectionReader = (*Provider)(nil)
	_ model.ActionPlanner    = (*Provider)(nil)
	_ model.ActionRunner     = (*Provider)(nil)
)

// New returns the provider named name (the config label) for the API at
// baseURL, authenticated with creds.
func New(name, baseURL string, creds Credentials, opts ...Option) (*Provider, error) {
	if name == "" {
		return nil, errorf("provider name is empty")
	}
	opts = append(append([]Option(nil), opts...), WithCredentials(creds), withName(name))
	c, err := NewClient(baseURL, opts...)
	if err != nil {
		return nil, err
	}
	return &Provider{name: name, client: c, conns: map[string]Connection{}, portsTTL: 5 * time.Minute}, nil
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
// is bounded (WithBounds); duplicates (a connection moving between pages
// during the fetch) are dropped. Connections that cannot be read and a
// listing cut short come back as a *model.Incomplete with the rows read.
func (p *Provider) Connections(ctx context.Context, prog *model.Progress) ([]model.Connection, error) {
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
		Limit: cfg.pageLimit, Concurrency: cfg.concurrency, Bounds: cfg.bounds, Progress: prog,
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
		cfg.logger.Warn("fabric: connection listing incomplete", "provider", p.name, "err", err.Error())
	}
	seen := make(map[string]bool, len(wire))
	out := make([]model.Connection, 0, len(wire))
	cache := make(map[string]Connection, len(wire))
	for _, c := range wire {
		if seen[c.UUID] {
			continue
		}
		seen[c.UUID] = true
		cache[c.UUID] = c
		out = append(out, toModel(p.name, c))
	}
	p.mu.Lock()
	p.conns = cache
	p.claimed = nil // the listing now shows what the API did with them
	p.mu.Unlock()
	return out, err
}

func (p *Provider) portsStale() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ports == nil || p.client.cfg.now().Sub(p.portsAt) > p.portsTTL
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
		p.client.cfg.logger.Warn("fabric: port listing incomplete; using the ports read", "provider", p.name, "err", model.ErrorSummary(err))
	case err != nil:
		p.client.cfg.logger.Warn("fabric: listing ports failed; keeping the previous list", "provider", p.name, "err", model.ErrorSummary(err))
		return
	}
	p.mu.Lock()
	p.ports, p.portsAt = ports, p.client.cfg.now()
	p.mu.Unlock()
}

// Connection re-reads one connection.
func (p *Provider) Connection(ctx context.Context, id string) (model.Connection, error) {
	c, err := p.client.GetConnection(ctx, id)
	if err != nil {
		return model.Connection{}, err
	}
	p.mu.Lock()
	p.conns[c.UUID] = c
	p.mu.Unlock()
	return toModel(p.name, c), nil
}

// Parameters an ActionRequest may carry for an acceptance that must say
// where the connection lands on our side.
const (
	ParamPort = "port" // uuid of our port
	ParamVLAN = "vlan" // VLAN (DOT1Q tag or QINQ S-tag) on that port
)

// Plan builds the exact POST /fabric/v4/connections/{id}/actions request
// for an approve or reject of the change waiting on us. It does no I/O: it
// works from the connections and ports seen by the last Connections or
// Connection call.
func (p *Provider) Plan(req model.ActionRequest) (model.Action, error) {
	p.mu.Lock()
	c, ok := p.conns[req.Target.ID]
	ports := p.ports
	p.mu.Unlock()
	if !ok {
		return model.Action{}, errorf("connection %q is not loaded: refresh the list first", req.Target.ID)
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
// VLAN from params, or our active port in the z-side metro with the most
// free bandwidth and its lowest VLAN not used by any connection we know.
func (p *Provider) landing(c Connection, params map[string]string, ports []Port) (*ConnectionSide, error) {
	metro := ""
	if ap := c.ZSide.AccessPoint; ap != nil && ap.Location != nil {
		metro = ap.Location.MetroCode
	}
	var port *Port
	if id := params[ParamPort]; id != "" {
		for i := range ports {
			if ports[i].UUID == id {
				port = &ports[i]
			}
		}
		if port == nil {
			port = &Port{UUID: id, Encapsulation: &PortEncapsulation{Type: "DOT1Q"}}
		}
	} else {
		var cands []*Port
		for i := range ports {
			pt := &ports[i]
			if pt.Location == nil || pt.Location.MetroCode != metro || (pt.State != "" && pt.State != "ACTIVE") {
				continue
			}
			if enc := encapsulation(*pt); enc != "DOT1Q" && enc != "QINQ" {
				continue
			}
			cands = append(cands, pt)
		}
		if len(cands) == 0 {
			return nil, errorf("no port of ours in metro %q is known to land %s on; pass the %q and %q parameters", metro, firstNonEmpty(c.Name, c.UUID), ParamPort, ParamVLAN)
		}
		slices.SortStableFunc(cands, func(a, b *Port) int {
			if c := cmp.Compare(b.AvailableBandwidth, a.AvailableBandwidth); c != 0 {
				return c
			}
			return strings.Compare(a.Name, b.Name)
		})
		port = cands[0]
	}
	vlan := 0
	if v := params[ParamVLAN]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 || n > 4092 {
			return nil, errorf("VLAN %q is not a number in 2..4092", v)
		}
		vlan = n
	} else {
		vlan = p.lowestFreeVLAN(port.UUID)
		if vlan == 0 {
			return nil, errorf("no free VLAN left on port %s", firstNonEmpty(port.Name, port.UUID))
		}
	}
	lp := &LinkProtocol{Type: "DOT1Q", VlanTag: vlan}
	if encapsulation(*port) == "QINQ" {
		lp = &LinkProtocol{Type: "QINQ", VlanSTag: vlan}
	}
	return &ConnectionSide{AccessPoint: &AccessPoint{
		Type:         "COLO",
		Port:         &SimplifiedPort{UUID: port.UUID},
		LinkProtocol: lp,
	}}, nil
}

func encapsulation(p Port) string {
	if p.Encapsulation == nil {
		return ""
	}
	return p.Encapsulation.Type
}

// lowestFreeVLAN is the lowest tag (outer tag for QinQ) in 2..4092 that no
// known connection uses on port.
func (p *Provider) lowestFreeVLAN(portUUID string) int {
	used := make(map[int]bool)
	p.mu.Lock()
	for _, c := range p.conns {
		for _, s := range []ConnectionSide{c.ASide, c.ZSide} {
			ap := s.AccessPoint
			if ap == nil || ap.Port == nil || ap.Port.UUID != portUUID || ap.LinkProtocol == nil {
				continue
			}
			lp := ap.LinkProtocol
			for _, v := range []int{lp.VlanTag, lp.VlanSTag} {
				used[v] = true
			}
			for v := lp.VlanTagMin; v > 0 && v <= lp.VlanTagMax && v <= 4092; v++ {
				used[v] = true
			}
		}
	}
	for k := range p.claimed {
		if port, v, ok := strings.Cut(k, "/"); ok && port == portUUID {
			n, _ := strconv.Atoi(v)
			used[n] = true
		}
	}
	p.mu.Unlock()
	for v := 2; v <= 4092; v++ {
		if !used[v] {
			return v
		}
	}
	return 0
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
	if a.HTTP.Method != http.MethodPost || !strings.HasPrefix(a.HTTP.Path, ConnPath) || !strings.HasSuffix(a.HTTP.Path, "/actions") {
		return res, errorf("refusing to send %s %s: not a Fabric connection action", a.HTTP.Method, a.HTTP.Path)
	}
	if a.NeedsReason {
		var body ConnectionActionRequest
		if json.Unmarshal(a.HTTP.Body, &body) != nil || strings.TrimSpace(body.Description) == "" {
			return res, errorf("a rejection needs a reason")
		}
	}
	resp, err := p.client.send(ctx, a.HTTP)
	res.At = p.client.cfg.now()
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
	p.claim(a.HTTP.Body)
	var ack ConnectionAction
	if httpx.DecodeJSON(resp.Body, &ack) == nil && ack.UUID != "" {
		res.Message = fmt.Sprintf("Fabric accepted %s (HTTP %d, action %s)", ack.Type, resp.Status, ack.UUID)
	} else {
		res.Message = fmt.Sprintf("Fabric accepted the request (HTTP %d)", resp.Status)
	}
	return res, nil
}
