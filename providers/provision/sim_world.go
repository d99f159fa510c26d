package provision

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// The simulated IPAM: per region (a metro of the shared world) public IPv4
// and IPv6 aggregates from the region's RIR, plus RFC 1918 infrastructure
// space in some regions, each filled by best-fit assignments to the
// world's companies, which splits it into a realistic binary tree
// (child1 = lower half, child2 = upper half). Some assigned blocks sit in
// the holding tank; a few pools run above 90%.

// Fixed resource ids of the simulated instance.
const (
	simAvailableID = 1 // "Available": unassigned space
	simHoldingID   = 2 // "6connect holding": the holding tank
	simLIRBase     = 10
	simCustomerID  = 1000 // + company index
)

// simRegion is one IPAM region.
type simRegion struct {
	code, name string // "AMS", "Amsterdam"
	metro      string // shared-world metro code ("AM"), for VLANs
	rir        string
	index      int
	hot        bool // its pools run above 90%
}

// simBlock is one block of the simulated IPAM, kept small: a world of a
// million blocks is a million of these.
type simBlock struct {
	id, parent, child1, child2, top int64
	prefix                          netip.Prefix
	resource                        int64
	assigned, swipped               bool
	region                          *simRegion
	rir                             string
	vlan                            int
	lir                             int64
	tags                            []string   // interned (Simulator.tagSet): shared, never changed in place
	text                            *blockText // nil: no code, SWIP names, description or notes
	assignedAt, updatedAt           simTime
	swipAt, heldSince               simTime
}

// blockText is what few blocks have.
type blockText struct{ code, netName, custHandle, desc, notes string }

func (b *simBlock) txt() blockText {
	if b.text == nil {
		return blockText{}
	}
	return *b.text
}

func (b *simBlock) code() string  { return b.txt().code }
func (b *simBlock) desc() string  { return b.txt().desc }
func (b *simBlock) notes() string { return b.txt().notes }

// setText changes a block's texts.
func (b *simBlock) setText(fn func(t *blockText)) {
	t := b.txt()
	fn(&t)
	if t == (blockText{}) {
		b.text = nil
		return
	}
	b.text = &t
}

func (b *simBlock) fam() model.IPFamily {
	if b.prefix.Addr().Is6() {
		return model.IPv6
	}
	return model.IPv4
}

// simTime is a time in 8 bytes: Unix nanoseconds, 0 for none.
type simTime int64

func stime(t time.Time) simTime {
	if t.IsZero() {
		return 0
	}
	return simTime(t.UnixNano())
}

func (t simTime) time() time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(t)).UTC()
}

// tagSet returns the shared copy of tags (capacity = length, so an append
// to it never writes into another block's tags).
func (s *Simulator) tagSet(tags []string) []string {
	if len(tags) == 0 {
		return nil
	}
	key := strings.Join(tags, "\x00")
	if t, ok := s.tagSets[key]; ok {
		return t
	}
	t := slices.Clip(slices.Clone(tags))
	s.tagSets[key] = t
	return t
}

// block returns block id (nil if there is none): ids are creation order.
func (s *Simulator) block(id int64) *simBlock {
	if id < 1 || id > int64(len(s.order)) {
		return nil
	}
	return s.order[id-1]
}

func (b *simBlock) leaf() bool { return b.child1 == 0 && b.child2 == 0 }

func (b *simBlock) status() model.BlockStatus {
	switch {
	case !b.leaf():
		return model.BlockSplit
	case b.assigned:
		return model.BlockAssigned
	case b.resource == simHoldingID:
		return model.BlockHolding
	}
	return model.BlockAvailable
}

// simAgg is one aggregate with its free leaves by prefix length, each list
// in address order, for best-fit allocation without walking the tree.
type simAgg struct {
	root *simBlock
	free map[int][]*simBlock
}

func (a *simAgg) addFree(b *simBlock) {
	l := a.free[b.prefix.Bits()]
	i, _ := slices.BinarySearchFunc(l, b, func(x, y *simBlock) int { return x.prefix.Addr().Compare(y.prefix.Addr()) })
	a.free[b.prefix.Bits()] = slices.Insert(l, i, b)
}

