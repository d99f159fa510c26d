package packet

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// How the simulated world moves by itself, and what the mutations do to it.

// startWorld schedules what happens without anyone asking: servers being
// provisioned or torn down finish, BGP sessions flap (down for a few
// minutes, then up again), now and then a server fails and is reinstalled.
// Called once, with the engine locked.
func (s *Simulator) startWorld() {
	t := s.world.Timing()
	for _, p := range s.projects {
		for _, d := range p.devices {
			s.scheduleTransition(d)
		}
	}
	s.engine.Every(s.world.Rand("packet", "flap-clock"), t.ArrivalMin, t.ArrivalMax, func(now time.Time) {
		s.flap(now)
		if sim.Chance(s.flaps, 0.15) {
			s.failOne(now)
		}
	})
}

// delay draws a duration from [lo, hi] on the simulator's own stream.
func (s *Simulator) delay(lo, hi time.Duration) time.Duration {
	if hi <= 0 {
		return time.Second
	}
	return sim.Between(s.rnd, lo, hi)
}

// scheduleTransition finishes a state that only lasts a while.
func (s *Simulator) scheduleTransition(d *simDevice) {
	t := s.world.Timing()
	next := ""
	var after time.Duration
	switch d.state {
	case DeviceQueued:
		next, after = DeviceProvisioning, s.delay(t.ProvisionMin/2, t.ProvisionMax/2)
	case DeviceProvisioning, DeviceReinstalling, DevicePoweringOn, DeviceRebooting:
		next, after = DeviceActive, s.delay(t.ProvisionMin, t.ProvisionMax)
	case DevicePoweringOff:
		next, after = DeviceInactive, s.delay(t.ProvisionMin, t.ProvisionMax)
	case DeviceDeprovision:
		next, after = "gone", s.delay(t.DeprovisionMin, t.DeprovisionMax)
	default:
		return
	}
	from := d.state
	s.engine.After(after, func(now time.Time) {
		if d.gone || d.state != from {
			return // something else happened to it meanwhile
		}
		s.setState(d, next, now)
		s.scheduleTransition(d)
	})
}

// setState moves a server to state and logs it; sessions follow the
// server (a server that is not running has its sessions down).
func (s *Simulator) setState(d *simDevice, state string, now time.Time) {
	p := d.project
	if state == "gone" {
		d.gone = true
		s.event(p, now, "instance.deleted", "{{instance}} was deleted", d.hostname+" was deleted", d.href())
		return
	}
	d.state, d.updated = state, now
	switch state {
	case DeviceActive:
		d.provisioned = 100
		for _, ss := range d.sessions {
			ss.status = "up"
		}
		s.event(p, now, "instance.active", "{{instance}} is active", d.hostname+" is active", d.href())
	case DeviceProvisioning:
		d.provisioned = 10
		s.event(p, now, "instance.provisioning", "{{instance}} is being provisioned", d.hostname+" is being provisioned", d.href())
	case DeviceInactive:
		s.sessionsDown(d, now)
		s.event(p, now, "instance.powered_off", "{{instance}} was powered off", d.hostname+" was powered off", d.href())
	case DeviceFailed:
		s.sessionsDown(d, now)
		s.event(p, now, "instance.failed", "{{instance}} failed a health check", d.hostname+" failed a health check", d.href())
	case DevicePoweringOff, DeviceRebooting, DeviceReinstalling:
		s.sessionsDown(d, now)
	}
}

func (s *Simulator) sessionsDown(d *simDevice, now time.Time) {
	for _, ss := range d.sessions {
		if ss.status != "down" {
			ss.status = "down"
			s.event(d.project, now, "bgp_session.down", "BGP session {{session}} of {{instance}} went down",
				"BGP "+ss.af+" session of "+d.hostname+" went down", d.href(), "/bgp/sessions/"+ss.id)
		}
	}
}

