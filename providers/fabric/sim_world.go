package fabric

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// The simulated Fabric account: our ports and service profiles, and
// connections to and from other companies of the sim.World. This file
// builds the initial world and holds the state machine; sim.go serves it.

// simPort is one of our ports.
type simPort struct {
	idx   int // in Simulator.ports
	wire  Port
	metro sim.Metro
	vlans *sim.VLANPool // DOT1Q tags or QINQ S-tags in use
}

// simProfile is one of our service profiles (the Z side of incoming SP
// connections).
type simProfile struct {
	uuid, name, typ string
}

// simConn is one connection with the sim's bookkeeping. A connection of
// the initial world is kept as a compact record while it is as generated
// (c nil): it is regenerated from its seed and recorded VLAN outcomes when
// served. The first change pins it (c set for good).
type simConn struct {
	c        *Connection // nil: as generated; Simulator.conn regenerates it
	seq      int         // creation order, for deterministic picks
	uuid     string
	live     bool      // added to the world (changes are indexed)
	vlans    vlanLog   // what the VLAN pools answered while it was generated
	ours     []ourVLAN // ports of ours carrying it, with the tags reserved (for release)
	tagRange [2]int16  // reserved range on the first of ours, if any
	sum      connSum
	// idx holds, for a pinned connection, its entry in each view it is in
	// (views hold pristine connections as generated).
	idx map[*searchView]viewEntry
	// replaying marks a scratch copy being regenerated: the VLAN pools are
	// not touched (vlans is replayed) and nothing of the Simulator changes.
	replaying bool
}

// ourVLAN is one of our ports a connection uses and the tag it holds
// there (0: a range, see simConn.tagRange).
type ourVLAN struct {
	port int16 // index in Simulator.ports
	tag  int16
}

// addOur records that sc uses port p with tag (0: none).
func (sc *simConn) addOur(p *simPort, tag int) {
	sc.ours = append(sc.ours, ourVLAN{port: int16(p.idx), tag: int16(tag)})
}

// vlanLog records the VLAN tags the pools gave a connection while it was
// generated (TakeNear results, TakeRange bounds; 0 for "none free"), in
// order, so regeneration gives the same connection without the pools.
type vlanLog struct {
	v        [4]int16
	n, next  uint8
	overflow bool // more than len(v): the connection stays pinned
}

func (l *vlanLog) record(v int) {
	if int(l.n) == len(l.v) {
		l.overflow = true
		return
	}
	l.v[l.n] = int16(v)
	l.n++
}

func (l *vlanLog) replay() int {
	if l.next >= l.n {
		return 0
	}
	v := l.v[l.next]
	l.next++
	return int(v)
}

// connSum is what the simulator needs of every connection without
// regenerating it: arrivals, the ports listing and the waiting count.
type connSum struct {
	state     string
	bandwidth int64
	waiting   bool // a change waits for our decision
	pickable  bool // incoming, active, settled: an arrival may change it
	outgoing  bool
}

func summarize(c *Connection) connSum {
	p := pendingOf(*c)
	settled := c.Change == nil || c.Change.Status == "COMPLETED" || c.Change.Status == "REJECTED" || c.Change.Status == "FAILED"
	return connSum{
		state: c.State, bandwidth: c.Bandwidth,
		waiting:  p != nil && p.WaitingOnUs,
		pickable: c.Direction == dirIncoming && c.State == "ACTIVE" && settled && p == nil,
		outgoing: c.Direction == dirOutgoing,
	}
}

// phases of the simulated lifecycle.
type phase int

const (
	phActive phase = iota
	phPendingUs
	phPendingRemote
	phProvisioning
	phRejecting
	phRejected
	phUpdatePending
	phDeletePending
	phDeprovisioning
	phDeprovisioned
	phFailed
	phDraft
)

var simBandwidths = []int64{50, 100, 200, 500, 1000, 2000, 5000, 10000}
var simBandwidthWeights = []float64{3, 6, 4, 6, 8, 3, 2, 2}

var purposeWords = []string{"transit", "backup", "cloud", "dr", "core", "edge", "replication", "voice", "peering", "storage"}

