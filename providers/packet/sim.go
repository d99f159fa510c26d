package packet

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// DemoToken is the API token the simulator accepts. It is not secret: the
// demo and the tests configure the client with it.
const DemoToken = "noctop-demo-packet-token"

// maxRequestBody bounds what the simulator reads of a request.
const maxRequestBody = 1 << 20

// Simulator serves the Packet API from a sim.World: projects across
// several facilities, a few hundred servers in every state with bonded,
// hybrid and layer-2 ports, virtual networks, BGP sessions that flap,
// traffic with the world's daily patterns and bursts, capacity levels,
// hardware and IP reservations and an event log; listings page with
// page/per_page and meta, include= embeds and exclude= drops fields, and
// the port and power actions change the world. It is an http.Handler;
// every request first advances the world to the clock's now.
type Simulator struct {
	world  *sim.World
	engine *sim.Engine
	token  string

	// Everything below is guarded by engine (Lock/Unlock).
	orgID, orgName string
	facilities     []*simFacility
	plans          []*simPlan
	projects       []*simProject
	devices        map[string]*simDevice
	ports          map[string]*simPort
	sessions       map[string]*simSession
	vnets          map[string]*simVNet
	reservations   map[string]*simReservation
	eventByID      map[string]eventLoc
	rnd            *rand.Rand // server-side ids
	flaps          *rand.Rand

	requests atomic.Int64
}

// SimOption configures a Simulator.
type SimOption func(*Simulator)

// WithSimToken sets the accepted API token (default DemoToken).
func WithSimToken(tok string) SimOption { return func(s *Simulator) { s.token = tok } }

// NewSimulator builds the simulated account from w.
func NewSimulator(w *sim.World, opts ...SimOption) *Simulator {
	s := &Simulator{
		world: w, engine: w.NewEngine(), token: DemoToken,
		eventByID: map[string]eventLoc{},
		rnd:       w.Rand("packet", "server-ids"),
		flaps:     w.Rand("packet", "flaps"),
	}
	for _, o := range opts {
		o(s)
	}
	// The account is built when first asked for, at the engine's creation
	// time (see sim.Engine.Prepare).
	s.engine.Prepare(func(time.Time) {
		s.build()
		s.startWorld()
	})
	return s
}

// SimFaultHooks adapts sim.Faults to Packet: injected errors carry
// {"errors": [...]}.
func SimFaultHooks() sim.FaultHooks {
	return sim.FaultHooks{
		ErrorBody: func(status int, r *http.Request) (string, []byte) {
			msg := "Service temporarily unavailable, please retry"
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

// OrganizationID is the simulated organisation's id.
func (s *Simulator) OrganizationID() string {
	s.engine.Lock()
	defer s.engine.Unlock()
	return s.orgID
}

// ProjectIDs are the simulated projects, in order.
func (s *Simulator) ProjectIDs() []string {
	s.engine.Lock()
	defer s.engine.Unlock()
	var out []string
	for _, p := range s.projects {
		out = append(out, p.id)
	}
	return out
}

// DeviceState returns a device's state as the API would report it.
func (s *Simulator) DeviceState(id string) (string, bool) {
	s.engine.Lock()
	defer s.engine.Unlock()
	d, ok := s.devices[id]
	if !ok || d.gone {
		return "", false
	}
	return d.state, true
}

// DeviceCount counts listed devices.
func (s *Simulator) DeviceCount() int {
	s.engine.Lock()
	defer s.engine.Unlock()
	n := 0
	for _, d := range s.devices {
		if !d.gone {
			n++
		}
	}
	return n
}

// ServeHTTP serves one request. The answer is rendered into a buffer with
// the world locked and written out after unlocking, so a client that
// reads slowly never holds up the others.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	var body []byte
	if r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody+1))
		if err != nil {
			return // the client went away
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
		http.Error(w, "simulator: encoding failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func fail(w http.ResponseWriter, status int, msgs ...string) {
	writeJSON(w, status, Error{Errors: msgs})
}

// request is one parsed request.
type request struct {
	r       *http.Request
	body    []byte
	now     time.Time
	include map[string]bool
	exclude map[string]bool
}

func (q *request) query(k string) string { return q.r.URL.Query().Get(k) }

func commaSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			m[p] = true
		}
	}
	return m
}

