package providers

import (
	"github.com/noctop/noctop/providers/fabric"
	"github.com/noctop/noctop/providers/ixapi"
	"github.com/noctop/noctop/providers/kind"
	"github.com/noctop/noctop/providers/metal"
	"github.com/noctop/noctop/providers/packet"
	"github.com/noctop/noctop/providers/provision"
)

// Kinds is every provider kind noctop knows, in display order: the one
// table the registry, config validation, the demo and `noctop sim` read
// (see package kind). A new kind is its package plus one line here.
var Kinds = []kind.Descriptor{
	fabric.Descriptor,
	ixapi.Descriptor,
	metal.Descriptor,
	packet.Descriptor,
	provision.Descriptor,
}