func (a *simAgg) removeFree(b *simBlock) {
	l := a.free[b.prefix.Bits()]
	if i := slices.Index(l, b); i >= 0 {
		a.free[b.prefix.Bits()] = slices.Delete(l, i, i+1)
	}
}

// bestFit is the smallest free leaf of length <= mask (lowest address).
func (a *simAgg) bestFit(mask int, ok func(*simBlock) bool) *simBlock {
	for m := mask; m >= a.root.prefix.Bits(); m-- {
		for _, b := range a.free[m] {
			if ok == nil || ok(b) {
				return b
			}
		}
	}
	return nil
}

type simResource struct {
	id      int64
	name    string
	typ     string
	handle  string // LIR org handle; customer handle for companies
	company int    // -1 when not a company
}

// regionMetros are the shared-world metros that host IPAM regions.
var regionMetros = []string{"SV", "DC", "NY", "CH", "LD", "AM", "FR", "SG", "TY", "SY", "SP", "HK"}

// hotRegions run their pools above 90%; FR sits just above 80%.
var hotRegions = map[string]bool{"DC": true, "SG": true}

func rirFor(m sim.Metro) string {
	switch {
	case m.Country == "BR":
		return "LACNIC"
	case m.Region == "AMER":
		return "ARIN"
	case m.Region == "EMEA":
		return "RIPE"
	}
	return "APNIC"
}

// Address plans per RIR: the first two bytes of IPv4 aggregates and IPv6
// /32s; each region takes its own slot.
var (
	v4Base = map[string]byte{"ARIN": 23, "RIPE": 185, "APNIC": 103, "LACNIC": 177}
	v6Base = map[string][2]byte{"ARIN": {0x26, 0x00}, "RIPE": {0x2a, 0x0b}, "APNIC": {0x24, 0x00}, "LACNIC": {0x28, 0x00}}
)

// Assignment sizes (prefix length, weight) per family.
var (
	v4Sizes = []struct {
		mask int
		w    float64
	}{{30, 15}, {29, 40}, {28, 18}, {27, 10}, {26, 7}, {25, 5}, {24, 3}, {31, 2}}
	v6Sizes = []struct {
		mask int
		w    float64
	}{{48, 40}, {52, 10}, {56, 30}, {60, 5}, {64, 15}}
)

var assignTags = []string{"Customer", "Colo", "Transit", "Cloud-Onramp"}

// build creates the world's IPAM. Deterministic for a seed and scale.
func (s *Simulator) build() {
	w := s.world
	epoch := w.Epoch()
	s.addResource(&simResource{id: simAvailableID, name: "Available", typ: "section", company: -1})
	s.addResource(&simResource{id: simHoldingID, name: "6connect holding", typ: "holding", company: -1})
	self := w.Self()
	for i, rir := range rirs {
		s.addResource(&simResource{id: simLIRBase + int64(i), name: self.Name + " (" + rir + " LIR)", typ: "lir",
			handle: strings.ToUpper(self.Slug[:5]) + "-" + strings.ToUpper(rir), company: -1})
	}
	for i := 0; i < w.CompanyCount(); i++ {
		c := w.Company(i)
		s.addResource(&simResource{id: simCustomerID + int64(i), name: c.Name, typ: "entry",
			handle: strings.ToUpper(c.Slug[:min(5, len(c.Slug))]) + "-" + strconv.Itoa(i+1), company: i})
	}

	// Sizes grow with the scale so that bigger worlds have bigger trees.
	grow := 0
	if sc := w.Scale(); sc > sim.DefaultScale {
		grow = bits.Len(uint(sc/sim.DefaultScale)) - 1
	}
	mask4 := max(22-grow, 12)
	mask6 := max(44-grow, 32)
	budget := min(max(w.Scale()*10, 600), 1_000_000)

	for k, code := range regionMetros {
		m, ok := sim.MetroByCode(code)
		if !ok {
			continue
		}
		rg := &simRegion{code: m.IATA, name: m.Name, metro: m.Code, rir: rirFor(m), index: k, hot: hotRegions[code]}
		s.regions = append(s.regions, rg)
	}
	naggs := 2*len(s.regions) + (len(s.regions)+2)/3
	per := max(budget/naggs, 40)
	for _, rg := range s.regions {
		r := w.Rand("provision", "region", rg.code)
		// Public IPv4: one /mask4 in the region's own /16 of the RIR plan.
		a4 := netip.AddrFrom4([4]byte{v4Base[rg.rir], byte(40 + rg.index), 0, 0})
		s.fillAggregate(rg, netip.PrefixFrom(a4, mask4), rg.rir, []string{"Public"}, fillTarget(r, rg, 0), per, epoch)
		// Public IPv6: one /mask6 in the RIR's /32 plan.
		b6 := v6Base[rg.rir]
		a6 := netip.AddrFrom16([16]byte{b6[0], b6[1], byte(0x10 + rg.index), 0x00})
		s.fillAggregate(rg, netip.PrefixFrom(a6, mask6), rg.rir, []string{"Public"}, fillTarget(r, rg, 1), per, epoch)
		// RFC 1918 infrastructure space in every third region.
		if rg.index%3 == 0 {
			a10 := netip.AddrFrom4([4]byte{10, byte(rg.index), 0, 0})
			s.fillAggregate(rg, netip.PrefixFrom(a10, mask4+1), "1918", []string{"Infrastructure"}, fillTarget(r, rg, 2), per, epoch)
		}
	}
	// Churn already underway: some assignments returned to the holding
	// tank over the last weeks (those older than the hold period are due).
	r := w.Rand("provision", "holding")
	for _, b := range s.order {
		if b.status() == model.BlockAssigned && b.lir != 0 && sim.Chance(r, 0.07) {
			s.toHolding(b, epoch.Add(-sim.Between(r, time.Hour, 20*24*time.Hour)))
		}
	}
}

