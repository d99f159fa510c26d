package metal

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// The simulated Metal estate: two organizations, their projects, dedicated
// and shared interconnections in several metros (most of them redundant
// port pairs), VLAN and VRF virtual circuits in every status, the Metro
// VLANs (virtual networks) and VRFs they use, and an event log per
// object. This file builds the initial estate and holds the lifecycle;
// sim.go serves it.

type simOrg struct {
	id, name, desc string
	created        time.Time
	projects       []*simProject
}

type simProject struct {
	id, name string
	org      *simOrg
	created  time.Time
	readOnly bool // the demo token may read but not change it (403)
}

type simVN struct {
	id      string
	vxlan   int
	metro   string // lower-case code
	project *simProject
	desc    string
	vc      *simVC // the VC using it, if any
	created time.Time
}

type simVrf struct {
	id, name string
	asn      int64
	ranges   []string
	metro    string
	project  *simProject
	created  time.Time
	subnets  int // /30s handed out of ranges[0]
}

type simConn struct {
	id, name, desc, email string
	typ, mode, redundancy string
	status                string
	speed                 int64 // bps
	metro                 sim.Metro
	org                   *simOrg
	project               *simProject // nil: organization-level (dedicated)
	ports                 []*simPort
	tokens                []FabricServiceToken
	requestedBy           string
	created, updated      time.Time
	events                []simEvent
	gen                   int
}

type simPort struct {
	id, name, role, status, switchID, link string
	speed                                  int64
	conn                                   *simConn
	vcs                                    []*simVC
	nni                                    *sim.VLANPool
	events                                 []simEvent
}

type simVC struct {
	id, name, desc, typ, status string
	speed                       int64 // 0: the port's
	nni                         int
	port                        *simPort
	project                     *simProject
	vn                          *simVN // VLAN VCs
	vrf                         *simVrf
	subnet, metalIP, customerIP string
	md5                         string
	peerASN                     int64
	created, updated            time.Time
	events                      []simEvent
	gen                         int // bumped on every transition; stale scheduled steps are dropped
	deleted                     bool
}

// All statuses, so the initial estate shows every one of them.
var (
	vlanStatusesAll = []string{VCActive, VCWaitingOnCustomerVLAN, VCPending, VCActivating, VCChangingVLAN, VCDeactivating,
		VCDeleting, VCExpired, VCActivationFailed, VCChangingVLANFailed, VCDeactivationFailed, VCDeleteFailed, VCConfigureRoutingProtocol}
	vrfStatusesAll = []string{VCActive, VCWaitingOnPeeringDetails, VCPending, VCActivating, VCChangingPeeringDetails, VCDeactivating,
		VCDeleting, VCExpired, VCActivationFailed, VCChangingPeeringDetailsFailed, VCDeactivationFailed, VCDeleteFailed}
	vlanStatusWeights = map[string]float64{VCActive: 84, VCWaitingOnCustomerVLAN: 4, VCPending: 1, VCActivating: 2, VCChangingVLAN: 2,
		VCDeactivating: 0.5, VCDeleting: 1, VCActivationFailed: 2, VCChangingVLANFailed: 1, VCDeactivationFailed: 0.5, VCDeleteFailed: 0.5}
	vrfStatusWeights = map[string]float64{VCActive: 85, VCWaitingOnPeeringDetails: 4, VCPending: 1, VCActivating: 2, VCChangingPeeringDetails: 2,
		VCDeleting: 1, VCActivationFailed: 2, VCChangingPeeringDetailsFailed: 1, VCDeactivationFailed: 0.5, VCDeleteFailed: 0.5}
	purposes = []string{"transit", "backhaul", "cloud", "dr", "core", "edge", "replication", "storage", "peering", "mgmt"}
)

// maxEvents bounds each object's event log (oldest dropped).
const maxEvents = 200

