package metal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

var _ model.ActionVerifier = (*Provider)(nil)

// Verify re-reads what an action with an unknown outcome (its answer was
// lost) was aimed at, and says whether the change it asked for is visible:
//   - a deletion took effect when the object is gone (404) or being
//     deleted;
//   - an update when every field the body set reads back as sent, and did
//     not when one reads otherwise;
//   - a new virtual circuit when one with its NNI VLAN (unique on a port)
//     now exists on that port; a new interconnection when one of the
//     planned name exists in the organisation or project (a name taken
//     twice cannot tell, and says so).
//
// It only reads; the audit wrapper calls it and records the verdict.
func (p *Provider) Verify(ctx context.Context, a model.Action) (bool, string, error) {
	what, err := allowedAction(a.HTTP)
	if err != nil {
		return false, "", err
	}
	seg := strings.Split(strings.TrimPrefix(a.HTTP.Path, "/"), "/")
	switch a.HTTP.Method {
	case http.MethodDelete:
		return p.verifyGone(ctx, what, seg[1])
	case http.MethodPut:
		return p.verifyUpdate(ctx, what, seg[1], a.HTTP.Body)
	}
	var body struct {
		Name    string `json:"name"`
		NNIVlan int    `json:"nni_vlan"`
	}
	if json.Unmarshal(a.HTTP.Body, &body) != nil {
		return false, "", errorf("cannot tell: the request body is not a JSON object")
	}
	if what == RefVirtualCircuit {
		// A new circuit is found by its NNI VLAN, unique on the port (and
		// its name, when it was given one).
		if body.NNIVlan <= 0 {
			return false, "", errorf("cannot tell: the request names no NNI VLAN to look for")
		}
		vcs, err := p.client.ListInterconnectionPortVirtualCircuits(ctx, seg[1], seg[3])
		if err != nil {
			return false, "", err
		}
		var found []string
		for _, vc := range vcs {
			if vcNNIVLAN(vc) == body.NNIVlan && (body.Name == "" || vc.Name() == body.Name) {
				found = append(found, vc.Status())
			}
		}
		return named("virtual circuit", fmt.Sprintf("NNI VLAN %d", body.NNIVlan), "on the port", found)
	}
	if strings.TrimSpace(body.Name) == "" {
		return false, "", errorf("cannot tell: the request names no interconnection to look for")
	}
	var ics []Interconnection
	if "/"+seg[0] == PathOrganizations {
		ics, err = p.client.ListOrganizationInterconnections(ctx, seg[1], "", nil)
	} else {
		ics, err = p.client.ListProjectInterconnections(ctx, seg[1], nil)
	}
	if err != nil {
		return false, "", err
	}
	var found []string
	for _, ic := range ics {
		if ic.Name == body.Name {
			found = append(found, ic.Status)
		}
	}
	return named("interconnection", strconv.Quote(model.SafeText(truncate(body.Name, 60))), "in the "+strings.TrimSuffix(seg[0], "s"), found)
}

// nniVLAN is the circuit's VLAN on the interconnection port.
func vcNNIVLAN(vc VirtualCircuit) int {
	switch {
	case vc.Vlan != nil:
		return vc.Vlan.NNIVlan
	case vc.Vrf != nil:
		return vc.Vrf.NNIVlan
	}
	return 0
}

// named is the verdict of a creation: applied when exactly one object
// matching what was asked for (q) exists where it was asked for.
func named(what, q, where string, statuses []string) (bool, string, error) {
	switch len(statuses) {
	case 0:
		return false, fmt.Sprintf("no %s named %s %s", what, q, where), nil
	case 1:
		return true, fmt.Sprintf("%s %s exists %s (status %s)", what, q, where, model.SafeText(truncate(statuses[0], 40))), nil
	}
	return false, "", errorf("cannot tell: %d of them match %s %s", len(statuses), q, where)
}