func (s *Simulator) route(w http.ResponseWriter, r *http.Request, body []byte, now time.Time) {
	if len(body) > maxRequestBody {
		fail(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if r.Header.Get(TokenHeader) != s.token || s.token == "" {
		fail(w, http.StatusUnauthorized, "Invalid authentication token")
		return
	}
	q := &request{r: r, body: body, now: now, include: commaSet(r.URL.Query().Get("include")), exclude: commaSet(r.URL.Query().Get("exclude"))}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	get, post := r.Method == http.MethodGet, r.Method == http.MethodPost
	n := len(parts)
	at := func(i int) string {
		if i < n {
			return parts[i]
		}
		return ""
	}
	switch {
	case n == 1 && at(0) == "projects" && get:
		s.listProjects(w, q, s.projects)
	case n == 1 && at(0) == "facilities" && get:
		s.listAllFacilities(w, q)
	case n == 1 && at(0) == "events" && get:
		var all []Event
		for _, p := range s.projects {
			all = append(all, p.events...)
		}
		slices.SortStableFunc(all, func(a, b Event) int { return a.CreatedAt.Compare(b.CreatedAt.Time) })
		s.listEvents(w, q, all)
	case n == 1 && at(0) == "capacity" && get:
		s.capacity(w, q)
	case n == 2 && at(0) == "projects" && get:
		if p := s.project(w, at(1)); p != nil {
			writeJSON(w, http.StatusOK, s.renderProject(p))
		}
	case n == 2 && at(0) == "devices" && get:
		if d := s.device(w, at(1)); d != nil {
			writeJSON(w, http.StatusOK, s.renderDevice(d, q))
		}
	case n == 2 && at(0) == "events" && get:
		loc, ok := s.eventByID[at(1)]
		if !ok {
			fail(w, http.StatusNotFound, "Not found")
			return
		}
		writeJSON(w, http.StatusOK, loc.event)
	case n == 2 && at(0) == "virtual-networks" && get:
		v, ok := s.vnets[at(1)]
		if !ok {
			fail(w, http.StatusNotFound, "Not found")
			return
		}
		writeJSON(w, http.StatusOK, s.renderVNet(v))
	case n == 3 && at(0) == "bgp" && at(1) == "sessions" && get:
		ss, ok := s.sessions[at(2)]
		if !ok || ss.device.gone {
			fail(w, http.StatusNotFound, "Not found")
			return
		}
		writeJSON(w, http.StatusOK, s.renderSession(ss))
	case n == 3 && at(0) == "organizations" && get:
		if at(1) != s.orgID {
			fail(w, http.StatusNotFound, "Not found")
			return
		}
		switch at(2) {
		case "projects":
			s.listProjects(w, q, s.projects)
		case "devices":
			var ds []*simDevice
			for _, p := range s.projects {
				ds = append(ds, p.devices...)
			}
			s.listDevices(w, q, ds)
		default:
			fail(w, http.StatusNotFound, "Not found")
		}
	case at(0) == "projects" && n >= 3 && get:
		p := s.project(w, at(1))
		if p == nil {
			return
		}
		switch strings.Join(parts[2:], "/") {
		case "devices":
			s.listDevices(w, q, p.devices)
		case "facilities":
			s.listProjectFacilities(w, q, p)
		case "bgp-config":
			if p.bgp == nil {
				fail(w, http.StatusNotFound, "BGP is not enabled for this project")
				return
			}
			writeJSON(w, http.StatusOK, p.bgp)
		case "bgp/sessions":
			var out []any
			for _, d := range p.devices {
				if d.gone {
					continue
				}
				for _, ss := range d.sessions {
					out = append(out, s.renderSession(ss))
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"bgp_sessions": nonNil(out)})
		case "events":
			s.listEvents(w, q, p.events)
		case "hardware-reservations":
			s.listReservations(w, q, p)
		case "virtual-networks":
			var out []any
			for _, v := range p.vnets {
				out = append(out, s.renderVNet(v))
			}
			writeJSON(w, http.StatusOK, map[string]any{"virtual_networks": nonNil(out)})
		case "ips":
			var out []any
			for _, b := range p.ips {
				out = append(out, s.renderIPBlock(b, q))
			}
			writeJSON(w, http.StatusOK, map[string]any{"ip_addresses": nonNil(out)})
		default:
			fail(w, http.StatusNotFound, "Not found")
		}
	case at(0) == "devices" && n == 3 && get:
		d := s.device(w, at(1))
		if d == nil {
			return
		}
		switch at(2) {
		case "events":
			var evs []Event
			for _, e := range d.project.events {
				for _, rel := range e.Relationships {
					if rel.Href == d.href() {
						evs = append(evs, e)
						break
					}
				}
			}
			s.listEvents(w, q, evs)
		case "traffic":
			s.traffic(w, q, d)
		case "bandwidth":
			s.bandwidth(w, q, d)
		default:
			fail(w, http.StatusNotFound, "Not found")
		}
	case at(0) == "devices" && n == 4 && at(2) == "bgp" && get:
		d := s.device(w, at(1))
		if d == nil {
			return
		}
		switch at(3) {
		case "sessions":
			var out []any
			for _, ss := range d.sessions {
				out = append(out, s.renderSession(ss))
			}
			writeJSON(w, http.StatusOK, map[string]any{"bgp_sessions": nonNil(out)})
		case "neighbors":
			writeJSON(w, http.StatusOK, s.neighbors(d))
		default:
			fail(w, http.StatusNotFound, "Not found")
		}
	case at(0) == "ports" && n >= 3 && post:
		s.portAction(w, q, at(1), strings.Join(parts[2:], "/"))
	case at(0) == "devices" && n == 3 && at(2) == "actions" && post:
		s.deviceAction(w, q, at(1))
	case at(0) == "hardware-reservations" && n == 3 && at(2) == "move" && post:
		s.moveReservation(w, q, at(1))
	case !get && !post:
		w.Header().Set("Allow", "GET, POST")
		fail(w, http.StatusMethodNotAllowed, "Method not allowed")
	default:
		fail(w, http.StatusNotFound, "Not found")
	}
}

func nonNil(xs []any) []any {
	if xs == nil {
		return []any{}
	}
	return xs
}

func (s *Simulator) project(w http.ResponseWriter, id string) *simProject {
	for _, p := range s.projects {
		if p.id == id {
			return p
		}
	}
	fail(w, http.StatusNotFound, "Not found")
	return nil
}

func (s *Simulator) device(w http.ResponseWriter, id string) *simDevice {
	d, ok := s.devices[id]
	if !ok || d.gone {
		fail(w, http.StatusNotFound, "Not found")
		return nil
	}
	return d
}

// --- paging ---

// pageOf cuts a page out of n items: page and per_page as the API takes
// them (defaults 1 and 10; at most 100,000 and 1,000), meta links
// carrying the rest of the query. ok is false when a 422 was written.
func pageOf(w http.ResponseWriter, q *request, n int) (lo, hi int, meta Meta, ok bool) {
	pageNo, perPage := 1, 10
	if v := q.query("page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 100_000 {
			fail(w, http.StatusUnprocessableEntity, "page must be an integer between 1 and 100000")
			return 0, 0, Meta{}, false
		}
		pageNo = p
	}
	if v := q.query("per_page"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 1000 {
			fail(w, http.StatusUnprocessableEntity, "per_page must be an integer between 1 and 1000")
			return 0, 0, Meta{}, false
		}
		perPage = p
	}
	last := max(1, (n+perPage-1)/perPage)
	link := func(p int) *Href {
		v := url.Values{}
		for k, vs := range q.r.URL.Query() {
			if k != "page" && k != "per_page" {
				v[k] = vs
			}
		}
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(perPage))
		return &Href{Href: q.r.URL.Path + "?" + v.Encode()}
	}
	meta = Meta{First: link(1), Self: link(pageNo), Last: link(last), Total: n}
	if pageNo > 1 {
		meta.Previous = link(min(pageNo-1, last))
	}
	if pageNo < last {
		meta.Next = link(pageNo + 1)
	}
	lo = min((pageNo-1)*perPage, n)
	hi = min(lo+perPage, n)
	return lo, hi, meta, true
}

