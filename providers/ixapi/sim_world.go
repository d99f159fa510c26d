package ixapi

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// The simulated exchange ("NOC-IX") as one reseller account sees it: three
// metro areas with one metro area network each, their facilities and pops,
// two devices per pop, ports grouped into standalone and LAG connections
// (the world's scale is the number of ports), and on those connections
// exchange LAN, p2p and cloud network service configs for the reseller's
// customers. Each metro area network has an exchange LAN; the first has a
// hundred other members (the peers), the others fewer.

// simIX is the exchange's name.
const simIX = "NOC-IX"

// simMetros are the metro areas (sim.Metro codes).
var simMetros = []string{"FR", "AM", "LD"}

// simPeers is how many other members each exchange LAN has.
var simPeers = []int{100, 60, 40}

// simPeer is another member on an exchange LAN.
type simPeer struct {
	asn  int64
	name string
	mac  string
	ips  []string
}

// simChange is a pending change request.
type simChange struct {
	req NetworkServiceChangeRequest
	gen int // bumped on withdrawal, so a scheduled acceptance knows it is stale
}

// simState is the world's IX-API state; guarded by the engine's lock.
type simState struct {
	self         string // our account id
	metros       []*MetroArea
	mans         []*MetroAreaNetwork
	facilities   []*Facility
	pops         []*PointOfPresence
	devices      []*Device
	ports        []simPort // rendered as Ports when served (see port)
	reservations []*PortReservation
	conns        []*Connection
	services     []*NetworkService
	nscs         []*NetworkServiceConfig
	offerings    []*ProductOffering
	accounts     []*Account

	connByID    map[string]*Connection
	serviceByID map[string]*NetworkService
	nscByID     map[string]*NetworkServiceConfig
	offerByID   map[string]*ProductOffering
	popByID     map[string]*PointOfPresence
	facByID     map[string]*Facility
	manByID     map[string]*MetroAreaNetwork

	peers   map[string][]simPeer // exchange LAN service id -> members
	changes map[string]*simChange
	gens    map[string]int // change generation per service
	vlans   map[string]*sim.VLANPool
	stale   map[string]bool // traffic keys whose collector is stuck

	nscSeq, serviceSeq int

	tokenSeq      int64
	usedRefresh   map[string]bool
	revokedBefore int64
	logins        int
	loginsRefused int
	refreshes     int
	tokensIssued  int
}

func ptr[T any](v T) *T { return &v }

// simPort is one port as the world keeps it. Ports never change once
// built, so a Port is rendered from this when served (a hundred thousand
// ports are a slice of these, not a hundred thousand wire objects).
type simPort struct {
	name, state string
	status      []Status
	speed       int64 // Mbit/s
	dev         *Device
	conn        *Connection
	cust        string // consuming account
}

// portID is the id of port i ("port-0042").
func portID(i int) string { return fmt.Sprintf("port-%04d", i+1) }

// portIndex is the index of port id (ok false: there is none).
func (st *simState) portIndex(id string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "port-"))
	if err != nil || n < 1 || n > len(st.ports) || portID(n-1) != id {
		return 0, false
	}
	return n - 1, true
}

// port renders port i as the API serves it.
func (st *simState) port(i int) *Port {
	p := &st.ports[i]
	return &Port{ID: portID(i), Name: p.name, State: p.state, Status: p.status, MediaType: mediaType(p.speed), Speed: ptr(p.speed),
		Device: p.dev.ID, Pop: p.dev.Pop, Connection: ptr(p.conn.ID),
		ManagingAccount: st.self, ConsumingAccount: p.cust, BillingAccount: st.self, RoleAssignments: []string{}}
}

// portByID renders port id.
func (st *simState) portByID(id string) (*Port, bool) {
	i, ok := st.portIndex(id)
	if !ok {
		return nil, false
	}
	return st.port(i), true
}

// portPop is the pop of port id ("" if there is none), without rendering it.
func (st *simState) portPop(id string) string {
	if i, ok := st.portIndex(id); ok {
		return st.ports[i].dev.Pop
	}
	return ""
}

// Every connection offers the same VLAN types; they share one slice
// (nothing changes it).
var (
	simVLANTypes  = []string{VLANTypeDot1Q, VLANTypeQinQ, VLANTypePort}
	simEthertypes = []string{"0x8100"}
)

