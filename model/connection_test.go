package model

import (
	"context"
	"testing"
	"time"
)

func TestFingerprint(t *testing.T) {
	base := func() Connection {
		return Connection{
			Provider: "p", ID: "1", Name: "Conn-1", Type: "EVPL_VC", State: StatePending, RawState: "PENDING",
			BandwidthMbps: 100, A: Endpoint{PortName: "et-0/0/1", Metro: "AM", VLANs: []int{100}},
			Pending: &PendingChange{Kind: ChangeCreation, Status: "SUBMITTED", WaitingOnUs: true},
			Actions: []ActionKind{ActionApprove, ActionReject},
			Updated: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		}
	}
	ref := base().Fingerprint()
	if base().Fingerprint() != ref {
		t.Fatal("fingerprint is not deterministic")
	}
	tests := []struct {
		name string
		edit func(c *Connection)
	}{
		{"name", func(c *Connection) { c.Name = "Conn-2" }},
		{"state", func(c *Connection) { c.State = StateActive }},
		{"raw state", func(c *Connection) { c.RawState = "PROVISIONING" }},
		{"bandwidth", func(c *Connection) { c.BandwidthMbps = 200 }},
		{"vlan", func(c *Connection) { c.A.VLANs = []int{101} }},
		{"pending status", func(c *Connection) { c.Pending.Status = "APPROVED" }},
		{"pending gone", func(c *Connection) { c.Pending = nil }},
		{"waiting on us", func(c *Connection) { c.Pending.WaitingOnUs = false }},
		{"one action fewer", func(c *Connection) { c.Actions = []ActionKind{ActionApprove} }},
		{"no actions", func(c *Connection) { c.Actions = nil }},
		{"other action", func(c *Connection) { c.Actions = []ActionKind{ActionApprove, ActionDecommission} }},
		{"actions reordered", func(c *Connection) { c.Actions = []ActionKind{ActionReject, ActionApprove} }},
		{"updated", func(c *Connection) { c.Updated = c.Updated.Add(time.Second) }},
	}
	for _, tt := range tests {
		c := base()
		tt.edit(&c)
		if c.Fingerprint() == ref {
			t.Errorf("%s: fingerprint unchanged", tt.name)
		}
	}
	// Fields an operator does not see in lists do not count.
	c := base()
	c.Raw = []byte(`{"x":1}`)
	c.FingerprintKey = 42
	if c.Fingerprint() != ref {
		t.Error("Raw/FingerprintKey changed the fingerprint")
	}
	// Action names cannot run together: {"ab"} vs {"a","b"}.
	x, y := base(), base()
	x.Actions, y.Actions = []ActionKind{"ab"}, []ActionKind{"a", "b"}
	if x.Fingerprint() == y.Fingerprint() {
		t.Error("action lists collide")
	}
}

func TestWaitingOnUs(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *Connection
		want bool
	}{
		{"nil", nil, false},
		{"no change", &Connection{}, false},
		{"their turn", &Connection{Pending: &PendingChange{Kind: ChangeCreation}}, false},
		{"ours", &Connection{Pending: &PendingChange{Kind: ChangeCreation, WaitingOnUs: true}}, true},
	} {
		if got := WaitingOnUs(tc.c); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEndpointLabel(t *testing.T) {
	for _, tc := range []struct {
		e    Endpoint
		want string
	}{
		{Endpoint{}, ""},
		{Endpoint{Type: "COLO"}, "COLO"},
		{Endpoint{Type: "COLO", Name: "ap-1"}, "ap-1"},
		{Endpoint{Name: "ap-1", PortName: "et-0/0/1"}, "et-0/0/1"},
		{Endpoint{PortName: "et-0/0/1", Metro: "AM"}, "et-0/0/1@AM"},
		{Endpoint{Metro: "AM"}, "AM"},
	} {
		if got := tc.e.Label(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.e, got, tc.want)
		}
	}
}

type peersOnly struct{ typ string }

func (p peersOnly) Peers(context.Context, Ref) ([]Peer, error) { return nil, nil }
func (p peersOnly) HasPeers(r Ref) bool                        { return r.Type == p.typ }

type anyPeers struct{}

func (anyPeers) Peers(context.Context, Ref) ([]Peer, error) { return nil, nil }

func TestHasPeersThroughSafeSource(t *testing.T) {
	s := SafeSource(Source{Peers: peersOnly{"config"}})
	if HasPeers(s.Peers, Ref{Type: "port"}) || !HasPeers(s.Peers, Ref{Type: "config"}) {
		t.Error("PeerTargets lost behind SafeSource")
	}
	if !HasPeers(SafeSource(Source{Peers: anyPeers{}}).Peers, Ref{Type: "port"}) {
		t.Error("a source that does not say is not asked")
	}
	if HasPeers(nil, Ref{}) {
		t.Error("nil source has peers")
	}
}