func weighted(r *rand.Rand, weights map[string]float64, order []string) string {
	ws := make([]float64, len(order))
	for i, k := range order {
		ws[i] = weights[k]
	}
	return order[sim.Weighted(r, ws)]
}

func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Simulator) build() {
	w := s.world
	epoch := w.Epoch()
	self, other := w.Self(), w.Company(0)
	orgDefs := []struct {
		name     string
		projects []string
	}{
		{self.Name, []string{"production", "staging", "network-lab"}},
		{other.Name + " " + "Metal", []string{"analytics", "dr-site", "billing-readonly"}},
	}
	for i, od := range orgDefs {
		r := w.Rand("metal", "org", strconv.Itoa(i))
		o := &simOrg{id: sim.UUID(r), name: od.name, desc: "Equinix Metal organization of " + od.name, created: epoch.Add(-time.Duration(800+r.IntN(400)) * 24 * time.Hour)}
		for j, pn := range od.projects {
			pr := &simProject{id: sim.UUID(r), name: pn, org: o, created: o.created.Add(time.Duration(1+j*20) * 24 * time.Hour), readOnly: strings.HasSuffix(pn, "-readonly")}
			o.projects = append(o.projects, pr)
			s.projects = append(s.projects, pr)
			s.projByID[pr.id] = pr
		}
		s.orgs = append(s.orgs, o)
		s.orgByID[o.id] = o
	}
	all := sim.Metros()
	for _, code := range []string{"DA", "SV", "NY", "DC", "AM", "FR", "LD", "SG"} {
		for _, m := range all {
			if m.Code == code {
				s.metros = append(s.metros, m)
			}
		}
	}
	n := min(max(12, w.Scale()/10), 100_000)
	vcBudget := max(w.Scale(), n)
	for i := 0; i < n; i++ {
		s.generate(i, n, vcBudget)
	}
	t := w.Timing()
	for _, sc := range s.conns {
		for _, pt := range sc.ports {
			for _, vc := range pt.vcs {
				s.scheduleVC(vc)
			}
		}
		s.scheduleConn(sc)
	}
	s.engine.Every(w.Rand("metal", "arrivals"), t.ArrivalMin, t.ArrivalMax, s.arrive)
}

