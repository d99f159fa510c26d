package metal

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
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
	// The estate is built when first asked for, at the engine's creation
	// time (see sim.Engine.Prepare).
	s.engine.Prepare(func(time.Time) {
		s.build()
		if s.cfg.maxWaiting <= 0 {
			// Room for new arrivals beyond what the initial estate has.
			s.cfg.maxWaiting = s.waitingOnUs() + max(6, w.Scale()/50)
		}
	})
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

func (s *Simulator) listEvents(w http.ResponseWriter, rc *reqCtx, events []simEvent) {
	n := len(events)
	// Newest first, as the API lists them.
	s.page(w, rc, "events", n, func(i int) any { return events[n-1-i].wire() }, s.cfg.eventsPerPageCap)
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
