package ipam

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// FilterColumns are the field names the block browser's filter accepts
// ("region=IAD rir=arin tag=customer vlan=1140 bluepeak").
var FilterColumns = []string{"cidr", "status", "resource", "region", "rir", "vlan", "tags", "family", "code", "description"}

// browser is the block tree's view state: which blocks are expanded, the
// filter, and the flattened list of visible rows. The flat list is rebuilt
// on data, expansion, order or filter changes, never in View, so View
// costs the same for ten blocks or a million.
type browser struct {
	data     *Blocks
	expanded map[int64]bool // by block id: survives refreshes
	byUse    bool           // siblings fullest first instead of by address
	filter   model.Filter
	match    []bool // per node, when filtering
	keep     []bool // per node: matches or has a matching descendant
	matches  int
	rows     []int32
	cursor   int
	offset   int
	height   int
	lower    map[string]string // lower-cased interned strings
}

func newBrowser() *browser {
	return &browser{expanded: map[int64]bool{}, lower: map[string]string{}}
}

// setData replaces the tree, keeping the selected block selected.
func (b *browser) setData(d *Blocks) {
	sel := b.selectedID()
	b.data = d
	b.applyFilter()
	b.rebuild()
	if sel != 0 {
		b.selectID(sel)
	}
}

func (b *browser) tree() *model.BlockTree {
	if b.data == nil {
		return nil
	}
	return b.data.Tree
}

// selected returns the node under the cursor.
func (b *browser) selected() (int32, bool) {
	if len(b.rows) == 0 {
		return -1, false
	}
	return b.rows[b.cursor], true
}

func (b *browser) selectedBlock() *model.Block {
	if n, ok := b.selected(); ok {
		return b.tree().Block(n)
	}
	return nil
}

func (b *browser) selectedID() int64 {
	if blk := b.selectedBlock(); blk != nil {
		return blk.ID
	}
	return 0
}

// setFilter applies a filter query. An empty query shows everything.
func (b *browser) setFilter(q string) {
	if q == b.filter.Query {
		return
	}
	sel := b.selectedID()
	b.filter = model.ParseFilter(q, FilterColumns)
	b.applyFilter()
	b.rebuild()
	if sel != 0 {
		b.selectID(sel)
	}
}

func (b *browser) low(s string) string {
	if v, ok := b.lower[s]; ok {
		return v
	}
	v := strings.ToLower(s)
	if len(b.lower) < 1<<16 {
		b.lower[s] = v
	}
	return v
}

// cell is one filter column of a block, lower-cased.
func (b *browser) cell(blk *model.Block, col int) string {
	switch col {
	case 0:
		return blk.CIDR()
	case 1:
		return string(blk.Status)
	case 2:
		return b.low(blk.ResourceName)
	case 3:
		return b.low(blk.Region) + " " + b.low(blk.RegionName)
	case 4:
		return b.low(blk.RIR)
	case 5:
		if blk.VLAN > 0 {
			return strconv.Itoa(blk.VLAN)
		}
		return ""
	case 6:
		var s []string
		for _, t := range blk.Tags {
			s = append(s, b.low(t))
		}
		return strings.Join(s, ",")
	case 7:
		return string(blk.Family)
	case 8:
		return b.low(blk.Code)
	case 9:
		return strings.ToLower(blk.Description + " " + blk.Notes)
	}
	return ""
}

func (b *browser) termMatches(blk *model.Block, t *model.Term) bool {
	cols := t.Fields
	if cols == nil {
		cols = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	}
	for _, c := range cols {
		v := b.cell(blk, c)
		if t.Exact {
			if v == t.Value {
				return true
			}
			// Exact tags: any one tag equal.
			if c == 6 && slices.Contains(strings.Split(v, ","), t.Value) {
				return true
			}
			if c == 3 && strings.HasPrefix(v, t.Value+" ") {
				return true
			}
		} else if strings.Contains(v, t.Value) {
			return true
		}
	}
	return false
}

// applyFilter computes match and keep for every node.
func (b *browser) applyFilter() {
	t := b.tree()
	if t == nil || b.filter.Empty() {
		b.match, b.keep, b.matches = nil, nil, 0
		return
	}
	n := t.Len()
	b.match = make([]bool, n)
	b.keep = make([]bool, n)
	b.matches = 0
	for i := 0; i < n; i++ {
		blk := t.Block(int32(i))
		ok := true
		for j := range b.filter.Terms {
			term := &b.filter.Terms[j]
			if b.termMatches(blk, term) == term.Negate {
				ok = false
				break
			}
		}
		if ok {
			b.match[i] = true
			b.matches++
			// Mark the path up to the root (stop where already marked).
			for x := int32(i); x >= 0 && !b.keep[x]; x = t.Parent(x) {
				b.keep[x] = true
			}
		}
	}
}

// descend reports whether x's children are listed.
func (b *browser) descend(x int32) bool {
	if b.expanded[b.tree().Block(x).ID] {
		return true
	}
	// A filter opens the way to matches below a node that does not match
	// itself (a search for a customer shows its blocks in place).
	return b.keep != nil && b.keep[x] && !b.match[x]
}

func (b *browser) visible(x int32) bool { return b.keep == nil || b.keep[x] }