// generate creates interconnection i of n with its ports and VCs.
func (s *Simulator) generate(i, n, vcBudget int) {
	w := s.world
	r := w.Rand("metal", "connection", strconv.Itoa(i))
	org := s.orgs[0]
	if i%5 == 4 {
		org = s.orgs[1]
	}
	m := s.metros[(i*3+r.IntN(2))%len(s.metros)]
	created := w.Epoch().Add(-time.Duration(2+r.IntN(700*24)) * time.Hour)
	sc := &simConn{
		id: sim.UUID(r), metro: m, org: org, created: created, updated: created,
		redundancy: "primary", status: "active", mode: "",
		email:       "noc@" + w.Self().Domain,
		requestedBy: sim.UUID(r),
	}
	switch roll := r.Float64(); {
	case roll < 0.65:
		sc.typ, sc.mode = TypeDedicated, "standard"
		sc.speed = sim.Pick(r, []int64{10_000_000_000, 10_000_000_000, 10_000_000_000, 1_000_000_000, 100_000_000_000})
		if r.IntN(2) == 0 {
			sc.project = sim.Pick(r, org.projects)
		}
	case roll < 0.9:
		sc.typ = TypeShared
		sc.speed = sim.Pick(r, []int64{50_000_000, 200_000_000, 500_000_000, 1_000_000_000, 2_000_000_000, 10_000_000_000})
		sc.project = sim.Pick(r, org.projects)
	default:
		sc.typ = TypeSharedPortVLAN
		sc.speed = sim.Pick(r, []int64{500_000_000, 1_000_000_000, 10_000_000_000})
		sc.project = sim.Pick(r, org.projects)
	}
	if r.Float64() < 0.6 {
		sc.redundancy = "redundant"
	}
	code := strings.ToLower(m.Code)
	sc.name = fmt.Sprintf("%s-%s-%s-%02d", code, sim.Pick(r, purposes), map[string]string{TypeDedicated: "ded", TypeShared: "fvc", TypeSharedPortVLAN: "spv"}[sc.typ], 1+i%97)
	sc.desc = fmt.Sprintf("%s %s to %s", map[string]string{TypeDedicated: "Dedicated port", TypeShared: "Fabric VC", TypeSharedPortVLAN: "Shared port VLAN"}[sc.typ], sc.redundancy, m.Name)
	// A few interconnections are still being set up or torn down.
	portStatus := PortActive
	switch {
	case i%23 == 5 || (sc.typ == TypeShared && !s.sharedWaiting):
		// Dedicated: Equinix provisioning; shared: the service token is
		// not redeemed yet (at least one such connection waits on us).
		sc.status, portStatus = "requested", PortRequested
		sc.updated = w.Epoch().Add(-time.Duration(1+r.IntN(72)) * time.Hour)
		if sc.typ == TypeShared {
			s.sharedWaiting = true
		}
	case i%41 == 7:
		sc.status, portStatus = "deleting", PortDeleting
	case i%53 == 11 && sc.typ == TypeShared:
		sc.status, portStatus = "expired", PortExpired
	}
	roles := []string{"primary"}
	if sc.redundancy == "redundant" {
		roles = append(roles, "secondary")
	}
	for j, role := range roles {
		pt := &simPort{
			id: sim.UUID(r), role: role, status: portStatus, conn: sc, speed: sc.speed,
			name:     fmt.Sprintf("%s-%s-%s-%d", code, map[bool]string{true: "metal", false: "fabric"}[sc.typ == TypeDedicated], role[:3], i+1),
			switchID: fmt.Sprintf("%08x", r.Uint32()), link: "up",
			nni: sim.NewVLANPool(2, 4094),
		}
		if portStatus != PortActive {
			pt.link = "down"
		}
		if sc.typ == TypeDedicated && portStatus == PortActive && i%31 == 13 && j == 1 {
			pt.link = "down" // a redundant leg down: worth seeing in the tree
		}
		sc.ports = append(sc.ports, pt)
		s.portByID[pt.id] = pt
		s.event(&pt.events, created, "interconnection_port.created", fmt.Sprintf("Port %s (%s) was created", pt.name, role))
		if portStatus == PortActive {
			s.event(&pt.events, created.Add(2*time.Hour), "interconnection_port.activated", fmt.Sprintf("Port %s is active", pt.name))
		}
	}
	if sc.typ == TypeShared {
		for _, pt := range sc.ports {
			exp := created.Add(60 * 24 * time.Hour)
			if sc.status == "requested" {
				exp = w.Epoch().Add(time.Duration(10+r.IntN(40)) * 24 * time.Hour)
			}
			sc.tokens = append(sc.tokens, FabricServiceToken{ID: sim.UUID(r), ExpiresAt: stampOf(exp), MaxAllowedSpeed: sc.speed, Role: pt.role})
		}
	}
	s.event(&sc.events, created, "interconnection.requested", fmt.Sprintf("Interconnection %s was requested", sc.name))
	if sc.status == "active" {
		s.event(&sc.events, created.Add(3*time.Hour), "interconnection.activated", fmt.Sprintf("Interconnection %s is active", sc.name))
	}
	s.conns = append(s.conns, sc)
	s.connByID[sc.id] = sc

	// Virtual circuits: shared connections carry one per port; dedicated
	// ports share the rest of the budget.
	for _, pt := range sc.ports {
		k := 1
		if sc.typ == TypeDedicated {
			// About 0.56 shared VCs and 1.04 dedicated ports per
			// interconnection: spread the rest of the budget evenly.
			per := max(1, (vcBudget-n*56/100)/max(1, n*104/100))
			k = sim.IntBetween(r, max(0, per/2), per+per/2)
		}
		for v := 0; v < k; v++ {
			s.generateVC(r, sc, pt, created)
		}
	}
}

