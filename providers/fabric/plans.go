package fabric

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/noctop/noctop/model"
)

// Changing and deleting our own connections:
//
//	PATCH  /fabric/v4/connections/{id}  [{"op":"replace","path":"/bandwidth","value":1000}]  (application/json-patch+json)
//	DELETE /fabric/v4/connections/{id}
//
// The value of the bandwidth operation is a number of Mbit/s, as the
// user's reference ("Update Connection") and the spec's own example send
// it (the 4.31 schema says object there; the Equinix Go SDK's patched spec
// drops that constraint).

// ContentJSONPatch is the media type of a connection update.
const ContentJSONPatch = "application/json-patch+json"

// Bandwidths are the connection speeds (Mbit/s) Fabric sells; a change
// asks for one of them, at most the speed of our port on the connection.
var Bandwidths = []int64{50, 100, 200, 500, 1000, 2000, 5000, 10000, 25000, 50000, 100000}

// ours reports whether we own c (we created it, or both ends are ours),
// so it is ours to change or delete; the reason when not.
func ours(c Connection) (bool, string) {
	switch c.Direction {
	case dirOutgoing, "INTERNAL":
		return true, ""
	case dirIncoming:
		return false, "it was requested by " + orgOf(c.ASide) + " (we are its Z side): ask them, or answer their request"
	}
	return false, fmt.Sprintf("Fabric does not say it is ours (direction %q)", c.Direction)
}

func orgOf(s ConnectionSide) string {
	if ap := s.AccessPoint; ap != nil && ap.Account != nil && ap.Account.OrganizationName != "" {
		return model.SafeText(ap.Account.OrganizationName)
	}
	return "the other party"
}

// editable reports whether c is in a state to be changed: active with
// nothing pending.
func editable(c Connection) (bool, string) {
	if c.State != "ACTIVE" {
		return false, "it is " + firstNonEmpty(c.State, "in no known state")
	}
	if p := pendingOf(c); p != nil {
		return false, "a " + string(p.Kind) + " is pending (" + p.Description + ")"
	}
	if ch := c.Change; ch != nil {
		switch ch.Status {
		case "COMPLETED", "REJECTED", "FAILED", "":
		default:
			return false, "a change is in progress (" + model.SafeText(ch.Type+" "+ch.Status) + ")"
		}
	}
	return true, ""
}

// portLimit is the speed (Mbit/s) of the slowest of our known ports on c
// (0 when none is known).
func portLimit(c Connection, ports []Port) int64 {
	var limit int64
	for _, s := range []ConnectionSide{c.ASide, c.ZSide} {
		ap := s.AccessPoint
		if ap == nil || ap.Port == nil {
			continue
		}
		for _, pt := range ports {
			if pt.UUID == ap.Port.UUID {
				if sp := pt.PhysicalPortsSpeed * int64(max(pt.PhysicalPortsCount, 1)); sp > 0 && (limit == 0 || sp < limit) {
					limit = sp
				}
			}
		}
	}
	return limit
}