// kids returns x's children in display order.
func (b *browser) kids(x int32) []int32 {
	t := b.tree()
	k := t.Kids(x)
	if !b.byUse || len(k) < 2 {
		return k
	}
	s := slices.Clone(k)
	slices.SortStableFunc(s, func(p, q int32) int { return cmp.Compare(t.UsedShare(q), t.UsedShare(p)) })
	return s
}

// rebuild flattens the visible tree into rows.
func (b *browser) rebuild() {
	t := b.tree()
	b.rows = b.rows[:0]
	if t == nil {
		b.clamp()
		return
	}
	roots := t.Roots()
	if b.byUse {
		roots = slices.Clone(roots)
		slices.SortStableFunc(roots, func(p, q int32) int { return cmp.Compare(t.UsedShare(q), t.UsedShare(p)) })
	}
	stack := make([]int32, 0, 64)
	for i := len(roots) - 1; i >= 0; i-- {
		if b.visible(roots[i]) {
			stack = append(stack, roots[i])
		}
	}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b.rows = append(b.rows, x)
		if len(t.Kids(x)) == 0 || !b.descend(x) {
			continue
		}
		k := b.kids(x)
		for i := len(k) - 1; i >= 0; i-- {
			if b.visible(k[i]) {
				stack = append(stack, k[i])
			}
		}
	}
	b.clamp()
}

func (b *browser) setHeight(h int) {
	b.height = max(h, 0)
	b.clamp()
}

func (b *browser) clamp() {
	n := len(b.rows)
	if b.cursor >= n {
		b.cursor = n - 1
	}
	if b.cursor < 0 {
		b.cursor = 0
	}
	h := max(b.height, 1)
	if b.cursor < b.offset {
		b.offset = b.cursor
	}
	if b.cursor >= b.offset+h {
		b.offset = b.cursor - h + 1
	}
	if b.offset > n-h {
		b.offset = max(n-h, 0)
	}
	if b.offset < 0 {
		b.offset = 0
	}
}

func (b *browser) move(d int) {
	b.cursor += d
	b.clamp()
}

func (b *browser) moveTo(i int) {
	b.cursor = i
	b.clamp()
}

// selectID puts the cursor on block id when it is listed.
func (b *browser) selectID(id int64) bool {
	t := b.tree()
	if t == nil {
		return false
	}
	n, ok := t.Find(id)
	if !ok {
		return false
	}
	if i := slices.Index(b.rows, n); i >= 0 {
		b.moveTo(i)
		return true
	}
	return false
}

// reveal expands the path to block id and selects it.
func (b *browser) reveal(id int64) bool {
	t := b.tree()
	if t == nil {
		return false
	}
	n, ok := t.Find(id)
	if !ok {
		return false
	}
	path := t.Path(n)
	for _, x := range path[:len(path)-1] {
		b.expanded[t.Block(x).ID] = true
	}
	if b.keep != nil && !b.keep[n] {
		// Hidden by the filter: drop the filter rather than fail to show it.
		b.filter = model.Filter{}
		b.applyFilter()
	}
	b.rebuild()
	return b.selectID(id)
}

// expand opens the selected node (or moves to its first child when open).
func (b *browser) expand() {
	n, ok := b.selected()
	if !ok || len(b.tree().Kids(n)) == 0 {
		return
	}
	id := b.tree().Block(n).ID
	if b.descend(n) {
		b.move(1)
		return
	}
	b.expanded[id] = true
	b.rebuild()
}

// collapse closes the selected node, or moves to its parent.
func (b *browser) collapse() {
	n, ok := b.selected()
	if !ok {
		return
	}
	t := b.tree()
	if b.expanded[t.Block(n).ID] {
		delete(b.expanded, t.Block(n).ID)
		b.rebuild()
		b.selectID(t.Block(n).ID)
		return
	}
	if p := t.Parent(n); p >= 0 {
		b.selectID(t.Block(p).ID)
	}
}

// drill opens the selected node and moves to its fullest child: repeated,
// it walks from an aggregate down to its fullest small block.
func (b *browser) drill() bool {
	n, ok := b.selected()
	if !ok {
		return false
	}
	t := b.tree()
	c := t.Fullest(n)
	if c < 0 {
		return false
	}
	if b.keep != nil && !b.keep[c] {
		// The fullest child is filtered out: pick the fullest visible one.
		c = -1
		best := -1.0
		for _, k := range t.Kids(n) {
			if b.keep[k] && t.UsedShare(k) > best {
				c, best = k, t.UsedShare(k)
			}
		}
		if c < 0 {
			return false
		}
	}
	b.expanded[t.Block(n).ID] = true
	b.rebuild()
	return b.selectID(t.Block(c).ID)
}

// toggleOrder switches siblings between address order and fullest first.
func (b *browser) toggleOrder() {
	sel := b.selectedID()
	b.byUse = !b.byUse
	b.rebuild()
	if sel != 0 {
		b.selectID(sel)
	}
}

// window returns the rows to draw.
func (b *browser) window() []int32 {
	end := min(b.offset+max(b.height, 0), len(b.rows))
	if b.offset >= end {
		return nil
	}
	return b.rows[b.offset:end]
}
