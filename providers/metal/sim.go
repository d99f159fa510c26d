package metal

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// Demo credentials of the simulator. They are not secret: the demo and the
// tests configure the client with them.
const (
	DemoToken = "noctop-demo-metal-token"
	// DemoReadOnlyToken reads everything and may change nothing (403).
	DemoReadOnlyToken = "noctop-demo-metal-read-only-token"
	// SimBasePath is where the simulator serves the API, as the real one
	// does: the demo's base URL is the server URL plus this.
	SimBasePath = "/metal/v1"
)

const maxRequestBody = 1 << 20

// Simulator serves the Equinix Metal v1 interconnection API from a
// sim.World (see sim_world.go for the estate). It is an http.Handler; every
// request first advances the world to the clock's now. Lists are paged the
// way the API pages them (page/per_page, a meta object whose next link is
// an absolute URL, per_page capped at 100, at 20 for events).
type Simulator struct {
	world    *sim.World
	engine   *sim.Engine
	cfg      simConfig
	rnd      *rand.Rand // ids and lifecycle draws of the running simulation
	arrivals *rand.Rand
	requests atomic.Int64

	// Everything below is guarded by engine (Lock/Unlock).
	orgs     []*simOrg
	orgByID  map[string]*simOrg
	projects []*simProject
	projByID map[string]*simProject
	metros   []sim.Metro
	conns    []*simConn
	connByID map[string]*simConn
	portByID map[string]*simPort
	vcByID   map[string]*simVC
	vnByID   map[string]*simVN
	vnsOf    map[string][]*simVN // by project id
	vnPools  map[string]*sim.VLANPool
	vrfByID  map[string]*simVrf
	vrfsOf   map[string][]*simVrf // by project id
	vlanSeen int
	vrfSeen  int
	// sharedWaiting: a shared interconnection with unredeemed tokens exists.
	sharedWaiting bool
}

type simConfig struct {
	token, readOnlyToken string
	maxWaiting           int
	perPageCap           int
	eventsPerPageCap     int
	relativeNext         bool
}

// SimOption configures a Simulator.
type SimOption func(*simConfig)

// WithSimToken sets the token accepted for reads and changes (default
// DemoToken).
func WithSimToken(tok string) SimOption { return func(c *simConfig) { c.token = tok } }

// WithSimMaxWaiting caps how many VCs may wait on us before arrivals of
// new ones pause (default: the initial estate's plus max(6, scale/50)).
func WithSimMaxWaiting(n int) SimOption { return func(c *simConfig) { c.maxWaiting = n } }

// WithSimPerPageCap sets the most items a page holds whatever per_page
// asks (default 100).
func WithSimPerPageCap(n int) SimOption { return func(c *simConfig) { c.perPageCap = n } }

// WithSimRelativeLinks serves meta.next as a host-relative href
// ("/metal/v1/...?page=2") instead of an absolute URL.
func WithSimRelativeLinks() SimOption { return func(c *simConfig) { c.relativeNext = true } }

// NewSimulator builds the simulated Metal estate from w.
func NewSimulator(w *sim.World, opts ...SimOption) *Simulator {
	cfg := simConfig{token: DemoToken, readOnlyToken: DemoReadOnlyToken, perPageCap: 100, eventsPerPageCap: 20}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.perPageCap <= 0 {
		cfg.perPageCap = 100
	}
	s := &Simulator{
		world: w, engine: w.NewEngine(), cfg: cfg,
		rnd: w.Rand("metal", "server"), arrivals: w.Rand("metal", "arrival-picks"),
		orgByID: map[string]*simOrg{}, projByID: map[string]*simProject{},
		connByID: map[string]*simConn{}, portByID: map[string]*simPort{}, vcByID: map[string]*simVC{},
		vnByID: map[string]*simVN{}, vnsOf: map[string][]*simVN{}, vnPools: map[string]*sim.VLANPool{},
		vrfByID: map[string]*simVrf{}, vrfsOf: map[string][]*simVrf{},
	}
	s.build()
	if s.cfg.maxWaiting <= 0 {
		// Room for new arrivals beyond what the initial estate has.
		s.cfg.maxWaiting = s.waitingOnUs() + max(6, w.Scale()/50)
	}
	return s
}

// SimFaultHooks adapts sim.Faults to Metal: injected errors carry Metal's
// {"errors": [...]} body.
func SimFaultHooks() sim.FaultHooks {
	return sim.FaultHooks{
		ErrorBody: func(status int, r *http.Request) (string, []byte) {
			msg := "Service temporarily unavailable, please try again"
			if status == http.StatusTooManyRequests {
				msg = "Rate limit exceeded, please slow down"
			}
			b, _ := json.Marshal(Error{Errors: []string{msg}})
			return "application/json", b
		},
	}
}

// Requests returns how many requests the simulator has served.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// Stats counts the estate: interconnections, virtual circuits, and VCs
// waiting on us (customer VLAN or peering details).
func (s *Simulator) Stats() (conns, vcs, waiting int) {
	s.engine.Lock()
	defer s.engine.Unlock()
	return len(s.connByID), len(s.vcByID), s.waitingOnUs()
}

// Organizations returns the ids of the simulated organizations.
func (s *Simulator) Organizations() []string {
	s.engine.Lock()
	defer s.engine.Unlock()
	var out []string
	for _, o := range s.orgs {
		out = append(out, o.id)
	}
	return out
}

// ServeHTTP serves one request. The answer is rendered with the world
// locked and written after unlocking, so a slow reader holds up no one.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil {
			return
		}
		body = b
	}
	buf := &bufferedResponse{header: w.Header(), status: http.StatusOK}
	now := s.engine.Lock()
	s.route(buf, r, body, now)
	s.engine.Unlock()
	w.WriteHeader(buf.status)
	_, _ = w.Write(buf.body.Bytes())
}

type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, status = []byte(`{"errors":["simulator: encoding failed"]}`), http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// fail writes the {"errors": [...]} form; failOne the {"error": "..."} form
// (the API uses both).
func fail(w http.ResponseWriter, status int, msgs ...string) {
	writeJSON(w, status, Error{Errors: msgs})
}