func (s *Simulator) build() {
	w := s.world
	s.self = w.Self()
	s.metros = sim.Metros()
	// A redundant pair (primary, secondary) in every metro, as real
	// estates have, so an acceptance can land on either; more pairs with
	// scale.
	nPorts := 2*len(s.metros) + w.Scale()/25
	if nPorts > 4000 {
		nPorts = 4000
	}
	s.shareParts()
	for i := 0; i < nPorts; i++ {
		s.addPort(i, s.metros[(i/2)%len(s.metros)])
	}
	for _, m := range s.metros {
		if len(s.portsByMetro[m.Code]) > 0 {
			s.portMetros = append(s.portMetros, m)
		}
	}
	for i, pn := range []string{"Transit L2", "Cloud Connect", "Backhaul"} {
		r := w.Rand("fabric", "profile", strconv.Itoa(i))
		s.profiles = append(s.profiles, simProfile{uuid: sim.UUID(r), name: "Noctop " + pn, typ: "L2_PROFILE"})
	}
	byUUID := make([]viewEntry, 0, w.Scale())
	byUpdated := make([]viewEntry, 0, w.Scale())
	for i := 0; i < w.Scale(); i++ {
		sc := &simConn{}
		s.generateConn(i, sc)
		s.add(sc)
		// The two views every client reads, from the connection as
		// generated; then it is dropped (regenerated when served).
		byUUID = append(byUUID, viewEntry{sc: sc, key: newSortKey(sc.uuid)})
		byUpdated = append(byUpdated, viewEntry{sc: sc, key: newSortKey(sc.c.ChangeLog.UpdatedDateTime)})
		if !sc.vlans.overflow && !s.cfg.keepGenerated {
			sc.c = nil
		}
	}
	for _, v := range []struct {
		sort    SortCriteria
		entries []viewEntry
	}{{SortCriteria{Property: "/uuid", Direction: "ASC"}, byUUID}, {SortCriteria{Property: "/changeLog/updatedDateTime", Direction: "DESC"}, byUpdated}} {
		sortBy := []SortCriteria{v.sort}
		view := newView(viewKey(nil, sortBy), nil, sortBy)
		view.fixed = true
		view.list = newOrderedList(view.compare, v.entries)
		s.views = append(s.views, view)
	}
	// Generated connections that stayed pinned are indexed like changed
	// ones.
	for _, sc := range s.order {
		if sc.c != nil {
			sc.idx = map[*searchView]viewEntry{}
			for _, v := range s.views {
				e, _ := v.entry(sc, sc.c)
				sc.idx[v] = e
			}
			s.pinned = append(s.pinned, sc)
		}
	}
	t := w.Timing()
	for _, sc := range s.order {
		s.scheduleInitial(sc)
	}
	s.engine.Every(w.Rand("fabric", "arrivals"), t.ArrivalMin, t.ArrivalMax, s.arrive)
}

func (s *Simulator) addPort(i int, m sim.Metro) {
	r := s.world.Rand("fabric", "port", strconv.Itoa(i))
	ibx := sim.Pick(r, m.Facilities)
	speed := sim.Pick(r, []int64{1000, 10000, 10000, 10000, 100000})
	enc := "DOT1Q"
	if sim.Chance(r, 0.2) {
		enc = "QINQ"
	}
	prio := "PRIMARY"
	if i%2 == 1 {
		prio = "SECONDARY"
	}
	encName := map[string]string{"DOT1Q": "Dot1q", "QINQ": "Qinq"}[enc]
	speedName := map[int64]string{1000: "1G", 10000: "10G", 100000: "100G"}[speed]
	uuid := sim.UUID(r)
	name := fmt.Sprintf("%s-%s-NL-%s-STD-%s-%s-JN-%d", s.self.Slug, ibx, encName, prio[:3], speedName, i+1)
	enabled := true
	p := &simPort{
		idx:   len(s.ports),
		metro: m,
		vlans: sim.NewVLANPool(sim.MinVLAN, sim.MaxVLAN),
		wire: Port{
			Href: s.href(PortsPath + "/" + uuid), Type: "XF_PORT", UUID: uuid, Name: name,
			Description:        "to " + sim.InterfaceName(r, speed) + " on " + strings.ToLower(ibx) + "-edge" + strconv.Itoa(1+r.IntN(2)),
			PhysicalPortsSpeed: speed, PhysicalPortsType: map[int64]string{1000: "1000BASE_LX", 10000: "10GBASE_LR", 100000: "100GBASE_LR4"}[speed],
			PhysicalPortsCount: 1, State: "ACTIVE", ServiceCode: "CX",
			Account:       s.selfAccount(),
			Location:      s.location(m),
			Device:        &PortDevice{Name: strings.ToLower(ibx) + "-fab-" + strconv.Itoa(1+r.IntN(4)), Redundancy: &PortDeviceRedundancy{Priority: prio}},
			Redundancy:    &PortRedundancy{Enabled: &enabled, Priority: prio},
			Encapsulation: &PortEncapsulation{Type: enc, TagProtocolID: "0x8100"},
			Package:       &PortPackage{Code: "STANDARD"},
			Operation:     &PortOperation{OperationalStatus: "UP"},
		},
	}
	s.ports = append(s.ports, p)
	s.portByID[uuid] = p
	s.portsByMetro[m.Code] = append(s.portsByMetro[m.Code], p)
}

// sharedParts are the parts every connection of a kind has in common:
// built once and pointed to by every connection (nothing changes them:
// the state machine replaces access points, never edits accounts or
// locations), so generating a connection allocates less.
type sharedParts struct {
	self      *SimplifiedAccount
	companies []sim.Company
	accounts  []*SimplifiedAccount // by company index
	locations map[string]*SimplifiedLocation
	isRemote  [2]*bool // false, true
	project   *Project
	notify    []SimplifiedNotification
}

