package packet

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/noctop/noctop/model"
)

// The exact requests of the mutations. Plan and the Client methods both
// build them here, so what the confirmation shows is what the client
// would send.

func bondRequest(portID string, bulk bool) (model.HTTPRequest, error) {
	p, err := objPath("/ports/", portID, "/bond")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	if bulk {
		p += "?bulk_enable=true"
	}
	return model.HTTPRequest{Method: http.MethodPost, Path: p}, nil
}

func disbondRequest(portID string, bulk bool) (model.HTTPRequest, error) {
	p, err := objPath("/ports/", portID, "/disbond")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	if bulk {
		p += "?bulk_disable=true"
	}
	return model.HTTPRequest{Method: http.MethodPost, Path: p}, nil
}

func convertLayer2Request(portID, vnid string) (model.HTTPRequest, error) {
	p, err := objPath("/ports/", portID, "/convert/layer-2")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	if vnid != "" && !validVNID(vnid) {
		return model.HTTPRequest{}, errorf("virtual network %q is neither an id nor a VLAN number", truncate(vnid, 60))
	}
	return jsonRequest(p, PortAssignInput{VNID: vnid})
}

func convertLayer3Request(portID string, ips []RequestIP) (model.HTTPRequest, error) {
	p, err := objPath("/ports/", portID, "/convert/layer-3")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	return jsonRequest(p, PortConvertLayer3Input{RequestIPs: ips})
}

func assignRequest(portID, vnid, suffix string) (model.HTTPRequest, error) {
	p, err := objPath("/ports/", portID, suffix)
	if err != nil {
		return model.HTTPRequest{}, err
	}
	if !validVNID(vnid) {
		return model.HTTPRequest{}, errorf("virtual network %q is neither an id nor a VLAN number", truncate(vnid, 60))
	}
	return jsonRequest(p, PortAssignInput{VNID: vnid})
}

func deviceActionRequest(deviceID, action string) (model.HTTPRequest, error) {
	switch action {
	case DeviceActionPowerOn, DeviceActionPowerOff, DeviceActionReboot:
	default:
		return model.HTTPRequest{}, errorf("device action %q is not one noctop sends (power_on, power_off, reboot)", truncate(action, 30))
	}
	p, err := objPath("/devices/", deviceID, "/actions")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	return jsonRequest(p+"?type="+action, DeviceActionInput{Type: action})
}

func moveReservationRequest(id, projectID string) (model.HTTPRequest, error) {
	p, err := objPath("/hardware-reservations/", id, "/move")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	if !validID.MatchString(projectID) {
		return model.HTTPRequest{}, errorf("invalid project id %q", truncate(projectID, 60))
	}
	return jsonRequest(p, MoveHardwareReservationInput{ProjectID: projectID})
}

// jsonRequest is a POST with body, indented for the confirmation dialog.
func jsonRequest(path string, body any) (model.HTTPRequest, error) {
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return model.HTTPRequest{}, err
	}
	return model.HTTPRequest{Method: http.MethodPost, Path: path, Body: b}, nil
}

// validVNID accepts a virtual network id or a VLAN number.
func validVNID(s string) bool {
	if n, ok := vlanNumber(s); ok {
		return n >= 1 && n <= 4094
	}
	return validID.MatchString(s)
}

// vlanNumber reads s as a VLAN number (digits only).
func vlanNumber(s string) (int, bool) {
	if s == "" || len(s) > 4 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n, true
}

// allowedMutation reports whether h is one of the requests this package
// plans (Do refuses anything else).
func allowedMutation(h model.HTTPRequest) bool {
	if h.Method != http.MethodPost {
		return false
	}
	path, query, _ := strings.Cut(h.Path, "?")
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	if len(parts) < 3 || !validID.MatchString(parts[1]) {
		return false
	}
	rest := strings.Join(parts[2:], "/")
	switch parts[0] {
	case "ports":
		switch rest {
		case "bond":
			return query == "" || query == "bulk_enable=true"
		case "disbond":
			return query == "" || query == "bulk_disable=true"
		case "convert/layer-2", "convert/layer-3", "assign", "unassign":
			return query == ""
		}
	case "devices":
		return rest == "actions" && (query == "type="+DeviceActionPowerOn || query == "type="+DeviceActionPowerOff || query == "type="+DeviceActionReboot)
	case "hardware-reservations":
		return rest == "move" && query == ""
	}
	return false
}