// buildState generates the exchange from the world at time now.
func buildState(w *sim.World, now time.Time) *simState {
	st := &simState{
		self:     "acc-self",
		connByID: make(map[string]*Connection, w.Scale()*2/3), ports: make([]simPort, 0, w.Scale()),
		serviceByID: map[string]*NetworkService{}, nscByID: make(map[string]*NetworkServiceConfig, w.Scale()), offerByID: map[string]*ProductOffering{}, popByID: map[string]*PointOfPresence{},
		facByID: map[string]*Facility{}, manByID: map[string]*MetroAreaNetwork{},
		peers: map[string][]simPeer{}, changes: map[string]*simChange{}, gens: map[string]int{},
		vlans: make(map[string]*sim.VLANPool, w.Scale()*2/3), stale: map[string]bool{}, usedRefresh: map[string]bool{},
	}
	epoch := w.Epoch()
	self := w.Self()
	st.accounts = append(st.accounts, &Account{
		ID: st.self, Name: self.Name, LegalName: ptr(self.Name + " B.V."), State: StateProduction,
		MetroAreaNetworkPresence: []string{}, Discoverable: true,
		Address: &Address{Country: "NL", Locality: "Amsterdam", PostalCode: "1012 AB", StreetAddress: "Demo Street 1"},
	})
	const customers = 24
	var custIDs []string
	for i := 0; i < customers; i++ {
		c := w.Company(i)
		id := fmt.Sprintf("acc-c%03d", i+1)
		custIDs = append(custIDs, id)
		st.accounts = append(st.accounts, &Account{
			ID: id, Name: c.Name, State: StateProduction, ManagingAccount: ptr(st.self),
			MetroAreaNetworkPresence: []string{}, ExternalRef: ptr(fmt.Sprintf("CUST-%04d", 1000+i)),
		})
	}
	// Other members (p2p partners), discoverable.
	const partners = 16
	var partnerIDs []string
	for i := 0; i < partners; i++ {
		c := w.Company(200 + i)
		id := fmt.Sprintf("acc-m%03d", i+1)
		partnerIDs = append(partnerIDs, id)
		st.accounts = append(st.accounts, &Account{ID: id, Name: c.Name, State: StateProduction, MetroAreaNetworkPresence: []string{}, Discoverable: true})
	}

	// Geography.
	var manIDs []string
	for mi, code := range simMetros {
		m, _ := sim.MetroByCode(code)
		iata := strings.ToUpper(m.IATA)
		lc := strings.ToLower(code)
		ma := &MetroArea{ID: "mta-" + lc, UNLocode: m.Country + strings.ToUpper(m.City[:3]), IATACode: iata,
			DisplayName: m.Name, Facilities: []string{}, MetroAreaNetworks: []string{}}
		if code == "FR" {
			ma.IATACode = "FRA"
		}
		man := &MetroAreaNetwork{ID: "man-" + lc, Name: simIX + "-" + ma.IATACode, MetroArea: ma.ID, ServiceProvider: simIX, Pops: []string{}}
		ma.MetroAreaNetworks = append(ma.MetroAreaNetworks, man.ID)
		st.metros = append(st.metros, ma)
		st.mans = append(st.mans, man)
		st.manByID[man.ID] = man
		manIDs = append(manIDs, man.ID)
		for fi, fcode := range m.Facilities {
			fac := &Facility{
				ID: "fac-" + strings.ToLower(fcode), Name: "Equinix " + fcode, MetroArea: ma.ID,
				AddressCountry: m.Country, AddressLocality: m.City, AddressRegion: m.Name,
				PostalCode: fmt.Sprintf("%05d", 10000+mi*1000+fi*7), StreetAddress: fmt.Sprintf("%d Datacenter Road", 10+fi*3),
				OrganisationName: "Equinix", Pops: []string{}, PeeringDBFacilityID: ptr(int(100 + w.Hash("ixapi", "pdb", fcode)%9000)),
			}
			pop := &PointOfPresence{ID: "pop-" + strings.ToLower(fcode), Name: ma.IATACode + "-" + fcode, Facility: fac.ID,
				MetroAreaNetwork: man.ID, Devices: []string{}}
			fac.Pops = append(fac.Pops, pop.ID)
			man.Pops = append(man.Pops, pop.ID)
			ma.Facilities = append(ma.Facilities, fac.ID)
			st.facilities = append(st.facilities, fac)
			st.facByID[fac.ID] = fac
			st.pops = append(st.pops, pop)
			st.popByID[pop.ID] = pop
			for d := 1; d <= 2; d++ {
				dev := &Device{ID: fmt.Sprintf("dev-%s-%d", strings.ToLower(fcode), d),
					Name: fmt.Sprintf("edge%d.%s.%s.noc-ix.example", d, strings.ToLower(fcode), strings.ToLower(ma.IATACode)),
					Pop:  pop.ID, Facility: fac.ID,
					Capabilities: []DeviceCapability{
						{MediaType: "1000BASE-LX", Speed: 1000, MaxLAG: 8, Availability: 20},
						{MediaType: "10GBASE-LR", Speed: 10000, MaxLAG: 8, Availability: 40},
						{MediaType: "100GBASE-LR4", Speed: 100000, MaxLAG: 4, Availability: 12},
					}}
				pop.Devices = append(pop.Devices, dev.ID)
				st.devices = append(st.devices, dev)
			}
		}
	}
	for _, a := range st.accounts {
		a.MetroAreaNetworkPresence = append(a.MetroAreaNetworkPresence, manIDs...)
	}

	// Product offerings.
	addOffer := func(o *ProductOffering) {
		st.offerings = append(st.offerings, o)
		st.offerByID[o.ID] = o
	}
	for i, man := range st.mans {
		ma := st.metros[i]
		lc := strings.TrimPrefix(man.ID, "man-")
		base := func(id, typ, name string, bmin, bmax int64) *ProductOffering {
			return &ProductOffering{ID: id, Type: typ, Name: name, DisplayName: name, ProviderVLANs: "multi",
				ResourceType: "network_service_config", HandoverMetroAreaNetwork: man.ID, HandoverMetroArea: ma.ID,
				ServiceMetroAreaNetwork: man.ID, ServiceMetroArea: ma.ID, BandwidthMin: ptr(bmin), BandwidthMax: ptr(bmax),
				PhysicalPortSpeed: nil, ServiceProvider: simIX, DowngradeAllowed: true, UpgradeAllowed: true}
		}
		lan := base("po-lan-"+lc, TypeExchangeLAN, simIX+" "+ma.IATACode+" peering", 1000, 400000)
		lan.ExchangeLANNetworkSvc = "ns-lan-" + lc
		addOffer(lan)
		p2p := base("po-p2p-"+lc, TypeP2PVC, simIX+" "+ma.IATACode+" virtual PNI up to 10G", 100, 10000)
		p2p.ResourceType = "network_service"
		addOffer(p2p)
		p2pBig := base("po-p2p-"+lc+"-100g", TypeP2PVC, simIX+" "+ma.IATACode+" virtual PNI up to 100G", 10000, 100000)
		p2pBig.ResourceType = "network_service"
		addOffer(p2pBig)
		for _, cloud := range []struct{ slug, name, region string }{
			{"aws", "Amazon Web Services", "eu-central-1"}, {"azure", "Microsoft Azure", "westeurope"}, {"gcp", "Google Cloud", "europe-west3"},
		} {
			o := base("po-cloud-"+cloud.slug+"-"+lc, TypeCloudVC, cloud.name+" "+ma.IATACode, 50, 10000)
			o.ResourceType = "network_service"
			o.ServiceProvider = cloud.name
			o.ServiceProviderRegion = ptr(cloud.region)
			o.ServiceProviderPop = ptr(strings.ToUpper(lc) + "1")
			o.ServiceProviderWorkflow = "provider_first"
			o.DeliveryMethod = "shared"
			o.Diversity = 1
			addOffer(o)
		}
		// The exchange LAN.
		feats := []string{}
		lanSvc := &NetworkService{
			ID: "ns-lan-" + lc, Type: TypeExchangeLAN, Name: simIX + " " + ma.IATACode + " peering LAN", State: StateProduction,
			ManagingAccount: st.self, ConsumingAccount: st.self, ProductOffering: lan.ID,
			MetroAreaNetwork: man.ID, NetworkFeatures: &feats,
			SubnetV4: fmt.Sprintf("10.%d.0.0/22", 10+i), SubnetV6: fmt.Sprintf("2001:db8:%x::/64", 0x10+i),
			PeeringDBIXID: ptr(int(900 + i)), IXFDBIXID: ptr(int(500 + i)),
		}
		st.addService(lanSvc)
		st.peers[lanSvc.ID] = makePeers(w, i, simPeers[i%len(simPeers)])
	}

	// Ports and connections, built connection by connection.
	r := w.Rand("ixapi", "layout")
	devs := st.devices
	portSeq, connSeq := 0, 0
	portsOnDevice := map[string]*deviceNames{}
	nPorts := w.Scale()
	for portSeq < nPorts {
		connSeq++
		cid := fmt.Sprintf("conn-%04d", connSeq)
		cr := w.Rand("ixapi", "connection", cid)
		dev := devs[r.IntN(len(devs))]
		n := 1
		mode := ModeStandalone
		if sim.Chance(cr, 0.35) {
			n = sim.IntBetween(cr, 2, 4)
			mode = ModeLAGLACP
			if sim.Chance(cr, 0.15) {
				mode = ModeLAGStatic
			}
		}
		n = min(n, nPorts-portSeq)
		ids := make([]string, n)
		hot := false
		for k := range ids {
			ids[k] = fmt.Sprintf("port-%04d", portSeq+k+1)
			if w.Traffic().Profile(trafficKey("port", ids[k])).Class == sim.TrafficHot {
				hot = true
			}
		}
		portSeq += n
		// Saturated links are the small ones waiting for an upgrade.
		speeds := []int64{1000, 10000, 100000}
		weights := []float64{0.12, 0.58, 0.30}
		if hot {
			weights = []float64{0.3, 0.7, 0}
		}
		speed := speeds[sim.Weighted(cr, weights)]
		cust := custIDs[cr.IntN(len(custIDs))]
		state := pickState(cr)
		conn := &Connection{
			ID: cid, State: state, Mode: mode, Ports: ids, Speed: ptr(speed * int64(n)),
			VLANTypes: simVLANTypes, OuterVLANEthertypes: simEthertypes,
			ManagingAccount: st.self, ConsumingAccount: cust, BillingAccount: st.self, RoleAssignments: []string{},
			PurchaseOrder: fmt.Sprintf("PO-%05d", 20000+connSeq),
		}
		pop := st.popByID[dev.Pop]
		conn.Name = fmt.Sprintf("%s-%s-%04d", strings.ToUpper(strings.TrimPrefix(cust, "acc-")), pop.Name, connSeq)
		if mode == ModeLAGLACP {
			conn.LACPTimeout = ptr([]string{"slow", "fast"}[cr.IntN(2)])
		}
		if sim.Chance(cr, 0.3) {
			conn.ExternalRef = ptr(fmt.Sprintf("CKT-%06d", 100000+connSeq*17))
		}
		conn.Status = statusFor(cr, state, now)
		st.conns = append(st.conns, conn)
		st.connByID[cid] = conn
		st.vlans[cid] = sim.NewVLANPool(sim.MinVLAN, sim.MaxVLAN)
		names := portsOnDevice[dev.ID]
		if names == nil {
			names = &deviceNames{other: map[string]bool{}}
			portsOnDevice[dev.ID] = names
		}
		for _, pid := range ids {
			pr := w.Rand("ixapi", "port", pid)
			pfx, fpc, pic, num := sim.InterfaceNameParts(pr, speed)
			name := "" // set: a name beyond the drawn ones
			for try := 0; (name == "" && names.drawn(pfx, fpc, pic, num)) || (name != "" && names.other[name]); try++ {
				if try >= 20 {
					// The device's usual name space is full (big scales):
					// line cards 10 and up are never drawn above.
					k := names.n
					name = fmt.Sprintf("%s-%d/%d/%d", pfx, 10+k/2304, (k/48)%48, k%48)
					continue
				}
				pfx, fpc, pic, num = sim.InterfaceNameParts(pr, speed)
			}
			if name == "" {
				name = sim.FormatInterfaceName(pfx, fpc, pic, num)
				names.take(pfx, fpc, pic, num)
			} else {
				names.other[name] = true
			}
			names.n++
			pstate := StateProduction
			if state != StateProduction && state != StateProductionChangePending {
				pstate = state
			}
			port := simPort{name: name, state: pstate, speed: speed, dev: dev, conn: conn, cust: cust}
			if sim.Chance(pr, 0.03) && pstate == StateProduction {
				port.status = []Status{{Severity: 4, Tag: "optics.rx_power_low", Message: "receive power -14.2 dBm below warning threshold",
					Attrs: map[string]any{"rx_dbm": -14.2}, Timestamp: FormatTimestamp(now.Add(-time.Duration(pr.IntN(3600)) * time.Second))}}
			}
			st.ports = append(st.ports, port)
			if sim.Chance(pr, 0.02) {
				st.stale[trafficKey("port", pid)] = true
			}
		}
		if sim.Chance(cr, 0.25) {
			st.reservations = append(st.reservations, &PortReservation{ID: fmt.Sprintf("pr-%04d", len(st.reservations)+1),
				State: StateProduction, Connection: cid, Port: ptr(ids[0]), PurchaseOrder: conn.PurchaseOrder})
		}
		st.addConfigs(w, conn, partnerIDs, epoch, now)
	}
	// A few pending change requests to begin with.
	rc := w.Rand("ixapi", "initial-changes")
	for _, svc := range st.services {
		if svc.Type == TypeP2PVC && svc.State == StateProduction && sim.Chance(rc, 0.12) {
			if cr, ok := st.proposeChange(svc); ok {
				st.changes[svc.ID] = &simChange{req: cr, gen: st.gens[svc.ID]}
				svc.State = StateProductionChangePending
			}
		}
	}
	return st
}