func (s *Simulator) shareParts() {
	p := &s.shared
	p.self = &SimplifiedAccount{
		AccountNumber: FlexInt(s.self.AccountNumber), OrgID: FlexInt(s.self.OrgID),
		OrganizationName: s.self.Name, GlobalOrgID: s.self.GlobalOrgID,
	}
	for i := range s.world.CompanyCount() {
		c := s.world.Company(i)
		p.companies = append(p.companies, c)
		p.accounts = append(p.accounts, &SimplifiedAccount{
			AccountNumber: FlexInt(c.AccountNumber), OrgID: FlexInt(c.OrgID),
			OrganizationName: c.Name, GlobalOrgID: c.GlobalOrgID,
		})
	}
	p.locations = map[string]*SimplifiedLocation{}
	for _, m := range sim.Metros() {
		p.locations[m.Code] = &SimplifiedLocation{MetroHref: "https://api.equinix.com/fabric/v4/metros/" + m.Code, Region: m.Region, MetroName: m.Name, MetroCode: m.Code}
	}
	f, t := false, true
	p.isRemote = [2]*bool{&f, &t}
	p.project = &Project{ProjectID: "noctop-demo-project"}
	p.notify = []SimplifiedNotification{{Type: "ALL", Emails: []string{"noc@" + s.self.Domain}}}
}

func (s *Simulator) selfAccount() *SimplifiedAccount { return s.shared.self }

// company is company i of the world (cached).
func (s *Simulator) company(i int) sim.Company { return s.shared.companies[i] }

func (s *Simulator) companyAccount(c sim.Company) *SimplifiedAccount {
	return s.shared.accounts[c.Index]
}

func (s *Simulator) location(m sim.Metro) *SimplifiedLocation {
	if l := s.shared.locations[m.Code]; l != nil {
		return l
	}
	return &SimplifiedLocation{MetroHref: "https://api.equinix.com/fabric/v4/metros/" + m.Code, Region: m.Region, MetroName: m.Name, MetroCode: m.Code}
}

func (s *Simulator) remote(v bool) *bool {
	if v {
		return s.shared.isRemote[1]
	}
	return s.shared.isRemote[0]
}

func (s *Simulator) href(path string) string { return "https://api.equinix.com" + path }

// portsIn returns our ports in metro code (all ports if none there).
func (s *Simulator) portsIn(code string) []*simPort {
	if ps := s.portsByMetro[code]; len(ps) > 0 {
		return ps
	}
	return s.ports
}

// generateConn creates connection i of the initial world into sc.
// Everything about it comes from its own random stream, so it does not
// depend on the others (except VLAN tags on shared ports, taken near a
// hash-chosen tag and recorded in sc.vlans). With sc.replaying it
// regenerates the same connection from the recorded tags, changing
// nothing else (safe without the engine's lock).
func (s *Simulator) generateConn(i int, sc *simConn) {
	w := s.world
	r := w.Rand("fabric", "connection", strconv.Itoa(i))
	created := w.Epoch().Add(-time.Duration(1+r.IntN(900*24)) * time.Hour).Add(-time.Duration(r.IntN(3600)) * time.Second)
	dirRoll := r.Float64()
	switch {
	case dirRoll < 0.65:
		s.newIncoming(sc, r, created, r.Float64() < 0.05)
		s.setInitialPhase(sc, r, sim.Weighted(r, []float64{84, 4, 2, 1, 3, 3, 2, 1}), []phase{
			phActive, phPendingUs, phUpdatePending, phDeletePending, phProvisioning, phDeprovisioned, phRejected, phFailed})
	case dirRoll < 0.95:
		s.newOutgoing(sc, r, created)
		s.setInitialPhase(sc, r, sim.Weighted(r, []float64{85, 5, 3, 3, 2, 2}), []phase{
			phActive, phPendingRemote, phProvisioning, phDeprovisioned, phDraft, phFailed})
	default:
		s.newInternal(sc, r, created)
		s.setInitialPhase(sc, r, sim.Weighted(r, []float64{95, 5}), []phase{phActive, phDeprovisioned})
	}
}

// add appends a new connection to the world (the generated ones are
// indexed by build, arrivals by changed).
func (s *Simulator) add(sc *simConn) {
	sc.seq = len(s.order)
	sc.live = true
	sc.uuid = sc.c.UUID
	sc.sum = summarize(sc.c)
	if sc.sum.waiting {
		s.waiting++
	}
	s.order = append(s.order, sc)
	s.conns[sc.uuid] = sc
	s.version++
}

func bandwidth(r *rand.Rand) int64 {
	return simBandwidths[sim.Weighted(r, simBandwidthWeights)]
}