// flap takes one up session down; it comes back a few minutes later.
func (s *Simulator) flap(now time.Time) {
	var up []*simSession
	for _, p := range s.projects {
		for _, d := range p.devices {
			if d.gone || d.state != DeviceActive {
				continue
			}
			for _, ss := range d.sessions {
				if ss.status == "up" && !ss.flapping {
					up = append(up, ss)
				}
			}
		}
	}
	if len(up) == 0 {
		return
	}
	ss := up[s.flaps.IntN(len(up))]
	d := ss.device
	ss.status, ss.flapping = "down", true
	s.event(d.project, now, "bgp_session.down", "BGP session {{session}} of {{instance}} went down",
		"BGP "+ss.af+" session of "+d.hostname+" went down", d.href(), "/bgp/sessions/"+ss.id)
	t := s.world.Timing()
	s.engine.After(s.delay(t.RemoteMin*2, t.RemoteMax*3), func(now time.Time) {
		ss.flapping = false
		if d.gone || d.state != DeviceActive || ss.status != "down" {
			return
		}
		ss.status = "up"
		s.event(d.project, now, "bgp_session.up", "BGP session {{session}} of {{instance}} is up",
			"BGP "+ss.af+" session of "+d.hostname+" is up", d.href(), "/bgp/sessions/"+ss.id)
	})
}

// failOne fails an active server; it is reinstalled after a while.
func (s *Simulator) failOne(now time.Time) {
	var active []*simDevice
	for _, p := range s.projects {
		for _, d := range p.devices {
			if !d.gone && d.state == DeviceActive {
				active = append(active, d)
			}
		}
	}
	if len(active) == 0 {
		return
	}
	d := active[s.flaps.IntN(len(active))]
	s.setState(d, DeviceFailed, now)
	t := s.world.Timing()
	s.engine.After(s.delay(t.RemoteMin*2, t.RemoteMax*4), func(now time.Time) {
		if d.gone || d.state != DeviceFailed {
			return
		}
		s.setState(d, DeviceReinstalling, now)
		d.provisioned = 5
		s.event(d.project, now, "instance.reinstalling", "{{instance}} is being reinstalled", d.hostname+" is being reinstalled", d.href())
		s.scheduleTransition(d)
	})
}

// --- mutations ---

// readInput decodes the JSON body of a mutation (an empty body is the
// zero value). ok is false when a 422 was written.
func readInput(w http.ResponseWriter, q *request, v any) bool {
	if len(q.body) == 0 {
		return true
	}
	if err := json.Unmarshal(q.body, v); err != nil {
		fail(w, http.StatusUnprocessableEntity, "request body is not valid JSON for this action")
		return false
	}
	return true
}

func (s *Simulator) bondOf(pt *simPort) *simPort {
	if pt.bond {
		return pt
	}
	for _, x := range pt.device.ports {
		if x.bond && x.name == pt.bondName {
			return x
		}
	}
	return nil
}

func (s *Simulator) members(bond *simPort) []*simPort {
	var out []*simPort
	for _, x := range bond.device.ports {
		if !x.bond && x.bondName == bond.name {
			out = append(out, x)
		}
	}
	return out
}

// findVNet resolves a vnid (an id or a VLAN number) within the server's
// project and facility.
func (s *Simulator) findVNet(d *simDevice, vnid string) (*simVNet, string) {
	if vnid == "" {
		return nil, "vnid is required"
	}
	n, isNum := strconv.Atoi(vnid)
	for _, v := range d.project.vnets {
		if v.id == vnid || (isNum == nil && v.vxlan == n) {
			if v.fac != d.fac {
				return nil, "virtual network " + vnid + " is in " + v.fac.code + ", the device in " + d.fac.code
			}
			return v, ""
		}
	}
	return nil, "virtual network " + vnid + " not found in the device's project"
}