// deviceNames are the interface names taken on a device: the drawn ones
// (sim.InterfaceNameParts) as bits, the overflow names (line cards 10 and
// up, never drawn) by name.
type deviceNames struct {
	bits  [3 * 4 * 4 * 48 / 64]uint64
	other map[string]bool
	n     int
}

func drawnBit(pfx string, fpc, pic, port int) int {
	p := 2
	switch pfx {
	case "ge":
		p = 0
	case "xe":
		p = 1
	}
	return ((p*4+fpc)*4+pic)*48 + port
}

func (d *deviceNames) drawn(pfx string, fpc, pic, port int) bool {
	b := drawnBit(pfx, fpc, pic, port)
	return d.bits[b/64]&(1<<(b%64)) != 0
}

func (d *deviceNames) take(pfx string, fpc, pic, port int) {
	b := drawnBit(pfx, fpc, pic, port)
	d.bits[b/64] |= 1 << (b % 64)
}

// pickState gives most objects production and a few every other state.
func pickState(r *rand.Rand) string {
	states := []string{StateProduction, StateRequested, StateAllocated, StateTesting, StateError, StateOperator, StateScheduled, StateDecommissionRequested, StateDecommissioned}
	return states[sim.Weighted(r, []float64{0.86, 0.02, 0.02, 0.02, 0.02, 0.01, 0.01, 0.02, 0.02})]
}

