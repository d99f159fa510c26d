package model

import (
	"cmp"
	"math"
	"slices"
)

// BlockTree is the parent/child structure of a block list (an IPAM's
// binary split tree: aggregate > child1/child2 > ...) with each block's used
// share computed bottom-up. It indexes the slice it was built from without
// copying it; nodes are the slice positions. Built once per refresh, read by
// the UI; not safe for concurrent mutation (it is never mutated).
type BlockTree struct {
	blocks []Block
	index  idIndex
	parent []int32
	kidOff []int32 // children of i: kids[kidOff[i]:kidOff[i+1]]
	kids   []int32
	depth  []uint16
	used   []float64 // addresses used (assigned or holding) in the subtree
	roots  []int32
	// Cut counts links that were dropped: a parent that names itself or
	// closes a cycle (hostile or corrupt data must not hang the UI).
	Cut int
	// Missing counts blocks whose named parent is not in the list (a
	// filtered listing); they are shown as roots.
	Missing int
}

// BuildBlockTree links blocks by their Parent IDs, falling back to the
// parents' Child1/Child2 IDs, orders siblings by address and computes used
// shares. It runs in O(n log n) and never fails: unknown parents make roots.
func BuildBlockTree(blocks []Block) *BlockTree {
	n := len(blocks)
	t := &BlockTree{
		blocks: blocks,
		index:  newIDIndex(blocks),
		parent: make([]int32, n),
	}
	for i := range blocks {
		t.parent[i] = -1
		b := &blocks[i]
		if b.Parent == 0 {
			continue
		}
		if p, ok := t.index.get(b.Parent); ok && p != int32(i) {
			t.parent[i] = p
		} else if !ok {
			t.Missing++
		}
	}
	// Parents that list a child the child does not point back at.
	for i := range blocks {
		for _, c := range [2]int64{blocks[i].Child1, blocks[i].Child2} {
			if c == 0 {
				continue
			}
			if j, ok := t.index.get(c); ok && j != int32(i) && t.parent[j] < 0 && blocks[j].Parent == 0 {
				t.parent[j] = int32(i)
			}
		}
	}
	t.breakCycles()
	t.link()
	t.measure()
	return t
}

// breakCycles cuts the parent link that closes each cycle.
func (t *BlockTree) breakCycles() {
	const (
		unknown = iota
		walking
		done
	)
	st := make([]uint8, len(t.parent))
	var path []int32
	for i := range t.parent {
		if st[i] != unknown {
			continue
		}
		path = path[:0]
		cur := int32(i)
		for {
			st[cur] = walking
			path = append(path, cur)
			p := t.parent[cur]
			if p < 0 || st[p] == done {
				break
			}
			if st[p] == walking {
				t.parent[cur] = -1
				t.Cut++
				break
			}
			cur = p
		}
		for _, x := range path {
			st[x] = done
		}
	}
}

// link builds the children lists (CSR) and the sorted roots.
func (t *BlockTree) link() {
	n := len(t.parent)
	t.kidOff = make([]int32, n+1)
	for _, p := range t.parent {
		if p >= 0 {
			t.kidOff[p+1]++
		}
	}
	for i := 0; i < n; i++ {
		t.kidOff[i+1] += t.kidOff[i]
	}
	t.kids = make([]int32, t.kidOff[n])
	fill := make([]int32, n)
	copy(fill, t.kidOff[:n])
	roots := 0
	for i, p := range t.parent {
		if p < 0 {
			roots++
			continue
		}
		t.kids[fill[p]] = int32(i)
		fill[p]++
	}
	t.roots = make([]int32, 0, roots)
	for i, p := range t.parent {
		if p < 0 {
			t.roots = append(t.roots, int32(i))
		}
	}
	less := func(a, b int32) int { return compareBlocks(&t.blocks[a], &t.blocks[b]) }
	for i := 0; i < n; i++ {
		k := t.kids[t.kidOff[i]:t.kidOff[i+1]]
		switch len(k) {
		case 0, 1:
		case 2:
			if less(k[0], k[1]) > 0 {
				k[0], k[1] = k[1], k[0]
			}
		default:
			slices.SortFunc(k, less)
		}
	}
	slices.SortFunc(t.roots, less)
}

// compareBlocks orders IPv4 before IPv6, then by address, then shorter
// prefixes first, then by ID.
func compareBlocks(a, b *Block) int {
	av, bv := a.Prefix.IsValid(), b.Prefix.IsValid()
	if av != bv {
		if av {
			return -1
		}
		return 1
	}
	if av {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.ID, b.ID)
}

