package provision

import (
	"cmp"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/noctop/noctop/model"
	"github.com/noctop/noctop/providers/sim"
)

// Demo credentials of the simulator. They are not secret: the demo and the
// tests configure the client with them.
const (
	DemoAPIKey    = "38-NOCTOPDEMO0IPAM"
	DemoSecretKey = "5f0c1d2e3a4b6c7d8e9f00112233demo"
	// DemoEntityHandle is the org handle of the simulated ARIN LIR, for
	// deassign and simpleReassign (WithEntityHandle).
	DemoEntityHandle = "NOCTO-ARIN"
)

// HoldPeriod is how long a block stays in the simulated holding tank
// before processing may return it to the available pool.
const HoldPeriod = 7 * 24 * time.Hour

// maxSelectCount is the largest page the simulator serves.
const maxSelectCount = 10_000

// Simulator serves ProVision API v1 (target=ipam) from a sim.World. It
// checks every request's signature like the real server (apiKey + hash
// over the raw query string) and answers in ProVision's envelope, with
// success:0 and HTTP 200 for every refusal, as the reference shows.
type Simulator struct {
	world  *sim.World
	engine *sim.Engine
	keys   map[string]string // apiKey -> secret key

	// Guarded by engine (Lock/Unlock).
	order     []*simBlock // creation order = id order (see block)
	tagSets   map[string][]string
	aggs      map[int64]*simAgg
	regions   []*simRegion
	resources map[int64]*simResource
	resOrder  []int64
	nextID    int64
	rnd       *rand.Rand
	// version counts changes; listings are cached per filter and version
	// so that paging through a million blocks does not filter a million
	// blocks per page.
	version uint64
	listing struct {
		key     string
		version uint64
		blocks  []*simBlock
	}

	requests atomic.Int64
}

// SimOption configures a Simulator.
type SimOption func(*Simulator)

// WithSimKey adds an accepted API key pair (the demo pair is always there).
func WithSimKey(apiKey, secret string) SimOption {
	return func(s *Simulator) { s.keys[apiKey] = secret }
}

// NewSimulator builds the simulated IPAM from w (see sim_world.go).
func NewSimulator(w *sim.World, opts ...SimOption) *Simulator {
	s := &Simulator{
		world:     w,
		engine:    w.NewEngine(),
		keys:      map[string]string{DemoAPIKey: DemoSecretKey},
		tagSets:   map[string][]string{},
		aggs:      map[int64]*simAgg{},
		resources: map[int64]*simResource{},
		rnd:       w.Rand("provision", "runtime"),
	}
	for _, o := range opts {
		o(s)
	}
	// The IPAM is built when first asked for, at the engine's creation
	// time (see sim.Engine.Prepare). Customer churn: now and then an
	// assignment comes back to the holding tank; a new one is
	// smart-assigned elsewhere.
	t := w.Timing()
	s.engine.Prepare(func(time.Time) {
		s.build()
		s.engine.Every(w.Rand("provision", "churn"), 2*t.ArrivalMin, 2*t.ArrivalMax, s.churn)
	})
	return s
}

// Requests is how many requests the simulator has served.
func (s *Simulator) Requests() int64 { return s.requests.Load() }

// BlockCount is the number of blocks.
func (s *Simulator) BlockCount() int {
	s.engine.Lock()
	defer s.engine.Unlock()
	return len(s.order)
}

// FaultHooks render injected faults as ProVision would: an envelope with
// success 0.
func FaultHooks() sim.FaultHooks {
	return sim.FaultHooks{ErrorBody: func(status int, _ *http.Request) (string, []byte) {
		b, _ := json.Marshal(map[string]any{"success": 0, "message": fmt.Sprintf("simulated fault: %d %s", status, http.StatusText(status))})
		return "application/json", b
	}}
}