// fillTarget is an aggregate's target use: hot regions above 90%,
// Frankfurt just above 80%, the rest between 35% and 78%.
func fillTarget(r *rand.Rand, rg *simRegion, kind int) float64 {
	switch {
	case rg.hot && kind != 2:
		return 0.92 + r.Float64()*0.05
	case rg.metro == "FR" && kind == 0:
		return 0.82 + r.Float64()*0.03
	}
	return 0.35 + r.Float64()*0.43
}

func (s *Simulator) addResource(res *simResource) {
	s.resources[res.id] = res
	s.resOrder = append(s.resOrder, res.id)
}

func (s *Simulator) newBlock(p netip.Prefix, parent *simBlock) *simBlock {
	s.nextID++
	b := &simBlock{id: s.nextID, prefix: p.Masked(), resource: simAvailableID}
	if parent != nil {
		b.parent, b.top = parent.id, parent.top
		b.region, b.rir, b.lir, b.updatedAt = parent.region, parent.rir, parent.lir, parent.updatedAt
		b.tags = parent.tags
	} else {
		b.top = b.id
	}
	s.order = append(s.order, b)
	return b
}

// fillAggregate creates an aggregate and assigns blocks from it until it
// reaches target use or its share of the block budget.
func (s *Simulator) fillAggregate(rg *simRegion, p netip.Prefix, rir string, tags []string, target float64, budget int, epoch time.Time) {
	root := s.newBlock(p, nil)
	root.region, root.tags, root.updatedAt = rg, s.tagSet(tags), stime(epoch.Add(-3*365*24*time.Hour))
	root.rir = rir
	if rir != "1918" {
		root.lir = simLIRBase + int64(slices.Index(rirs, rir))
	}
	agg := &simAgg{root: root, free: map[int][]*simBlock{}}
	agg.addFree(root)
	s.aggs[root.id] = agg
	r := s.world.Rand("provision", "aggregate", p.String())
	sizes := v4Sizes
	if root.fam() == model.IPv6 {
		sizes = v6Sizes
	}
	weights := make([]float64, len(sizes))
	for i, x := range sizes {
		weights[i] = x.w
	}
	total := sizeOf(root).Float64()
	start := len(s.order)
	misses := 0
	for used := 0.0; used < target*total && len(s.order)-start < budget && misses < 40; {
		mask := sizes[sim.Weighted(r, weights)].mask
		if mask <= p.Bits() {
			misses++
			continue
		}
		b := agg.bestFit(mask, nil)
		if b == nil {
			misses++
			continue
		}
		leaf := s.carve(agg, b, mask, epoch)
		company := r.IntN(s.world.CompanyCount())
		at := epoch.Add(-sim.Between(r, time.Hour, 900*24*time.Hour))
		s.assignTo(agg, leaf, simCustomerID+int64(company), at)
		tag := sim.Pick(r, assignTags)
		if (leaf.fam() == model.IPv4 && mask >= 30) || (leaf.fam() == model.IPv6 && mask >= 64 && sim.Chance(r, 0.5)) {
			tag = "PTP"
		}
		leaf.tags = s.tagSet(append(leaf.tags, tag))
		if rir != "1918" && sim.Chance(r, 0.7) {
			leaf.vlan = sim.ServiceVLAN(s.world.Seed(), rg.metro, company)
		}
		if rir == "ARIN" && sim.Chance(r, 0.5) {
			leaf.swipped, leaf.swipAt = true, stime(at.Add(time.Hour))
			leaf.setText(func(t *blockText) { t.netName = netName(leaf.prefix) })
		}
		if sim.Chance(r, 0.2) {
			code := "CX-" + strconv.Itoa(1000+r.IntN(9000))
			leaf.setText(func(t *blockText) { t.code = code })
		}
		used += sizeOf(leaf).Float64()
		misses = 0
	}
}

