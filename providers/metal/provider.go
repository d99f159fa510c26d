package metal

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Provider is one configured Equinix Metal account (a token, optionally
// scoped to an organization and/or project). It implements model.Provider,
// ConnectionSource, ConnectionReader, InventorySource, ActionPlanner,
// ActionPreparer, ActionRunner and EventSource.
type Provider struct {
	name   string
	client *Client

	mu   sync.Mutex
	ix   *index              // the last full read, for planning (no I/O in Plan) and events
	vrfs map[string]vrfCache // VRF names by id
}

var (
	_ model.Provider         = (*Provider)(nil)
	_ model.ConnectionSource = (*Provider)(nil)
	_ model.ConnectionReader = (*Provider)(nil)
	_ model.InventorySource  = (*Provider)(nil)
	_ model.ActionPlanner    = (*Provider)(nil)
	_ model.ActionPreparer   = (*Provider)(nil)
	_ model.ActionRunner     = (*Provider)(nil)
	_ model.EventSource      = (*Provider)(nil)
)

type vrfCache struct {
	v  Vrf
	at time.Time
}

// vrfTTL is how long a VRF's name is reused before it is read again.
const vrfTTL = 10 * time.Minute

// New returns the provider named name (the config label) for the API at
// baseURL ("https://api.equinix.com/metal/v1"), authenticated with token.
// Scope it with WithOrganization / WithProject.
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
	for what, id := range map[string]string{"organization_id": c.cfg.orgID, "project_id": c.cfg.projectID} {
		if id != "" && !validID.MatchString(id) {
			return nil, errorf("%s %q is not a Metal UUID", what, truncate(id, 60))
		}
	}
	return &Provider{name: name, client: c, vrfs: map[string]vrfCache{}}, nil
}

// Name is the instance label.
func (p *Provider) Name() string { return p.name }

// Kind is "metal".
func (p *Provider) Kind() string { return Kind }

// Client exposes the underlying API client.
func (p *Provider) Client() *Client { return p.client }

// --- the index: one consistent read of everything in scope ---

type index struct {
	at       time.Time
	orgs     map[string]Organization
	projects map[string]Project
	conns    []*connEntry
	connByID map[string]*connEntry
	vcByID   map[string]*vcEntry
	portConn map[string]*connEntry // port id -> its interconnection
	vrfNames map[string]string     // VRF id -> name
}

type connEntry struct {
	ic        Interconnection
	ports     []InterconnectionPort
	vcs       []VirtualCircuit
	orgID     string
	projectID string
}

type vcEntry struct {
	vc   VirtualCircuit
	conn *connEntry
}

func newIndex(at time.Time) *index {
	return &index{
		at: at, orgs: map[string]Organization{}, projects: map[string]Project{},
		connByID: map[string]*connEntry{}, vcByID: map[string]*vcEntry{}, portConn: map[string]*connEntry{},
		vrfNames: map[string]string{},
	}
}

// addConn puts an interconnection (with its ports and VCs) into the index.
func (ix *index) addConn(e *connEntry) {
	if old, ok := ix.connByID[e.ic.ID]; ok {
		*old = *e
		e = old
	} else {
		ix.conns = append(ix.conns, e)
		ix.connByID[e.ic.ID] = e
	}
	for _, pt := range e.ports {
		if pt.ID != "" {
			ix.portConn[pt.ID] = e
		}
	}
	for _, vc := range e.vcs {
		if id := vc.ID(); id != "" {
			ix.vcByID[id] = &vcEntry{vc: vc, conn: e}
		}
	}
}

func (ix *index) orgName(id string) string {
	if o, ok := ix.orgs[id]; ok && o.Name != "" {
		return o.Name
	}
	return id
}

func (ix *index) projectName(id string) string {
	if pr, ok := ix.projects[id]; ok && pr.Name != "" {
		return pr.Name
	}
	return id
}

// portOf is the port a VC sits on, as its interconnection lists it.
func (e *connEntry) portOf(vc VirtualCircuit) InterconnectionPort {
	ref := vc.Port()
	id := portID(ref)
	for _, pt := range e.ports {
		if pt.ID == id && id != "" {
			return pt
		}
	}
	if id == "" && len(e.ports) == 1 {
		return e.ports[0]
	}
	if ref != nil {
		out := *ref
		out.ID = id
		out.VirtualCircuits = nil
		return out
	}
	return InterconnectionPort{}
}