func (s *Simulator) portAction(w http.ResponseWriter, q *request, id, action string) {
	pt, ok := s.ports[id]
	if !ok || pt.device.gone {
		fail(w, http.StatusNotFound, "Not found")
		return
	}
	d := pt.device
	now := q.now
	bond := s.bondOf(pt)
	if bond == nil {
		fail(w, http.StatusUnprocessableEntity, "port has no bond")
		return
	}
	switch d.state {
	case DeviceActive, DeviceInactive:
	default:
		fail(w, http.StatusUnprocessableEntity, "Device must be active or powered off to change its network ("+d.state+")")
		return
	}
	log := func(typ, text string) {
		s.event(d.project, now, typ, text, text, d.href(), "/ports/"+pt.id)
		d.updated = now
	}
	switch action {
	case "bond":
		bulk := q.query("bulk_enable") == "true"
		if pt.bond && !bulk {
			fail(w, http.StatusUnprocessableEntity, "bonding a bond port needs bulk_enable=true")
			return
		}
		targets := []*simPort{pt}
		if bulk {
			targets = s.members(bond)
		}
		changed := false
		for _, x := range targets {
			if x.bonded {
				continue
			}
			if len(x.vnets) > 0 {
				fail(w, http.StatusUnprocessableEntity, "port "+x.name+" has VLANs assigned: unassign them before bonding")
				return
			}
		}
		for _, x := range targets {
			if !x.bonded {
				x.bonded, changed = true, true
			}
		}
		if !changed {
			fail(w, http.StatusUnprocessableEntity, "port is already bonded")
			return
		}
		log("port.bonded", d.hostname+" "+pt.name+" bonded into "+bond.name)
	case "disbond":
		bulk := q.query("bulk_disable") == "true"
		if pt.bond && !bulk {
			fail(w, http.StatusUnprocessableEntity, "disbonding a bond port needs bulk_disable=true")
			return
		}
		targets := []*simPort{pt}
		if bulk {
			targets = s.members(bond)
		}
		left := 0
		for _, x := range s.members(bond) {
			if x.bonded && !slices.Contains(targets, x) {
				left++
			}
		}
		if bond.l3 && left == 0 {
			fail(w, http.StatusUnprocessableEntity, "a layer-3 bond needs a bonded port: convert "+bond.name+" to layer 2 first")
			return
		}
		changed := false
		for _, x := range targets {
			if x.bonded {
				x.bonded, changed = false, true
			}
		}
		if !changed {
			fail(w, http.StatusUnprocessableEntity, "port is not bonded")
			return
		}
		log("port.disbonded", d.hostname+" "+pt.name+" disbonded from "+bond.name)
	case "convert/layer-2":
		var in PortAssignInput
		if !readInput(w, q, &in) {
			return
		}
		if !pt.bond {
			fail(w, http.StatusUnprocessableEntity, "only a bond port converts to layer 2")
			return
		}
		if !pt.l3 {
			fail(w, http.StatusUnprocessableEntity, "port is already layer 2")
			return
		}
		var v *simVNet
		if in.VNID != "" {
			var msg string
			if v, msg = s.findVNet(d, in.VNID); v == nil {
				fail(w, http.StatusUnprocessableEntity, msg)
				return
			}
		}
		pt.l3, d.ips = false, nil
		if v != nil && !slices.Contains(pt.vnets, v) {
			pt.vnets = uniqueVNets(append(pt.vnets, v)...)
		}
		for _, ss := range d.sessions {
			ss.status = "down"
		}
		log("port.layer2", d.hostname+" "+pt.name+" converted to layer 2")
	case "convert/layer-3":
		var in PortConvertLayer3Input
		if !readInput(w, q, &in) {
			return
		}
		if !pt.bond {
			fail(w, http.StatusUnprocessableEntity, "only a bond port converts to layer 3")
			return
		}
		if pt.l3 && s.networkType(pt) == NetworkLayer3 {
			fail(w, http.StatusUnprocessableEntity, "port is already layer 3")
			return
		}
		for _, x := range append([]*simPort{pt}, s.members(pt)...) {
			if len(x.vnets) > 0 {
				fail(w, http.StatusUnprocessableEntity, "VLANs must first be unassigned")
				return
			}
		}
		ips := in.RequestIPs
		if len(ips) == 0 {
			ips = []RequestIP{{AddressFamily: 4, Public: true}, {AddressFamily: 4}, {AddressFamily: 6, Public: true}}
		}
		for _, ip := range ips {
			if ip.AddressFamily != 4 && ip.AddressFamily != 6 {
				fail(w, http.StatusUnprocessableEntity, "address_family must be 4 or 6")
				return
			}
		}
		pt.l3 = true
		for _, x := range s.members(pt) {
			x.bonded = true
		}
		s.assignDeviceIPs(d, ips)
		log("port.layer3", d.hostname+" "+pt.name+" converted to layer 3")
	case "assign", "unassign":
		var in PortAssignInput
		if !readInput(w, q, &in) {
			return
		}
		v, msg := s.findVNet(d, in.VNID)
		if v == nil {
			fail(w, http.StatusUnprocessableEntity, msg)
			return
		}
		has := slices.Contains(pt.vnets, v)
		if action == "assign" {
			if !pt.bond && pt.bonded {
				fail(w, http.StatusUnprocessableEntity, "port "+pt.name+" is bonded: assign the VLAN to "+pt.bondName)
				return
			}
			if has {
				fail(w, http.StatusUnprocessableEntity, "VLAN "+strconv.Itoa(v.vxlan)+" is already assigned to this port")
				return
			}
			pt.vnets = uniqueVNets(append(pt.vnets, v)...)
			log("port.vlan_assigned", "VLAN "+strconv.Itoa(v.vxlan)+" assigned to "+d.hostname+" "+pt.name)
		} else {
			if !has {
				fail(w, http.StatusUnprocessableEntity, "VLAN "+strconv.Itoa(v.vxlan)+" is not assigned to this port")
				return
			}
			pt.vnets = slices.DeleteFunc(slices.Clone(pt.vnets), func(x *simVNet) bool { return x == v })
			log("port.vlan_unassigned", "VLAN "+strconv.Itoa(v.vxlan)+" removed from "+d.hostname+" "+pt.name)
		}
	default:
		fail(w, http.StatusNotFound, "Not found")
		return
	}
	writeJSON(w, http.StatusOK, s.renderPort(pt, false))
}