// measure computes depths (pre-order walk from the roots) and used
// addresses (the same order backwards, so children come before parents).
func (t *BlockTree) measure() {
	n := len(t.parent)
	t.depth = make([]uint16, n)
	t.used = make([]float64, n)
	order := make([]int32, 0, n)
	stack := make([]int32, 0, 256)
	for i := len(t.roots) - 1; i >= 0; i-- {
		stack = append(stack, t.roots[i])
	}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		order = append(order, x)
		k := t.Kids(x)
		for j := len(k) - 1; j >= 0; j-- {
			c := k[j]
			if t.depth[x] < math.MaxUint16 {
				t.depth[c] = t.depth[x] + 1
			} else {
				t.depth[c] = math.MaxUint16
			}
			stack = append(stack, c)
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		x := order[i]
		b := &t.blocks[x]
		size := sizeFloat(b)
		u := t.used[x] // sum of the children's use
		if b.Status == BlockAssigned || b.Status == BlockHolding {
			u = size
		}
		if u > size {
			u = size
		}
		t.used[x] = u
		if p := t.parent[x]; p >= 0 {
			t.used[p] += u
		}
	}
}

func sizeFloat(b *Block) float64 {
	if !b.Prefix.IsValid() {
		return 0
	}
	return math.Ldexp(1, b.Prefix.Addr().BitLen()-b.Prefix.Bits())
}

// Len is the number of blocks.
func (t *BlockTree) Len() int { return len(t.blocks) }

// Block returns block i.
func (t *BlockTree) Block(i int32) *Block { return &t.blocks[i] }

// Blocks returns the slice the tree indexes.
func (t *BlockTree) Blocks() []Block { return t.blocks }

// Roots are the top-level blocks (aggregates, or orphans of a filtered
// list), IPv4 first, in address order.
func (t *BlockTree) Roots() []int32 { return t.roots }

// Kids returns the children of i in address order.
func (t *BlockTree) Kids(i int32) []int32 { return t.kids[t.kidOff[i]:t.kidOff[i+1]] }

// Parent returns the parent of i (-1 for a root).
func (t *BlockTree) Parent(i int32) int32 { return t.parent[i] }

// Depth is i's distance from its root.
func (t *BlockTree) Depth(i int32) int { return int(t.depth[i]) }

// Find returns the node of block id.
func (t *BlockTree) Find(id int64) (int32, bool) {
	return t.index.get(id)
}

// UsedAddrs is the number of addresses of i's subtree that are assigned or
// held (as a float: shares are what the UI needs).
func (t *BlockTree) UsedAddrs(i int32) float64 { return t.used[i] }

// UsedShare is the used fraction of block i, 0..1.
func (t *BlockTree) UsedShare(i int32) float64 {
	s := sizeFloat(&t.blocks[i])
	if s <= 0 {
		return 0
	}
	return t.used[i] / s
}

// Path returns the nodes from i's root down to i.
func (t *BlockTree) Path(i int32) []int32 {
	var out []int32
	for x := i; x >= 0; x = t.parent[x] {
		out = append(out, x)
		if len(out) > len(t.parent) {
			break // cannot happen after breakCycles; belt and braces
		}
	}
	slices.Reverse(out)
	return out
}

// Fullest returns the child of i with the highest used share (ties: the
// lower address), or -1 when i has no children.
func (t *BlockTree) Fullest(i int32) int32 {
	best, share := int32(-1), -1.0
	for _, c := range t.Kids(i) {
		if s := t.UsedShare(c); s > share {
			best, share = c, s
		}
	}
	return best
}

// idIndex maps block IDs to positions. IPAM IDs are database sequences,
// so they are usually dense: then a slice indexed by id-min is both smaller
// and several times faster than a map; sparse IDs fall back to a map.
type idIndex struct {
	min   int64
	dense []int32 // position+1; 0 = absent
	m     map[int64]int32
}

func newIDIndex(blocks []Block) idIndex {
	if len(blocks) == 0 {
		return idIndex{}
	}
	lo, hi := blocks[0].ID, blocks[0].ID
	for i := range blocks {
		lo, hi = min(lo, blocks[i].ID), max(hi, blocks[i].ID)
	}
	var x idIndex
	if span := uint64(hi) - uint64(lo); hi >= lo && span < uint64(4*len(blocks)+1024) {
		x.min, x.dense = lo, make([]int32, span+1)
		for i := range blocks {
			if p := &x.dense[blocks[i].ID-lo]; *p == 0 {
				*p = int32(i) + 1
			}
		}
		return x
	}
	x.m = make(map[int64]int32, len(blocks))
	for i := range blocks {
		if _, dup := x.m[blocks[i].ID]; !dup {
			x.m[blocks[i].ID] = int32(i)
		}
	}
	return x
}

func (x *idIndex) get(id int64) (int32, bool) {
	if x.m != nil {
		i, ok := x.m[id]
		return i, ok
	}
	if id < x.min || uint64(id-x.min) >= uint64(len(x.dense)) {
		return 0, false
	}
	p := x.dense[id-x.min]
	return p - 1, p != 0
}