// vcContext gathers what vcRow needs from the index.
func vcContextOf(ix *index, e *connEntry, vc VirtualCircuit) vcContext {
	ctx := vcContext{
		conn: e.ic, connID: e.ic.ID, shared: e.ic.Type != TypeDedicated,
		metro: metroCode(e.ic.Metro), port: e.portOf(vc),
		org: ix.orgName(e.orgID),
	}
	ctx.projectID = firstNonEmpty(projectID(vc.Project()), e.projectID)
	if ctx.projectID != "" {
		ctx.project = ix.projectName(ctx.projectID)
	}
	if v := vc.Vrf; v != nil {
		ctx.vrfName = firstNonEmpty(v.Vrf.nameOrEmpty(), ix.vrfNames[vrfID(v.Vrf)])
	}
	return ctx
}

func (v *Vrf) nameOrEmpty() string {
	if v == nil {
		return ""
	}
	return v.Name
}

// rows turns the index into connection rows: each interconnection
// followed by its virtual circuits.
func (p *Provider) rows(ix *index) []model.Connection {
	n := len(ix.conns)
	for _, e := range ix.conns {
		n += len(e.vcs)
	}
	out := make([]model.Connection, 0, n)
	for _, e := range ix.conns {
		out = append(out, p.connRow(ix, e))
		for _, vc := range e.vcs {
			if vc.ID() == "" {
				continue
			}
			out = append(out, vcRow(p.name, vc, vcContextOf(ix, e, vc)))
		}
	}
	return out
}

func (p *Provider) connRow(ix *index, e *connEntry) model.Connection {
	project := ""
	if e.projectID != "" {
		project = ix.projectName(e.projectID)
	}
	return interconnectionRow(p.name, e.ic, e.ports, ix.orgName(e.orgID), project)
}

// --- reading ---

// scopeListing is one interconnection listing to run.
type scopeListing struct {
	org, project string
}

// load reads everything in scope: organizations and projects (for names
// and, without a configured scope, to know what to list), their
// interconnections (paged), each interconnection's virtual circuits (and
// ports, when the listing did not embed them), and the names of the VRFs
// the VCs use. Progress counts requests. Listings that came back
// incomplete (items without a usable id, a listing cut short by a bound)
// do not fail the load: what they read is used, and the losses come back
// merged into one *model.Incomplete with the index.
func (p *Provider) load(ctx context.Context, prog *model.Progress) (*index, error) {
	cfg := p.client.cfg
	ix := newIndex(cfg.Clock())
	var lost model.Losses

	var (
		orgs            []Organization
		projects        []Project
		orgErr, projErr error
		wg              sync.WaitGroup
		scoped          = cfg.orgID != "" || cfg.projectID != ""
	)
	// Organizations and projects are read in every mode, for their names;
	// without a configured scope they also say what to list, and then a
	// failure is fatal.
	prog.SetTotal(2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		projects, projErr = p.client.ListProjects(ctx)
		prog.Add(1)
	}()
	orgs, orgErr = p.client.ListOrganizations(ctx)
	prog.Add(1)
	wg.Wait()
	for _, err := range []error{orgErr, projErr} {
		switch err = lost.Keep(err); {
		case err == nil:
		case !scoped || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return nil, err
		default:
			// A scoped token may not list them; names fall back to ids.
			cfg.Logger.Warn("metal: listing organizations or projects failed; showing ids", "provider", p.name, "err", model.ErrorSummary(err))
		}
	}
	for _, o := range orgs {
		if o.ID != "" {
			ix.orgs[o.ID] = o
		}
	}
	for _, pr := range projects {
		if pr.ID == "" {
			continue
		}
		ix.projects[pr.ID] = pr
		if oid := orgID(pr.Organization); oid != "" {
			if _, ok := ix.orgs[oid]; !ok && pr.Organization.Name != "" {
				ix.orgs[oid] = *pr.Organization
			}
		}
	}

	var listings []scopeListing
	switch {
	case cfg.orgID != "":
		listings = []scopeListing{{org: cfg.orgID, project: cfg.projectID}}
	case cfg.projectID != "":
		listings = []scopeListing{{project: cfg.projectID}}
	default:
		// Every organization and project listed has a usable id (the
		// listings count the others as lost).
		for _, o := range orgs {
			listings = append(listings, scopeListing{org: o.ID})
		}
		// Projects whose organization the token cannot list (project
		// membership only) are read project by project.
		for _, pr := range projects {
			if oid := orgID(pr.Organization); oid == "" || !hasOrg(orgs, oid) {
				listings = append(listings, scopeListing{project: pr.ID})
			}
		}
	}
	done, _ := prog.Load()
	prog.SetTotal(done + len(listings)) // at least a page per listing
	results := make([][]Interconnection, len(listings))
	err := forEach(ctx, len(listings), cfg.concurrency, func(ctx context.Context, i int) error {
		l := listings[i]
		var err error
		if l.org != "" {
			results[i], err = p.client.ListOrganizationInterconnections(ctx, l.org, l.project, prog)
		} else {
			results[i], err = p.client.ListProjectInterconnections(ctx, l.project, prog)
		}
		return lost.Keep(err)
	})
	if err != nil {
		return nil, err
	}

	var entries []*connEntry
	seen := map[string]bool{}
	for i, list := range results {
		for _, ic := range list {
			if seen[ic.ID] {
				continue // listed twice (moved between pages, or under two scopes)
			}
			seen[ic.ID] = true
			e := &connEntry{ic: ic, orgID: firstNonEmpty(orgID(ic.Organization), listings[i].org), projectID: projectID(ic.Project)}
			if e.orgID == "" && e.projectID != "" {
				if pr, ok := ix.projects[e.projectID]; ok {
					e.orgID = orgID(pr.Organization)
				}
			}
			entries = append(entries, e)
		}
	}
	done, _ = prog.Load()
	prog.SetTotal(done + len(entries))
	gone := make([]bool, len(entries))
	err = forEach(ctx, len(entries), cfg.concurrency, func(ctx context.Context, i int) error {
		e := entries[i]
		ports, err := p.portsOf(ctx, e.ic)
		if err == nil {
			e.ports = ports
			e.vcs, err = p.client.ListInterconnectionVirtualCircuits(ctx, e.ic.ID)
		}
		prog.Add(1)
		if errors.Is(err, model.ErrNotFound) {
			gone[i] = true // deleted since the listing
			return nil
		}
		return lost.Keep(err)
	})
	if err != nil {
		return nil, err
	}
	for i, e := range entries {
		if !gone[i] {
			ix.addConn(e)
		}
	}
	p.loadVrfNames(ctx, ix)
	return ix, lost.Err()
}