// verifyGone reads the deleted object back.
func (p *Provider) verifyGone(ctx context.Context, what, id string) (bool, string, error) {
	var status string
	var err error
	if what == RefVirtualCircuit {
		var vc VirtualCircuit
		vc, err = p.client.GetVirtualCircuit(ctx, id)
		status = vc.Status()
	} else {
		var ic Interconnection
		ic, err = p.client.GetInterconnection(ctx, id)
		status = ic.Status
	}
	if errors.Is(err, model.ErrNotFound) {
		return true, "the " + what + " is gone (404)", nil
	}
	if err != nil {
		return false, "", err
	}
	st := model.SafeText(truncate(status, 40))
	if s := strings.ToLower(status); s == VCDeleting || s == "deprovisioning" {
		return true, "the " + what + " is being deleted (status " + st + ")", nil
	}
	return false, "the " + what + " is still there (status " + st + ")", nil
}

// verifyUpdate compares each field the body set with the object read back.
func (p *Provider) verifyUpdate(ctx context.Context, what, id string, sent []byte) (bool, string, error) {
	var raw json.RawMessage
	if what == RefVirtualCircuit {
		vc, err := p.client.GetVirtualCircuit(ctx, id)
		if err != nil {
			return false, "", err
		}
		raw = vc.Raw()
	} else {
		ic, err := p.client.GetInterconnection(ctx, id)
		if err != nil {
			return false, "", err
		}
		raw = ic.Raw()
	}
	var want, got map[string]json.RawMessage
	if json.Unmarshal(sent, &want) != nil || len(want) == 0 {
		return false, "", errorf("cannot tell: the update body is not a JSON object")
	}
	if json.Unmarshal(raw, &got) != nil {
		return false, "", errorf("cannot tell: the %s read back is not a JSON object", what)
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		same, now, err := sameField(k, want[k], got)
		if err != nil {
			return false, "", err
		}
		if !same {
			return false, fmt.Sprintf("%s reads %s, not as sent", k, now), nil
		}
	}
	return true, "the " + what + " reads as sent (" + strings.Join(keys, ", ") + ")", nil
}

// sameField reports whether field k of the object read back (got) shows
// the value sent; now is what it shows, for the audit line.
func sameField(k string, sent json.RawMessage, got map[string]json.RawMessage) (bool, string, error) {
	show := func(b json.RawMessage) string {
		if len(b) == 0 {
			return "nothing"
		}
		return model.SafeText(truncate(string(b), 60))
	}
	cur := got[k]
	switch k {
	case "speed":
		// Sent as "1gbps", read as bits per second.
		var s string
		var n int64
		if json.Unmarshal(sent, &s) != nil || json.Unmarshal(cur, &n) != nil {
			return false, "", errorf("cannot tell: speed %s", show(cur))
		}
		bps, ok := parseSpeed(s)
		return ok && bps == n, show(cur), nil
	case "vnid":
		// Sent as a virtual network UUID or a VLAN number; read as the
		// number and a link to the network.
		var s string
		if json.Unmarshal(sent, &s) != nil {
			return false, "", errorf("cannot tell: vnid %s", show(sent))
		}
		if n, err := strconv.Atoi(s); err == nil {
			var v int
			return json.Unmarshal(cur, &v) == nil && v == n, show(cur), nil
		}
		var vn Href
		json.Unmarshal(got["virtual_network"], &vn)
		return vn.Href != "" && strings.HasSuffix(vn.Href, "/"+s), show(got["virtual_network"]), nil
	}
	var a, b any
	if json.Unmarshal(sent, &a) != nil {
		return false, "", errorf("cannot tell: %s was sent as %s", k, show(sent))
	}
	if len(cur) == 0 {
		// Omitted fields read as empty (omitempty on the server side).
		return a == "" || a == nil || a == float64(0), "nothing", nil
	}
	if json.Unmarshal(cur, &b) != nil {
		return false, "", errorf("cannot tell: %s reads %s", k, show(cur))
	}
	if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		return ok && strings.TrimSpace(sa) == strings.TrimSpace(sb), show(cur), nil
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y), show(cur), nil
}