// --- listings ---

func (s *Simulator) listProjects(w http.ResponseWriter, q *request, ps []*simProject) {
	lo, hi, meta, ok := pageOf(w, q, len(ps))
	if !ok {
		return
	}
	out := []any{}
	for _, p := range ps[lo:hi] {
		out = append(out, s.renderProject(p))
	}
	writeJSON(w, http.StatusOK, map[string]any{"projects": out, "meta": meta})
}

func (s *Simulator) listAllFacilities(w http.ResponseWriter, q *request) {
	out := []any{}
	for _, f := range s.facilities {
		out = append(out, renderFacility(f))
	}
	writeJSON(w, http.StatusOK, map[string]any{"facilities": out})
}

func (s *Simulator) listProjectFacilities(w http.ResponseWriter, q *request, p *simProject) {
	facs := s.projectFacilities(p, slices.Index(s.projects, p))
	lo, hi, _, ok := pageOf(w, q, len(facs))
	if !ok {
		return
	}
	out := []any{}
	for _, f := range facs[lo:hi] {
		out = append(out, renderFacility(f))
	}
	// FacilityList has no meta in the spec, although the listing pages.
	writeJSON(w, http.StatusOK, map[string]any{"facilities": out})
}

func (s *Simulator) listDevices(w http.ResponseWriter, q *request, all []*simDevice) {
	ds := make([]*simDevice, 0, len(all))
	for _, d := range all {
		if !d.gone {
			ds = append(ds, d)
		}
	}
	lo, hi, meta, ok := pageOf(w, q, len(ds))
	if !ok {
		return
	}
	out := make([]any, 0, hi-lo)
	for _, d := range ds[lo:hi] {
		out = append(out, s.renderDevice(d, q))
	}
	writeJSON(w, http.StatusOK, map[string]any{"devices": out, "meta": meta})
}