func failOne(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, Error{Error: msg})
}

func notFound(w http.ResponseWriter) { fail(w, http.StatusNotFound, "Not found") }

func methodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header().Set("Allow", allow)
	fail(w, http.StatusMethodNotAllowed, "Method not allowed")
}

// --- routing ---

type reqCtx struct {
	r        *http.Request
	body     []byte
	now      time.Time
	readOnly bool // authenticated with the read-only token
}

func (s *Simulator) route(w http.ResponseWriter, r *http.Request, body []byte, now time.Time) {
	rest, ok := strings.CutPrefix(r.URL.Path, SimBasePath+"/")
	if !ok {
		failOne(w, http.StatusNotFound, "Not found")
		return
	}
	tok := r.Header.Get(AuthHeader)
	switch {
	case tok == "":
		failOne(w, http.StatusUnauthorized, "You must provide an X-Auth-Token header")
		return
	case tok != s.cfg.token && (s.cfg.readOnlyToken == "" || tok != s.cfg.readOnlyToken):
		fail(w, http.StatusUnauthorized, "Invalid authentication token")
		return
	}
	rc := &reqCtx{r: r, body: body, now: now, readOnly: tok != s.cfg.token}
	seg := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	get := r.Method == http.MethodGet
	switch {
	case len(seg) == 1 && seg[0] == "organizations":
		if !get {
			methodNotAllowed(w, "GET")
			return
		}
		s.listOrgs(w, rc)
	case len(seg) == 1 && seg[0] == "projects":
		if !get {
			methodNotAllowed(w, "GET")
			return
		}
		s.listProjects(w, rc)
	case len(seg) == 3 && seg[0] == "organizations" && seg[2] == "connections":
		o := s.orgByID[seg[1]]
		if o == nil {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			s.listConns(w, rc, o, r.URL.Query().Get("project"))
		case http.MethodPost:
			s.createConn(w, rc, o, nil)
		default:
			methodNotAllowed(w, "GET, POST")
		}
	case len(seg) == 3 && seg[0] == "projects" && seg[2] == "connections":
		pr := s.projByID[seg[1]]
		if pr == nil {
			notFound(w)
			return
		}
		switch r.Method {
		case http.MethodGet:
			// As documented: the organization's interconnections,
			// including the project's.
			s.listConns(w, rc, pr.org, "")
		case http.MethodPost:
			s.createConn(w, rc, pr.org, pr)
		default:
			methodNotAllowed(w, "GET, POST")
		}
	case len(seg) == 3 && seg[0] == "projects" && (seg[2] == "virtual-networks" || seg[2] == "vrfs"):
		pr := s.projByID[seg[1]]
		if pr == nil {
			notFound(w)
			return
		}
		if !get {
			methodNotAllowed(w, "GET")
			return
		}
		if seg[2] == "vrfs" {
			s.listVrfs(w, rc, pr)
		} else {
			s.listVNs(w, rc, pr)
		}
	case len(seg) == 2 && seg[0] == "connections" && seg[1] == "metros":
		if !get {
			methodNotAllowed(w, "GET")
			return
		}
		s.listMetros(w)
	case len(seg) >= 2 && seg[0] == "connections":
		s.routeConn(w, rc, seg[1:])
	case len(seg) >= 2 && seg[0] == "virtual-circuits":
		vc := s.vcByID[seg[1]]
		if vc == nil {
			notFound(w)
			return
		}
		switch {
		case len(seg) == 2 && get:
			writeJSON(w, http.StatusOK, s.wireVC(vc))
		case len(seg) == 2 && r.Method == http.MethodPut:
			s.updateVC(w, rc, vc)
		case len(seg) == 2 && r.Method == http.MethodDelete:
			s.deleteVC(w, rc, vc)
		case len(seg) == 3 && seg[2] == "events" && get:
			s.listEvents(w, rc, vc.events)
		case len(seg) <= 3:
			methodNotAllowed(w, "GET, PUT, DELETE")
		default:
			notFound(w)
		}
	case len(seg) == 2 && seg[0] == "virtual-networks":
		vn := s.vnByID[seg[1]]
		if vn == nil {
			notFound(w)
			return
		}
		if !get {
			methodNotAllowed(w, "GET")
			return
		}
		writeJSON(w, http.StatusOK, s.wireVN(vn))
	case len(seg) == 2 && seg[0] == "vrfs":
		v := s.vrfByID[seg[1]]
		if v == nil {
			notFound(w)
			return
		}
		if !get {
			methodNotAllowed(w, "GET")
			return
		}
		writeJSON(w, http.StatusOK, s.wireVrf(v))
	default:
		failOne(w, http.StatusNotFound, "Not found")
	}
}

// routeConn serves /connections/{id}/...
func (s *Simulator) routeConn(w http.ResponseWriter, rc *reqCtx, seg []string) {
	sc := s.connByID[seg[0]]
	if sc == nil {
		notFound(w)
		return
	}
	m := rc.r.Method
	get := m == http.MethodGet
	switch {
	case len(seg) == 1:
		switch m {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, s.wireConn(sc))
		case http.MethodPut:
			s.updateConn(w, rc, sc)
		case http.MethodDelete:
			s.deleteConn(w, rc, sc)
		default:
			methodNotAllowed(w, "GET, PUT, DELETE")
		}
	case len(seg) == 2 && seg[1] == "events" && get:
		s.listEvents(w, rc, sc.events)
	case len(seg) == 2 && seg[1] == "ports" && get:
		ports := make([]InterconnectionPort, 0, len(sc.ports))
		for _, pt := range sc.ports {
			ports = append(ports, s.wirePort(pt))
		}
		writeJSON(w, http.StatusOK, InterconnectionPortList{Ports: ports})
	case len(seg) == 2 && seg[1] == "virtual-circuits" && get:
		var vcs []VirtualCircuit
		for _, pt := range sc.ports {
			for _, vc := range pt.vcs {
				vcs = append(vcs, s.wireVC(vc))
			}
		}
		writeJSON(w, http.StatusOK, VirtualCircuitList{VirtualCircuits: nonNil(vcs)})
	case len(seg) >= 3 && seg[1] == "ports":
		var pt *simPort
		for _, p := range sc.ports {
			if p.id == seg[2] {
				pt = p
			}
		}
		if pt == nil {
			notFound(w)
			return
		}
		switch {
		case len(seg) == 3 && get:
			writeJSON(w, http.StatusOK, s.wirePort(pt))
		case len(seg) == 4 && seg[3] == "events" && get:
			s.listEvents(w, rc, pt.events)
		case len(seg) == 4 && seg[3] == "virtual-circuits" && get:
			vcs := make([]VirtualCircuit, 0, len(pt.vcs))
			for _, vc := range pt.vcs {
				vcs = append(vcs, s.wireVC(vc))
			}
			writeJSON(w, http.StatusOK, VirtualCircuitList{VirtualCircuits: vcs})
		case len(seg) == 4 && seg[3] == "virtual-circuits" && m == http.MethodPost:
			s.createVC(w, rc, pt)
		case len(seg) <= 4:
			methodNotAllowed(w, "GET")
		default:
			notFound(w)
		}
	case len(seg) == 2:
		methodNotAllowed(w, "GET")
	default:
		notFound(w)
	}
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// --- rendering ---

