package model

import (
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
