package connections

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/ui/mutate"
	"github.com/noctop/noctop/ui/pane"
	"github.com/noctop/noctop/ui/widgets/confirm"
)

// Where an approved connection lands on our side: when the provider lists
// landing ports (model.LandingPortSource), approving a creation reads our
// ports in the connection's metro first and the dialog offers them, best
// first and pre-selected, with the VLAN pre-filled; the operator may pick
// another port (↑/↓) and type another VLAN ("S:C" on a QinQ port sets the
// inner tag too). The planner refuses a VLAN in use on the port; an IPAM
// block carrying the VLAN in that metro is warned about by name.

// landingChoose is the Choose of an approval of c, or nil when its
// provider lists no landing ports or c asks for no decision on creation.
func (m *Model) landingChoose(c model.Connection) *mutate.Choose {
	if c.Pending == nil || c.Pending.Kind != model.ChangeCreation {
		return nil
	}
	src, ok := m.ctx.Source(c.Provider)
	if !ok || src.Landing == nil {
		return nil
	}
	lister, target := src.Landing, model.Ref{Provider: c.Provider, Type: "connection", ID: c.ID, Name: c.Name}
	// The IPAM listings are read here, on the Update goroutine; Load only
	// scans the captured slices.
	blocks := m.ctx.IPAMBlocks()
	names := metroNames(m.ctx, c.Provider)
	return &mutate.Choose{
		Preparing: fmt.Sprintf("reading the ports %s could land on from %s", nameOf(c), c.Provider),
		Load: func(ctx context.Context) (mutate.Choices, error) {
			ports, err := lister.LandingPorts(ctx, target)
			if err != nil {
				return mutate.Choices{}, err
			}
			if len(ports) == 0 {
				return mutate.Choices{}, fmt.Errorf("no port of ours can take %s", nameOf(c))
			}
			return landingChoices(ports, blocks, names), nil
		},
	}
}

// landingParam is the dialog's VLAN input of a landing choice.
var landingParam = mutate.Param{Label: "VLAN", Placeholder: "VLAN on the chosen port (S:C on a QinQ port)", Key: model.ParamVLAN}

// landingChoices turns the landing ports into the dialog's choice.
func landingChoices(ports []model.LandingPort, blocks [][]model.Block, names map[string]string) mutate.Choices {
	ch := mutate.Choices{Label: "Land on our port"}
	metro := ""
	for i, p := range ports {
		ch.Options = append(ch.Options, PortOption(p))
		if p.Suggested {
			ch.Selected = i
		}
		metro = p.Metro
	}
	vlanBlocks := blocksByVLAN(blocks, metro, names[metro])
	suggested := func(i int) string {
		if v := ports[i].SuggestedVLAN; v > 0 {
			return strconv.Itoa(v)
		}
		return ""
	}
	ch.ParamFor = func(i, prev int, cur string) string {
		if prev < 0 || strings.TrimSpace(cur) == "" || cur == suggested(prev) {
			return suggested(i) // untouched: the new port's own suggestion
		}
		return cur // typed by the operator: kept
	}
	ch.Apply = func(params map[string]string, i int, value string) error {
		p := ports[i]
		params[model.ParamPort] = p.ID
		delete(params, model.ParamInnerVLAN)
		outer, inner, _ := strings.Cut(strings.TrimSpace(value), ":")
		outer, inner = strings.TrimSpace(outer), strings.TrimSpace(inner)
		if outer == "" {
			return fmt.Errorf("type the VLAN for port %s (suggested %s)", p.Name, orNone(suggested(i)))
		}
		params[model.ParamVLAN] = outer
		if inner != "" {
			if !p.InnerTag {
				return fmt.Errorf("port %s is %s: it takes one VLAN, not S:C", p.Name, orNone(p.Encapsulation))
			}
			params[model.ParamInnerVLAN] = inner
		}
		if n, err := strconv.Atoi(outer); err == nil && slices.Contains(p.UsedVLANs, n) {
			return fmt.Errorf("VLAN %d is already in use on port %s: choose another (%s is free)", n, p.Name, orNone(suggested(i)))
		}
		return nil
	}
	ch.Warn = func(i int, value string) string {
		outer, _, _ := strings.Cut(strings.TrimSpace(value), ":")
		n, err := strconv.Atoi(strings.TrimSpace(outer))
		if err != nil {
			return ""
		}
		names := vlanBlocks[n]
		if len(names) == 0 {
			return ""
		}
		more := ""
		if len(names) > 3 {
			more = fmt.Sprintf(" and %d more", len(names)-3)
			names = names[:3]
		}
		return fmt.Sprintf("IPAM: VLAN %d is carried by %s%s in %s; make sure this is the same service", n, strings.Join(names, ", "), more, metro)
	}
	ch.Facts = []confirm.Fact{{Label: "Metro", Value: fmt.Sprintf("%s · %d port%s of ours can take it", orNone(metro), len(ports), plural(len(ports)))}}
	return ch
}