// carve splits b down to mask, always keeping the lower half (child1),
// and returns the leaf of the requested length.
func (s *Simulator) carve(agg *simAgg, b *simBlock, mask int, now time.Time) *simBlock {
	for b.prefix.Bits() < mask {
		agg.removeFree(b)
		lo, hi := halves(b.prefix)
		c1, c2 := s.newBlock(lo, b), s.newBlock(hi, b)
		c1.updatedAt, c2.updatedAt, b.updatedAt = stime(now), stime(now), stime(now)
		b.child1, b.child2 = c1.id, c2.id
		b.resource = simAvailableID
		agg.addFree(c1)
		agg.addFree(c2)
		b = c1
	}
	return b
}

func (s *Simulator) assignTo(agg *simAgg, b *simBlock, resource int64, now time.Time) {
	agg.removeFree(b)
	b.assigned, b.resource = true, resource
	b.assignedAt, b.updatedAt = stime(now), stime(now)
	b.heldSince = 0
}

// toHolding parks an assigned block in the holding tank.
func (s *Simulator) toHolding(b *simBlock, now time.Time) {
	b.assigned, b.swipped, b.resource = false, false, simHoldingID
	b.vlan = 0
	b.setText(func(t *blockText) { t.netName, t.custHandle = "", "" })
	b.heldSince, b.updatedAt = stime(now), stime(now)
	if p := s.block(b.parent); p != nil {
		b.tags = p.tags
	}
}

// release returns a held block to the available pool.
func (s *Simulator) release(b *simBlock, now time.Time) {
	b.resource, b.heldSince, b.updatedAt = simAvailableID, 0, stime(now)
	b.setText(func(t *blockText) { t.code = "" })
	if agg := s.aggs[b.top]; agg != nil {
		agg.addFree(b)
	}
}

// halves returns the lower and upper halves of p.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	n := p.Bits() + 1
	lo := netip.PrefixFrom(p.Addr(), n)
	b := p.Addr().AsSlice()
	bit := p.Bits()
	b[bit/8] |= 0x80 >> (bit % 8)
	ha, _ := netip.AddrFromSlice(b)
	return lo, netip.PrefixFrom(ha, n)
}

// sizeOf counts a block as the reports do: addresses for IPv4, /64
// networks for IPv6 (anything longer than a /64 counts as one).
func sizeOf(b *simBlock) model.Hosts {
	if b.fam() == model.IPv6 {
		return model.PrefixSize(64, min(b.prefix.Bits(), 64))
	}
	return model.PrefixSize(32, b.prefix.Bits())
}

func netName(p netip.Prefix) string {
	s := strings.NewReplacer(".", "-", ":", "-", "/", "-").Replace(p.String())
	return "NET-" + strings.ToUpper(strings.Trim(s, "-"))
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
