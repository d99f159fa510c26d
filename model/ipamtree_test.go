package model

import (
	"math/rand/v2"
	"net/netip"
	"testing"
)

func blk(id, parent int64, cidr string, st BlockStatus) Block {
	return Block{ID: id, Parent: parent, Prefix: netip.MustParsePrefix(cidr), Status: st}
}

func TestBlockTreeShape(t *testing.T) {
	blocks := []Block{
		blk(5, 1, "10.0.128.0/17", BlockAvailable),
		blk(1, 0, "10.0.0.0/16", BlockSplit),
		blk(4, 2, "10.0.64.0/18", BlockHolding),
		blk(2, 1, "10.0.0.0/17", BlockSplit),
		blk(3, 2, "10.0.0.0/18", BlockAssigned),
		blk(9, 0, "2001:db8::/32", BlockAvailable),
		blk(7, 0, "192.0.2.0/24", BlockAssigned),
	}
	tr := BuildBlockTree(blocks)
	var roots []string
	for _, r := range tr.Roots() {
		roots = append(roots, tr.Block(r).CIDR())
	}
	if got, want := roots, []string{"10.0.0.0/16", "192.0.2.0/24", "2001:db8::/32"}; !equalStrings(got, want) {
		t.Fatalf("roots %v, want %v", got, want)
	}
	top, _ := tr.Find(1)
	var kids []string
	for _, k := range tr.Kids(top) {
		kids = append(kids, tr.Block(k).CIDR())
	}
	if !equalStrings(kids, []string{"10.0.0.0/17", "10.0.128.0/17"}) {
		t.Fatalf("kids %v", kids)
	}
	if got := tr.UsedShare(top); got != 0.5 {
		t.Fatalf("used share of the /16 = %v, want 0.5 (a /18 assigned + a /18 held)", got)
	}
	left, _ := tr.Find(2)
	if got := tr.UsedShare(left); got != 1 {
		t.Fatalf("used share of the left /17 = %v, want 1", got)
	}
	if tr.Fullest(top) != left {
		t.Fatal("fullest child of the /16 should be the left /17")
	}
	leaf, _ := tr.Find(3)
	if tr.Depth(leaf) != 2 {
		t.Fatalf("depth %d", tr.Depth(leaf))
	}
	path := tr.Path(leaf)
	if len(path) != 3 || path[0] != top || path[1] != left || path[2] != leaf {
		t.Fatalf("path %v", path)
	}
	if tr.Fullest(leaf) != -1 {
		t.Fatal("a leaf has no fullest child")
	}
}

func TestBlockTreeChildLinksAndHostileData(t *testing.T) {
	// Children linked only through the parent's child1/child2; a cycle; a
	// block naming itself; a parent not in the list; duplicate ids.
	blocks := []Block{
		{ID: 1, Prefix: netip.MustParsePrefix("10.0.0.0/24"), Child1: 2, Child2: 3, Status: BlockSplit},
		{ID: 2, Prefix: netip.MustParsePrefix("10.0.0.0/25"), Status: BlockAssigned},
		{ID: 3, Prefix: netip.MustParsePrefix("10.0.0.128/25"), Status: BlockAvailable},
		{ID: 10, Parent: 11, Prefix: netip.MustParsePrefix("10.1.0.0/24")},
		{ID: 11, Parent: 12, Prefix: netip.MustParsePrefix("10.1.0.0/25")},
		{ID: 12, Parent: 10, Prefix: netip.MustParsePrefix("10.1.0.0/26")},
		{ID: 20, Parent: 20, Prefix: netip.MustParsePrefix("10.2.0.0/24")},
		{ID: 30, Parent: 999, Prefix: netip.MustParsePrefix("10.3.0.0/24"), Status: BlockAssigned},
		{ID: 2, Prefix: netip.MustParsePrefix("10.9.0.0/24")},
		{ID: 40}, // no prefix at all
	}
	tr := BuildBlockTree(blocks)
	one, _ := tr.Find(1)
	if len(tr.Kids(one)) != 2 {
		t.Fatalf("child links: kids %v", tr.Kids(one))
	}
	if got := tr.UsedShare(one); got != 0.5 {
		t.Fatalf("share %v", got)
	}
	if tr.Cut != 1 {
		t.Fatalf("cut %d, want 1 (the 3-cycle)", tr.Cut)
	}
	if tr.Missing != 1 {
		t.Fatalf("missing %d, want 1", tr.Missing)
	}
	// Every node is reachable exactly once from the roots.
	seen := make([]int, tr.Len())
	var walk func(i int32)
	walk = func(i int32) {
		seen[i]++
		for _, k := range tr.Kids(i) {
			walk(k)
		}
	}
	for _, r := range tr.Roots() {
		walk(r)
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("node %d (id %d) reached %d times", i, tr.Block(int32(i)).ID, n)
		}
	}
	if tr.UsedShare(9) != 0 {
		t.Fatal("block without prefix has no share")
	}
}

