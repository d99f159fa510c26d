package packet

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Provider is one configured Packet account (a token, optionally scoped
// to one project or one organisation). It implements model.Provider,
// ConnectionSource (BGP sessions and virtual networks), ConnectionReader,
// InventorySource (project > facility > server > port), StatsSource
// (server traffic), ActionPlanner and ActionRunner (port and power
// actions), EventSource and CapacitySource.
type Provider struct {
	name   string
	client *Client

	mu           sync.Mutex
	ix           *index // last full load, for Plan (no I/O) and re-use
	facilities   map[string]Facility
	facilitiesAt time.Time
}

var (
	_ model.Provider         = (*Provider)(nil)
	_ model.ConnectionSource = (*Provider)(nil)
	_ model.ConnectionReader = (*Provider)(nil)
	_ model.InventorySource  = (*Provider)(nil)
	_ model.StatsSource      = (*Provider)(nil)
	_ model.ActionPlanner    = (*Provider)(nil)
	_ model.ActionRunner     = (*Provider)(nil)
	_ model.EventSource      = (*Provider)(nil)
	_ model.CapacitySource   = (*Provider)(nil)
)

const (
	// reuseWindow lets Connections and Inventory, asked one after the
	// other in one refresh, share a load. A mutation drops it.
	reuseWindow = 2 * time.Second
	// facilitiesTTL: the facility table changes rarely.
	facilitiesTTL = time.Hour
)

// New returns the provider named name (the config label) for the API at
// baseURL, authenticated with token.
func New(name, baseURL, token string, opts ...Option) (*Provider, error) {
	if name == "" {
		return nil, errorf("provider name is empty")
	}
	if token == "" {
		return nil, errorf("no API token configured (token_env or token_file)")
	}
	opts = append(append([]Option(nil), opts...), WithToken(token), httpx.WithProvider(name))
	c, err := NewClient(baseURL, opts...)
	if err != nil {
		return nil, err
	}
	return &Provider{name: name, client: c}, nil
}

// Name is the instance label.
func (p *Provider) Name() string { return p.name }

// Kind is "packet".
func (p *Provider) Kind() string { return Kind }

// Client exposes the underlying API client.
func (p *Provider) Client() *Client { return p.client }

func (p *Provider) now() time.Time { return p.client.cfg.Clock() }

// index is one consistent load of everything the provider shows.
type index struct {
	at          time.Time
	projects    []Project // by name
	projByID    map[string]*Project
	devices     map[string]*Device
	devicesOf   map[string][]*Device // project id -> devices by hostname
	ports       map[string]portLoc
	facilities  map[string]Facility // by id
	vnets       map[string][]VirtualNetwork
	vnetByID    map[string]VirtualNetwork
	vnetProject map[string]string
	portsOnVLAN map[string]int // virtual network id -> ports carrying it
	bgp         map[string]BGPConfig
	sessions    map[string][]BGPSession // by project
	sessionsOf  map[string][]BGPSession // by device
	reserv      map[string][]HardwareReservation
	ips         map[string][]IPReservation
	// errs holds what failed per resource ("vnets/<project>"); consumers
	// decide whether that fails them or shows as a broken part.
	errs map[string]error
	// lost is what the listings of this load could not read (a
	// *model.Incomplete: items without an id, a listing cut short), nil
	// when nothing; it goes with every use of the load.
	lost error
}

type portLoc struct {
	device *Device
	port   *Port
}

func newIndex() *index {
	return &index{
		projByID: map[string]*Project{}, devices: map[string]*Device{}, devicesOf: map[string][]*Device{},
		ports: map[string]portLoc{}, facilities: map[string]Facility{},
		vnets: map[string][]VirtualNetwork{}, vnetByID: map[string]VirtualNetwork{}, vnetProject: map[string]string{},
		portsOnVLAN: map[string]int{}, bgp: map[string]BGPConfig{},
		sessions: map[string][]BGPSession{}, sessionsOf: map[string][]BGPSession{},
		reserv: map[string][]HardwareReservation{}, ips: map[string][]IPReservation{}, errs: map[string]error{},
	}
}

func (ix *index) projectName(id string) string {
	if pr, ok := ix.projByID[id]; ok && pr.Name != "" {
		return pr.Name
	}
	return id
}

func (ix *index) facilityCodeByID(id string) string {
	if f, ok := ix.facilities[id]; ok && f.Code != "" {
		return f.Code
	}
	return id
}

// vlanOf is the VLAN number of a virtual network (0 when unknown).
func (ix *index) vlanOf(v VirtualNetwork) int {
	if v.VXLAN > 0 {
		return v.VXLAN
	}
	return ix.vnetByID[v.VirtualNetworkID()].VXLAN
}

// firstErr is the first error among the given resources.
func (ix *index) firstErr(keys ...string) error {
	for _, k := range keys {
		if err := ix.errs[k]; err != nil {
			return err
		}
	}
	return nil
}

// cached returns the last load when it is recent enough to share.
func (p *Provider) cached() *index {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ix != nil && p.now().Sub(p.ix.at) < reuseWindow && p.now().Sub(p.ix.at) >= 0 {
		return p.ix
	}
	return nil
}

// last returns the last load (nil before the first).
func (p *Provider) last() *index {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ix
}

// forget drops the shared load (after a mutation the next read is fresh).
func (p *Provider) forget() {
	p.mu.Lock()
	if p.ix != nil {
		p.ix.at = time.Time{}
	}
	p.mu.Unlock()
}

type task func(ctx context.Context) error

// runAll runs tasks with bounded concurrency; the first error cancels the
// rest and is returned. Each finished task counts one unit of progress.
func (p *Provider) runAll(ctx context.Context, prog *model.Progress, tasks []task) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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

// load reads projects and devices (any failure fails the load), then per
// project its BGP configuration and sessions, virtual networks, hardware
// reservations and IP reservations (failures recorded per resource). A
// listing that came back incomplete fails nothing: what it read is used
// and the losses, merged, come back as a *model.Incomplete with the index
// (ix.lost, so a reuse of the load says it too).
func (p *Provider) load(ctx context.Context, prog *model.Progress) (*index, error) {
	if ix := p.cached(); ix != nil {
		return ix, ix.lost
	}
	c, cfg := p.client, p.client.cfg
	ix := newIndex()
	for id, f := range p.facilityTable(ctx) {
		ix.facilities[id] = f
	}
	var lost model.Losses

	projects, err := p.scopeProjects(ctx)
	if err = lost.Keep(err); err != nil {
		return nil, err
	}
	slices.SortFunc(projects, func(a, b Project) int { return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID)) })
	ix.projects = projects
	for i := range ix.projects {
		ix.projByID[ix.projects[i].ID] = &ix.projects[i]
	}
	var mu sync.Mutex
	var devices []Device
	var tasks []task
	if cfg.orgID != "" && cfg.projectID == "" {
		tasks = append(tasks, func(ctx context.Context) error {
			ds, err := c.ListOrganizationDevices(ctx, cfg.orgID, nil)
			mu.Lock()
			devices = append(devices, ds...)
			mu.Unlock()
			return lost.Keep(err)
		})
	} else {
		for _, pr := range projects {
			tasks = append(tasks, func(ctx context.Context) error {
				ds, err := c.ListProjectDevices(ctx, pr.ID, nil)
				for i := range ds {
					if ds[i].ProjectID() == "" {
						ds[i].Project = &Href{Href: "/projects/" + pr.ID}
					}
				}
				mu.Lock()
				devices = append(devices, ds...)
				mu.Unlock()
				return lost.Keep(err)
			})
		}
	}
	record := func(key string, err error) {
		if err = lost.Keep(err); err != nil {
			mu.Lock()
			ix.errs[key] = err
			mu.Unlock()
		}
	}
	for _, pr := range projects {
		id := pr.ID
		tasks = append(tasks,
			func(ctx context.Context) error {
				bc, ok, err := c.GetBGPConfig(ctx, id)
				if err != nil || !ok {
					record("bgp/"+id, err)
					return nil
				}
				ss, err := c.ListProjectBGPSessions(ctx, id)
				mu.Lock()
				ix.bgp[id], ix.sessions[id] = bc, ss
				mu.Unlock()
				record("sessions/"+id, err)
				return nil
			},
			func(ctx context.Context) error {
				vs, err := c.ListVirtualNetworks(ctx, id)
				mu.Lock()
				ix.vnets[id] = vs
				mu.Unlock()
				record("vnets/"+id, err)
				return nil
			},
			func(ctx context.Context) error {
				hs, err := c.ListHardwareReservations(ctx, id)
				mu.Lock()
				ix.reserv[id] = hs
				mu.Unlock()
				record("reservations/"+id, err)
				return nil
			},
			func(ctx context.Context) error {
				is, err := c.ListIPReservations(ctx, id)
				mu.Lock()
				ix.ips[id] = is
				mu.Unlock()
				record("ips/"+id, err)
				return nil
			},
		)
	}
	prog.SetTotal(len(tasks))
	if err := p.runAll(ctx, prog, tasks); err != nil {
		return nil, err
	}
	ix.addDevices(devices, cfg.projectID)
	ix.addNetworks()
	ix.at = p.now()
	ix.lost = lost.Err()
	p.mu.Lock()
	p.ix = ix
	p.mu.Unlock()
	if ix.lost != nil {
		cfg.Logger.Warn("packet: listing incomplete", "provider", p.name, "err", model.ErrorSummary(ix.lost))
	}
	return ix, ix.lost
}