func (s *Simulator) churn(now time.Time) {
	s.version++
	var cands []*simBlock
	for _, b := range s.order {
		if b.status() == model.BlockAssigned && b.lir != 0 {
			cands = append(cands, b)
		}
	}
	if len(cands) == 0 {
		return
	}
	b := sim.Pick(s.rnd, cands)
	company := b.resource - simCustomerID
	s.toHolding(b, now)
	// The customer takes a fresh block of the same size in the same region.
	agg := s.aggs[b.top]
	if agg == nil || company < 0 {
		return
	}
	if free := agg.bestFit(b.prefix.Bits(), nil); free != nil {
		leaf := s.carve(agg, free, b.prefix.Bits(), now)
		s.assignTo(agg, leaf, simCustomerID+company, now)
		leaf.tags = s.tagSet(append(leaf.tags, "Customer"))
	}
}

// reply writes an envelope (HTTP 200, as ProVision does for failures too).
func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, format string, args ...any) {
	reply(w, map[string]any{"success": 0, "message": fmt.Sprintf(format, args...)})
}

// ServeHTTP handles GET and POST /api/v1/api.php.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if r.URL.Path != APIPath {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		fail(w, "Malformed query string")
		return
	}
	if err := s.checkSignature(r.URL.RawQuery, q); err != "" {
		fail(w, "%s", err)
		return
	}
	if r.Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			fail(w, "Could not read the request body")
			return
		}
		form, err := url.ParseQuery(string(body))
		if err != nil {
			fail(w, "Malformed form body")
			return
		}
		for k, vs := range form {
			if k == "apiKey" || k == "hash" {
				continue
			}
			q[k] = append(q[k], vs...)
		}
	}
	if q.Get("target") != "ipam" {
		fail(w, "Unknown target %q", q.Get("target"))
		return
	}
	now := s.engine.Lock()
	defer s.engine.Unlock()
	switch q.Get("action") {
	case ActSmartAssign, ActDeassign, ActSimpleReassign, ActProcessHolding:
		s.version++ // may change blocks (over-invalidating is harmless)
	}
	switch q.Get("action") {
	case ActGet:
		s.handleGet(w, q)
	case ActUtilization:
		s.handleUtilization(w, q)
	case ActMaskReport:
		s.handleMaskReport(w, q)
	case ActProcessHolding:
		s.handleProcessHolding(w, q, now)
	case ActSmartAssign:
		s.handleSmartAssign(w, q, now)
	case ActDeassign, ActSimpleReassign:
		s.handleSWIP(w, q, now)
	default:
		fail(w, "Unknown action %q", q.Get("action"))
	}
}

// checkSignature does what the server does: look up the apiKey's secret,
// recompute base64(HMAC-SHA256(query without "&hash=…", secret)) over the
// raw query string and compare it with the hash parameter.
func (s *Simulator) checkSignature(raw string, q url.Values) string {
	key := q.Get("apiKey")
	secret, ok := s.keys[key]
	if key == "" || !ok {
		return "Invalid API key"
	}
	i := strings.Index(raw, "&hash=")
	if i < 0 || q.Get("hash") == "" {
		return "Missing hash: requests must be signed with the secret key"
	}
	want := Hash(raw[:i], secret)
	if !hmac.Equal([]byte(want), []byte(q.Get("hash"))) {
		return "Invalid hash for API key " + key
	}
	return ""
}

