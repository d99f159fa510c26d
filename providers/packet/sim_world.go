package packet

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// The simulated Packet account: one organisation of the world's own
// company, four projects over eight facilities, a few hundred servers
// (World.Scale, at least 24 and at most 20,000) in every state, with
// bonded, hybrid and layer-2 ports, virtual networks, BGP on two
// projects, hardware and IP reservations and an event log.

// simFacility is one facility of the account.
type simFacility struct {
	id, code, name string
	metro          sim.Metro
	ibx            string
}

// simPlan is one server plan.
type simPlan struct {
	id, slug, name string
	nics           int
	speed          string // "10Gbps"
	bonds          int
	legacy         bool
}

type simProject struct {
	id, name  string
	created   time.Time
	bgp       *BGPConfig
	devices   []*simDevice
	vnets     []*simVNet
	reserv    []*simReservation
	ips       []*simIPBlock
	events    []Event // oldest first; listings serve newest first
	anycast   []string
	nextVXLAN int
}

type simDevice struct {
	id, short, hostname string
	state               string
	project             *simProject
	fac                 *simFacility
	plan                *simPlan
	created, updated    time.Time
	tags                []string
	os                  OperatingSystem
	ips                 []IPAssignment
	ports               []*simPort
	sessions            []*simSession
	reservation         *simReservation
	provisioned         float64 // percentage while provisioning
	gone                bool    // deprovisioned: no longer listed
	ipSeq               int
	kind                int // initial network layout (see addDevice)
}

type simPort struct {
	id, name string
	bond     bool
	bondName string // physical: the bond it belongs to
	bonded   bool   // physical: is in the bond now
	l3       bool   // bond: carries the server's IP addresses
	mac      string
	vnets    []*simVNet
	device   *simDevice
}

type simVNet struct {
	id, description string
	vxlan           int
	fac             *simFacility
	project         *simProject
	created         time.Time
}

type simSession struct {
	id, af, status string
	routes         []string
	defaultRoute   bool
	device         *simDevice
	created        time.Time
	flapping       bool
}

type simReservation struct {
	id, short string
	project   *simProject
	fac       *simFacility
	plan      *simPlan
	device    *simDevice
	created   time.Time
}

type simIPBlock struct {
	res IPReservation
	fac *simFacility
}

// simPlans are plans of the 2020 API the capture describes (the legacy
// "baremetal_N" names are what the capacity report keys some of them by).
var simPlans = []simPlan{
	{slug: "t1.small.x86", name: "t1.small.x86 (Type 0)", nics: 2, speed: "1Gbps", bonds: 1, legacy: true},
	{slug: "c1.small.x86", name: "c1.small.x86 (Type 1)", nics: 2, speed: "1Gbps", bonds: 1, legacy: true},
	{slug: "c2.medium.x86", name: "c2.medium.x86", nics: 2, speed: "10Gbps", bonds: 1},
	{slug: "m2.xlarge.x86", name: "m2.xlarge.x86", nics: 2, speed: "10Gbps", bonds: 1},
	{slug: "s1.large.x86", name: "s1.large.x86 (Type S)", nics: 2, speed: "10Gbps", bonds: 1},
	{slug: "n2.xlarge.x86", name: "n2.xlarge.x86", nics: 4, speed: "10Gbps", bonds: 2},
}

// simMetros are the metros with a Packet facility; facility codes follow
// Packet's scheme (airport code + number).
var simMetros = []string{"SV", "DC", "NY", "DA", "AM", "FR", "TY", "SG"}

var roles = []string{"web", "db", "k8s", "cache", "edge", "lb", "build", "mon", "kafka", "storage"}

// deviceStateWeights: most servers are active; every state appears.
var deviceStateChoices = []struct {
	state  string
	weight float64
}{
	{DeviceActive, 80}, {DeviceProvisioning, 3}, {DeviceQueued, 1}, {DevicePoweringOff, 1}, {DevicePoweringOn, 1},
	{DeviceRebooting, 1}, {DeviceInactive, 7}, {DeviceFailed, 3}, {DeviceReinstalling, 1}, {DeviceDeprovision, 1},
}

// Simulated scale bounds.
const (
	minSimDevices = 24
	maxSimDevices = 20_000
	maxSimEvents  = 2_000 // per project
)

