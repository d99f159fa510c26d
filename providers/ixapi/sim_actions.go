package ixapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/noctop/noctop/providers/sim"
)

// State changes in the simulator: provisioning of new objects, change
// requests (ours and those filed now and then by colleagues) accepted by
// the other side after a while, and decommissioning. Everything that takes
// time is an engine event, so a fake clock replays it exactly.

// Notice periods the simulator's cancellation policies use.
var simNotice = map[string]int{ // days
	"connections":      30,
	"network-services": 30,
	TypeExchangeLAN:    0,
	TypeP2PVC:          7,
	TypeCloudVC:        0,
}

// startEvents schedules what moves by itself. Called with the engine
// locked.
func (s *Simulator) startEvents() {
	t := s.w.Timing()
	// Objects that are on their way to production get there.
	for _, c := range s.st.conns {
		s.advance(&c.State, "connection", c.ID)
	}
	for _, n := range s.st.nscs {
		s.advance(&n.State, "nsc", n.ID)
	}
	for _, v := range s.st.services {
		s.advance(&v.State, "service", v.ID)
	}
	for id, ch := range s.st.changes {
		// Requests we filed (as the B-side) are answered by the other
		// side; those filed on our services wait for us.
		if svc := s.st.serviceByID[id]; svc != nil && s.st.filedByUs(svc) {
			s.scheduleAcceptance(id, ch.gen)
		}
	}
	for _, c := range s.st.conns {
		if c.State == StateDecommissionRequested {
			s.scheduleDecommissioned(&c.State, "connection", c.ID)
		}
	}
	r := s.w.Rand("ixapi", "arrivals")
	s.e.Every(r, t.ArrivalMin, t.ArrivalMax, func(now time.Time) { s.arrival(r, now) })
}

// advance moves an object through requested -> allocated -> testing ->
// production (scheduled starts at allocated).
func (s *Simulator) advance(state *string, kind, id string) {
	next := map[string]string{StateRequested: StateAllocated, StateScheduled: StateAllocated, StateAllocated: StateTesting, StateTesting: StateProduction}
	if _, ok := next[*state]; !ok {
		return
	}
	t := s.w.Timing()
	r := s.w.Rand("ixapi", "provision", kind, id, *state)
	s.e.After(sim.Between(r, t.ProvisionMin, t.ProvisionMax), func(time.Time) {
		if n, ok := next[*state]; ok {
			*state = n
			s.advance(state, kind, id)
		}
	})
}

func (s *Simulator) scheduleDecommissioned(state *string, kind, id string) {
	t := s.w.Timing()
	r := s.w.Rand("ixapi", "decommission", kind, id)
	s.e.After(sim.Between(r, t.DeprovisionMin, t.DeprovisionMax), func(time.Time) {
		if *state == StateDecommissionRequested {
			*state = StateDecommissioned
		}
	})
}

// scheduleAcceptance lets the other side (the A-side, who created the
// service) answer a change request we filed after a while: mostly it
// updates the service and our config to the new capacity, sometimes it
// rejects (deletes) the request. Nothing happens if the request was
// withdrawn (gen moved on) meanwhile.
func (s *Simulator) scheduleAcceptance(serviceID string, gen int) {
	t := s.w.Timing()
	r := s.w.Rand("ixapi", "accept", serviceID, fmt.Sprint(gen))
	s.e.After(sim.Between(r, t.RemoteMin, t.RemoteMax), func(time.Time) {
		ch, ok := s.st.changes[serviceID]
		svc := s.st.serviceByID[serviceID]
		if !ok || ch.gen != gen || svc == nil {
			return
		}
		delete(s.st.changes, serviceID)
		s.st.gens[serviceID]++
		if svc.State != StateProductionChangePending {
			return
		}
		svc.State = StateProduction
		if r.Float64() < 0.2 {
			return // rejected: the request is gone, nothing changed
		}
		svc.ProductOffering = ch.req.ProductOffering
		svc.Capacity = copyPtr(ch.req.Capacity)
		for _, n := range s.st.nscs {
			if n.NetworkService == serviceID {
				n.Capacity = copyPtr(ch.req.Capacity)
			}
		}
	})
}