// blockJSON is a block as the server prints it: ids as numbers, lir_id as
// a string and nulls where the reference's example has them.
type blockJSON struct {
	ID                  int64             `json:"id"`
	Type                string            `json:"type"`
	TopAggregate        *int64            `json:"top_aggregate"`
	CIDR                string            `json:"cidr"`
	FormattedIP         string            `json:"formatted_ip"`
	Address             string            `json:"address"`
	EndAddress          string            `json:"end_address"`
	Mask                int               `json:"mask"`
	Netmask             string            `json:"netmask,omitempty"`
	Child1              *int64            `json:"child1"`
	Child2              *int64            `json:"child2"`
	IsAssigned          int               `json:"is_assigned"`
	IsSwipped           int               `json:"is_swipped"`
	IsAggregate         int               `json:"is_aggregate"`
	CustID              int64             `json:"custid"`
	ResourceID          int64             `json:"resource_id"`
	ResourceName        string            `json:"resource_name"`
	LastUpdatedTime     *string           `json:"last_updated_time"`
	Description         *string           `json:"description"`
	Parent              *int64            `json:"parent"`
	RIR                 string            `json:"rir"`
	LIRID               *string           `json:"lir_id"`
	Notes               *string           `json:"notes"`
	GenericCode         *string           `json:"generic_code"`
	Code                *string           `json:"code"`
	Region              string            `json:"region"`
	RegionName          string            `json:"region_name"`
	VLAN                *int              `json:"vlan"`
	ARINNetID           *string           `json:"arin_net_id"`
	ARINCustID          *string           `json:"arin_cust_id"`
	OrgID               *string           `json:"org_id"`
	ARINSwipTime        *string           `json:"arin_swip_time"`
	AssignedTime        *string           `json:"assigned_time"`
	ASN                 *int64            `json:"asn"`
	AllowSubAssignments bool              `json:"allowSubAssignments"`
	Permissions         map[string]string `json:"permissions"`
	Range               string            `json:"range"`
	Tags                []string          `json:"tags"`
}

var simPermissions = map[string]string{"permissionIPAMRead": "1", "permissionIPAMUpdate": "1", "permissionIPAMCreate": "1", "permissionIPAMDelete": "1", "permissionSWIP": "1", "permissionAdmin": "1"}

func ptr[T any](v T) *T { return &v }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func sqlTime(t simTime) *string {
	if t == 0 {
		return nil
	}
	return ptr(t.time().Format("2006-01-02 15:04:05"))
}