func statusFor(r *rand.Rand, state string, now time.Time) []Status {
	ts := FormatTimestamp(now.Add(-time.Duration(r.IntN(86400)) * time.Second))
	switch state {
	case StateError:
		return []Status{{Severity: 3, Tag: "link.down", Message: "link down: no light received", Attrs: map[string]any{"since": ts}, Timestamp: ts}}
	case StateOperator:
		return []Status{{Severity: 5, Tag: "operator.action_required", Message: "cross-connect pending at the facility", Attrs: map[string]any{}, Timestamp: ts}}
	case StateScheduled:
		return []Status{{Severity: 6, Tag: "scheduled", Message: "provisioning scheduled for the next maintenance window", Attrs: map[string]any{}, Timestamp: ts}}
	}
	return nil
}

func mediaType(speed int64) string {
	switch {
	case speed <= 1000:
		return "1000BASE-LX"
	case speed <= 10000:
		return "10GBASE-LR"
	}
	return "100GBASE-LR4"
}

// makePeers draws the other members of exchange LAN i.
func makePeers(w *sim.World, lan, n int) []simPeer {
	out := make([]simPeer, n)
	for k := range out {
		c := w.Company(40 + lan*150 + k)
		h := w.Hash("ixapi", "peer-mac", strconv.Itoa(lan), strconv.Itoa(k))
		out[k] = simPeer{
			asn:  int64(c.ASN) + int64(k)*7%1000,
			name: c.Name,
			mac:  fmt.Sprintf("02:%02x:%02x:%02x:%02x:%02x", byte(h>>32), byte(h>>24), byte(h>>16), byte(h>>8), byte(k)),
			ips:  []string{fmt.Sprintf("10.%d.%d.%d", 10+lan, 1+k/250, 1+k%250), fmt.Sprintf("2001:db8:%x::%x", 0x10+lan, 0x100+k)},
		}
	}
	return out
}