// listEvents serves a log (oldest first in memory) newest first.
func (s *Simulator) listEvents(w http.ResponseWriter, q *request, evs []Event) {
	lo, hi, meta, ok := pageOf(w, q, len(evs))
	if !ok {
		return
	}
	out := make([]Event, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, evs[len(evs)-1-i])
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out, "meta": meta})
}

func (s *Simulator) listReservations(w http.ResponseWriter, q *request, p *simProject) {
	lo, hi, meta, ok := pageOf(w, q, len(p.reserv))
	if !ok {
		return
	}
	out := []any{}
	for _, hr := range p.reserv[lo:hi] {
		out = append(out, s.renderReservation(hr, q))
	}
	writeJSON(w, http.StatusOK, map[string]any{"hardware_reservations": out, "meta": meta})
}

// --- rendering ---

func (s *Simulator) renderProject(p *simProject) map[string]any {
	m := map[string]any{
		"id": p.id, "name": p.name, "created_at": p.created, "updated_at": p.created.Add(time.Hour),
		"devices": []Href{}, "max_devices": map[string]any{}, "network_status": map[string]any{},
	}
	if p.bgp != nil {
		m["bgp_config"] = Href{Href: "/projects/" + p.id + "/bgp-config"}
	}
	return m
}

func renderFacility(f *simFacility) map[string]any {
	return map[string]any{
		"id": f.id, "code": f.code, "name": f.name,
		"features": []string{"baremetal", "backend_transfer", "layer_2", "global_ipv4"},
		"address": map[string]any{
			"address": f.ibx + " data centre", "city": f.metro.City, "zip_code": "00000", "country": f.metro.Country,
			"coordinates": map[string]any{"latitude": strconv.FormatFloat(f.metro.Lat, 'f', 4, 64), "longitude": strconv.FormatFloat(f.metro.Lon, 'f', 4, 64)},
		},
	}
}

func renderPlan(p *simPlan) map[string]any {
	return map[string]any{
		"id": p.id, "slug": p.slug, "name": p.name, "class": p.slug, "line": "baremetal", "legacy": p.legacy,
		"description": "Simulated " + p.slug,
		"specs": map[string]any{
			"nics":   []map[string]any{{"count": p.nics, "type": p.speed}},
			"memory": map[string]any{"total": "64GB"},
		},
	}
}