// planBandwidth plans a bandwidth change: Params[ParamBandwidth] (Mbit/s),
// or the next speed above today's.
func (p *Provider) planBandwidth(req model.ActionRequest, c Connection, ports []Port) (model.Action, error) {
	name := model.SafeText(firstNonEmpty(c.Name, c.UUID))
	if ok, why := ours(c); !ok {
		return model.Action{}, fmt.Errorf("%w: fabric: cannot change the bandwidth of %s: %s", model.ErrUnsupported, name, why)
	}
	if ok, why := editable(c); !ok {
		return model.Action{}, fmt.Errorf("%w: fabric: cannot change the bandwidth of %s now: %s", model.ErrUnsupported, name, why)
	}
	limit := portLimit(c, ports)
	var bw int64
	if v := strings.TrimSpace(req.Params[ParamBandwidth]); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return model.Action{}, errorf("bandwidth %q is not a number of Mbit/s", truncate(v, 20))
		}
		bw = n
	} else {
		for _, b := range Bandwidths {
			if b > c.Bandwidth {
				bw = b
				break
			}
		}
	}
	switch {
	case bw == 0:
		return model.Action{}, errorf("%s is at the highest bandwidth Fabric sells; pass %q", name, ParamBandwidth)
	case !slices.Contains(Bandwidths, bw):
		return model.Action{}, errorf("%s is not a Fabric bandwidth (one of %s)", model.FormatMbps(bw), bandwidthList())
	case bw == c.Bandwidth:
		return model.Action{}, errorf("%s already has %s", name, model.FormatMbps(bw))
	case limit > 0 && bw > limit:
		return model.Action{}, errorf("%s is more than our port on %s carries (%s)", model.FormatMbps(bw), name, model.FormatMbps(limit))
	}
	path, err := connPath(c.UUID, "")
	if err != nil {
		return model.Action{}, err
	}
	b, err := json.MarshalIndent([]ConnectionChangeOperation{{Op: "replace", Path: "/bandwidth", Value: json.RawMessage(strconv.FormatInt(bw, 10))}}, "", "  ")
	if err != nil {
		return model.Action{}, err
	}
	return model.Action{
		Request: req,
		Title:   fmt.Sprintf("Change the bandwidth of %s: %s → %s", name, model.FormatMbps(c.Bandwidth), model.FormatMbps(bw)),
		Risk:    model.RiskMedium,
		HTTP:    model.HTTPRequest{Method: http.MethodPatch, Path: path, Body: b, ContentType: ContentJSONPatch},
	}, nil
}

func bandwidthList() string {
	s := make([]string, len(Bandwidths))
	for i, b := range Bandwidths {
		s[i] = model.FormatMbps(b)
	}
	return strings.Join(s, ", ")
}

// planDelete plans the deletion of one of our connections (its sides
// named aName and zName, as listed); the operator must type its name.
func planDelete(req model.ActionRequest, c Connection, aName, zName string) (model.Action, error) {
	name := model.SafeText(firstNonEmpty(c.Name, c.UUID))
	if ok, why := ours(c); !ok {
		return model.Action{}, fmt.Errorf("%w: fabric: cannot delete %s: %s", model.ErrUnsupported, name, why)
	}
	switch c.State {
	case "DEPROVISIONING", "DEPROVISIONED", "CANCELLED":
		return model.Action{}, fmt.Errorf("%w: fabric: %s is already %s", model.ErrUnsupported, name, c.State)
	}
	path, err := connPath(c.UUID, "")
	if err != nil {
		return model.Action{}, err
	}
	return model.Action{
		Request:     req,
		Title:       fmt.Sprintf("Delete connection %s (%s, %s → %s): it is torn down", name, model.FormatMbps(c.Bandwidth), model.SafeText(aName), model.SafeText(zName)),
		Risk:        model.RiskHigh,
		ConfirmText: name,
		HTTP:        model.HTTPRequest{Method: http.MethodDelete, Path: path},
	}, nil
}

// ownActions are the actions on our own connection c (none on others).
func ownActions(c Connection) []model.ActionKind {
	if ok, _ := ours(c); !ok {
		return nil
	}
	var out []model.ActionKind
	if ok, _ := editable(c); ok {
		out = append(out, model.ActionChangeBandwidth)
	}
	switch c.State {
	case "DEPROVISIONING", "DEPROVISIONED", "CANCELLED":
	default:
		out = append(out, model.ActionDecommission)
	}
	return out
}

// allowedAction refuses anything but the requests Plan builds.
func allowedAction(h model.HTTPRequest) error {
	rest, isConn := strings.CutPrefix(h.Path, ConnPath)
	id, sub, _ := strings.Cut(rest, "/")
	ok := isConn && validID.MatchString(id) && !strings.ContainsAny(h.Path, "?#")
	switch {
	case !ok:
	case h.Method == http.MethodPost && sub == "actions":
	case h.Method == http.MethodPatch && !strings.Contains(rest, "/") && h.ContentType == ContentJSONPatch:
	case h.Method == http.MethodDelete && !strings.Contains(rest, "/") && len(h.Body) == 0:
	default:
		ok = false
	}
	if !ok {
		return errorf("refusing to send %s %s: not a Fabric connection action, update or deletion", h.Method, truncate(h.Path, 80))
	}
	return nil
}
