package model

import (
	"context"
	"net/netip"
	"strconv"
	"time"
)

// IPFamily is an address family as IPAM systems name it.
type IPFamily string

const (
	IPv4 IPFamily = "ipv4"
	IPv6 IPFamily = "ipv6"
)

// Bits is the address length (32 or 128; 0 for an unknown family).
func (f IPFamily) Bits() int {
	switch f {
	case IPv4:
		return 32
	case IPv6:
		return 128
	}
	return 0
}

// Label is the family as operators write it ("IPv4").
func (f IPFamily) Label() string {
	switch f {
	case IPv4:
		return "IPv4"
	case IPv6:
		return "IPv6"
	}
	return string(f)
}

// BlockStatus is what a block is used for, normalised across IPAMs.
type BlockStatus string

const (
	BlockAvailable BlockStatus = "available" // free to assign
	BlockAssigned  BlockStatus = "assigned"  // assigned to a resource (customer, service)
	BlockHolding   BlockStatus = "holding"   // returned, waiting in the holding tank
	BlockSplit     BlockStatus = "split"     // divided into children; its use is theirs
)

// Block is one IP block (prefix) of an IPAM. IDs are integers in every
// IPAM noctop speaks; links to parent and children are IDs (0 = none), so
// a million blocks stay compact.
type Block struct {
	Provider     string
	ID           int64
	Family       IPFamily
	Prefix       netip.Prefix // masked; invalid if the provider sent nothing usable
	Parent       int64
	Child1       int64
	Child2       int64
	TopAggregate int64
	Status       BlockStatus
	Assigned     bool // the provider's is_assigned
	Swipped      bool // registered with the RIR (SWIP)
	// Leaf is the provider's is_aggregate flag: ProVision documents it as
	// "not split into children" (true for an unsplit block).
	Leaf         bool
	ResourceID   int64
	ResourceName string
	Region       string
	RegionName   string
	VLAN         int // 0 = none
	RIR          string
	LIRID        int64
	Tags         []string
	Code         string
	Description  string
	Notes        string
	ASN          int64
	OrgID        string // ProVision org_id (an RIR org handle)
	AssignedAt   time.Time
	UpdatedAt    time.Time
}

// Key identifies a block across providers.
func (b *Block) Key() string { return b.Provider + "/" + strconv.FormatInt(b.ID, 10) }

// CIDR is the block in CIDR notation ("" when the prefix is unknown).
func (b *Block) CIDR() string {
	if !b.Prefix.IsValid() {
		return ""
	}
	return b.Prefix.String()
}

// Mask is the prefix length (-1 when unknown).
func (b *Block) Mask() int {
	if !b.Prefix.IsValid() {
		return -1
	}
	return b.Prefix.Bits()
}

// Size is the number of addresses in the block (saturating at 2^128-1).
func (b *Block) Size() Hosts {
	if !b.Prefix.IsValid() {
		return Hosts{}
	}
	return PrefixSize(b.Prefix.Addr().BitLen(), b.Prefix.Bits())
}

// Ref names the block for actions.
func (b *Block) Ref() Ref {
	return Ref{Provider: b.Provider, Type: "block", ID: strconv.FormatInt(b.ID, 10), Name: b.CIDR()}
}

// HasTag reports whether the block carries tag t (case-insensitive).
func (b *Block) HasTag(t string) bool {
	for _, x := range b.Tags {
		if equalFold(x, t) {
			return true
		}
	}
	return false
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if foldByte(a[i]) != foldByte(b[i]) {
			return false
		}
	}
	return true
}

// Utilization is a host utilization report for one address family:
// how much of the (filtered) address space is assigned, allocated,
// available and in holding, and per resource.
type Utilization struct {
	Provider string
	Family   IPFamily
	// Unit says what the counts count: "addresses" for IPv4; for IPv6
	// ProVision counts /64 networks ("/64s").
	Unit      string
	Total     Hosts
	Assigned  Hosts
	Allocated Hosts
	Available Hosts
	Holding   Hosts
	// Percentages as the provider reported them (0..100).
	AssignedPct, AllocatedPct, AvailablePct, HoldingPct float64
	Resources                                           []ResourceUsage
}

// UsedPct is the share that cannot be handed out now (assigned + holding),
// 0..100, computed from the counts.
func (u Utilization) UsedPct() float64 {
	return Percent(u.Assigned.Add(u.Holding), u.Total)
}

// ResourceUsage is one resource's share of a utilization report.
type ResourceUsage struct {
	ID      int64
	Name    string
	Type    string // ProVision resource type ("entry" ...)
	Hosts   Hosts
	Blocks  int
	Percent float64 // of the report's total, as reported
}