func (s *Simulator) build() {
	w := s.world
	epoch := w.Epoch()
	r := w.Rand("packet", "account")
	self := w.Self()
	s.orgID = sim.UUID(r)
	s.orgName = self.Name

	for _, code := range simMetros {
		m, _ := sim.MetroByCode(code)
		fr := w.Rand("packet", "facility", code)
		f := &simFacility{
			id: sim.UUID(fr), code: strings.ToLower(m.IATA) + "1", name: m.Name + ", " + m.Country,
			metro: m, ibx: m.Facilities[0],
		}
		s.facilities = append(s.facilities, f)
	}
	for i := range simPlans {
		p := simPlans[i]
		p.id = sim.UUID(w.Rand("packet", "plan", p.slug))
		s.plans = append(s.plans, &p)
	}

	names := []string{self.Name + " Production", self.Name + " Staging", "Edge", "Lab"}
	shares := []float64{50, 25, 15, 10}
	for i, name := range names {
		pr := w.Rand("packet", "project", strconv.Itoa(i))
		p := &simProject{id: sim.UUID(pr), name: name, created: epoch.Add(-time.Duration(400+sim.IntBetween(pr, 0, 300)) * 24 * time.Hour), nextVXLAN: 1000 + 500*i}
		switch i {
		case 0:
			p.bgp = &BGPConfig{ID: sim.UUID(pr), Status: "enabled", DeploymentType: "local", ASN: 65000, MaxPrefix: 10,
				CreatedAt: Timestamp{p.created.Add(24 * time.Hour)}, RequestedAt: Timestamp{p.created.Add(23 * time.Hour)}}
		case 2:
			p.bgp = &BGPConfig{ID: sim.UUID(pr), Status: "enabled", DeploymentType: "global", ASN: int64(self.ASN), MaxPrefix: 25,
				RouteObject: "AS" + strconv.Itoa(int(self.ASN)), CreatedAt: Timestamp{p.created.Add(48 * time.Hour)}, RequestedAt: Timestamp{p.created.Add(47 * time.Hour)}}
		}
		if p.bgp != nil {
			p.bgp.Project = &Href{Href: "/projects/" + p.id}
			p.bgp.Href = "/projects/" + p.id + "/bgp-config"
			for k := range 3 {
				p.anycast = append(p.anycast, fmt.Sprintf("147.75.%d.%d/32", 40+i*10+k, sim.IntBetween(pr, 1, 254)))
			}
		}
		s.projects = append(s.projects, p)
	}

	n := min(max(w.Scale(), minSimDevices), maxSimDevices)
	for i := range n {
		dr := w.Rand("packet", "device", strconv.Itoa(i))
		p := s.projects[sim.Weighted(dr, shares)]
		s.addDevice(dr, p, i, epoch)
	}
	for _, p := range s.projects {
		s.addProjectNetworks(p, epoch)
	}
	s.rebuildIndexes()
}

// facilitiesOf are the facilities a project uses (a project spreads over
// a few of them).
func (s *Simulator) projectFacilities(p *simProject, idx int) []*simFacility {
	k := 3 + idx%3
	start := idx * 2
	var out []*simFacility
	for j := range k {
		out = append(out, s.facilities[(start+j)%len(s.facilities)])
	}
	return out
}

