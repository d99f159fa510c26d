package packet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/httpx"
)

// Plan builds the exact request of a port, power or reservation action.
// It does no I/O: it checks the request against the servers, ports and
// networks of the last load (refusing what the API would refuse, with the
// reason) and leaves the final word to the API.
//
// Targets: a port (Ref.Type "port") for bond, disbond, convert-layer2,
// convert-layer3, assign-vlan and unassign-vlan; a server ("device" or
// "server") for power-on, power-off and reboot; a hardware reservation for
// move-reservation. Power off and reboot must be confirmed by typing the
// hostname, as must a layer-2 conversion, which removes the server's IP
// addresses.
func (p *Provider) Plan(req model.ActionRequest) (model.Action, error) {
	ix := p.last()
	if ix == nil {
		return model.Action{}, errNotLoaded
	}
	switch req.Kind {
	case model.ActionBondPort, model.ActionDisbondPort, model.ActionConvertLayer2, model.ActionConvertLayer3,
		model.ActionAssignVLAN, model.ActionUnassignVLAN:
		if req.Target.Type != "port" {
			return model.Action{}, fmt.Errorf("%w: packet: %s applies to a port, not a %s", model.ErrUnsupported, req.Kind, safe(req.Target.Type))
		}
		loc, ok := ix.ports[req.Target.ID]
		if !ok {
			return model.Action{}, errorf("port %q is not loaded: refresh the inventory first", truncate(req.Target.ID, 60))
		}
		return planPort(req, loc, ix)
	case model.ActionPowerOn, model.ActionPowerOff, model.ActionReboot:
		if req.Target.Type != "device" && req.Target.Type != "server" {
			return model.Action{}, fmt.Errorf("%w: packet: %s applies to a server, not a %s", model.ErrUnsupported, req.Kind, safe(req.Target.Type))
		}
		d, ok := ix.devices[req.Target.ID]
		if !ok {
			return model.Action{}, errorf("server %q is not loaded: refresh the inventory first", truncate(req.Target.ID, 60))
		}
		return planPower(req, d)
	case model.ActionMoveReservation:
		return planMove(req, ix)
	}
	return model.Action{}, fmt.Errorf("%w: packet: action %q", model.ErrUnsupported, req.Kind)
}

func refused(format string, args ...any) error {
	return fmt.Errorf("%w: packet: "+format, append([]any{model.ErrUnsupported}, args...)...)
}