func (s *Simulator) wire(b *simBlock) blockJSON {
	res := s.resources[b.resource]
	last := LastAddr(b.prefix)
	j := blockJSON{
		ID: b.id, Type: string(b.fam()), CIDR: b.prefix.String(), FormattedIP: b.prefix.String(),
		Address: AddrDecimal(b.prefix.Addr()), EndAddress: AddrDecimal(last), Mask: b.prefix.Bits(),
		Child1: idPtr(b.child1), Child2: idPtr(b.child2), CustID: b.resource, ResourceID: b.resource,
		LastUpdatedTime: sqlTime(b.updatedAt), Description: strPtr(b.desc()), Parent: idPtr(b.parent),
		RIR: b.rir, Notes: strPtr(b.notes()), Code: strPtr(b.code()), GenericCode: strPtr(b.code()),
		Region: b.region.code, RegionName: b.region.name, ARINNetID: strPtr(b.txt().netName),
		ARINCustID: strPtr(b.txt().custHandle), ARINSwipTime: sqlTime(b.swipAt), AssignedTime: sqlTime(b.assignedAt),
		Permissions: simPermissions, Range: b.prefix.Addr().String() + " - " + last.String(),
		Tags: b.tags,
	}
	if b.top != b.id {
		j.TopAggregate = &b.top
	}
	if res != nil {
		j.ResourceName = res.name
	}
	if b.assigned {
		j.IsAssigned = 1
	}
	if b.swipped {
		j.IsSwipped = 1
	}
	if b.leaf() {
		j.IsAggregate = 1
	}
	if b.fam() == model.IPv4 {
		j.Netmask = netmask4(b.prefix.Bits())
	}
	if b.lir != 0 {
		j.LIRID = ptr(strconv.FormatInt(b.lir, 10))
		if lir := s.resources[b.lir]; lir != nil {
			j.OrgID = ptr(lir.handle)
		}
	}
	if b.vlan > 0 {
		j.VLAN = &b.vlan
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	return j
}

func netmask4(bits int) string {
	m := ^uint32(0) << (32 - bits)
	if bits == 0 {
		m = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", byte(m>>24), byte(m>>16), byte(m>>8), byte(m))
}

// boolParam reads "true"/"false" (and 1/0); ok false when absent.
func boolParam(q url.Values, k string) (v, ok bool) {
	switch strings.ToLower(q.Get(k)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func intParam(q url.Values, k string) (int64, bool, error) {
	v := strings.TrimSpace(q.Get(k))
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("Invalid %s: %q is not an integer", k, v)
	}
	return n, true, nil
}

// multi reads a filter given once, comma-separated, or as a JSON array.
func multi(q url.Values, k string) []string {
	var out []string
	for _, v := range q[k] {
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "[") {
			var arr []any
			if json.Unmarshal([]byte(v), &arr) == nil {
				for _, x := range arr {
					out = append(out, strings.TrimSpace(fmt.Sprint(x)))
				}
				continue
			}
		}
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func hasTag(b *simBlock, t string) bool {
	for _, x := range b.tags {
		if strings.EqualFold(x, t) {
			return true
		}
	}
	return false
}

// tagsMatch applies a tagsMode (intersection by default).
func tagsMatch(b *simBlock, tags []string, mode string) bool {
	if len(tags) == 0 {
		return true
	}
	switch strings.ToLower(mode) {
	case "union":
		for _, t := range tags {
			if hasTag(b, t) {
				return true
			}
		}
		return false
	case "exclude":
		for _, t := range tags {
			if hasTag(b, t) {
				return false
			}
		}
		return true
	case "strict":
		if len(b.tags) != len(tags) {
			return false
		}
		fallthrough
	default:
		for _, t := range tags {
			if !hasTag(b, t) {
				return false
			}
		}
		return true
	}
}

func (s *Simulator) handleGet(w http.ResponseWriter, q url.Values) {
	out, ok := s.listingFor(w, q)
	if !ok {
		return
	}
	off, _, err := intParam(q, "selectOffset")
	if err != nil || off < 0 {
		fail(w, "Invalid selectOffset")
		return
	}
	count, hasCount, err := intParam(q, "selectCount")
	if err != nil || (hasCount && count < 0) {
		fail(w, "Invalid selectCount")
		return
	}
	total := len(out)
	if int(off) >= len(out) {
		out = nil
	} else {
		out = out[off:]
	}
	if !hasCount || count > maxSelectCount {
		count = maxSelectCount
	}
	if int(count) < len(out) {
		out = out[:count]
	}
	data := make([]blockJSON, len(out))
	for i, b := range out {
		data[i] = s.wire(b)
	}
	reply(w, map[string]any{"success": 1, "message": fmt.Sprintf("%d blocks found. ", total), "data": data})
}

// listingFor returns the filtered, sorted blocks of a get, cached per
// filter and version. ok is false when it already answered with an error.
func (s *Simulator) listingFor(w http.ResponseWriter, q url.Values) ([]*simBlock, bool) {
	fq := url.Values{}
	for k, vs := range q {
		switch k {
		case "selectOffset", "selectCount", "apiKey", "hash":
		default:
			fq[k] = vs
		}
	}
	key := fq.Encode()
	if s.listing.blocks != nil && s.listing.key == key && s.listing.version == s.version {
		return s.listing.blocks, true
	}
	var preds []func(*simBlock) bool
	add := func(f func(*simBlock) bool) { preds = append(preds, f) }
	if t := q.Get("type"); t != "" {
		fam := family(t)
		if fam == "" {
			fail(w, "Invalid type %q: ipv4 or ipv6", t)
			return nil, false
		}
		add(func(b *simBlock) bool { return b.fam() == fam })
	}
	if v := q.Get("rir"); v != "" {
		add(func(b *simBlock) bool { return strings.EqualFold(b.rir, v) })
	}
	if v := q.Get("region"); v != "" {
		add(func(b *simBlock) bool { return strings.EqualFold(b.region.code, v) })
	}
	for _, k := range []string{"vlan", "topAggregateId", "resourceId", "mask", "id", "lirId"} {
		n, ok, err := intParam(q, k)
		if err != nil {
			fail(w, "%s", err)
			return nil, false
		}
		if !ok {
			continue
		}
		switch k {
		case "vlan":
			add(func(b *simBlock) bool { return int64(b.vlan) == n })
		case "topAggregateId":
			add(func(b *simBlock) bool { return b.top == n })
		case "resourceId":
			add(func(b *simBlock) bool { return b.resource == n })
		case "mask":
			add(func(b *simBlock) bool { return int64(b.prefix.Bits()) == n })
		case "id":
			add(func(b *simBlock) bool { return b.id == n })
		case "lirId":
			add(func(b *simBlock) bool { return b.lir == n })
		}
	}
	if tags := multi(q, "tags"); len(tags) > 0 {
		mode := q.Get("tagsMode")
		add(func(b *simBlock) bool { return tagsMatch(b, tags, mode) })
	}
	if v, ok := boolParam(q, "isAssigned"); ok {
		add(func(b *simBlock) bool { return b.assigned == v })
	}
	if v, ok := boolParam(q, "isAggregate"); ok {
		add(func(b *simBlock) bool { return b.leaf() == v })
	}
	if v, ok := boolParam(q, "isSwipped"); ok {
		add(func(b *simBlock) bool { return b.swipped == v })
	}
	if v := q.Get("block"); v != "" {
		add(func(b *simBlock) bool { return b.prefix.String() == v })
	}
	if v := strings.ToLower(q.Get("search")); v != "" {
		add(func(b *simBlock) bool {
			res := ""
			if r := s.resources[b.resource]; r != nil {
				res = r.name
			}
			hay := strings.ToLower(strings.Join([]string{b.prefix.String(), res, b.region.code, b.rir, b.desc(), b.notes(), b.code(), strings.Join(b.tags, " ")}, " "))
			return strings.Contains(hay, v)
		})
	}
	var out []*simBlock
	for _, b := range s.order {
		ok := true
		for _, p := range preds {
			if !p(b) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, b)
		}
	}
	if f := q.Get("sortField"); f != "" {
		cmp, ok := sortFields[f]
		if !ok {
			fail(w, "Invalid sortField %q: cidr, mask, rir, vlan, code or updateTime", f)
			return nil, false
		}
		desc := strings.EqualFold(q.Get("sortOrder"), "DESC")
		slices.SortStableFunc(out, func(a, b *simBlock) int {
			if desc {
				return cmp(b, a)
			}
			return cmp(a, b)
		})
	}
	if out == nil {
		out = []*simBlock{}
	}
	s.listing.key, s.listing.version, s.listing.blocks = key, s.version, out
	return out, true
}

var sortFields = map[string]func(a, b *simBlock) int{
	"cidr": func(a, b *simBlock) int { return strings.Compare(a.prefix.String(), b.prefix.String()) },
	"mask": func(a, b *simBlock) int { return a.prefix.Bits() - b.prefix.Bits() },
	"rir":  func(a, b *simBlock) int { return strings.Compare(a.rir, b.rir) },
	"vlan": func(a, b *simBlock) int { return a.vlan - b.vlan },
	"code": func(a, b *simBlock) int { return strings.Compare(a.code(), b.code()) },
	"updateTime": func(a, b *simBlock) int {
		return cmp.Compare(a.updatedAt, b.updatedAt)
	},
}

// eligible lists held blocks whose hold period is over.
func (s *Simulator) eligible(now time.Time) []*simBlock {
	var out []*simBlock
	for _, b := range s.order {
		if b.status() == model.BlockHolding && b.heldSince != 0 && now.Sub(b.heldSince.time()) >= HoldPeriod {
			out = append(out, b)
		}
	}
	return out
}

func (s *Simulator) handleProcessHolding(w http.ResponseWriter, q url.Values, now time.Time) {
	preview, ok := boolParam(q, "preview")
	if q.Get("preview") != "" && !ok {
		fail(w, "Invalid preview %q: true or false", q.Get("preview"))
		return
	}
	due := s.eligible(now)
	v4, v6 := 0, 0
	data := make([]blockJSON, 0, len(due))
	for _, b := range due {
		if b.fam() == model.IPv4 {
			v4++
		} else {
			v6++
		}
		data = append(data, s.wire(b))
	}
	verb := "would be"
	if !preview {
		verb = "were"
		for i, b := range due {
			s.release(b, now)
			data[i] = s.wire(b)
		}
	}
	reply(w, map[string]any{"success": 1, "message": fmt.Sprintf("%d IPv4 and %d IPv6 blocks %s moved to the available pool. ", v4, v6, verb), "data": data})
}

// resourceFor resolves resourceId or resourceQuery ({"id":…}, {"name":…},
// {"custom_id":…}, {"slug":…}).
func (s *Simulator) resourceFor(q url.Values) (*simResource, string) {
	id, hasID, err := intParam(q, "resourceId")
	if err != nil {
		return nil, err.Error()
	}
	rq := strings.TrimSpace(q.Get("resourceQuery"))
	switch {
	case hasID && rq != "":
		return nil, "Only one of resourceId or resourceQuery may be given"
	case hasID:
		r := s.resources[id]
		if r == nil {
			return nil, fmt.Sprintf("Resource %d not found", id)
		}
		return r, ""
	case rq != "":
		var m map[string]any
		if json.Unmarshal([]byte(rq), &m) != nil {
			return nil, "Invalid resourceQuery: not a JSON object"
		}
		for _, rid := range s.resOrder {
			r := s.resources[rid]
			ok := len(m) > 0
			for k, v := range m {
				val := fmt.Sprint(v)
				switch k {
				case "id":
					ok = ok && strconv.FormatInt(r.id, 10) == val
				case "name":
					ok = ok && strings.EqualFold(r.name, val)
				case "custom_id", "slug":
					ok = ok && strings.EqualFold(r.handle, val)
				default:
					ok = false
				}
			}
			if ok {
				return r, ""
			}
		}
		return nil, "No resource matches resourceQuery"
	}
	return nil, "Missing resourceId or resourceQuery"
}

func (s *Simulator) handleSmartAssign(w http.ResponseWriter, q url.Values, now time.Time) {
	mask, ok, err := intParam(q, "mask")
	if err != nil || !ok {
		fail(w, "Missing or invalid mask")
		return
	}
	fam := family(q.Get("type"))
	if fam == "" {
		fail(w, "Invalid type %q: IPv4 or IPv6", q.Get("type"))
		return
	}
	if mask < 1 || int(mask) > fam.Bits() {
		fail(w, "Invalid mask %d for %s", mask, fam.Label())
		return
	}
	rir, ok := normRIR(q.Get("rir"))
	if !ok {
		fail(w, "Invalid rir %q", q.Get("rir"))
		return
	}
	res, msg := s.resourceFor(q)
	if res == nil {
		fail(w, "%s", msg)
		return
	}
	if res.typ != "entry" {
		fail(w, "Resource %d (%s) cannot hold assignments", res.id, res.name)
		return
	}
	region := q.Get("region")
	vlan, _, err := intParam(q, "vlan")
	if err != nil {
		fail(w, "%s", err)
		return
	}
	tags := multi(q, "tags")
	mode := q.Get("tagsMode")
	match := func(b *simBlock) bool {
		return (region == "" || strings.EqualFold(b.region.code, region)) &&
			(vlan == 0 || int64(b.vlan) == vlan) && tagsMatch(b, tags, mode)
	}
	var best *simBlock
	var bestAgg *simAgg
	for _, b := range s.order {
		if b.top != b.id || b.fam() != fam || b.rir != rir {
			continue
		}
		agg := s.aggs[b.id]
		c := agg.bestFit(int(mask), match)
		if c == nil {
			continue
		}
		if best == nil || c.prefix.Bits() > best.prefix.Bits() ||
			(c.prefix.Bits() == best.prefix.Bits() && c.prefix.Addr().Less(best.prefix.Addr())) {
			best, bestAgg = c, agg
		}
	}
	if best == nil {
		fail(w, "No available %s block of /%d or larger matches (rir %s%s)", fam.Label(), mask, rir, ifSet(", region ", region))
		return
	}
	leaf := s.carve(bestAgg, best, int(mask), now)
	s.assignTo(bestAgg, leaf, res.id, now)
	if code := q.Get("code"); code != "" {
		leaf.setText(func(t *blockText) { t.code = code })
	}
	j := s.wire(leaf)
	reply(w, map[string]any{"success": 1, "message": fmt.Sprintf("Assigned %s to Resource (%d) via Smart Assign", leaf.prefix, res.id), "id": leaf.id, "data": j})
}

func ifSet(prefix, v string) string {
	if v == "" {
		return ""
	}
	return prefix + v
}

// handleSWIP serves deassign and simpleReassign with their required ids.
func (s *Simulator) handleSWIP(w http.ResponseWriter, q url.Values, now time.Time) {
	action := q.Get("action")
	need := []string{"blockId", "resourceId", "lirId", "entityHandle"}
	if action == ActDeassign {
		need = append(need, "block")
	}
	for _, k := range need {
		if strings.TrimSpace(q.Get(k)) == "" {
			fail(w, "Missing required parameter %s", k)
			return
		}
	}
	blockID, _, err1 := intParam(q, "blockId")
	resID, _, err2 := intParam(q, "resourceId")
	lirID, _, err3 := intParam(q, "lirId")
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			fail(w, "%s", err)
			return
		}
	}
	b := s.block(blockID)
	if b == nil {
		fail(w, "Block %d not found", blockID)
		return
	}
	if b.status() != model.BlockAssigned {
		fail(w, "Block %s is not assigned", b.prefix)
		return
	}
	if b.lir != lirID {
		fail(w, "Block %s does not belong to LIR %d", b.prefix, lirID)
		return
	}
	if lir := s.resources[lirID]; lir == nil || !strings.EqualFold(lir.handle, q.Get("entityHandle")) {
		fail(w, "Entity handle %q is not the org handle of LIR %d", q.Get("entityHandle"), lirID)
		return
	}
	res := s.resources[resID]
	if res == nil || res.typ != "entry" {
		fail(w, "Resource %d not found", resID)
		return
	}
	if b.rir != "ARIN" {
		fail(w, "SWIP is an ARIN process: block %s is registered with %s", b.prefix, b.rir)
		return
	}
	if action == ActDeassign {
		if q.Get("block") != b.prefix.String() {
			fail(w, "Block %q does not match block id %d (%s)", q.Get("block"), blockID, b.prefix)
			return
		}
		if b.resource != resID {
			fail(w, "Block %s is not assigned to resource %d", b.prefix, resID)
			return
		}
		s.toHolding(b, now)
		reply(w, map[string]any{"success": 1, "message": fmt.Sprintf("Sent ARIN SWIP deassignment for %s; the block is in the holding tank", b.prefix)})
		return
	}
	b.resource, b.swipped, b.swipAt, b.updatedAt = resID, true, stime(now), stime(now)
	name := firstNonEmpty(q.Get("netName"), netName(b.prefix))
	b.setText(func(t *blockText) { t.netName, t.custHandle = name, res.handle })
	reply(w, map[string]any{"success": 1, "message": fmt.Sprintf("Sent ARIN SWIP with action simpleReassign for %s for %s, Message: Success", b.prefix, res.name)})
}