// generateVC adds one initial VC to port pt.
func (s *Simulator) generateVC(r *rand.Rand, sc *simConn, pt *simPort, connCreated time.Time) {
	w := s.world
	created := connCreated.Add(time.Duration(4+r.IntN(24*200)) * time.Hour)
	if created.After(w.Epoch()) {
		created = w.Epoch().Add(-time.Duration(1+r.IntN(48)) * time.Hour)
	}
	project := sc.project
	if project == nil {
		project = sim.Pick(r, sc.org.projects)
	}
	isVRF := (sc.typ == TypeDedicated && r.Float64() < 0.2) || (sc.typ == TypeShared && r.Float64() < 0.15)
	vc := &simVC{
		id: sim.UUID(r), port: pt, project: project, created: created, updated: created,
		typ: VCTypeVLAN,
	}
	if isVRF {
		vc.typ = VCTypeVRF
	}
	// Statuses: every one appears early on; the rest are mostly active.
	// An interconnection being set up or torn down drags its VCs along.
	switch {
	case sc.status == "requested" && sc.typ == TypeDedicated:
		vc.status = VCPending
	case sc.status == "requested":
		vc.status = VCPending // waiting for the Fabric side
	case sc.status == "deleting":
		vc.status = VCDeleting
	case sc.status == "expired":
		vc.status = VCExpired
	case isVRF:
		if s.vrfSeen < len(vrfStatusesAll) {
			vc.status = vrfStatusesAll[s.vrfSeen]
		} else {
			vc.status = weighted(r, vrfStatusWeights, vrfStatusesAll)
		}
		s.vrfSeen++
	default:
		if s.vlanSeen < len(vlanStatusesAll) {
			vc.status = vlanStatusesAll[s.vlanSeen]
		} else {
			vc.status = weighted(r, vlanStatusWeights, vlanStatusesAll)
		}
		s.vlanSeen++
	}
	if n, ok := pt.nni.TakeNear(sim.IntBetween(r, 100, 3900)); ok {
		vc.nni = n
	}
	if vc.status != VCActive && vc.status != VCExpired {
		// Whatever is in flight or waiting got there recently.
		vc.updated = w.Epoch().Add(-time.Duration(1+r.IntN(72*60)) * time.Minute)
		if vc.updated.Before(vc.created) {
			vc.updated = vc.created
		}
	}
	code := strings.ToLower(sc.metro.Code)
	if isVRF {
		vc.vrf = s.vrfFor(project, code, r)
		vc.name = fmt.Sprintf("%s-l3-%s-%d", code, vc.vrf.name, vc.nni)
		vc.peerASN = int64(sim.PrivateASN(r))
		if vc.status != VCWaitingOnPeeringDetails {
			vc.subnet, vc.metalIP, vc.customerIP = s.nextSubnet(vc.vrf)
		}
		if r.IntN(3) == 0 && vc.subnet != "" {
			vc.md5 = fmt.Sprintf("Md5%08xSim", r.Uint32()) // served as the API does; the client must mask it
		}
	} else {
		vc.name = fmt.Sprintf("%s-%s-vlan-%d", code, project.name, vc.nni)
		switch {
		case vc.status == VCWaitingOnCustomerVLAN, vc.status == VCExpired:
		case vc.status == VCPending && r.IntN(3) == 0: // will wait for its customer VLAN
		default:
			vc.vn = s.takeVN(project, code, r, vc, created)
		}
	}
	if sc.typ != TypeDedicated {
		vc.name = strings.Replace(vc.name, "-vlan-", "-fvc-", 1)
		if pt.role == "secondary" {
			vc.name += "-sec"
		}
	}
	if r.IntN(4) == 0 {
		vc.desc = sim.Pick(r, []string{"customer handoff", "backup path", "to on-prem core", "replication to DR", "cloud on-ramp"})
	}
	s.event(&vc.events, created, "virtual_circuit.created", fmt.Sprintf("Virtual circuit %s was created on port %s", vc.name, pt.name))
	switch VCState(s.wireVC(vc)) {
	case model.StateActive, model.StateChanging:
		s.event(&vc.events, created.Add(20*time.Minute), "virtual_circuit.activated", fmt.Sprintf("Virtual circuit %s is active", vc.name))
	case model.StateFailed:
		s.event(&vc.events, created.Add(20*time.Minute), "virtual_circuit."+vc.status, fmt.Sprintf("Virtual circuit %s: %s", vc.name, strings.ReplaceAll(vc.status, "_", " ")))
	}
	pt.vcs = append(pt.vcs, vc)
	s.vcByID[vc.id] = vc
}