func href(parts ...string) string { return SimBasePath + "/" + strings.Join(parts, "/") }

func (s *Simulator) metroOf(code string) *Metro {
	for _, m := range s.metros {
		if strings.EqualFold(m.Code, code) {
			return &Metro{ID: sim.UUID(s.world.Rand("metal", "metro", m.Code)), Code: strings.ToLower(m.Code), Name: m.Name, Country: m.Country}
		}
	}
	return &Metro{Code: strings.ToLower(code)}
}

func (s *Simulator) wireOrg(o *simOrg) Organization {
	out := Organization{ID: o.id, Name: o.name, Description: o.desc, Href: href("organizations", o.id), CreatedAt: stampOf(o.created), UpdatedAt: stampOf(o.created)}
	for _, p := range o.projects {
		out.Projects = append(out.Projects, Href{Href: href("projects", p.id)})
	}
	return out
}

func (s *Simulator) wireProject(p *simProject) Project {
	return Project{ID: p.id, Name: p.name, Href: href("projects", p.id), Type: "default",
		Organization: &Organization{Href: href("organizations", p.org.id)}, CreatedAt: stampOf(p.created), UpdatedAt: stampOf(p.created)}
}

func (s *Simulator) wireConn(sc *simConn) Interconnection {
	ic := Interconnection{
		ID: sc.id, Name: sc.name, Description: sc.desc, ContactEmail: sc.email, Type: sc.typ, Mode: sc.mode,
		Redundancy: sc.redundancy, Status: sc.status, Speed: sc.speed, Metro: s.metroOf(sc.metro.Code),
		Organization:  &Organization{Href: href("organizations", sc.org.id)},
		ServiceTokens: sc.tokens, CreatedAt: stampOf(sc.created), UpdatedAt: stampOf(sc.updated),
		RequestedBy: &Href{Href: href("users", sc.requestedBy)}, Tags: []string{},
	}
	if sc.project != nil {
		ic.Project = &Project{Href: href("projects", sc.project.id)}
	}
	for _, pt := range sc.ports {
		ic.Ports = append(ic.Ports, s.wirePort(pt))
	}
	return ic
}

func (s *Simulator) wirePort(pt *simPort) InterconnectionPort {
	out := InterconnectionPort{
		ID: pt.id, Href: href("connections", pt.conn.id, "ports", pt.id), Name: pt.name,
		Organization: &Href{Href: href("organizations", pt.conn.org.id)},
		Role:         pt.role, Status: pt.status, SwitchID: pt.switchID, Speed: pt.speed, LinkStatus: pt.link,
		VirtualCircuits: []VirtualCircuit{},
	}
	// Nested circuits come as references, as the API sends them unless
	// asked to include them (by id: the VC schemas have no href).
	for _, vc := range pt.vcs {
		out.VirtualCircuits = append(out.VirtualCircuits, VirtualCircuit{Vlan: &VlanVirtualCircuit{ID: vc.id}})
	}
	return out
}

func (s *Simulator) wireVC(vc *simVC) VirtualCircuit {
	speed := vc.speed
	if speed == 0 {
		speed = vc.port.speed
	}
	port := &InterconnectionPort{Href: href("connections", vc.port.conn.id, "ports", vc.port.id)}
	project := &Project{Href: href("projects", vc.project.id)}
	if vc.typ == VCTypeVRF {
		out := &VrfVirtualCircuit{
			ID: vc.id, Name: vc.name, Description: vc.desc, Type: VCTypeVRF,
			Status: vc.status, Speed: speed, NNIVlan: vc.nni, Vrf: &Vrf{Href: href("vrfs", vc.vrf.id)},
			Subnet: vc.subnet, MetalIP: vc.metalIP, CustomerIP: vc.customerIP, PeerASN: vc.peerASN, MD5: vc.md5,
			Port: port, Project: project, Tags: []string{}, CreatedAt: stampOf(vc.created), UpdatedAt: stampOf(vc.updated),
		}
		return VirtualCircuit{Vrf: out}
	}
	bill := vc.port.conn.typ == TypeShared
	out := &VlanVirtualCircuit{
		ID: vc.id, Name: vc.name, Description: vc.desc, Type: VCTypeVLAN,
		Status: vc.status, Speed: speed, NNIVlan: vc.nni, Port: port, Project: project, Bill: &bill,
		Tags: []string{}, CreatedAt: stampOf(vc.created), UpdatedAt: stampOf(vc.updated),
	}
	if vc.vn != nil {
		out.VNID = vc.vn.vxlan
		out.VirtualNetwork = &Href{Href: href("virtual-networks", vc.vn.id)}
	}
	return VirtualCircuit{Vlan: out}
}