func TestBlockTreeEmpty(t *testing.T) {
	tr := BuildBlockTree(nil)
	if tr.Len() != 0 || len(tr.Roots()) != 0 {
		t.Fatal("empty")
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// GenBlockTree builds a realistic IPAM: n blocks in IPv4 and IPv6
// aggregates split as a binary tree, leaves assigned, held or available.
// Blocks come back in random order (as an API lists them by id).
func genBlockTree(n int, seed uint64) []Block {
	r := rand.New(rand.NewPCG(seed, seed^0x9e37))
	out := make([]Block, 0, n)
	id := int64(0)
	regions := []string{"AMS", "FRA", "IAD", "SJC", "SIN", "NRT"}
	var split func(p netip.Prefix, parent, top int64, depth int, maxMask int)
	split = func(p netip.Prefix, parent, top int64, depth, maxMask int) {
		if len(out) >= n {
			return
		}
		id++
		me := id
		b := Block{ID: me, Parent: parent, TopAggregate: top, Prefix: p, Region: regions[int(top)%len(regions)], RIR: "RIPE"}
		if top == 0 {
			b.TopAggregate = me
			top = me
		}
		out = append(out, b)
		i := len(out) - 1
		if p.Bits() < maxMask && len(out)+2 <= n && (depth < 4 || r.Float64() < 0.8) {
			out[i].Status = BlockSplit
			bits := p.Addr().BitLen()
			lo := netip.PrefixFrom(p.Addr(), p.Bits()+1)
			hiAddr := p.Addr().As16()
			pos := p.Bits()
			if bits == 32 {
				pos += 96
			}
			hiAddr[pos/8] |= 0x80 >> (pos % 8)
			var ha netip.Addr
			if bits == 32 {
				ha = netip.AddrFrom16(hiAddr).Unmap()
			} else {
				ha = netip.AddrFrom16(hiAddr)
			}
			hi := netip.PrefixFrom(ha, p.Bits()+1)
			out[i].Child1 = id + 1
			split(lo, me, top, depth+1, maxMask)
			out[i].Child2 = id + 1
			split(hi, me, top, depth+1, maxMask)
			return
		}
		switch x := r.Float64(); {
		case x < 0.6:
			out[i].Status, out[i].Assigned, out[i].ResourceName = BlockAssigned, true, "customer"
		case x < 0.7:
			out[i].Status = BlockHolding
		default:
			out[i].Status = BlockAvailable
		}
	}
	for a := 0; len(out) < n; a++ {
		if a%4 == 3 {
			v6 := netip.AddrFrom16([16]byte{0x2a, 0x0b, byte(a >> 8), byte(a)})
			split(netip.PrefixFrom(v6, 32), 0, 0, 0, 64)
		} else {
			v4 := netip.AddrFrom4([4]byte{byte(16 + a/256%200), byte(a), 0, 0})
			split(netip.PrefixFrom(v4, 16), 0, 0, 0, 29)
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestGenBlockTreeIsConsistent(t *testing.T) {
	blocks := genBlockTree(20000, 1)
	tr := BuildBlockTree(blocks)
	if tr.Cut != 0 || tr.Missing != 0 {
		t.Fatalf("generator produced broken links: cut %d missing %d", tr.Cut, tr.Missing)
	}
	for i := range blocks {
		x := int32(i)
		if p := tr.Parent(x); p >= 0 && !tr.Block(p).Prefix.Overlaps(tr.Block(x).Prefix) {
			t.Fatalf("child %s outside parent %s", tr.Block(x).CIDR(), tr.Block(p).CIDR())
		}
		if s := tr.UsedShare(x); s < 0 || s > 1 {
			t.Fatalf("share %v", s)
		}
	}
}

// BenchmarkIPAMTree1M builds the tree of a 1,000,000-block IPAM (budget:
// 2 s and 500 MB per build).
func BenchmarkIPAMTree1M(b *testing.B) {
	blocks := genBlockTree(1_000_000, 7)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tr := BuildBlockTree(blocks)
		if tr.Len() != len(blocks) {
			b.Fatal("size")
		}
	}
}

func TestBlockTreeSparseIDs(t *testing.T) {
	blocks := []Block{
		blk(1<<40, 0, "10.0.0.0/24", BlockSplit),
		blk(7, 1<<40, "10.0.0.0/25", BlockAssigned),
		blk(-5, 1<<40, "10.0.0.128/25", BlockAvailable),
	}
	tr := BuildBlockTree(blocks)
	if len(tr.Roots()) != 1 || len(tr.Kids(tr.Roots()[0])) != 2 {
		t.Fatalf("sparse ids: roots %v", tr.Roots())
	}
	if _, ok := tr.Find(8); ok {
		t.Fatal("found an absent id")
	}
	if i, ok := tr.Find(-5); !ok || tr.Block(i).CIDR() != "10.0.0.128/25" {
		t.Fatal("negative id")
	}
}
