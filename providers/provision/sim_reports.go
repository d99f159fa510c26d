package provision

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// usage adds up leaf blocks the way both reports count them: assigned,
// held, available, and "allocated" (in the simulator: assigned and
// registered with the RIR).
type usage struct {
	total, assigned, holding, available, allocated model.Hosts
}

func (u *usage) add(b *simBlock) {
	n := sizeOf(b)
	u.total = u.total.Add(n)
	switch b.status() {
	case model.BlockAssigned:
		u.assigned = u.assigned.Add(n)
		if b.swipped {
			u.allocated = u.allocated.Add(n)
		}
	case model.BlockHolding:
		u.holding = u.holding.Add(n)
	default:
		u.available = u.available.Add(n)
	}
}

func pctOf(part, total model.Hosts) float64 { return round2(model.Percent(part, total)) }

func pctText(part, total model.Hosts) string {
	return strconv.FormatFloat(pctOf(part, total), 'f', 2, 64)
}

// countJSON prints a count as PHP does: a string for the "hosts" fields
// that the reference shows quoted, exact digits either way.
func countJSON(h model.Hosts) string { return h.String() }

func inList(v string, list []string) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func (s *Simulator) handleUtilization(w http.ResponseWriter, q url.Values) {
	fam := family(q.Get("type"))
	if fam == "" {
		fail(w, "Missing or invalid type: ipv4 or ipv6 is required")
		return
	}
	regions, codes, tags := multi(q, "region"), multi(q, "code"), multi(q, "tags")
	var vlans []int64
	for _, v := range multi(q, "vlan") {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fail(w, "Invalid vlan %q", v)
			return
		}
		vlans = append(vlans, n)
	}
	rir := q.Get("rir")
	var u usage
	type resUse struct {
		hosts  model.Hosts
		blocks int
	}
	per := map[int64]*resUse{}
	for _, b := range s.order {
		if !b.leaf() || b.fam() != fam || !inList(b.region.code, regions) || (rir != "" && !strings.EqualFold(b.rir, rir)) {
			continue
		}
		if len(codes) > 0 && !inList(b.code(), codes) {
			continue
		}
		if len(tags) > 0 && !tagsMatch(b, tags, "union") {
			continue
		}
		if len(vlans) > 0 && !slices.Contains(vlans, int64(b.vlan)) {
			continue
		}
		u.add(b)
		if b.status() == model.BlockAssigned {
			r := per[b.resource]
			if r == nil {
				r = &resUse{}
				per[b.resource] = r
			}
			r.hosts = r.hosts.Add(sizeOf(b))
			r.blocks++
		}
	}
	ids := make([]int64, 0, len(per))
	for id := range per {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if c := per[b].hosts.Cmp(per[a].hosts); c != 0 {
			return c
		}
		return int(a - b)
	})
	resources := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		name := ""
		if r := s.resources[id]; r != nil {
			name = r.name
		}
		resources = append(resources, map[string]any{
			"id": id, "name": name, "type": "entry",
			"hosts": countJSON(per[id].hosts), "blocks": strconv.Itoa(per[id].blocks),
			"percentage": pctText(per[id].hosts, u.total),
		})
	}
	// Mixed spellings on purpose, as in the reference's example: some
	// counts quoted, some numbers; percentages always strings.
	reply(w, map[string]any{
		"success":             1,
		"totalHosts":          countJSON(u.total),
		"hostsAssigned":       Count(u.assigned),
		"hostsAllocated":      countJSON(u.allocated),
		"hostsAvailable":      countJSON(u.available),
		"hostsInHolding":      Count(u.holding),
		"availablePercentage": pctText(u.available, u.total),
		"assignedPercentage":  pctText(u.assigned, u.total),
		"allocatedPercentage": pctText(u.allocated, u.total),
		"inHoldingPercentage": pctText(u.holding, u.total),
		"resources":           resources,
	})
}

func (s *Simulator) handleMaskReport(w http.ResponseWriter, q url.Values) {
	resID, hasRes, err := intParam(q, "resource_id")
	if err != nil {
		fail(w, "%s", err)
		return
	}
	tags := multi(q, "tags")
	regions := multi(q, "regions")
	type fam struct {
		all    usage
		prefix map[int]*usage
	}
	fams := map[model.IPFamily]*fam{}
	for _, b := range s.order {
		if !b.leaf() || !inList(b.region.code, regions) || !tagsMatch(b, tags, "intersection") || (hasRes && b.resource != resID) {
			continue
		}
		f := fams[b.fam()]
		if f == nil {
			f = &fam{prefix: map[int]*usage{}}
			fams[b.fam()] = f
		}
		f.all.add(b)
		p := f.prefix[b.prefix.Bits()]
		if p == nil {
			p = &usage{}
			f.prefix[b.prefix.Bits()] = p
		}
		p.add(b)
	}
	row := func(u usage) map[string]any {
		return map[string]any{
			"total": Count(u.total), "available": Count(u.available), "assigned": Count(u.assigned),
			"holding": Count(u.holding), "allocated": Count(u.allocated),
			"assigned_percentage": pctOf(u.assigned, u.total), "holding_percentage": pctOf(u.holding, u.total),
			"available_percentage": pctOf(u.available, u.total), "allocated_percentage": pctOf(u.allocated, u.total),
		}
	}
	data := map[string]any{}
	for ff, f := range fams {
		out := row(f.all)
		prefixes := map[string]any{}
		for m, u := range f.prefix {
			prefixes[strconv.Itoa(m)] = row(*u)
		}
		out["prefixes"] = prefixes
		data[ff.Label()] = out
	}
	if len(data) == 0 {
		reply(w, map[string]any{"success": 1, "data": []any{}})
		return
	}
	reply(w, map[string]any{"success": 1, "message": fmt.Sprintf("Mask report for %d families", len(data)), "data": data})
}