func planPort(req model.ActionRequest, loc portLoc, ix *index) (model.Action, error) {
	pt, d := loc.port, loc.device
	host := safe(firstNonEmpty(d.Hostname, d.ID))
	name := safe(firstNonEmpty(pt.Name, pt.ID)) + " of " + host
	bulk := req.Params[model.ParamBulk] == "true"
	bondName := pt.Name
	if !pt.IsBond() && pt.Bond != nil {
		bondName = pt.Bond.Name
	}
	bondName = safe(firstNonEmpty(bondName, "its bond"))
	a := model.Action{Request: req}
	var (
		h   model.HTTPRequest
		err error
	)
	switch req.Kind {
	case model.ActionBondPort:
		switch {
		case pt.IsBond():
			bulk = true // bonding a bond port means bonding its members
			a.Title = "Bond every port of " + name + " (bulk_enable: each member port joins " + bondName + ")"
		case pt.Data.Bonded && !bulk:
			return model.Action{}, refused("%s is already bonded", name)
		case bulk:
			a.Title = "Bond " + name + " and every other port of " + bondName + " (bulk_enable)"
		default:
			a.Title = "Bond " + name + " into " + bondName + " (only this port; bulk_enable would bond every port of " + bondName + ")"
		}
		a.Risk = model.RiskMedium
		h, err = bondRequest(pt.ID, bulk)
	case model.ActionDisbondPort:
		switch {
		case pt.IsBond():
			bulk = true
			a.Title = "Disbond every port of " + name + " (bulk_disable: each member port leaves " + bondName + ")"
		case !pt.Data.Bonded && !bulk:
			return model.Action{}, refused("%s is not bonded", name)
		case bulk:
			a.Title = "Disbond " + name + " and every other port of " + bondName + " (bulk_disable)"
		default:
			a.Title = "Disbond " + name + " from " + bondName + " (only this port; bulk_disable would disbond every port of " + bondName + ")"
		}
		a.Title += ": the server's network changes at once"
		a.Risk = model.RiskHigh
		h, err = disbondRequest(pt.ID, bulk)
	case model.ActionConvertLayer2:
		if !pt.IsBond() {
			return model.Action{}, refused("only a bond port converts to layer 2; %s is a member of %s", name, bondName)
		}
		if strings.HasPrefix(pt.NetworkType, "layer2") {
			return model.Action{}, refused("%s is already %s", name, safe(pt.NetworkType))
		}
		vnid, label := "", ""
		if v := strings.TrimSpace(req.Params[model.ParamVirtualNetwork]); v != "" {
			vn, err := chooseVLAN(v, d, ix)
			if err != nil {
				return model.Action{}, err
			}
			vnid, label = v, " on VLAN "+fmt.Sprint(vn.VXLAN)
		}
		a.Title = "Convert " + name + " to layer 2" + label + ": removes its IP addresses, the server loses layer-3 connectivity"
		a.Risk = model.RiskHigh
		a.ConfirmText = host
		h, err = convertLayer2Request(pt.ID, vnid)
	case model.ActionConvertLayer3:
		if !pt.IsBond() {
			return model.Action{}, refused("only a bond port converts to layer 3; %s is a member of %s", name, bondName)
		}
		if pt.NetworkType == NetworkLayer3 {
			return model.Action{}, refused("%s is already layer 3", name)
		}
		if vs := portVLANs(pt, ix); len(vs) > 0 || len(pt.VirtualNetworks) > 0 {
			return model.Action{}, refused("%s still carries VLAN %s: unassign its virtual networks first", name, joinInts(vs))
		}
		ips, err := requestIPs(req.Params[model.ParamRequestIPs])
		if err != nil {
			return model.Action{}, err
		}
		a.Title = "Convert " + name + " to layer 3 (requests " + describeIPs(ips) + ")"
		a.Risk = model.RiskMedium
		h, err = convertLayer3Request(pt.ID, ips)
		if err != nil {
			return model.Action{}, err
		}
	case model.ActionAssignVLAN, model.ActionUnassignVLAN:
		v := strings.TrimSpace(req.Params[model.ParamVirtualNetwork])
		if v == "" {
			return model.Action{}, errorf("choose the virtual network (the %q parameter: its id or VLAN number)", model.ParamVirtualNetwork)
		}
		vn, err := chooseVLAN(v, d, ix)
		if err != nil {
			return model.Action{}, err
		}
		onPort := false
		for _, x := range pt.VirtualNetworks {
			if x.VirtualNetworkID() == vn.VirtualNetworkID() {
				onPort = true
			}
		}
		if req.Kind == model.ActionAssignVLAN {
			if !pt.IsBond() && pt.Data.Bonded {
				return model.Action{}, refused("%s is bonded: assign the VLAN to %s, or disbond the port first", name, bondName)
			}
			if onPort {
				return model.Action{}, refused("%s already carries VLAN %d", name, vn.VXLAN)
			}
			a.Title = fmt.Sprintf("Assign VLAN %d (%s) to %s", vn.VXLAN, safe(vn.Description), name)
			h, err = assignRequest(pt.ID, v, "/assign")
		} else {
			if !onPort {
				return model.Action{}, refused("%s does not carry VLAN %d", name, vn.VXLAN)
			}
			a.Title = fmt.Sprintf("Remove VLAN %d (%s) from %s", vn.VXLAN, safe(vn.Description), name)
			h, err = assignRequest(pt.ID, v, "/unassign")
		}
		a.Risk = model.RiskMedium
	}
	if err != nil {
		return model.Action{}, err
	}
	a.HTTP = h
	return a, nil
}

