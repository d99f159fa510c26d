package metal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// What can be planned (every request is shown in the confirmation exactly
// as Do sends it; none is ever retried):
//
//	virtual circuit  ActionUpdate     PUT /virtual-circuits/{id}     name, description, speed (dedicated), vnid (VLAN VC),
//	                                                                 peer_asn, subnet, metal_ip, customer_ip (VRF VC)
//	                 ActionApprove    PUT /virtual-circuits/{id}     {"vnid"}: sets the Metal VLAN of a VC waiting on
//	                                                                 a customer VLAN (Prepare proposes a free virtual network)
//	                 ActionDecommission DELETE /virtual-circuits/{id}  dedicated ports only; typed-name confirmation
//	interconnection  ActionUpdate     PUT /connections/{id}          name, description, contact_email, mode (dedicated, no VCs)
//	                 ActionDecommission DELETE /connections/{id}       with its ports and VCs; typed-name confirmation
//	                 ActionCreateVirtualCircuit POST /connections/{id}/ports/{port}/virtual-circuits
//	                                  VLAN VC: project, vnid, nni_vlan; VRF VC (ParamVRF set): vrf, subnet, peer_asn, nni_vlan
//	organization or  ActionRequestInterconnection POST /organizations/{id}/connections or /projects/{id}/connections
//	project                           dedicated, shared (service tokens) or shared_port_vlan
//
// A BGP MD5 password is never put into a request: noctop shows and audits
// every body, and the password must appear in neither. Set it in the
// Metal portal.

// Plan builds the exact request for req. It does no I/O: it works from
// the objects read by the last Connections, Inventory or Connection call.
func (p *Provider) Plan(req model.ActionRequest) (model.Action, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ix := p.ix
	if ix == nil {
		return model.Action{}, errorf("nothing loaded yet: refresh the list first")
	}
	id := req.Target.ID
	switch req.Kind {
	case model.ActionRequestInterconnection:
		return p.planRequest(ix, req)
	}
	if e, ok := ix.vcByID[id]; ok && req.Target.Type != RefInterconnection {
		return p.planVC(ix, req, e)
	}
	if e, ok := ix.connByID[id]; ok {
		return p.planConn(ix, req, e)
	}
	return model.Action{}, errorf("%s %q is not loaded: refresh the list first", firstNonEmpty(req.Target.Type, "object"), truncate(firstNonEmpty(req.Target.Name, id), 60))
}

func param(req model.ActionRequest, k string) (string, bool) {
	v, ok := req.Params[k]
	return strings.TrimSpace(v), ok && strings.TrimSpace(v) != ""
}

func indent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "  ") }

func vcLabel(vc VirtualCircuit) string { return model.SafeText(firstNonEmpty(vc.Name(), vc.ID())) }

// --- virtual circuits ---