// takeVN gives vc a virtual network of project in metro (a new one; the
// pool of VXLAN ids is per project and metro).
func (s *Simulator) takeVN(project *simProject, metro string, r *rand.Rand, vc *simVC, at time.Time) *simVN {
	key := project.id + "/" + metro
	pool := s.vnPools[key]
	if pool == nil {
		pool = sim.NewVLANPool(1000, 3999)
		s.vnPools[key] = pool
		// A few free Metro VLANs per project and metro, for the operator
		// to attach to VCs waiting on a customer VLAN.
		for k := 0; k < 3; k++ {
			if v, ok := pool.TakeNear(1000 + int(s.world.Hash("metal", "vn-free", key, strconv.Itoa(k))%900)); ok {
				s.addVN(&simVN{id: sim.UUID(r), vxlan: v, metro: metro, project: project, desc: "spare Metro VLAN", created: at})
			}
		}
	}
	v, ok := pool.TakeNear(1000 + r.IntN(2999))
	if !ok {
		return nil
	}
	vn := &simVN{id: sim.UUID(r), vxlan: v, metro: metro, project: project, desc: "Metro VLAN " + strconv.Itoa(v), created: at, vc: vc}
	s.addVN(vn)
	return vn
}

func (s *Simulator) addVN(vn *simVN) {
	s.vnByID[vn.id] = vn
	s.vnsOf[vn.project.id] = append(s.vnsOf[vn.project.id], vn)
}

// freeVN is a free virtual network of project in metro (made when none is
// left), or nil.
func (s *Simulator) freeVN(project *simProject, metro string, r *rand.Rand, at time.Time) *simVN {
	for _, vn := range s.vnsOf[project.id] {
		if vn.vc == nil && vn.metro == metro {
			return vn
		}
	}
	vn := s.takeVN(project, metro, r, nil, at)
	if vn != nil {
		vn.vc = nil
	}
	return vn
}

// vrfFor is project's VRF in metro (created on first use).
func (s *Simulator) vrfFor(project *simProject, metro string, r *rand.Rand) *simVrf {
	for _, v := range s.vrfsOf[project.id] {
		if v.metro == metro {
			return v
		}
	}
	n := len(s.vrfByID)
	v := &simVrf{
		id: sim.UUID(r), name: fmt.Sprintf("%s-%s", project.name, metro), asn: 65100 + int64(n%400),
		ranges: []string{fmt.Sprintf("10.%d.0.0/16", 64+n%128)}, metro: metro, project: project, created: project.created,
	}
	s.vrfByID[v.id] = v
	s.vrfsOf[project.id] = append(s.vrfsOf[project.id], v)
	return v
}

// nextSubnet hands out the next /30 of the VRF's range: network, Metal IP
// (first usable), customer IP (last usable).
func (s *Simulator) nextSubnet(v *simVrf) (subnet, metal, customer string) {
	var b2 int
	fmt.Sscanf(v.ranges[0], "10.%d.", &b2)
	k := v.subnets
	v.subnets++
	base := k * 4
	third, fourth := (base/256)%256, base%256
	net := fmt.Sprintf("10.%d.%d.%d", b2, third, fourth)
	return net + "/30", fmt.Sprintf("10.%d.%d.%d", b2, third, fourth+1), fmt.Sprintf("10.%d.%d.%d", b2, third, fourth+2)
}