// foreignPort is a port of another company, named the Fabric way.
func foreignPort(r *rand.Rand, c sim.Company, m sim.Metro) *SimplifiedPort {
	ibx := sim.Pick(r, m.Facilities)
	uuid := sim.UUID(r)
	prio := sim.Pick(r, []string{"PRIMARY", "SECONDARY"})
	return &SimplifiedPort{
		Href: "https://api.equinix.com" + PortsPath + "/" + uuid, UUID: uuid,
		Name:       fmt.Sprintf("%s-%s-L-Dot1q-STD-%s-10G-JN-%d", c.Slug, ibx, prio[:3], 1+r.IntN(900)),
		Redundancy: &PortRedundancy{Priority: prio},
	}
}

// reserve takes a VLAN on our port near a hash-chosen tag.
func (s *Simulator) reserve(sc *simConn, p *simPort, r *rand.Rand) (int, bool) {
	want := sim.IntBetween(r, 100, sim.MaxVLAN)
	var v int
	var ok bool
	if sc.replaying {
		v = sc.vlans.replay()
		ok = v != 0
	} else {
		v, ok = p.vlans.TakeNear(want)
		sc.vlans.record(v)
	}
	if ok {
		sc.addOur(p, v)
	}
	return v, ok
}

// takeRange takes n consecutive VLANs on our port (see reserve).
func (s *Simulator) takeRange(sc *simConn, p *simPort, r *rand.Rand, n int) (lo, hi int, ok bool) {
	start := p.vlans.RangeStart(r)
	if sc.replaying {
		lo, hi = sc.vlans.replay(), sc.vlans.replay()
		return lo, hi, lo != 0
	}
	lo, hi, ok = p.vlans.TakeRangeAt(start, n)
	sc.vlans.record(lo)
	sc.vlans.record(hi)
	return lo, hi, ok
}

// ourSide builds an access point on one of our ports with a VLAN.
func (s *Simulator) ourSide(sc *simConn, r *rand.Rand, m sim.Metro) *AccessPoint {
	p := sim.Pick(r, s.portsIn(m.Code))
	ap := &AccessPoint{
		Type: "COLO", Account: s.selfAccount(), Location: s.location(p.metro),
		Port: &SimplifiedPort{Href: p.wire.Href, UUID: p.wire.UUID, Name: p.wire.Name, Redundancy: &PortRedundancy{Priority: p.wire.Redundancy.Priority}},
	}
	v, ok := s.reserve(sc, p, r)
	if !ok {
		return ap // port full: leave the link protocol out (seen as "needs data")
	}
	if p.wire.Encapsulation.Type == "QINQ" {
		ap.LinkProtocol = &LinkProtocol{Type: "QINQ", VlanSTag: v, VlanCTag: sim.IntBetween(r, sim.MinVLAN, sim.MaxVLAN)}
	} else {
		ap.LinkProtocol = &LinkProtocol{Type: "DOT1Q", VlanTag: v}
	}
	return ap
}

func (s *Simulator) baseConn(r *rand.Rand, typ, name string, created time.Time) *Connection {
	uuid := sim.UUID(r)
	return &Connection{
		Href: s.href(ConnPath + uuid), Type: typ, UUID: uuid, Name: name,
		Bandwidth:     bandwidth(r),
		Order:         &Order{PurchaseOrderNumber: fmt.Sprintf("PO-%06d", r.IntN(1000000))},
		Account:       s.selfAccount(),
		ChangeLog:     &Changelog{CreatedBy: sim.UserName(r), CreatedDateTime: stamp(created)},
		IsRemote:      s.remote(false),
		Project:       s.shared.project,
		Notifications: s.shared.notify,
	}
}