// chooseVLAN finds the virtual network v (an id or a VLAN number) among
// the ones the server can use: same project, same facility.
func chooseVLAN(v string, d *Device, ix *index) (VirtualNetwork, error) {
	if !validVNID(v) {
		return VirtualNetwork{}, errorf("virtual network %q is neither an id nor a VLAN number", truncate(v, 60))
	}
	num, isNum := vlanNumber(v)
	fac := facilityID(d.Facility)
	var hits []VirtualNetwork
	for _, vn := range ix.vnets[d.ProjectID()] {
		if (isNum && vn.VXLAN == num) || vn.VirtualNetworkID() == v {
			hits = append(hits, vn)
		}
	}
	for _, vn := range hits {
		if vf := vn.Facility.ID(); vf == "" || fac == "" || vf == fac {
			return vn, nil
		}
	}
	if len(hits) > 0 {
		return VirtualNetwork{}, refused("virtual network %s is in facility %s, the server in %s", truncate(v, 60),
			safe(ix.facilityCodeByID(hits[0].Facility.ID())), safe(facilityCode(d.Facility, ix)))
	}
	return VirtualNetwork{}, refused("no virtual network %s in the server's project", truncate(v, 60))
}

// requestIPs reads ParamRequestIPs.
func requestIPs(s string) ([]RequestIP, error) {
	if strings.TrimSpace(s) == "" {
		s = "public-ipv4,private-ipv4,public-ipv6"
	}
	var out []RequestIP
	for _, part := range strings.Split(s, ",") {
		var ip RequestIP
		switch strings.TrimSpace(part) {
		case "public-ipv4":
			ip = RequestIP{AddressFamily: 4, Public: true}
		case "private-ipv4":
			ip = RequestIP{AddressFamily: 4}
		case "public-ipv6":
			ip = RequestIP{AddressFamily: 6, Public: true}
		case "":
			continue
		default:
			return nil, errorf("unknown address kind %q (public-ipv4, private-ipv4, public-ipv6)", truncate(part, 30))
		}
		if !containsIP(out, ip) {
			out = append(out, ip)
		}
	}
	if len(out) == 0 {
		return nil, errorf("a layer-3 conversion needs at least one address")
	}
	return out, nil
}

func containsIP(xs []RequestIP, ip RequestIP) bool {
	for _, x := range xs {
		if x == ip {
			return true
		}
	}
	return false
}

func describeIPs(ips []RequestIP) string {
	var parts []string
	for _, ip := range ips {
		scope := "private"
		if ip.Public {
			scope = "public"
		}
		parts = append(parts, fmt.Sprintf("%s IPv%d", scope, ip.AddressFamily))
	}
	return strings.Join(parts, ", ")
}

func planPower(req model.ActionRequest, d *Device) (model.Action, error) {
	host := safe(firstNonEmpty(d.Hostname, d.ID))
	a := model.Action{Request: req}
	var action string
	switch req.Kind {
	case model.ActionPowerOn:
		if d.State != DeviceInactive {
			return model.Action{}, refused("%s is %s: only a powered-off (inactive) server powers on", host, safe(d.State))
		}
		action, a.Title, a.Risk = DeviceActionPowerOn, "Power on "+host, model.RiskMedium
	case model.ActionPowerOff:
		if d.State != DeviceActive {
			return model.Action{}, refused("%s is %s: only an active server powers off", host, safe(d.State))
		}
		action, a.Title, a.Risk = DeviceActionPowerOff, "Power off "+host+": everything running on it stops", model.RiskHigh
		a.ConfirmText = host
	case model.ActionReboot:
		if d.State != DeviceActive {
			return model.Action{}, refused("%s is %s: only an active server reboots", host, safe(d.State))
		}
		action, a.Title, a.Risk = DeviceActionReboot, "Reboot "+host+": it is unreachable until it is back", model.RiskHigh
		a.ConfirmText = host
	}
	h, err := deviceActionRequest(d.ID, action)
	if err != nil {
		return model.Action{}, err
	}
	a.HTTP = h
	return a, nil
}