// simEvent is one entry of an event log, kept small (every object has a
// log); wire renders it as the API's Event.
type simEvent struct {
	id0, id1  uint64 // sim.UUIDWords
	typ, body string
	at        int64 // Unix seconds (events are stamped to the second)
}

func (e *simEvent) wire() Event {
	return Event{ID: sim.FormatUUID(e.id0, e.id1), Type: e.typ, Body: e.body, Interpolated: e.body, State: "success",
		CreatedAt: stampOf(time.Unix(e.at, 0))}
}

// event appends an event to a log (bounded).
func (s *Simulator) event(log *[]simEvent, at time.Time, typ, body string) {
	e := simEvent{typ: typ, body: body, at: at.Unix()}
	e.id0, e.id1 = sim.UUIDWords(s.rnd)
	*log = append(*log, e)
	if len(*log) > maxEvents {
		*log = append((*log)[:0], (*log)[len(*log)-maxEvents:]...)
	}
}

// --- lifecycle ---

// setVC moves vc to status at now and logs it.
func (s *Simulator) setVC(vc *simVC, status string, now time.Time, note string) {
	vc.status, vc.updated = status, now
	vc.gen++
	if note == "" {
		note = fmt.Sprintf("Virtual circuit %s is %s", vc.name, strings.ReplaceAll(status, "_", " "))
	}
	s.event(&vc.events, now, "virtual_circuit."+status, note)
	s.scheduleVC(vc)
}

// later runs fn after d unless vc changed (or went) meanwhile.
func (s *Simulator) later(vc *simVC, d time.Duration, fn func(now time.Time)) {
	g := vc.gen
	s.engine.After(d, func(now time.Time) {
		if vc.gen == g && !vc.deleted {
			fn(now)
		}
	})
}

// scheduleVC schedules what follows vc's current status.
func (s *Simulator) scheduleVC(vc *simVC) {
	t := s.world.Timing()
	prov := func() time.Duration { return sim.Between(s.rnd, t.ProvisionMin, t.ProvisionMax) }
	switch vc.status {
	case VCPending:
		if vc.port.conn.typ != TypeDedicated || vc.port.status != PortActive {
			return // waits for the Fabric side / the port
		}
		s.later(vc, prov()/2, func(now time.Time) {
			switch {
			case vc.typ == VCTypeVRF:
				s.setVC(vc, VCActivating, now, "")
			case vc.vn == nil:
				s.setVC(vc, VCWaitingOnCustomerVLAN, now, fmt.Sprintf("Virtual circuit %s waits for a customer VLAN (NNI VLAN %d is set)", vc.name, vc.nni))
			default:
				s.setVC(vc, VCActivating, now, "")
			}
		})
	case VCActivating, VCConfigureRoutingProtocol:
		s.later(vc, prov(), func(now time.Time) {
			if sim.Chance(s.rnd, 0.1) {
				s.setVC(vc, VCActivationFailed, now, fmt.Sprintf("Virtual circuit %s failed to activate: switch configuration was rejected", vc.name))
				return
			}
			s.setVC(vc, VCActive, now, "")
		})
	case VCChangingVLAN:
		s.later(vc, prov(), func(now time.Time) {
			if sim.Chance(s.rnd, 0.1) {
				s.setVC(vc, VCChangingVLANFailed, now, fmt.Sprintf("Virtual circuit %s: changing the VLAN failed", vc.name))
				return
			}
			s.setVC(vc, VCActive, now, fmt.Sprintf("Virtual circuit %s is active on VLAN %s", vc.name, vnLabel(vc.vn)))
		})
	case VCChangingPeeringDetails:
		s.later(vc, prov(), func(now time.Time) { s.setVC(vc, VCActive, now, "") })
	case VCDeactivating:
		s.later(vc, prov(), func(now time.Time) {
			if vc.typ == VCTypeVRF {
				vc.subnet, vc.metalIP, vc.customerIP = "", "", ""
				s.setVC(vc, VCWaitingOnPeeringDetails, now, "")
				return
			}
			s.releaseVN(vc)
			s.setVC(vc, VCWaitingOnCustomerVLAN, now, "")
		})
	case VCDeleting:
		s.later(vc, sim.Between(s.rnd, t.DeprovisionMin, t.DeprovisionMax), func(now time.Time) { s.removeVC(vc, now) })
	}
}