// UtilQuery filters a utilization report. Family is required.
type UtilQuery struct {
	Family  IPFamily
	RIR     string
	Regions []string
	Tags    []string
	Codes   []string
	VLANs   []int
}

// BlockQuery filters a block listing; zero fields do not filter.
type BlockQuery struct {
	Family         IPFamily
	RIR            string
	Region         string
	VLAN           int
	Tags           []string
	TagsMode       string // strict | exclude | intersection (default) | union
	Assigned       *bool
	Leaf           *bool // ProVision's isAggregate
	TopAggregateID int64
	ResourceID     int64
	Search         string
	Mask           int
	SortField      string // cidr | mask | rir | vlan | code | updateTime
	SortOrder      string // ASC | DESC
}

// MaskQuery filters a mask report.
type MaskQuery struct {
	ResourceID int64
	Tags       []string
	Regions    []string
}

// MaskReport is the by-prefix-length use of the address space, per family.
type MaskReport struct {
	Provider string
	Families []MaskFamily // IPv4 first when present
}

// Family returns the report of family f (ok false when absent).
func (r MaskReport) Family(f IPFamily) (MaskFamily, bool) {
	for _, x := range r.Families {
		if x.Family == f {
			return x, true
		}
	}
	return MaskFamily{}, false
}

// MaskFamily is one family's mask report: totals and one row per prefix
// length, shortest prefix first.
type MaskFamily struct {
	Family   IPFamily
	Unit     string // as in Utilization.Unit
	Totals   MaskRow
	Prefixes []MaskRow
}

// MaskRow is the use of one prefix length (Mask -1 for the totals row).
type MaskRow struct {
	Mask                                                int
	Total, Assigned, Available, Holding, Allocated      Hosts
	AssignedPct, AvailablePct, HoldingPct, AllocatedPct float64
}

// HoldingPreview is what processing the holding tank would return to the
// available pool, as the provider reported it without changing anything.
type HoldingPreview struct {
	Provider string
	Blocks   []Block
	Message  string
	At       time.Time
	// Fingerprint identifies this exact set of blocks. Planning the
	// processing requires it, and the runner refuses to process when a
	// fresh preview no longer matches, so what was shown is what moves.
	Fingerprint string
}

// IPAMSource is an IP address management system.
type IPAMSource interface {
	// Utilization is the host utilization report for q.Family.
	Utilization(ctx context.Context, q UtilQuery) (Utilization, error)
	// Blocks lists blocks matching q, every page; p may be nil.
	Blocks(ctx context.Context, q BlockQuery, p *Progress) ([]Block, error)
	// MaskReport is the by-mask use report.
	MaskReport(ctx context.Context, q MaskQuery) (MaskReport, error)
	// HoldingTank previews processing the holding tank. It changes nothing.
	HoldingTank(ctx context.Context) (HoldingPreview, error)
}

// IPAM actions (planned through ActionPlanner, run through ActionRunner).
const (
	// ActionSmartAssign lets the IPAM choose and assign a block of a mask.
	ActionSmartAssign ActionKind = "smart-assign"
	// ActionDeassign is a SWIP deassignment of an assigned block.
	ActionDeassign ActionKind = "deassign"
	// ActionReassign is a SWIP simple reassignment to a customer.
	ActionReassign ActionKind = "swip-reassign"
	// ActionProcessHolding returns held blocks to the available pool.
	// Planning it requires the fingerprint of a preview (ParamPreview).
	ActionProcessHolding ActionKind = "process-holding-tank"
)

// ActionRequest.Params keys of the IPAM actions.
const (
	ParamMask          = "mask"           // smartAssign: prefix length
	ParamFamily        = "type"           // smartAssign: ipv4 | ipv6
	ParamRIR           = "rir"            // smartAssign
	ParamResourceID    = "resource_id"    // smartAssign, deassign, reassign
	ParamResourceQuery = "resource_query" // smartAssign: JSON resource query instead of an id
	ParamRegion        = "region"
	ParamTags          = "tags" // comma-separated
	ParamVLAN          = "vlan"
	ParamCode          = "code"
	ParamLIRID         = "lir_id"        // deassign, reassign
	ParamEntityHandle  = "entity_handle" // deassign, reassign: the LIR's org handle
	ParamNetName       = "net_name"      // deassign, reassign (optional)
	ParamPreview       = "preview"       // process holding tank: HoldingPreview.Fingerprint
)

// Percent is part/total as 0..100 (0 when total is zero).
func Percent(part, total Hosts) float64 {
	t := total.Float64()
	if t <= 0 {
		return 0
	}
	p := part.Float64() / t * 100
	if p > 100 {
		return 100
	}
	return p
}