// newIncoming: another company connects to us (we are the Z side). With
// fromVD the A side is a Network Edge device and our side takes a VLAN
// range.
func (s *Simulator) newIncoming(sc *simConn, r *rand.Rand, created time.Time, fromVD bool) {
	w := s.world
	ci := r.IntN(w.CompanyCount())
	other := s.company(ci)
	ma := sim.Pick(r, s.metros)
	// Requests come only where we have ports (where our profiles are
	// offered), mostly from the same metro.
	mz := ma
	if len(s.portsByMetro[ma.Code]) == 0 || sim.Chance(r, 0.3) {
		mz = sim.Pick(r, s.portMetros)
	}
	typ := "EVPL_VC"
	if sim.Chance(r, 0.12) {
		typ = "EPL_VC"
	}
	name := fmt.Sprintf("%s-%s-%s-%02d", other.Slug, mz.Code, sim.Pick(r, purposeWords), 1+r.IntN(40))
	sc.c = s.baseConn(r, typ, name, created)
	sc.c.Direction = dirIncoming
	sc.c.Account = s.companyAccount(other)
	sc.c.ChangeLog.CreatedBy = strings.SplitN(sim.Email(r, other), "@", 2)[0]
	sc.c.IsRemote = s.remote(ma.Code != mz.Code)
	sc.c.Redundancy = &ConnectionRedundancy{Group: sim.UUID(r), Priority: sim.Pick(r, []string{"PRIMARY", "PRIMARY", "SECONDARY"})}
	a := &AccessPoint{Type: "COLO", Account: s.companyAccount(other), Location: s.location(ma), Port: foreignPort(r, other, ma),
		// The customer's VLAN for its service in that metro: the same tag
		// the IPAM simulator gives the customer's blocks there.
		LinkProtocol: &LinkProtocol{Type: "DOT1Q", VlanTag: sim.ServiceVLAN(w.Seed(), ma.Code, ci)}}
	if fromVD {
		a = &AccessPoint{Type: "VD", Account: s.companyAccount(other), Location: s.location(ma),
			VirtualDevice: &VirtualDevice{Href: s.href("/ne/v1/devices/" + sim.UUID(r)), UUID: sim.UUID(r), Name: other.Slug + "-" + strings.ToLower(ma.Code) + "-vsrx-" + strconv.Itoa(1+r.IntN(9)), Type: "EDGE"},
			Interface:     &Interface{ID: FlexInt(2 + r.IntN(20)), Type: "NETWORK"}}
		sc.c.ASide = ConnectionSide{AccessPoint: a}
		p := sim.Pick(r, s.portsIn(mz.Code))
		n := sim.IntBetween(r, 4, 20)
		z := &AccessPoint{Type: "COLO", Account: s.selfAccount(), Location: s.location(p.metro),
			Port: &SimplifiedPort{Href: p.wire.Href, UUID: p.wire.UUID, Name: p.wire.Name}}
		if p.wire.Encapsulation.Type == "DOT1Q" {
			if lo, hi, ok := s.takeRange(sc, p, r, n); ok {
				sc.ours, sc.tagRange = nil, [2]int16{int16(lo), int16(hi)}
				sc.addOur(p, 0)
				z.LinkProtocol = &LinkProtocol{Type: "DOT1Q", VlanTagMin: lo, VlanTagMax: hi}
			}
		} else if v, ok := s.reserve(sc, p, r); ok {
			z.LinkProtocol = &LinkProtocol{Type: "QINQ", VlanSTag: v, VlanCTagMin: 100, VlanCTagMax: 100 + n}
		}
		sc.c.ZSide = ConnectionSide{AccessPoint: z}
		return
	}
	sc.c.ASide = ConnectionSide{AccessPoint: a}
	if sim.Chance(r, 0.6) {
		// To our service profile: the port and VLAN on our side are chosen
		// when we accept (filled in by the state machine when active).
		prof := sim.Pick(r, s.profiles)
		sc.c.ZSide = ConnectionSide{AccessPoint: &AccessPoint{
			Type: "SP", Account: s.selfAccount(), Location: s.location(mz),
			Profile: &SimplifiedServiceProfile{Href: s.href("/fabric/v4/serviceProfiles/" + prof.uuid), Type: prof.typ, Name: prof.name, UUID: prof.uuid},
		}}
	} else {
		sc.c.ZSide = ConnectionSide{AccessPoint: s.ourSide(sc, r, mz)}
	}
}

// newOutgoing: we connect to another company's profile or port.
func (s *Simulator) newOutgoing(sc *simConn, r *rand.Rand, created time.Time) {
	w := s.world
	ci := r.IntN(w.CompanyCount())
	other := s.company(ci)
	ms := s.metros
	ma := sim.Pick(r, ms)
	mz := ma
	if sim.Chance(r, 0.3) {
		mz = sim.Pick(r, ms)
	}
	typ := sim.Pick(r, []string{"EVPL_VC", "EVPL_VC", "EVPL_VC", "EVPL_VC", "EPL_VC", "IP_VC", "EVPLAN_VC"})
	name := fmt.Sprintf("%s-%s-to-%s-%02d", s.self.Slug, strings.ToLower(ma.Code), other.Slug, 1+r.IntN(40))
	sc.c = s.baseConn(r, typ, name, created)
	sc.c.Direction = dirOutgoing
	sc.c.IsRemote = s.remote(ma.Code != mz.Code)
	switch typ {
	case "IP_VC":
		sc.c.ASide = ConnectionSide{AccessPoint: &AccessPoint{Type: "CLOUD_ROUTER", Account: s.selfAccount(), Location: s.location(ma),
			Router: &CloudRouter{Href: s.href("/fabric/v4/routers/" + sim.UUID(r)), UUID: sim.UUID(r), Name: s.self.Slug + "-fcr-" + strings.ToLower(ma.Code)}}}
	default:
		sc.c.ASide = ConnectionSide{AccessPoint: s.ourSide(sc, r, ma)}
	}
	switch {
	case typ == "EVPLAN_VC":
		sc.c.ZSide = ConnectionSide{AccessPoint: &AccessPoint{Type: "NETWORK",
			Network: &SimplifiedNetwork{Href: s.href("/fabric/v4/networks/" + sim.UUID(r)), UUID: sim.UUID(r), Name: s.self.Slug + "-evplan-" + strings.ToLower(mz.Region), Type: "EVPLAN", Scope: "REGIONAL"}}}
	case sim.Chance(r, 0.6):
		sc.c.ZSide = ConnectionSide{AccessPoint: &AccessPoint{Type: "SP", Account: s.companyAccount(other), Location: s.location(mz),
			Profile:      &SimplifiedServiceProfile{Href: s.href("/fabric/v4/serviceProfiles/" + sim.UUID(r)), Type: map[bool]string{true: "L3_PROFILE", false: "L2_PROFILE"}[typ == "IP_VC"], Name: other.Name + " " + sim.Pick(r, []string{"Cloud", "Transit", "Exchange"}), UUID: sim.UUID(r)},
			SellerRegion: strings.ToLower(mz.Region) + "-" + strings.ToLower(mz.Code) + "1"}}
	default:
		sc.c.ZSide = ConnectionSide{AccessPoint: &AccessPoint{Type: "COLO", Account: s.companyAccount(other), Location: s.location(mz), Port: foreignPort(r, other, mz),
			// The other company's VLAN for its service in that metro.
			LinkProtocol: &LinkProtocol{Type: "DOT1Q", VlanTag: sim.ServiceVLAN(w.Seed(), mz.Code, ci)}}}
	}
}