func (p *Provider) planVC(ix *index, req model.ActionRequest, e *vcEntry) (model.Action, error) {
	vc, conn := e.vc, e.conn
	name := vcLabel(vc)
	path, err := objPath("virtual circuit", PathVirtualCircuits, vc.ID())
	if err != nil {
		return model.Action{}, err
	}
	a := model.Action{Request: req}
	switch req.Kind {
	case model.ActionDecommission:
		if conn.ic.Type != TypeDedicated {
			return model.Action{}, fmt.Errorf("%w: metal: virtual circuits of a shared interconnection go with it; delete interconnection %s instead",
				model.ErrUnsupported, model.SafeText(firstNonEmpty(conn.ic.Name, conn.ic.ID)))
		}
		if vc.Status() == VCDeleting {
			return model.Action{}, errorf("%s is already being deleted", name)
		}
		a.Title = fmt.Sprintf("Delete virtual circuit %s (NNI VLAN %s on %s)", name, orDash(vc.NNIVlan()), model.SafeText(firstNonEmpty(conn.ic.Name, conn.ic.ID)))
		a.Risk, a.ConfirmText = model.RiskHigh, name
		a.HTTP = model.HTTPRequest{Method: http.MethodDelete, Path: path}
		return a, nil
	case model.ActionApprove:
		if vc.Status() != VCWaitingOnCustomerVLAN {
			return model.Action{}, fmt.Errorf("%w: metal: %s is %s, not waiting on a customer VLAN", model.ErrUnsupported, name, model.SafeText(vc.Status()))
		}
		v, ok := param(req, model.ParamVNID)
		if !ok {
			return model.Action{}, fmt.Errorf("%w: choose the virtual network (VLAN) for %s", model.ErrPrepareFirst, name)
		}
		vnid, err := checkVNID(v)
		if err != nil {
			return model.Action{}, err
		}
		body := VirtualCircuitUpdateInput{VNID: &vnid}
		a.Title = fmt.Sprintf("Set the Metal VLAN of %s to %s", name, vnidLabel(req, vnid))
		a.Risk = model.RiskMedium
		b, err := indent(body)
		if err != nil {
			return model.Action{}, err
		}
		a.HTTP = model.HTTPRequest{Method: http.MethodPut, Path: path, Body: b}
		return a, nil
	case model.ActionUpdate:
	default:
		return model.Action{}, fmt.Errorf("%w: metal: %s on a virtual circuit", model.ErrUnsupported, req.Kind)
	}
	if vc.Status() == VCDeleting {
		return model.Action{}, errorf("%s is being deleted", name)
	}
	var (
		body    VirtualCircuitUpdateInput
		changes []string
		risk    = model.RiskLow
	)
	str := func(k string, dst **string, label string) {
		if v, ok := req.Params[k]; ok {
			v = strings.TrimSpace(v)
			*dst = &v
			changes = append(changes, label+" → "+strconv.Quote(model.SafeText(v)))
		}
	}
	str(model.ParamName, &body.Name, "name")
	str(model.ParamDescription, &body.Description, "description")
	if v, ok := param(req, model.ParamSpeed); ok {
		if conn.ic.Type != TypeDedicated {
			return model.Action{}, fmt.Errorf("%w: metal: the speed of a virtual circuit can only be changed on a dedicated port", model.ErrUnsupported)
		}
		sp, err := checkSpeed(v)
		if err != nil {
			return model.Action{}, err
		}
		body.Speed, risk = &sp, model.RiskMedium
		changes = append(changes, "speed → "+sp)
	}
	if v, ok := param(req, model.ParamVNID); ok {
		if vc.IsVRF() {
			return model.Action{}, errorf("%s is a VRF circuit: it has no VLAN (vnid) to set", name)
		}
		vnid, err := checkVNID(v)
		if err != nil {
			return model.Action{}, err
		}
		body.VNID, risk = &vnid, model.RiskMedium
		changes = append(changes, "Metal VLAN → "+vnidLabel(req, vnid))
	}
	for _, k := range []string{model.ParamPeerASN, model.ParamSubnet, model.ParamMetalIP, model.ParamCustomerIP} {
		if _, ok := param(req, k); ok && !vc.IsVRF() {
			return model.Action{}, errorf("%s is a VLAN circuit: %s only applies to VRF circuits", name, k)
		}
	}
	if vc.IsVRF() {
		peering, err := vrfPeering(req, false)
		if err != nil {
			return model.Action{}, err
		}
		if peering.asn > 0 {
			body.PeerASN = &peering.asn
			changes = append(changes, fmt.Sprintf("peer ASN → %d", peering.asn))
		}
		if peering.subnet != "" {
			body.Subnet = &peering.subnet
			changes = append(changes, "subnet → "+peering.subnet)
		}
		if peering.metalIP != "" {
			body.MetalIP = &peering.metalIP
			changes = append(changes, "Metal IP → "+peering.metalIP)
		}
		if peering.customerIP != "" {
			body.CustomerIP = &peering.customerIP
			changes = append(changes, "customer IP → "+peering.customerIP)
		}
		if peering.any() {
			risk = model.RiskMedium // the BGP session is reset
		}
	}
	if len(changes) == 0 {
		return model.Action{}, errorf("nothing to change on %s: give a new name, description, speed or VLAN", name)
	}
	b, err := indent(body)
	if err != nil {
		return model.Action{}, err
	}
	a.Title = fmt.Sprintf("Update virtual circuit %s: %s", name, strings.Join(changes, ", "))
	a.Risk = risk
	a.HTTP = model.HTTPRequest{Method: http.MethodPut, Path: path, Body: b}
	return a, nil
}