func copyPtr(p *int64) *int64 {
	if p == nil {
		return nil
	}
	return ptr(*p)
}

// maxWaitingChanges caps how many change requests of other members wait
// for our decision at once (arrivals pause beyond it).
const maxWaitingChanges = 6

// arrival is something happening without us: mostly a change request filed
// by a colleague, sometimes a new configuration ordered by a customer.
func (s *Simulator) arrival(r interface{ Float64() float64 }, now time.Time) {
	st := s.st
	if r.Float64() < 0.6 {
		// The joining member (B-side) of a service we created files a
		// change request: it waits for our decision.
		var cands []*NetworkService
		waiting := 0
		for _, v := range st.services {
			if v.Type != TypeP2PVC || st.filedByUs(v) || !st.isOurs(v.ConsumingAccount) {
				continue
			}
			if _, ok := st.changes[v.ID]; ok {
				waiting++
			} else if v.State == StateProduction {
				cands = append(cands, v)
			}
		}
		if len(cands) == 0 || waiting >= maxWaitingChanges {
			return
		}
		v := cands[int(r.Float64()*float64(len(cands)))%len(cands)]
		if cr, ok := st.proposeChange(v); ok {
			st.gens[v.ID]++
			st.changes[v.ID] = &simChange{req: cr, gen: st.gens[v.ID]}
			v.State = StateProductionChangePending
		}
		return
	}
	// A new exchange LAN config on a production connection.
	var cands []*Connection
	for _, c := range st.conns {
		if c.State == StateProduction {
			cands = append(cands, c)
		}
	}
	if len(cands) == 0 {
		return
	}
	c := cands[int(r.Float64()*float64(len(cands)))%len(cands)]
	man := st.manOf(c)
	lc := strings.TrimPrefix(man.ID, "man-")
	st.nscSeq++
	id := fmt.Sprintf("nsc-%04d", st.nscSeq)
	n := &NetworkServiceConfig{
		ID: id, Type: TypeExchangeLAN, State: StateRequested, NetworkService: "ns-lan-" + lc, Connection: c.ID,
		ManagingAccount: st.self, ConsumingAccount: c.ConsumingAccount, BillingAccount: st.self, RoleAssignments: []string{},
		ProductOffering: "po-lan-" + lc, ASNs: []int64{int64(sim.PrivateASN(s.w.Rand("ixapi", "new-asn", id)))},
		Listed: ptr(false), MACs: []string{},
		VLANConfig: &VLANConfig{VLANType: VLANTypeDot1Q, VLAN: ptr(st.takeVLAN(s.w, c.ID, "new-"+id)), VLANEthertype: "0x8100"},
	}
	st.addNSC(n)
	s.advance(&n.State, "nsc", id)
}

// --- change requests ------------------------------------------------------

