package metal

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// Inventory returns what the token sees as a tree:
//
//	organization > project > interconnection > port > virtual circuit
//
// Interconnections without a project (dedicated ports usually belong to
// the organization) hang under the organization. Each node's State is
// rolled up: the state among itself and its descendants that most needs
// attention (failed > rejected > unknown > pending > changing >
// provisioning > deprovisioning > active), so a collapsed interconnection
// with a failed VC shows as failed; RawState and the "status" field keep
// the node's own value, and an "attention" field and a "⚠ N failed" label
// suffix say what was rolled up.
func (p *Provider) Inventory(ctx context.Context, prog *model.Progress) ([]model.Node, error) {
	ix, err := p.load(ctx, prog)
	if ix == nil {
		return nil, err
	}
	nodes := buildInventory(p.name, ix)
	p.store(ix)
	return nodes, err // nil, or the *model.Incomplete of what is missing
}

func buildInventory(provider string, ix *index) []model.Node {
	ref := func(typ, id, name string) model.Ref {
		return model.Ref{Provider: provider, Type: typ, ID: id, Name: model.SafeText(name)}
	}
	connsOfProject := map[string][]model.Node{}
	connsOfOrg := map[string][]model.Node{}
	orgOfProject := map[string]string{} // from the interconnections, for projects that do not say
	orgIDs := map[string]bool{}
	for id := range ix.orgs {
		orgIDs[id] = true
	}
	for _, e := range ix.conns {
		n := connNode(provider, ix, e, ref)
		if e.projectID != "" {
			connsOfProject[e.projectID] = append(connsOfProject[e.projectID], n)
			if e.orgID != "" {
				orgOfProject[e.projectID] = e.orgID
			}
			if _, ok := ix.projects[e.projectID]; !ok {
				// A project we cannot name: still placed, under its id.
				ix.projects[e.projectID] = Project{ID: e.projectID, Organization: &Organization{ID: e.orgID}}
			}
		} else {
			connsOfOrg[e.orgID] = append(connsOfOrg[e.orgID], n)
		}
		if e.orgID != "" {
			orgIDs[e.orgID] = true
		}
	}
	projectsOfOrg := map[string][]model.Node{}
	for id, pr := range ix.projects {
		oid := firstNonEmpty(orgID(pr.Organization), orgOfProject[id])
		if oid != "" {
			orgIDs[oid] = true
		}
		n := model.Node{
			Ref: ref(RefProject, id, pr.Name), Kind: "project",
			Label:  model.SafeText(firstNonEmpty(pr.Name, id)),
			Fields: []model.Field{{Key: "id", Value: id}, {Key: "name", Value: model.SafeText(pr.Name)}},
		}
		n.Children = connsOfProject[id]
		sortNodes(n.Children)
		n.Label += fmt.Sprintf(" · %d interconnection%s", len(n.Children), plural(len(n.Children)))
		rollUp(&n, "")
		projectsOfOrg[oid] = append(projectsOfOrg[oid], n)
	}
	var roots []model.Node
	for oid := range orgIDs {
		name := ix.orgName(oid)
		n := model.Node{
			Ref: ref(RefOrganization, oid, name), Kind: "organization",
			Label:  model.SafeText(firstNonEmpty(name, oid)),
			Fields: []model.Field{{Key: "id", Value: oid}, {Key: "name", Value: model.SafeText(name)}},
		}
		if o, ok := ix.orgs[oid]; ok && o.Description != "" {
			n.Fields = append(n.Fields, model.Field{Key: "description", Value: model.SafeText(o.Description)})
		}
		projects := projectsOfOrg[oid]
		sortNodes(projects)
		direct := connsOfOrg[oid]
		sortNodes(direct)
		n.Children = append(projects, direct...)
		rollUp(&n, "")
		roots = append(roots, n)
	}
	sortNodes(roots)
	// Projects and interconnections whose organization is unknown.
	var unplaced []model.Node
	unplaced = append(unplaced, projectsOfOrg[""]...)
	unplaced = append(unplaced, connsOfOrg[""]...)
	if len(unplaced) > 0 {
		sortNodes(unplaced)
		g := model.Node{Kind: "group", Label: "No organization", Children: unplaced}
		rollUp(&g, "")
		roots = append(roots, g)
	}
	return roots
}