func (st *simState) addService(s *NetworkService) {
	st.services = append(st.services, s)
	st.serviceByID[s.ID] = s
}

func (st *simState) addNSC(n *NetworkServiceConfig) {
	st.nscs = append(st.nscs, n)
	st.nscByID[n.ID] = n
}

// manOf is the metro area network of a connection.
func (st *simState) manOf(c *Connection) *MetroAreaNetwork {
	if len(c.Ports) == 0 {
		return st.mans[0]
	}
	return st.manByID[st.popByID[st.portPop(c.Ports[0])].MetroAreaNetwork]
}

// takeVLAN reserves a stable, hash-derived VLAN on a connection.
func (st *simState) takeVLAN(w *sim.World, connID, key string) int {
	pool := st.vlans[connID]
	v, _ := pool.TakeNear(int(w.Hash("ixapi", "vlan", connID, key)%4000) + 100)
	return v
}

// addConfigs gives a connection its network service configs.
func (st *simState) addConfigs(w *sim.World, c *Connection, partners []string, epoch, now time.Time) {
	if c.State == StateRequested || c.State == StateDecommissioned {
		return
	}
	r := w.Rand("ixapi", "configs", c.ID)
	man := st.manOf(c)
	lc := strings.TrimPrefix(man.ID, "man-")
	lanID := "ns-lan-" + lc
	cust := c.ConsumingAccount
	ci, _ := strconv.Atoi(strings.TrimPrefix(cust, "acc-c"))
	custASN := int64(w.Company(max(ci-1, 0)).ASN)
	newNSC := func(typ, svc string) *NetworkServiceConfig {
		st.nscSeq++
		n := &NetworkServiceConfig{
			ID: fmt.Sprintf("nsc-%04d", st.nscSeq), Type: typ, State: StateProduction, NetworkService: svc, Connection: c.ID,
			ManagingAccount: st.self, ConsumingAccount: cust, BillingAccount: st.self, RoleAssignments: []string{},
		}
		if c.State != StateProduction {
			n.State = c.State
		} else if sim.Chance(r, 0.06) {
			n.State = pickState(r)
		}
		n.Status = statusFor(r, n.State, now)
		return n
	}
	dot1q := func(key string) *VLANConfig {
		return &VLANConfig{VLANType: VLANTypeDot1Q, VLAN: ptr(st.takeVLAN(w, c.ID, key)), VLANEthertype: "0x8100"}
	}
	if sim.Chance(r, 0.75) {
		n := newNSC(TypeExchangeLAN, lanID)
		n.ProductOffering = "po-lan-" + lc
		n.ASNs = []int64{custASN}
		n.Listed = ptr(sim.Chance(r, 0.8))
		n.MACs = []string{}
		if c.Mode == ModeStandalone && sim.Chance(r, 0.3) {
			n.VLANConfig = &VLANConfig{VLANType: VLANTypePort}
		} else {
			n.VLANConfig = dot1q("lan")
		}
		if sim.Chance(r, 0.4) {
			n.Capacity = ptr(*c.Speed / 2)
		}
		st.addNSC(n)
	}
	for k := 0; k < 2 && sim.Chance(r, 0.3); k++ {
		st.serviceSeq++
		cap := []int64{200, 500, 1000, 2000, 5000}[r.IntN(5)]
		svc := &NetworkService{
			ID: fmt.Sprintf("ns-p2p-%04d", st.serviceSeq), Type: TypeP2PVC, State: StateProduction,
			ManagingAccount: st.self, ConsumingAccount: cust, BillingAccount: st.self,
			ProductOffering: "po-p2p-" + lc, Capacity: ptr(cap), JoiningMemberAccount: partners[r.IntN(len(partners))],
		}
		n := newNSC(TypeP2PVC, svc.ID)
		n.VLANConfig = dot1q("p2p" + strconv.Itoa(k))
		if sim.Chance(r, 0.2) {
			n.VLANConfig = &VLANConfig{VLANType: VLANTypeQinQ, OuterVLAN: ptr(st.takeVLAN(w, c.ID, "p2p-outer"+strconv.Itoa(k))),
				InnerVLAN: ptr(100 + r.IntN(3000)), OuterVLANEthertype: "0x8100"}
		}
		n.Capacity = ptr(cap)
		svc.State = n.State
		if svc.State == StateError || svc.State == StateOperator {
			svc.State = StateProduction
		}
		st.addService(svc)
		st.addNSC(n)
	}
	if sim.Chance(r, 0.15) {
		clouds := []string{"aws", "azure", "gcp"}
		cl := clouds[r.IntN(len(clouds))]
		st.serviceSeq++
		cap := []int64{50, 100, 500, 1000}[r.IntN(4)]
		svc := &NetworkService{
			ID: fmt.Sprintf("ns-cloud-%04d", st.serviceSeq), Type: TypeCloudVC, State: StateProduction,
			ManagingAccount: st.self, ConsumingAccount: cust, BillingAccount: st.self,
			ProductOffering: "po-cloud-" + cl + "-" + lc, Capacity: ptr(cap),
			CloudKey: sim.UUID(r), Diversity: 1, ProviderRef: ptr(fmt.Sprintf("dxcon-%08x", r.Uint32())),
		}
		n := newNSC(TypeCloudVC, svc.ID)
		n.VLANConfig = dot1q("cloud")
		n.Handover = 1
		n.CloudVLAN = ptr(100 + r.IntN(3900))
		n.Capacity = ptr(cap)
		st.addService(svc)
		st.addNSC(n)
	}
	// Services other members created for our customer to join (we are
	// their B-side); drawn from a stream of their own so the rest of the
	// world does not move. Last, because newNSC draws from r.
	rj := w.Rand("ixapi", "joined", c.ID)
	if c.State == StateProduction && sim.Chance(rj, 0.12) {
		st.serviceSeq++
		partner := partners[rj.IntN(len(partners))]
		cap := []int64{200, 500, 1000, 2000}[rj.IntN(4)]
		svc := &NetworkService{
			ID: fmt.Sprintf("ns-p2p-%04d", st.serviceSeq), Type: TypeP2PVC, State: StateProduction,
			ManagingAccount: partner, ConsumingAccount: partner, BillingAccount: partner,
			ProductOffering: "po-p2p-" + lc, Capacity: ptr(cap), JoiningMemberAccount: cust,
		}
		n := newNSC(TypeP2PVC, svc.ID)
		n.State = StateProduction
		n.Status = nil
		n.VLANConfig = dot1q("p2p-joined")
		n.Capacity = ptr(cap)
		st.addService(svc)
		st.addNSC(n)
	}
}