// newInternal: both ends are ours.
func (s *Simulator) newInternal(sc *simConn, r *rand.Rand, created time.Time) {
	ms := s.metros
	ma, mz := sim.Pick(r, ms), sim.Pick(r, ms)
	sc.c = s.baseConn(r, "EVPL_VC", fmt.Sprintf("%s-%s-%s-backbone-%02d", s.self.Slug, strings.ToLower(ma.Code), strings.ToLower(mz.Code), 1+r.IntN(20)), created)
	sc.c.Direction = "INTERNAL"
	sc.c.IsRemote = s.remote(ma.Code != mz.Code)
	sc.c.ASide = ConnectionSide{AccessPoint: s.ourSide(sc, r, ma)}
	sc.c.ZSide = ConnectionSide{AccessPoint: s.ourSide(sc, r, mz)}
}

// setInitialPhase puts a generated connection in phase choices[i], with
// timestamps in the recent past.
func (s *Simulator) setInitialPhase(sc *simConn, r *rand.Rand, i int, choices []phase) {
	ph := choices[i]
	created := parseTime(sc.c.ChangeLog.CreatedDateTime)
	epoch := s.world.Epoch()
	recent := epoch.Add(-time.Duration(1+r.IntN(6*3600)) * time.Second)
	if recent.Before(created) {
		recent = created
	}
	switch ph {
	case phPendingUs, phPendingRemote, phProvisioning, phDraft:
		// A request is young: re-date the connection.
		sc.c.ChangeLog.CreatedDateTime = stamp(recent)
		created = recent
	}
	if ph != phActive && sc.c.ZSide.AccessPoint != nil && sc.c.ZSide.AccessPoint.Type == "SP" && sc.c.Direction == dirIncoming && ph != phPendingUs {
		s.landOnOurPort(sc, r)
	}
	if ph == phActive && sc.c.ZSide.AccessPoint != nil && sc.c.ZSide.AccessPoint.Type == "SP" && sc.c.Direction == dirIncoming {
		s.landOnOurPort(sc, r)
	}
	at := created
	switch ph {
	case phActive, phDeprovisioned, phRejected, phFailed:
		at = created.Add(time.Duration(r.Int64N(int64(epoch.Sub(created)) + 1)))
	case phUpdatePending, phDeletePending:
		// A change waiting on someone is hours old, not as old as the
		// connection: operators act on requests within a shift.
		at = recent
	}
	s.setPhase(sc, ph, at, r)
}