func (s *Simulator) serveChangeRequest(w http.ResponseWriter, r *http.Request, id string, now time.Time) {
	st := s.st
	svc, ok := st.serviceByID[id]
	if !ok {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "no network service with id "+truncate(id, 80), nil)
		return
	}
	switch r.Method {
	case http.MethodGet:
		ch, ok := st.changes[id]
		if !ok {
			s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "the network service has no change request", nil)
			return
		}
		s.json(w, http.StatusAccepted, ch.req)
	case http.MethodDelete:
		ch, ok := st.changes[id]
		if !ok {
			s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "the network service has no change request", nil)
			return
		}
		delete(st.changes, id)
		st.gens[id]++
		if svc.State == StateProductionChangePending {
			svc.State = StateProduction
		}
		s.json(w, http.StatusAccepted, ch.req)
	case http.MethodPost:
		body, err := io.ReadAll(r.Body)
		var req map[string]json.RawMessage
		if err != nil || json.Unmarshal(body, &req) != nil {
			s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "the body must be a JSON object", nil)
			return
		}
		fail := func(detail string, props ...ProblemProperty) {
			s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", detail, props)
		}
		if svc.Type != TypeP2PVC {
			fail("only p2p_vc network services accept change requests")
			return
		}
		if !st.filedByUs(svc) {
			s.problem(w, http.StatusForbidden, ProblemPermissionDenied, "You do not have permission to perform this action.",
				"only the joining member (B-side) of a p2p_vc may file a change request; you created this service: change it instead", nil)
			return
		}
		if svc.State != StateProduction {
			fail(fmt.Sprintf("the network service is %s; a change request needs it in production", svc.State))
			return
		}
		var cr NetworkServiceChangeRequest
		var props []ProblemProperty
		if raw, ok := req["product_offering"]; !ok || json.Unmarshal(raw, &cr.ProductOffering) != nil || cr.ProductOffering == "" {
			props = append(props, ProblemProperty{Name: "product_offering", Reason: "this field is required"})
		}
		if raw, ok := req["capacity"]; ok && string(raw) != "null" {
			var c int64
			if json.Unmarshal(raw, &c) != nil || c < 1 {
				props = append(props, ProblemProperty{Name: "capacity", Reason: "must be a positive integer (Mbit/s)"})
			} else {
				cr.Capacity = &c
			}
		}
		po, havePO := st.offerByID[cr.ProductOffering]
		if cr.ProductOffering != "" && (!havePO || po.Type != TypeP2PVC) {
			props = append(props, ProblemProperty{Name: "product_offering", Reason: "not a p2p_vc product offering"})
		}
		if havePO && cr.Capacity != nil && (*cr.Capacity < deref(po.BandwidthMin) || *cr.Capacity > deref(po.BandwidthMax)) {
			props = append(props, ProblemProperty{Name: "capacity", Reason: fmt.Sprintf("must be between %d and %d Mbit/s for this offering", deref(po.BandwidthMin), deref(po.BandwidthMax))})
		}
		if props != nil {
			fail("", props...)
			return
		}
		st.gens[id]++
		st.changes[id] = &simChange{req: cr, gen: st.gens[id]}
		svc.State = StateProductionChangePending
		s.scheduleAcceptance(id, st.gens[id])
		s.json(w, http.StatusAccepted, cr)
	default:
		s.methodNotAllowed(w, "GET, POST, DELETE")
	}
}

// --- updates (PATCH) ------------------------------------------------------