// renderDevice embeds the facility, plan and ports when included (links
// otherwise), and drops excluded fields. Without exclude it also sends
// the heavy fields a real listing carries, a root password included.
func (s *Simulator) renderDevice(d *simDevice, q *request) map[string]any {
	m := map[string]any{
		"id": d.id, "short_id": d.short, "hostname": d.hostname, "description": "", "state": d.state,
		"tags": d.tags, "locked": false, "billing_cycle": "hourly",
		"created_at": d.created, "updated_at": d.updated,
		"href":         d.href(),
		"project":      Href{Href: "/projects/" + d.project.id},
		"project_lite": Href{Href: "/projects/" + d.project.id},
		"ip_addresses": nonNilIPs(d.ips), "operating_system": d.os,
		"always_pxe": false, "spot_instance": false,
		"root_password": "simulated-root-password-" + d.short, "userdata": "#cloud-config\n", "customdata": "{}",
		"ssh_keys": []Href{{Href: "/ssh-keys/" + d.short}}, "volumes": []Href{},
		"provisioning_events": []Event{},
	}
	if d.state == DeviceProvisioning || d.state == DeviceQueued || d.state == DeviceReinstalling {
		m["provisioning_percentage"] = d.provisioned
	}
	if d.reservation != nil {
		m["hardware_reservation"] = Href{Href: "/hardware-reservations/" + d.reservation.id}
	}
	if q.include["facility"] {
		m["facility"] = renderFacility(d.fac)
	} else {
		m["facility"] = Href{Href: "/facilities/" + d.fac.id}
	}
	if q.include["plan"] {
		m["plan"] = renderPlan(d.plan)
	} else {
		m["plan"] = Href{Href: "/plans/" + d.plan.id}
	}
	ports := make([]any, 0, len(d.ports))
	for _, pt := range d.ports {
		if q.include["network_ports"] {
			ports = append(ports, s.renderPort(pt, q.include["network_ports.virtual_networks"]))
		} else {
			ports = append(ports, Href{Href: "/ports/" + pt.id})
		}
	}
	m["network_ports"] = ports
	for k := range q.exclude {
		if k != "id" && k != "href" {
			delete(m, k)
		}
	}
	return m
}

func nonNilIPs(ips []IPAssignment) []IPAssignment {
	if ips == nil {
		return []IPAssignment{}
	}
	return ips
}

// renderPort is a port as the API sends it (virtual networks as links,
// or whole when asked).
func (s *Simulator) renderPort(pt *simPort, fullVNets bool) map[string]any {
	m := map[string]any{
		"id": pt.id, "name": pt.name, "href": "/ports/" + pt.id,
		"data": map[string]any{"bonded": pt.bonded || pt.bond, "mac": pt.mac},
	}
	var bond *simPort
	if pt.bond {
		m["type"] = PortTypeBond
		bond = pt
		m["data"] = map[string]any{"bonded": s.networkType(pt) != NetworkLayer2Individual}
	} else {
		m["type"] = PortTypePhysical
		for _, x := range pt.device.ports {
			if x.bond && x.name == pt.bondName {
				bond = x
			}
		}
		if bond != nil {
			m["bond"] = map[string]any{"id": bond.id, "name": bond.name}
		}
	}
	if bond != nil {
		m["network_type"] = s.networkType(bond)
	}
	vns := make([]any, 0, len(pt.vnets))
	for _, v := range pt.vnets {
		if fullVNets {
			vns = append(vns, s.renderVNet(v))
		} else {
			vns = append(vns, Href{Href: "/virtual-networks/" + v.id})
		}
	}
	m["virtual_networks"] = vns
	return m
}

func (s *Simulator) renderVNet(v *simVNet) map[string]any {
	var instances []Href
	for _, d := range v.project.devices {
		if d.gone {
			continue
		}
		for _, pt := range d.ports {
			if slices.Contains(pt.vnets, v) {
				instances = append(instances, Href{Href: d.href()})
				break
			}
		}
	}
	if instances == nil {
		instances = []Href{}
	}
	return map[string]any{
		"id": v.id, "description": v.description, "vxlan": v.vxlan, "href": "/virtual-networks/" + v.id,
		"facility":    Href{Href: "/facilities/" + v.fac.id},
		"assigned_to": Href{Href: "/projects/" + v.project.id},
		"instances":   instances,
	}
}