// landOnOurPort gives an incoming SP connection its port and VLAN on our
// side (what the acceptance chose).
func (s *Simulator) landOnOurPort(sc *simConn, r *rand.Rand) {
	z := sc.c.ZSide.AccessPoint
	m, _ := sim.MetroByCode(z.Location.MetroCode)
	our := s.ourSide(sc, r, m)
	z.Port, z.LinkProtocol = our.Port, our.LinkProtocol
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// setPhase sets state, operation, change and changelog for phase ph at t.
func (s *Simulator) setPhase(sc *simConn, ph phase, t time.Time, r *rand.Rand) {
	c := s.pin(sc)
	setOp := func(state, eqx, prov, opStatus string) {
		c.State = state
		c.Operation = &ConnectionOperation{EquinixStatus: eqx, ProviderStatus: prov, OperationalStatus: opStatus}
		if opStatus != "" {
			c.Operation.OpStatusChangedAt = stamp(t)
		}
	}
	change := func(typ, status string, data json.RawMessage) {
		created := t
		if c.Change != nil && c.Change.Type == typ && c.Change.Status != "COMPLETED" && c.Change.Status != "REJECTED" {
			created = parseTime(c.Change.CreatedDateTime) // same change, progressing
		} else {
			c.Change = &Change{UUID: sim.UUID(r), Type: typ}
		}
		c.Change.Status, c.Change.CreatedDateTime, c.Change.UpdatedDateTime = status, stamp(created), stamp(t)
		if data != nil {
			c.Change.Data = data
		}
	}
	c.ChangeLog.UpdatedDateTime = stamp(t)
	switch ph {
	case phActive:
		setOp("ACTIVE", "PROVISIONED", "AVAILABLE", "UP")
		if c.Change == nil {
			change("CONNECTION_CREATION", "COMPLETED", nil)
			c.Change.CreatedDateTime = c.ChangeLog.CreatedDateTime
		} else if c.Change.Status != "REJECTED" {
			change(c.Change.Type, "COMPLETED", nil)
		}
		if c.Direction == dirOutgoing && c.ZSide.AccessPoint != nil && c.ZSide.AccessPoint.Type == "SP" {
			c.ZSide.AccessPoint.ProviderConnID = "prov-" + strconv.Itoa(10000+r.IntN(90000))
		}
	case phPendingUs:
		setOp("PENDING", statusPendingApproval, statusPendingApproval, "")
		change("CONNECTION_CREATION", changeSubmittedForApprove, nil)
	case phPendingRemote:
		setOp("PENDING", statusPendingApproval, statusPendingApproval, "")
		change("CONNECTION_CREATION", changeSubmittedForApprove, nil)
	case phProvisioning:
		setOp("PROVISIONING", "PROVISIONING", "PROVISIONING", "")
		change("CONNECTION_CREATION", "APPROVED", nil)
	case phRejecting:
		setOp("PENDING", "REJECTED", "REJECTED", "")
		change("CONNECTION_CREATION", "REJECTED", nil)
	case phRejected:
		setOp("CANCELLED", "REJECTED_ACK", "REJECTED", "")
		change("CONNECTION_CREATION", "REJECTED", nil)
		s.releaseVLANs(sc)
	case phUpdatePending:
		setOp("ACTIVE", "PROVISIONED", "AVAILABLE", "UP")
		nb := c.Bandwidth
		for nb == c.Bandwidth {
			nb = bandwidth(r)
		}
		data, _ := json.Marshal(ConnectionChangeOperation{Op: "replace", Path: "/bandwidth", Value: json.RawMessage(`{"bandwidth":` + strconv.FormatInt(nb, 10) + `}`)})
		change("CONNECTION_UPDATE", changeSubmittedForApprove, data)
	case phDeletePending:
		setOp("ACTIVE", statusPendingDelete, providerPendingDelete, "UP")
		change("CONNECTION_DELETION", changeSubmittedForApprove, nil)
		c.ChangeLog.UpdatedBy = c.ChangeLog.CreatedBy
	case phDeprovisioning:
		setOp("DEPROVISIONING", "DEPROVISIONING", "DEPROVISIONING", "UP")
		change("CONNECTION_DELETION", "APPROVED", nil)
	case phDeprovisioned:
		setOp("DEPROVISIONED", "DEPROVISIONED", "DEPROVISIONED", "DOWN")
		change("CONNECTION_DELETION", "COMPLETED", nil)
		c.ChangeLog.DeletedBy, c.ChangeLog.DeletedDateTime = firstNonEmpty(c.ChangeLog.UpdatedBy, c.ChangeLog.CreatedBy), stamp(t)
		s.releaseVLANs(sc)
	case phFailed:
		setOp("FAILED", "NOT_PROVISIONED", "ERROR", "DOWN")
		change("CONNECTION_CREATION", "FAILED", nil)
		c.Operation.Errors = []Error{{ErrorCode: "EQ-3142401", ErrorMessage: "Provider could not provision the connection", Details: "VLAN configuration rejected by the remote port", CorrelationID: sim.UUID(r)}}
	case phDraft:
		setOp("DRAFT", "DRAFT", "NOT_AVAILABLE", "")
		c.Change = nil
	}
	s.bump(sc)
}

func (s *Simulator) releaseVLANs(sc *simConn) {
	if sc.replaying {
		sc.ours, sc.tagRange = nil, [2]int16{}
		return
	}
	for _, o := range sc.ours {
		if o.tag != 0 {
			s.ports[o.port].vlans.Release(int(o.tag))
		}
	}
	if lo, hi := int(sc.tagRange[0]), int(sc.tagRange[1]); lo > 0 && len(sc.ours) > 0 {
		for v := lo; v <= hi; v++ {
			s.ports[sc.ours[0].port].vlans.Release(v)
		}
	}
	sc.ours, sc.tagRange = nil, [2]int16{}
}

// scheduleInitial queues what happens next to a generated connection.
func (s *Simulator) scheduleInitial(sc *simConn) {
	r := s.world.Rand("fabric", "initial-events", sc.uuid)
	t := s.world.Timing()
	switch {
	case sc.sum.state == "PROVISIONING":
		s.engine.After(sim.Between(r, t.ProvisionMin, t.ProvisionMax), func(now time.Time) { s.setPhase(sc, phActive, now, r) })
	case sc.sum.state == "PENDING" && sc.sum.outgoing:
		s.remoteAnswer(sc, r)
	}
}

// remoteAnswer: the other party decides on our outgoing request.
func (s *Simulator) remoteAnswer(sc *simConn, r *rand.Rand) {
	t := s.world.Timing()
	s.engine.After(sim.Between(r, t.RemoteMin, t.RemoteMax), func(now time.Time) {
		if sc.sum.state != "PENDING" {
			return
		}
		if sim.Chance(r, 0.85) {
			s.setPhase(sc, phProvisioning, now, r)
			s.engine.After(sim.Between(r, t.ProvisionMin, t.ProvisionMax), func(now time.Time) { s.setPhase(sc, phActive, now, r) })
			return
		}
		s.setPhase(sc, phRejecting, now, r)
		s.engine.After(sim.Between(r, 2*time.Second, 5*time.Second), func(now time.Time) { s.setPhase(sc, phRejected, now, r) })
	})
}

// arrive is the recurring event: a new request waiting for us (a new
// connection most of the time, sometimes a bandwidth change or a deletion
// of a live incoming connection), unless too many already wait.
func (s *Simulator) arrive(now time.Time) {
	k := s.arrivals
	s.arrivals++
	r := s.world.Rand("fabric", "arrival", strconv.Itoa(k))
	if s.waitingOnUs() >= s.maxWaiting {
		return
	}
	switch sim.Weighted(r, []float64{70, 20, 10}) {
	case 0:
		sc := &simConn{}
		s.newIncoming(sc, r, now, sim.Chance(r, 0.05))
		s.add(sc)
		s.setPhase(sc, phPendingUs, now, r)
		return
	case 1:
		if sc := s.pickActiveIncoming(r); sc != nil {
			s.setPhase(sc, phUpdatePending, now, r)
		}
	case 2:
		if sc := s.pickActiveIncoming(r); sc != nil {
			s.setPhase(sc, phDeletePending, now, r)
		}
	}
}

func (s *Simulator) pickActiveIncoming(r *rand.Rand) *simConn {
	if len(s.order) == 0 {
		return nil
	}
	start := r.IntN(len(s.order))
	for i := 0; i < len(s.order) && i < 500; i++ {
		if sc := s.order[(start+i)%len(s.order)]; sc.sum.pickable {
			return sc
		}
	}
	return nil
}

// waitingOnUs counts connections with a change waiting for our decision.
func (s *Simulator) waitingOnUs() int { return s.waiting }

// conn returns connection sc as it is now: the pinned one, or a fresh
// regeneration of one as generated (read it, do not keep or change it).
// A connection as generated is immutable, so this needs no lock.
func (s *Simulator) conn(sc *simConn) *Connection {
	if sc.c != nil {
		return sc.c
	}
	return s.regenerate(sc)
}

// regenerate rebuilds a generated connection from its seed and recorded
// VLAN tags, touching nothing else.
func (s *Simulator) regenerate(sc *simConn) *Connection {
	tmp := simConn{vlans: sc.vlans, replaying: true}
	tmp.vlans.next = 0
	s.generateConn(sc.seq, &tmp)
	return tmp.c
}

// pin materialises sc before a change: from then on sc.c is the
// connection. Its current place in every view is noted so that changed can
// move it. Call s.bump(sc) after changing it.
func (s *Simulator) pin(sc *simConn) *Connection {
	if sc.c != nil {
		return sc.c
	}
	c := s.regenerate(sc)
	sc.idx = make(map[*searchView]viewEntry, len(s.views))
	for _, v := range s.views {
		if e, ok := v.entry(sc, c); ok {
			sc.idx[v] = e
		}
	}
	sc.c = c
	s.pinned = append(s.pinned, sc)
	return c
}

// bump records that sc changed: the world's version moves (it keys some
// random streams) and the summary and views follow.
func (s *Simulator) bump(sc *simConn) {
	if sc.replaying {
		return
	}
	s.version++
	s.changed(sc)
}

// changed brings sc's summary and its place in every view up to date
// (a no-op while it is being generated).
func (s *Simulator) changed(sc *simConn) {
	if !sc.live || sc.replaying {
		return
	}
	c := sc.c
	old := sc.sum
	sc.sum = summarize(c)
	switch {
	case sc.sum.waiting && !old.waiting:
		s.waiting++
	case !sc.sum.waiting && old.waiting:
		s.waiting--
	}
	if sc.idx == nil { // an arrival
		sc.idx = make(map[*searchView]viewEntry, len(s.views))
		s.pinned = append(s.pinned, sc)
	}
	for _, v := range s.views {
		was, in := sc.idx[v]
		e, ok := v.entry(sc, c)
		if in && ok && was.sameKeys(&e) {
			continue
		}
		if in {
			v.list.remove(was)
			delete(sc.idx, v)
		}
		if ok {
			v.list.insert(e)
			sc.idx[v] = e
		}
	}
}