// servePatch applies a JSON merge patch to a p2p_vc network service or
// network service config: what the A-side does to accept a change request
// (the service, then its config). Only capacity and product_offering can
// be changed here; a pending change request must be applied as asked; the
// request is resolved once the service and all our configs of it match.
func (s *Simulator) servePatch(w http.ResponseWriter, r *http.Request, col, id string) {
	st := s.st
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/merge-patch+json") && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		s.problem(w, http.StatusUnsupportedMediaType, ProblemBase+"unsupported-media-type.html", "Unsupported media type", "send application/merge-patch+json", nil)
		return
	}
	var svc *NetworkService
	var nsc *NetworkServiceConfig
	switch col {
	case "network-services":
		svc = st.serviceByID[id]
	case "network-service-configs":
		if nsc = st.nscByID[id]; nsc != nil {
			svc = st.serviceByID[nsc.NetworkService]
		}
	default:
		s.methodNotAllowed(w, "GET")
		return
	}
	if svc == nil {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "no such object", nil)
		return
	}
	body, err := io.ReadAll(r.Body)
	var patch map[string]json.RawMessage
	if err != nil || json.Unmarshal(body, &patch) != nil {
		s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "the body must be a JSON object (a merge patch)", nil)
		return
	}
	invalid := func(props ...ProblemProperty) {
		s.problem(w, http.StatusBadRequest, ProblemValidation, "Some fields did not validate.", "", props)
	}
	var typ string
	if json.Unmarshal(patch["type"], &typ) != nil || typ != TypeP2PVC || svc.Type != TypeP2PVC || nsc != nil && nsc.Type != TypeP2PVC {
		invalid(ProblemProperty{Name: "type", Reason: "the simulator changes p2p_vc network services and their configs only; type must be p2p_vc"})
		return
	}
	allowed := map[string]bool{"type": true, "capacity": true}
	if nsc == nil {
		allowed["product_offering"] = true
	}
	for k := range patch {
		if !allowed[k] {
			invalid(ProblemProperty{Name: k, Reason: "cannot be changed here"})
			return
		}
	}
	if nsc == nil && !st.isOurs(svc.ConsumingAccount) || nsc != nil && !st.isOurs(nsc.ConsumingAccount) {
		s.problem(w, http.StatusForbidden, ProblemPermissionDenied, "You do not have permission to perform this action.", "the object is not yours to change", nil)
		return
	}
	if nsc == nil && st.filedByUs(svc) {
		s.problem(w, http.StatusForbidden, ProblemPermissionDenied, "You do not have permission to perform this action.",
			"you joined this service (B-side): file a change request instead", nil)
		return
	}
	po := svc.ProductOffering
	if raw, ok := patch["product_offering"]; ok {
		if json.Unmarshal(raw, &po) != nil || st.offerByID[po] == nil || st.offerByID[po].Type != TypeP2PVC {
			invalid(ProblemProperty{Name: "product_offering", Reason: "not a p2p_vc product offering"})
			return
		}
	}
	capacity := svc.Capacity
	if nsc != nil {
		capacity = nsc.Capacity
	}
	if raw, ok := patch["capacity"]; ok {
		capacity = nil
		if string(raw) != "null" {
			var c int64
			if json.Unmarshal(raw, &c) != nil || c < 1 {
				invalid(ProblemProperty{Name: "capacity", Reason: "must be a positive integer (Mbit/s) or null"})
				return
			}
			capacity = &c
		}
	}
	if o := st.offerByID[po]; o != nil && capacity != nil && (*capacity < deref(o.BandwidthMin) || *capacity > deref(o.BandwidthMax)) {
		invalid(ProblemProperty{Name: "capacity", Reason: fmt.Sprintf("must be between %d and %d Mbit/s for this offering", deref(o.BandwidthMin), deref(o.BandwidthMax))})
		return
	}
	if ch, ok := st.changes[svc.ID]; ok {
		if po != ch.req.ProductOffering && nsc == nil || !sameCapacity(capacity, ch.req.Capacity) {
			s.problem(w, http.StatusBadRequest, ProblemUnableToFulfill, "Unable to fulfill the request",
				"a change request is pending on the network service: apply what it asks ("+describeCapacity(ch.req.Capacity)+") or reject it", nil)
			return
		}
	}
	if nsc != nil {
		nsc.Capacity = copyPtr(capacity)
	} else {
		svc.ProductOffering, svc.Capacity = po, copyPtr(capacity)
	}
	st.resolveChange(svc)
	if nsc != nil {
		s.json(w, http.StatusAccepted, nsc)
		return
	}
	s.json(w, http.StatusAccepted, svc)
}