// scopeProjects lists the projects in scope: the configured project, the
// configured organisation's projects, or every project the token sees.
func (p *Provider) scopeProjects(ctx context.Context) ([]Project, error) {
	c, cfg := p.client, p.client.cfg
	switch {
	case cfg.projectID != "":
		pr, err := c.GetProject(ctx, cfg.projectID)
		if err != nil {
			return nil, err
		}
		if pr.ID == "" {
			pr.ID = cfg.projectID
		}
		return []Project{pr}, nil
	case cfg.orgID != "":
		return c.ListOrganizationProjects(ctx, cfg.orgID, nil)
	}
	return c.ListProjects(ctx, nil)
}

// facilityTable is the global facility list, read at most once an hour;
// a failure keeps the previous table (it only names facilities).
func (p *Provider) facilityTable(ctx context.Context) map[string]Facility {
	p.mu.Lock()
	fresh := p.facilities != nil && p.now().Sub(p.facilitiesAt) < facilitiesTTL
	table := p.facilities
	p.mu.Unlock()
	if fresh {
		return table
	}
	fs, err := p.client.ListFacilities(ctx)
	var partial *model.Incomplete
	switch {
	case errors.As(err, &partial):
		// The table only names facilities: the ones read are better than
		// none (the others show by id).
		p.client.cfg.Logger.Warn("packet: facility listing incomplete; using the facilities read", "provider", p.name, "err", model.ErrorSummary(err))
	case err != nil:
		p.client.cfg.Logger.Warn("packet: listing facilities failed; keeping the previous table", "provider", p.name, "err", model.ErrorSummary(err))
		return table
	}
	table = make(map[string]Facility, len(fs))
	for _, f := range fs {
		if f.ID != "" {
			table[f.ID] = f
		}
	}
	p.mu.Lock()
	p.facilities, p.facilitiesAt = table, p.now()
	p.mu.Unlock()
	return table
}