func planMove(req model.ActionRequest, ix *index) (model.Action, error) {
	if req.Target.Type != "hardware-reservation" {
		return model.Action{}, fmt.Errorf("%w: packet: %s applies to a hardware reservation, not a %s", model.ErrUnsupported, req.Kind, safe(req.Target.Type))
	}
	var (
		hr   *HardwareReservation
		from string
	)
	for pid, hs := range ix.reserv {
		for i := range hs {
			if hs[i].ID == req.Target.ID {
				hr, from = &hs[i], pid
			}
		}
	}
	if hr == nil {
		return model.Action{}, errorf("hardware reservation %q is not loaded: refresh the inventory first", truncate(req.Target.ID, 60))
	}
	to := strings.TrimSpace(req.Params[model.ParamProject])
	if to == "" {
		return model.Action{}, errorf("choose the project to move the reservation to (the %q parameter)", model.ParamProject)
	}
	if to == from {
		return model.Action{}, refused("the reservation is already in that project")
	}
	if _, ok := ix.projByID[to]; !ok {
		return model.Action{}, refused("project %s is not one this token sees", truncate(to, 60))
	}
	if hr.Device != nil && hr.Device.ID != "" {
		return model.Action{}, refused("reservation %s holds server %s: only a spare reservation moves", safe(firstNonEmpty(hr.ShortID, hr.ID)), safe(firstNonEmpty(hr.Device.Hostname, hr.Device.ID)))
	}
	h, err := moveReservationRequest(hr.ID, to)
	if err != nil {
		return model.Action{}, err
	}
	return model.Action{
		Request: req,
		Title:   "Move hardware reservation " + safe(firstNonEmpty(hr.ShortID, hr.ID)) + " from " + safe(ix.projectName(from)) + " to " + safe(ix.projectName(to)),
		Risk:    model.RiskMedium,
		HTTP:    h,
	}, nil
}

// Do sends a planned action exactly as planned, once: nothing here is
// idempotent, so nothing is retried. The result says what Packet
// answered; the caller re-reads rather than assuming the outcome (the
// shared load is dropped, so the next read is fresh).
func (p *Provider) Do(ctx context.Context, a model.Action) (model.Result, error) {
	res := model.Result{Action: a}
	if !allowedMutation(a.HTTP) {
		return res, errorf("refusing to send %s %s: not a request this provider plans", safe(a.HTTP.Method), safe(truncate(a.HTTP.Path, 80)))
	}
	defer p.forget()
	resp, err := p.client.send(ctx, a.HTTP)
	res.At = p.now()
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
	res.Message, res.Affected = p.describeResult(a, resp)
	return res, nil
}

// describeResult reads what the API answered: the port as it is now, a
// 202 for a power action, the moved reservation.
func (p *Provider) describeResult(a model.Action, resp *httpx.Response) (string, []model.Ref) {
	path := pathOnly(a.HTTP.Path)
	switch {
	case strings.HasPrefix(path, "/ports/"):
		var pt Port
		if httpx.DecodeJSON(resp.Body, &pt) == nil && pt.ID != "" {
			state := safe(pt.NetworkType)
			if !pt.IsBond() {
				state = "bonded=" + fmt.Sprint(pt.Data.Bonded)
			}
			var vlans []string
			for _, v := range pt.VirtualNetworks {
				if v.VXLAN > 0 {
					vlans = append(vlans, fmt.Sprint(v.VXLAN))
				}
			}
			msg := fmt.Sprintf("Packet accepted (HTTP %d): %s is now %s", resp.Status, safe(pt.Name), state)
			if len(vlans) > 0 {
				msg += ", VLAN " + strings.Join(vlans, ",")
			}
			return msg, []model.Ref{{Provider: p.name, Type: "port", ID: safe(pt.ID), Name: safe(pt.Name)}}
		}
	case strings.HasPrefix(path, "/devices/"):
		if resp.Status == http.StatusAccepted {
			return fmt.Sprintf("Packet accepted the %s (HTTP 202): the server's state follows", strings.TrimPrefix(a.HTTP.Path[strings.IndexByte(a.HTTP.Path, '?')+1:], "type=")),
				[]model.Ref{{Provider: p.name, Type: "device", ID: a.Request.Target.ID, Name: a.Request.Target.Name}}
		}
	case strings.HasPrefix(path, "/hardware-reservations/"):
		var hr HardwareReservation
		if httpx.DecodeJSON(resp.Body, &hr) == nil && hr.ID != "" {
			return fmt.Sprintf("Packet moved reservation %s (HTTP %d)", safe(firstNonEmpty(hr.ShortID, hr.ID)), resp.Status),
				[]model.Ref{{Provider: p.name, Type: "hardware-reservation", ID: safe(hr.ID), Name: safe(hr.ShortID)}}
		}
	}
	return fmt.Sprintf("Packet accepted the request (HTTP %d)", resp.Status), nil
}
