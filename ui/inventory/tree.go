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
	row      *model.Row // what the filter matches against (FilterColumns)
	label    string     // cleaned label
	// failedBelow counts the descendants in a failed state: a collapsed
	// row whose provider does not roll its state up says so.
	failedBelow int
}

// failed reports whether n itself is in a failed state.
func failed(n *model.Node) bool {
	return n.State == model.StateFailed || strings.EqualFold(n.RawState, "down")
}

// rollUp fills failedBelow, bottom-up.
func rollUp(it *item) int {
	n := 0
	for _, c := range it.children {
		n += rollUp(c)
		if failed(c.node) {
			n++
		}
	}
	it.failedBelow = n
	return n
}

// build turns one provider's nodes into items under a provider root.
func build(source, kind string, nodes []model.Node) *item {
	root := &item{node: &model.Node{Kind: "provider", Label: source + " (" + kind + ")"}, source: source, key: source}
	root.label = text.Clean(root.node.Label)
	root.row = filterRow(root)
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
			it.row = filterRow(it)
			parent.children = append(parent.children, it)
			if depth := it.depth; depth < maxDepth {
				add(it, n.Children)
			}
		}
	}
	add(root, nodes)
	rollUp(root)
	return root
}

// FilterColumns are the fields the inventory filter knows, in the app's
// filter language ("kind=port", "state==testing", "!fra", "speed=100000"
// searches FIELDS).
var FilterColumns = []string{"NAME", "KIND", "STATE", "ID", "FIELDS", "VLAN"}

func filterRow(it *item) *model.Row {
	n := it.node
	var fields, vlans strings.Builder
	for i, f := range n.Fields {
		if i > 0 {
			fields.WriteByte(' ')
		}
		fields.WriteString(text.Clean(f.Key) + "=" + text.Clean(f.Value))
		// The VLAN column: every value a field about VLANs carries (vlan,
		// vlans, s-tag …), so ":vlan 1140" reaches the inventory too.
		if k := strings.ToLower(f.Key); strings.Contains(k, "vlan") || strings.HasSuffix(k, "tag") {
			if vlans.Len() > 0 {
				vlans.WriteByte(' ')
			}
			vlans.WriteString(text.Clean(f.Value))
		}
	}
	state := string(n.State)
	if n.RawState != "" && !strings.EqualFold(n.RawState, state) {
		state += " " + n.RawState
	}
	id := n.Ref.ID
	if n.Ref.Name != "" && n.Ref.Name != n.Label {
		id += " " + n.Ref.Name
	}
	return model.NewRow(it.key, []string{it.label, text.Clean(n.Kind), text.Clean(state), text.Clean(id), fields.String(), vlans.String()}, nil, nil)
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
func flatten(roots []*item, expanded map[string]bool, f model.Filter) []*item {
	var out []*item
	if f.Empty() {
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
	keep := map[*item]bool{}
	var mark func(it *item) bool
	mark = func(it *item) bool {
		k := it.parent != nil && f.Match(it.row) // the provider row is only a container
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

// matches reports whether it itself matches f (not only a descendant).
func matches(it *item, f model.Filter) bool {
	return !f.Empty() && it.parent != nil && f.Match(it.row)
}