func sameCapacity(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func describeCapacity(c *int64) string {
	if c == nil {
		return "capacity null: the offering's maximum"
	}
	return fmt.Sprintf("capacity %d Mbit/s", *c)
}

// resolveChange ends the change request on svc once the service and our
// live configs of it carry what it asks.
func (st *simState) resolveChange(svc *NetworkService) {
	ch, ok := st.changes[svc.ID]
	if !ok || svc.ProductOffering != ch.req.ProductOffering || !sameCapacity(svc.Capacity, ch.req.Capacity) {
		return
	}
	for _, n := range st.nscs {
		if n.NetworkService == svc.ID && st.isOurs(n.ConsumingAccount) && decommissionable(n.State) && !sameCapacity(n.Capacity, ch.req.Capacity) {
			return
		}
	}
	delete(st.changes, svc.ID)
	st.gens[svc.ID]++
	if svc.State == StateProductionChangePending {
		svc.State = StateProduction
	}
}

// --- decommissioning --------------------------------------------------------

// policyFor computes the cancellation policy of an object: the earliest
// date is today plus the notice period; a later wish is honoured; charges
// run to the end of that month.
func policyFor(notice int, wish string, now time.Time) (CancellationPolicy, bool) {
	today := now.UTC().Truncate(24 * time.Hour)
	earliest := today.AddDate(0, 0, notice)
	at := earliest
	ok := true
	if wish != "" {
		d, err := time.Parse(time.DateOnly, wish)
		switch {
		case err != nil:
			ok = false
		case d.Before(earliest):
			ok = false
		default:
			at = d
		}
	}
	end := time.Date(at.Year(), at.Month()+1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	return CancellationPolicy{DecommissionAt: at.Format(time.DateOnly), ChargedUntil: end.Format(time.DateOnly)}, ok
}

// target is a decommissionable object.
type target struct {
	state          *string
	decommissionAt *string
	chargedUntil   *string
	notice         int
	obj            any
}

func (s *Simulator) targetOf(col, id string) (target, bool) {
	st := s.st
	switch col {
	case "connections":
		if c, ok := st.connByID[id]; ok {
			return target{&c.State, &c.DecommissionAt, &c.ChargedUntil, simNotice["connections"], c}, true
		}
	case "network-services":
		if v, ok := st.serviceByID[id]; ok {
			return target{&v.State, &v.DecommissionAt, &v.ChargedUntil, simNotice["network-services"], v}, true
		}
	case "network-service-configs":
		if n, ok := st.nscByID[id]; ok {
			return target{&n.State, &n.DecommissionAt, &n.ChargedUntil, simNotice[n.Type], n}, true
		}
	}
	return target{}, false
}

func (s *Simulator) servePolicy(w http.ResponseWriter, r *http.Request, col, id string, now time.Time) {
	t, ok := s.targetOf(col, id)
	if !ok {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "no such object", nil)
		return
	}
	pol, valid := policyFor(t.notice, r.URL.Query().Get("decommission_at"), now)
	if !valid {
		pol, _ = policyFor(t.notice, "", now)
	}
	s.json(w, http.StatusOK, pol)
}

func (s *Simulator) serveDecommission(w http.ResponseWriter, r *http.Request, col, id string, now time.Time) {
	switch col {
	case "connections", "network-services", "network-service-configs":
	default:
		s.methodNotAllowed(w, "GET")
		return
	}
	t, ok := s.targetOf(col, id)
	if !ok {
		s.problem(w, http.StatusNotFound, ProblemNotFound, "Not found", "no such object", nil)
		return
	}
	unable := func(detail string) {
		s.problem(w, http.StatusBadRequest, ProblemUnableToFulfill, "Unable to fulfill the request", detail, nil)
	}
	body, err := io.ReadAll(r.Body)
	var req CancellationRequest
	if err != nil || (len(strings.TrimSpace(string(body))) > 0 && json.Unmarshal(body, &req) != nil) {
		unable("the body must be a JSON object with an optional decommission_at date")
		return
	}
	switch *t.state {
	case StateDecommissionRequested, StateDecommissioned, StateArchived:
		unable("it is already " + *t.state)
		return
	}
	switch obj := t.obj.(type) {
	case *NetworkService:
		if obj.Type == TypeExchangeLAN {
			unable("the exchange LAN belongs to the exchange; decommission your network service config instead")
			return
		}
	case *Connection:
		n := 0
		for _, c := range s.st.nscs {
			if c.Connection == obj.ID && decommissionable(c.State) {
				n++
			}
		}
		if n > 0 {
			unable(fmt.Sprintf("the connection still carries %d network service config(s); decommission them first", n))
			return
		}
	}
	pol, ok := policyFor(t.notice, req.DecommissionAt, now)
	if !ok {
		earliest, _ := policyFor(t.notice, "", now)
		s.problemDoc(w, Problem{Type: ProblemCancellationPolicy, Status: http.StatusBadRequest,
			Title:          "Requested cancellation date outside of notice period.",
			Detail:         "the earliest possible decommission date is " + earliest.DecommissionAt,
			DecommissionAt: earliest.DecommissionAt, ChargedUntil: earliest.ChargedUntil})
		return
	}
	*t.state = StateDecommissionRequested
	*t.decommissionAt, *t.chargedUntil = pol.DecommissionAt, pol.ChargedUntil
	kind := strings.TrimSuffix(col, "s")
	s.scheduleDecommissioned(t.state, kind, id)
	if v, ok := t.obj.(*NetworkService); ok {
		// The service's configs go with it.
		delete(s.st.changes, v.ID)
		s.st.gens[v.ID]++
		for _, n := range s.st.nscs {
			if n.NetworkService == v.ID && decommissionable(n.State) {
				n.State, n.DecommissionAt, n.ChargedUntil = StateDecommissionRequested, pol.DecommissionAt, pol.ChargedUntil
				s.scheduleDecommissioned(&n.State, "network-service-config", n.ID)
			}
		}
	}
	s.json(w, http.StatusAccepted, t.obj)
}
