package model

// Action kinds for objects that can be changed, created or requested
// rather than only approved (Equinix Metal interconnections and virtual
// circuits; see providers/metal). Deleting uses ActionDecommission.
const (
	// ActionUpdate changes an object's settings; Params say which
	// (ParamName, ParamDescription, ParamVNID, ParamSpeed ...).
	ActionUpdate ActionKind = "update"
	// ActionCreateVirtualCircuit creates a virtual circuit on a dedicated
	// port of the target interconnection.
	ActionCreateVirtualCircuit ActionKind = "create-virtual-circuit"
	// ActionRequestInterconnection requests a new interconnection for the
	// target organization or project.
	ActionRequestInterconnection ActionKind = "request-interconnection"
)

// Params of ActionUpdate, ActionCreateVirtualCircuit and
// ActionRequestInterconnection. Unset params are left out of the request.
const (
	ParamName             = "name"
	ParamDescription      = "description"
	ParamContactEmail     = "contact_email"
	ParamMode             = "mode"               // interconnection mode: standard | tunnel
	ParamSpeed            = "speed"              // "1gbps", "500mbps", or bps
	ParamVNID             = "vnid"               // virtual network UUID, or its VLAN number
	ParamNNIVLAN          = "nni_vlan"           // VLAN on the dedicated port (2..4094)
	ParamPort             = "port"               // port UUID, or its role: primary | secondary
	ParamProject          = "project"            // project UUID
	ParamVRF              = "vrf"                // VRF UUID
	ParamSubnet           = "subnet"             // VRF VC /30 or /31
	ParamPeerASN          = "peer_asn"           // VRF VC peer ASN
	ParamMetalIP          = "metal_ip"           // VRF VC Metal-side address
	ParamCustomerIP       = "customer_ip"        // VRF VC customer-side address
	ParamMetro            = "metro"              // metro code
	ParamConnectionType   = "connection_type"    // dedicated | shared | shared_port_vlan
	ParamRedundancy       = "redundancy"         // primary | redundant
	ParamServiceTokenType = "service_token_type" // a_side | z_side
	ParamVLANs            = "vlans"              // comma-separated VLAN numbers
)
