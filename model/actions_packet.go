package model

// Action kinds for bare-metal servers and their network ports (Packet;
// additive). A port belongs to a server; a bond port (bond0) aggregates
// physical ports (eth0, eth1).
const (
	ActionBondPort        ActionKind = "bond-port"        // put a port (back) into its bond
	ActionDisbondPort     ActionKind = "disbond-port"     // take a port out of its bond
	ActionConvertLayer2   ActionKind = "convert-layer2"   // bond port to layer 2 (removes its IPs)
	ActionConvertLayer3   ActionKind = "convert-layer3"   // bond port back to layer 3 (requests IPs)
	ActionAssignVLAN      ActionKind = "assign-vlan"      // add a virtual network (VLAN) to a port
	ActionUnassignVLAN    ActionKind = "unassign-vlan"    // remove a virtual network from a port
	ActionPowerOn         ActionKind = "power-on"         // server power on
	ActionPowerOff        ActionKind = "power-off"        // server power off
	ActionReboot          ActionKind = "reboot"           // server reboot
	ActionMoveReservation ActionKind = "move-reservation" // hardware reservation to another project
)

// Params of the port and server actions.
const (
	// ParamVirtualNetwork names the virtual network of an assign, unassign
	// or layer-2 conversion: its id, or its VLAN number.
	ParamVirtualNetwork = "virtual_network"
	// ParamBulk ("true") applies a bond or disbond to every port of the
	// bond at once (Packet's bulk_enable / bulk_disable).
	ParamBulk = "bulk"
	// ParamRequestIPs lists the addresses a layer-3 conversion asks for,
	// comma-separated from "public-ipv4", "private-ipv4", "public-ipv6"
	// (default: all three, as a freshly provisioned server has).
	ParamRequestIPs = "request_ips"
	// ParamProject (actions_metal.go) is also the project a hardware
	// reservation moves to.
)