func (s *Simulator) addDevice(r *rand.Rand, p *simProject, i int, epoch time.Time) {
	pidx := slices.Index(s.projects, p)
	facs := s.projectFacilities(p, pidx)
	fac := sim.Pick(r, facs)
	plan := s.plans[sim.Weighted(r, []float64{5, 10, 40, 20, 10, 15})]
	weights := make([]float64, len(deviceStateChoices))
	for k, c := range deviceStateChoices {
		weights[k] = c.weight
	}
	state := deviceStateChoices[sim.Weighted(r, weights)].state
	role := sim.Pick(r, roles)
	d := &simDevice{
		id: sim.UUID(r), hostname: fmt.Sprintf("%s-%s-%02d", role, fac.code, i%100),
		state: state, project: p, fac: fac, plan: plan,
		created: epoch.Add(-time.Duration(sim.IntBetween(r, 2, 500)) * 24 * time.Hour),
		tags:    []string{role},
		os:      sim.Pick(r, []OperatingSystem{{Slug: "ubuntu_20_04", Name: "Ubuntu 20.04 LTS", Distro: "ubuntu", Version: "20.04"}, {Slug: "centos_8", Name: "CentOS 8", Distro: "centos", Version: "8"}, {Slug: "debian_10", Name: "Debian 10", Distro: "debian", Version: "10"}, {Slug: "flatcar_stable", Name: "Flatcar Container Linux (stable)", Distro: "flatcar", Version: "stable"}}),
	}
	d.short = d.id[:8]
	if i >= 100 {
		d.hostname = fmt.Sprintf("%s-%s-%03d", role, fac.code, i)
	}
	d.updated = d.created.Add(time.Duration(sim.IntBetween(r, 1, 48)) * time.Hour)
	if state == DeviceProvisioning || state == DeviceQueued || state == DeviceReinstalling {
		d.provisioned = float64(sim.IntBetween(r, 5, 90))
		d.created, d.updated = epoch.Add(-time.Duration(sim.IntBetween(r, 1, 20))*time.Minute), epoch
	}
	if sim.Chance(r, 0.2) {
		d.tags = append(d.tags, sim.Pick(r, []string{"prod", "canary", "pci", "team-net", "team-data"}))
	}
	// Ports: bonds first, then their members.
	kind := sim.Weighted(r, []float64{70, 10, 8, 7, 5}) // layer3, hybrid, hybrid-bonded, layer2-bonded, layer2-individual
	perBond := plan.nics / plan.bonds
	for b := range plan.bonds {
		bond := &simPort{id: sim.UUID(r), name: "bond" + strconv.Itoa(b), bond: true, l3: b == 0 && kind <= 2, device: d, mac: mac(r)}
		d.ports = append(d.ports, bond)
		for k := range perBond {
			eth := &simPort{id: sim.UUID(r), name: "eth" + strconv.Itoa(b*perBond+k), bondName: bond.name, bonded: true, device: d, mac: mac(r)}
			d.ports = append(d.ports, eth)
		}
	}
	d.kind = kind
	if d.primaryBond().l3 {
		s.assignDeviceIPs(d, []RequestIP{{AddressFamily: 4, Public: true}, {AddressFamily: 4}, {AddressFamily: 6, Public: true}})
	}
	p.devices = append(p.devices, d)
	if p.bgp != nil && d.primaryBond().l3 && sim.Chance(r, 0.4) {
		s.addSessions(r, d, p)
	}
	if sim.Chance(r, 0.1) {
		s.addReservation(r, p, fac, plan, d)
	}
	s.event(p, d.created, "instance.created", "{{instance}} was created", d.hostname+" was created", d.href())
	if state != DeviceProvisioning && state != DeviceQueued {
		s.event(p, d.created.Add(9*time.Minute), "instance.deployed", "{{instance}} was deployed", d.hostname+" was deployed", d.href())
	}
	if state == DeviceFailed {
		s.event(p, epoch.Add(-time.Duration(sim.IntBetween(r, 5, 600))*time.Minute), "instance.failed", "{{instance}} failed a health check", d.hostname+" failed a health check", d.href())
	}
}

// kind is how the server's network was set up (before any operator
// action), used once when the networks are wired.
func (d *simDevice) primaryBond() *simPort {
	for _, p := range d.ports {
		if p.bond {
			return p
		}
	}
	return nil
}

func mac(r *rand.Rand) string {
	b := make([]string, 6)
	b[0] = "0c"
	for i := 1; i < 6; i++ {
		b[i] = fmt.Sprintf("%02x", r.IntN(256))
	}
	return strings.Join(b, ":")
}

func (d *simDevice) href() string { return "/devices/" + d.id }

