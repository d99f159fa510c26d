// Servers: a small bare-metal provider (Packet-shaped) for the inventory
// action and events tests.
package fake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/noctop/noctop/model"
)

// Servers is a small bare-metal provider for the action and events tests
// (the UI never imports a provider): project › facility › server › bond
// port › member ports, a group of virtual networks, a planner that builds
// Packet-shaped requests and refuses what Packet refuses, a runner that
// applies them to its world, and an event log.
type Servers struct {
	name string
	mu   sync.Mutex
	// world
	state   map[string]string // server id -> state
	Bonded  map[string]bool   // member port id -> bonded
	netType string            // bond0's network type
	vlans   map[string][]int  // port id -> VLANs
	events  []model.Event
	// what was asked (read them under Lock, or after the commands ran)
	Planned []model.ActionRequest
	Sent    []model.Action
	Reads   int
	EvReads []model.Ref
	EvErr   error
	CapErr  error
	InvErr  error // the next listings fail with it
}

// NewServers makes the world: web-01 active (bond0 hybrid, eth0 bonded,
// eth1 out of the bond on VLAN 1001), db-01 failed, spare-01 inactive.
func NewServers(name string) *Servers {
	at := func(m int) time.Time { return time.Date(2025, 3, 14, 9, m, 0, 0, time.UTC) }
	return &Servers{name: name,
		state:   map[string]string{"d-web": "active", "d-db": "failed", "d-off": "inactive"},
		Bonded:  map[string]bool{"p-eth0": true, "p-eth1": false},
		netType: "hybrid",
		vlans:   map[string][]int{"p-eth1": {1001}},
		// Deliberately out of order: the list sorts newest first.
		events: []model.Event{
			{Provider: name, ID: "ev-2", Type: "device.power_on", Body: "web-01 powered on", At: at(12), Ref: model.Ref{Type: "device", ID: "d-web"}},
			{Provider: name, ID: "ev-3", Type: "bgp_session.down", Body: "BGP session 10.0.0.1 → 169.254.255.1 went down", At: at(25), Ref: model.Ref{Type: "device", ID: "d-web"}},
			{Provider: name, ID: "ev-1", Type: "device.provisioned", Body: "web-01 provisioned", At: at(1), Ref: model.Ref{Type: "device", ID: "d-web"}},
			{Provider: name, ID: "ev-4", Type: "port.bonded", Body: "eth0 \x1b[31mbonded\x1b[0m into bond0", At: at(20), Ref: model.Ref{Type: "device", ID: "d-web"}},
		},
	}
}

// Source is the model.Source of the world.
func (s *Servers) Source(readOnly bool) model.Source {
	return model.Source{Name: s.name, Kind: "servers", ReadOnly: readOnly, Inventory: s, Planner: s, Runner: s, Events: s, Capacity: s}
}