func (s *Simulator) wireVN(vn *simVN) VirtualNetwork {
	assigned := vn.vc != nil
	return VirtualNetwork{
		ID: vn.id, Href: href("virtual-networks", vn.id), Description: vn.desc, VXLAN: vn.vxlan, MetroCode: vn.metro,
		Metro: s.metroOf(vn.metro), AssignedTo: &Project{Href: href("projects", vn.project.id)},
		AssignedToVirtualCircuit: &assigned, Tags: []string{}, CreatedAt: stampOf(vn.created),
	}
}

func (s *Simulator) wireVrf(v *simVrf) Vrf {
	return Vrf{
		ID: v.id, Href: href("vrfs", v.id), Name: v.name, Description: "VRF of " + v.project.name + " in " + v.metro,
		LocalASN: v.asn, IPRanges: v.ranges, Metro: s.metroOf(v.metro), Project: &Project{Href: href("projects", v.project.id)},
		Tags: []string{}, CreatedAt: stampOf(v.created), UpdatedAt: stampOf(v.created),
	}
}

// --- paged lists ---

// page serves items[...] of a collection under key with a meta object.
// per_page is capped at pageCap; a page past the end is empty (with meta).
func (s *Simulator) page(w http.ResponseWriter, rc *reqCtx, key string, n int, item func(i int) any, pageCap int) {
	q := rc.r.URL.Query()
	page, per := 1, 10 // the spec's defaults
	if v := q.Get("page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 100000 {
			fail(w, http.StatusUnprocessableEntity, "page must be an integer between 1 and 100000")
			return
		}
		page = p
	}
	if v := q.Get("per_page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 1000 {
			fail(w, http.StatusUnprocessableEntity, "per_page must be an integer between 1 and 1000")
			return
		}
		per = p
	}
	per = min(per, pageCap)
	last := max(1, (n+per-1)/per)
	items := make([]any, 0, per)
	for i := (page - 1) * per; i < n && i < page*per; i++ {
		items = append(items, item(i))
	}
	link := func(p int, absolute bool) *Href {
		lq := url.Values{}
		for k, vs := range q {
			lq[k] = vs
		}
		lq.Set("page", strconv.Itoa(p))
		lq.Set("per_page", strconv.Itoa(per))
		h := rc.r.URL.Path + "?" + lq.Encode()
		if absolute {
			h = "http://" + rc.r.Host + h
		}
		return &Href{Href: h}
	}
	total, cur := n, page
	meta := Meta{First: link(1, false), Last: link(last, false), Self: link(page, false), Total: &total, CurrentPage: &cur, LastPage: &last}
	if page > 1 {
		meta.Previous = link(page-1, false)
	}
	if page < last {
		meta.Next = link(page+1, !s.cfg.relativeNext)
	}
	writeJSON(w, http.StatusOK, map[string]any{key: items, "meta": meta})
}

func (s *Simulator) listOrgs(w http.ResponseWriter, rc *reqCtx) {
	s.page(w, rc, "organizations", len(s.orgs), func(i int) any { return s.wireOrg(s.orgs[i]) }, s.cfg.perPageCap)
}

func (s *Simulator) listProjects(w http.ResponseWriter, rc *reqCtx) {
	s.page(w, rc, "projects", len(s.projects), func(i int) any { return s.wireProject(s.projects[i]) }, s.cfg.perPageCap)
}

func (s *Simulator) listConns(w http.ResponseWriter, rc *reqCtx, o *simOrg, project string) {
	var list []*simConn
	for _, sc := range s.conns {
		if sc.org == o && (project == "" || (sc.project != nil && sc.project.id == project)) {
			list = append(list, sc)
		}
	}
	s.page(w, rc, "interconnections", len(list), func(i int) any { return s.wireConn(list[i]) }, s.cfg.perPageCap)
}

func (s *Simulator) listEvents(w http.ResponseWriter, rc *reqCtx, events []Event) {
	n := len(events)
	// Newest first, as the API lists them.
	s.page(w, rc, "events", n, func(i int) any { return events[n-1-i] }, s.cfg.eventsPerPageCap)
}

func (s *Simulator) listVNs(w http.ResponseWriter, rc *reqCtx, pr *simProject) {
	metro := strings.ToLower(rc.r.URL.Query().Get("metro"))
	out := []VirtualNetwork{}
	for _, vn := range s.vnsOf[pr.id] {
		if metro == "" || vn.metro == metro || s.metroOf(vn.metro).ID == metro {
			out = append(out, s.wireVN(vn))
		}
	}
	writeJSON(w, http.StatusOK, VirtualNetworkList{VirtualNetworks: out})
}

func (s *Simulator) listVrfs(w http.ResponseWriter, rc *reqCtx, pr *simProject) {
	metro := strings.ToLower(rc.r.URL.Query().Get("metro"))
	out := []Vrf{}
	for _, v := range s.vrfsOf[pr.id] {
		if metro == "" || v.metro == metro {
			out = append(out, s.wireVrf(v))
		}
	}
	writeJSON(w, http.StatusOK, VrfList{Vrfs: out})
}

func (s *Simulator) listMetros(w http.ResponseWriter) {
	out := []InterconnectionMetro{}
	for _, m := range s.metros {
		im := InterconnectionMetro{Metro: *s.metroOf(m.Code)}
		if m.Region == "AMER" {
			im.Providers = append(im.Providers, MetroProvider{Type: "CSP_AWS", Name: "AWS Direct Connect", Locations: []string{"us-east-1"}, Bandwidths: []int{50, 100, 200, 500, 1000, 10000}})
		}
		im.Providers = append(im.Providers, MetroProvider{Type: "CSP_AZURE", Name: "Azure ExpressRoute", Bandwidths: []int{50, 100, 500, 1000}, Features: []string{"redundant"}})
		out = append(out, im)
	}
	writeJSON(w, http.StatusOK, InterconnectionMetroList{Metros: out})
}

// --- changes ---

// readBody decodes a JSON object request body, refusing keys not in allowed.
func readBody(w http.ResponseWriter, rc *reqCtx, allowed ...string) (map[string]json.RawMessage, bool) {
	if len(rc.body) > maxRequestBody {
		fail(w, http.StatusRequestEntityTooLarge, "request body too large")
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rc.body, &m); err != nil || m == nil {
		fail(w, http.StatusUnprocessableEntity, "request body must be a JSON object")
		return nil, false
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, "unknown attribute: "+k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		fail(w, http.StatusUnprocessableEntity, unknown...)
		return nil, false
	}
	return m, true
}