// isOurs reports whether acc is our account or one we manage.
func (st *simState) isOurs(acc string) bool {
	if acc == st.self {
		return true
	}
	for _, a := range st.accounts {
		if a.ID == acc {
			return a.ManagingAccount != nil && *a.ManagingAccount == st.self
		}
	}
	return false
}

// filedByUs reports whether we are the B-side of p2p_vc svc (we joined a
// service another member created), so its change requests are ours.
func (st *simState) filedByUs(svc *NetworkService) bool {
	return svc.Type == TypeP2PVC && st.isOurs(svc.JoiningMemberAccount) && !st.isOurs(svc.ConsumingAccount)
}

// proposeChange is a change request one step up in capacity.
func (st *simState) proposeChange(svc *NetworkService) (NetworkServiceChangeRequest, bool) {
	po, ok := st.offerByID[svc.ProductOffering]
	if !ok {
		return NetworkServiceChangeRequest{}, false
	}
	next := nextCapacity(svc.Capacity, *po, true)
	if next == 0 {
		return NetworkServiceChangeRequest{}, false
	}
	return NetworkServiceChangeRequest{ProductOffering: po.ID, Capacity: ptr(next)}, true
}

// trafficKey names a traffic stream of the world's generator.
func trafficKey(kind, id string) string { return "ixapi/" + kind + "/" + id }