func (s *Servers) Inventory(context.Context, *model.Progress) ([]model.Node, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Reads++
	if s.InvErr != nil {
		return nil, s.InvErr
	}
	ref := func(typ, id, name string) model.Ref {
		return model.Ref{Provider: s.name, Type: typ, ID: id, Name: name}
	}
	vlanOf := func(id string) string {
		var out []string
		for _, v := range s.vlans[id] {
			out = append(out, fmt.Sprint(v))
		}
		return strings.Join(out, ",")
	}
	member := func(id, name string) model.Node {
		fs := []model.Field{{Key: "bonded", Value: fmt.Sprint(s.Bonded[id])}, {Key: "bond", Value: "bond0"}}
		desc := "not bonded"
		var acts []model.ActionKind
		if s.Bonded[id] {
			desc = "bonded"
			acts = append(acts, model.ActionDisbondPort)
		} else {
			acts = append(acts, model.ActionBondPort, model.ActionAssignVLAN)
		}
		if v := vlanOf(id); v != "" {
			fs = append(fs, model.Field{Key: "vlan", Value: v})
			desc += " · VLAN " + v
			acts = append(acts, model.ActionUnassignVLAN)
		}
		return model.Node{Ref: ref("port", id, name), Kind: "port", Label: name + " · " + desc, State: model.StateActive, RawState: s.state["d-web"], Fields: fs, Actions: acts}
	}
	bondActs := []model.ActionKind{model.ActionAssignVLAN}
	if !s.Bonded["p-eth0"] || !s.Bonded["p-eth1"] {
		bondActs = append(bondActs, model.ActionBondPort)
	}
	if s.Bonded["p-eth0"] || s.Bonded["p-eth1"] {
		bondActs = append(bondActs, model.ActionDisbondPort)
	}
	if !strings.HasPrefix(s.netType, "layer2") {
		bondActs = append(bondActs, model.ActionConvertLayer2)
	}
	if s.netType != "layer3" {
		bondActs = append(bondActs, model.ActionConvertLayer3)
	}
	server := func(id, host string, ports []model.Node) model.Node {
		st := s.state[id]
		var acts []model.ActionKind
		switch st {
		case "active":
			acts = []model.ActionKind{model.ActionPowerOff, model.ActionReboot}
		case "inactive":
			acts = []model.ActionKind{model.ActionPowerOn}
		}
		ms := model.StateActive
		if st == "failed" {
			ms = model.StateFailed
		} else if st != "active" {
			ms = model.StateChanging
		}
		return model.Node{Ref: ref("device", id, host), Kind: "server", Label: host + " · c3.small.x86", State: ms, RawState: st,
			Fields: []model.Field{{Key: "hostname", Value: host}, {Key: "state", Value: st}, {Key: "facility", Value: "sjc1"}}, Children: ports, Actions: acts}
	}
	bond := model.Node{Ref: ref("port", "p-bond0", "bond0"), Kind: "port", Label: "bond0 · " + s.netType + " · 20G", State: model.StateActive, RawState: s.state["d-web"],
		Fields: []model.Field{{Key: "network type", Value: s.netType}}, Actions: bondActs,
		Children: []model.Node{member("p-eth0", "eth0"), member("p-eth1", "eth1")}}
	fac := model.Node{Ref: ref("facility", "f-sjc", "sjc1"), Kind: "facility", Label: "sjc1 · San Jose · 1 failed", State: model.StateFailed,
		Children: []model.Node{server("d-web", "web-01", []model.Node{bond}), server("d-db", "db-01", nil), server("d-off", "spare-01", nil)}}
	vn := func(id string, vlan int, desc, fac string) model.Node {
		return model.Node{Ref: ref("virtual-network", id, desc), Kind: "virtual-network", Label: fmt.Sprintf("VLAN %d · %s · %s", vlan, desc, fac), State: model.StateActive,
			Fields: []model.Field{{Key: "id", Value: id}, {Key: "vlan", Value: fmt.Sprint(vlan)}, {Key: "description", Value: desc}, {Key: "facility", Value: fac}}}
	}
	vnets := model.Node{Kind: "group", Label: "Virtual networks", Children: []model.Node{vn("vn-1001", 1001, "backend", "sjc1"), vn("vn-1002", 1002, "storage", "sjc1"), vn("vn-1003", 1003, "dr", "ams1")}}
	return []model.Node{{Ref: ref("project", "pr-1", "prod"), Kind: "project", Label: "prod · 3 servers · 1 failed", State: model.StateFailed,
		Children: []model.Node{fac, vnets}}}, nil
}

var errRefused = errors.New("refused")

// vlanOf finds a virtual network by VLAN number or id.
func vlanOf(v string) (int, bool) {
	switch v {
	case "1001", "vn-1001":
		return 1001, true
	case "1002", "vn-1002":
		return 1002, true
	case "1003", "vn-1003":
		return 1003, true
	}
	return 0, false
}