// assignDeviceIPs gives the server management addresses for ips.
func (s *Simulator) assignDeviceIPs(d *simDevice, ips []RequestIP) {
	d.ips = nil
	h := s.world.Hash("packet", "ips", d.id)
	d.ipSeq++
	for _, ip := range ips {
		a := IPAssignment{AddressFamily: ip.AddressFamily, Public: ip.Public, Management: true}
		k := uint64(d.ipSeq)*7919 + h
		switch {
		case ip.AddressFamily == 4 && ip.Public:
			x, y := 64+int(k%60), int((k>>8)%127)*2
			a.Address, a.Gateway, a.Network, a.CIDR, a.Netmask = fmt.Sprintf("147.75.%d.%d", x, y+1), fmt.Sprintf("147.75.%d.%d", x, y), fmt.Sprintf("147.75.%d.%d", x, y), 31, "255.255.255.254"
		case ip.AddressFamily == 4:
			x, y := int(k%250), int((k>>8)%127)*2
			a.Address, a.Gateway, a.Network, a.CIDR, a.Netmask = fmt.Sprintf("10.%d.%d.%d", 32+int(k>>16)%16, x, y+1), fmt.Sprintf("10.%d.%d.%d", 32+int(k>>16)%16, x, y), fmt.Sprintf("10.%d.%d.%d", 32+int(k>>16)%16, x, y), 31, "255.255.255.254"
		default:
			x := int(k % 0xffff)
			a.Address, a.Gateway, a.Network, a.CIDR, a.Netmask = fmt.Sprintf("2604:1380:%x::1", x), fmt.Sprintf("2604:1380:%x::", x), fmt.Sprintf("2604:1380:%x::", x), 127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"
		}
		a.ID = sim.UUID(s.rnd)
		a.Href = "/ips/" + a.ID
		d.ips = append(d.ips, a)
	}
}

func (s *Simulator) addSessions(r *rand.Rand, d *simDevice, p *simProject) {
	afs := []string{"ipv4"}
	if sim.Chance(r, 0.5) {
		afs = append(afs, "ipv6")
	}
	for _, af := range afs {
		ss := &simSession{id: sim.UUID(r), af: af, device: d, created: d.created.Add(time.Hour), defaultRoute: sim.Chance(r, 0.2)}
		switch {
		case d.state != DeviceActive:
			ss.status = "down"
			if d.state == DeviceProvisioning || d.state == DeviceQueued {
				ss.status = "unknown"
			}
		case sim.Chance(r, 0.05):
			ss.status = "down"
		case sim.Chance(r, 0.03):
			ss.status = "up,down"
		default:
			ss.status = "up"
		}
		if af == "ipv4" {
			n := sim.IntBetween(r, 0, len(p.anycast))
			ss.routes = slices.Clone(p.anycast[:n])
		} else if sim.Chance(r, 0.5) {
			ss.routes = []string{fmt.Sprintf("2604:1380:4%x::/48", r.IntN(0xfff))}
		}
		d.sessions = append(d.sessions, ss)
	}
}

func (s *Simulator) addReservation(r *rand.Rand, p *simProject, fac *simFacility, plan *simPlan, d *simDevice) {
	hr := &simReservation{id: sim.UUID(r), project: p, fac: fac, plan: plan, device: d, created: s.world.Epoch().Add(-time.Duration(sim.IntBetween(r, 30, 700)) * 24 * time.Hour)}
	hr.short = hr.id[:8]
	if d != nil {
		d.reservation = hr
	}
	p.reserv = append(p.reserv, hr)
}

