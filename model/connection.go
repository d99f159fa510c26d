package model

import (
	"encoding/json"
	"hash/fnv"
	"strconv"
	"time"
)

// State is a connection or object state normalised across providers. The
// provider's own value is always kept next to it (RawState).
type State string

const (
	StatePending        State = "pending"        // requested, waiting for approval or for the other side
	StateProvisioning   State = "provisioning"   // approved, being built
	StateActive         State = "active"         // in service
	StateChanging       State = "changing"       // in service with a change pending
	StateDeprovisioning State = "deprovisioning" // being torn down
	StateDeprovisioned  State = "deprovisioned"  // gone (kept for history)
	StateRejected       State = "rejected"
	StateFailed         State = "failed"
	StateDraft          State = "draft"
	StateUnknown        State = "unknown" // the provider sent a value we do not know; see RawState
)

// ChangeKind says what a pending change would do.
type ChangeKind string

const (
	ChangeCreation ChangeKind = "creation"
	ChangeUpdate   ChangeKind = "update"
	ChangeDeletion ChangeKind = "deletion"
)

// PendingChange is a change waiting for this side's decision (or in flight).
type PendingChange struct {
	Kind        ChangeKind
	ID          string    // provider's change id, when it has one
	Status      string    // provider's raw change status ("SUBMITTED_FOR_APPROVAL")
	Since       time.Time // when the change was requested
	Description string    // what the change is, as the provider describes it
	// WaitingOnUs is true when this side must approve or reject.
	WaitingOnUs bool
}

// Endpoint is one side of a connection.
type Endpoint struct {
	Type     string // COLO, VD, SP, port, network-service ...
	Name     string // access point / service profile / port name
	PortID   string
	PortName string
	Metro    string // metro code or name
	Account  string // account / organisation name
	VLANs    []int  // all VLAN tags on this side (S-tag first for QinQ)
	Extra    string // anything else worth one line (profile, ASN ...)
}

// ConnTypeBGPSession is the Connection.Type of a BGP session row (Packet
// lists its sessions as connections): `noctop get bgp` selects them.
const ConnTypeBGPSession = "bgp-session"

// Connection is any point-to-point or service connection a provider exposes.
type Connection struct {
	Provider       string // provider instance name
	ProviderKind   string
	ID             string
	Name           string
	Type           string // provider's connection type (EVPL_VC, p2p_vc ...)
	State          State
	RawState       string // provider's own state value, verbatim
	Status         string // secondary status (Fabric equinixStatus / providerStatus)
	BandwidthMbps  int64
	A, Z           Endpoint
	Pending        *PendingChange
	Actions        []ActionKind // actions possible now (approve, reject ...)
	Created        time.Time
	Updated        time.Time
	Raw            json.RawMessage // the object exactly as the API returned it, for the detail view
	FingerprintKey uint64          // computed by Fingerprint; 0 until then
}

// Key identifies a connection across providers.
func (c Connection) Key() string { return c.Provider + "/" + c.ID }

// VLANString is all VLANs of both sides, compact ("1001", "2001.2002/1001").
func (c Connection) VLANString() string {
	side := func(v []int) string {
		s := ""
		for i, t := range v {
			if i > 0 {
				s += "."
			}
			s += strconv.Itoa(t)
		}
		return s
	}
	a, z := side(c.A.VLANs), side(c.Z.VLANs)
	switch {
	case a == "":
		return z
	case z == "" || z == a:
		return a
	default:
		return a + "/" + z
	}
}

// HasAction reports whether k is possible now.
func (c Connection) HasAction(k ActionKind) bool {
	for _, a := range c.Actions {
		if a == k {
			return true
		}
	}
	return false
}

// Fingerprint hashes the fields an operator would notice changing, so the UI
// can mark new or changed rows without keeping old copies around.
func (c Connection) Fingerprint() uint64 {
	h := fnv.New64a()
	w := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	w(c.Name)
	w(c.Type)
	w(string(c.State))
	w(c.RawState)
	w(c.Status)
	w(strconv.FormatInt(c.BandwidthMbps, 10))
	w(c.A.Name + c.A.PortName + c.A.Metro)
	w(c.Z.Name + c.Z.PortName + c.Z.Metro)
	w(c.VLANString())
	if c.Pending != nil {
		w(string(c.Pending.Kind) + c.Pending.Status + c.Pending.ID)
		// Who must act decides whether the row is in Approvals at all.
		if c.Pending.WaitingOnUs {
			w("waiting-on-us")
		} else {
			w("waiting-on-them")
		}
	}
	// The actions on offer are shown (Approvals' CAN column, the footer)
	// and can change without any other field changing.
	for _, a := range c.Actions {
		h.Write([]byte(a))
		h.Write([]byte{1})
	}
	w("")
	w(c.Updated.UTC().Format(time.RFC3339Nano))
	return h.Sum64()
}

// Label renders an endpoint in one cell: "port@METRO" (or its name, or
// its type, when it has no port).
func (e Endpoint) Label() string {
	n := e.PortName
	if n == "" {
		n = e.Name
	}
	if n == "" {
		n = e.Type
	}
	if e.Metro != "" {
		if n == "" {
			return e.Metro
		}
		return n + "@" + e.Metro
	}
	return n
}