// --- filter attributes ----------------------------------------------------

func one(s string) []string { return []string{s} }

func attrsMetro(it any, f string) ([]string, bool) {
	m := it.(*MetroArea)
	switch f {
	case "id":
		return one(m.ID), true
	}
	return nil, false
}

func attrsMAN(it any, f string) ([]string, bool) {
	m := it.(*MetroAreaNetwork)
	switch f {
	case "id":
		return one(m.ID), true
	case "name":
		return one(m.Name), true
	case "metro_area":
		return one(m.MetroArea), true
	case "service_provider":
		return one(m.ServiceProvider), true
	}
	return nil, false
}

func attrsFacility(st *simState) func(any, string) ([]string, bool) {
	return func(it any, f string) ([]string, bool) {
		x := it.(*Facility)
		switch f {
		case "id":
			return one(x.ID), true
		case "metro_area":
			return one(x.MetroArea), true
		case "organisation_name":
			return one(x.OrganisationName), true
		case "address_country":
			return one(x.AddressCountry), true
		case "address_locality":
			return one(x.AddressLocality), true
		case "postal_code":
			return one(x.PostalCode), true
		case "metro_area_network":
			var out []string
			for _, p := range x.Pops {
				if pop, ok := st.popByID[p]; ok {
					out = append(out, pop.MetroAreaNetwork)
				}
			}
			return out, true
		}
		return nil, false
	}
}

func attrsPop(it any, f string) ([]string, bool) {
	p := it.(*PointOfPresence)
	switch f {
	case "id":
		return one(p.ID), true
	case "facility":
		return one(p.Facility), true
	case "metro_area_network":
		return one(p.MetroAreaNetwork), true
	}
	return nil, false
}

func attrsDevice(st *simState) func(any, string) ([]string, bool) {
	return func(it any, f string) ([]string, bool) {
		d := it.(*Device)
		switch f {
		case "id":
			return one(d.ID), true
		case "name":
			return one(d.Name), true
		case "pop":
			return one(d.Pop), true
		case "facility":
			return one(d.Facility), true
		case "metro_area_network":
			if p, ok := st.popByID[d.Pop]; ok {
				return one(p.MetroAreaNetwork), true
			}
			return nil, true
		}
		return nil, false
	}
}