func str(m map[string]json.RawMessage, k string) (string, bool, error) {
	raw, ok := m[k]
	if !ok || string(raw) == "null" {
		return "", ok, nil
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", true, fmt.Errorf("%s must be a string", k)
	}
	return v, true, nil
}

func integer(m map[string]json.RawMessage, k string) (int64, bool, error) {
	raw, ok := m[k]
	if !ok || string(raw) == "null" {
		return 0, false, nil
	}
	var v int64
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, true, fmt.Errorf("%s must be an integer", k)
	}
	return v, true, nil
}

// parseSpeed reads "500mbps", "1gbps", "10g", or bps.
func parseSpeed(v string) (int64, bool) {
	v = strings.ToLower(strings.ReplaceAll(v, " ", ""))
	num := strings.TrimRight(v, "kmgbps")
	unit := v[len(num):]
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 {
		return 0, false
	}
	mult := map[string]float64{"": 1, "bps": 1, "k": 1e3, "kbps": 1e3, "m": 1e6, "mbps": 1e6, "g": 1e9, "gbps": 1e9}
	x, ok := mult[unit]
	if !ok {
		return 0, false
	}
	return int64(f * x), true
}

func (s *Simulator) forbidden(w http.ResponseWriter, rc *reqCtx, p *simProject) bool {
	if rc.readOnly || (p != nil && p.readOnly) {
		fail(w, http.StatusForbidden, "You are not authorized to perform this action")
		return true
	}
	return false
}

// findVN resolves a vnid (virtual network UUID or VXLAN number) in project
// and metro.
func (s *Simulator) findVN(v string, project *simProject, metro string) (*simVN, string) {
	if n, err := strconv.Atoi(v); err == nil {
		for _, vn := range s.vnsOf[project.id] {
			if vn.vxlan == n && vn.metro == metro {
				return vn, ""
			}
		}
		return nil, fmt.Sprintf("VLAN %d is not a Metro VLAN of project %s in metro %s", n, project.name, metro)
	}
	vn := s.vnByID[strings.ToLower(v)]
	switch {
	case vn == nil:
		return nil, "Virtual network not found"
	case vn.project != project:
		return nil, "Virtual network belongs to another project"
	case vn.metro != metro:
		return nil, fmt.Sprintf("Virtual network is in metro %s, the port in metro %s", vn.metro, metro)
	}
	return vn, ""
}