func (s *Servers) Plan(req model.ActionRequest) (model.Action, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Planned = append(s.Planned, req)
	a := model.Action{Request: req, Risk: model.RiskMedium}
	id := req.Target.ID
	switch req.Kind {
	case model.ActionBondPort, model.ActionDisbondPort:
		verb, flag := "bond", "bulk_enable"
		if req.Kind == model.ActionDisbondPort {
			verb, flag = "disbond", "bulk_disable"
		}
		bulk := id == "p-bond0"
		a.Title = strings.ToUpper(verb[:1]) + verb[1:] + " " + req.Target.Name
		a.HTTP = model.HTTPRequest{Method: "POST", Path: fmt.Sprintf("/ports/%s/%s?%s=%t", id, verb, flag, bulk)}
	case model.ActionConvertLayer2:
		a.Title, a.Risk, a.ConfirmText = "Convert bond0 of web-01 to layer 2", model.RiskHigh, "web-01"
		body := "{}"
		if v := req.Params[model.ParamVirtualNetwork]; v != "" {
			if _, ok := vlanOf(v); !ok {
				return model.Action{}, fmt.Errorf("%w: no virtual network %s", model.ErrUnsupported, v)
			}
			body = fmt.Sprintf("{\n  \"vnid\": %q\n}", v)
		}
		a.HTTP = model.HTTPRequest{Method: "POST", Path: "/ports/" + id + "/convert/layer-2", Body: []byte(body)}
	case model.ActionConvertLayer3:
		a.Title = "Convert bond0 of web-01 to layer 3"
		a.HTTP = model.HTTPRequest{Method: "POST", Path: "/ports/" + id + "/convert/layer-3", Body: []byte(`{"request_ips": []}`)}
	case model.ActionAssignVLAN, model.ActionUnassignVLAN:
		v := req.Params[model.ParamVirtualNetwork]
		if _, ok := vlanOf(v); !ok {
			return model.Action{}, fmt.Errorf("%w: no virtual network %q", errRefused, v)
		}
		op := "assign"
		if req.Kind == model.ActionUnassignVLAN {
			op = "unassign"
		}
		a.Title = op + " VLAN " + v
		a.HTTP = model.HTTPRequest{Method: "POST", Path: "/ports/" + id + "/" + op, Body: []byte(fmt.Sprintf("{\n  \"vnid\": %q\n}", v))}
	case model.ActionPowerOn, model.ActionPowerOff, model.ActionReboot:
		t := map[model.ActionKind]string{model.ActionPowerOn: "power_on", model.ActionPowerOff: "power_off", model.ActionReboot: "reboot"}[req.Kind]
		a.Title = t + " " + req.Target.Name
		if req.Kind != model.ActionPowerOn {
			a.ConfirmText, a.Risk = req.Target.Name, model.RiskHigh
		}
		a.HTTP = model.HTTPRequest{Method: "POST", Path: "/devices/" + id + "/actions?type=" + t}
	default:
		return model.Action{}, model.ErrUnsupported
	}
	return a, nil
}

func (s *Servers) Do(_ context.Context, a model.Action) (model.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Sent = append(s.Sent, a)
	id := a.Request.Target.ID
	switch a.Request.Kind {
	case model.ActionBondPort, model.ActionDisbondPort:
		on := a.Request.Kind == model.ActionBondPort
		if id == "p-bond0" {
			s.Bonded["p-eth0"], s.Bonded["p-eth1"] = on, on
		} else {
			s.Bonded[id] = on
		}
	case model.ActionConvertLayer2:
		s.netType = "layer2-bonded"
		if v, ok := vlanOf(a.Request.Params[model.ParamVirtualNetwork]); ok {
			s.vlans[id] = append(s.vlans[id], v)
		}
	case model.ActionPowerOff:
		s.state[id] = "powering_off"
	}
	return model.Result{Action: a, Status: 200, Message: "accepted"}, nil
}

func (s *Servers) Events(_ context.Context, about model.Ref) ([]model.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.EvReads = append(s.EvReads, about)
	if s.EvErr != nil {
		return nil, s.EvErr
	}
	var out []model.Event
	for _, e := range s.events {
		if about.ID == "" || e.Ref.ID == about.ID || about.Type == "project" {
			out = append(out, e)
		}
	}
	return slices.Clip(out), nil
}

// SentPaths are "METHOD path" of every action sent.
func (s *Servers) SentPaths() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.Sent {
		out = append(out, a.HTTP.Method+" "+a.HTTP.Path)
	}
	return out
}

// Capacity is a small report, out of order (the table sorts it).
func (s *Servers) Capacity(context.Context) ([]model.Capacity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.CapErr != nil {
		return nil, s.CapErr
	}
	return []model.Capacity{
		{Provider: s.name, Location: "sjc1", Plan: "m3.large.x86", Level: "limited", Available: 2, Total: -1},
		{Provider: s.name, Location: "ams1", Plan: "c3.small.x86", Level: "unavailable", Available: 0, Total: 20},
		{Provider: s.name, Location: "sjc1", Plan: "c3.small.x86", Level: "normal", Available: 12, Total: 40},
		{Provider: s.name, Location: "sjc1", Plan: "s3.xlarge.x86", Level: "\x1b[5mnormal", Available: -1, Total: -1},
	}, nil
}