func attrsPort(it any, f string) ([]string, bool) {
	p := it.(*Port)
	switch f {
	case "id":
		return one(p.ID), true
	case "state":
		return one(p.State), true
	case "media_type":
		return one(p.MediaType), true
	case "pop":
		return one(p.Pop), true
	case "name":
		return one(p.Name), true
	case "device":
		return one(p.Device), true
	case "external_ref":
		return one(ptrString(p.ExternalRef)), true
	case "speed":
		if p.Speed != nil {
			return one(strconv.FormatInt(*p.Speed, 10)), true
		}
		return nil, true
	case "connection":
		return one(ptrString(p.Connection)), true
	}
	return nil, false
}

func attrsReservation(it any, f string) ([]string, bool) {
	p := it.(*PortReservation)
	switch f {
	case "id":
		return one(p.ID), true
	case "state":
		return one(p.State), true
	case "connection":
		return one(p.Connection), true
	case "port":
		return one(ptrString(p.Port)), true
	}
	return nil, false
}

func attrsConnection(st *simState) func(any, string) ([]string, bool) {
	return func(it any, f string) ([]string, bool) {
		c := it.(*Connection)
		switch f {
		case "id":
			return one(c.ID), true
		case "state":
			return one(c.State), true
		case "mode":
			return one(c.Mode), true
		case "name":
			return one(c.Name), true
		case "external_ref":
			return one(ptrString(c.ExternalRef)), true
		case "pop", "facility", "metro_area_network":
			var out []string
			for _, pid := range c.Ports {
				pop := st.popByID[st.portPop(pid)]
				switch f {
				case "pop":
					out = append(out, pop.ID)
				case "facility":
					out = append(out, pop.Facility)
				default:
					out = append(out, pop.MetroAreaNetwork)
				}
			}
			return out, true
		}
		return nil, false
	}
}

func attrsService(it any, f string) ([]string, bool) {
	s := it.(*NetworkService)
	switch f {
	case "id":
		return one(s.ID), true
	case "state":
		return one(s.State), true
	case "type":
		return one(s.Type), true
	case "managing_account":
		return one(s.ManagingAccount), true
	case "consuming_account":
		return one(s.ConsumingAccount), true
	case "external_ref":
		return one(ptrString(s.ExternalRef)), true
	case "product_offering":
		return one(s.ProductOffering), true
	}
	return nil, false
}

func attrsNSC(it any, f string) ([]string, bool) {
	n := it.(*NetworkServiceConfig)
	switch f {
	case "id":
		return one(n.ID), true
	case "state":
		return one(n.State), true
	case "type":
		return one(n.Type), true
	case "managing_account":
		return one(n.ManagingAccount), true
	case "consuming_account":
		return one(n.ConsumingAccount), true
	case "external_ref":
		return one(ptrString(n.ExternalRef)), true
	case "network_service":
		return one(n.NetworkService), true
	case "connection":
		return one(n.Connection), true
	case "product_offering":
		return one(n.ProductOffering), true
	case "capacity":
		if n.Capacity != nil {
			return one(strconv.FormatInt(*n.Capacity, 10)), true
		}
		return nil, true
	case "outer_vlan", "inner_vlan":
		if v := n.VLANConfig; v != nil {
			var t *int
			switch {
			case f == "outer_vlan" && v.VLANType == VLANTypeQinQ:
				t = v.OuterVLAN
			case f == "outer_vlan" && v.VLANType == VLANTypeDot1Q:
				t = v.VLAN
			case f == "inner_vlan":
				t = v.InnerVLAN
			}
			if t != nil {
				return one(strconv.Itoa(*t)), true
			}
		}
		return nil, true
	}
	return nil, false
}

func attrsOffering(it any, f string) ([]string, bool) {
	o := it.(*ProductOffering)
	switch f {
	case "id":
		return one(o.ID), true
	case "type":
		return one(o.Type), true
	case "name":
		return one(o.Name), true
	case "handover_metro_area":
		return one(o.HandoverMetroArea), true
	case "handover_metro_area_network":
		return one(o.HandoverMetroAreaNetwork), true
	case "service_metro_area":
		return one(o.ServiceMetroArea), true
	case "service_metro_area_network":
		return one(o.ServiceMetroAreaNetwork), true
	case "service_provider":
		return one(o.ServiceProvider), true
	case "delivery_method":
		return one(o.DeliveryMethod), true
	}
	return nil, false
}

func attrsAccount(it any, f string) ([]string, bool) {
	a := it.(*Account)
	switch f {
	case "id":
		return one(a.ID), true
	case "state":
		return one(a.State), true
	case "name":
		return one(a.Name), true
	case "managing_account":
		return one(ptrString(a.ManagingAccount)), true
	case "external_ref":
		return one(ptrString(a.ExternalRef)), true
	}
	return nil, false
}