func (s *Simulator) updateVC(w http.ResponseWriter, rc *reqCtx, vc *simVC) {
	allowed := []string{"name", "description", "speed", "tags", "vnid"}
	if vc.typ == VCTypeVRF {
		allowed = []string{"name", "description", "speed", "tags", "peer_asn", "subnet", "metal_ip", "customer_ip", "md5", "subnet_ipv6", "metal_ipv6", "customer_ipv6"}
	}
	m, ok := readBody(w, rc, allowed...)
	if !ok || s.forbidden(w, rc, vc.project) {
		return
	}
	if vc.status == VCDeleting {
		fail(w, http.StatusUnprocessableEntity, "The virtual circuit is being deleted")
		return
	}
	var errs []string
	name, hasName, err := str(m, "name")
	if err != nil {
		errs = append(errs, err.Error())
	}
	desc, hasDesc, err := str(m, "description")
	if err != nil {
		errs = append(errs, err.Error())
	}
	speed := int64(0)
	if v, has, err := str(m, "speed"); err != nil {
		errs = append(errs, err.Error())
	} else if has {
		sp, ok := parseSpeed(v)
		switch {
		case vc.port.conn.typ != TypeDedicated:
			errs = append(errs, "Speed can be changed only if it is an interconnection on a Dedicated Port")
		case !ok:
			errs = append(errs, "speed is not a valid speed")
		case sp > vc.port.speed:
			errs = append(errs, "speed exceeds the port speed")
		default:
			speed = sp
		}
	}
	metro := strings.ToLower(vc.port.conn.metro.Code)
	var newVN *simVN
	unsetVN := false
	if raw, has := m["vnid"]; has {
		v, _, err := str(m, "vnid")
		if err != nil {
			var n int64
			if json.Unmarshal(raw, &n) == nil {
				v, err = strconv.FormatInt(n, 10), nil
			}
		}
		switch {
		case err != nil:
			errs = append(errs, "vnid must be a virtual network id or a VLAN")
		case v == "":
			unsetVN = vc.vn != nil
		default:
			vn, msg := s.findVN(v, vc.project, metro)
			switch {
			case vn == nil:
				errs = append(errs, msg)
			case vn.vc != nil && vn.vc != vc:
				errs = append(errs, fmt.Sprintf("Virtual network %d is already assigned to a virtual circuit", vn.vxlan))
			case vn != vc.vn:
				newVN = vn
			}
		}
	}
	var peer struct {
		asn                         int64
		subnet, metalIP, customerIP string
		any                         bool
	}
	if vc.typ == VCTypeVRF {
		if n, has, err := integer(m, "peer_asn"); err != nil || (has && (n < 1 || n > 4294967295)) {
			errs = append(errs, "peer_asn must be an ASN")
		} else if has {
			peer.asn, peer.any = n, true
		}
		sub, has, err := str(m, "subnet")
		if err != nil {
			errs = append(errs, err.Error())
		} else if has {
			if pf, e := netip.ParsePrefix(sub); e != nil || (pf.Bits() != 30 && pf.Bits() != 31) || !pf.Addr().Is4() {
				errs = append(errs, "subnet must be an IPv4 /30 or /31")
			} else {
				peer.subnet, peer.any = pf.Masked().String(), true
			}
		}
		for _, k := range []string{"metal_ip", "customer_ip"} {
			v, has, err := str(m, k)
			if err != nil || !has {
				continue
			}
			subnet := firstNonEmpty(peer.subnet, vc.subnet)
			ip, e := netip.ParseAddr(v)
			pf, e2 := netip.ParsePrefix(subnet)
			if e != nil || (e2 == nil && !pf.Contains(ip)) {
				errs = append(errs, k+" must be an address in the subnet")
				continue
			}
			if k == "metal_ip" {
				peer.metalIP = v
			} else {
				peer.customerIP = v
			}
			peer.any = true
		}
		if md5, has, _ := str(m, "md5"); has {
			vc.md5 = md5
		}
	}
	if newVN != nil || unsetVN {
		switch vc.status {
		case VCWaitingOnCustomerVLAN, VCActive, VCActivationFailed, VCChangingVLANFailed, VCDeactivationFailed:
		default:
			errs = append(errs, fmt.Sprintf("The VLAN cannot be changed while the virtual circuit is %s", vc.status))
		}
	}
	if peer.any && vc.status != VCWaitingOnPeeringDetails && vc.status != VCActive && vc.status != VCChangingPeeringDetailsFailed {
		errs = append(errs, fmt.Sprintf("The peering details cannot be changed while the virtual circuit is %s", vc.status))
	}
	if len(errs) > 0 {
		fail(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	now := rc.now
	changed := false
	if hasName {
		vc.name = name
	}
	if hasDesc {
		vc.desc = desc
	}
	if speed > 0 {
		vc.speed = speed
	}
	vc.updated = now
	switch {
	case newVN != nil:
		old := vc.vn
		s.releaseVN(vc)
		newVN.vc, vc.vn = vc, newVN
		if old == nil || vc.status == VCWaitingOnCustomerVLAN {
			s.setVC(vc, VCActivating, now, fmt.Sprintf("Virtual circuit %s: customer VLAN set to %d; activating", vc.name, newVN.vxlan))
		} else {
			s.setVC(vc, VCChangingVLAN, now, fmt.Sprintf("Virtual circuit %s: VLAN change %d → %d", vc.name, old.vxlan, newVN.vxlan))
		}
		changed = true
	case unsetVN:
		s.setVC(vc, VCDeactivating, now, fmt.Sprintf("Virtual circuit %s: VLAN removed; deactivating", vc.name))
		changed = true
	case peer.any:
		if peer.asn > 0 {
			vc.peerASN = peer.asn
		}
		if peer.subnet != "" && peer.subnet != vc.subnet {
			vc.subnet = peer.subnet
			pf := netip.MustParsePrefix(peer.subnet)
			vc.metalIP, vc.customerIP = pf.Addr().Next().String(), pf.Addr().Next().Next().String()
		}
		vc.metalIP = firstNonEmpty(peer.metalIP, vc.metalIP)
		vc.customerIP = firstNonEmpty(peer.customerIP, vc.customerIP)
		if vc.status == VCWaitingOnPeeringDetails {
			if vc.subnet != "" && vc.peerASN > 0 {
				s.setVC(vc, VCActivating, now, "")
				changed = true
			}
		} else {
			s.setVC(vc, VCChangingPeeringDetails, now, "")
			changed = true
		}
	default:
		s.event(&vc.events, now, "virtual_circuit.updated", fmt.Sprintf("Virtual circuit %s was updated", vc.name))
	}
	status := http.StatusOK
	if changed {
		status = http.StatusAccepted
	}
	writeJSON(w, status, s.wireVC(vc))
}

func (s *Simulator) deleteVC(w http.ResponseWriter, rc *reqCtx, vc *simVC) {
	if s.forbidden(w, rc, vc.project) {
		return
	}
	if vc.port.conn.typ != TypeDedicated {
		fail(w, http.StatusUnprocessableEntity, "Virtual circuits of shared interconnections are deleted with the interconnection")
		return
	}
	if vc.status != VCDeleting {
		s.setVC(vc, VCDeleting, rc.now, fmt.Sprintf("Virtual circuit %s: deletion requested", vc.name))
	}
	writeJSON(w, http.StatusAccepted, s.wireVC(vc))
}

func (s *Simulator) updateConn(w http.ResponseWriter, rc *reqCtx, sc *simConn) {
	m, ok := readBody(w, rc, "name", "description", "contact_email", "mode", "tags", "redundancy")
	if !ok || s.forbidden(w, rc, sc.project) {
		return
	}
	var errs []string
	vals := map[string]string{}
	for _, k := range []string{"name", "description", "contact_email", "mode"} {
		v, has, err := str(m, k)
		if err != nil {
			errs = append(errs, err.Error())
		} else if has {
			vals[k] = v
		}
	}
	if _, has := m["redundancy"]; has {
		errs = append(errs, "redundancy cannot be changed")
	}
	if v, has := vals["mode"]; has {
		nvc := 0
		for _, pt := range sc.ports {
			nvc += len(pt.vcs)
		}
		switch {
		case v != "standard" && v != "tunnel":
			errs = append(errs, "mode must be standard or tunnel")
		case sc.typ != TypeDedicated:
			errs = append(errs, "mode applies to dedicated ports only")
		case nvc > 0 && v != sc.mode:
			errs = append(errs, "The mode can only be changed when there are no associated virtual circuits")
		}
	}
	if v, has := vals["contact_email"]; has && v != "" && !strings.Contains(v, "@") {
		errs = append(errs, "contact_email is not an email address")
	}
	if v, has := vals["name"]; has && strings.TrimSpace(v) == "" {
		errs = append(errs, "name can't be blank")
	}
	if len(errs) > 0 {
		fail(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	for k, v := range vals {
		switch k {
		case "name":
			sc.name = v
		case "description":
			sc.desc = v
		case "contact_email":
			sc.email = v
		case "mode":
			sc.mode = v
		}
	}
	sc.updated = rc.now
	s.event(&sc.events, rc.now, "interconnection.updated", fmt.Sprintf("Interconnection %s was updated", sc.name))
	writeJSON(w, http.StatusOK, s.wireConn(sc))
}

func (s *Simulator) deleteConn(w http.ResponseWriter, rc *reqCtx, sc *simConn) {
	if s.forbidden(w, rc, sc.project) {
		return
	}
	if sc.status != "deleting" {
		s.setConn(sc, "deleting", PortDeleting, rc.now)
		for _, pt := range sc.ports {
			for _, vc := range pt.vcs {
				if vc.status != VCDeleting {
					s.setVC(vc, VCDeleting, rc.now, "")
				}
			}
		}
		s.scheduleConn(sc)
	}
	writeJSON(w, http.StatusAccepted, s.wireConn(sc))
}

func (s *Simulator) createVC(w http.ResponseWriter, rc *reqCtx, pt *simPort) {
	sc := pt.conn
	isVRF := false
	var probe map[string]json.RawMessage
	if json.Unmarshal(rc.body, &probe) == nil {
		_, isVRF = probe["vrf"]
	}
	allowed := []string{"project_id", "vnid", "nni_vlan", "name", "description", "speed", "tags"}
	if isVRF {
		allowed = []string{"project_id", "vrf", "subnet", "peer_asn", "nni_vlan", "metal_ip", "customer_ip", "md5", "name", "description", "speed", "tags", "subnet_ipv6", "metal_ipv6", "customer_ipv6"}
	}
	m, ok := readBody(w, rc, allowed...)
	if !ok {
		return
	}
	var errs []string
	pid, _, err := str(m, "project_id")
	project := s.projByID[strings.ToLower(pid)]
	switch {
	case err != nil || pid == "":
		errs = append(errs, "project_id is required")
	case project == nil || project.org != sc.org:
		errs = append(errs, "project_id is not a project of the interconnection's organization")
	}
	if project != nil && s.forbidden(w, rc, project) {
		return
	}
	if rc.readOnly && s.forbidden(w, rc, nil) {
		return
	}
	if sc.typ != TypeDedicated {
		errs = append(errs, "Virtual circuits can only be created on dedicated ports")
	}
	if pt.status != PortActive {
		errs = append(errs, "The port is not active")
	}
	nni, has, err := integer(m, "nni_vlan")
	switch {
	case err != nil || !has || nni < 2 || nni > 4094:
		errs = append(errs, "nni_vlan must be between 2 and 4094")
	case pt.nni.InUse(int(nni)):
		errs = append(errs, fmt.Sprintf("NNI VLAN %d is already in use on this port", nni))
	}
	name, _, _ := str(m, "name")
	desc, _, _ := str(m, "description")
	var speed int64
	if v, has, _ := str(m, "speed"); has {
		sp, ok := parseSpeed(v)
		if !ok || sp > pt.speed {
			errs = append(errs, "speed is not valid for this port")
		}
		speed = sp
	}
	metro := strings.ToLower(sc.metro.Code)
	vc := &simVC{id: sim.UUID(s.rnd), port: pt, project: project, nni: int(nni), created: rc.now, updated: rc.now, speed: speed, desc: desc, typ: VCTypeVLAN}
	if isVRF {
		vc.typ = VCTypeVRF
		vid, _, _ := str(m, "vrf")
		v := s.vrfByID[strings.ToLower(vid)]
		switch {
		case v == nil:
			errs = append(errs, "VRF not found")
		case project != nil && v.project != project:
			errs = append(errs, "The VRF belongs to another project")
		case v.metro != metro:
			errs = append(errs, "The VRF is in another metro")
		}
		vc.vrf = v
		asn, has, err := integer(m, "peer_asn")
		if err != nil || !has || asn < 1 || asn > 4294967295 {
			errs = append(errs, "peer_asn is required")
		}
		vc.peerASN = asn
		sub, _, _ := str(m, "subnet")
		pf, perr := netip.ParsePrefix(sub)
		if perr != nil || !pf.Addr().Is4() || (pf.Bits() != 30 && pf.Bits() != 31) {
			errs = append(errs, "subnet must be an IPv4 /30 or /31")
		} else {
			vc.subnet = pf.Masked().String()
			vc.metalIP, vc.customerIP = pf.Masked().Addr().Next().String(), pf.Masked().Addr().Next().Next().String()
			if v, has, _ := str(m, "metal_ip"); has {
				vc.metalIP = v
			}
			if v, has, _ := str(m, "customer_ip"); has {
				vc.customerIP = v
			}
			for _, ip := range []string{vc.metalIP, vc.customerIP} {
				if a, err := netip.ParseAddr(ip); err != nil || !pf.Contains(a) {
					errs = append(errs, "metal_ip and customer_ip must be in the subnet")
					break
				}
			}
		}
		vc.md5, _, _ = str(m, "md5")
	} else if v, has, _ := str(m, "vnid"); has && v != "" && project != nil {
		vn, msg := s.findVN(v, project, metro)
		switch {
		case vn == nil:
			errs = append(errs, msg)
		case vn.vc != nil:
			errs = append(errs, fmt.Sprintf("Virtual network %d is already assigned to a virtual circuit", vn.vxlan))
		default:
			vc.vn = vn
		}
	}
	if len(errs) > 0 {
		fail(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	vc.name = firstNonEmpty(name, fmt.Sprintf("%s-%s-%s-%d", metro, project.name, vc.typ, vc.nni))
	pt.nni.Reserve(vc.nni)
	if vc.vn != nil {
		vc.vn.vc = vc
	}
	pt.vcs = append(pt.vcs, vc)
	s.vcByID[vc.id] = vc
	s.setVC(vc, VCPending, rc.now, fmt.Sprintf("Virtual circuit %s was created on port %s", vc.name, pt.name))
	writeJSON(w, http.StatusCreated, s.wireVC(vc))
}

func (s *Simulator) createConn(w http.ResponseWriter, rc *reqCtx, o *simOrg, forProject *simProject) {
	m, ok := readBody(w, rc, "name", "type", "metro", "redundancy", "speed", "project", "contact_email", "description", "mode",
		"service_token_type", "vlans", "vrfs", "tags", "use_case", "billing_account_name")
	if !ok {
		return
	}
	if s.forbidden(w, rc, forProject) {
		return
	}
	var errs []string
	get := func(k string) string {
		v, _, err := str(m, k)
		if err != nil {
			errs = append(errs, err.Error())
		}
		return v
	}
	name, typ, metroCode, redundancy := get("name"), get("type"), strings.ToLower(get("metro")), get("redundancy")
	speedStr, pid, email, desc, mode, tokType := get("speed"), get("project"), get("contact_email"), get("description"), get("mode"), get("service_token_type")
	if strings.TrimSpace(name) == "" {
		errs = append(errs, "name is required")
	}
	var metro *sim.Metro
	for i := range s.metros {
		if strings.EqualFold(s.metros[i].Code, metroCode) {
			metro = &s.metros[i]
		}
	}
	if metro == nil {
		errs = append(errs, fmt.Sprintf("metro %q is not available for interconnections", metroCode))
	}
	if redundancy != "primary" && redundancy != "redundant" {
		errs = append(errs, "redundancy must be primary or redundant")
	}
	project := forProject
	if pid != "" {
		p := s.projByID[strings.ToLower(pid)]
		switch {
		case p == nil || p.org != o:
			errs = append(errs, "project is not a project of the organization")
		case forProject != nil && p != forProject:
			errs = append(errs, "project does not match the project in the path")
		default:
			project = p
		}
	}
	if project != nil && s.forbidden(w, rc, project) {
		return
	}
	var speed int64
	if speedStr != "" {
		sp, ok := parseSpeed(speedStr)
		if !ok {
			errs = append(errs, "speed is not a valid speed")
		}
		speed = sp
	}
	var vlans []int
	if raw, has := m["vlans"]; has {
		if json.Unmarshal(raw, &vlans) != nil {
			errs = append(errs, "vlans must be a list of integers")
		}
	}
	if _, has := m["vrfs"]; has {
		errs = append(errs, "VRF Fabric VCs are not available in this simulator")
	}
	nPorts := 1
	if redundancy == "redundant" {
		nPorts = 2
	}
	switch typ {
	case TypeDedicated:
		if speed == 0 {
			errs = append(errs, "speed is required for dedicated ports")
		}
		if mode == "" {
			mode = "standard"
		} else if mode != "standard" && mode != "tunnel" {
			errs = append(errs, "mode must be standard or tunnel")
		}
		if len(vlans) > 0 {
			errs = append(errs, "vlans apply to shared interconnections only")
		}
	case TypeShared, TypeSharedPortVLAN:
		if project == nil {
			errs = append(errs, "A Project ID must be specified for connections on shared ports")
		}
		if typ == TypeShared && tokType != "a_side" && tokType != "z_side" {
			errs = append(errs, "service_token_type must be a_side or z_side")
		}
		if len(vlans) == 0 || len(vlans) > nPorts {
			errs = append(errs, fmt.Sprintf("vlans must list one VLAN per port (%d)", nPorts))
		}
		if speed == 0 {
			speed = 10_000_000_000
		}
		if mode != "" {
			errs = append(errs, "mode applies to dedicated ports only")
		}
	default:
		errs = append(errs, "type must be dedicated, shared or shared_port_vlan")
	}
	var vns []*simVN
	if project != nil && metro != nil {
		for _, v := range vlans {
			vn, msg := s.findVN(strconv.Itoa(v), project, strings.ToLower(metro.Code))
			switch {
			case vn == nil:
				errs = append(errs, msg)
			case vn.vc != nil:
				errs = append(errs, fmt.Sprintf("VLAN %d is already assigned to a virtual circuit", v))
			default:
				vns = append(vns, vn)
			}
		}
	}
	if email != "" && !strings.Contains(email, "@") {
		errs = append(errs, "contact_email is not an email address")
	}
	if len(errs) > 0 {
		fail(w, http.StatusUnprocessableEntity, errs...)
		return
	}
	now := rc.now
	r := s.rnd
	sc := &simConn{
		id: sim.UUID(r), name: name, desc: desc, email: email, typ: typ, mode: mode, redundancy: redundancy,
		status: "requested", speed: speed, metro: *metro, org: o, project: project, created: now, updated: now,
		requestedBy: sim.UUID(r),
	}
	if typ == TypeDedicated && forProject == nil && pid == "" {
		sc.project = nil
	}
	code := strings.ToLower(metro.Code)
	roles := []string{"primary", "secondary"}[:nPorts]
	for i, role := range roles {
		pt := &simPort{id: sim.UUID(r), role: role, status: PortRequested, conn: sc, speed: speed, link: "down",
			name:     fmt.Sprintf("%s-%s-%s-%d", code, map[bool]string{true: "metal", false: "fabric"}[typ == TypeDedicated], role[:3], len(s.conns)+1),
			switchID: fmt.Sprintf("%08x", r.Uint32()), nni: sim.NewVLANPool(2, 4094)}
		sc.ports = append(sc.ports, pt)
		s.portByID[pt.id] = pt
		s.event(&pt.events, now, "interconnection_port.created", fmt.Sprintf("Port %s (%s) was created", pt.name, role))
		if typ == TypeShared {
			sc.tokens = append(sc.tokens, FabricServiceToken{ID: sim.UUID(r), ExpiresAt: stampOf(now.Add(60 * 24 * time.Hour)), MaxAllowedSpeed: speed, Role: role})
		}
		if typ != TypeDedicated && i < len(vns) {
			nni, _ := pt.nni.TakeNear(vns[i].vxlan)
			vc := &simVC{id: sim.UUID(r), typ: VCTypeVLAN, port: pt, project: project, nni: nni, vn: vns[i], created: now, updated: now,
				name: fmt.Sprintf("%s-%s-fvc-%d", code, project.name, vns[i].vxlan)}
			vns[i].vc = vc
			pt.vcs = append(pt.vcs, vc)
			s.vcByID[vc.id] = vc
			s.setVC(vc, VCPending, now, fmt.Sprintf("Virtual circuit %s was created; it waits for the Fabric connection", vc.name))
		}
	}
	s.event(&sc.events, now, "interconnection.requested", fmt.Sprintf("Interconnection %s was requested", sc.name))
	s.conns = append(s.conns, sc)
	s.connByID[sc.id] = sc
	s.scheduleConn(sc)
	writeJSON(w, http.StatusCreated, s.wireConn(sc))
}