func connNode(provider string, ix *index, e *connEntry, ref func(typ, id, name string) model.Ref) model.Node {
	ic := e.ic
	row := interconnectionRow(provider, ic, e.ports, ix.orgName(e.orgID), "")
	redundancy := ic.Redundancy
	if redundancy == "" && len(e.ports) > 1 {
		redundancy = "redundant"
	}
	n := model.Node{
		Ref: ref(RefInterconnection, ic.ID, ic.Name), Kind: "interconnection",
		Label: model.SafeText(strings.TrimSpace(fmt.Sprintf("%s · %s %s %s · %s",
			firstNonEmpty(ic.Name, ic.ID), ic.Type, model.FormatMbps(ic.Speed/1_000_000), redundancy, metroCode(ic.Metro)))),
		State: row.State, RawState: row.RawState,
		Fields: []model.Field{
			{Key: "id", Value: ic.ID}, {Key: "type", Value: model.SafeText(ic.Type)},
			{Key: "status", Value: model.SafeText(ic.Status)}, {Key: "speed", Value: model.FormatMbps(ic.Speed / 1_000_000)},
			{Key: "metro", Value: metroCode(ic.Metro)}, {Key: "redundancy", Value: model.SafeText(redundancy)},
		},
	}
	if ic.Mode != "" {
		n.Fields = append(n.Fields, model.Field{Key: "mode", Value: model.SafeText(ic.Mode)})
	}
	if ic.ContactEmail != "" {
		n.Fields = append(n.Fields, model.Field{Key: "contact", Value: model.SafeText(ic.ContactEmail)})
	}
	for _, t := range ic.ServiceTokens {
		v := model.SafeText(firstNonEmpty(t.Role, "token") + " " + t.ID)
		if t.ExpiresAt != "" {
			v += ", expires " + model.SafeText(t.ExpiresAt)
		}
		n.Fields = append(n.Fields, model.Field{Key: "service token", Value: v})
	}
	if row.Pending != nil {
		n.Fields = append(n.Fields, model.Field{Key: "pending", Value: row.Pending.Description})
	}

	placed := map[string]bool{}
	for _, pt := range sortedPorts(e.ports) {
		pn := model.Node{
			Ref: ref(RefPort, pt.ID, firstNonEmpty(pt.Name, pt.Role)), Kind: "port",
			Label: model.SafeText(strings.TrimSpace(fmt.Sprintf("%s %s · %s",
				firstNonEmpty(pt.Name, pt.ID), roleNote(pt.Role), model.FormatMbps(pt.Speed/1_000_000)))),
			State: PortState(pt.Status), RawState: model.SafeText(pt.Status),
			Fields: []model.Field{
				{Key: "id", Value: pt.ID}, {Key: "role", Value: model.SafeText(pt.Role)},
				{Key: "status", Value: model.SafeText(pt.Status)}, {Key: "speed", Value: model.FormatMbps(pt.Speed / 1_000_000)},
			},
		}
		if pt.LinkStatus != "" {
			pn.Fields = append(pn.Fields, model.Field{Key: "link", Value: model.SafeText(pt.LinkStatus)})
		}
		if pt.SwitchID != "" {
			pn.Fields = append(pn.Fields, model.Field{Key: "switch", Value: model.SafeText(pt.SwitchID)})
		}
		for _, vc := range e.vcs {
			if vc.ID() == "" || e.portOf(vc).ID != pt.ID {
				continue
			}
			placed[vc.ID()] = true
			pn.Children = append(pn.Children, vcNode(provider, ix, e, vc, ref))
		}
		sortNodes(pn.Children)
		rollUp(&pn, "VC")
		n.Children = append(n.Children, pn)
	}
	var loose []model.Node
	for _, vc := range e.vcs {
		if vc.ID() != "" && !placed[vc.ID()] {
			loose = append(loose, vcNode(provider, ix, e, vc, ref))
		}
	}
	sortNodes(loose)
	n.Children = append(n.Children, loose...)
	rollUp(&n, "")
	return n
}

