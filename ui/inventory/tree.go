package inventory

import (
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/internal/text"
)

// item is one node of the displayed tree.
type item struct {
	node     *model.Node
	source   string
	key      string // path of the node from its provider: stable across refreshes
	depth    int
	parent   *item
	children []*item
	hay      string // lower-cased text the filter searches
	label    string // cleaned label
}

// build turns one provider's nodes into items under a provider root.
func build(source, kind string, nodes []model.Node) *item {
	root := &item{node: &model.Node{Kind: "provider", Label: source + " (" + kind + ")"}, source: source, key: source}
	root.label = text.Clean(root.node.Label)
	root.hay = strings.ToLower(root.label)
	seen := map[string]int{}
	var add func(parent *item, ns []model.Node)
	add = func(parent *item, ns []model.Node) {
		for i := range ns {
			n := &ns[i]
			id := n.Ref.ID
			if id == "" {
				id = n.Kind + ":" + n.Label
			}
			k := parent.key + "/" + id
			if c := seen[k]; c > 0 { // duplicates stay distinct (a LAG under each of its ports is fine: different parents)
				seen[k]++
				k += "#" + itoa(c)
			} else {
				seen[k] = 1
			}
			it := &item{node: n, source: source, key: k, depth: parent.depth + 1, parent: parent}
			it.label = text.Clean(n.Label)
			if it.label == "" {
				it.label = text.Clean(firstNonEmpty(n.Ref.Name, n.Ref.ID, n.Kind))
			}
			var hb strings.Builder
			hb.WriteString(strings.ToLower(it.label))
			for _, s := range []string{n.Kind, n.Ref.ID, n.Ref.Name, string(n.State), n.RawState} {
				hb.WriteByte(0)
				hb.WriteString(strings.ToLower(s))
			}
			for _, f := range n.Fields {
				hb.WriteByte(0)
				hb.WriteString(strings.ToLower(f.Value))
			}
			it.hay = hb.String()
			parent.children = append(parent.children, it)
			if depth := it.depth; depth < maxDepth {
				add(it, n.Children)
			}
		}
	}
	add(root, nodes)
	return root
}

// maxDepth stops a hostile, absurdly deep tree from exhausting the stack.
const maxDepth = 64

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// flatten lists the visible items in display order: children of expanded
// items; with a filter, every match and the ancestors that lead to it,
// whatever is expanded (non-matching children are hidden).
func flatten(roots []*item, expanded map[string]bool, needle string) []*item {
	var out []*item
	if needle == "" {
		var walk func(it *item)
		walk = func(it *item) {
			out = append(out, it)
			if expanded[it.key] {
				for _, c := range it.children {
					walk(c)
				}
			}
		}
		for _, r := range roots {
			walk(r)
		}
		return out
	}
	// keep[it] is true when it matches or a descendant does.
	var mark func(it *item) bool
	keep := map[*item]bool{}
	mark = func(it *item) bool {
		k := strings.Contains(it.hay, needle)
		for _, c := range it.children {
			if mark(c) {
				k = true
			}
		}
		if k {
			keep[it] = true
		}
		return k
	}
	for _, r := range roots {
		mark(r)
	}
	var walk func(it *item)
	walk = func(it *item) {
		if !keep[it] {
			return
		}
		out = append(out, it)
		for _, c := range it.children {
			walk(c)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	return out
}

// matches reports whether it itself matches needle (not only a descendant).
func matches(it *item, needle string) bool {
	return needle != "" && strings.Contains(it.hay, needle)
}
