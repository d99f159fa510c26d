package fabric

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The search's ordered indexes. A view is one (filter, sort) a client
// asked for: the matching connections in sort order, kept in an
// orderedList that is updated connection by connection when the world
// changes (Simulator.changed), so a page costs O(log n + page) and a
// change O(√n) instead of a filter and sort of every connection. The
// unfiltered views by uuid and by updatedDateTime (the default sort) are
// built with the world; others on first use, at most maxViews of them.

// viewEntry is one connection in a view, with its sort keys as they were
// when it was indexed (so it can be found again after the connection
// changed).
type viewEntry struct {
	sc   *simConn
	key  sortKey    // the first criterion's (inline: sorting reads no other memory)
	more *[]sortKey // the other criteria's, if any
}

func (e *viewEntry) rest() []sortKey {
	if e.more == nil {
		return nil
	}
	return *e.more
}

func (e *viewEntry) sameKeys(o *viewEntry) bool {
	return e.key.s == o.key.s && slices.EqualFunc(e.rest(), o.rest(), func(x, y sortKey) bool { return x.s == y.s })
}

// sortKey is first(prop(c, criterion.Property)), parsed once: the
// search compares numerically when both values are numbers (see
// compareValues), and parsing on every comparison would dominate.
type sortKey struct {
	s string
	// pfx is s's first 8 bytes, big-endian and zero-padded (most string
	// comparisons end there), or the bits of its value when num.
	pfx uint64
	num bool
}

func newSortKey(s string) sortKey {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return sortKey{s: s, pfx: math.Float64bits(f), num: true}
	}
	var b [8]byte
	copy(b[:], s)
	return sortKey{s: s, pfx: binary.BigEndian.Uint64(b[:])}
}

// compare is compareValues(a.s, b.s). Prefixes that differ order the
// strings as strings.Compare does (a string that ends early pads with
// zero bytes, and so sorts first either way).
func (a *sortKey) compare(b *sortKey) int {
	switch {
	case a.num && b.num:
		return cmp.Compare(math.Float64frombits(a.pfx), math.Float64frombits(b.pfx))
	case a.num != b.num: // a number against a string compares as strings
		return strings.Compare(a.s, b.s)
	case a.pfx != b.pfx:
		return cmp.Compare(a.pfx, b.pfx)
	}
	return strings.Compare(a.s, b.s)
}

// orderedList is a sorted sequence split into blocks of at most
// 2*listBlock entries: insert and remove move one block's tail, the i-th
// entry is found by walking the block lengths.
type orderedList struct {
	blocks [][]viewEntry
	n      int
	cmp    func(a, b *viewEntry) int
}

// The comparisons below take the entries' addresses inside the slices
// (never of copies), so sorting and searching allocate nothing.

const listBlock = 512

func newOrderedList(cmp func(a, b *viewEntry) int, entries []viewEntry) *orderedList {
	sortEntries(entries, cmp)
	l := &orderedList{cmp: cmp, n: len(entries)}
	for len(entries) > 0 {
		k := min(listBlock, len(entries))
		l.blocks = append(l.blocks, slices.Clone(entries[:k]))
		entries = entries[k:]
	}
	return l
}

// block returns the index of the block e belongs in: the first whose last
// entry is not before e (the last block if e is after everything).
func (l *orderedList) block(e *viewEntry) int {
	lo, hi := 0, len(l.blocks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if b := l.blocks[m]; l.cmp(&b[len(b)-1], e) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return min(lo, len(l.blocks)-1)
}

// search is the position of e in block b and whether it is there.
func (l *orderedList) search(b []viewEntry, e *viewEntry) (int, bool) {
	lo, hi := 0, len(b)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.cmp(&b[m], e) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(b) && l.cmp(&b[lo], e) == 0
}

// sortEntries sorts by cmp through indexes, so the comparison sees the
// entries in place.
func sortEntries(entries []viewEntry, cmp func(a, b *viewEntry) int) {
	idx := make([]int32, len(entries))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp(&entries[a], &entries[b]) })
	sorted := make([]viewEntry, len(entries))
	for i, j := range idx {
		sorted[i] = entries[j]
	}
	copy(entries, sorted)
}