func (s *Simulator) renderSession(ss *simSession) map[string]any {
	routes := ss.routes
	if routes == nil {
		routes = []string{}
	}
	return map[string]any{
		"id": ss.id, "status": ss.status, "address_family": ss.af, "learned_routes": routes,
		"default_route": ss.defaultRoute, "device": Href{Href: ss.device.href()}, "href": "/bgp/sessions/" + ss.id,
	}
}

func (s *Simulator) neighbors(d *simDevice) map[string]any {
	var out []map[string]any
	for _, ss := range d.sessions {
		n := map[string]any{"customer_as": d.project.bgp.ASN, "peer_as": 65530, "md5_enabled": false, "multihop": d.project.bgp.DeploymentType == "global"}
		if ss.af == "ipv4" {
			n["address_family"] = 4
			n["peer_ips"] = []string{"169.254.255.1", "169.254.255.2"}
			for _, ip := range d.ips {
				if ip.AddressFamily == 4 && !ip.Public {
					n["customer_ip"] = ip.Address
				}
			}
		} else {
			n["address_family"] = 6
			n["peer_ips"] = []string{"fc00::e", "fc00::f"}
		}
		out = append(out, n)
	}
	if out == nil {
		out = []map[string]any{}
	}
	return map[string]any{"bgp_neighbors": out}
}

func (s *Simulator) renderReservation(hr *simReservation, q *request) map[string]any {
	m := map[string]any{
		"id": hr.id, "short_id": hr.short, "created_at": hr.created, "href": "/hardware-reservations/" + hr.id,
		"project": map[string]any{"id": hr.project.id, "name": hr.project.name},
	}
	if q.include["facility"] {
		m["facility"] = renderFacility(hr.fac)
	} else {
		m["facility"] = Href{Href: "/facilities/" + hr.fac.id}
	}
	if q.include["plan"] {
		m["plan"] = renderPlan(hr.plan)
	} else {
		m["plan"] = Href{Href: "/plans/" + hr.plan.id}
	}
	if hr.device != nil && !hr.device.gone {
		if q.include["device"] {
			m["device"] = map[string]any{"id": hr.device.id, "hostname": hr.device.hostname, "state": hr.device.state, "href": hr.device.href()}
		} else {
			m["device"] = Href{Href: hr.device.href()}
		}
	}
	return m
}

func (s *Simulator) renderIPBlock(b *simIPBlock, q *request) map[string]any {
	r := b.res
	m := map[string]any{
		"id": r.ID, "address_family": r.AddressFamily, "cidr": r.CIDR, "network": r.Network, "netmask": r.Netmask,
		"public": r.Public, "management": r.Management, "state": r.State, "created_at": r.CreatedAt,
		"href": "/ips/" + r.ID, "tags": []string{}, "addon": false, "bill": false, "enabled": true, "manageable": true,
	}
	if q.include["facility"] {
		m["facility"] = renderFacility(b.fac)
	} else {
		m["facility"] = map[string]any{"href": "/facilities/" + b.fac.id}
	}
	return m
}

// capacity reports a level per facility and plan (a pure function of the
// seed and the hour, so it changes slowly).
func (s *Simulator) capacity(w http.ResponseWriter, q *request) {
	out := map[string]any{}
	hour := strconv.FormatInt(q.now.Unix()/3600, 10)
	for _, f := range s.facilities {
		plans := map[string]any{}
		for _, p := range s.plans {
			h := s.world.Hash("packet", "capacity", f.code, p.slug, hour)
			level := "normal"
			switch {
			case h%10 == 0:
				level = "unavailable"
			case h%10 < 3:
				level = "limited"
			}
			plans[p.slug] = map[string]any{"level": level}
		}
		out[f.code] = plans
	}
	writeJSON(w, http.StatusOK, map[string]any{"capacity": out})
}