// addProjectNetworks wires virtual networks, port VLANs, spare
// reservations and IP reservations once the servers exist.
func (s *Simulator) addProjectNetworks(p *simProject, epoch time.Time) {
	pidx := slices.Index(s.projects, p)
	r := s.world.Rand("packet", "networks", p.id)
	byFac := map[*simFacility][]*simVNet{}
	for _, fac := range s.projectFacilities(p, pidx) {
		for _, desc := range []string{"backend", "storage", "k8s-pods", "mgmt"}[:sim.IntBetween(r, 1, 4)] {
			v := &simVNet{id: sim.UUID(r), description: desc, vxlan: p.nextVXLAN, fac: fac, project: p, created: p.created.Add(72 * time.Hour)}
			p.nextVXLAN++
			p.vnets = append(p.vnets, v)
			byFac[fac] = append(byFac[fac], v)
		}
		if sim.Chance(r, 0.7) {
			s.addReservation(r, p, fac, sim.Pick(r, s.plans), nil)
		}
		x := sim.IntBetween(r, 100, 250)
		p.ips = append(p.ips,
			&simIPBlock{fac: fac, res: IPReservation{ID: sim.UUID(r), AddressFamily: 4, CIDR: 29, Network: fmt.Sprintf("147.75.%d.%d", x, 8*r.IntN(30)), Netmask: "255.255.255.248", Public: true, State: "assigned", CreatedAt: Timestamp{p.created.Add(96 * time.Hour)}}},
			&simIPBlock{fac: fac, res: IPReservation{ID: sim.UUID(r), AddressFamily: 4, CIDR: 25, Network: fmt.Sprintf("10.%d.%d.0", 32+pidx, x), Netmask: "255.255.255.128", Management: true, State: "assigned", CreatedAt: Timestamp{p.created}}},
			&simIPBlock{fac: fac, res: IPReservation{ID: sim.UUID(r), AddressFamily: 6, CIDR: 56, Network: fmt.Sprintf("2604:1380:%x:%x00::", 4000+pidx, x), Netmask: "ffff:ffff:ffff:ff00::", Public: true, Management: true, State: "assigned", CreatedAt: Timestamp{p.created}}},
		)
	}
	for _, d := range p.devices {
		vs := byFac[d.fac]
		if len(vs) == 0 {
			continue
		}
		bond := d.primaryBond()
		pick := func() *simVNet { return vs[r.IntN(len(vs))] }
		switch d.kind {
		case 1: // hybrid: the last physical port leaves the bond and carries a VLAN
			eth := d.ports[len(d.ports)-1]
			eth.bonded = false
			eth.vnets = []*simVNet{pick()}
		case 2: // hybrid-bonded: VLANs on the layer-3 bond
			bond.vnets = uniqueVNets(pick(), pick())
		case 3: // layer2-bonded
			bond.vnets = uniqueVNets(pick(), pick(), pick())
		case 4: // layer2-individual
			for _, pt := range d.ports {
				if !pt.bond && pt.bondName == bond.name {
					pt.bonded = false
					pt.vnets = []*simVNet{pick()}
				}
			}
		}
	}
}

func uniqueVNets(vs ...*simVNet) []*simVNet {
	var out []*simVNet
	for _, v := range vs {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *simVNet) int { return a.vxlan - b.vxlan })
	return out
}

// rebuildIndexes refreshes the id maps after devices came or went.
func (s *Simulator) rebuildIndexes() {
	s.devices = map[string]*simDevice{}
	s.ports = map[string]*simPort{}
	s.sessions = map[string]*simSession{}
	s.vnets = map[string]*simVNet{}
	s.reservations = map[string]*simReservation{}
	for _, p := range s.projects {
		for _, d := range p.devices {
			s.devices[d.id] = d
			for _, pt := range d.ports {
				s.ports[pt.id] = pt
			}
			for _, ss := range d.sessions {
				s.sessions[ss.id] = ss
			}
		}
		for _, v := range p.vnets {
			s.vnets[v.id] = v
		}
		for _, hr := range p.reserv {
			s.reservations[hr.id] = hr
		}
	}
}

type eventLoc struct {
	project *simProject
	event   Event
}

// event appends to a project's log (bounded: the oldest go first).
func (s *Simulator) event(p *simProject, at time.Time, typ, body, text string, about ...string) {
	e := Event{ID: sim.UUID(s.rnd), Type: typ, State: "success", Body: body, Interpolated: text, CreatedAt: Timestamp{at.UTC().Truncate(time.Second)}}
	e.Href = "/events/" + e.ID
	for _, h := range about {
		e.Relationships = append(e.Relationships, Href{Href: h})
	}
	// Initial history is generated out of order: keep the log sorted
	// (events at the same second keep their arrival order).
	i := sort.Search(len(p.events), func(k int) bool { return p.events[k].CreatedAt.After(e.CreatedAt.Time) })
	p.events = slices.Insert(p.events, i, e)
	s.eventByID[e.ID] = eventLoc{project: p, event: e}
	if drop := len(p.events) - maxSimEvents; drop > 0 {
		for _, old := range p.events[:drop] {
			delete(s.eventByID, old.ID)
		}
		p.events = slices.Delete(p.events, 0, drop)
	}
}

// networkType is the composite network type of a bond.
func (s *Simulator) networkType(bond *simPort) string {
	all := true
	for _, pt := range bond.device.ports {
		if !pt.bond && pt.bondName == bond.name {
			all = all && pt.bonded
		}
	}
	switch {
	case bond.l3 && all && len(bond.vnets) > 0:
		return NetworkHybridBonded
	case bond.l3 && all:
		return NetworkLayer3
	case bond.l3:
		return NetworkHybrid
	case all:
		return NetworkLayer2Bonded
	default:
		return NetworkLayer2Individual
	}
}