func vcNode(provider string, ix *index, e *connEntry, vc VirtualCircuit, ref func(typ, id, name string) model.Ref) model.Node {
	row := vcRow(provider, vc, vcContextOf(ix, e, vc))
	vlan := ""
	if v := vc.Vlan; v != nil {
		vlan = "VLAN " + orDash(v.VNID) + " → NNI " + orDash(v.NNIVlan)
	} else if v := vc.Vrf; v != nil {
		vlan = "VRF " + model.SafeText(firstNonEmpty(row.A.Extra, "?")) + " · NNI " + orDash(v.NNIVlan)
	}
	n := model.Node{
		Ref: ref(RefVirtualCircuit, vc.ID(), vc.Name()), Kind: "virtual-circuit",
		Label: strings.TrimSpace(fmt.Sprintf("%s · %s · %s", row.Name, vlan, model.FormatMbps(row.BandwidthMbps))),
		State: row.State, RawState: row.RawState,
		Fields: []model.Field{
			{Key: "id", Value: vc.ID()}, {Key: "type", Value: row.Type}, {Key: "status", Value: row.RawState},
			{Key: "project", Value: row.A.Name}, {Key: "vlan", Value: row.VLANString()},
			{Key: "speed", Value: model.FormatMbps(row.BandwidthMbps)},
		},
	}
	if d := vc.Description(); d != "" {
		n.Fields = append(n.Fields, model.Field{Key: "description", Value: model.SafeText(d)})
	}
	if row.A.Extra != "" {
		n.Fields = append(n.Fields, model.Field{Key: "metal side", Value: row.A.Extra})
	}
	if row.Z.Extra != "" {
		n.Fields = append(n.Fields, model.Field{Key: "customer side", Value: row.Z.Extra})
	}
	if row.Pending != nil {
		key := "pending"
		if row.Pending.WaitingOnUs {
			key = "to do"
		}
		n.Fields = append(n.Fields, model.Field{Key: key, Value: row.Pending.Description})
	}
	return n
}

func orDash(v int) string {
	if v <= 0 {
		return "–"
	}
	return strconv.Itoa(v)
}

// rollUp sets n.State to the state among n and its children that most
// needs attention, and notes in an "attention" field how many descendants
// are in that state when it is not n's own. what names the children in
// that note ("VC"); empty means "object".
func rollUp(n *model.Node, what string) {
	own := n.State
	states := []model.State{}
	if own != "" {
		states = append(states, own)
	}
	for _, c := range n.Children {
		if c.State != "" {
			states = append(states, c.State)
		}
	}
	if len(states) == 0 {
		return
	}
	w := worst(states...)
	n.State = w
	if w == own || w == model.StateActive || w == model.StateDeprovisioned {
		return
	}
	count := 0
	var raws []string
	var walk func(ns []model.Node)
	walk = func(ns []model.Node) {
		for _, c := range ns {
			if len(c.Children) == 0 || c.Kind == "virtual-circuit" {
				if c.State == w {
					count++
					if len(raws) < 3 && c.RawState != "" && !contains(raws, c.RawState) {
						raws = append(raws, c.RawState)
					}
				}
			}
			walk(c.Children)
		}
	}
	walk(n.Children)
	if count == 0 {
		return
	}
	if what == "" {
		what = "object"
	}
	note := fmt.Sprintf("%d %s%s %s", count, what, plural(count), w)
	if len(raws) > 0 {
		note += " (" + strings.Join(raws, ", ") + ")"
	}
	n.Fields = append(n.Fields, model.Field{Key: "attention", Value: note})
	// The label says it too: a tree shows a node's own raw status, and
	// colour alone is easy to miss.
	n.Label += fmt.Sprintf(" · ⚠ %d %s", count, w)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func sortNodes(ns []model.Node) {
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].Kind != ns[j].Kind {
			return kindRank(ns[i].Kind) < kindRank(ns[j].Kind)
		}
		return strings.ToLower(ns[i].Label) < strings.ToLower(ns[j].Label)
	})
}

func kindRank(k string) int {
	switch k {
	case "project":
		return 0
	case "interconnection":
		return 1
	case "port":
		return 2
	}
	return 3
}