// PortOption is one landing port as the choice lists it: name, speed,
// free bandwidth, redundancy group and encapsulation.
func PortOption(p model.LandingPort) string {
	parts := []string{p.Name, model.FormatMbps(p.SpeedMbps), model.FormatMbps(p.FreeMbps) + " free"}
	switch {
	case p.RedundancyGroup != "" && p.Priority != "":
		parts = append(parts, "group "+p.RedundancyGroup+" "+strings.ToLower(p.Priority))
	case p.RedundancyGroup != "":
		parts = append(parts, "group "+p.RedundancyGroup)
	default:
		parts = append(parts, "no redundancy group")
	}
	if p.Encapsulation != "" {
		parts = append(parts, p.Encapsulation)
	}
	switch n := len(p.UsedVLANs); {
	case n > 0 && n <= 4:
		vs := make([]string, n)
		for i, v := range p.UsedVLANs {
			vs[i] = strconv.Itoa(v)
		}
		parts = append(parts, "VLANs used "+strings.Join(vs, ","))
	case n > 4:
		parts = append(parts, fmt.Sprintf("%d VLANs used", n))
	}
	return model.SafeText(strings.Join(parts, " · "))
}

// blocksByVLAN indexes the IPAM blocks in metro that carry a VLAN: VLAN ->
// the blocks' names (prefix and description). A block is in metro when its
// region's code or name is the metro's code or name (IPAM regions are
// often named after the city: "AMS Amsterdam" for Fabric's "AM").
func blocksByVLAN(lists [][]model.Block, metro, metroName string) map[int][]string {
	out := map[int][]string{}
	if metro == "" {
		return out
	}
	for _, bs := range lists {
		for i := range bs {
			b := &bs[i]
			if b.VLAN <= 0 || !inMetro(b, metro, metroName) {
				continue
			}
			out[b.VLAN] = append(out[b.VLAN], blockName(b))
		}
	}
	return out
}

func inMetro(b *model.Block, code, name string) bool {
	for _, r := range []string{b.Region, b.RegionName} {
		if r != "" && (strings.EqualFold(r, code) || (name != "" && strings.EqualFold(r, name))) {
			return true
		}
	}
	return false
}

// metroNames are the metro names provider's inventory gives (code ->
// name), read on the Update goroutine.
func metroNames(ctx *pane.Context, provider string) map[string]string {
	out := map[string]string{}
	nodes, _ := ctx.InventoryOf(provider)
	var walk func(ns []model.Node, depth int)
	walk = func(ns []model.Node, depth int) {
		for i := range ns {
			n := &ns[i]
			if n.Kind == "metro" && n.Ref.ID != "" && n.Ref.Name != "" {
				out[n.Ref.ID] = n.Ref.Name
				continue
			}
			if depth < 2 {
				walk(n.Children, depth+1)
			}
		}
	}
	walk(nodes, 0)
	return out
}

func blockName(b *model.Block) string {
	name := b.Prefix.String()
	if !b.Prefix.IsValid() {
		name = "block " + strconv.FormatInt(b.ID, 10)
	}
	if d := model.SafeText(firstOf(b.ResourceName, b.Description)); d != "" {
		name += " (" + d + ")"
	}
	return name
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