// deviceAction moves a server through its power states. The action comes
// from the type query parameter (the spec) or the body (what clients
// send); when both are given they must agree.
func (s *Simulator) deviceAction(w http.ResponseWriter, q *request, id string) {
	d, ok := s.devices[id]
	if !ok || d.gone {
		fail(w, http.StatusNotFound, "Not found")
		return
	}
	var in DeviceActionInput
	if !readInput(w, q, &in) {
		return
	}
	action := q.query("type")
	switch {
	case action == "":
		action = in.Type
	case in.Type != "" && in.Type != action:
		fail(w, http.StatusUnprocessableEntity, "type in the query and in the body disagree")
		return
	}
	now := q.now
	var next string
	switch action {
	case DeviceActionPowerOn:
		if d.state != DeviceInactive {
			fail(w, http.StatusUnprocessableEntity, "Device must be powered off to power on (it is "+d.state+")")
			return
		}
		next = DevicePoweringOn
		s.event(d.project, now, "instance.power_on", "{{instance}} power on requested", d.hostname+" power on requested", d.href())
	case DeviceActionPowerOff:
		if d.state != DeviceActive {
			fail(w, http.StatusUnprocessableEntity, "Device must be active to power off (it is "+d.state+")")
			return
		}
		next = DevicePoweringOff
		s.event(d.project, now, "instance.power_off", "{{instance}} power off requested", d.hostname+" power off requested", d.href())
	case DeviceActionReboot:
		if d.state != DeviceActive {
			fail(w, http.StatusUnprocessableEntity, "Device must be active to reboot (it is "+d.state+")")
			return
		}
		next = DeviceRebooting
		s.event(d.project, now, "instance.reboot", "{{instance}} reboot requested", d.hostname+" reboot requested", d.href())
	case "rescue", "reinstall":
		fail(w, http.StatusUnprocessableEntity, action+" is not available in the simulator")
		return
	default:
		fail(w, http.StatusUnprocessableEntity, "type must be one of power_on, power_off, reboot, rescue, reinstall")
		return
	}
	s.setState(d, next, now)
	s.scheduleTransition(d)
	w.WriteHeader(http.StatusAccepted)
}

func (s *Simulator) moveReservation(w http.ResponseWriter, q *request, id string) {
	hr, ok := s.reservations[id]
	if !ok {
		fail(w, http.StatusNotFound, "Not found")
		return
	}
	var in MoveHardwareReservationInput
	if !readInput(w, q, &in) {
		return
	}
	var to *simProject
	for _, p := range s.projects {
		if p.id == in.ProjectID {
			to = p
		}
	}
	switch {
	case to == nil:
		fail(w, http.StatusForbidden, "you are not a member of project "+in.ProjectID)
		return
	case to == hr.project:
		fail(w, http.StatusUnprocessableEntity, "the reservation is already in that project")
		return
	case hr.device != nil && !hr.device.gone:
		fail(w, http.StatusUnprocessableEntity, "the reservation has a device provisioned on it")
		return
	}
	from := hr.project
	from.reserv = slices.DeleteFunc(from.reserv, func(x *simReservation) bool { return x == hr })
	hr.project = to
	to.reserv = append(to.reserv, hr)
	text := "hardware reservation " + hr.short + " moved from " + from.name + " to " + to.name
	s.event(from, q.now, "hardware_reservation.moved", text, text, "/hardware-reservations/"+hr.id)
	s.event(to, q.now, "hardware_reservation.moved", text, text, "/hardware-reservations/"+hr.id)
	writeJSON(w, http.StatusOK, s.renderReservation(hr, &request{include: map[string]bool{"facility": true, "plan": true}}))
}
