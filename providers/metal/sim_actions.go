package metal

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// The simulator's side of every change: request bodies are read strictly
// (unknown attributes are a 422, as a typo should be), checked the way the
// API checks them, and applied through the lifecycle in sim_world.go.

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
