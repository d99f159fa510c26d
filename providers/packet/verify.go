package packet

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
)

var _ model.ActionVerifier = (*Provider)(nil)

// rebootWindow is how far back a reboot event still answers a reboot
// whose answer was lost (the re-read follows the request within seconds).
const rebootWindow = 15 * time.Minute

// Verify re-reads what an action with an unknown outcome (its answer was
// lost) was aimed at, and says whether the change it asked for is visible:
//   - a port action when the port reads as asked (bonded or not, the
//     bond's network type, the VLAN on the port or gone from it);
//   - power on/off when the server is powering on or active / powering
//     off or inactive; a reboot when it is rebooting, or Packet logged a
//     reboot for it in the last minutes;
//   - a reservation move when the reservation is listed in the target
//     project.
//
// It only reads; the audit wrapper calls it and records the verdict.
func (p *Provider) Verify(ctx context.Context, a model.Action) (bool, string, error) {
	if !allowedMutation(a.HTTP) {
		return false, "", errorf("cannot tell: %s %s is not a request this provider plans", safe(a.HTTP.Method), safe(truncate(a.HTTP.Path, 80)))
	}
	path, query, _ := strings.Cut(a.HTTP.Path, "?")
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	id, rest := parts[1], strings.Join(parts[2:], "/")
	switch parts[0] {
	case "ports":
		return p.verifyPort(ctx, id, rest, query, a.HTTP.Body)
	case "devices":
		return p.verifyPower(ctx, id, strings.TrimPrefix(query, "type="))
	}
	var body MoveHardwareReservationInput
	if json.Unmarshal(a.HTTP.Body, &body) != nil || !validID.MatchString(body.ProjectID) {
		return false, "", errorf("cannot tell: the move names no project")
	}
	hrs, err := p.client.ListHardwareReservations(ctx, body.ProjectID)
	if err != nil {
		return false, "", err
	}
	for _, hr := range hrs {
		if hr.ID == id {
			return true, "the reservation is listed in the target project", nil
		}
	}
	return false, "the reservation is not in the target project", nil
}

// verifyPort reads the port's server and compares the port with what the
// action asked for.
func (p *Provider) verifyPort(ctx context.Context, portID, op, query string, body []byte) (bool, string, error) {
	ix := p.last()
	var deviceID string
	if ix != nil {
		if loc, ok := ix.ports[portID]; ok {
			deviceID = loc.device.ID
		}
	}
	if deviceID == "" {
		return false, "", errorf("cannot tell: the port's server is not loaded")
	}
	d, err := p.client.GetDevice(ctx, deviceID)
	if err != nil {
		return false, "", err
	}
	var pt *Port
	for i := range d.NetworkPorts {
		if d.NetworkPorts[i].ID == portID {
			pt = &d.NetworkPorts[i]
		}
	}
	if pt == nil {
		return false, "", errorf("cannot tell: the server no longer lists the port")
	}
	name := safe(firstNonEmpty(pt.Name, pt.ID))
	// The ports an action on a bond port, or a bulk one, changes.
	members := []*Port{pt}
	if pt.IsBond() || strings.HasPrefix(query, "bulk_") {
		bond := pt.Name
		if !pt.IsBond() && pt.Bond != nil {
			bond = pt.Bond.Name
		}
		members = nil
		for i := range d.NetworkPorts {
			m := &d.NetworkPorts[i]
			if !m.IsBond() && m.Bond != nil && m.Bond.Name == bond {
				members = append(members, m)
			}
		}
		if len(members) == 0 {
			return false, "", errorf("cannot tell: no member port of %s is listed", name)
		}
	}
	bonded := func(want bool) (bool, string, error) {
		for _, m := range members {
			if m.Data.Bonded != want {
				return false, fmt.Sprintf("%s reads bonded=%v", safe(m.Name), m.Data.Bonded), nil
			}
		}
		return true, fmt.Sprintf("%d port%s read bonded=%v", len(members), map[bool]string{true: "", false: "s"}[len(members) == 1], want), nil
	}
	switch op {
	case "bond":
		return bonded(true)
	case "disbond":
		return bonded(false)
	case "convert/layer-2":
		return strings.HasPrefix(pt.NetworkType, "layer2"), name + " is " + safe(pt.NetworkType), nil
	case "convert/layer-3":
		return pt.NetworkType == NetworkLayer3, name + " is " + safe(pt.NetworkType), nil
	}
	var in PortAssignInput
	if json.Unmarshal(body, &in) != nil || in.VNID == "" {
		return false, "", errorf("cannot tell: the request names no virtual network")
	}
	num, isNum := vlanNumber(in.VNID)
	on := false
	for _, v := range pt.VirtualNetworks {
		if v.VirtualNetworkID() == in.VNID || (isNum && v.VXLAN == num) {
			on = true
		}
	}
	what := fmt.Sprintf("%s carries virtual network %s: %v", name, safe(truncate(in.VNID, 60)), on)
	if op == "assign" {
		return on, what, nil
	}
	return !on, what, nil
}

// verifyPower reads the server's state after a power action.
func (p *Provider) verifyPower(ctx context.Context, deviceID, action string) (bool, string, error) {
	d, err := p.client.GetDevice(ctx, deviceID)
	if err != nil {
		return false, "", err
	}
	host := safe(firstNonEmpty(d.Hostname, d.ID))
	now := host + " is " + safe(d.State)
	switch action {
	case DeviceActionPowerOn:
		return d.State == DevicePoweringOn || d.State == DeviceActive, now, nil
	case DeviceActionPowerOff:
		return d.State == DevicePoweringOff || d.State == DeviceInactive, now, nil
	}
	if d.State == DeviceRebooting {
		return true, now, nil
	}
	evs, err := p.client.ListDeviceEvents(ctx, deviceID, 50)
	if err != nil {
		return false, "", err
	}
	since := p.now().Add(-rebootWindow)
	for _, e := range evs {
		if strings.Contains(e.Type, "reboot") && e.CreatedAt.After(since) {
			return true, fmt.Sprintf("%s; Packet logged %s at %s", now, safe(truncate(e.Type, 40)), e.CreatedAt.UTC().Format(time.TimeOnly)), nil
		}
	}
	if d.State != DeviceActive {
		return false, now, nil
	}
	return false, "", errorf("cannot tell: %s and no reboot was logged in the last %s", now, rebootWindow)
}