func vnLabel(vn *simVN) string {
	if vn == nil {
		return "–"
	}
	return strconv.Itoa(vn.vxlan)
}

func (s *Simulator) releaseVN(vc *simVC) {
	if vc.vn != nil && vc.vn.vc == vc {
		vc.vn.vc = nil
	}
	vc.vn = nil
}

// removeVC deletes vc for good (404 afterwards).
func (s *Simulator) removeVC(vc *simVC, now time.Time) {
	vc.deleted = true
	vc.gen++
	s.releaseVN(vc)
	pt := vc.port
	if vc.nni > 0 {
		pt.nni.Release(vc.nni)
	}
	for i, x := range pt.vcs {
		if x == vc {
			pt.vcs = append(pt.vcs[:i:i], pt.vcs[i+1:]...)
			break
		}
	}
	delete(s.vcByID, vc.id)
	s.event(&pt.events, now, "virtual_circuit.deleted", fmt.Sprintf("Virtual circuit %s was deleted", vc.name))
}

// scheduleConn schedules what follows an interconnection's status.
func (s *Simulator) scheduleConn(sc *simConn) {
	t := s.world.Timing()
	g := sc.gen
	switch {
	case sc.status == "requested" && sc.typ == TypeDedicated:
		s.engine.After(sim.Between(s.rnd, t.RemoteMin, t.RemoteMax), func(now time.Time) {
			if sc.gen != g || s.connByID[sc.id] != sc {
				return
			}
			s.setConn(sc, "active", PortActive, now)
			for _, pt := range sc.ports {
				for _, vc := range pt.vcs {
					s.scheduleVC(vc) // pending VCs move on now that the port is up
				}
			}
		})
	case sc.status == "deleting":
		s.engine.After(sim.Between(s.rnd, t.DeprovisionMin, t.DeprovisionMax), func(now time.Time) {
			if sc.gen == g && s.connByID[sc.id] == sc {
				s.removeConn(sc)
			}
		})
	}
}

func (s *Simulator) setConn(sc *simConn, status, portStatus string, now time.Time) {
	sc.status, sc.updated = status, now
	sc.gen++
	s.event(&sc.events, now, "interconnection."+status, fmt.Sprintf("Interconnection %s is %s", sc.name, status))
	for _, pt := range sc.ports {
		if portStatus != "" && pt.status != portStatus {
			pt.status = portStatus
			if portStatus == PortActive {
				pt.link = "up"
			}
			s.event(&pt.events, now, "interconnection_port."+portStatus, fmt.Sprintf("Port %s is %s", pt.name, portStatus))
		}
	}
}

func (s *Simulator) removeConn(sc *simConn) {
	for _, pt := range sc.ports {
		for _, vc := range pt.vcs {
			vc.deleted = true
			vc.gen++
			s.releaseVN(vc)
			delete(s.vcByID, vc.id)
		}
		delete(s.portByID, pt.id)
	}
	delete(s.connByID, sc.id)
	for i, x := range s.conns {
		if x == sc {
			s.conns = append(s.conns[:i:i], s.conns[i+1:]...)
			break
		}
	}
}

// --- arrivals: the estate changes while the operator watches ---

func (s *Simulator) waitingOnUs() int {
	n := 0
	for _, vc := range s.vcByID {
		if vc.status == VCWaitingOnCustomerVLAN || vc.status == VCWaitingOnPeeringDetails {
			n++
		}
	}
	return n
}