// checkVNID accepts a virtual network UUID or a VLAN number (2..3999, the
// range of Metro VLANs).
func checkVNID(v string) (string, error) {
	if validID.MatchString(v) {
		return strings.ToLower(v), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 || n > 3999 {
		return "", errorf("VLAN %q is neither a virtual network UUID nor a VLAN number in 2..3999", truncate(v, 40))
	}
	return strconv.Itoa(n), nil
}

func vnidLabel(req model.ActionRequest, vnid string) string {
	if v, ok := param(req, model.ParamVLAN); ok && validID.MatchString(vnid) {
		return "VLAN " + model.SafeText(v) + " (virtual network " + vnid + ")"
	}
	if validID.MatchString(vnid) {
		return "virtual network " + vnid
	}
	return "VLAN " + vnid
}

// checkSpeed accepts what the API accepts: bps as a number, or a number
// with a unit ("500mbps", "1gbps", "10g").
func checkSpeed(v string) (string, error) {
	s := strings.ToLower(strings.ReplaceAll(v, " ", ""))
	num := strings.TrimRight(s, "kmgbps")
	unit := s[len(num):]
	n, err := strconv.ParseFloat(num, 64)
	switch unit {
	case "", "bps", "k", "kbps", "m", "mbps", "g", "gbps":
	default:
		err = errors.New("unit")
	}
	if err != nil || n <= 0 || len(s) > 20 {
		return "", errorf("speed %q is not a speed (want e.g. 500mbps, 1gbps or bps)", truncate(v, 40))
	}
	return s, nil
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

type peering struct {
	asn                         int64
	subnet, metalIP, customerIP string
}

func (p peering) any() bool {
	return p.asn > 0 || p.subnet != "" || p.metalIP != "" || p.customerIP != ""
}

// vrfPeering reads and checks the VRF peering params: a /30 or /31 IPv4
// subnet, IPs inside it, an ASN in 1..4294967295. required demands subnet
// and ASN (creation).
func vrfPeering(req model.ActionRequest, required bool) (peering, error) {
	var out peering
	if v, ok := param(req, model.ParamPeerASN); ok {
		n, err := strconv.ParseInt(strings.TrimPrefix(strings.ToUpper(v), "AS"), 10, 64)
		if err != nil || n < 1 || n > 4294967295 {
			return out, errorf("peer ASN %q is not an ASN in 1..4294967295", truncate(v, 20))
		}
		out.asn = n
	} else if required {
		return out, errorf("a VRF virtual circuit needs the peer ASN (%s)", model.ParamPeerASN)
	}
	var prefix netip.Prefix
	if v, ok := param(req, model.ParamSubnet); ok {
		pf, err := netip.ParsePrefix(v)
		if err != nil || !pf.Addr().Is4() || (pf.Bits() != 30 && pf.Bits() != 31) || pf.Masked() != pf {
			return out, errorf("subnet %q is not an IPv4 /30 or /31 network", truncate(v, 40))
		}
		prefix, out.subnet = pf, pf.String()
	} else if required {
		return out, errorf("a VRF virtual circuit needs the subnet (%s, a /30 or /31)", model.ParamSubnet)
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{model.ParamMetalIP, &out.metalIP}, {model.ParamCustomerIP, &out.customerIP}} {
		v, ok := param(req, f.key)
		if !ok {
			continue
		}
		ip, err := netip.ParseAddr(v)
		if err != nil || !ip.Is4() {
			return out, errorf("%s %q is not an IPv4 address", f.key, truncate(v, 40))
		}
		if prefix.IsValid() {
			if !prefix.Contains(ip) {
				return out, errorf("%s %s is not in subnet %s", f.key, ip, prefix)
			}
			if prefix.Bits() == 30 && (ip == prefix.Addr() || ip == lastAddr(prefix)) {
				return out, errorf("%s %s is the network or broadcast address of %s", f.key, ip, prefix)
			}
		}
		*f.dst = ip.String()
	}
	if out.metalIP != "" && out.metalIP == out.customerIP {
		return out, errorf("the Metal and customer IPs must differ")
	}
	return out, nil
}

func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
	v |= host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// --- interconnections ---

func (p *Provider) planConn(ix *index, req model.ActionRequest, e *connEntry) (model.Action, error) {
	ic := e.ic
	name := model.SafeText(firstNonEmpty(ic.Name, ic.ID))
	path, err := objPath("interconnection", PathConnections, ic.ID)
	if err != nil {
		return model.Action{}, err
	}
	a := model.Action{Request: req}
	switch req.Kind {
	case model.ActionDecommission:
		if InterconnectionState(ic, e.ports) == model.StateDeprovisioning {
			return model.Action{}, errorf("%s is already being deleted", name)
		}
		a.Title = fmt.Sprintf("Delete interconnection %s with its %d port%s and %d virtual circuit%s",
			name, len(e.ports), plural(len(e.ports)), len(e.vcs), plural(len(e.vcs)))
		a.Risk, a.ConfirmText = model.RiskHigh, name
		a.HTTP = model.HTTPRequest{Method: http.MethodDelete, Path: path}
		return a, nil
	case model.ActionCreateVirtualCircuit:
		return p.planCreateVC(ix, req, e)
	case model.ActionUpdate:
	default:
		return model.Action{}, fmt.Errorf("%w: metal: %s on an interconnection", model.ErrUnsupported, req.Kind)
	}
	var (
		body    InterconnectionUpdateInput
		changes []string
	)
	str := func(k string, dst **string, label string) {
		if v, ok := req.Params[k]; ok {
			v = strings.TrimSpace(v)
			*dst = &v
			changes = append(changes, label+" → "+strconv.Quote(model.SafeText(v)))
		}
	}
	str(model.ParamName, &body.Name, "name")
	str(model.ParamDescription, &body.Description, "description")
	if v, ok := req.Params[model.ParamContactEmail]; ok {
		v = strings.TrimSpace(v)
		if v != "" && (!strings.Contains(v, "@") || strings.ContainsAny(v, " ,;<>")) {
			return model.Action{}, errorf("contact email %q is not an email address", truncate(v, 60))
		}
		str(model.ParamContactEmail, &body.ContactEmail, "contact email")
	}
	if v, ok := param(req, model.ParamMode); ok {
		switch {
		case v != "standard" && v != "tunnel":
			return model.Action{}, errorf("mode %q: want standard or tunnel", truncate(v, 20))
		case ic.Type != TypeDedicated:
			return model.Action{}, fmt.Errorf("%w: metal: only interconnections on dedicated ports have a mode", model.ErrUnsupported)
		case len(e.vcs) > 0:
			return model.Action{}, errorf("the mode of %s can only be changed when it has no virtual circuits (it has %d)", name, len(e.vcs))
		}
		body.Mode = &v
		changes = append(changes, "mode → "+v)
	}
	if _, ok := req.Params[model.ParamRedundancy]; ok {
		return model.Action{}, fmt.Errorf("%w: metal: redundancy cannot be changed after creation (the API's update has no such field)", model.ErrUnsupported)
	}
	if len(changes) == 0 {
		return model.Action{}, errorf("nothing to change on %s: give a new name, description, contact email or mode", name)
	}
	b, err := indent(body)
	if err != nil {
		return model.Action{}, err
	}
	a.Title = fmt.Sprintf("Update interconnection %s: %s", name, strings.Join(changes, ", "))
	a.Risk = model.RiskLow
	if body.Mode != nil {
		a.Risk = model.RiskMedium
	}
	a.HTTP = model.HTTPRequest{Method: http.MethodPut, Path: path, Body: b}
	return a, nil
}

// planCreateVC plans a VLAN or (with ParamVRF) a VRF virtual circuit on a
// port of a dedicated interconnection.
func (p *Provider) planCreateVC(ix *index, req model.ActionRequest, e *connEntry) (model.Action, error) {
	ic := e.ic
	name := model.SafeText(firstNonEmpty(ic.Name, ic.ID))
	if ic.Type != TypeDedicated {
		return model.Action{}, fmt.Errorf("%w: metal: virtual circuits can only be created on dedicated ports (%s is %s)", model.ErrUnsupported, name, model.SafeText(ic.Type))
	}
	port, err := choosePort(e, req.Params[model.ParamPort])
	if err != nil {
		return model.Action{}, err
	}
	project, ok := param(req, model.ParamProject)
	if !ok {
		project = e.projectID
	}
	if !validID.MatchString(project) {
		return model.Action{}, errorf("a virtual circuit needs its project: pass %s (a project UUID)", model.ParamProject)
	}
	nni, err := nniVLAN(req, e, port)
	if err != nil {
		return model.Action{}, err
	}
	path, err := portPath(ic.ID, port.ID, "virtual-circuits")
	if err != nil {
		return model.Action{}, err
	}
	vcName, _ := param(req, model.ParamName)
	desc, _ := param(req, model.ParamDescription)
	speed := ""
	if v, ok := param(req, model.ParamSpeed); ok {
		if speed, err = checkSpeed(v); err != nil {
			return model.Action{}, err
		}
	}
	where := fmt.Sprintf("port %s of %s, NNI VLAN %d, project %s", model.SafeText(firstNonEmpty(port.Name, port.Role, port.ID)), name, nni, model.SafeText(ix.projectName(project)))
	a := model.Action{Request: req, Risk: model.RiskMedium}
	var body any
	if vrf, ok := param(req, model.ParamVRF); ok {
		if !validID.MatchString(vrf) {
			return model.Action{}, errorf("VRF %q is not a VRF UUID", truncate(vrf, 60))
		}
		if _, ok := param(req, model.ParamVNID); ok {
			return model.Action{}, errorf("give either a virtual network (VLAN VC) or a VRF (VRF VC), not both")
		}
		peer, err := vrfPeering(req, true)
		if err != nil {
			return model.Action{}, err
		}
		body = VrfVirtualCircuitCreateInput{
			ProjectID: project, Vrf: strings.ToLower(vrf), Subnet: peer.subnet, PeerASN: peer.asn, NNIVlan: nni,
			MetalIP: peer.metalIP, CustomerIP: peer.customerIP, Name: vcName, Description: desc, Speed: speed,
		}
		a.Title = fmt.Sprintf("Create VRF virtual circuit %s on %s: VRF %s, subnet %s, peer AS%d",
			model.SafeText(firstNonEmpty(vcName, "(unnamed)")), where, model.SafeText(firstNonEmpty(ix.vrfNames[strings.ToLower(vrf)], vrf)), peer.subnet, peer.asn)
	} else {
		vn, ok := param(req, model.ParamVNID)
		if !ok {
			return model.Action{}, errorf("a VLAN virtual circuit needs its virtual network: pass %s (the virtual network's UUID), or %s for a VRF circuit", model.ParamVNID, model.ParamVRF)
		}
		if !validID.MatchString(vn) {
			// The create input's vnid is a UUID (its format says so);
			// Prepare turns a VLAN number into its virtual network.
			return model.Action{}, fmt.Errorf("%w: find the virtual network of VLAN %s", model.ErrPrepareFirst, truncate(vn, 10))
		}
		body = VlanVirtualCircuitCreateInput{
			ProjectID: project, VNID: strings.ToLower(vn), NNIVlan: nni, Name: vcName, Description: desc, Speed: speed,
		}
		a.Title = fmt.Sprintf("Create VLAN virtual circuit %s on %s: Metal %s",
			model.SafeText(firstNonEmpty(vcName, "(unnamed)")), where, vnidLabel(req, strings.ToLower(vn)))
	}
	b, err := indent(body)
	if err != nil {
		return model.Action{}, err
	}
	a.HTTP = model.HTTPRequest{Method: http.MethodPost, Path: path, Body: b}
	return a, nil
}

// choosePort finds the port named by v (UUID or role); empty means the
// primary (or only) active port.
func choosePort(e *connEntry, v string) (InterconnectionPort, error) {
	v = strings.TrimSpace(v)
	ports := sortedPorts(e.ports)
	for _, pt := range ports {
		if v == "" && pt.Status == PortActive {
			return pt, nil
		}
		if v != "" && (strings.EqualFold(pt.ID, v) || strings.EqualFold(pt.Role, v)) {
			if pt.Status != PortActive {
				return InterconnectionPort{}, errorf("port %s is %s, not active", model.SafeText(firstNonEmpty(pt.Name, pt.Role, pt.ID)), model.SafeText(pt.Status))
			}
			return pt, nil
		}
	}
	if v == "" {
		return InterconnectionPort{}, errorf("%s has no active port", model.SafeText(firstNonEmpty(e.ic.Name, e.ic.ID)))
	}
	return InterconnectionPort{}, errorf("%s has no port %q (give its UUID or primary/secondary)", model.SafeText(firstNonEmpty(e.ic.Name, e.ic.ID)), truncate(v, 60))
}

// nniVLAN reads the NNI VLAN and refuses one another VC on the port uses.
func nniVLAN(req model.ActionRequest, e *connEntry, port InterconnectionPort) (int, error) {
	v, ok := param(req, model.ParamNNIVLAN)
	if !ok {
		return 0, errorf("a virtual circuit needs the NNI VLAN on the port (%s, 2..4094)", model.ParamNNIVLAN)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 2 || n > 4094 {
		return 0, errorf("NNI VLAN %q is not a VLAN in 2..4094", truncate(v, 20))
	}
	for _, vc := range e.vcs {
		if vc.NNIVlan() == n && e.portOf(vc).ID == port.ID && vc.Status() != VCDeleting {
			return 0, errorf("NNI VLAN %d is already used on port %s by %s", n, model.SafeText(firstNonEmpty(port.Name, port.Role)), vcLabel(vc))
		}
	}
	return n, nil
}

// --- new interconnections ---

func (p *Provider) planRequest(ix *index, req model.ActionRequest) (model.Action, error) {
	t := req.Target
	var path string
	var err error
	switch t.Type {
	case RefOrganization:
		path, err = objPath("organization", PathOrganizations, t.ID, "connections")
	case RefProject:
		path, err = objPath("project", PathProjects, t.ID, "connections")
	default:
		return model.Action{}, fmt.Errorf("%w: metal: interconnections are requested for an organization or a project, not a %s", model.ErrUnsupported, firstNonEmpty(t.Type, "connection"))
	}
	if err != nil {
		return model.Action{}, err
	}
	in := InterconnectionCreateInput{Type: firstNonEmpty(strings.TrimSpace(req.Params[model.ParamConnectionType]), TypeDedicated)}
	var ok bool
	if in.Name, ok = param(req, model.ParamName); !ok {
		return model.Action{}, errorf("a new interconnection needs a name (%s)", model.ParamName)
	}
	metro, ok := param(req, model.ParamMetro)
	if !ok || len(metro) > 16 || strings.ContainsAny(metro, " /?#") {
		return model.Action{}, errorf("a new interconnection needs its metro code (%s, e.g. da)", model.ParamMetro)
	}
	in.Metro = strings.ToLower(metro)
	in.Redundancy = firstNonEmpty(strings.TrimSpace(req.Params[model.ParamRedundancy]), "primary")
	if in.Redundancy != "primary" && in.Redundancy != "redundant" {
		return model.Action{}, errorf("redundancy %q: want primary or redundant", truncate(in.Redundancy, 20))
	}
	if v, ok := param(req, model.ParamSpeed); ok {
		if in.Speed, err = checkSpeed(v); err != nil {
			return model.Action{}, err
		}
	}
	in.Description, _ = param(req, model.ParamDescription)
	if v, ok := param(req, model.ParamContactEmail); ok {
		if !strings.Contains(v, "@") || strings.ContainsAny(v, " ,;<>") {
			return model.Action{}, errorf("contact email %q is not an email address", truncate(v, 60))
		}
		in.ContactEmail = v
	}
	if v, ok := param(req, model.ParamProject); ok {
		if !validID.MatchString(v) {
			return model.Action{}, errorf("project %q is not a project UUID", truncate(v, 60))
		}
		in.Project = strings.ToLower(v)
	}
	ports := 1
	if in.Redundancy == "redundant" {
		ports = 2
	}
	switch in.Type {
	case TypeDedicated:
		if v, ok := param(req, model.ParamMode); ok {
			if v != "standard" && v != "tunnel" {
				return model.Action{}, errorf("mode %q: want standard or tunnel", truncate(v, 20))
			}
			in.Mode = v
		}
		if in.Speed == "" {
			return model.Action{}, errorf("a dedicated port needs its speed (%s, e.g. 10gbps)", model.ParamSpeed)
		}
	case TypeShared, TypeSharedPortVLAN:
		if t.Type == RefOrganization && in.Project == "" {
			return model.Action{}, errorf("a shared interconnection requested for an organization needs its project (%s)", model.ParamProject)
		}
		if in.Type == TypeSharedPortVLAN && in.Project == "" {
			in.Project = t.ID
		}
		if in.Type == TypeShared {
			in.ServiceTokenType = firstNonEmpty(strings.TrimSpace(req.Params[model.ParamServiceTokenType]), "a_side")
			if in.ServiceTokenType != "a_side" && in.ServiceTokenType != "z_side" {
				return model.Action{}, errorf("service token type %q: want a_side or z_side", truncate(in.ServiceTokenType, 20))
			}
		}
		v, ok := param(req, model.ParamVLANs)
		if !ok {
			return model.Action{}, errorf("a shared interconnection needs the Metal VLAN of each port (%s: one, or two for redundant)", model.ParamVLANs)
		}
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 2 || n > 3999 {
				return model.Action{}, errorf("VLAN %q is not a VLAN in 2..3999", truncate(f, 10))
			}
			in.VLANs = append(in.VLANs, n)
		}
		if len(in.VLANs) > ports {
			return model.Action{}, errorf("%d VLANs for %d port%s: give one per port", len(in.VLANs), ports, plural(ports))
		}
	default:
		return model.Action{}, fmt.Errorf("%w: metal: connection type %q (want dedicated, shared or shared_port_vlan)", model.ErrUnsupported, truncate(in.Type, 30))
	}
	b, err := indent(in)
	if err != nil {
		return model.Action{}, err
	}
	what := in.Type
	if in.Type == TypeSharedPortVLAN {
		what = "shared (port VLAN)"
	}
	title := fmt.Sprintf("Request a new %s interconnection %s in %s (%s", what, model.SafeText(in.Name), model.SafeText(in.Metro), in.Redundancy)
	if in.Speed != "" {
		title += ", " + in.Speed
	}
	title += ") for " + model.SafeText(firstNonEmpty(t.Name, t.ID))
	if in.Type == TypeShared {
		title += "; the answer carries the Fabric service tokens"
	}
	return model.Action{Request: req, Title: title, Risk: model.RiskMedium, HTTP: model.HTTPRequest{Method: http.MethodPost, Path: path, Body: b}}, nil
}

// --- preparing ---

// Prepare reads what a plan needs from the API (Plan itself never does
// I/O):
//   - approving a VC waiting on a customer VLAN without ParamVNID: the
//     project's virtual networks in the VC's metro; the free one (not on
//     another VC) with the lowest VLAN is proposed (ParamVNID, and
//     ParamVLAN for display);
//   - creating a VLAN VC with a VLAN number as ParamVNID: that VLAN's
//     virtual network in the project and metro.
//
// It changes nothing on the provider side.
func (p *Provider) Prepare(ctx context.Context, req model.ActionRequest) (model.ActionRequest, error) {
	p.mu.Lock()
	ix := p.ix
	var (
		project, metro, what string
		wantVLAN             int
		needed               bool
	)
	if ix != nil {
		switch req.Kind {
		case model.ActionApprove:
			if e, ok := ix.vcByID[req.Target.ID]; ok {
				if _, has := param(req, model.ParamVNID); !has && e.vc.Vlan != nil {
					ctx := vcContextOf(ix, e.conn, e.vc)
					project, metro, what, needed = ctx.projectID, ctx.metro, vcLabel(e.vc), true
				}
			}
		case model.ActionCreateVirtualCircuit:
			if e, ok := ix.connByID[req.Target.ID]; ok {
				if v, has := param(req, model.ParamVNID); has && !validID.MatchString(v) {
					n, err := strconv.Atoi(v)
					if err != nil {
						p.mu.Unlock()
						return req, errorf("VLAN %q is not a number", truncate(v, 10))
					}
					project, _ = param(req, model.ParamProject)
					project = firstNonEmpty(project, e.projectID)
					metro, what, wantVLAN, needed = metroCode(e.ic.Metro), model.SafeText(firstNonEmpty(e.ic.Name, e.ic.ID)), n, true
				}
			}
		}
	}
	p.mu.Unlock()
	if !needed {
		return req, nil
	}
	if !validID.MatchString(project) {
		return req, errorf("%s names no project whose virtual networks could be used: pass %s", what, model.ParamProject)
	}
	vns, err := p.client.ListProjectVirtualNetworks(ctx, project, metro)
	if err != nil {
		return req, err
	}
	var pick *VirtualNetwork
	sort.Slice(vns, func(i, j int) bool { return vns[i].VXLAN < vns[j].VXLAN })
	for i := range vns {
		vn := &vns[i]
		if metro != "" && vn.MetroCode != "" && !strings.EqualFold(vn.MetroCode, metro) {
			continue
		}
		if wantVLAN > 0 {
			if vn.VXLAN == wantVLAN {
				pick = vn
				break
			}
			continue
		}
		if vn.AssignedToVirtualCircuit == nil || !*vn.AssignedToVirtualCircuit {
			pick = vn
			break
		}
	}
	if pick == nil || !validID.MatchString(pick.ID) {
		if wantVLAN > 0 {
			return req, errorf("project %s has no virtual network with VLAN %d in metro %s", project, wantVLAN, metro)
		}
		return req, errorf("project %s has no free virtual network in metro %s for %s: create one (a Metro VLAN) first", project, metro, what)
	}
	out := req
	out.Params = make(map[string]string, len(req.Params)+2)
	for k, v := range req.Params {
		out.Params[k] = v
	}
	out.Params[model.ParamVNID] = pick.ID
	out.Params[model.ParamVLAN] = strconv.Itoa(pick.VXLAN)
	return out, nil
}

// --- running ---

// Do sends a planned action exactly as planned, once (never retried). The
// result says what Metal answered; the caller re-reads the object rather
// than assuming the outcome. A new shared interconnection's service tokens
// come back in Result.Affected (Type "service-token"), for the operator to
// redeem in Fabric.
func (p *Provider) Do(ctx context.Context, a model.Action) (model.Result, error) {
	res := model.Result{Action: a}
	kind, err := allowedAction(a.HTTP)
	if err != nil {
		return res, err
	}
	resp, err := p.client.send(ctx, a.HTTP)
	res.At = p.client.cfg.Clock()
	res.Sends = httpx.Sends(resp, err)
	if resp != nil {
		res.Status = resp.Status
	}
	if err != nil {
		res.Message = model.ErrorSummary(err)
		var ae *model.APIError
		if errors.As(err, &ae) {
			res.Status = ae.Status
		}
		return res, err
	}
	verb := map[string]string{http.MethodPut: "update", http.MethodDelete: "deletion", http.MethodPost: "request"}[a.HTTP.Method]
	res.Message = fmt.Sprintf("Metal accepted the %s (HTTP %d)", verb, resp.Status)
	switch kind {
	case RefVirtualCircuit:
		var vc VirtualCircuit
		if len(resp.Body) > 0 && httpx.DecodeJSON(resp.Body, &vc) == nil && vc.ID() != "" {
			res.Affected = []model.Ref{{Provider: p.name, Type: RefVirtualCircuit, ID: vc.ID(), Name: vcLabel(vc)}}
			if st := vc.Status(); st != "" {
				res.Message += ": virtual circuit " + vcLabel(vc) + " is now " + model.SafeText(st)
			}
		}
	case RefInterconnection:
		var ic Interconnection
		if len(resp.Body) > 0 && httpx.DecodeJSON(resp.Body, &ic) == nil && ic.ID != "" {
			icName := model.SafeText(firstNonEmpty(ic.Name, ic.ID))
			res.Affected = []model.Ref{{Provider: p.name, Type: RefInterconnection, ID: ic.ID, Name: icName}}
			if ic.Status != "" {
				res.Message += ": interconnection " + icName + " is now " + model.SafeText(ic.Status)
			}
			var toks []string
			for _, t := range ic.ServiceTokens {
				if !validID.MatchString(t.ID) {
					continue
				}
				label := firstNonEmpty(t.Role, "token") + " service token"
				if t.MaxAllowedSpeed > 0 {
					label += ", max " + model.FormatMbps(t.MaxAllowedSpeed/1_000_000)
				}
				if exp := parseTime(t.ExpiresAt); !exp.IsZero() {
					label += ", expires " + exp.UTC().Format("2006-01-02 15:04 MST")
				}
				res.Affected = append(res.Affected, model.Ref{Provider: p.name, Type: RefServiceToken, ID: t.ID, Name: model.SafeText(label)})
				toks = append(toks, t.ID)
			}
			if len(toks) > 0 {
				res.Message += "; redeem the service token" + plural(len(toks)) + " in Equinix Fabric: " + strings.Join(toks, ", ")
			}
		}
	}
	return res, nil
}

// allowedAction refuses anything but the mutations Plan builds, and says
// what kind of object the answer describes.
func allowedAction(h model.HTTPRequest) (string, error) {
	refuse := func() (string, error) {
		return "", errorf("refusing to send %s %s: not a Metal interconnection or virtual circuit change", httpx.Sanitize(truncate(h.Method, 10)), httpx.Sanitize(truncate(h.Path, 80)))
	}
	if strings.ContainsAny(h.Path, "?#%") {
		return refuse()
	}
	seg := strings.Split(strings.TrimPrefix(h.Path, "/"), "/")
	for _, s := range seg[1:] {
		if s == "" {
			return refuse()
		}
	}
	isID := func(i int) bool { return i < len(seg) && validID.MatchString(seg[i]) }
	switch {
	case len(seg) == 2 && "/"+seg[0] == PathVirtualCircuits && isID(1) && (h.Method == http.MethodPut || h.Method == http.MethodDelete):
		return RefVirtualCircuit, nil
	case len(seg) == 2 && "/"+seg[0] == PathConnections && isID(1) && (h.Method == http.MethodPut || h.Method == http.MethodDelete):
		return RefInterconnection, nil
	case len(seg) == 5 && "/"+seg[0] == PathConnections && isID(1) && seg[2] == "ports" && isID(3) && seg[4] == "virtual-circuits" && h.Method == http.MethodPost:
		return RefVirtualCircuit, nil
	case len(seg) == 3 && ("/"+seg[0] == PathOrganizations || "/"+seg[0] == PathProjects) && isID(1) && seg[2] == "connections" && h.Method == http.MethodPost:
		return RefInterconnection, nil
	}
	return refuse()
}