// addDevices files devices by project (only projects in scope) and ports
// by id. A device of a project the project listing did not show (created
// meanwhile, or without a project link) gets a project entry of its own
// rather than disappearing.
func (ix *index) addDevices(ds []Device, onlyProject string) {
	var extra []string
	for i := range ds {
		d := &ds[i]
		pid := d.ProjectID()
		if onlyProject != "" && pid != onlyProject {
			continue
		}
		if d.ID != "" {
			if _, dup := ix.devices[d.ID]; dup {
				continue
			}
			ix.devices[d.ID] = d
		}
		if _, ok := ix.projByID[pid]; !ok && !slices.Contains(extra, pid) {
			extra = append(extra, pid)
		}
		ix.devicesOf[pid] = append(ix.devicesOf[pid], d)
		if f := d.Facility; f != nil && f.ID != "" && f.Code != "" {
			ix.facilities[f.ID] = *f
		}
		for j := range d.NetworkPorts {
			if id := d.NetworkPorts[j].ID; id != "" {
				ix.ports[id] = portLoc{device: d, port: &d.NetworkPorts[j]}
			}
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		for _, pid := range extra {
			ix.projects = append(ix.projects, Project{ID: pid, Name: firstNonEmpty(pid, "(no project)")})
		}
		ix.projByID = make(map[string]*Project, len(ix.projects))
		for j := range ix.projects {
			ix.projByID[ix.projects[j].ID] = &ix.projects[j]
		}
	}
	for pid := range ix.devicesOf {
		slices.SortFunc(ix.devicesOf[pid], func(a, b *Device) int {
			return cmp.Or(strings.Compare(a.Hostname, b.Hostname), strings.Compare(a.ID, b.ID))
		})
	}
}

// addNetworks indexes virtual networks and sessions and counts ports per
// VLAN.
func (ix *index) addNetworks() {
	ix.portsOnVLAN, ix.sessionsOf = map[string]int{}, map[string][]BGPSession{}
	for pid, vs := range ix.vnets {
		for _, v := range vs {
			id := v.VirtualNetworkID()
			ix.vnetByID[id] = v
			ix.vnetProject[id] = pid
		}
	}
	for _, loc := range ix.ports {
		for _, v := range loc.port.VirtualNetworks {
			ix.portsOnVLAN[v.VirtualNetworkID()]++
		}
	}
	for _, ss := range ix.sessions {
		for _, s := range ss {
			ix.sessionsOf[s.Device.ID()] = append(ix.sessionsOf[s.Device.ID()], s)
		}
	}
}

// Connections lists every BGP session and virtual network in scope. A
// project whose sessions or networks could not be read fails the listing:
// a missing session row would look like a session that is fine.
func (p *Provider) Connections(ctx context.Context, prog *model.Progress) ([]model.Connection, error) {
	ix, lost := p.load(ctx, prog)
	if ix == nil {
		return nil, lost
	}
	var out []model.Connection
	for _, pr := range ix.projects {
		if err := ix.firstErr("bgp/"+pr.ID, "sessions/"+pr.ID, "vnets/"+pr.ID); err != nil {
			return nil, err
		}
		for _, s := range ix.sessions[pr.ID] {
			out = append(out, sessionToModel(p.name, s, ix))
		}
		for _, v := range ix.vnets[pr.ID] {
			out = append(out, vnetToModel(p.name, pr.ID, v, ix))
		}
	}
	slices.SortFunc(out, func(a, b model.Connection) int { return strings.Compare(a.ID, b.ID) })
	return out, lost // nil, or the *model.Incomplete of what is missing
}

// Connection re-reads one BGP session (GET /bgp/sessions/{id}) or virtual
// network (GET /virtual-networks/{id}).
func (p *Provider) Connection(ctx context.Context, id string) (model.Connection, error) {
	kind, uuid, ok := parseConnectionID(id)
	if !ok {
		return model.Connection{}, fmt.Errorf("%w: packet: %q is not a BGP session or virtual network id", model.ErrNotFound, truncate(id, 60))
	}
	ix := p.last()
	if ix == nil {
		ix = newIndex()
	}
	switch kind {
	case bgpPrefix:
		s, err := p.client.GetBGPSession(ctx, uuid)
		if err != nil {
			return model.Connection{}, err
		}
		if _, known := ix.devices[s.Device.ID()]; !known && s.Device.ID() != "" {
			if d, err := p.client.GetDevice(ctx, s.Device.ID()); err == nil {
				ix = ix.withDevice(d)
			}
		}
		return sessionToModel(p.name, s, ix), nil
	default:
		var v VirtualNetwork
		path, err := objPath("/virtual-networks/", uuid, "")
		if err != nil {
			return model.Connection{}, err
		}
		if err := p.client.get(ctx, path, nil, &v); err != nil {
			return model.Connection{}, err
		}
		return vnetToModel(p.name, ix.vnetProject[uuid], v, ix), nil
	}
}

// withDevice is a shallow copy of ix that also knows d.
func (ix *index) withDevice(d Device) *index {
	cp := *ix
	cp.devices = make(map[string]*Device, len(ix.devices)+1)
	for k, v := range ix.devices {
		cp.devices[k] = v
	}
	cp.devices[d.ID] = &d
	return &cp
}

// Events lists the newest events (at most the configured bound) about
// one object, newest first: a device ("device"), a project ("project"),
// the device of a port or BGP session; the zero Ref lists the events of
// the projects in scope (GET /events when unscoped).
func (p *Provider) Events(ctx context.Context, about model.Ref) ([]model.Event, error) {
	c := p.client
	var (
		evs []Event
		err error
	)
	switch about.Type {
	case "device", "server":
		evs, err = c.ListDeviceEvents(ctx, about.ID, 0)
	case "project":
		evs, err = c.ListProjectEvents(ctx, about.ID, 0)
	case "port":
		dev, ok := p.deviceOfPort(about.ID)
		if !ok {
			return nil, errorf("port %q is not loaded: refresh the inventory first", truncate(about.ID, 60))
		}
		evs, err = c.ListDeviceEvents(ctx, dev, 0)
	case "":
		if about.ID != "" {
			return nil, errorf("an event query needs the object's type")
		}
		evs, err = p.scopeEvents(ctx)
	default:
		return nil, fmt.Errorf("%w: packet: events of a %s", model.ErrUnsupported, safe(about.Type))
	}
	var partial *model.Incomplete
	if err != nil && !errors.As(err, &partial) {
		return nil, err
	}
	out := make([]model.Event, 0, len(evs))
	for _, e := range evs {
		out = append(out, eventToModel(p.name, e))
	}
	slices.SortStableFunc(out, func(a, b model.Event) int { return b.At.Compare(a.At) })
	return out, err // nil, or the *model.Incomplete of what is missing
}

func (p *Provider) deviceOfPort(portID string) (string, bool) {
	ix := p.last()
	if ix == nil {
		return "", false
	}
	loc, ok := ix.ports[portID]
	if !ok {
		return "", false
	}
	return loc.device.ID, true
}

// scopeEvents reads the events of every project in scope, merged.
func (p *Provider) scopeEvents(ctx context.Context) ([]Event, error) {
	c, cfg := p.client, p.client.cfg
	if cfg.projectID == "" && cfg.orgID == "" {
		return c.ListEvents(ctx, 0)
	}
	var lost model.Losses
	projects, err := p.scopeProjects(ctx)
	if err = lost.Keep(err); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	var all []Event
	var tasks []task
	for _, pr := range projects {
		tasks = append(tasks, func(ctx context.Context) error {
			evs, err := c.ListProjectEvents(ctx, pr.ID, 0)
			mu.Lock()
			all = append(all, evs...)
			mu.Unlock()
			return lost.Keep(err)
		})
	}
	if err := p.runAll(ctx, nil, tasks); err != nil {
		return nil, err
	}
	slices.SortStableFunc(all, func(a, b Event) int { return b.CreatedAt.Compare(a.CreatedAt.Time) })
	if len(all) > cfg.maxEvents {
		all = all[:cfg.maxEvents]
	}
	return all, lost.Err()
}

// Capacity reads the capacity report (facility x plan -> level).
func (p *Provider) Capacity(ctx context.Context) ([]model.Capacity, error) {
	cl, err := p.client.Capacity(ctx)
	if err != nil {
		return nil, err
	}
	return capacityToModel(p.name, cl), nil
}

// errNotLoaded is returned by Plan before the first load.
var errNotLoaded = errors.New("packet: nothing loaded yet: refresh the inventory first")