// arrive is one change from elsewhere: a VC created in the portal that
// waits for its customer VLAN (half the time), an active VC's VLAN being
// changed, or a new VC that goes through activation.
func (s *Simulator) arrive(now time.Time) {
	r := s.arrivals
	roll := r.Float64()
	pt := s.pickActivePort(r)
	if pt == nil {
		return
	}
	switch {
	case roll < 0.5:
		if s.waitingOnUs() >= s.cfg.maxWaiting {
			return
		}
		vc := s.newVC(r, pt, now, false)
		if vc != nil {
			s.setVC(vc, VCWaitingOnCustomerVLAN, now, fmt.Sprintf("Virtual circuit %s was created by %s and waits for a customer VLAN (NNI VLAN %d)", vc.name, sim.UserName(r), vc.nni))
		}
	case roll < 0.85:
		vc := s.pickVC(r, func(vc *simVC) bool {
			return vc.status == VCActive && vc.typ == VCTypeVLAN && vc.vn != nil && !vc.project.readOnly
		})
		if vc == nil {
			return
		}
		vn := s.freeVN(vc.project, vc.vn.metro, r, now)
		if vn == nil {
			return
		}
		old := vc.vn.vxlan
		s.releaseVN(vc)
		vn.vc, vc.vn = vc, vn
		s.setVC(vc, VCChangingVLAN, now, fmt.Sprintf("Virtual circuit %s: VLAN change %d → %d requested by %s", vc.name, old, vn.vxlan, sim.UserName(r)))
	default:
		vc := s.newVC(r, pt, now, true)
		if vc != nil {
			s.setVC(vc, VCPending, now, fmt.Sprintf("Virtual circuit %s was created by %s", vc.name, sim.UserName(r)))
		}
	}
}

// pickActivePort picks an active dedicated port (deterministically for r).
func (s *Simulator) pickActivePort(r *rand.Rand) *simPort {
	if len(s.conns) == 0 {
		return nil
	}
	for try := 0; try < 20; try++ {
		sc := s.conns[r.IntN(len(s.conns))]
		if sc.typ != TypeDedicated || sc.status != "active" {
			continue
		}
		pt := sc.ports[r.IntN(len(sc.ports))]
		if pt.status == PortActive && pt.nni.Free() > 0 {
			return pt
		}
	}
	return nil
}

func (s *Simulator) pickVC(r *rand.Rand, ok func(*simVC) bool) *simVC {
	for try := 0; try < 40 && len(s.conns) > 0; try++ {
		sc := s.conns[r.IntN(len(s.conns))]
		pt := sc.ports[r.IntN(len(sc.ports))]
		if len(pt.vcs) == 0 {
			continue
		}
		if vc := pt.vcs[r.IntN(len(pt.vcs))]; ok(vc) {
			return vc
		}
	}
	return nil
}

// newVC makes a VLAN VC on pt (with a virtual network when withVN).
func (s *Simulator) newVC(r *rand.Rand, pt *simPort, now time.Time, withVN bool) *simVC {
	sc := pt.conn
	project := sc.project
	if project == nil || project.readOnly {
		for _, p := range sc.org.projects {
			if !p.readOnly {
				project = p
				break
			}
		}
	}
	nni, ok := pt.nni.TakeNear(sim.IntBetween(r, 100, 3900))
	if !ok {
		return nil
	}
	code := strings.ToLower(sc.metro.Code)
	vc := &simVC{id: sim.UUID(r), typ: VCTypeVLAN, port: pt, project: project, nni: nni, created: now, updated: now,
		name: fmt.Sprintf("%s-%s-vlan-%d", code, project.name, nni)}
	if withVN {
		if vn := s.freeVN(project, code, r, now); vn != nil {
			vn.vc, vc.vn = vc, vn
		}
	}
	pt.vcs = append(pt.vcs, vc)
	s.vcByID[vc.id] = vc
	return vc
}
