package model

import "context"

// Actions and parameters for changing and placing connections (additive;
// see providers/fabric).
const (
	// ActionChangeBandwidth asks for a new bandwidth of one of our
	// connections (Params[ParamBandwidth], Mbit/s).
	ActionChangeBandwidth ActionKind = "change-bandwidth"

	ParamBandwidth = "bandwidth" // Mbit/s
	// Where an accepted connection lands on our side: a port of ours
	// (ParamPort, shared with Metal in actions_metal.go) and its VLAN
	// (ParamVLAN, the outer tag, S-tag, on a QinQ port) and, on a QinQ
	// port, the inner tag (C-tag).
	ParamInnerVLAN = "inner_vlan"
)

// LandingPort is one of our ports a requested connection could land on,
// with what an operator needs to choose it.
type LandingPort struct {
	ID, Name  string
	Metro     string
	State     string // provider's value
	SpeedMbps int64
	FreeMbps  int64 // bandwidth not yet used by connections
	// RedundancyGroup and Priority (PRIMARY, SECONDARY) place the port in
	// a redundant pair.
	RedundancyGroup, Priority string
	// Encapsulation is DOT1Q or QINQ; a QinQ port takes an outer (S) and
	// an inner (C) tag, so InnerTag is true.
	Encapsulation string
	InnerTag      bool
	// UsedVLANs are the outer tags already in use on the port (sorted).
	UsedVLANs []int
	// Suggested is the port a plan without parameters would take, and
	// SuggestedVLAN the VLAN it would use there.
	Suggested     bool
	SuggestedVLAN int
}

// LandingPortSource lists the ports of ours a pending connection request
// could be accepted onto, best first (the one a plan without parameters
// takes is Suggested). A plan then takes the operator's choice through
// ParamPort, ParamVLAN and ParamInnerVLAN and refuses a VLAN already used
// on that port.
type LandingPortSource interface {
	LandingPorts(ctx context.Context, target Ref) ([]LandingPort, error)
}