func hasOrg(orgs []Organization, id string) bool {
	for _, o := range orgs {
		if o.ID == id {
			return true
		}
	}
	return false
}

// portsOf returns the interconnection's ports: those embedded in the
// listing when they carry ids, else read from /connections/{id}/ports.
func (p *Provider) portsOf(ctx context.Context, ic Interconnection) ([]InterconnectionPort, error) {
	complete := len(ic.Ports) > 0
	for _, pt := range ic.Ports {
		if portID(&pt) == "" {
			complete = false
		}
	}
	if !complete {
		return p.client.ListInterconnectionPorts(ctx, ic.ID)
	}
	out := make([]InterconnectionPort, len(ic.Ports))
	for i, pt := range ic.Ports {
		pt.ID = portID(&pt)
		out[i] = pt
	}
	return out, nil
}

// loadVrfNames reads the VRFs VRF circuits refer to by reference only
// (cached; a failure keeps the id as the name).
func (p *Provider) loadVrfNames(ctx context.Context, ix *index) {
	now := p.client.cfg.Clock()
	var want []string
	p.mu.Lock()
	seen := map[string]bool{}
	for _, e := range ix.vcByID {
		v := e.vc.Vrf
		if v == nil || v.Vrf == nil || v.Vrf.Name != "" {
			continue
		}
		id := vrfID(v.Vrf)
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		if c, ok := p.vrfs[id]; ok && now.Sub(c.at) < vrfTTL {
			ix.vrfNames[id] = c.v.Name
			continue
		}
		want = append(want, id)
	}
	p.mu.Unlock()
	sort.Strings(want)
	_ = forEach(ctx, len(want), p.client.cfg.concurrency, func(ctx context.Context, i int) error {
		v, err := p.client.GetVrf(ctx, want[i])
		if err != nil {
			p.client.cfg.Logger.Warn("metal: reading a VRF failed; showing its id", "provider", p.name, "vrf", want[i], "err", model.ErrorSummary(err))
			return nil
		}
		p.mu.Lock()
		p.vrfs[want[i]] = vrfCache{v: v, at: now}
		ix.vrfNames[want[i]] = v.Name
		p.mu.Unlock()
		return nil
	})
}

func (p *Provider) store(ix *index) {
	p.mu.Lock()
	p.ix = ix
	p.mu.Unlock()
}

func (p *Provider) snapshot() *index {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ix
}

// Connections lists every interconnection in scope and its virtual
// circuits, as rows: each interconnection followed by its VCs.
func (p *Provider) Connections(ctx context.Context, prog *model.Progress) ([]model.Connection, error) {
	ix, err := p.load(ctx, prog)
	if ix == nil {
		return nil, err
	}
	rows := p.rows(ix) // before store: once stored, re-reads may change ix
	p.store(ix)
	if err != nil {
		p.client.cfg.Logger.Warn("metal: listing incomplete", "provider", p.name, "err", model.ErrorSummary(err))
	}
	return rows, err // nil, or the *model.Incomplete of what is missing
}