func (l *orderedList) insert(e viewEntry) {
	l.n++
	if len(l.blocks) == 0 {
		l.blocks = [][]viewEntry{{e}}
		return
	}
	bi := l.block(&e)
	b := l.blocks[bi]
	i, _ := l.search(b, &e)
	b = slices.Insert(b, i, e)
	if len(b) > 2*listBlock {
		lo, hi := slices.Clone(b[:listBlock]), slices.Clone(b[listBlock:])
		l.blocks = slices.Insert(l.blocks, bi+1, hi)
		b = lo
	}
	l.blocks[bi] = b
}

// remove deletes the entry equal to e (same keys and connection); false
// if there is none.
func (l *orderedList) remove(e viewEntry) bool {
	if len(l.blocks) == 0 {
		return false
	}
	bi := l.block(&e)
	b := l.blocks[bi]
	i, found := l.search(b, &e)
	if !found || b[i].sc != e.sc {
		return false
	}
	b = slices.Delete(b, i, i+1)
	l.n--
	if len(b) == 0 {
		l.blocks = slices.Delete(l.blocks, bi, bi+1)
		return true
	}
	l.blocks[bi] = b
	return true
}

// page appends the entries at offset..offset+limit to out.
func (l *orderedList) page(offset, limit int, out []*simConn) []*simConn {
	for _, b := range l.blocks {
		if limit <= 0 {
			break
		}
		if offset >= len(b) {
			offset -= len(b)
			continue
		}
		for _, e := range b[offset:min(len(b), offset+limit)] {
			out = append(out, e.sc)
		}
		limit -= len(b) - offset
		offset = 0
	}
	return out
}

// all calls fn on every entry in order.
func (l *orderedList) all(fn func(e *viewEntry)) {
	for _, b := range l.blocks {
		for i := range b {
			fn(&b[i])
		}
	}
}

// searchView is the result of one (filter, sort), maintained as the world
// changes.
type searchView struct {
	key    string
	pred   pred // nil: every connection
	sortBy []SortCriteria
	list   *orderedList
	used   uint64 // last use, for eviction
	fixed  bool   // built with the world, never evicted
}

// maxViews bounds the views built on demand (the fixed ones aside).
const maxViews = 8

func newView(key string, p pred, sortBy []SortCriteria) *searchView {
	v := &searchView{key: key, pred: p, sortBy: slices.Clone(sortBy)}
	v.list = newOrderedList(v.compare, nil)
	return v
}

// compare orders entries as the search sorts: by each criterion (string or
// numeric comparison, see compareValues), then by uuid.
func (v *searchView) compare(a, b *viewEntry) int {
	for i, sc := range v.sortBy {
		var c int
		if i == 0 {
			c = a.key.compare(&b.key)
		} else {
			c = (*a.more)[i-1].compare(&(*b.more)[i-1])
		}
		if sc.Direction == "DESC" {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return strings.Compare(a.sc.uuid, b.sc.uuid)
}

// entry is c's place in the view (ok false: the filter leaves it out).
func (v *searchView) entry(sc *simConn, c *Connection) (viewEntry, bool) {
	if v.pred != nil && !v.pred(c) {
		return viewEntry{}, false
	}
	e := viewEntry{sc: sc, key: newSortKey(first(prop(c, v.sortBy[0].Property)))}
	if len(v.sortBy) > 1 {
		more := make([]sortKey, len(v.sortBy)-1)
		for i, crit := range v.sortBy[1:] {
			more[i] = newSortKey(first(prop(c, crit.Property)))
		}
		e.more = &more
	}
	return e, true
}