// Connection re-reads one interconnection or virtual circuit by id (ids
// are UUIDs of either; the last listing says which, else both are tried).
func (p *Provider) Connection(ctx context.Context, id string) (model.Connection, error) {
	if !validID.MatchString(id) {
		return model.Connection{}, fmt.Errorf("%w: metal: invalid id %q (want a UUID)", model.ErrNotFound, truncate(id, 60))
	}
	ix := p.snapshot()
	if ix == nil {
		ix = newIndex(p.client.cfg.Clock())
		p.store(ix) // keep what the re-read learns, for Plan
	}
	p.mu.Lock()
	_, isConn := ix.connByID[id]
	_, isVC := ix.vcByID[id]
	p.mu.Unlock()
	if isConn {
		return p.rereadConn(ctx, ix, id)
	}
	row, err := p.rereadVC(ctx, ix, id)
	if err == nil || isVC || !errors.Is(err, model.ErrNotFound) {
		return row, err
	}
	return p.rereadConn(ctx, ix, id)
}

func (p *Provider) rereadConn(ctx context.Context, ix *index, id string) (model.Connection, error) {
	ic, err := p.client.GetInterconnection(ctx, id)
	if err != nil {
		return model.Connection{}, err
	}
	if ic.ID == "" {
		ic.ID = id
	}
	ports, err := p.portsOf(ctx, ic)
	if err != nil {
		return model.Connection{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	e := &connEntry{ic: ic, ports: ports, orgID: orgID(ic.Organization), projectID: projectID(ic.Project)}
	if old, ok := ix.connByID[id]; ok {
		e.vcs = old.vcs
		e.orgID = firstNonEmpty(e.orgID, old.orgID)
	}
	ix.addConn(e)
	return p.connRow(ix, ix.connByID[id]), nil
}

func (p *Provider) rereadVC(ctx context.Context, ix *index, id string) (model.Connection, error) {
	vc, err := p.client.GetVirtualCircuit(ctx, id)
	if err != nil {
		return model.Connection{}, err
	}
	if vc.Vlan == nil && vc.Vrf == nil {
		return model.Connection{}, fmt.Errorf("%w: metal: GET /virtual-circuits/%s: empty answer", model.ErrBadResponse, id)
	}
	connID := ""
	if pt := vc.Port(); pt != nil {
		connID = connOfPortHref(pt.Href)
	}
	p.mu.Lock()
	e := ix.vcByID[id]
	var conn *connEntry
	if e != nil {
		conn = e.conn
	} else if pid := portID(vc.Port()); pid != "" {
		conn = ix.portConn[pid]
	}
	if conn == nil && connID != "" {
		conn = ix.connByID[connID]
	}
	p.mu.Unlock()
	if conn == nil {
		if connID == "" {
			return model.Connection{}, fmt.Errorf("%w: metal: virtual circuit %s names no interconnection port", model.ErrBadResponse, id)
		}
		ic, err := p.client.GetInterconnection(ctx, connID)
		if err != nil {
			return model.Connection{}, err
		}
		ports, err := p.portsOf(ctx, ic)
		if err != nil {
			return model.Connection{}, err
		}
		conn = &connEntry{ic: ic, ports: ports, orgID: orgID(ic.Organization), projectID: projectID(ic.Project)}
		p.mu.Lock()
		ix.addConn(conn)
		p.mu.Unlock()
	}
	p.mu.Lock()
	replaced := false
	for i := range conn.vcs {
		if conn.vcs[i].ID() == id {
			conn.vcs[i], replaced = vc, true
		}
	}
	if !replaced {
		conn.vcs = append(conn.vcs, vc)
	}
	ix.vcByID[id] = &vcEntry{vc: vc, conn: conn}
	defer p.mu.Unlock()
	return vcRow(p.name, vc, vcContextOf(ix, conn, vc)), nil
}

// forEach runs fn(0..n-1) with at most conc in flight; the first error
// cancels the rest and is returned.
func forEach(ctx context.Context, n, conc int, fn func(ctx context.Context, i int) error) error {
	if n == 0 {
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
		sem      = make(chan struct{}, max(1, conc))
	)
	fail := func(err error) {
		once.Do(func() {
			firstErr = err
			cancel()
		})
	}
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if r := recover(); r != nil {
					fail(errorf("internal error while reading (recovered)"))
				}
			}()
			if err := fn(ctx, i); err != nil {
				fail(err)
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
